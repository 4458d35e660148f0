//! The checked ruleset: names resolved to indices, every expression typed, units verified.
//! Built only by the checker; the evaluator takes nothing else.

use crate::builtins::Builtin;
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{BinOp, CompareOp, Date, HitPolicy, InputKind};
use crate::value::{GeomKind, Type, Value};

/// A ruleset that passed the checker.
#[derive(Debug, Clone)]
pub struct Ruleset {
    pub source: SourceFile,
    pub meta: Meta,
    pub inputs: Vec<Input>,
    pub layers: Vec<Layer>,
    pub lets: Vec<Let>,
    pub decisions: Vec<Decision>,
    pub checks: Vec<Check>,
    pub at_rules: Vec<AtRule>,
    /// Decisions that another decision reads: they matter only through their readers, so the
    /// questions only they still wait for are not asked once the readers are decided.
    pub read_by_others: std::collections::BTreeSet<usize>,
}

/// The `ruleset { ... }` header.
#[derive(Debug, Clone, Default)]
pub struct Meta {
    pub name: String,
    pub authority: Option<String>,
    pub valid_from: Option<Date>,
    pub valid_until: Option<Date>,
    /// Where the validity period is written (for the "not valid on this date" error).
    pub validity_span: Span,
    pub source: Option<String>,
    pub activity: Option<String>,
}

/// A value the host or the resident supplies.
#[derive(Debug, Clone)]
pub struct Input {
    pub name: String,
    pub kind: InputKind,
    pub ty: Type,
    /// The question or label, in Dutch.
    pub label: String,
    pub help: Option<String>,
    /// "Bedoeling": why the rule exists.
    pub intent: Option<String>,
    /// Allowed range in base units (m, m2, deg; percent as a fraction).
    pub range: Option<(f64, f64)>,
    pub priority: Option<i64>,
    /// How the map answers this input while nobody else does (`from ...`).
    pub derive: Option<Derive>,
    pub span: Span,
}

/// A derived input's `from value [when condition]`: while the input is not answered, its value is
/// `value` (when `condition` holds); when that is nothing (no building on the parcel), it is asked.
#[derive(Debug, Clone)]
pub struct Derive {
    pub value: Expr,
    pub when: Option<Expr>,
    /// The `from` clause as written (`largest(buildings, parcel)`), for the outcome.
    pub text: String,
}

impl Input {
    /// Sort key for asking order: explicit priority first (low numbers first), then declaration order.
    pub fn ask_order(&self, index: usize) -> (i64, usize) {
        (self.priority.unwrap_or(i64::MAX), index)
    }
}

/// A GeoJSON layer bound at evaluation time.
#[derive(Debug, Clone)]
pub struct Layer {
    pub name: String,
    pub kind: GeomKind,
    pub label: Option<String>,
    pub attributes: Vec<(String, Type)>,
    /// Only features whose attribute has one of these values belong to the layer.
    pub filter: Option<(String, Vec<String>)>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Let {
    pub name: String,
    pub expr: Expr,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub struct Decision {
    pub id: Option<String>,
    pub title: String,
    pub ty: Type,
    pub body: Body,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum Body {
    Tree(Vec<Branch>),
    Table(Table),
}

#[derive(Debug, Clone)]
pub struct Branch {
    /// `None` for `otherwise`.
    pub condition: Option<Expr>,
    pub body: BranchBody,
    /// The condition as written (`height > 5 m`), for traces.
    pub text: String,
    /// Inputs and lets the condition reads, for "the values that decided it".
    pub reads: Vec<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum BranchBody {
    Leaf(Leaf),
    Nested(Vec<Branch>),
}

/// A conclusion: the value plus why and where in the law.
#[derive(Debug, Clone)]
pub struct Leaf {
    pub value: Expr,
    pub because: Option<Template>,
    pub reference: Option<String>,
    pub span: Span,
}

/// A text with `{name}` placeholders resolved to expressions.
#[derive(Debug, Clone, Default)]
pub struct Template {
    pub parts: Vec<TemplatePart>,
}

#[derive(Debug, Clone)]
pub enum TemplatePart {
    Text(String),
    Value(Expr),
}

#[derive(Debug, Clone)]
pub struct Table {
    pub hit: HitPolicy,
    pub inputs: Vec<Expr>,
    /// The input columns as written, for traces.
    pub input_texts: Vec<String>,
    /// Inputs and definitions the columns read, for "the values that decided it".
    pub reads: Vec<Expr>,
    pub rows: Vec<Row>,
    /// The cells again, row after row, in a compact form for the common constant tests, so a
    /// large table is scanned without following the general expression tree for every cell.
    pub fast: Vec<FastCell>,
    /// For a large table with an equality column (options, texts, yes/no): the rows per value, so
    /// that a known answer leads straight to the few rows that can apply.
    pub index: Option<TableIndex>,
}

/// The rows of a table by the value one column tests for (see [`Table::index`]).
#[derive(Debug, Clone)]
pub struct TableIndex {
    /// The indexed column.
    pub column: usize,
    /// Rows (ascending) whose cell in the column accepts the value (texts; `true`/`false`).
    pub rows_by_value: std::collections::BTreeMap<std::sync::Arc<str>, Vec<usize>>,
    /// Rows (ascending) whose cell in the column is `-`: they stay candidates for any value.
    pub any: Vec<usize>,
}

impl TableIndex {
    /// Tables with fewer rows are scanned: the index would not pay for itself.
    pub const MIN_ROWS: usize = 32;

    /// Builds an index on the first column where every cell is `-` or constant texts or yes/no
    /// values (and not all `-`), for a table of at least [`TableIndex::MIN_ROWS`] rows.
    pub fn build(rows: usize, columns: usize, fast: &[FastCell]) -> Option<TableIndex> {
        if rows < Self::MIN_ROWS || columns == 0 {
            return None;
        }
        let cell = |r: usize, c: usize| fast.get(r * columns + c);
        let column = (0..columns).find(|&c| {
            (0..rows).all(|r| matches!(cell(r, c), Some(FastCell::Any | FastCell::Texts(_) | FastCell::Bool(_))))
                && (0..rows).any(|r| !matches!(cell(r, c), Some(FastCell::Any)))
        })?;
        let mut index = TableIndex { column, rows_by_value: Default::default(), any: Vec::new() };
        for r in 0..rows {
            match cell(r, column) {
                Some(FastCell::Texts(values)) => {
                    for v in values {
                        index.rows_by_value.entry(v.clone()).or_default().push(r);
                    }
                }
                Some(FastCell::Bool(b)) => index.rows_by_value.entry(bool_key(*b)).or_default().push(r),
                _ => index.any.push(r),
            }
        }
        for rows in index.rows_by_value.values_mut() {
            rows.dedup();
        }
        Some(index)
    }

    /// The rows that can apply when the column's value is `key`, ascending.
    pub fn candidates(&self, key: &str) -> Vec<usize> {
        let listed = self.rows_by_value.get(key).map_or(&[][..], Vec::as_slice);
        let mut out: Vec<usize> = listed.iter().chain(&self.any).copied().collect();
        crate::sort::sort(&mut out);
        out
    }
}

/// The index key of a yes/no value.
pub fn bool_key(b: bool) -> std::sync::Arc<str> {
    if b { "true" } else { "false" }.into()
}

/// A table cell reduced to what most cells are: anything, one number interval, or a few texts.
#[derive(Debug, Clone)]
pub enum FastCell {
    Any,
    Interval {
        low: f64,
        low_closed: bool,
        high: f64,
        high_closed: bool,
    },
    Texts(Vec<std::sync::Arc<str>>),
    /// `true` or `false`.
    Bool(bool),
    /// Anything else: evaluate the cell's tests.
    General,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub cells: Vec<CellTest>,
    pub leaf: Leaf,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum CellTest {
    Any,
    Tests { tests: Vec<Test>, negated: bool, span: Span },
}

#[derive(Debug, Clone)]
pub enum Test {
    Compare(CompareOp, Expr),
    Interval { low: Expr, low_closed: bool, high: Expr, high_closed: bool },
    Equal(Expr),
}

#[derive(Debug, Clone)]
pub struct Check {
    pub name: String,
    pub condition: Expr,
    pub show: Option<Expr>,
    pub because: Option<Template>,
    pub reference: Option<String>,
    pub span: Span,
}

/// Stip op de kaart: a text shown for each feature of `layer` at (or near) a clicked point.
#[derive(Debug, Clone)]
pub struct AtRule {
    pub layer: usize,
    /// Search radius in metres (for point layers such as trees).
    pub radius: Option<f64>,
    pub title: String,
    /// The text with `{attribute}` placeholders (names checked against the layer schema).
    pub text: String,
    /// Why the rule exists ("bedoeling").
    pub intent: Option<String>,
    pub reference: Option<String>,
    pub span: Span,
}

/// A typed expression.
#[derive(Debug, Clone)]
pub struct Expr {
    pub kind: ExprKind,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprKind {
    Const(Value),
    Input(usize),
    Layer(usize),
    Let(usize),
    Decision(usize),
    Call(Builtin, Vec<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    List(Vec<Expr>),
    /// True when the evaluation date lies in this period (or no date is given): guards an
    /// `override let` of a ruleset with its own validity.
    ValidOn(Option<Date>, Option<Date>),
}

impl Ruleset {
    /// The display name of a symbol reference (for traces).
    pub fn name_of(&self, e: &Expr) -> Option<&str> {
        match e.kind {
            ExprKind::Input(i) => self.inputs.get(i).map(|x| x.name.as_str()),
            ExprKind::Let(i) => self.lets.get(i).map(|x| x.name.as_str()),
            ExprKind::Layer(i) => self.layers.get(i).map(|x| x.name.as_str()),
            ExprKind::Decision(i) => self.decisions.get(i).map(|d| d.id.as_deref().unwrap_or(d.title.as_str())),
            _ => None,
        }
    }

    pub fn input_index(&self, name: &str) -> Option<usize> {
        self.inputs.iter().position(|i| i.name == name)
    }

    pub fn layer_index(&self, name: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.name == name)
    }
}

//! The syntax tree of a ruleset, exactly as written (names not yet resolved, types not checked).
//! Every node carries its [`Span`].

use crate::source::Span;

#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A string literal with escapes resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct StrLit {
    pub value: String,
    pub span: Span,
}

/// A `// comment`, kept for the formatter.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct File {
    pub header: Option<Header>,
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DateLit {
    pub date: Date,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub name: StrLit,
    pub authority: Option<StrLit>,
    pub valid_from: Option<DateLit>,
    pub valid_until: Option<DateLit>,
    pub source: Option<StrLit>,
    pub activity: Option<StrLit>,
    /// `extends "../bruidsschat/x.rules"`: the base ruleset this one overrides.
    pub extends: Option<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Input(InputDecl),
    Layer(LayerDecl),
    Let(LetDecl),
    Decision(Decision),
    Check(Check),
    At(AtRule),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Input(i) => i.span,
            Item::Layer(l) => l.span,
            Item::Let(l) => l.span,
            Item::Decision(d) => d.span,
            Item::Check(c) => c.span,
            Item::At(a) => a.span,
        }
    }
}

/// `input` is supplied by the host (map, drawn plan); `question` is asked of the resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputKind {
    Input,
    Question,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TypeExpr {
    Named(Ident),
    Choice(Vec<StrLit>, Span),
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named(i) => i.span,
            TypeExpr::Choice(_, s) => *s,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct InputDecl {
    pub kind: InputKind,
    pub name: Ident,
    pub ty: TypeExpr,
    pub label: StrLit,
    pub help: Option<StrLit>,
    pub intent: Option<StrLit>,
    pub range: Option<(Expr, Expr)>,
    pub priority: Option<(i64, Span)>,
    /// `from value [when condition]`: how the map answers this input.
    pub derive: Option<Box<Derive>>,
    pub span: Span,
}

/// `from largest(buildings, parcel)`, `from main_building when main_is_original`.
#[derive(Debug, Clone, PartialEq)]
pub struct Derive {
    pub value: Expr,
    pub when: Option<Expr>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LayerDecl {
    pub name: Ident,
    pub kind: Ident,
    pub label: Option<StrLit>,
    pub attributes: Vec<(Ident, TypeExpr)>,
    /// `where attribute == "value"` / `where attribute in ["a", "b"]`.
    pub filter: Option<(Ident, Vec<StrLit>)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct LetDecl {
    pub name: Ident,
    pub value: Expr,
    /// `override let`: replaces the base ruleset's definition of the same name.
    pub is_override: bool,
    /// `override let x = ... when cond`: the override only holds where `cond` does.
    pub when: Option<Expr>,
    /// For an override: the validity period of the ruleset that declared it (set when composing).
    pub valid: Option<(Option<Date>, Option<Date>)>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    /// Optional identifier, so other expressions can use the decision's result.
    pub id: Option<Ident>,
    pub title: StrLit,
    pub body: DecisionBody,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum DecisionBody {
    Tree(Vec<Branch>),
    Table(Table),
}

/// `when cond -> ...` or `otherwise -> ...`, possibly with nested branches.
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    /// `None` for `otherwise`.
    pub condition: Option<Expr>,
    pub body: BranchBody,
    /// The span of the `when cond` / `otherwise` head.
    pub head_span: Span,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum BranchBody {
    Leaf(Leaf),
    Nested(Vec<Branch>),
}

/// `-> value because "..." ref "..."`
#[derive(Debug, Clone, PartialEq)]
pub struct Leaf {
    pub value: Expr,
    pub because: Option<StrLit>,
    pub reference: Option<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Aggregator {
    Sum,
    Min,
    Max,
    Count,
}

/// The seven DMN hit policies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HitPolicy {
    Unique,
    First,
    Priority,
    Any,
    Collect(Option<Aggregator>),
    RuleOrder,
    OutputOrder,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub hit: HitPolicy,
    pub hit_span: Span,
    pub inputs: Vec<Expr>,
    pub rules: Vec<TableRule>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct TableRule {
    pub cells: Vec<Cell>,
    pub leaf: Leaf,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// `-`: any value.
    Any(Span),
    /// One or more tests, any of which may match; `negated` for `not(...)`.
    Tests { tests: Vec<UnaryTest>, negated: bool, span: Span },
}

impl Cell {
    pub fn span(&self) -> Span {
        match self {
            Cell::Any(s) => *s,
            Cell::Tests { span, .. } => *span,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnaryTest {
    /// `< 5 m`, `>= 2`, `!= "plat"`
    Compare(CompareOp, Expr),
    /// `[1 m .. 2 m)`
    Interval { low: Expr, low_closed: bool, high: Expr, high_closed: bool, span: Span },
    /// A plain value: equality.
    Equal(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub name: StrLit,
    pub condition: Expr,
    pub show: Option<Expr>,
    pub because: Option<StrLit>,
    pub reference: Option<StrLit>,
    pub span: Span,
}

/// `at layer [within 5 m] "Title" { "text with {attribute}" [intent "..."] [ref "..."] }`
#[derive(Debug, Clone, PartialEq)]
pub struct AtRule {
    pub layer: Ident,
    pub radius: Option<Expr>,
    pub title: StrLit,
    pub text: StrLit,
    /// Why the rule exists ("bedoeling"), shown with the details.
    pub intent: Option<StrLit>,
    pub reference: Option<StrLit>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompareOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CompareOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SpatialOp {
    Within,
    Contains,
    Overlaps,
    Intersects,
}

impl SpatialOp {
    pub fn keyword(self) -> &'static str {
        match self {
            SpatialOp::Within => "within",
            SpatialOp::Contains => "contains",
            SpatialOp::Overlaps => "overlaps",
            SpatialOp::Intersects => "intersects",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    And,
    Or,
    Compare(CompareOp),
    Spatial(SpatialOp),
}

impl BinOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Compare(c) => c.symbol(),
            BinOp::Spatial(s) => s.keyword(),
        }
    }

    /// Binding strength, for printing with the fewest parentheses.
    pub fn precedence(self) -> u8 {
        match self {
            BinOp::Or => 1,
            BinOp::And => 2,
            BinOp::Compare(_) | BinOp::Spatial(_) => 4,
            BinOp::Add | BinOp::Sub => 5,
            BinOp::Mul | BinOp::Div => 6,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// A number as written, with its unit name (`30 cm`): `text` keeps the digits for the formatter.
    Number {
        value: f64,
        text: String,
        unit: Option<Ident>,
    },
    Str(String),
    Bool(bool),
    Location(crate::spatial::Location),
    /// A capitalised word: a conclusion such as `Vergunningplicht` (checked later).
    Conclusion(String),
    Name(String),
    Call(Ident, Vec<Expr>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Expr>),
    List(Vec<Expr>),
}

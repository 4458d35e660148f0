//! Diagnose: analyses of the DMN rows (conflicts, overlaps, shadowed rules), hyphenated names,
//! and the checker's diagnostics on the converted text mapped back to DMN elements.

use std::collections::{BTreeMap, BTreeSet};

use rust_decimal::Decimal;

use super::super::feel::{CmpOp, Expr, Test, UnaryTests};
use super::super::xml::{Definitions, Expression, Logic};
use super::map::{Column, Row};
use super::types::{decimal_text, Ty};
use super::{Converter, DmnDiagnostic};
use crate::diagnostics::Diagnostic;
use crate::source::SourceFile;

/// For each line of the converted text, the DMN id in its `// dmn:` comment.
pub(super) struct LineMap {
    /// (id, whether the comment trails code on the line)
    pub(super) lines: Vec<Option<(String, bool)>>,
    pub(super) text: Vec<String>,
}

impl LineMap {
    pub(super) fn new(text: &str) -> LineMap {
        let text: Vec<String> = text.lines().map(String::from).collect();
        let mut lines: Vec<Option<(String, bool)>> = text
            .iter()
            .map(|line| {
                line.find("// dmn: ").map(|i| {
                    let id = line[i + 8..].split_whitespace().next().unwrap_or("").to_string();
                    (id, !line[..i].trim().is_empty())
                })
            })
            .collect();
        // A long rule wraps its `because` / `ref` onto continuation lines; its id trails the last.
        for i in 0..text.len() {
            if lines[i].is_some() || !text[i].trim_start().starts_with("rule ") {
                continue;
            }
            let mut k = i + 1;
            while k < text.len() && !text[k].trim_start().starts_with("rule ") && !text[k].trim_start().starts_with('}')
            {
                if let Some((id, true)) = &lines[k] {
                    lines[i] = Some((id.clone(), true));
                    break;
                }
                k += 1;
            }
        }
        LineMap { lines, text }
    }

    pub(super) fn map(
        &self,
        d: &Diagnostic,
        source: &SourceFile,
        cells: &BTreeMap<String, Vec<String>>,
        defs: &Definitions,
    ) -> DmnDiagnostic {
        let pos = source.position(d.span.start);
        let index = pos.line.saturating_sub(1);
        let mut element = None;
        if let Some(Some((id, true))) = self.lines.get(index) {
            // A table rule: find the cell by counting `|` before the column.
            let line = self.text.get(index).map(String::as_str).unwrap_or("");
            let column: String = line.chars().take(pos.column.saturating_sub(1)).collect();
            let entry = cell_index(&column);
            element = match (cells.get(id), entry) {
                // A diagnostic about the whole rule starts at `rule`.
                _ if column.trim().is_empty() => None,
                (Some(ids), Some(k)) => ids.get(k).cloned(),
                (Some(ids), None) => ids.last().cloned(),
                _ => None,
            }
            .or_else(|| Some(id.clone()));
        }
        if element.is_none() {
            element = self.lines.get(..=index).unwrap_or(&self.lines).iter().rev().find_map(|l| match l {
                Some((id, false)) => Some(id.clone()),
                _ => None,
            });
        }
        let position = element.as_deref().and_then(|e| defs.position(e));
        DmnDiagnostic {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            element,
            position,
            rules_line: Some(pos.line),
            help: d.help.clone(),
        }
    }
}

/// Which cell of a rule line the text before a column ends in: `Some(k)` for input cell k, `None`
/// for the conclusion (after `->`).
pub(super) fn cell_index(before: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let mut bars = 0;
    let mut prev = ' ';
    for c in before.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '|' {
            bars += 1;
        } else if c == '>' && prev == '-' {
            return None;
        }
        prev = c;
    }
    Some(bars)
}

impl Converter<'_> {
    pub(super) fn hyphen_names(&mut self) {
        let hyphenated: Vec<(String, String)> = self
            .defs
            .inputs
            .iter()
            .map(|i| (i.id.clone(), i.name.clone()))
            .chain(self.defs.decisions.iter().map(|d| (d.id.clone(), d.name.clone())))
            .filter(|(_, n)| n.contains('-') && self.used_in_feel(n))
            .collect();
        if let Some((id, name)) = hyphenated.first() {
            let n = hyphenated.len();
            let (id, name) = (id.clone(), name.clone());
            self.warn(
                "D008",
                &id,
                format!("{n} DMN variable name{} contain `-` (such as `{name}`); strict FEEL reads `a-b` as a subtraction", if n == 1 { "" } else { "s" }),
                Some("names are matched as declared, as DMN engines do; rename them (e.g. with `_`) to be safe in every engine".into()),
            );
        }
    }

    /// Two rules that can both apply with different conclusions (ANY).
    pub(super) fn conflict(&self, rows: &[Row], columns: &[Column]) -> Option<(usize, usize, String)> {
        for j in 0..rows.len() {
            for i in 0..j {
                if rows[i].output == rows[j].output {
                    continue;
                }
                if let Some(example) = both_apply(&rows[i].sets, &rows[j].sets, columns) {
                    return Some((i, j, example));
                }
            }
        }
        None
    }

    /// Whether some FEEL text of the model (a column, a cell, a literal expression) names `name`.
    fn used_in_feel(&self, name: &str) -> bool {
        let bound =
            self.bindings.values().flatten().any(|b| b.expression.as_ref().is_some_and(|(t, _)| t.contains(name)));
        bound
            || self.defs.decisions.iter().filter_map(|d| d.logic.as_ref()).any(|l| logic_mentions(l, name))
            || self.defs.bkms.iter().filter_map(|b| b.body.as_ref()).any(|l| logic_mentions(l, name))
    }

    /// W001 on a question that, in the DMN, only decisions left out (not converted) read: it is not
    /// unused, it is not asked because those decisions did not convert. Says so instead.
    pub(super) fn read_only_by_left_out(&self, d: &mut DmnDiagnostic, not_converted: &[String]) {
        if d.code != "W001" {
            return;
        }
        let Some(input) = d.element.as_deref().and_then(|id| self.defs.inputs.iter().find(|i| i.id == id)) else {
            return;
        };
        // As for left-out readers: by requirement, or by name in a file without requirements.
        let readers: Vec<_> = self
            .defs
            .decisions
            .iter()
            .filter(|x| {
                x.required_inputs.contains(&input.id)
                    || (x.required_inputs.is_empty()
                        && x.required_decisions.is_empty()
                        && x.logic.as_ref().is_some_and(|l| logic_mentions(l, &input.name)))
            })
            .collect();
        if readers.is_empty() || readers.iter().any(|r| !not_converted.contains(&r.id)) {
            return;
        }
        let names: Vec<String> = readers.iter().map(|r| format!("\"{}\"", self.title_of(r))).collect();
        let subject = d.message.strip_suffix(" is never used").unwrap_or(&d.message).to_string();
        d.message = format!(
            "{subject} is read only by decisions that are not converted ({}), so it is not asked",
            names.join(", ")
        );
        d.help = Some("correct the errors of those decisions (above); then the question is asked again".into());
    }

    /// Two rules that can both apply (UNIQUE).
    pub(super) fn overlap(&self, rows: &[Row], columns: &[Column]) -> Option<(usize, usize, String)> {
        for j in 0..rows.len() {
            for i in 0..j {
                if let Some(example) = both_apply(&rows[i].sets, &rows[j].sets, columns) {
                    return Some((i, j, example));
                }
            }
        }
        None
    }
}

/// Whether a FEEL text of a boxed expression contains `name` (as text: a cautious over-estimate).
pub(super) fn logic_mentions(l: &Logic, name: &str) -> bool {
    match &l.expression {
        Expression::Literal { text, .. } => text.contains(name),
        Expression::Table(t) => {
            t.inputs.iter().any(|i| i.expression.contains(name))
                || t.rules
                    .iter()
                    .any(|r| r.input_entries.iter().chain(&r.output_entries).any(|e| e.text.contains(name)))
        }
        Expression::Context(entries) => entries.iter().any(|e| logic_mentions(&e.value, name)),
        Expression::Invocation { bindings, .. } => {
            bindings.iter().any(|(_, l)| l.as_ref().is_some_and(|l| logic_mentions(l, name)))
        }
        Expression::Relation { rows, .. } => rows.iter().flatten().any(|c| logic_mentions(c, name)),
        Expression::List(items) => items.iter().any(|c| logic_mentions(c, name)),
        Expression::Conditional(parts) => parts.iter().any(|c| logic_mentions(c, name)),
        Expression::Filter(parts) => parts.iter().any(|c| logic_mentions(c, name)),
        Expression::Iterator { parts, .. } => parts.iter().any(|c| logic_mentions(c, name)),
        Expression::Function { body, .. } => body.as_ref().is_some_and(|b| logic_mentions(b, name)),
        Expression::Unsupported(_) | Expression::Invalid(_) => false,
    }
}

/// The values one cell accepts, as far as the analyses can tell.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum CellSet {
    Any,
    /// Indices into the column's domain.
    Finite(BTreeSet<usize>),
    /// Numeric intervals (lo, lo_closed, hi, hi_closed); `None` bounds are infinite.
    Numeric(Vec<Interval>),
    Unknown,
}

pub(super) type Interval = (Option<Decimal>, bool, Option<Decimal>, bool);

/// Numeric intervals of a cell with constant numbers; `Unknown` otherwise.
pub(super) fn numeric_set(tests: &UnaryTests) -> CellSet {
    let (list, negated) = match tests {
        UnaryTests::Any => return CellSet::Any,
        UnaryTests::Tests(l) => (l, false),
        UnaryTests::Not(l) => (l, true),
    };
    let mut parts: Vec<Interval> = Vec::new();
    for t in list {
        let num = |e: &Expr| match e {
            Expr::Number(n) => Some(*n),
            _ => None,
        };
        match t {
            Test::Compare(op, e) => {
                let Some(n) = num(e) else { return CellSet::Unknown };
                match op {
                    CmpOp::Lt => parts.push((None, false, Some(n), false)),
                    CmpOp::Le => parts.push((None, false, Some(n), true)),
                    CmpOp::Gt => parts.push((Some(n), false, None, false)),
                    CmpOp::Ge => parts.push((Some(n), true, None, false)),
                    CmpOp::Eq => parts.push((Some(n), true, Some(n), true)),
                    CmpOp::Ne => {
                        parts.push((None, false, Some(n), false));
                        parts.push((Some(n), false, None, false));
                    }
                }
            }
            Test::Range(r) => match (num(&r.low), num(&r.high)) {
                (Some(lo), Some(hi)) => parts.push((Some(lo), r.low_closed, Some(hi), r.high_closed)),
                _ => return CellSet::Unknown,
            },
            Test::Expr(e) => match num(e) {
                Some(n) => parts.push((Some(n), true, Some(n), true)),
                None => return CellSet::Unknown,
            },
        }
    }
    if negated {
        return complement(&parts);
    }
    CellSet::Numeric(parts)
}

pub(super) fn complement(parts: &[Interval]) -> CellSet {
    // Walk the sorted parts and keep the gaps.
    let mut sorted: Vec<Interval> = parts.to_vec();
    sorted.sort_by(|a, b| match (a.0, b.0) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    });
    let mut gaps = Vec::new();
    let mut cursor: (Option<Decimal>, bool) = (None, false);
    let mut open_ended = false;
    for p in sorted {
        gaps.push((cursor.0, cursor.1, p.0, !p.1));
        match p.2 {
            None => {
                open_ended = true;
                break;
            }
            Some(hi) => {
                if cursor.0.is_none_or(|c| hi >= c) {
                    cursor = (Some(hi), !p.3);
                }
            }
        }
    }
    if !open_ended {
        gaps.push((cursor.0, cursor.1, None, false));
    }
    CellSet::Numeric(gaps.into_iter().filter(|g| !interval_empty(g)).collect())
}

pub(super) fn interval_empty(i: &Interval) -> bool {
    match (i.0, i.2) {
        (Some(lo), Some(hi)) => lo > hi || (lo == hi && !(i.1 && i.3)),
        _ => false,
    }
}

pub(super) fn intersect(a: &Interval, b: &Interval) -> Interval {
    let (lo, lo_closed) = match (a.0, b.0) {
        (None, _) => (b.0, b.1),
        (_, None) => (a.0, a.1),
        (Some(x), Some(y)) if x > y => (a.0, a.1),
        (Some(x), Some(y)) if x < y => (b.0, b.1),
        _ => (a.0, a.1 && b.1),
    };
    let (hi, hi_closed) = match (a.2, b.2) {
        (None, _) => (b.2, b.3),
        (_, None) => (a.2, a.3),
        (Some(x), Some(y)) if x < y => (a.2, a.3),
        (Some(x), Some(y)) if x > y => (b.2, b.3),
        _ => (a.2, a.3 && b.3),
    };
    (lo, lo_closed, hi, hi_closed)
}

/// A value both cells accept, described for a message; `None` when they cannot (or it is unknown).
pub(super) fn common(a: &CellSet, b: &CellSet, col: &Column) -> Option<Option<String>> {
    let describe = |k: usize| col.domain.as_ref().and_then(|d| d.get(k)).map(|v| v.written.join("/"));
    match (a, b) {
        (CellSet::Unknown, _) | (_, CellSet::Unknown) => None,
        (CellSet::Any, CellSet::Any) => Some(None),
        (CellSet::Any, CellSet::Finite(s)) | (CellSet::Finite(s), CellSet::Any) => {
            s.iter().next().map(|&k| describe(k))
        }
        (CellSet::Finite(x), CellSet::Finite(y)) => x.intersection(y).next().map(|&k| describe(k)),
        (CellSet::Any, CellSet::Numeric(p)) | (CellSet::Numeric(p), CellSet::Any) => {
            p.iter().find(|i| !interval_empty(i)).map(|i| Some(sample(i)))
        }
        (CellSet::Numeric(x), CellSet::Numeric(y)) => x
            .iter()
            .flat_map(|i| y.iter().map(move |j| intersect(i, j)))
            .find(|i| !interval_empty(i))
            .map(|i| Some(sample(&i))),
        _ => None,
    }
}

pub(super) fn sample(i: &Interval) -> String {
    match (i.0, i.1, i.2) {
        (Some(lo), true, _) => decimal_text(lo),
        (Some(lo), false, Some(hi)) => decimal_text((lo + hi) / Decimal::TWO),
        (Some(lo), false, None) => decimal_text(lo + Decimal::ONE),
        (None, _, Some(hi)) if i.3 => decimal_text(hi),
        (None, _, Some(hi)) => decimal_text(hi - Decimal::ONE),
        (None, _, None) => "0".into(),
    }
}

pub(super) fn both_apply(a: &[CellSet], b: &[CellSet], columns: &[Column]) -> Option<String> {
    let mut example = Vec::new();
    for ((x, y), col) in a.iter().zip(b).zip(columns) {
        if let Some(v) = common(x, y, col)? {
            example.push(format!("{} = {v}", col.text));
        }
    }
    Some(if example.is_empty() { "for any answers".to_string() } else { format!("when {}", example.join(", ")) })
}

/// Does row `a` accept every case row `b` accepts (for shadowed FIRST rows)?
pub(super) fn covers(a: &[CellSet], b: &[CellSet]) -> bool {
    a.iter().zip(b).all(|(x, y)| match (x, y) {
        (CellSet::Any, _) => true,
        (CellSet::Finite(p), CellSet::Finite(q)) => q.is_subset(p),
        _ => false,
    })
}

/// Values for which no row applies, described for a message (`when a = x, hoogte > 1000`), or
/// `None` when every combination is covered or coverage cannot be told (expressions). Columns with a
/// finite set of values, free-text columns (empty or not) and number columns with constant bounds
/// (also a column whose input expression has no type, when its cells are all number tests) are
/// searched, within a work budget. Numbers are read as the measures STTR questions ask for (0 and
/// up) unless a bound of the column is negative; they are tried at each bound, between each two,
/// and beyond the outermost. The first number column of a gap is widened to the whole interval no
/// rule covers (with the other columns at the values named).
pub(super) fn find_gap(rows: &[Row], columns: &[Column]) -> Option<String> {
    let known = |s: &CellSet| matches!(s, CellSet::Any | CellSet::Finite(_) | CellSet::Numeric(_));
    if rows.iter().any(|r| !r.sets.iter().all(known)) {
        return None;
    }
    let numeric = |c: usize| {
        rows.iter().all(|r| matches!(r.sets[c], CellSet::Any | CellSet::Numeric(_)))
            && rows.iter().any(|r| matches!(r.sets[c], CellSet::Numeric(_)))
    };
    // Per column the values tried: domain indices, or numbers.
    let tried: Vec<Vec<Tried>> = columns
        .iter()
        .enumerate()
        .map(|(c, col)| match (&col.domain, &col.ty) {
            (Some(d), _) => Some((0..d.len()).map(Tried::Index).collect()),
            (None, Some(Ty::Text)) if !col.decision => Some(vec![Tried::Index(0), Tried::Index(1)]),
            (None, Some(Ty::Number)) => Some(numbers_to_try(rows.iter().map(|r| &r.sets[c]))),
            (None, None) if numeric(c) => Some(numbers_to_try(rows.iter().map(|r| &r.sets[c]))),
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    if rows.len().saturating_mul(tried.iter().map(Vec::len).sum()) > 2_000_000 {
        return None;
    }
    // accepts[c][r][k]: does row r's cell in column c accept the k-th value tried?
    let accepts: Vec<Vec<Vec<bool>>> = tried
        .iter()
        .enumerate()
        .map(|(c, values)| rows.iter().map(|r| values.iter().map(|v| accepts(&r.sets[c], v)).collect()).collect())
        .collect();
    let candidates: Vec<usize> = (0..rows.len()).collect();
    let mut budget: usize = 2_000_000;
    let mut path = Vec::new();
    if !gap_search(rows, &accepts, 0, &candidates, &mut path, &mut budget) {
        return None;
    }
    // Is the path a gap with column `c` at its k-th value instead?
    let is_gap = |c: usize, k: usize| {
        (0..rows.len()).all(|r| (0..path.len()).any(|x| !accepts[x][r][if x == c { k } else { path[x] }]))
    };
    let mut widened = false;
    let mut parts = Vec::with_capacity(path.len());
    for (c, col) in columns.iter().enumerate() {
        let (k, values) = (path[c], &tried[c]);
        let part = match (&values[k], &col.domain) {
            (Tried::Number(..), _) if !widened => {
                widened = true;
                let (mut lo, mut hi) = (k, k);
                while lo > 0 && is_gap(c, lo - 1) {
                    lo -= 1;
                }
                while hi + 1 < values.len() && is_gap(c, hi + 1) {
                    hi += 1;
                }
                let (Tried::Number(_, low), Tried::Number(_, high)) = (&values[lo], &values[hi]) else { continue };
                describe_interval(&col.text, (low.0, low.1, high.2, high.3))
            }
            (Tried::Number(n, _), _) => format!("{} = {}", col.text, decimal_text(*n)),
            (Tried::Index(i), Some(d)) => {
                format!("{} = {}", col.text, d.get(*i).map(|v| v.written.join("/")).unwrap_or_default())
            }
            (Tried::Index(0), None) => format!("{} = \"\" (no answer)", col.text),
            (Tried::Index(_), None) => format!("{} = a text", col.text),
        };
        parts.push(part);
    }
    if parts.is_empty() {
        return Some("for any answers".into());
    }
    Some(format!("when {}", parts.join(", ")))
}

/// `x = 5`, `x > 1000`, `x < -3`, `x in [-1 .. 0)`: an interval as the rules language writes it.
fn describe_interval(name: &str, i: Interval) -> String {
    match i {
        (Some(lo), true, Some(hi), true) if lo == hi => format!("{name} = {}", decimal_text(lo)),
        (Some(lo), closed, None, _) => format!("{name} {} {}", if closed { ">=" } else { ">" }, decimal_text(lo)),
        (None, _, Some(hi), closed) => format!("{name} {} {}", if closed { "<=" } else { "<" }, decimal_text(hi)),
        (Some(lo), lc, Some(hi), hc) => format!(
            "{name} in {}{} .. {}{}",
            if lc { "[" } else { "(" },
            decimal_text(lo),
            decimal_text(hi),
            if hc { "]" } else { ")" }
        ),
        (None, _, None, _) => format!("{name} is any number"),
    }
}

/// A value tried in [`find_gap`]: an index into the column's domain (or empty / any text for free
/// text), or a number with the interval it stands for (no bound lies inside it, so every number in
/// it is accepted by the same cells).
enum Tried {
    Index(usize),
    Number(Decimal, Interval),
}

fn accepts(set: &CellSet, v: &Tried) -> bool {
    match (set, v) {
        (CellSet::Finite(s), Tried::Index(i)) => s.contains(i),
        (CellSet::Numeric(parts), Tried::Number(n, _)) => parts.iter().any(|p| {
            p.0.is_none_or(|lo| if p.1 { *n >= lo } else { *n > lo })
                && p.2.is_none_or(|hi| if p.3 { *n <= hi } else { *n < hi })
        }),
        (CellSet::Any, _) => true,
        _ => false,
    }
}

/// Every bound, a number between each two, and one beyond the outermost: from 0 up (a measure)
/// unless a bound is negative, then also one below the lowest.
fn numbers_to_try<'a>(sets: impl Iterator<Item = &'a CellSet>) -> Vec<Tried> {
    let mut bounds: Vec<Decimal> = Vec::new();
    for set in sets {
        if let CellSet::Numeric(parts) = set {
            bounds.extend(parts.iter().flat_map(|p| [p.0, p.2]).flatten());
        }
    }
    let negative = bounds.iter().any(|b| *b < Decimal::ZERO);
    if !negative {
        bounds.push(Decimal::ZERO);
    }
    bounds.sort();
    bounds.dedup();
    let mut out = Vec::with_capacity(bounds.len() * 2 + 1);
    let point = |b: Decimal| Tried::Number(b, (Some(b), true, Some(b), true));
    if let (true, Some(&first)) = (negative, bounds.first()) {
        out.push(Tried::Number(first - Decimal::ONE, (None, false, Some(first), false)));
    }
    for w in bounds.windows(2) {
        out.push(point(w[0]));
        out.push(Tried::Number((w[0] + w[1]) / Decimal::TWO, (Some(w[0]), false, Some(w[1]), false)));
    }
    if let Some(&last) = bounds.last() {
        out.push(point(last));
        out.push(Tried::Number(last + Decimal::ONE, (Some(last), false, None, false)));
    }
    out
}
/// Depth-first: is there a value of column `col` (and onwards) that none of `candidates` accepts?
fn gap_search(
    rows: &[Row],
    accepts: &[Vec<Vec<bool>>],
    col: usize,
    candidates: &[usize],
    path: &mut Vec<usize>,
    budget: &mut usize,
) -> bool {
    if col == accepts.len() {
        return candidates.is_empty();
    }
    let size = accepts[col].first().map_or(0, Vec::len);
    for v in 0..size {
        if *budget < candidates.len() {
            return false;
        }
        *budget -= candidates.len();
        let next: Vec<usize> = candidates.iter().copied().filter(|&r| accepts[col][r][v]).collect();
        path.push(v);
        if next.is_empty() {
            path.extend(std::iter::repeat_n(0, accepts.len() - col - 1));
            return true;
        }
        // Rows that accept every value of the remaining columns cover this branch at once.
        let all_any = next.iter().any(|&r| rows[r].sets[col + 1..].iter().all(|s| matches!(s, CellSet::Any)));
        if !all_any && gap_search(rows, accepts, col + 1, &next, path, budget) {
            return true;
        }
        path.pop();
    }
    false
}

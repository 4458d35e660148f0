//! Static analysis of a checked ruleset, one lint per function:
//! unreachable branches (W002, W003), gaps where no branch decides (W004), overlapping rows in
//! UNIQUE tables (W005), and a `NeemContactOp` branch that stands before a branch giving a permit
//! (W006).
//!
//! The analyses reason about "simple" conditions: comparisons, ranges and option tests on one input
//! (or definition), combined with and/or/not. Anything else is taken as "may or may not hold", so
//! every warning is certain; silence is not a proof.

use std::collections::BTreeSet;

// The table analyses are indexed (any table size, bounded work per rule), natively and in the
// browser. The pairwise ones (small_tables) are the tests' reference: both report through the
// builders here, and a property test asks them for the same warnings.
mod shadow;
#[cfg(test)]
mod small_tables;

use super::ruleset::*;
use crate::diagnostics::Diagnostic;
use crate::syntax::ast::{self, BinOp, CompareOp, HitPolicy};
use crate::value::{compare_numbers, Conclusion, Type, Value};

pub(super) fn analyse(rs: &Ruleset, _file: &ast::File) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for d in &rs.decisions {
        match &d.body {
            Body::Tree(branches) => {
                tree(rs, d, branches, None, &mut out);
                contact_before_permit(rs, branches, &mut out);
            }
            Body::Table(t) => table(rs, d, t, &mut out),
        }
    }
    out
}

// ---------------------------------------------------------------- value sets

/// What a simple condition is about: an input or a definition.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Var {
    Input(usize),
    Let(usize),
}

/// An interval of numbers with open or closed ends.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Interval {
    lo: f64,
    lo_closed: bool,
    hi: f64,
    hi_closed: bool,
}

impl Interval {
    fn is_empty(&self) -> bool {
        match compare_numbers(self.lo, self.hi) {
            std::cmp::Ordering::Greater => true,
            std::cmp::Ordering::Equal => !(self.lo_closed && self.hi_closed),
            std::cmp::Ordering::Less => false,
        }
    }

    fn intersect(&self, o: &Interval) -> Interval {
        let (lo, lo_closed) = match compare_numbers(self.lo, o.lo) {
            std::cmp::Ordering::Greater => (self.lo, self.lo_closed),
            std::cmp::Ordering::Less => (o.lo, o.lo_closed),
            std::cmp::Ordering::Equal => (self.lo, self.lo_closed && o.lo_closed),
        };
        let (hi, hi_closed) = match compare_numbers(self.hi, o.hi) {
            std::cmp::Ordering::Less => (self.hi, self.hi_closed),
            std::cmp::Ordering::Greater => (o.hi, o.hi_closed),
            std::cmp::Ordering::Equal => (self.hi, self.hi_closed && o.hi_closed),
        };
        Interval { lo, lo_closed, hi, hi_closed }
    }

    /// A value inside the interval, preferring round numbers an officer recognises.
    fn sample(&self) -> f64 {
        if self.lo_closed && self.lo.is_finite() {
            return self.lo;
        }
        if self.hi_closed && self.hi.is_finite() && !self.lo.is_finite() {
            return self.hi;
        }
        match (self.lo.is_finite(), self.hi.is_finite()) {
            (true, true) => {
                let mid = (self.lo + self.hi) / 2.0;
                let step = if self.hi - self.lo > 2.0 { self.lo.floor() + 1.0 } else { mid };
                if step > self.lo && step < self.hi {
                    step
                } else {
                    mid
                }
            }
            (true, false) => self.lo.floor() + 1.0,
            (false, true) => self.hi.ceil() - 1.0,
            (false, false) => 0.0,
        }
    }
}

/// A set of values of one variable: a union of intervals, or a subset of a finite universe.
#[derive(Debug, Clone, PartialEq)]
enum Set {
    Num(Vec<Interval>),
    Finite(BTreeSet<usize>),
}

/// The values a variable can take.
#[derive(Debug, Clone)]
enum Universe {
    Num(Interval, crate::value::Dim),
    /// Named values: options of a choice, true/false, ja/nee/deels.
    Finite(Vec<Value>),
}

impl Universe {
    fn full(&self) -> Set {
        match self {
            Universe::Num(i, _) => Set::Num(vec![*i]),
            Universe::Finite(v) => Set::Finite((0..v.len()).collect()),
        }
    }

    fn describe(&self, set: &Set) -> Option<String> {
        match (self, set) {
            (Universe::Num(_, dim), Set::Num(parts)) => {
                let first = parts.iter().find(|i| !i.is_empty())?;
                Some(match Value::Num(first.sample(), *dim).to_json() {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })
            }
            (Universe::Finite(values), Set::Finite(members)) => {
                let v = values.get(*members.iter().next()?)?;
                Some(match v {
                    Value::Text(t) => format!("\"{t}\""),
                    other => other.to_dutch(),
                })
            }
            _ => None,
        }
    }
}

impl Set {
    fn is_empty(&self) -> bool {
        match self {
            Set::Num(parts) => parts.iter().all(Interval::is_empty),
            Set::Finite(m) => m.is_empty(),
        }
    }

    fn union(&self, o: &Set) -> Set {
        match (self, o) {
            (Set::Num(a), Set::Num(b)) => Set::Num(a.iter().chain(b).copied().filter(|i| !i.is_empty()).collect()),
            (Set::Finite(a), Set::Finite(b)) => Set::Finite(a.union(b).copied().collect()),
            (a, _) => a.clone(),
        }
    }

    fn intersect(&self, o: &Set) -> Set {
        match (self, o) {
            (Set::Num(a), Set::Num(b)) => Set::Num(
                a.iter().flat_map(|x| b.iter().map(move |y| x.intersect(y))).filter(|i| !i.is_empty()).collect(),
            ),
            (Set::Finite(a), Set::Finite(b)) => Set::Finite(a.intersection(b).copied().collect()),
            (a, _) => a.clone(),
        }
    }

    /// The universe minus this set.
    fn complement(&self, universe: &Universe) -> Set {
        match (self, universe) {
            (Set::Num(parts), Universe::Num(u, _)) => {
                // Walk the sorted parts and keep the gaps between them.
                let mut sorted: Vec<Interval> = parts.iter().copied().filter(|i| !i.is_empty()).collect();
                crate::sort::sort_by(&mut sorted, |a, b| a.lo.total_cmp(&b.lo).then(b.lo_closed.cmp(&a.lo_closed)));
                let mut gaps = Vec::new();
                let mut cursor = (u.lo, u.lo_closed);
                for p in sorted {
                    gaps.push(Interval { lo: cursor.0, lo_closed: cursor.1, hi: p.lo, hi_closed: !p.lo_closed });
                    let ends_later = match compare_numbers(p.hi, cursor.0) {
                        std::cmp::Ordering::Greater => true,
                        std::cmp::Ordering::Equal => p.hi_closed && cursor.1,
                        std::cmp::Ordering::Less => false,
                    };
                    if ends_later {
                        cursor = (p.hi, !p.hi_closed);
                    }
                }
                gaps.push(Interval { lo: cursor.0, lo_closed: cursor.1, hi: u.hi, hi_closed: u.hi_closed });
                Set::Num(gaps.into_iter().map(|g| g.intersect(u)).filter(|g| !g.is_empty()).collect())
            }
            (Set::Finite(m), Universe::Finite(values)) => {
                Set::Finite((0..values.len()).filter(|i| !m.contains(i)).collect())
            }
            (s, _) => s.clone(),
        }
    }

    fn subset_of(&self, o: &Set, universe: &Universe) -> bool {
        self.intersect(&o.complement(universe)).is_empty()
    }
}

const EVERYTHING: Interval = Interval { lo: f64::NEG_INFINITY, lo_closed: false, hi: f64::INFINITY, hi_closed: false };

fn var_of(e: &Expr) -> Option<Var> {
    match e.kind {
        ExprKind::Input(i) => Some(Var::Input(i)),
        ExprKind::Let(i) => Some(Var::Let(i)),
        _ => None,
    }
}

fn universe(rs: &Ruleset, var: Var, ty: &Type) -> Option<Universe> {
    match ty {
        Type::Num(dim) => {
            let range = match var {
                Var::Input(i) => rs.inputs.get(i).and_then(|inp| inp.range),
                Var::Let(_) => None,
            };
            Some(Universe::Num(
                match range {
                    Some((lo, hi)) => Interval { lo, lo_closed: true, hi, hi_closed: true },
                    None => EVERYTHING,
                },
                *dim,
            ))
        }
        Type::Bool => Some(Universe::Finite(vec![Value::Bool(true), Value::Bool(false)])),
        Type::Location => Some(Universe::Finite(
            [crate::spatial::Location::Ja, crate::spatial::Location::Nee, crate::spatial::Location::Deels]
                .into_iter()
                .map(Value::Location)
                .collect(),
        )),
        Type::Text(Some(options)) => {
            Some(Universe::Finite(options.iter().map(|o| Value::Text(o.as_str().into())).collect()))
        }
        _ => None,
    }
}

fn constant(e: &Expr) -> Option<&Value> {
    match &e.kind {
        ExprKind::Const(v) => Some(v),
        _ => None,
    }
}

/// The set of values of `var` for which a test against a constant holds.
fn compare_set(op: CompareOp, value: &Value, universe: &Universe) -> Option<Set> {
    match (universe, value) {
        (Universe::Num(..), Value::Num(n, _)) => {
            let n = *n;
            let iv = |lo, lo_closed, hi, hi_closed| Interval { lo, lo_closed, hi, hi_closed };
            let inf = f64::INFINITY;
            Some(Set::Num(match op {
                CompareOp::Lt => vec![iv(-inf, false, n, false)],
                CompareOp::Le => vec![iv(-inf, false, n, true)],
                CompareOp::Gt => vec![iv(n, false, inf, false)],
                CompareOp::Ge => vec![iv(n, true, inf, false)],
                CompareOp::Eq => vec![iv(n, true, n, true)],
                CompareOp::Ne => vec![iv(-inf, false, n, false), iv(n, false, inf, false)],
            }))
        }
        (Universe::Finite(values), v) => {
            let index = values.iter().position(|x| x.same(v))?;
            let set = Set::Finite(super::singleton(index));
            match op {
                CompareOp::Eq => Some(set),
                CompareOp::Ne => Some(set.complement(universe)),
                _ => None,
            }
        }
        _ => None,
    }
}

fn flip(op: CompareOp) -> CompareOp {
    match op {
        CompareOp::Lt => CompareOp::Gt,
        CompareOp::Le => CompareOp::Ge,
        CompareOp::Gt => CompareOp::Lt,
        CompareOp::Ge => CompareOp::Le,
        other => other,
    }
}

/// A condition as a set of values of one variable, when it is that simple.
fn simple(rs: &Ruleset, e: &Expr) -> Option<(Var, Universe, Set)> {
    match &e.kind {
        ExprKind::Input(_) | ExprKind::Let(_) if e.ty == Type::Bool => {
            let var = var_of(e)?;
            let u = universe(rs, var, &e.ty)?;
            let set = compare_set(CompareOp::Eq, &Value::Bool(true), &u)?;
            Some((var, u, set))
        }
        ExprKind::Not(inner) => {
            let (var, u, set) = simple(rs, inner)?;
            let c = set.complement(&u);
            Some((var, u, c))
        }
        ExprKind::Binary(BinOp::Compare(op), l, r) => {
            let (var_expr, op, value) = match (var_of(l), constant(r), var_of(r), constant(l)) {
                (Some(_), Some(v), _, _) => (l, *op, v),
                (_, _, Some(_), Some(v)) => (r, flip(*op), v),
                _ => return None,
            };
            let var = var_of(var_expr)?;
            let u = universe(rs, var, &var_expr.ty)?;
            let set = compare_set(op, value, &u)?;
            Some((var, u, set))
        }
        ExprKind::In(needle, items) => {
            let var = var_of(needle)?;
            let u = universe(rs, var, &needle.ty)?;
            let mut set: Option<Set> = None;
            for item in items {
                let s = compare_set(CompareOp::Eq, constant(item)?, &u)?;
                set = Some(match set {
                    Some(acc) => acc.union(&s),
                    None => s,
                });
            }
            Some((var, u.clone(), set.unwrap_or(Set::Finite(BTreeSet::new()))))
        }
        ExprKind::Binary(op @ (BinOp::And | BinOp::Or), l, r) => {
            let (v1, u, s1) = simple(rs, l)?;
            let (v2, _, s2) = simple(rs, r)?;
            if v1 != v2 {
                return None;
            }
            let s = if *op == BinOp::And { s1.intersect(&s2) } else { s1.union(&s2) };
            Some((v1, u, s))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- decision trees

/// `context`: the set the enclosing branch already restricts its variable to.
fn tree(rs: &Ruleset, d: &Decision, branches: &[Branch], context: Option<(Var, Set)>, out: &mut Vec<Diagnostic>) {
    let mut covered: Option<(Var, Universe, Set)> = None;
    let mut all_simple_on_one_var = true;
    let mut otherwise_at = None;
    for b in branches {
        if let Some(at) = otherwise_at {
            out.push(
                Diagnostic::warning("W002", b.span, "this branch can never be reached: it comes after `otherwise`")
                    .with_other(at, "`otherwise` takes every remaining case")
                    .with_help("move it before `otherwise`, or remove it"),
            );
            continue;
        }
        let Some(cond) = &b.condition else {
            otherwise_at = Some(b.span);
            if let BranchBody::Nested(inner) = &b.body {
                tree(rs, d, inner, None, out);
            }
            continue;
        };
        let this = simple(rs, cond);
        let mut nested_context = None;
        match (&this, &mut covered) {
            (Some((var, u, set)), None) => {
                let set = restrict(&context, *var, set);
                nested_context = Some((*var, set.clone()));
                covered = Some((*var, u.clone(), set));
            }
            (Some((var, u, set)), Some((cvar, _, cset))) if var == cvar => {
                let set = restrict(&context, *var, set);
                if set.subset_of(cset, u) {
                    out.push(
                        Diagnostic::warning(
                            "W003",
                            b.span,
                            format!(
                                "this branch can never be reached: earlier branches already take every case of `{}`",
                                b.text
                            ),
                        )
                        .with_help("reorder the branches or fix the condition"),
                    );
                }
                nested_context = Some((*var, set.clone()));
                *cset = cset.union(&set);
            }
            _ => all_simple_on_one_var = false,
        }
        if let BranchBody::Nested(inner) = &b.body {
            tree(rs, d, inner, nested_context, out);
        }
    }
    if otherwise_at.is_some() {
        return;
    }
    let first_span = branches.first().map(|b| b.span).unwrap_or(d.span);
    match covered {
        Some((var, u, cset)) if all_simple_on_one_var => {
            let scope = match &context {
                Some((cv, cs)) if *cv == var => cs.clone(),
                _ => u.full(),
            };
            let gap = scope.intersect(&cset.complement(&u));
            if !gap.is_empty() {
                let name = var_name(rs, var);
                let example = u.describe(&gap).unwrap_or_default();
                out.push(
                    Diagnostic::warning("W004", first_span, format!("no branch decides when `{name}` is {example}"))
                        .with_label("these branches leave a gap")
                        .with_help("add a branch for the missing values, or `otherwise -> ...`"),
                );
            }
        }
        _ => out.push(
            Diagnostic::warning(
                "W004",
                first_span,
                "these branches may leave cases undecided: there is no `otherwise`",
            )
            .with_help("add `otherwise -> ...` so every case gets a conclusion"),
        ),
    }
}

fn restrict(context: &Option<(Var, Set)>, var: Var, set: &Set) -> Set {
    match context {
        Some((cv, cs)) if *cv == var => set.intersect(cs),
        _ => set.clone(),
    }
}

fn var_name(rs: &Ruleset, var: Var) -> String {
    match var {
        Var::Input(i) => rs.inputs.get(i).map(|x| x.name.clone()),
        Var::Let(i) => rs.lets.get(i).map(|x| x.name.clone()),
    }
    .unwrap_or_default()
}

// ---------------------------------------------------------------- asking in vain

/// W006: rule `i` (a `NeemContactOp`) comes before rule `j`, which gives a permit duty or a ban in
/// the same cases, so a FIRST table sends the resident to the municipality where the rules answer.
fn contact_before_permit_warning(t: &Table, i: usize, j: usize) -> Diagnostic {
    let what = conclusion_of(&t.rows[j].leaf).map(|c| c.name()).unwrap_or_default();
    Diagnostic::warning(
        "W006",
        t.rows[i].span,
        format!(
            "rule {} sends the resident to the municipality, but rule {} gives {what} in the same cases",
            i + 1,
            j + 1
        ),
    )
    .with_other(t.rows[j].span, format!("this rule makes {what} certain"))
    .with_help("move the `NeemContactOp` rule after the rules that give a permit")
}

/// Whether rules `i` and `j` never apply together on a free-text column (one with no universe
/// of values to reason with): one tests it for texts that the other never accepts (a list of
/// other texts, or `not` a list holding them all).
fn texts_exclusive(t: &Table, universes: &[Option<Universe>], i: usize, j: usize) -> bool {
    let texts = |k: usize, c: usize| -> Option<(bool, Vec<&str>)> {
        let Some(CellTest::Tests { tests, negated, .. }) = t.rows[k].cells.get(c) else { return None };
        let mut out = Vec::new();
        for test in tests {
            let (Test::Equal(e) | Test::Compare(CompareOp::Eq, e)) = test else { return None };
            let Some(Value::Text(s)) = constant(e) else { return None };
            out.push(s.as_ref());
        }
        Some((*negated, out))
    };
    (0..universes.len()).any(|c| {
        universes[c].is_none()
            && match (texts(i, c), texts(j, c)) {
                (Some((false, a)), Some((false, b))) => !a.iter().any(|s| b.contains(s)),
                (Some((false, a)), Some((true, b))) | (Some((true, b)), Some((false, a))) => {
                    a.iter().all(|s| b.contains(s))
                }
                _ => false,
            }
    })
}

/// The conclusion of a leaf, when it is a constant one.
fn conclusion_of(leaf: &Leaf) -> Option<Conclusion> {
    match &leaf.value.kind {
        ExprKind::Const(Value::Conclusion(c)) => Some(*c),
        _ => None,
    }
}

/// A condition as the per-variable constraints of its `and`-parts. Parts that are not simple are
/// left out, so the sets may be too large, never too small: two conditions whose constraints on
/// one variable do not meet can never hold together.
fn constraints(rs: &Ruleset, e: &Expr, out: &mut Vec<(Var, Universe, Set)>) {
    match &e.kind {
        ExprKind::Binary(BinOp::And, l, r) => {
            constraints(rs, l, out);
            constraints(rs, r, out);
        }
        _ => out.extend(simple(rs, e)),
    }
}

fn same_symbol(a: &Expr, b: &Expr) -> bool {
    matches!((var_of(a), var_of(b)), (Some(x), Some(y)) if x == y)
}

fn exclusive(a: &[(Var, Universe, Set)], b: &[(Var, Universe, Set)]) -> bool {
    a.iter().any(|(va, _, sa)| b.iter().any(|(vb, _, sb)| va == vb && sa.intersect(sb).is_empty()))
}

/// A leaf with the branch it hangs under and the constraints of the conditions on its path.
type PathLeaf<'a> = (&'a Branch, &'a Leaf, Vec<(Var, Universe, Set)>);

/// The leaves under a branch, each with the constraints of the conditions on its path.
fn leaves<'a>(rs: &Ruleset, b: &'a Branch, path: &[(Var, Universe, Set)], out: &mut Vec<PathLeaf<'a>>) {
    let mut here = path.to_vec();
    if let Some(c) = &b.condition {
        constraints(rs, c, &mut here);
    }
    match &b.body {
        BranchBody::Leaf(leaf) => out.push((b, leaf, here)),
        BranchBody::Nested(inner) => inner.iter().for_each(|i| leaves(rs, i, &here, out)),
    }
}

/// W006: a `NeemContactOp` branch (typically for the answer "weet ik niet") before a branch that
/// gives `Vergunningplicht` or `Verbod` in cases it also takes. A resident who cannot answer is
/// then sent to the municipality, and asked questions, although the later branch makes a permit
/// certain. Not reported when the two conditions exclude each other, or when a branch before the
/// permit frees some answer to the same question (then that answer does matter).
fn contact_before_permit(rs: &Ruleset, branches: &[Branch], out: &mut Vec<Diagnostic>) {
    for b in branches {
        if let BranchBody::Nested(inner) = &b.body {
            contact_before_permit(rs, inner, out);
        }
    }
    for (i, contact) in branches.iter().enumerate() {
        let (Some(cond), BranchBody::Leaf(leaf)) = (&contact.condition, &contact.body) else { continue };
        if conclusion_of(leaf) != Some(Conclusion::NeemContactOp) {
            continue;
        }
        let mut mine = Vec::new();
        constraints(rs, cond, &mut mine);
        let mut before = Vec::new();
        branches[..i].iter().for_each(|b| leaves(rs, b, &[], &mut before));
        let mut later = Vec::new();
        branches[i + 1..].iter().for_each(|b| leaves(rs, b, &[], &mut later));
        let frees = |(br, l, _): &&PathLeaf| {
            matches!(conclusion_of(l), Some(Conclusion::Toestemmingsvrij | Conclusion::NietVanToepassing))
                && br.reads.iter().any(|r| contact.reads.iter().any(|a| same_symbol(a, r)))
        };
        let permit = later.iter().enumerate().find(|(n, (_, l, path))| {
            matches!(conclusion_of(l), Some(Conclusion::Vergunningplicht | Conclusion::Verbod))
                && !exclusive(&mine, path)
                && !before.iter().chain(&later[..*n]).any(|x| frees(&x))
        });
        if let Some((_, (branch, l, _))) = permit {
            let what = conclusion_of(l).map(|c| c.name()).unwrap_or_default();
            out.push(
                Diagnostic::warning(
                    "W006",
                    contact.span,
                    format!(
                        "`{}` sends the resident to the municipality, but a later branch gives {what} in the same cases",
                        contact.text
                    ),
                )
                .with_other(branch.span, format!("this branch makes {what} certain"))
                .with_help("move the `NeemContactOp` branch after the branches that give a permit"),
            );
        }
    }
}

// ---------------------------------------------------------------- tables

/// The set a cell accepts, when its tests are constants.
fn cell_set(cell: &CellTest, u: &Universe) -> Option<Set> {
    let CellTest::Tests { tests, negated, .. } = cell else { return Some(u.full()) };
    let mut set: Option<Set> = None;
    for t in tests {
        let s = match t {
            Test::Compare(op, e) => compare_set(*op, constant(e)?, u)?,
            Test::Equal(e) => compare_set(CompareOp::Eq, constant(e)?, u)?,
            Test::Interval { low, low_closed, high, high_closed } => {
                let (Value::Num(lo, _), Value::Num(hi, _)) = (constant(low)?, constant(high)?) else { return None };
                Set::Num(vec![Interval { lo: *lo, lo_closed: *low_closed, hi: *hi, hi_closed: *high_closed }])
            }
        };
        set = Some(match set {
            Some(acc) => acc.union(&s),
            None => s,
        });
    }
    let set = set?;
    Some(if *negated { set.complement(u) } else { set })
}

/// The values each column of a table can take, and each row as one set per column (None where a
/// cell is not a constant test, or its column has no universe).
type TableSets = (Vec<Option<Universe>>, Vec<Vec<Option<Set>>>);

fn table_sets(rs: &Ruleset, t: &Table) -> TableSets {
    let universes: Vec<Option<Universe>> = t
        .inputs
        .iter()
        .map(|e| var_of(e).and_then(|v| universe(rs, v, &e.ty)).or_else(|| any_universe(&e.ty)))
        .collect();
    let rows = t
        .rows
        .iter()
        .map(|r| r.cells.iter().zip(&universes).map(|(c, u)| u.as_ref().and_then(|u| cell_set(c, u))).collect())
        .collect();
    (universes, rows)
}

fn table(rs: &Ruleset, d: &Decision, t: &Table, out: &mut Vec<Diagnostic>) {
    let (universes, rows) = table_sets(rs, t);
    match t.hit {
        HitPolicy::Unique => overlapping_rows(t, &rows, &universes, out),
        HitPolicy::First => {
            shadowed_rows(t, &shadow::first_covering(&rows, &universes), out);
            shadow::contact_before_permit_rows(t, &rows, &universes, out);
        }
        _ => {}
    }
    if matches!(t.hit, HitPolicy::Unique | HitPolicy::First | HitPolicy::Any | HitPolicy::Priority)
        && t.inputs.len() == 1
    {
        if let (Some(u), true) = (&universes[0], rows.iter().all(|r| r[0].is_some())) {
            let covered = union_all(u, rows.iter().filter_map(|r| r[0].as_ref()));
            let gap = covered.complement(u);
            if !gap.is_empty() {
                out.push(
                    Diagnostic::warning(
                        "W004",
                        d.span,
                        format!(
                            "no rule of this table applies when `{}` is {}",
                            t.input_texts[0],
                            u.describe(&gap).unwrap_or_default()
                        ),
                    )
                    .with_help("add a rule for the missing values, or a last rule with `-`"),
                );
            }
        }
    }
}

fn any_universe(ty: &Type) -> Option<Universe> {
    match ty {
        Type::Num(dim) => Some(Universe::Num(EVERYTHING, *dim)),
        _ => None,
    }
}

/// The union of many sets at once (folding [`Set::union`] would copy the growing union per set).
fn union_all<'a>(u: &Universe, sets: impl Iterator<Item = &'a Set>) -> Set {
    let (mut parts, mut members) = (Vec::new(), BTreeSet::new());
    for s in sets {
        match s {
            Set::Num(p) => parts.extend(p.iter().copied().filter(|i| !i.is_empty())),
            Set::Finite(m) => members.extend(m.iter().copied()),
        }
    }
    match u {
        Universe::Num(..) => Set::Num(parts),
        Universe::Finite(_) => Set::Finite(members),
    }
}

/// Whether earlier row `e` takes every case of row `m` (an unknown cell is taken only by a cell
/// that accepts everything).
fn covers(e: &[Option<Set>], m: &[Option<Set>], universes: &[Option<Universe>]) -> bool {
    m.iter().zip(e).zip(universes).all(|((mine, earlier), u)| match (mine, earlier, u) {
        (Some(m), Some(e), Some(u)) => m.subset_of(e, u),
        (_, Some(e), Some(u)) => e.complement(u).is_empty(),
        _ => false,
    })
}

/// Rule numbers (from 0) as the warnings list them: "2, 3, 4" or "2, 3, ... 9 and 991 more".
fn rule_numbers(rules: &[usize]) -> String {
    // A plain loop: iterator chains cost code in the browser modules.
    let mut text = String::new();
    for (n, j) in rules.iter().enumerate().take(8) {
        if n > 0 {
            text.push_str(", ");
        }
        text.push_str(&(j + 1).to_string());
    }
    if rules.len() > 8 {
        text.push_str(&format!(" and {} more", rules.len() - 8));
    }
    text
}

/// W003 for a FIRST table, one warning per winning rule: `winners[j]` is the first earlier rule
/// that takes all the cases of rule `j` (numbers from 0), when one was found.
fn shadowed_rows(t: &Table, winners: &[Option<usize>], out: &mut Vec<Diagnostic>) {
    // Buckets rather than a sort: this runs in the browser modules too, where code costs.
    let mut taken: Vec<Vec<usize>> = vec![Vec::new(); winners.len()];
    for (j, w) in winners.iter().enumerate() {
        if let Some(list) = w.and_then(|w| taken.get_mut(w)) {
            list.push(j);
        }
    }
    for (winner, rules) in taken.iter().enumerate() {
        let message = match rules.as_slice() {
            [] => continue,
            [one] => {
                format!("rule {} can never apply: rule {} comes first and takes all its cases", one + 1, winner + 1)
            }
            _ => format!(
                "rules {} can never apply: rule {} comes first and takes all their cases",
                rule_numbers(rules),
                winner + 1
            ),
        };
        out.push(
            Diagnostic::warning("W003", t.rows[rules[0]].span, message)
                .with_other(t.rows[winner].span, "this rule wins"),
        );
    }
}

/// For W005, the earlier rules that a rule overlaps: the first, how many others, and whether
/// the others were all counted (the indexed search stops after a bounded number of steps).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Earlier {
    first: usize,
    others: usize,
    complete: bool,
}

/// W005: rules of a UNIQUE table that apply together. Identical rules are reported once per
/// group, and each other rule once, naming the first earlier rule it overlaps (and how many more).
fn overlapping_rows(t: &Table, rows: &[Vec<Option<Set>>], universes: &[Option<Universe>], out: &mut Vec<Diagnostic>) {
    // Rows with a cell that is not a constant test can overlap nothing that we can prove.
    let usable: Vec<usize> = (0..rows.len()).filter(|&j| rows[j].iter().all(Option::is_some)).collect();
    // Identical rows: one group each, reported once; the first of a group stands for it.
    let mut keyed: Vec<(&[Option<Set>], usize)> = usable.iter().map(|&j| (rows[j].as_slice(), j)).collect();
    crate::sort::sort_by(&mut keyed, |a, b| row_order(a.0, b.0).then(a.1.cmp(&b.1)));
    let mut leaders = Vec::new();
    for group in keyed.chunk_by(|a, b| row_order(a.0, b.0).is_eq()) {
        let (first, rest) = (group[0].1, &group[1..]);
        leaders.push(first);
        if let Some(&(_, second)) = rest.first() {
            let example = overlap_example(t, &rows[first], &rows[first], universes).unwrap_or_default();
            let numbers: Vec<usize> = group.iter().map(|&(_, j)| j).collect();
            out.push(
                Diagnostic::warning(
                    "W005",
                    t.rows[second].span,
                    format!(
                        "rules {} are the same ({} rules) in a UNIQUE table: all apply when {example}",
                        rule_numbers(&numbers),
                        group.len()
                    ),
                )
                .with_other(t.rows[first].span, "the first of them")
                .with_help("keep one of them, or use hit policy FIRST or PRIORITY"),
            );
        }
    }
    crate::sort::sort(&mut leaders);
    for (j, found) in shadow::earlier_overlaps(t, rows, universes, &leaders).into_iter().enumerate() {
        let Some(Earlier { first: i, others, complete }) = found else { continue };
        let Some(example) = overlap_example(t, &rows[i], &rows[j], universes) else { continue };
        let s = if others == 1 { "" } else { "s" };
        let at_least = if complete { "" } else { "at least " };
        let more = if others == 0 { String::new() } else { format!(" and {at_least}{others} other rule{s}") };
        out.push(
            Diagnostic::warning(
                "W005",
                t.rows[j].span,
                format!("rule {} overlaps rule {}{more} in a UNIQUE table (both apply when {example})", j + 1, i + 1),
            )
            .with_other(t.rows[i].span, "the other rule")
            .with_help("make the rules exclusive, or use hit policy FIRST or PRIORITY"),
        );
    }
}

/// A total order on rows of cell sets, equal exactly when the rows test the same values.
fn row_order(a: &[Option<Set>], b: &[Option<Set>]) -> std::cmp::Ordering {
    use std::cmp::Ordering;
    let interval = |x: &Interval, y: &Interval| {
        x.lo.total_cmp(&y.lo)
            .then(x.lo_closed.cmp(&y.lo_closed))
            .then(x.hi.total_cmp(&y.hi))
            .then(x.hi_closed.cmp(&y.hi_closed))
    };
    let set = |x: &Option<Set>, y: &Option<Set>| match (x, y) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(Set::Num(p)), Some(Set::Num(q))) => {
            p.iter().zip(q).map(|(i, j)| interval(i, j)).find(|o| o.is_ne()).unwrap_or(p.len().cmp(&q.len()))
        }
        (Some(Set::Finite(p)), Some(Set::Finite(q))) => p.cmp(q),
        (Some(Set::Num(_)), Some(Set::Finite(_))) => Ordering::Less,
        (Some(Set::Finite(_)), Some(Set::Num(_))) => Ordering::Greater,
    };
    a.iter().zip(b).map(|(x, y)| set(x, y)).find(|o| o.is_ne()).unwrap_or(a.len().cmp(&b.len()))
}

/// When both rows apply for some input: a value per column where they do (`height = 5 m`).
fn overlap_example(t: &Table, a: &[Option<Set>], b: &[Option<Set>], universes: &[Option<Universe>]) -> Option<String> {
    let mut example = Vec::new();
    for (col, ((a, b), u)) in a.iter().zip(b).zip(universes).enumerate() {
        let (Some(a), Some(b), Some(u)) = (a, b, u) else { return None };
        let both = a.intersect(b);
        if both.is_empty() {
            return None;
        }
        if let Some(v) = u.describe(&both) {
            example.push(format!("{} = {v}", t.input_texts[col]));
        }
    }
    Some(example.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(lo: f64, lc: bool, hi: f64, hc: bool) -> Interval {
        Interval { lo, lo_closed: lc, hi, hi_closed: hc }
    }

    #[test]
    fn complement_of_intervals() {
        let u = Universe::Num(EVERYTHING, crate::value::Dim::LENGTH);
        let s = Set::Num(vec![iv(f64::NEG_INFINITY, false, 5.0, true), iv(10.0, false, f64::INFINITY, false)]);
        let c = s.complement(&u);
        assert_eq!(c, Set::Num(vec![iv(5.0, false, 10.0, true)]));
        assert_eq!(u.describe(&c).as_deref(), Some("6 m"));
    }

    #[test]
    fn touching_intervals_leave_no_gap() {
        let u = Universe::Num(EVERYTHING, crate::value::Dim::NUMBER);
        let s = Set::Num(vec![iv(f64::NEG_INFINITY, false, 5.0, false), iv(5.0, true, f64::INFINITY, false)]);
        assert!(s.complement(&u).is_empty());
        let gap = Set::Num(vec![iv(f64::NEG_INFINITY, false, 5.0, false), iv(5.0, false, f64::INFINITY, false)])
            .complement(&u);
        assert_eq!(gap, Set::Num(vec![iv(5.0, true, 5.0, true)]));
    }

    fn w005(rows: &[String]) -> Vec<String> {
        let text = format!(
            "ruleset \"T\" {{ authority \"T\" }}\nquestion k: choice(\"a\", \"b\") \"K?\"\nquestion h: length \"H?\"\n\
             decision \"D\" table UNIQUE {{\n  inputs k | h\n{}\n}}\n",
            rows.join("\n")
        );
        let checked = crate::compile("t.rules", &text);
        assert!(checked.ruleset.is_some(), "{:?}", checked.diagnostics);
        checked.diagnostics.iter().filter(|d| d.code == "W005").map(|d| d.message.clone()).collect()
    }

    #[test]
    fn identical_unique_rows_are_one_warning() {
        let rows: Vec<String> = (0..1000).map(|_| "  rule \"a\" | >= 0 m -> \"x\"".to_string()).collect();
        assert_eq!(
            w005(&rows),
            ["rules 1, 2, 3, 4, 5, 6, 7, 8 and 992 more are the same (1000 rules) in a UNIQUE table: all apply when k = \"a\", h = 0 m"]
        );
    }

    #[test]
    fn overlaps_are_found_in_tables_of_any_size() {
        // 3,000 ranges, alternating options; rule 2,501 reaches into rule 2,499 (same option).
        let mut rows: Vec<String> = (0..3000)
            .map(|i| format!("  rule \"{}\" | [{i} m .. {} m) -> \"r{i}\"", ["a", "b"][i % 2], i + 1))
            .collect();
        rows[2500] = "  rule \"a\" | [2498.5 m .. 2501 m) -> \"r2500\"".into();
        assert_eq!(
            w005(&rows),
            ["rule 2501 overlaps rule 2499 in a UNIQUE table (both apply when k = \"a\", h = 2498.5 m)"]
        );
        // A row overlapping many: one warning, with the count.
        let mut rows: Vec<String> =
            (0..10).map(|i| format!("  rule \"a\" | [{i} m .. {} m) -> \"r{i}\"", i + 1)).collect();
        rows.push("  rule - | >= 0 m -> \"all\"".into());
        assert_eq!(
            w005(&rows),
            ["rule 11 overlaps rule 1 and 9 other rules in a UNIQUE table (both apply when k = \"a\", h = 0 m)"]
        );
    }

    fn w003(hit: &str, rows: &[String]) -> Vec<String> {
        let text = format!(
            "ruleset \"T\" {{ authority \"T\" }}\nquestion k: choice(\"a\", \"b\", \"c\") \"K?\"\nquestion h: length \"H?\"\n\
             decision \"D\" table {hit} {{\n  inputs k | h\n{}\n}}\n",
            rows.join("\n")
        );
        let checked = crate::compile("t.rules", &text);
        assert!(checked.ruleset.is_some(), "{:?}", checked.diagnostics);
        checked.diagnostics.iter().filter(|d| d.code == "W003").map(|d| d.message.clone()).collect()
    }

    #[test]
    fn shadowed_rows_are_found_in_tables_of_any_size() {
        // 5,000 ranges over two options; rule 4,001 falls inside rule 3,001's range, same option.
        let mut rows: Vec<String> = (0..5000)
            .map(|i| format!("  rule \"{}\" | [{} m .. {} m) -> \"r{i}\"", ["a", "b"][i % 2], i / 2, i / 2 + 1))
            .collect();
        rows[4000] = "  rule \"a\" | [1500.25 m .. 1500.75 m) -> \"r4000\"".into();
        assert_eq!(w003("FIRST", &rows), ["rule 4001 can never apply: rule 3001 comes first and takes all its cases"]);
        // `-` takes everything after it; a rule for two options covers one of them; an unknown
        // cell is taken only by `-`.
        let rows = [
            "  rule \"a\", \"b\" | < 10 m -> \"x\"",
            "  rule \"b\" | [2 m .. 5 m] -> \"y\"",
            "  rule \"c\" | > 10 m -> \"z\"",
            "  rule - | - -> \"rest\"",
            "  rule \"c\" | > 11 m -> \"never\"",
        ]
        .map(String::from);
        assert_eq!(
            w003("FIRST", &rows),
            [
                "rule 2 can never apply: rule 1 comes first and takes all its cases",
                "rule 5 can never apply: rule 3 comes first and takes all its cases"
            ]
        );
        // Other hit policies: no W003.
        assert!(w003("COLLECT", &rows).is_empty());
    }

    #[test]
    fn identical_first_rows_are_one_warning() {
        let rows: Vec<String> = (0..1000).map(|_| "  rule \"a\" | >= 0 m -> \"x\"".to_string()).collect();
        assert_eq!(
            w003("FIRST", &rows),
            ["rules 2, 3, 4, 5, 6, 7, 8, 9 and 991 more can never apply: rule 1 comes first and takes all their cases"]
        );
        // Behind a rule that takes them all, the group is one warning naming that rule.
        let mut rows = rows;
        rows.insert(0, "  rule - | - -> \"all\"".into());
        assert_eq!(
            w003("FIRST", &rows),
            ["rules 2, 3, 4, 5, 6, 7, 8, 9 and 992 more can never apply: rule 1 comes first and takes all their cases"]
        );
    }

    fn w006(decision: &str) -> usize {
        let text = format!(
            "ruleset \"T\" {{ authority \"A\" valid from 2024-01-01 }}\n\
             question x: choice(\"nee\", \"ja\", \"weet ik niet\") \"X?\"\n\
             question h: length \"H?\"\n\
             decision \"Conclusie\" {{\n{decision}\n}}\n"
        );
        let checked = crate::compile("t.rules", &text);
        assert!(checked.diagnostics.iter().all(|d| !d.is_error()), "{:?}", checked.diagnostics);
        checked.diagnostics.iter().filter(|d| d.code == "W006").count()
    }

    #[test]
    fn contact_before_a_permit() {
        // The permit for height holds whatever x is: "weet ik niet" must not hide it.
        assert_eq!(w006("when x == \"weet ik niet\" -> NeemContactOp\nwhen h > 5 m -> Vergunningplicht\notherwise -> Toestemmingsvrij"), 1);
        // In a nested block too.
        assert_eq!(w006("when x == \"weet ik niet\" -> NeemContactOp\nwhen h > 1 m { when h > 5 m -> Verbod\notherwise -> Toestemmingsvrij }\notherwise -> Toestemmingsvrij"), 1);
        // After the permits it is right.
        assert_eq!(w006("when h > 5 m -> Vergunningplicht\nwhen x == \"weet ik niet\" -> NeemContactOp\notherwise -> Toestemmingsvrij"), 0);
        // The permit branch excludes the contact branch's answer.
        assert_eq!(w006("when x == \"weet ik niet\" -> NeemContactOp\nwhen x == \"ja\" and h > 5 m -> Vergunningplicht\notherwise -> Toestemmingsvrij"), 0);
        // "nee" frees the plan before the permit: the answer matters, asking is right.
        assert_eq!(w006("when x == \"weet ik niet\" -> NeemContactOp\nwhen x == \"nee\" -> Toestemmingsvrij\nwhen h > 5 m -> Vergunningplicht\notherwise -> Toestemmingsvrij"), 0);
    }

    #[test]
    fn contact_before_a_permit_in_a_first_table() {
        let table = |rules: &str| {
            w006(&format!("otherwise -> Toestemmingsvrij\n}}\ndecision \"T\" table FIRST {{\n inputs x | h\n{rules}"))
        };
        let permit_last = " rule \"ja\" | - -> Vergunningplicht\n rule - | > 5 m -> Vergunningplicht\n rule \"weet ik niet\" | - -> NeemContactOp\n rule - | - -> Toestemmingsvrij";
        assert_eq!(table(permit_last), 0);
        let contact_first = " rule \"weet ik niet\" | - -> NeemContactOp\n rule - | > 5 m -> Vergunningplicht\n rule - | - -> Toestemmingsvrij";
        assert_eq!(table(contact_first), 1);
        let exclusive = " rule \"weet ik niet\" | - -> NeemContactOp\n rule \"ja\" | > 5 m -> Vergunningplicht\n rule - | - -> Toestemmingsvrij";
        assert_eq!(table(exclusive), 0);
    }

    #[test]
    fn subsets() {
        let u = Universe::Num(EVERYTHING, crate::value::Dim::NUMBER);
        let a = Set::Num(vec![iv(6.0, false, f64::INFINITY, false)]);
        let b = Set::Num(vec![iv(5.0, false, f64::INFINITY, false)]);
        assert!(a.subset_of(&b, &u));
        assert!(!b.subset_of(&a, &u));
    }
}

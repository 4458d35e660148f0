//! How deep the evaluator will recurse for a definition or decision, so that the checker refuses
//! what the evaluator could not run.
//!
//! The evaluator works out a definition when it is first read, by recursion: reading `a3` in
//! `let a3 = a2 + 1`, `let a2 = a1 + 1`, ... goes as deep as the whole chain. Each expression is
//! bounded by the parser ([`crate::syntax::limits::MAX_DEPTH`]), but a chain of definitions is not,
//! so the checker adds up the depth along every chain and refuses one past [`MAX_EVAL_DEPTH`].
//! Derived inputs chain the same way: an unanswered one is worked out from its `from` clause
//! when first read, and that clause may read the derived inputs above it.

use super::ruleset::{Body, Branch, BranchBody, CellTest, Expr, ExprKind, Table, Template, TemplatePart, Test};

/// How deep evaluation may recurse, counted in expression levels (a decision level counts
/// [`DECISION_COST`]). Measured through the WASM package (1 MB stack): about 4x this still runs
/// there (tests/e2e/hostile.test.mjs).
pub const MAX_EVAL_DEPTH: usize = 256;

/// The evaluator's frames for one decision (decision, tree or table) weigh about as much as this
/// many expression levels; each nested `when` block adds [`BRANCH_COST`].
pub const DECISION_COST: usize = 4;
pub const BRANCH_COST: usize = 2;
/// Reading an unanswered derived input: its `from` clause is worked out in a frame of its own.
pub const DERIVE_COST: usize = 2;

/// Depths already known: of each definition's and each decision's evaluation, and of each input's
/// `from` clause (0 for an input without one).
pub struct Known<'a> {
    pub lets: &'a [usize],
    pub decisions: &'a [usize],
    pub inputs: &'a [usize],
}

/// The evaluation depth of `e`, capped just past [`MAX_EVAL_DEPTH`] (a deeper tree is not walked
/// further: this walk recurses too).
pub fn of_expr(e: &Expr, known: &Known) -> usize {
    walk(e, known, 0)
}

fn walk(e: &Expr, known: &Known, above: usize) -> usize {
    if above > MAX_EVAL_DEPTH {
        return above;
    }
    let here = above + 1;
    let max = |items: &mut dyn Iterator<Item = &Expr>| items.map(|x| walk(x, known, here)).max().unwrap_or(here);
    match &e.kind {
        ExprKind::Const(_) | ExprKind::Layer(_) | ExprKind::ValidOn(..) => here,
        ExprKind::Input(i) => here + known.inputs.get(*i).copied().unwrap_or(0),
        ExprKind::Let(i) => here + known.lets.get(*i).copied().unwrap_or(0),
        ExprKind::Decision(i) => here + known.decisions.get(*i).copied().unwrap_or(0),
        ExprKind::Call(_, args) | ExprKind::List(args) => max(&mut args.iter()),
        ExprKind::Not(x) | ExprKind::Neg(x) => walk(x, known, here),
        ExprKind::Binary(_, l, r) => walk(l, known, here).max(walk(r, known, here)),
        ExprKind::If(c, t, f) => walk(c, known, here).max(walk(t, known, here)).max(walk(f, known, here)),
        ExprKind::In(x, items) => walk(x, known, here).max(max(&mut items.iter())),
    }
}

/// The evaluation depth of a decision's body.
pub fn of_decision(body: &Body, known: &Known) -> usize {
    DECISION_COST
        + match body {
            Body::Tree(branches) => of_branches(branches, known),
            Body::Table(t) => of_table(t, known),
        }
}

fn of_branches(branches: &[Branch], known: &Known) -> usize {
    let mut deepest = 0;
    for b in branches {
        let condition = b.condition.as_ref().map_or(0, |c| of_expr(c, known));
        let body = match &b.body {
            BranchBody::Leaf(l) => of_expr(&l.value, known).max(of_template(l.because.as_ref(), known)),
            BranchBody::Nested(inner) => BRANCH_COST + of_branches(inner, known),
        };
        deepest = deepest.max(condition.max(body));
    }
    deepest
}

fn of_table(t: &Table, known: &Known) -> usize {
    let mut deepest = t.inputs.iter().map(|e| of_expr(e, known)).max().unwrap_or(0);
    for row in &t.rows {
        deepest = deepest.max(of_expr(&row.leaf.value, known)).max(of_template(row.leaf.because.as_ref(), known));
        for cell in &row.cells {
            if let CellTest::Tests { tests, .. } = cell {
                for test in tests {
                    let d = match test {
                        Test::Compare(_, e) | Test::Equal(e) => of_expr(e, known),
                        Test::Interval { low, high, .. } => of_expr(low, known).max(of_expr(high, known)),
                    };
                    deepest = deepest.max(d);
                }
            }
        }
    }
    deepest
}

fn of_template(t: Option<&Template>, known: &Known) -> usize {
    t.map_or(0, |t| {
        t.parts
            .iter()
            .map(|p| match p {
                TemplatePart::Value(e) => of_expr(e, known),
                TemplatePart::Text(_) => 0,
            })
            .max()
            .unwrap_or(0)
    })
}

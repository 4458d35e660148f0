//! A decision tree settled by cases, as a table is (see the parent module). `when monument and
//! hoog -> Vergunningplicht`, `when hoog -> Vergunningplicht`, `otherwise -> Toestemmingsvrij`
//! is undecided while both are unanswered, and three-valued evaluation waits for both; trying
//! every combination shows that only `hoog` changes the conclusion, so `monument` is not asked.
//!
//! Tried are the unanswered questions and undecided decisions that the conditions (and leaf
//! values) read directly, when their values can be listed: yes/no, options, locations and
//! conclusions; the values a decision can still reach; numbers compared only with known numbers
//! (their bounds, as for table cells); texts compared only for (in)equality with known texts.
//! Everything else (a definition, a value from the map, geometry, a calculation with a
//! question) is evaluated once, three-valued, and stays unknown in every combination, so what it
//! waits for is still asked.

use super::*;

/// What a condition can read that may be tried.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Key {
    Input(usize),
    Decision(usize),
}

/// How a candidate's values are found while scanning the conditions.
enum Values {
    /// Every value of its type, or every value a decision can still reach.
    Listed(Vec<Value>),
    /// A number compared with these known numbers only.
    Numbers(Vec<f64>, Dim),
    /// A free text compared for (in)equality with these known texts only.
    Texts(Vec<String>),
    /// Read in a way the values cannot be listed for: not tried.
    Opaque,
}

struct Candidate {
    key: Key,
    values: Values,
    needs: Needs,
}

/// A tried input or decision: the values that stand for all of its values, and what it waits for.
struct Var {
    key: Key,
    values: Vec<Value>,
    needs: Needs,
}

/// A condition or leaf value with the tried inputs left open and the rest evaluated once.
enum Form<'r> {
    /// Evaluated: `None` while unknown.
    Fixed(Option<Value>),
    Var(usize),
    Not(Box<Form<'r>>),
    Neg(Box<Form<'r>>),
    Binary(BinOp, Box<Form<'r>>, Box<Form<'r>>, &'r Expr),
    If(Box<Form<'r>>, Box<Form<'r>>, Box<Form<'r>>),
    In(Box<Form<'r>>, Vec<Form<'r>>),
}

struct BranchForm<'r> {
    condition: Option<Form<'r>>,
    body: BodyForm<'r>,
}

enum BodyForm<'r> {
    Leaf(&'r Leaf, Form<'r>),
    Nested(Vec<BranchForm<'r>>),
}

/// Where one way through the tree ends: the leaf, its value, and how many unknown conditions
/// lead there.
type TreeEnd<'r> = (&'r Leaf, Option<Value>, u32);

impl<'r> Evaluator<'r> {
    /// `result` as the three-valued walk gave it; when undecided, decided by cases if every
    /// answer to the tried questions gives the same conclusion, or else freed of the questions
    /// that cannot change it. Never fails: what cannot be tried stays as it was.
    pub(in crate::eval) fn settle_tree_by_cases(
        &mut self,
        branches: &'r [Branch],
        truths: &[Truth],
        mut result: DecisionResult<'r>,
    ) -> DecisionResult<'r> {
        if result.value.is_some() || result.needs.is_empty() {
            return result;
        }
        let mut found = Vec::new();
        let mut count = 0;
        self.scan_branches(branches, truths, &mut 0, &mut found, &mut count);
        let vars: Vec<Var> = found.into_iter().filter_map(Candidate::into_var).collect();
        let sizes: Vec<usize> = vars.iter().map(|v| v.values.len()).collect();
        let combinations = sizes.iter().fold(1usize, |n, &s| n.saturating_mul(s));
        if vars.is_empty() || combinations > MAX_COMBINATIONS || combinations.saturating_mul(count) > MAX_CELL_TESTS {
            return result;
        }
        let mut opaque = Needs::new();
        let forms = self.branch_forms(branches, truths, &mut 0, &vars, &mut opaque);
        // The result of every combination (the first var counting fastest).
        let mut picks: Vec<Option<Value>> = Vec::with_capacity(combinations);
        let mut at = vec![0usize; vars.len()];
        let mut ends: Vec<TreeEnd<'r>> = Vec::new();
        // The leaf the first combination ends in (with its fewest unknown conditions).
        let mut first_leaf = None;
        loop {
            ends.clear();
            let gap = walk_forms(&forms, &vars, Some(&at), 0, &mut ends);
            first_leaf = first_leaf.or_else(|| ends.iter().min_by_key(|e| e.2).map(|e| e.0));
            picks.push(if gap { None } else { agreed(&ends) });
            if !next_combination(&mut at, &sizes) {
                break;
            }
        }
        match judge(&picks, &sizes, Value::same) {
            Ok(first) => {
                let Some(value) = picks[first].take() else { return result };
                // Explained by the leaf that depends least on unknown answers, as when decided
                // (or, when no leaf gives the value before the answers, the first combination's).
                ends.clear();
                walk_forms(&forms, &vars, None, 0, &mut ends);
                let leaf = ends
                    .iter()
                    .filter(|e| e.1.as_ref().is_some_and(|v| v.same(&value)))
                    .min_by_key(|e| e.2)
                    .map(|e| e.0)
                    .or(first_leaf);
                let Some(leaf) = leaf else { return result };
                DecisionResult {
                    value: Some(value),
                    possible: None,
                    leaf: Some(leaf),
                    leaves: Vec::new(),
                    needs: Needs::new(),
                    steps: result.steps,
                }
            }
            Err(irrelevant) => {
                let mut relevant = opaque;
                let mut drop = Needs::new();
                for (k, var) in vars.iter().enumerate() {
                    let to = if irrelevant.contains(&k) { &mut drop } else { &mut relevant };
                    to.extend(var.needs.iter().copied());
                }
                keep_needs(&mut result.needs, &relevant, &drop);
                result.possible = reached(picks.iter().map(Option::as_ref)).or(result.possible);
                result
            }
        }
    }

    // ---------------------------------------------------------------- what can be tried

    /// The branches the walk visited (`truths`, in its order, from `next`), as it visited them: a
    /// false one is passed over, a true one applies whatever the answers and ends its level.
    fn scan_branches(
        &mut self,
        branches: &'r [Branch],
        truths: &[Truth],
        next: &mut usize,
        found: &mut Vec<Candidate>,
        count: &mut usize,
    ) {
        for b in branches {
            let Some(&truth) = truths.get(*next) else { return };
            *next += 1;
            if truth == Truth::False {
                continue;
            }
            *count += 1;
            if let (Truth::Unknown, Some(c)) = (truth, &b.condition) {
                self.scan(c, found);
            }
            match &b.body {
                BranchBody::Leaf(leaf) => self.scan(&leaf.value, found),
                BranchBody::Nested(inner) => self.scan_branches(inner, truths, next, found, count),
            }
            if truth == Truth::True {
                return;
            }
        }
    }

    /// Notes the candidates `e` reads and how: compared with a known bound, or otherwise.
    fn scan(&mut self, e: &'r Expr, found: &mut Vec<Candidate>) {
        match &e.kind {
            ExprKind::Input(_) | ExprKind::Decision(_) => {
                if let Some(k) = self.candidate(e, found) {
                    found[k].read_otherwise();
                }
            }
            ExprKind::Binary(BinOp::Compare(_), l, r) => {
                let pair = match (self.candidate(l, found), self.candidate(r, found)) {
                    (Some(k), None) => self.bound(r).map(|b| (k, b)),
                    (None, Some(k)) => self.bound(l).map(|b| (k, b)),
                    _ => None,
                };
                match pair {
                    Some((k, bound)) => found[k].compared_with(bound),
                    None => {
                        self.scan(l, found);
                        self.scan(r, found);
                    }
                }
            }
            ExprKind::In(needle, items) => {
                let k = self.candidate(needle, found);
                let bounds: Option<Vec<Value>> = k.and_then(|_| items.iter().map(|i| self.bound(i)).collect());
                match (k, bounds) {
                    (Some(k), Some(bounds)) => bounds.into_iter().for_each(|b| found[k].compared_with(b)),
                    _ => {
                        self.scan(needle, found);
                        items.iter().for_each(|i| self.scan(i, found));
                    }
                }
            }
            ExprKind::Not(x) | ExprKind::Neg(x) => self.scan(x, found),
            ExprKind::Binary(_, l, r) => {
                self.scan(l, found);
                self.scan(r, found);
            }
            ExprKind::If(c, t, f) => {
                for x in [c, t, f] {
                    self.scan(x, found);
                }
            }
            ExprKind::Call(_, items) | ExprKind::List(items) => items.iter().for_each(|i| self.scan(i, found)),
            ExprKind::Const(_) | ExprKind::Layer(_) | ExprKind::Let(_) | ExprKind::ValidOn(..) => {}
        }
    }

    /// The candidate `e` is (its index in `found`, added when new): an unanswered question or an
    /// undecided decision whose values can be listed or bounded.
    fn candidate(&mut self, e: &'r Expr, found: &mut Vec<Candidate>) -> Option<usize> {
        let key = match e.kind {
            // An input the map may answer is not tried: its value comes from geometry.
            ExprKind::Input(i) if self.facts.value(i).is_none() && self.rs.inputs[i].derive.is_none() => Key::Input(i),
            ExprKind::Decision(i) => Key::Decision(i),
            _ => return None,
        };
        if let Some(k) = found.iter().position(|c| c.key == key) {
            return Some(k);
        }
        let (values, needs) = match key {
            Key::Input(i) => (by_type(&e.ty)?, singleton(i)),
            Key::Decision(i) => {
                let result = self.decision(i).ok()?;
                if result.value.is_some() {
                    return None;
                }
                let values = match self.reachable(e) {
                    Some(values) => Values::Listed(values),
                    None => by_type(&e.ty)?,
                };
                (values, result.needs.clone())
            }
        };
        found.push(Candidate { key, values, needs });
        Some(found.len() - 1)
    }

    /// A value to compare with that is already known and cheap to get (a constant; a definition,
    /// answer or decision, evaluated once per evaluation); `None` for anything else.
    fn bound(&mut self, e: &'r Expr) -> Option<Value> {
        match &e.kind {
            ExprKind::Const(v) => Some(v.clone()),
            ExprKind::Neg(x) => match self.bound(x)? {
                Value::Num(n, d) => Some(Value::Num(-n, d)),
                _ => None,
            },
            ExprKind::Let(_) | ExprKind::Input(_) | ExprKind::Decision(_) => match self.expr(e) {
                Ok(Val::Known(v)) => Some(v),
                _ => None,
            },
            _ => None,
        }
    }

    // ---------------------------------------------------------------- forms

    /// The branches the walk visited, as [`Self::scan_branches`] takes them: a true one without
    /// its condition (it holds for every answer), a false one left out.
    fn branch_forms(
        &mut self,
        branches: &'r [Branch],
        truths: &[Truth],
        next: &mut usize,
        vars: &[Var],
        opaque: &mut Needs,
    ) -> Vec<BranchForm<'r>> {
        let mut out = Vec::new();
        for b in branches {
            let Some(&truth) = truths.get(*next) else { break };
            *next += 1;
            if truth == Truth::False {
                continue;
            }
            let condition = match (truth, &b.condition) {
                (Truth::Unknown, Some(c)) => Some(self.form(c, vars, opaque)),
                _ => None,
            };
            let body = match &b.body {
                BranchBody::Leaf(leaf) => BodyForm::Leaf(leaf, self.form(&leaf.value, vars, opaque)),
                BranchBody::Nested(inner) => BodyForm::Nested(self.branch_forms(inner, truths, next, vars, opaque)),
            };
            out.push(BranchForm { condition, body });
            if truth == Truth::True {
                break;
            }
        }
        out
    }

    /// `e` with the tried inputs open. A part that reads none of them is evaluated here, once;
    /// what it still waits for goes to `opaque` (it stays asked).
    fn form(&mut self, e: &'r Expr, vars: &[Var], opaque: &mut Needs) -> Form<'r> {
        if mentions(e, vars) {
            let mut form = |ev: &mut Self, x: &'r Expr| Box::new(ev.form(x, vars, opaque));
            match &e.kind {
                ExprKind::Input(_) | ExprKind::Decision(_) => {
                    if let Some(k) = vars.iter().position(|v| key_of(e) == Some(v.key)) {
                        return Form::Var(k);
                    }
                }
                ExprKind::Not(x) => return Form::Not(form(self, x)),
                ExprKind::Neg(x) => return Form::Neg(form(self, x)),
                ExprKind::Binary(op, l, r) => return Form::Binary(*op, form(self, l), form(self, r), e),
                ExprKind::If(c, t, f) => return Form::If(form(self, c), form(self, t), form(self, f)),
                ExprKind::In(needle, items) => {
                    let needle = form(self, needle);
                    let items = items.iter().map(|i| *form(self, i)).collect();
                    return Form::In(needle, items);
                }
                _ => {}
            }
        }
        // A failure on a path the walk did not take is no failure of the decision: unknown.
        match self.expr(e) {
            Ok(Val::Known(v)) => Form::Fixed(Some(v)),
            Ok(Val::Unknown(n)) => {
                opaque.extend(n);
                Form::Fixed(None)
            }
            Err(_) => Form::Fixed(None),
        }
    }
}

impl Candidate {
    fn read_otherwise(&mut self) {
        if !matches!(self.values, Values::Listed(_)) {
            self.values = Values::Opaque;
        }
    }

    fn compared_with(&mut self, bound: Value) {
        match (&mut self.values, bound) {
            (Values::Listed(_), _) => {}
            (Values::Numbers(bounds, _), Value::Num(n, _)) if n.is_finite() => bounds.push(n),
            (Values::Texts(texts), Value::Text(t)) => {
                if !texts.iter().any(|x| x.as_str() == &*t) {
                    texts.push(t.to_string());
                }
            }
            _ => self.values = Values::Opaque,
        }
    }

    fn into_var(self) -> Option<Var> {
        let values = match self.values {
            Values::Listed(values) => values,
            Values::Numbers(bounds, dim) => numbers_around(bounds, dim),
            Values::Texts(mut texts) => {
                texts.insert(0, String::new());
                texts.dedup();
                texts_and_another(texts)
            }
            Values::Opaque => return None,
        };
        (!values.is_empty()).then_some(Var { key: self.key, values, needs: self.needs })
    }
}

/// How a value of `ty` is tried: listed, bounded, or not at all.
fn by_type(ty: &Type) -> Option<Values> {
    Some(match ty {
        Type::Num(dim) => Values::Numbers(Vec::new(), *dim),
        Type::Text(None) => Values::Texts(Vec::new()),
        other => Values::Listed(every_value(other)?),
    })
}

fn key_of(e: &Expr) -> Option<Key> {
    match e.kind {
        ExprKind::Input(i) => Some(Key::Input(i)),
        ExprKind::Decision(i) => Some(Key::Decision(i)),
        _ => None,
    }
}

/// Whether `e` reads a tried input or decision itself (a definition it reads is evaluated whole).
fn mentions(e: &Expr, vars: &[Var]) -> bool {
    match &e.kind {
        ExprKind::Input(_) | ExprKind::Decision(_) => vars.iter().any(|v| key_of(e) == Some(v.key)),
        ExprKind::Not(x) | ExprKind::Neg(x) => mentions(x, vars),
        ExprKind::Binary(_, l, r) => mentions(l, vars) || mentions(r, vars),
        ExprKind::If(c, t, f) => [c, t, f].iter().any(|x| mentions(x, vars)),
        ExprKind::In(needle, items) => mentions(needle, vars) || items.iter().any(|i| mentions(i, vars)),
        ExprKind::Call(_, items) | ExprKind::List(items) => items.iter().any(|i| mentions(i, vars)),
        ExprKind::Const(_) | ExprKind::Layer(_) | ExprKind::Let(_) | ExprKind::ValidOn(..) => false,
    }
}

impl Form<'_> {
    /// The value for the tried values `at` (`None` at: every tried input unknown), three-valued
    /// as the evaluator has it; `None` while unknown.
    fn value(&self, vars: &[Var], at: Option<&[usize]>) -> Option<Value> {
        let value = |f: &Form| f.value(vars, at);
        match self {
            Form::Fixed(v) => v.clone(),
            Form::Var(k) => at.map(|at| vars[*k].values[at[*k]].clone()),
            Form::Not(x) => match value(x) {
                Some(Value::Bool(b)) => Some(Value::Bool(!b)),
                other => other,
            },
            Form::Neg(x) => match value(x) {
                Some(Value::Num(n, d)) => Some(Value::Num(-n, d)),
                other => other,
            },
            Form::Binary(op @ (BinOp::And | BinOp::Or), l, r, _) => {
                // Kleene: a deciding side settles it even when the other is unknown.
                let decisive = *op == BinOp::Or;
                let a = value(l);
                if matches!(a, Some(Value::Bool(b)) if b == decisive) {
                    return a;
                }
                let b = value(r);
                if matches!(b, Some(Value::Bool(x)) if x == decisive) {
                    return b;
                }
                (a.is_some() && b.is_some()).then_some(Value::Bool(!decisive))
            }
            Form::Binary(op, l, r, e) => binary(*op, &value(l)?, &value(r)?, e).ok(),
            Form::If(c, t, f) => match value(c) {
                Some(Value::Bool(true)) => value(t),
                Some(_) => value(f),
                None => match (value(t), value(f)) {
                    (Some(a), Some(b)) if a.same(&b) => Some(a),
                    _ => None,
                },
            },
            Form::In(needle, items) => {
                let n = value(needle)?;
                let mut unknown = false;
                for item in items {
                    match value(item) {
                        Some(v) if v.same(&n) => return Some(Value::Bool(true)),
                        Some(_) => {}
                        None => unknown = true,
                    }
                }
                (!unknown).then_some(Value::Bool(false))
            }
        }
    }
}

/// Follows every branch that may apply for the tried values `at`, as the evaluator's walk does:
/// pushes where each way ends, and tells whether a way ends where no branch applies.
fn walk_forms<'r>(
    branches: &[BranchForm<'r>],
    vars: &[Var],
    at: Option<&[usize]>,
    depth: u32,
    ends: &mut Vec<TreeEnd<'r>>,
) -> bool {
    let mut gap = false;
    for b in branches {
        let truth = match &b.condition {
            None => Some(true),
            Some(c) => c.value(vars, at).map(|v| matches!(v, Value::Bool(true))),
        };
        if truth == Some(false) {
            continue;
        }
        let depth = depth + u32::from(truth.is_none());
        match &b.body {
            BodyForm::Leaf(leaf, value) => ends.push((leaf, value.value(vars, at), depth)),
            BodyForm::Nested(inner) => gap |= walk_forms(inner, vars, at, depth, ends),
        }
        if truth == Some(true) {
            return gap;
        }
    }
    true
}

/// The value every end gives, when each gives one and they agree.
fn agreed(ends: &[TreeEnd<'_>]) -> Option<Value> {
    let first = ends.first()?.1.as_ref()?;
    ends.iter().all(|e| e.1.as_ref().is_some_and(|v| v.same(first))).then(|| first.clone())
}

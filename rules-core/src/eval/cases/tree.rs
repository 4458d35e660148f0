//! A decision tree settled by cases, as a table is (see the parent module). `when monument and
//! hoog -> Vergunningplicht`, `when hoog -> Vergunningplicht`, `otherwise -> Toestemmingsvrij`
//! is undecided while both are unanswered, and three-valued evaluation waits for both; trying
//! every combination shows that only `hoog` changes the conclusion, so `monument` is not asked.
//!
//! Tried are the unanswered questions and undecided decisions that the conditions (and leaf
//! values) read directly, in `not`, `and`, `or`, comparisons and `in`, when their values can be
//! listed: yes/no, options, locations and conclusions; the values a decision can still reach;
//! numbers compared only with known numbers (their bounds, as for table cells). Everything else
//! (free text, a definition, a value from the map, geometry, a calculation or `if` with a
//! question) is evaluated once, three-valued, and stays unknown in every combination, so what it
//! waits for is still asked. Only the branches the walk visited are tried: a false one is passed
//! over, and a true one applies whatever the answers.

use super::*;

/// How an input or decision a condition reads is tried.
enum Values {
    /// Every value of its type, or every value a decision can still reach.
    Listed(Vec<Value>),
    /// A number compared with these known numbers only.
    Numbers(Vec<f64>, Dim),
    /// Read in a way its values cannot be listed for: unknown in every combination.
    Opaque,
}

/// An unanswered input or undecided decision the conditions read: how it is tried, what it
/// waits for, and (once listed) the values that stand for all of its values.
struct Var {
    /// The input (`false`) or decision (`true`) and its index.
    read: (bool, usize),
    how: Values,
    needs: Needs,
    values: Vec<Value>,
}

/// A condition or leaf value with the tried inputs open (in `not`, `and`, `or`, comparisons and
/// `in`) and the rest evaluated once.
enum Form {
    /// Evaluated: `None` while unknown.
    Fixed(Option<Value>),
    Var(usize),
    Not(Box<Form>),
    /// `or` (true) or `and` (false).
    Logic(bool, Box<Form>, Box<Form>),
    Compare(CompareOp, Box<Form>, Box<Form>),
    In(Box<Form>, Vec<Form>),
}

/// A visited branch: its condition (`None` when it holds whatever the answers) and body.
struct BranchForm<'r> {
    condition: Option<Form>,
    body: BodyForm<'r>,
}

enum BodyForm<'r> {
    Leaf(&'r Leaf, Form),
    Nested(Vec<BranchForm<'r>>),
}

/// Where one way through the tree ends: the leaf and its value.
type TreeEnd<'r> = (&'r Leaf, Option<Value>);

impl<'r> Evaluator<'r> {
    /// `result` as the three-valued walk gave it (`truths`: the truth of each branch it visited,
    /// in its order); when undecided, decided by cases if every answer to the tried questions
    /// gives the same conclusion, or else freed of the questions that cannot change it. Never
    /// fails: what cannot be tried stays as it was.
    pub(in crate::eval) fn settle_tree_by_cases(
        &mut self,
        branches: &'r [Branch],
        truths: &[Truth],
        mut result: DecisionResult<'r>,
    ) -> DecisionResult<'r> {
        if result.value.is_some() || result.needs.is_empty() {
            return result;
        }
        let (mut vars, mut opaque, mut count) = (Vec::new(), Needs::new(), 0);
        let forms = self.branch_forms(branches, truths, &mut 0, &mut vars, &mut opaque, &mut count);
        let mut sizes = Vec::with_capacity(vars.len());
        for var in &mut vars {
            var.values = match std::mem::replace(&mut var.how, Values::Opaque) {
                Values::Listed(values) => values,
                Values::Numbers(bounds, dim) => numbers_around(bounds, dim),
                // Not tried: unknown in every combination, so what it waits for stays asked.
                Values::Opaque => {
                    opaque.extend(var.needs.iter().copied());
                    Vec::new()
                }
            };
            sizes.push(var.values.len().max(1));
        }
        let combinations = sizes.iter().fold(1usize, |n, &s| n.saturating_mul(s));
        if !(2..=MAX_COMBINATIONS).contains(&combinations) || combinations.saturating_mul(count) > MAX_CELL_TESTS {
            return result;
        }
        let mut results = Results::default();
        let mut at = vec![0usize; vars.len()];
        let mut ends: Vec<TreeEnd<'r>> = Vec::new();
        // How many combinations end in each leaf: a conclusion every answer gives is explained
        // by the leaf most of them reach.
        let mut tally: Vec<(&'r Leaf, usize)> = Vec::new();
        loop {
            ends.clear();
            let gap = walk_forms(&forms, &vars, &at, &mut ends);
            if let Some(&(leaf, _)) = ends.first() {
                match tally.iter_mut().find(|t| std::ptr::eq(t.0, leaf)) {
                    Some(t) => t.1 += 1,
                    None => tally.push((leaf, 1)),
                }
            }
            results.push(if gap { None } else { agreed(&ends) });
            if !next_combination(&mut at, &sizes) {
                break;
            }
        }
        match results.judge(&sizes) {
            Ok(()) => {
                let most = tally.iter().rev().max_by_key(|t| t.1).map(|t| t.0);
                let (Some(value), Some(leaf)) = (results.seen.pop(), most) else { return result };
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
                let mut drop = Needs::new();
                for (k, var) in vars.iter().enumerate() {
                    let to = if irrelevant.contains(&k) && !var.values.is_empty() { &mut drop } else { &mut opaque };
                    to.extend(var.needs.iter().copied());
                }
                keep_needs(&mut result.needs, &opaque, &drop);
                result.possible = results.possible().or(result.possible);
                result
            }
        }
    }

    /// The branches the walk visited (`truths`, in its order, from `next`), as it visited them:
    /// a false one left out, a true one without its condition and the last of its level.
    fn branch_forms(
        &mut self,
        branches: &'r [Branch],
        truths: &[Truth],
        next: &mut usize,
        vars: &mut Vec<Var>,
        opaque: &mut Needs,
        count: &mut usize,
    ) -> Vec<BranchForm<'r>> {
        let mut out = Vec::new();
        for b in branches {
            let Some(&truth) = truths.get(*next) else { break };
            *next += 1;
            if truth == Truth::False {
                continue;
            }
            *count += 1;
            let condition = match (truth, &b.condition) {
                (Truth::Unknown, Some(c)) => Some(self.form(c, vars, opaque)),
                _ => None,
            };
            let body = match &b.body {
                BranchBody::Leaf(leaf) => BodyForm::Leaf(leaf, self.form(&leaf.value, vars, opaque)),
                BranchBody::Nested(inner) => {
                    BodyForm::Nested(self.branch_forms(inner, truths, next, vars, opaque, count))
                }
            };
            out.push(BranchForm { condition, body });
            if truth == Truth::True {
                break;
            }
        }
        out
    }

    /// `e` as a form, its tried inputs open (a number or text read other than compared with a
    /// known value is not tried).
    fn form(&mut self, e: &'r Expr, vars: &mut Vec<Var>, opaque: &mut Needs) -> Form {
        let form = self.build(e, vars, opaque);
        not_compared(&form, vars);
        form
    }

    fn build(&mut self, e: &'r Expr, vars: &mut Vec<Var>, opaque: &mut Needs) -> Form {
        let mut boxed = |ev: &mut Self, x: &'r Expr| Box::new(ev.form(x, vars, opaque));
        match &e.kind {
            ExprKind::Input(_) | ExprKind::Decision(_) => {
                if let Some(k) = self.var(e, vars) {
                    return Form::Var(k);
                }
            }
            ExprKind::Not(x) => return Form::Not(boxed(self, x)),
            ExprKind::Binary(op @ (BinOp::And | BinOp::Or), l, r) => {
                return Form::Logic(*op == BinOp::Or, boxed(self, l), boxed(self, r))
            }
            ExprKind::Binary(BinOp::Compare(op), l, r) => {
                let (a, b) = (self.build(l, vars, opaque), self.build(r, vars, opaque));
                match (&a, &b) {
                    // `x > 3 m`, `"plat" == dak`: a bound of x.
                    (Form::Var(k), Form::Fixed(Some(v))) | (Form::Fixed(Some(v)), Form::Var(k)) => {
                        vars[*k].compared_with(v)
                    }
                    _ => {
                        not_compared(&a, vars);
                        not_compared(&b, vars);
                    }
                }
                return Form::Compare(*op, Box::new(a), Box::new(b));
            }
            ExprKind::In(needle, items) => {
                let n = self.build(needle, vars, opaque);
                let items: Vec<Form> = items.iter().map(|i| self.form(i, vars, opaque)).collect();
                match &n {
                    Form::Var(k) if items.iter().all(|i| matches!(i, Form::Fixed(Some(_)))) => {
                        for i in &items {
                            if let Form::Fixed(Some(v)) = i {
                                vars[*k].compared_with(v);
                            }
                        }
                    }
                    _ => not_compared(&n, vars),
                }
                return Form::In(Box::new(n), items);
            }
            _ => {}
        }
        // Evaluated once. A failure on a path the walk did not take is no failure of the
        // decision: unknown.
        match self.expr(e) {
            Ok(Val::Known(v)) => Form::Fixed(Some(v)),
            Ok(Val::Unknown(n)) => {
                opaque.extend(n);
                Form::Fixed(None)
            }
            Err(_) => Form::Fixed(None),
        }
    }

    /// The var `e` is (its index, added when new): an unanswered question the map does not
    /// answer, or an undecided decision, whose values can be listed or bounded.
    fn var(&mut self, e: &'r Expr, vars: &mut Vec<Var>) -> Option<usize> {
        let read = match e.kind {
            ExprKind::Input(i) => (false, i),
            ExprKind::Decision(i) => (true, i),
            _ => return None,
        };
        if let Some(k) = vars.iter().position(|v| v.read == read) {
            return Some(k);
        }
        let (how, needs) = match e.kind {
            ExprKind::Input(i) if self.facts.value(i).is_none() && self.rs.inputs[i].derive.is_none() => {
                let how = match &e.ty {
                    Type::Num(dim) => Values::Numbers(Vec::new(), *dim),
                    other => Values::Listed(every_value(other)?),
                };
                (how, singleton(i))
            }
            ExprKind::Decision(i) => {
                let result = self.decision(i).ok().filter(|r| r.value.is_none())?;
                let values = match self.reachable(e) {
                    Some(values) => values,
                    None => every_value(&e.ty)?,
                };
                (Values::Listed(values), result.needs.clone())
            }
            _ => return None,
        };
        vars.push(Var { read, how, needs, values: Vec::new() });
        Some(vars.len() - 1)
    }
}

/// A number or text read other than compared with a known value cannot be tried.
fn not_compared(form: &Form, vars: &mut [Var]) {
    if let Form::Var(k) = form {
        if !matches!(vars[*k].how, Values::Listed(_)) {
            vars[*k].how = Values::Opaque;
        }
    }
}

impl Var {
    fn compared_with(&mut self, bound: &Value) {
        match (&mut self.how, bound) {
            (Values::Listed(_), _) => {}
            (Values::Numbers(bounds, _), Value::Num(n, _)) if n.is_finite() => bounds.push(*n),
            _ => self.how = Values::Opaque,
        }
    }
}

impl Form {
    /// The value for the tried values `at`, three-valued as the evaluator has it; `None` while
    /// unknown.
    fn value(&self, vars: &[Var], at: &[usize]) -> Option<Value> {
        let value = |f: &Form| f.value(vars, at);
        match self {
            Form::Fixed(v) => v.clone(),
            Form::Var(k) => vars[*k].values.get(at[*k]).cloned(),
            Form::Not(x) => match value(x) {
                Some(Value::Bool(b)) => Some(Value::Bool(!b)),
                other => other,
            },
            Form::Logic(decisive, l, r) => {
                // Kleene: a deciding side settles it even when the other is unknown.
                let a = value(l);
                if matches!(a, Some(Value::Bool(b)) if b == *decisive) {
                    return a;
                }
                let b = value(r);
                if matches!(b, Some(Value::Bool(x)) if x == *decisive) {
                    return b;
                }
                (a.is_some() && b.is_some()).then_some(Value::Bool(!decisive))
            }
            Form::Compare(op, l, r) => compare(*op, &value(l)?, &value(r)?).map(Value::Bool),
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
fn walk_forms<'r>(branches: &[BranchForm<'r>], vars: &[Var], at: &[usize], ends: &mut Vec<TreeEnd<'r>>) -> bool {
    let mut gap = false;
    for b in branches {
        let truth = match &b.condition {
            None => Some(true),
            Some(c) => c.value(vars, at).map(|v| matches!(v, Value::Bool(true))),
        };
        if truth == Some(false) {
            continue;
        }
        match &b.body {
            BodyForm::Leaf(leaf, value) => ends.push((leaf, value.value(vars, at))),
            BodyForm::Nested(inner) => gap |= walk_forms(inner, vars, at, ends),
        }
        if truth == Some(true) {
            return gap;
        }
    }
    true
}

/// The value every end gives, when each gives one and they agree.
fn agreed<'e>(ends: &'e [TreeEnd<'_>]) -> Option<&'e Value> {
    let first = ends.first()?.1.as_ref()?;
    ends.iter().all(|e| e.1.as_ref().is_some_and(|v| v.same(first))).then_some(first)
}

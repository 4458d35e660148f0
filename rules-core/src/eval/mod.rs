//! Three-valued evaluation of a checked ruleset against facts, producing an [`Outcome`] with trace.
//!
//! An unanswered input is *unknown*. Unknown flows through expressions (Kleene logic for
//! `and`/`or`/`not`), and a decision whose result depends on it reports the inputs still needed.
//! A decision is only given a definite answer when every way the unknown inputs could be answered
//! leads to the same conclusion, so more answers never change a definite outcome.

pub mod at;
pub mod batch;
mod cases;
pub mod coverage;
pub mod facts;
mod layers;
pub mod memo;
pub mod outcome;
pub mod pick;

use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;
use thiserror::Error;

use crate::builtins::Builtin;
use crate::check::*;
use crate::diagnostics::Diagnostic;
use crate::source::Span;
use crate::spatial;
use crate::syntax::ast::{Aggregator, BinOp, CompareOp, Date, HitPolicy, InputKind, SpatialOp};
use crate::value::{compare_numbers, Dim, Type, Value};
pub use facts::{BoundLayer, FactError, Facts};
pub use memo::Memo;
use memo::Slot;
pub use outcome::*;

/// A problem found while evaluating, with the place in the ruleset it comes from.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("{message}")]
pub struct EvalError {
    /// Stable code: R001 arithmetic, R002 missing layer, R003 nothing applies, R004 UNIQUE with
    /// several rows, R005 ANY rows disagree, R006 geometry, R010 not valid on the date.
    pub code: &'static str,
    pub message: String,
    pub span: Span,
    pub help: Option<String>,
}

impl EvalError {
    fn new(code: &'static str, span: Span, message: impl Into<String>) -> EvalError {
        EvalError { code, message: message.into(), span, help: None }
    }

    fn with_help(mut self, help: impl Into<String>) -> EvalError {
        self.help = Some(help.into());
        self
    }

    /// As a diagnostic pointing into the ruleset source.
    pub fn to_diagnostic(&self) -> Diagnostic {
        let d = Diagnostic::error(self.code, self.span, self.message.clone());
        match &self.help {
            Some(h) => d.with_help(h.clone()),
            None => d,
        }
    }
}

/// What to evaluate and how.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// The evaluation date; a ruleset not valid on it is refused (R010).
    pub date: Option<Date>,
    /// Record the branches and rows tried.
    pub trace: bool,
    /// Only these decisions (by title or id) count for `needed`; when `None`, every decision that
    /// no other decision reads.
    pub decisions: Option<Vec<String>>,
}

type Needs = BTreeSet<usize>;

/// A value, or unknown with the inputs it waits for.
#[derive(Debug, Clone)]
enum Val {
    Known(Value),
    Unknown(Needs),
}

impl Val {
    fn needs(&self) -> Option<&Needs> {
        match self {
            Val::Unknown(n) => Some(n),
            Val::Known(_) => None,
        }
    }
}

fn unknown_of(vals: &[&Val]) -> Option<Val> {
    let mut needs = Needs::new();
    let mut any = false;
    for v in vals {
        if let Val::Unknown(n) = v {
            any = true;
            needs.extend(n.iter().copied());
        }
    }
    any.then_some(Val::Unknown(needs))
}

/// Truth of a condition: Kleene's three values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

impl Truth {
    fn name(self) -> &'static str {
        match self {
            Truth::True => "true",
            Truth::False => "false",
            Truth::Unknown => "unknown",
        }
    }
}

/// Evaluate every decision and check of `rs` against `facts`.
pub fn evaluate(rs: &Ruleset, facts: &Facts, options: &Options) -> Result<Outcome, EvalError> {
    evaluate_parts(rs, facts, options, true, None)
}

/// [`evaluate`], reusing the values of `memo` that `facts` left unchanged and keeping new ones:
/// for a host that evaluates one ruleset again after each answer (see [`Memo`]). The outcome is
/// the same as [`evaluate`]'s.
pub fn evaluate_with(rs: &Ruleset, facts: &Facts, options: &Options, memo: &mut Memo) -> Result<Outcome, EvalError> {
    memo.prepare(rs, options.date);
    evaluate_parts(rs, facts, options, true, Some(memo))
}

/// The decisions without the checks (the checks too when there are no decisions, as the
/// questions are then theirs): what a `rules batch` row reads. Checks show geometry when they
/// fail (`difference(plan, buffer(achtererf, 0.1 m))`), the costliest part of a parcel.
pub(crate) fn evaluate_decisions(rs: &Ruleset, facts: &Facts, options: &Options) -> Result<Outcome, EvalError> {
    evaluate_parts(rs, facts, options, rs.decisions.is_empty(), None)
}

fn evaluate_parts(
    rs: &Ruleset,
    facts: &Facts,
    options: &Options,
    with_checks: bool,
    memo: Option<&mut Memo>,
) -> Result<Outcome, EvalError> {
    check_validity(rs, options.date)?;
    let mut ev = Evaluator::new(rs, facts, options);
    ev.memo = memo;
    let mut decisions = Vec::with_capacity(rs.decisions.len());
    let mut all_needs = Needs::new();
    for (i, d) in rs.decisions.iter().enumerate() {
        let result = ev.decision(i)?;
        if counts_for_needed(rs, options, i) {
            all_needs.extend(result.needs.iter().copied());
        }
        decisions.push(ev.decision_outcome(d, &result)?);
    }
    // Checks report what they still need themselves; `needed` is about the decisions, so a
    // question that can no longer change a conclusion is not asked.
    let mut checks = Vec::with_capacity(rs.checks.len());
    for c in rs.checks.iter().filter(|_| with_checks) {
        checks.push(ev.check(c)?);
    }
    if rs.decisions.is_empty() {
        for c in &checks {
            all_needs.extend(c.needed.iter().filter_map(|n| rs.input_index(n)));
        }
    }
    // What the map answered: the derived inputs that were read and whose `from` gave a value.
    let mut derived = Vec::new();
    for (i, input) in rs.inputs.iter().enumerate() {
        let Some(d) = &input.derive else { continue };
        if let Some(Val::Known(v)) = &ev.derived[i] {
            let value = match &v {
                Value::Geom(g) => spatial::to_geojson_in(g, facts.crs()),
                other => other.to_json(),
            };
            derived.push(Derived { input: input.name.clone(), from: d.text.clone(), value });
        }
    }
    Ok(Outcome {
        ruleset: rs.meta.name.clone(),
        authority: rs.meta.authority.clone(),
        date: options.date.map(format_date),
        decisions,
        checks,
        needed: needed_list(rs, &all_needs),
        derived,
    })
}

/// Whether decision `i` counts for `needed`: one of `options.decisions`, or by default one that
/// no other decision reads. A decision that another reads matters only through that one: once the
/// reader is decided, the questions only the inner decision still waits for are not asked.
fn counts_for_needed(rs: &Ruleset, options: &Options, i: usize) -> bool {
    let d = &rs.decisions[i];
    match &options.decisions {
        Some(names) => names.iter().any(|n| n == &d.title || d.id.as_deref() == Some(n.as_str())),
        None => !rs.read_by_others.contains(&i),
    }
}

/// The answered inputs that no longer matter: with that one answer removed, `needed` would not
/// ask for it (a screen hides these questions). One untraced evaluation per answer, of the decisions
/// (of the checks when there are none), reusing `memo` (see [`evaluate_with`]). In the order of the
/// ruleset's inputs.
pub fn irrelevant_answers(
    rs: &Ruleset,
    facts: &Facts,
    options: &Options,
    memo: &mut Memo,
) -> Result<Vec<usize>, EvalError> {
    memo.prepare(rs, options.date);
    let options = Options { trace: false, ..options.clone() };
    let mut out = Vec::new();
    let mut probe = facts.clone();
    for i in (0..rs.inputs.len()).filter(|&i| facts.value(i).is_some()) {
        let taken = probe.take(i);
        // Without decisions, the questions are the checks'.
        let outcome = evaluate_parts(rs, &probe, &options, rs.decisions.is_empty(), Some(&mut *memo))?;
        let needed = outcome.needed.iter().any(|n| n.input == rs.inputs[i].name);
        probe.put_back(i, taken);
        if !needed {
            out.push(i);
        }
    }
    Ok(out)
}

/// The next question: the highest-priority input that can still change a requested outcome.
pub fn next_question(rs: &Ruleset, facts: &Facts, options: &Options) -> Result<Option<Needed>, EvalError> {
    Ok(evaluate(rs, facts, options)?.needed.into_iter().next())
}

pub fn format_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year, d.month, d.day)
}

fn check_validity(rs: &Ruleset, date: Option<Date>) -> Result<(), EvalError> {
    let Some(date) = date else { return Ok(()) };
    let before = rs.meta.valid_from.is_some_and(|from| date < from);
    let after = rs.meta.valid_until.is_some_and(|until| date > until);
    if before || after {
        let period = match (rs.meta.valid_from, rs.meta.valid_until) {
            (Some(f), Some(u)) => format!("from {} until {}", format_date(f), format_date(u)),
            (Some(f), None) => format!("from {}", format_date(f)),
            (None, Some(u)) => format!("until {}", format_date(u)),
            (None, None) => String::new(),
        };
        let span = rs.meta.validity_span;
        return Err(EvalError::new(
            "R010",
            span,
            format!("ruleset \"{}\" is valid {period}, not on {}", rs.meta.name, format_date(date)),
        )
        .with_help("use the ruleset version that applies on that date"));
    }
    Ok(())
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Bool => "bool".into(),
        Type::Num(d) if d.percent => "percent".into(),
        Type::Num(d) => match (d.length, d.angle) {
            (1, 0) => "length".into(),
            (2, 0) => "surface".into(),
            (3, 0) => "volume".into(),
            (0, 1) => "angle".into(),
            _ => "number".into(),
        },
        Type::Text(Some(_)) => "choice".into(),
        Type::Text(None) => "text".into(),
        Type::Geom(k) => k.to_string(),
        Type::Location => "location".into(),
        Type::Conclusion => "conclusion".into(),
        Type::List(_) => "list".into(),
    }
}

fn needed_list(rs: &Ruleset, needs: &Needs) -> Vec<Needed> {
    let mut order: Vec<usize> = needs.iter().copied().filter(|&i| i < rs.inputs.len()).collect();
    crate::sort::sort_by_key(&mut order, |&i| rs.inputs[i].ask_order(i));
    order
        .into_iter()
        .map(|i| {
            let input = &rs.inputs[i];
            Needed {
                input: input.name.clone(),
                question: input.label.clone(),
                ty: type_name(&input.ty),
                kind: match input.kind {
                    InputKind::Question => "question",
                    InputKind::Input => "input",
                },
                help: input.help.clone(),
                options: match &input.ty {
                    Type::Text(Some(o)) => Some(o.to_vec()),
                    _ => None,
                },
            }
        })
        .collect()
}

fn needed_names(rs: &Ruleset, needs: &Needs) -> Vec<String> {
    needed_list(rs, needs).into_iter().map(|n| n.input).collect()
}

/// One step of a trace, kept cheap while evaluating and rendered only for the outcome.
#[derive(Debug, Clone)]
struct Step<'r> {
    span: Span,
    label: StepLabel<'r>,
    truth: Truth,
    reads: &'r [Expr],
}

#[derive(Debug, Clone)]
enum StepLabel<'r> {
    When(&'r str),
    Otherwise,
    Row(usize),
    /// In a large table: how many rules were passed over (they do not apply).
    PassedOver(usize),
}

/// Where a path through a decision ends.
#[derive(Debug, Clone)]
enum End<'r> {
    Leaf { leaf: &'r Leaf, value: Val, unknown_conditions: u32 },
    NoMatch,
}

#[derive(Debug, Clone)]
struct DecisionResult<'r> {
    value: Option<Value>,
    /// While undecided: every value it can still take, when each is known (no gap, no unknown
    /// conclusion). Lets `c == NietVanToepassing` be false before `c` itself is decided.
    possible: Option<Vec<Value>>,
    leaf: Option<&'r Leaf>,
    /// For multi-hit tables: every matched row's leaf.
    leaves: Vec<&'r Leaf>,
    needs: Needs,
    steps: Vec<Step<'r>>,
}

struct Evaluator<'r> {
    rs: &'r Ruleset,
    facts: &'r Facts,
    lets: Vec<Option<Val>>,
    /// Values of derived inputs that nobody answered, by input index, computed on first use.
    derived: Vec<Option<Val>>,
    decisions: Vec<Option<Rc<DecisionResult<'r>>>>,
    tracing: bool,
    date: Option<Date>,
    /// Values already written out for traces, by the read expression's symbol.
    shown: BTreeMap<(u8, usize), String>,
    /// Values kept from earlier evaluations of the same ruleset.
    memo: Option<&'r mut Memo>,
    /// Every read of a derived input, in order: what a value kept in the memo read.
    derived_reads: Vec<usize>,
}

impl<'r> Evaluator<'r> {
    fn new(rs: &'r Ruleset, facts: &'r Facts, options: &Options) -> Evaluator<'r> {
        Evaluator {
            rs,
            facts,
            lets: vec![None; rs.lets.len()],
            derived: vec![None; rs.inputs.len()],
            decisions: vec![None; rs.decisions.len()],
            tracing: options.trace,
            date: options.date,
            shown: BTreeMap::new(),
            memo: None,
            derived_reads: Vec::new(),
        }
    }

    // ------------------------------------------------------------------ expressions

    fn expr(&mut self, e: &'r Expr) -> Result<Val, EvalError> {
        Ok(match &e.kind {
            ExprKind::Const(v) => Val::Known(v.clone()),
            ExprKind::ValidOn(from, until) => Val::Known(Value::Bool(
                self.date.is_none_or(|d| from.is_none_or(|f| d >= f) && until.is_none_or(|u| d <= u)),
            )),
            ExprKind::Input(i) => match self.facts.value(*i) {
                Some(v) => Val::Known(v.clone()),
                None if self.rs.inputs[*i].derive.is_some() => self.derived(*i)?,
                None => Val::Unknown(singleton(*i)),
            },
            ExprKind::Layer(i) => {
                let layer = &self.rs.layers[*i];
                match self.facts.layer(*i) {
                    Some(bound) => Val::Known(Value::Geom(bound.merged(layer.kind))),
                    None => {
                        return Err(EvalError::new("R002", e.span, format!("layer `{}` was not given", layer.name))
                            .with_help(format!(
                                "bind a GeoJSON FeatureCollection to `{}` (case files: \"layers\")",
                                layer.name
                            )))
                    }
                }
            }
            ExprKind::Let(i) => {
                if let Some(v) = &self.lets[*i] {
                    return Ok(v.clone());
                }
                let v = match self.kept(Slot::Let(*i))? {
                    Some(v) => v,
                    None => {
                        let start = self.derived_reads.len();
                        let v = self.expr(&self.rs.lets[*i].expr)?;
                        self.keep(Slot::Let(*i), &v, start);
                        v
                    }
                };
                self.lets[*i] = Some(v.clone());
                v
            }
            ExprKind::Decision(i) => {
                let result = self.decision(*i)?;
                match &result.value {
                    Some(v) => Val::Known(v.clone()),
                    None => Val::Unknown(result.needs.clone()),
                }
            }
            ExprKind::Call(builtin, args) if memo::kept_call(*builtin) && self.memo.is_some() => {
                if let Some(v) = self.kept(Slot::Call(e))? {
                    return Ok(v);
                }
                let start = self.derived_reads.len();
                let v = self.call(e, *builtin, args)?;
                self.keep(Slot::Call(e), &v, start);
                v
            }
            ExprKind::Call(builtin, args) => self.call(e, *builtin, args)?,
            ExprKind::Not(inner) => match self.expr(inner)? {
                Val::Known(Value::Bool(b)) => Val::Known(Value::Bool(!b)),
                other => other,
            },
            ExprKind::Neg(inner) => match self.expr(inner)? {
                Val::Known(Value::Num(n, d)) => Val::Known(Value::Num(-n, d)),
                other => other,
            },
            ExprKind::Binary(BinOp::And, l, r) => self.logic(l, r, false)?,
            ExprKind::Binary(BinOp::Or, l, r) => self.logic(l, r, true)?,
            ExprKind::Binary(op @ BinOp::Compare(CompareOp::Eq | CompareOp::Ne), l, r)
                if matches!(l.kind, ExprKind::Decision(_)) || matches!(r.kind, ExprKind::Decision(_)) =>
            {
                let a = self.expr(l)?;
                let b = self.expr(r)?;
                match (a, b) {
                    (Val::Known(a), Val::Known(b)) => Val::Known(binary(*op, &a, &b, e)?),
                    (a, b) => self
                        .compare_possible(*op, (l, &a), (r, &b))
                        .unwrap_or_else(|| unknown_of(&[&a, &b]).unwrap_or(Val::Unknown(Needs::new()))),
                }
            }
            ExprKind::Binary(op, l, r) => {
                if let BinOp::Spatial(s) = op {
                    if let Some(v) = self.layer_relation(e, *s, l, r)? {
                        return Ok(v);
                    }
                }
                let a = self.expr(l)?;
                let b = self.expr(r)?;
                match (a, b) {
                    (Val::Known(a), Val::Known(b)) => Val::Known(binary(*op, &a, &b, e)?),
                    (a, b) => unknown_of(&[&a, &b]).unwrap_or(Val::Unknown(Needs::new())),
                }
            }
            ExprKind::If(c, t, f) => match self.expr(c)? {
                Val::Known(Value::Bool(true)) => self.expr(t)?,
                Val::Known(_) => self.expr(f)?,
                Val::Unknown(mut needs) => {
                    // Both branches may still give the same value; then the condition does not matter.
                    let (tv, fv) = (self.expr(t)?, self.expr(f)?);
                    match (&tv, &fv) {
                        (Val::Known(a), Val::Known(b)) if a.same(b) => tv,
                        _ => {
                            for v in [&tv, &fv] {
                                if let Some(n) = v.needs() {
                                    needs.extend(n.iter().copied());
                                }
                            }
                            Val::Unknown(needs)
                        }
                    }
                }
            },
            ExprKind::In(needle, items) => {
                let n = self.expr(needle)?;
                let mut truth = Truth::False;
                let mut needs = n.needs().cloned().unwrap_or_default();
                for item in items {
                    let v = self.expr(item)?;
                    match (&n, &v) {
                        (Val::Known(a), Val::Known(b)) => {
                            if a.same(b) {
                                truth = Truth::True;
                            }
                        }
                        _ => {
                            if let Some(x) = v.needs() {
                                needs.extend(x.iter().copied());
                            }
                            if truth != Truth::True {
                                truth = Truth::Unknown;
                            }
                        }
                    }
                }
                if matches!(n, Val::Unknown(_)) {
                    truth = Truth::Unknown;
                }
                match truth {
                    Truth::True => Val::Known(Value::Bool(true)),
                    Truth::False => Val::Known(Value::Bool(false)),
                    Truth::Unknown => Val::Unknown(needs),
                }
            }
            ExprKind::List(items) => {
                let mut vals = Vec::with_capacity(items.len());
                for i in items {
                    vals.push(self.expr(i)?);
                }
                if let Some(u) = unknown_of(&vals.iter().collect::<Vec<_>>()) {
                    return Ok(u);
                }
                Val::Known(Value::List(
                    vals.into_iter()
                        .filter_map(|v| match v {
                            Val::Known(v) => Some(v),
                            Val::Unknown(_) => None,
                        })
                        .collect(),
                ))
            }
        })
    }

    /// `decision == value` while the decision is undecided: settled when none (or all) of the
    /// values it can still take equal `value`.
    fn compare_possible(&mut self, op: BinOp, left: (&'r Expr, &Val), right: (&'r Expr, &Val)) -> Option<Val> {
        let (decision, known) = match (left, right) {
            ((e, Val::Unknown(_)), (_, Val::Known(v))) | ((_, Val::Known(v)), (e, Val::Unknown(_))) => (e, v),
            _ => return None,
        };
        let ExprKind::Decision(i) = decision.kind else { return None };
        let result = self.decisions.get(i).cloned().flatten()?;
        let possible = result.possible.as_ref()?;
        let equal = if possible.iter().all(|p| p.same(known)) {
            true
        } else if possible.iter().all(|p| !p.same(known)) {
            false
        } else {
            return None;
        };
        Some(Val::Known(Value::Bool(equal == (op == BinOp::Compare(CompareOp::Eq)))))
    }

    /// A call of a builtin.
    fn call(&mut self, e: &'r Expr, builtin: Builtin, args: &'r [Expr]) -> Result<Val, EvalError> {
        if let Some(v) = self.layer_call(e, builtin, args)? {
            return Ok(v);
        }
        if builtin == Builtin::Location {
            if let Some(v) = self.location_in_buffer(e, args)? {
                return Ok(v);
            }
        }
        let mut vals = Vec::with_capacity(args.len());
        for a in args {
            vals.push(self.expr(a)?);
        }
        if let Some(u) = unknown_of(&vals.iter().collect::<Vec<_>>()) {
            return Ok(u);
        }
        let values: Vec<Value> = vals
            .into_iter()
            .filter_map(|v| match v {
                Val::Known(v) => Some(v),
                Val::Unknown(_) => None,
            })
            .collect();
        Ok(Val::Known(builtin.apply(&values).map_err(|m| EvalError::new("R006", e.span, m))?))
    }

    /// An unanswered derived input: its `from` value, or unknown. It waits for what the
    /// condition or the value still needs; when they are known and give nothing (no building on
    /// the parcel, the house was extended), it waits for the input itself.
    fn derived(&mut self, i: usize) -> Result<Val, EvalError> {
        self.derived_reads.push(i);
        if let Some(v) = &self.derived[i] {
            return Ok(v.clone());
        }
        if let Some(v) = self.kept(Slot::Derived(i))? {
            self.derived[i] = Some(v.clone());
            return Ok(v);
        }
        let start = self.derived_reads.len();
        let Some(d) = &self.rs.inputs[i].derive else { return Ok(Val::Unknown(singleton(i))) };
        let condition = match &d.when {
            Some(w) => self.expr(w)?,
            None => Val::Known(Value::Bool(true)),
        };
        let value = |ev: &mut Self| match &d.value.kind {
            ExprKind::Call(b @ (Builtin::Largest | Builtin::Nearest), args) => ev.pick(*b, args, d.value.span),
            _ => ev.expr(&d.value),
        };
        let v = match condition {
            Val::Known(Value::Bool(true)) => value(self)?,
            Val::Known(_) => Val::Unknown(Needs::new()),
            // Like `if`: what the condition needs, and what the value still needs.
            Val::Unknown(mut needs) => {
                if let Val::Unknown(more) = value(self)? {
                    needs.extend(more);
                }
                Val::Unknown(needs)
            }
        };
        let v = match v {
            Val::Unknown(needs) if needs.is_empty() => Val::Unknown(singleton(i)),
            v => v,
        };
        self.keep(Slot::Derived(i), &v, start);
        self.derived[i] = Some(v.clone());
        Ok(v)
    }

    /// The memo's value of `slot`, when what it reads is unchanged. The derived inputs it read
    /// are read again (from the memo too), so that the outcome lists them.
    fn kept(&mut self, slot: Slot<'r>) -> Result<Option<Val>, EvalError> {
        let Some((value, derived)) = self.memo.as_deref_mut().and_then(|m| m.get(slot, self.facts)) else {
            return Ok(None);
        };
        for i in derived {
            self.derived(i)?;
        }
        Ok(Some(Val::Known(value)))
    }

    /// Give the memo a known value to keep, computed while reading the derived inputs logged
    /// from `start` on.
    fn keep(&mut self, slot: Slot<'r>, v: &Val, start: usize) {
        if let (Some(memo), Val::Known(value)) = (self.memo.as_deref_mut(), v) {
            memo.put(slot, self.facts, value, &self.derived_reads[start..]);
        }
    }

    /// `largest(layer, zone)` / `nearest(layer, point, d)`: a feature's geometry, or unknown
    /// without needs when there is none (or the layer was not given).
    fn pick(&mut self, b: Builtin, args: &'r [Expr], span: Span) -> Result<Val, EvalError> {
        let Some(ExprKind::Layer(l)) = args.first().map(|a| &a.kind) else {
            return Err(EvalError::new("R006", span, format!("`{}` needs a layer", b.name())));
        };
        let mut vals = Vec::with_capacity(args.len());
        for a in &args[1..] {
            vals.push(self.expr(a)?);
        }
        if let Some(u) = unknown_of(&vals.iter().collect::<Vec<_>>()) {
            return Ok(u);
        }
        // A host without this layer asks for the input instead.
        let Some(layer) = self.facts.layer(*l) else { return Ok(Val::Unknown(Needs::new())) };
        let feature = match (b, vals.as_slice()) {
            (Builtin::Largest, [Val::Known(Value::Geom(zone))]) => pick::largest(layer, zone),
            (Builtin::Nearest, [Val::Known(Value::Geom(point)), Val::Known(Value::Num(d, _))]) => {
                pick::nearest(layer, point, *d)
            }
            _ => None,
        };
        Ok(match feature {
            Some(f) => Val::Known(Value::Geom(std::sync::Arc::new(f.geometry.clone()))),
            None => Val::Unknown(Needs::new()),
        })
    }

    /// Kleene `and` (`is_or` false) and `or`: a decisive side settles it even when the other is unknown.
    fn logic(&mut self, l: &'r Expr, r: &'r Expr, is_or: bool) -> Result<Val, EvalError> {
        let decisive = is_or;
        let a = self.expr(l)?;
        if matches!(a, Val::Known(Value::Bool(b)) if b == decisive) {
            return Ok(a);
        }
        let b = self.expr(r)?;
        if matches!(b, Val::Known(Value::Bool(x)) if x == decisive) {
            return Ok(b);
        }
        Ok(match (&a, &b) {
            (Val::Known(_), Val::Known(_)) => Val::Known(Value::Bool(!decisive)),
            _ => unknown_of(&[&a, &b]).unwrap_or(Val::Unknown(Needs::new())),
        })
    }

    fn truth(&mut self, e: &'r Expr) -> Result<(Truth, Needs), EvalError> {
        Ok(match self.expr(e)? {
            Val::Known(Value::Bool(true)) => (Truth::True, Needs::new()),
            Val::Known(_) => (Truth::False, Needs::new()),
            Val::Unknown(n) => (Truth::Unknown, n),
        })
    }

    // ------------------------------------------------------------------ decisions

    fn decision(&mut self, i: usize) -> Result<Rc<DecisionResult<'r>>, EvalError> {
        if let Some(r) = &self.decisions[i] {
            return Ok(Rc::clone(r));
        }
        let rs = self.rs;
        let d = &rs.decisions[i];
        let result = match &d.body {
            Body::Tree(branches) => self.tree(d, branches)?,
            Body::Table(t) => self.table(d, t)?,
        };
        let result = Rc::new(result);
        self.decisions[i] = Some(Rc::clone(&result));
        Ok(result)
    }

    fn tree(&mut self, d: &'r Decision, branches: &'r [Branch]) -> Result<DecisionResult<'r>, EvalError> {
        let mut ends = Vec::new();
        let mut needs = Needs::new();
        let mut steps = Vec::new();
        let mut truths = Vec::new();
        self.walk(branches, 0, &mut ends, &mut needs, &mut steps, &mut truths)?;
        let result = settle(ends, needs, steps);
        if result.value.is_none() && result.needs.is_empty() {
            return Err(EvalError::new(
                "R003",
                d.span,
                format!("no branch of decision \"{}\" applies to these answers", d.title),
            )
            .with_help("add `otherwise -> ...` to the decision (the checker warns about such gaps)"));
        }
        let mut result = self.settle_tree_by_cases(branches, &truths, result);
        result.steps.shrink_to_fit();
        Ok(result)
    }

    /// Follow every branch that may apply. Pushes an [`End`] for each way the walk can finish,
    /// and the truth of each branch visited (in order) for the cases.
    fn walk(
        &mut self,
        branches: &'r [Branch],
        unknown_conditions: u32,
        ends: &mut Vec<End<'r>>,
        needs: &mut Needs,
        steps: &mut Vec<Step<'r>>,
        truths: &mut Vec<Truth>,
    ) -> Result<(), EvalError> {
        for b in branches {
            let truth = match &b.condition {
                None => Truth::True,
                Some(c) => {
                    let (t, n) = self.truth(c)?;
                    needs.extend(n);
                    t
                }
            };
            truths.push(truth);
            if self.tracing {
                let label = if b.condition.is_some() { StepLabel::When(&b.text) } else { StepLabel::Otherwise };
                steps.push(Step { span: b.span, label, truth, reads: &b.reads });
            }
            let depth = unknown_conditions + u32::from(truth == Truth::Unknown);
            match truth {
                Truth::False => continue,
                Truth::True | Truth::Unknown => {
                    match &b.body {
                        BranchBody::Leaf(leaf) => {
                            let value = self.expr(&leaf.value)?;
                            ends.push(End::Leaf { leaf, value, unknown_conditions: depth });
                        }
                        BranchBody::Nested(inner) => self.walk(inner, depth, ends, needs, steps, truths)?,
                    }
                    if truth == Truth::True {
                        return Ok(());
                    }
                }
            }
        }
        ends.push(End::NoMatch);
        Ok(())
    }

    fn table(&mut self, d: &'r Decision, t: &'r Table) -> Result<DecisionResult<'r>, EvalError> {
        let mut inputs = Vec::with_capacity(t.inputs.len());
        for e in &t.inputs {
            inputs.push(self.expr(e)?);
        }
        let mut steps = Vec::new();
        let mut needs = Needs::new();
        // (row, value, definitely matched)
        let mut matches: Vec<cases::Match<'r>> = Vec::new();
        let columns = inputs.len();
        // With a known answer in the indexed column, only its rows (and those with `-`) can apply.
        let candidates: Option<Vec<usize>> = t.index.as_ref().and_then(|ix| match inputs.get(ix.column) {
            Some(Val::Known(Value::Text(v))) => Some(ix.candidates(v)),
            Some(Val::Known(Value::Bool(b))) => Some(ix.candidates(&bool_key(*b))),
            _ => None,
        });
        // A large table's trace keeps the rows that apply (or may) and counts the rest.
        let summarise = t.rows.len() > TRACE_EVERY_ROW_UP_TO;
        let mut passed_over = t.rows.len() - candidates.as_ref().map_or(t.rows.len(), Vec::len);
        let order: Box<dyn Iterator<Item = usize>> = match &candidates {
            Some(rows) => Box::new(rows.iter().copied()),
            None => Box::new(0..t.rows.len()),
        };
        for index in order {
            let Some(row) = t.rows.get(index) else { continue };
            let mut truth = Truth::True;
            let mut row_needs = Needs::new();
            let fast = t.fast.get(index * columns..(index + 1) * columns).unwrap_or(&[]);
            for (column, (cell, input)) in row.cells.iter().zip(&inputs).enumerate() {
                let t = match fast_match(fast.get(column), input) {
                    Some(t) => t,
                    None => {
                        let (t, n) = self.cell(cell, input)?;
                        row_needs.extend(n);
                        t
                    }
                };
                truth = and3(truth, t);
                if truth == Truth::False {
                    break;
                }
            }
            if self.tracing {
                if summarise && truth == Truth::False {
                    passed_over += 1;
                } else {
                    steps.push(Step { span: row.span, label: StepLabel::Row(index + 1), truth, reads: &t.reads });
                }
            }
            match truth {
                Truth::False => continue,
                Truth::Unknown => {
                    needs.extend(row_needs);
                    let value = self.expr(&row.leaf.value)?;
                    matches.push((row, value, false));
                }
                Truth::True => {
                    let value = self.expr(&row.leaf.value)?;
                    matches.push((row, value, true));
                    if t.hit == HitPolicy::First {
                        break;
                    }
                }
            }
        }
        if self.tracing && summarise && passed_over > 0 {
            steps.push(Step {
                span: d.span,
                label: StepLabel::PassedOver(passed_over),
                truth: Truth::False,
                reads: &[],
            });
        }
        let no_rule = || {
            EvalError::new("R003", d.span, format!("no rule of table \"{}\" applies to these answers", d.title))
                .with_help("add a rule for these values, or a last rule with `-` in every cell")
        };
        match t.hit {
            HitPolicy::Unique | HitPolicy::First | HitPolicy::Any | HitPolicy::Priority => {
                let definite: Vec<&(&Row, Val, bool)> = matches.iter().filter(|m| m.2).collect();
                if t.hit == HitPolicy::Unique && definite.len() > 1 {
                    let rows: Vec<String> = definite.iter().map(|m| row_number(t, m.0)).collect();
                    let all = if rows.len() == 2 { "both" } else { "all" };
                    return Err(EvalError::new(
                        "R004",
                        d.span,
                        format!("rules {} of UNIQUE table \"{}\" {all} apply", rows.join(" and "), d.title),
                    )
                    .with_help(
                        "a UNIQUE table must have exactly one applying rule; make the rules exclusive or use FIRST",
                    ));
                }
                if t.hit == HitPolicy::Unique && !definite.is_empty() && matches.iter().any(|m| !m.2) {
                    // Another rule may still apply, which would make the table fail (R004):
                    // not a definite answer yet, unless no answer makes it so.
                    let undecided =
                        DecisionResult { value: None, possible: None, leaf: None, leaves: Vec::new(), needs, steps };
                    return self.settle_by_cases(t, &inputs, &matches, undecided);
                }
                if t.hit == HitPolicy::Any {
                    if let Some(first) = definite.first() {
                        for other in &definite[1..] {
                            if let (Val::Known(a), Val::Known(b)) = (&first.1, &other.1) {
                                if !a.same(b) {
                                    return Err(EvalError::new("R005", other.0.span, format!(
                                        "rules {} and {} of ANY table \"{}\" both apply but conclude differently ({} and {})",
                                        row_number(t, first.0), row_number(t, other.0), d.title, a.to_dutch(), b.to_dutch()
                                    )));
                                }
                            }
                        }
                    }
                }
                let mut candidates: Vec<End<'r>> = Vec::new();
                if t.hit == HitPolicy::Priority {
                    let best = definite.iter().min_by(|a, b| priority_cmp(&a.1, &b.1)).map(|m| (*m).clone());
                    if let Some(b) = &best {
                        candidates.push(End::Leaf { leaf: &b.0.leaf, value: b.1.clone(), unknown_conditions: 0 });
                    } else {
                        candidates.push(End::NoMatch);
                    }
                    for m in matches.iter().filter(|m| !m.2) {
                        let outranks = best.as_ref().is_none_or(|b| priority_cmp(&m.1, &b.1).is_le());
                        if outranks {
                            candidates.push(End::Leaf { leaf: &m.0.leaf, value: m.1.clone(), unknown_conditions: 1 });
                        }
                    }
                } else {
                    for m in &matches {
                        candidates.push(End::Leaf {
                            leaf: &m.0.leaf,
                            value: m.1.clone(),
                            unknown_conditions: u32::from(!m.2),
                        });
                    }
                    if definite.is_empty() {
                        candidates.push(End::NoMatch);
                    }
                }
                let result = settle(candidates, needs, steps);
                if result.value.is_none() && result.needs.is_empty() {
                    return Err(no_rule());
                }
                self.settle_by_cases(t, &inputs, &matches, result)
            }
            HitPolicy::Collect(_) | HitPolicy::RuleOrder | HitPolicy::OutputOrder => {
                for m in &matches {
                    if let Val::Unknown(n) = &m.1 {
                        needs.extend(n.iter().copied());
                    }
                }
                let leaves: Vec<&'r Leaf> = matches.iter().filter(|m| m.2).map(|m| &m.0.leaf).collect();
                if !needs.is_empty() || matches.iter().any(|m| !m.2) {
                    return Ok(DecisionResult { value: None, possible: None, leaf: None, leaves, needs, steps });
                }
                let mut values: Vec<Value> = matches
                    .into_iter()
                    .filter_map(|m| match m.1 {
                        Val::Known(v) => Some(v),
                        Val::Unknown(_) => None,
                    })
                    .collect();
                let value = match t.hit {
                    HitPolicy::Collect(Some(Aggregator::Count)) => Value::Num(values.len() as f64, Dim::NUMBER),
                    HitPolicy::Collect(Some(agg)) => {
                        let dim = match &d.ty {
                            Type::Num(dim) => *dim,
                            _ => Dim::NUMBER,
                        };
                        let nums: Vec<f64> = values
                            .iter()
                            .filter_map(|v| match v {
                                Value::Num(n, _) => Some(*n),
                                _ => None,
                            })
                            .collect();
                        let n = match agg {
                            Aggregator::Sum => nums.iter().sum(),
                            Aggregator::Min => nums.iter().copied().reduce(f64::min).ok_or_else(no_rule)?,
                            Aggregator::Max => nums.iter().copied().reduce(f64::max).ok_or_else(no_rule)?,
                            Aggregator::Count => nums.len() as f64,
                        };
                        Value::Num(n, dim)
                    }
                    HitPolicy::OutputOrder => {
                        crate::sort::sort_by(&mut values, priority_cmp_values);
                        Value::List(values)
                    }
                    _ => Value::List(values),
                };
                Ok(DecisionResult { value: Some(value), possible: None, leaf: None, leaves, needs, steps })
            }
        }
    }

    fn cell(&mut self, cell: &'r CellTest, input: &Val) -> Result<(Truth, Needs), EvalError> {
        let CellTest::Tests { tests, negated, .. } = cell else { return Ok((Truth::True, Needs::new())) };
        let mut result = Truth::False;
        let mut needs = input.needs().cloned().unwrap_or_default();
        for test in tests {
            let t = match (input, test) {
                (Val::Unknown(_), _) => Truth::Unknown,
                (Val::Known(v), Test::Compare(op, e)) => self.compare_to(v, *op, e, &mut needs)?,
                (Val::Known(v), Test::Equal(e)) => self.compare_to(v, CompareOp::Eq, e, &mut needs)?,
                (Val::Known(v), Test::Interval { low, low_closed, high, high_closed }) => {
                    let lo =
                        self.compare_to(v, if *low_closed { CompareOp::Ge } else { CompareOp::Gt }, low, &mut needs)?;
                    let hi =
                        self.compare_to(v, if *high_closed { CompareOp::Le } else { CompareOp::Lt }, high, &mut needs)?;
                    and3(lo, hi)
                }
            };
            result = or3(result, t);
            if result == Truth::True {
                break;
            }
        }
        if *negated {
            result = match result {
                Truth::True => Truth::False,
                Truth::False => Truth::True,
                Truth::Unknown => Truth::Unknown,
            };
        }
        if result != Truth::Unknown {
            needs.clear();
        }
        Ok((result, needs))
    }

    fn compare_to(&mut self, v: &Value, op: CompareOp, e: &'r Expr, needs: &mut Needs) -> Result<Truth, EvalError> {
        // Most cells compare with a constant: no need to copy it through the general evaluator.
        if let ExprKind::Const(w) = &e.kind {
            return Ok(if compare(op, v, w) == Some(true) { Truth::True } else { Truth::False });
        }
        match self.expr(e)? {
            Val::Known(w) => Ok(match compare(op, v, &w) {
                Some(true) => Truth::True,
                _ => Truth::False,
            }),
            Val::Unknown(n) => {
                needs.extend(n);
                Ok(Truth::Unknown)
            }
        }
    }

    // ------------------------------------------------------------------ outcomes

    fn decision_outcome(&mut self, d: &'r Decision, r: &DecisionResult<'r>) -> Result<DecisionOutcome, EvalError> {
        let (because, reference) = match (r.leaf, r.value.is_some()) {
            (Some(leaf), true) => (leaf.because.as_ref().map(|t| self.fill(t)).transpose()?, leaf.reference.clone()),
            (None, true) if !r.leaves.is_empty() => {
                let mut texts = Vec::new();
                for leaf in &r.leaves {
                    if let Some(t) = &leaf.because {
                        texts.push(self.fill(t)?);
                    }
                }
                let refs: Vec<String> = r.leaves.iter().filter_map(|l| l.reference.clone()).collect();
                ((!texts.is_empty()).then(|| texts.join(" ")), (!refs.is_empty()).then(|| dedup(refs).join("; ")))
            }
            _ => (None, None),
        };
        let mut trace = Vec::with_capacity(r.steps.len());
        for s in &r.steps {
            trace.push(self.trace_step(s)?);
        }
        Ok(DecisionOutcome {
            name: d.title.clone(),
            status: if r.value.is_some() { DecisionStatus::Decided } else { DecisionStatus::Unknown },
            outcome: r.value.as_ref().map(Value::to_json).unwrap_or(serde_json::Value::Null),
            display: r.value.as_ref().map(Value::to_dutch),
            because,
            reference,
            needed: if r.value.is_some() { Vec::new() } else { needed_names(self.rs, &r.needs) },
            trace,
        })
    }

    fn trace_step(&mut self, s: &Step<'r>) -> Result<TraceStep, EvalError> {
        let mut values = BTreeMap::new();
        for read in s.reads {
            let key = match read.kind {
                ExprKind::Input(i) => (0, i),
                ExprKind::Let(i) => (1, i),
                ExprKind::Decision(i) => (2, i),
                _ => continue,
            };
            // The same values appear in many steps: write each out once per evaluation.
            let shown = match self.shown.get(&key) {
                Some(text) => text.clone(),
                None => {
                    let text = match self.expr(read)? {
                        Val::Known(v) => v.to_dutch(),
                        Val::Unknown(_) => "onbekend".into(),
                    };
                    self.shown.insert(key, text.clone());
                    text
                }
            };
            if let Some(name) = self.rs.name_of(read) {
                values.insert(name.to_string(), shown);
            }
        }
        Ok(TraceStep {
            line: self.rs.source.position(s.span.start).line,
            step: match &s.label {
                StepLabel::When(text) => format!("when {text}"),
                StepLabel::Otherwise => "otherwise".into(),
                StepLabel::Row(n) => format!("rule {n}"),
                StepLabel::PassedOver(n) => format!("{n} other rules do not apply"),
            },
            result: s.truth.name(),
            values,
        })
    }

    /// A `because` text with its placeholders filled in Dutch notation.
    fn fill(&mut self, t: &'r Template) -> Result<String, EvalError> {
        let mut out = String::new();
        for part in &t.parts {
            match part {
                TemplatePart::Text(s) => out.push_str(s),
                TemplatePart::Value(e) => match self.expr(e)? {
                    Val::Known(v) => out.push_str(&v.to_dutch()),
                    Val::Unknown(_) => out.push_str("(onbekend)"),
                },
            }
        }
        Ok(out)
    }

    fn check(&mut self, c: &'r Check) -> Result<CheckOutcome, EvalError> {
        let (truth, needs) = self.truth(&c.condition)?;
        let status = match truth {
            Truth::True => CheckStatus::Pass,
            Truth::False => CheckStatus::Fail,
            Truth::Unknown => CheckStatus::Unknown,
        };
        let (mut measured, mut limit) = (None, None);
        if let ExprKind::Binary(BinOp::Compare(op), l, r) = &c.condition.kind {
            if let (Val::Known(m), Val::Known(lim)) = (self.expr(l)?, self.expr(r)?) {
                measured = Some(m.to_dutch());
                limit = Some(format!("{} {}", op.symbol(), lim.to_dutch()));
            }
        }
        let geometry = match (&c.show, status) {
            (Some(show), CheckStatus::Fail) => match self.expr(show)? {
                Val::Known(Value::Geom(g)) => Some(spatial::to_geojson_in(&g, self.facts.crs())),
                _ => None,
            },
            _ => None,
        };
        Ok(CheckOutcome {
            name: c.name.clone(),
            status,
            measured,
            limit,
            // The text explains a failure; on a pass it would say the opposite of the status.
            because: match status {
                CheckStatus::Fail => c.because.as_ref().map(|t| self.fill(t)).transpose()?,
                _ => None,
            },
            reference: c.reference.clone(),
            geometry,
            needed: needed_names(self.rs, &needs),
        })
    }
}

/// Turn the possible ends of a decision into a result: definite when every possible end agrees.
fn settle<'r>(ends: Vec<End<'r>>, mut needs: Needs, steps: Vec<Step<'r>>) -> DecisionResult<'r> {
    let mut agreed: Option<(&'r Leaf, Value, u32)> = None;
    let mut definite = true;
    let mut all_known = true;
    let mut possible: Vec<Value> = Vec::new();
    for end in &ends {
        match end {
            End::NoMatch => {
                definite = false;
                all_known = false;
            }
            End::Leaf { value: Val::Unknown(n), .. } => {
                definite = false;
                all_known = false;
                needs.extend(n.iter().copied());
            }
            End::Leaf { leaf, value: Val::Known(v), unknown_conditions } => {
                if !possible.iter().any(|p| p.same(v)) {
                    possible.push(v.clone());
                }
                match &agreed {
                    None => agreed = Some((leaf, v.clone(), *unknown_conditions)),
                    Some((_, a, depth)) => {
                        if !a.same(v) {
                            definite = false;
                        } else if unknown_conditions < depth {
                            // Explain with the branch that depends least on unknown answers.
                            agreed = Some((leaf, v.clone(), *unknown_conditions));
                        }
                    }
                }
            }
        }
    }
    match agreed {
        Some((leaf, value, _)) if definite => DecisionResult {
            value: Some(value),
            possible: None,
            leaf: Some(leaf),
            leaves: Vec::new(),
            needs: Needs::new(),
            steps,
        },
        _ => DecisionResult {
            value: None,
            possible: all_known.then_some(possible),
            leaf: None,
            leaves: Vec::new(),
            needs,
            steps,
        },
    }
}

fn row_number(t: &Table, row: &Row) -> String {
    t.rows.iter().position(|r| std::ptr::eq(r, row)).map(|i| (i + 1).to_string()).unwrap_or_default()
}

fn dedup(items: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    items.into_iter().filter(|i| seen.insert(i.clone())).collect()
}

/// Tables up to this many rows trace every row; larger ones trace the rows that apply (or may)
/// and one step counting the others, so a 5,000-row table does not write 5,000 steps.
const TRACE_EVERY_ROW_UP_TO: usize = 16;

/// A compact cell against a known input; `None` when the general path must decide.
fn fast_match(cell: Option<&FastCell>, input: &Val) -> Option<Truth> {
    let truth = |b: bool| if b { Truth::True } else { Truth::False };
    match (cell?, input) {
        (FastCell::Any, _) => Some(Truth::True),
        (FastCell::Interval { low, low_closed, high, high_closed }, Val::Known(Value::Num(x, _))) => {
            let above = match compare_numbers(*x, *low) {
                std::cmp::Ordering::Greater => true,
                std::cmp::Ordering::Equal => *low_closed,
                std::cmp::Ordering::Less => false,
            };
            let below = match compare_numbers(*x, *high) {
                std::cmp::Ordering::Less => true,
                std::cmp::Ordering::Equal => *high_closed,
                std::cmp::Ordering::Greater => false,
            };
            Some(truth(above && below))
        }
        (FastCell::Texts(options), Val::Known(Value::Text(t))) => Some(truth(options.iter().any(|o| o == t))),
        (FastCell::Bool(b), Val::Known(Value::Bool(x))) => Some(truth(b == x)),
        _ => None,
    }
}

fn and3(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::False, _) | (_, Truth::False) => Truth::False,
        (Truth::True, Truth::True) => Truth::True,
        _ => Truth::Unknown,
    }
}

fn or3(a: Truth, b: Truth) -> Truth {
    match (a, b) {
        (Truth::True, _) | (_, Truth::True) => Truth::True,
        (Truth::False, Truth::False) => Truth::False,
        _ => Truth::Unknown,
    }
}

/// PRIORITY / OUTPUT ORDER: the most restrictive conclusion first; larger numbers first.
fn priority_cmp(a: &Val, b: &Val) -> std::cmp::Ordering {
    match (a, b) {
        (Val::Known(x), Val::Known(y)) => priority_cmp_values(x, y),
        (Val::Known(_), Val::Unknown(_)) => std::cmp::Ordering::Less,
        (Val::Unknown(_), Val::Known(_)) => std::cmp::Ordering::Greater,
        _ => std::cmp::Ordering::Equal,
    }
}

fn priority_cmp_values(a: &Value, b: &Value) -> std::cmp::Ordering {
    match (a, b) {
        (Value::Conclusion(x), Value::Conclusion(y)) => x.severity_rank().cmp(&y.severity_rank()),
        (Value::Num(x, _), Value::Num(y, _)) => compare_numbers(*y, *x),
        _ => std::cmp::Ordering::Equal,
    }
}

fn compare(op: CompareOp, a: &Value, b: &Value) -> Option<bool> {
    if let (Value::Num(x, _), Value::Num(y, _)) = (a, b) {
        let ord = compare_numbers(*x, *y);
        return Some(match op {
            CompareOp::Eq => ord.is_eq(),
            CompareOp::Ne => ord.is_ne(),
            CompareOp::Lt => ord.is_lt(),
            CompareOp::Le => ord.is_le(),
            CompareOp::Gt => ord.is_gt(),
            CompareOp::Ge => ord.is_ge(),
        });
    }
    match op {
        CompareOp::Eq => Some(a.same(b)),
        CompareOp::Ne => Some(!a.same(b)),
        _ => None,
    }
}

fn binary(op: BinOp, a: &Value, b: &Value, e: &Expr) -> Result<Value, EvalError> {
    let checked = |n: f64, dim: Dim| {
        if n.is_finite() {
            Ok(Value::Num(n, dim))
        } else {
            Err(EvalError::new("R001", e.span, "the result is not a finite number"))
        }
    };
    match (op, a, b) {
        (BinOp::Add, Value::Num(x, d), Value::Num(y, d2)) => checked(x + y, d.plus(*d2)),
        (BinOp::Sub, Value::Num(x, d), Value::Num(y, d2)) => checked(x - y, d.plus(*d2)),
        (BinOp::Mul, Value::Num(x, d), Value::Num(y, d2)) => checked(x * y, d.times(*d2)),
        (BinOp::Div, Value::Num(x, d), Value::Num(y, d2)) => {
            if *y == 0.0 {
                return Err(EvalError::new("R001", e.span, "division by zero")
                    .with_help("guard the division, e.g. `if x > 0 m2 then a / x else 0`"));
            }
            checked(x / y, d.per(*d2))
        }
        (BinOp::Compare(c), a, b) => compare(c, a, b)
            .map(Value::Bool)
            .ok_or_else(|| EvalError::new("R001", e.span, "these values cannot be ordered")),
        (BinOp::Spatial(s), Value::Geom(x), Value::Geom(y)) => Ok(Value::Bool(match s {
            SpatialOp::Within => spatial::within(x, y),
            SpatialOp::Contains => spatial::contains(x, y),
            SpatialOp::Overlaps => spatial::overlaps(x, y),
            SpatialOp::Intersects => spatial::intersects(x, y),
        })),
        _ => Err(EvalError::new(
            "R001",
            e.span,
            format!("`{}` cannot combine {} and {}", op.symbol(), a.to_dutch(), b.to_dutch()),
        )),
    }
}

//! Evaluating FEEL: scopes, operators, calls, unary tests and types.
//!
//! Following FEEL, an operation on values it does not apply to gives `null`, never a panic. Calls
//! nest at most [`MAX_CALLS`] deep (recursive functions), so evaluation stays within the stack.

use std::cell::Cell;
use std::rc::Rc;

use chrono::{Datelike, NaiveDate, Timelike};
use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use super::builtins;
use super::syntax::{Args, Ast, BinOp, Check, CmpOp, FunctionDef, Iteration, Tests, Type};
use super::value::{equal, order, DateTime, Range, RangeTest, Time, Value, Zone};

/// How deeply function calls may nest.
pub const MAX_CALLS: usize = 64;

/// Resolves the names of types a model defines (item definitions).
pub type TypeResolver = dyn Fn(&str) -> Option<Type>;

/// Variables visible to an expression: a frame of bindings on top of its parent.
#[derive(Default)]
pub struct Scope {
    vars: Vec<(String, Value)>,
    parent: Option<Rc<Scope>>,
    types: Option<Rc<TypeResolver>>,
}

impl Scope {
    pub fn root(vars: Vec<(String, Value)>) -> Rc<Scope> {
        Rc::new(Scope { vars, parent: None, types: None })
    }

    /// A root scope whose model defines types (for `instance of` and typed parameters).
    pub fn root_with_types(vars: Vec<(String, Value)>, types: Rc<TypeResolver>) -> Rc<Scope> {
        Rc::new(Scope { vars, parent: None, types: Some(types) })
    }

    pub fn child(parent: &Rc<Scope>, vars: Vec<(String, Value)>) -> Rc<Scope> {
        Rc::new(Scope { vars, parent: Some(parent.clone()), types: None })
    }

    /// A type the model defines, by name.
    pub fn resolve_type(&self, name: &str) -> Option<Type> {
        let mut s = self;
        loop {
            if let Some(t) = &s.types {
                return t(name);
            }
            s = s.parent.as_deref()?;
        }
    }

    pub fn lookup(&self, name: &str) -> Option<&Value> {
        let mut s = self;
        loop {
            if let Some((_, v)) = s.vars.iter().rev().find(|(n, _)| n == name) {
                return Some(v);
            }
            s = s.parent.as_deref()?;
        }
    }
}

/// The body of a function the model provides.
pub type NativeCall = Box<dyn Fn(&[Value]) -> Value>;

/// A function value.
pub enum Function {
    /// A built-in, by name (`sort`, passed to another function).
    Builtin(&'static str),
    /// `function(a, b) a + b`, with the scope it was defined in and, for a context entry, the
    /// entry's name (so the function can call itself).
    User { def: Rc<FunctionDef>, scope: Rc<Scope>, name: Option<String> },
    /// A function the model provides (business knowledge model, decision service).
    Native { params: Vec<(String, Option<Type>)>, call: NativeCall },
}

impl std::fmt::Debug for Function {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Function::Builtin(n) => write!(f, "builtin {n}"),
            Function::User { def, .. } => write!(f, "function({:?})", def.params),
            Function::Native { params, .. } => write!(f, "native({params:?})"),
        }
    }
}

impl Function {
    fn param_names(&self) -> Option<Vec<String>> {
        match self {
            Function::Builtin(n) => builtins::param_names(n).map(|p| p.iter().map(|s| s.to_string()).collect()),
            Function::User { def, .. } => Some(def.params.iter().map(|(n, _)| n.clone()).collect()),
            Function::Native { params, .. } => Some(params.iter().map(|(n, _)| n.clone()).collect()),
        }
    }
}

thread_local! {
    static CALL_DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Call a function value with positional arguments.
pub fn call(f: &Rc<Function>, args: Vec<Value>) -> Value {
    let depth = CALL_DEPTH.with(|d| d.get());
    if depth >= MAX_CALLS {
        return Value::Null;
    }
    CALL_DEPTH.with(|d| d.set(depth + 1));
    let r = match &**f {
        Function::Builtin(name) => builtins::call(name, args),
        Function::User { def, scope, name } => {
            if def.external {
                builtins::external(&def.body, scope, args)
            } else if args.len() != def.params.len() {
                Value::Null
            } else {
                let mut vars = Vec::new();
                let mut ok = true;
                for ((name, ty), v) in def.params.iter().zip(args) {
                    let v = match ty {
                        Some(t) => match coerce(v, t, &|n| scope.resolve_type(n)) {
                            Some(v) => v,
                            None => {
                                ok = false;
                                Value::Null
                            }
                        },
                        None => v,
                    };
                    vars.push((name.clone(), v));
                }
                if let Some(n) = name {
                    vars.insert(0, (n.clone(), Value::Function(f.clone())));
                }
                if ok {
                    evaluate(&def.body, &Scope::child(scope, vars))
                } else {
                    Value::Null
                }
            }
        }
        Function::Native { call, .. } => call(&args),
    };
    CALL_DEPTH.with(|d| d.set(depth));
    r
}

/// Evaluate an expression in a scope.
pub fn evaluate(e: &Ast, scope: &Rc<Scope>) -> Value {
    match e {
        Ast::Literal(v) => v.clone(),
        Ast::Name(n) => match scope.lookup(n) {
            Some(v) => v.clone(),
            None if builtins::is_builtin(n) => Value::Function(Rc::new(Function::Builtin(builtins::canonical(n)))),
            // `Person.Gender` read as one name (a parameter elsewhere is called so) is a path here.
            None => match n.split_once('.') {
                Some((head, field)) => match scope.lookup(head.trim()) {
                    Some(v) => path(v, field.trim()),
                    None => Value::Null,
                },
                None => Value::Null,
            },
        },
        Ast::InputValue => scope.lookup("?").cloned().unwrap_or(Value::Null),
        Ast::List(items) => Value::List(items.iter().map(|i| evaluate(i, scope)).collect()),
        Ast::Context(entries) => {
            let mut frame = Scope::child(scope, Vec::new());
            let mut out: Vec<(String, Value)> = Vec::new();
            for (k, e) in entries {
                let v = match e {
                    Ast::Function(def) => Value::Function(Rc::new(Function::User {
                        def: def.clone(),
                        scope: frame.clone(),
                        name: Some(k.clone()),
                    })),
                    e => evaluate(e, &frame),
                };
                out.push((k.clone(), v));
                frame = Scope::child(scope, out.clone());
            }
            Value::Context(out)
        }
        Ast::Range { low, low_closed, high, high_closed } => {
            let low = low.as_ref().map(|e| evaluate(e, scope));
            let high = high.as_ref().map(|e| evaluate(e, scope));
            range(low, *low_closed, high, *high_closed)
        }
        Ast::EqualRange(x) | Ast::NotEqualRange(x) => {
            let v = evaluate(x, scope);
            match range(Some(v.clone()), true, Some(v), true) {
                Value::Range(mut r) => {
                    r.test = if matches!(e, Ast::EqualRange(_)) { RangeTest::Equal } else { RangeTest::NotEqual };
                    Value::Range(r)
                }
                other => other,
            }
        }
        Ast::Neg(inner) => match evaluate(inner, scope) {
            Value::Number(n) => Value::Number(-n),
            Value::YmDuration(m) => Value::YmDuration(-m),
            Value::DtDuration(s) => Value::DtDuration(-s),
            _ => Value::Null,
        },
        Ast::Binary(BinOp::And, a, b) => {
            let a = evaluate(a, scope);
            if matches!(a, Value::Bool(false)) {
                return Value::Bool(false);
            }
            match (a, evaluate(b, scope)) {
                (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        Ast::Binary(BinOp::Or, a, b) => {
            let a = evaluate(a, scope);
            if matches!(a, Value::Bool(true)) {
                return Value::Bool(true);
            }
            match (a, evaluate(b, scope)) {
                (_, Value::Bool(true)) => Value::Bool(true),
                (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        Ast::Binary(BinOp::Cmp(op), a, b) => compare(*op, &evaluate(a, scope), &evaluate(b, scope)),
        Ast::Binary(op, a, b) => arithmetic(*op, &evaluate(a, scope), &evaluate(b, scope)),
        Ast::If(c, t, f) => match evaluate(c, scope) {
            Value::Bool(true) => evaluate(t, scope),
            _ => evaluate(f, scope),
        },
        Ast::Between(x, lo, hi) => {
            let x = evaluate(x, scope);
            let a = compare(CmpOp::Ge, &x, &evaluate(lo, scope));
            let b = compare(CmpOp::Le, &x, &evaluate(hi, scope));
            match (a, b) {
                (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        Ast::In(x, tests) => {
            let x = evaluate(x, scope);
            let mut unknown = false;
            for t in tests {
                match check(t, &x, scope) {
                    Some(true) => return Value::Bool(true),
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            if unknown {
                Value::Null
            } else {
                Value::Bool(false)
            }
        }
        Ast::InstanceOf(x, t) => Value::Bool(instance_of(&evaluate(x, scope), t, &|n| scope.resolve_type(n))),
        Ast::Call(f, args) => call_expr(f, args, scope),
        Ast::Path(x, field) => path(&evaluate(x, scope), field),
        Ast::Filter(list, cond) => filter(evaluate(list, scope), cond, scope),
        Ast::For(its, body) => {
            let mut out = Vec::new();
            if !iterate(its, scope, &mut |s| {
                let s = Scope::child(s, vec![("partial".into(), Value::List(out.clone()))]);
                out.push(evaluate(body, &s));
                true
            }) {
                return Value::Null;
            }
            Value::List(out)
        }
        Ast::Quantified(every, its, body) => {
            let mut result = *every;
            let ok = iterate(its, scope, &mut |s| {
                let hit = matches!(evaluate(body, s), Value::Bool(true));
                if hit != *every {
                    result = !*every;
                    return false;
                }
                true
            });
            if !ok && result == *every {
                return Value::Null;
            }
            Value::Bool(result)
        }
        Ast::Function(def) => {
            Value::Function(Rc::new(Function::User { def: def.clone(), scope: scope.clone(), name: None }))
        }
    }
}

/// Run `f` for each combination of the iteration variables; `false` if an iteration domain is
/// not a list or a range of integers (or `f` stopped it).
fn iterate(its: &[Iteration], scope: &Rc<Scope>, f: &mut dyn FnMut(&Rc<Scope>) -> bool) -> bool {
    let Some((first, rest)) = its.split_first() else { return f(scope) };
    let items: Vec<Value> = match &first.to {
        Some(to) => {
            let (a, b) = match (evaluate(&first.over, scope), evaluate(to, scope)) {
                (Value::Number(a), Value::Number(b)) => (a, b),
                (Value::Date(a), Value::Date(b)) => {
                    let days = (b - a).num_days();
                    if days.abs() > 1_000_000 {
                        return false;
                    }
                    let step = if days >= 0 { 1 } else { -1 };
                    let items: Vec<Value> = (0..=days.abs())
                        .filter_map(|k| a.checked_add_signed(chrono::TimeDelta::days(k * step)).map(Value::Date))
                        .collect();
                    return items.into_iter().all(|item| {
                        let s = Scope::child(scope, vec![(first.name.clone(), item)]);
                        iterate(rest, &s, f)
                    });
                }
                _ => return false,
            };
            let (Some(a), Some(b)) = (a.to_i64(), b.to_i64()) else { return false };
            if (a - b).abs() > 1_000_000 {
                return false;
            }
            if a <= b {
                (a..=b).map(Value::number).collect()
            } else {
                (b..=a).rev().map(Value::number).collect()
            }
        }
        None => match evaluate(&first.over, scope) {
            Value::List(items) => items,
            Value::Range(r) => match range_integers(&r) {
                Some(items) => items,
                None => return false,
            },
            Value::Null => return false,
            other => vec![other],
        },
    };
    for item in items {
        let s = Scope::child(scope, vec![(first.name.clone(), item)]);
        if !iterate(rest, &s, f) {
            return false;
        }
    }
    true
}

fn range_integers(r: &Range) -> Option<Vec<Value>> {
    if r.test == RangeTest::NotEqual {
        return None;
    }
    let (Some(Value::Number(a)), Some(Value::Number(b))) = (&r.low, &r.high) else { return None };
    let mut a = a.to_i64()?;
    let mut b = b.to_i64()?;
    if a > b {
        return None;
    }
    if !r.low_closed {
        a += 1;
    }
    if !r.high_closed {
        b -= 1;
    }
    if (b - a).abs() > 1_000_000 {
        return None;
    }
    Some((a..=b).map(Value::number).collect())
}

fn call_expr(f: &Ast, args: &Args, scope: &Rc<Scope>) -> Value {
    let fv = evaluate(f, scope);
    let Value::Function(func) = fv else { return Value::Null };
    match args {
        Args::Positional(a) => {
            let values = a.iter().map(|e| evaluate(e, scope)).collect();
            call(&func, values)
        }
        Args::Named(named) => {
            let Some(params) = func.param_names() else { return Value::Null };
            if let Function::Builtin(name) = &*func {
                let mut values = Vec::new();
                for (n, e) in named {
                    values.push((n.clone(), evaluate(e, scope)));
                }
                return builtins::call_named(name, values);
            }
            let mut values = vec![Value::Null; params.len()];
            for (n, e) in named {
                let Some(i) = params.iter().position(|p| p == n) else { return Value::Null };
                values[i] = evaluate(e, scope);
            }
            call(&func, values)
        }
    }
}

/// `value.field`: a context entry, a property of a date, time, duration or range, or the field of
/// each item of a list.
pub fn path(v: &Value, field: &str) -> Value {
    match v {
        Value::Context(_) => v.get(field).cloned().unwrap_or(Value::Null),
        Value::List(items) => Value::List(items.iter().map(|i| path(i, field)).collect()),
        Value::Date(d) => date_property(d, field).unwrap_or(Value::Null),
        Value::DateTime(dt) => match field {
            "hour" => Value::number(dt.dt.hour().into()),
            "minute" => Value::number(dt.dt.minute().into()),
            "second" => Value::number(dt.dt.second().into()),
            "time offset" => offset_value(&dt.zone, &dt.dt),
            "timezone" => zone_name(&dt.zone),
            _ => date_property(&dt.dt.date(), field).unwrap_or(Value::Null),
        },
        Value::Time(t) => match field {
            "hour" => Value::number(t.time.hour().into()),
            "minute" => Value::number(t.time.minute().into()),
            "second" => Value::number(t.time.second().into()),
            "time offset" => match NaiveDate::from_ymd_opt(1970, 1, 1) {
                Some(d) => offset_value(&t.zone, &d.and_time(t.time)),
                None => Value::Null,
            },
            "timezone" => zone_name(&t.zone),
            _ => Value::Null,
        },
        Value::YmDuration(m) => match field {
            "years" => Value::number(m / 12),
            "months" => Value::number(m % 12),
            _ => Value::Null,
        },
        Value::DtDuration(s) => {
            let whole = s.trunc().to_i64().unwrap_or(0);
            match field {
                "days" => Value::number(whole / 86400),
                "hours" => Value::number(whole % 86400 / 3600),
                "minutes" => Value::number(whole % 3600 / 60),
                "seconds" => Value::number(whole % 60),
                _ => Value::Null,
            }
        }
        Value::Range(r) => match field {
            "start" => r.low.clone().unwrap_or(Value::Null),
            "end" => r.high.clone().unwrap_or(Value::Null),
            "start included" => Value::Bool(r.low_closed),
            "end included" => Value::Bool(r.high_closed),
            _ => Value::Null,
        },
        _ => Value::Null,
    }
}

fn date_property(d: &NaiveDate, field: &str) -> Option<Value> {
    Some(match field {
        "year" => Value::number(d.year().into()),
        "month" => Value::number(d.month().into()),
        "day" => Value::number(d.day().into()),
        "weekday" => Value::number(d.weekday().number_from_monday().into()),
        _ => return None,
    })
}

fn offset_value(zone: &Option<Zone>, at: &chrono::NaiveDateTime) -> Value {
    match zone.as_ref().and_then(|z| z.offset_at(at)) {
        Some(s) => Value::DtDuration(Decimal::from(s)),
        None => Value::Null,
    }
}

fn zone_name(zone: &Option<Zone>) -> Value {
    match zone {
        Some(Zone::Named(n)) => Value::String(n.clone()),
        _ => Value::Null,
    }
}

/// A range value from its ends, or `null` when the ends are of no ordered kind, of two kinds, or
/// run backwards (`[3..1]`).
fn range(low: Option<Value>, low_closed: bool, high: Option<Value>, high_closed: bool) -> Value {
    // Both ends must be of one ordered kind.
    if let (Some(l), Some(h)) = (&low, &high) {
        if !l.is_null() && !h.is_null() && order(l, h).is_none() {
            return Value::Null;
        }
    }
    for end in [&low, &high].into_iter().flatten() {
        if !matches!(
            end,
            Value::Number(_)
                | Value::String(_)
                | Value::Date(_)
                | Value::Time(_)
                | Value::DateTime(_)
                | Value::YmDuration(_)
                | Value::DtDuration(_)
                | Value::Null
        ) {
            return Value::Null;
        }
    }
    // A range must not run backwards (`[3..1]`).
    if let (Some(l), Some(h)) = (&low, &high) {
        if order(l, h) == Some(std::cmp::Ordering::Greater) {
            return Value::Null;
        }
    }
    Value::Range(Box::new(Range { low, low_closed, high, high_closed, test: RangeTest::Interval }))
}

fn filter(list: Value, cond: &Ast, scope: &Rc<Scope>) -> Value {
    let items = match list {
        Value::List(items) => items,
        Value::Null => return Value::Null,
        other => vec![other],
    };
    // A number selects by position (1-based, negative from the end), unless it uses `item`.
    let probe = evaluate(cond, &Scope::child(scope, item_vars(items.first().unwrap_or(&Value::Null))));
    if let Value::Number(n) = probe {
        let Some(i) = n.to_i64().filter(|_| n.fract().is_zero()) else { return Value::Null };
        let len = items.len() as i64;
        let idx = if i > 0 { i - 1 } else { len + i };
        if i == 0 || idx < 0 || idx >= len {
            return Value::Null;
        }
        return items[idx as usize].clone();
    }
    let mut out = Vec::new();
    for item in items {
        let s = Scope::child(scope, item_vars(&item));
        if matches!(evaluate(cond, &s), Value::Bool(true)) {
            out.push(item);
        }
    }
    Value::List(out)
}

fn item_vars(item: &Value) -> Vec<(String, Value)> {
    let mut vars = vec![("item".to_string(), item.clone())];
    if let Value::Context(entries) = item {
        vars.extend(entries.iter().cloned());
    }
    vars
}

// ---------------------------------------------------------------- operators

pub fn compare(op: CmpOp, a: &Value, b: &Value) -> Value {
    match op {
        CmpOp::Eq => equal(a, b).map(Value::Bool).unwrap_or(Value::Null),
        CmpOp::Ne => equal(a, b).map(|x| Value::Bool(!x)).unwrap_or(Value::Null),
        _ => match order(a, b) {
            Some(o) => Value::Bool(match op {
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                CmpOp::Ge => o.is_ge(),
                CmpOp::Eq | CmpOp::Ne => false,
            }),
            None => Value::Null,
        },
    }
}

fn delta(seconds: Decimal) -> Option<chrono::TimeDelta> {
    let whole = seconds.trunc().to_i64()?;
    let nanos = ((seconds - seconds.trunc()) * Decimal::from(1_000_000_000)).to_i64()?;
    chrono::TimeDelta::try_seconds(whole)?.checked_add(&chrono::TimeDelta::nanoseconds(nanos))
}

fn delta_seconds(d: chrono::TimeDelta) -> Decimal {
    Decimal::from(d.num_seconds()) + Decimal::new(i64::from(d.subsec_nanos()), 9)
}

pub fn add_months(d: NaiveDate, months: i64) -> Option<NaiveDate> {
    let total = i64::from(d.year()) * 12 + i64::from(d.month0()) + months;
    let year = i32::try_from(total.div_euclid(12)).ok()?;
    let month = (total.rem_euclid(12) + 1) as u32;
    let mut day = d.day();
    loop {
        if let Some(r) = NaiveDate::from_ymd_opt(year, month, day) {
            return Some(r);
        }
        if day <= 28 {
            return None;
        }
        day -= 1;
    }
}

fn add_to_date_time(dt: &DateTime, v: &Value, sign: i64) -> Option<Value> {
    let moved = match v {
        Value::YmDuration(m) => {
            let d = add_months(dt.dt.date(), m * sign)?;
            d.and_time(dt.dt.time())
        }
        Value::DtDuration(s) => dt.dt.checked_add_signed(delta(*s * Decimal::from(sign))?)?,
        _ => return None,
    };
    Some(Value::DateTime(DateTime { dt: moved, zone: dt.zone.clone() }))
}

fn arithmetic(op: BinOp, a: &Value, b: &Value) -> Value {
    arith(op, a, b).unwrap_or(Value::Null)
}

fn arith(op: BinOp, a: &Value, b: &Value) -> Option<Value> {
    use Value::*;
    Some(match (op, a, b) {
        (BinOp::Add, Number(x), Number(y)) => Number(x.checked_add(*y)?),
        (BinOp::Sub, Number(x), Number(y)) => Number(x.checked_sub(*y)?),
        (BinOp::Mul, Number(x), Number(y)) => Number(x.checked_mul(*y)?),
        (BinOp::Div, Number(x), Number(y)) => Number(x.checked_div(*y)?),
        (BinOp::Pow, Number(x), Number(y)) => Number(power(*x, *y)?),
        (BinOp::Add, String(x), String(y)) => String(format!("{x}{y}")),
        // Durations.
        (BinOp::Add, YmDuration(x), YmDuration(y)) => YmDuration(x.checked_add(*y)?),
        (BinOp::Sub, YmDuration(x), YmDuration(y)) => YmDuration(x.checked_sub(*y)?),
        (BinOp::Add, DtDuration(x), DtDuration(y)) => DtDuration(x.checked_add(*y)?),
        (BinOp::Sub, DtDuration(x), DtDuration(y)) => DtDuration(x.checked_sub(*y)?),
        (BinOp::Mul, YmDuration(m), Number(n)) | (BinOp::Mul, Number(n), YmDuration(m)) => {
            YmDuration((Decimal::from(*m) * n).trunc().to_i64()?)
        }
        (BinOp::Div, YmDuration(m), Number(n)) => YmDuration((Decimal::from(*m).checked_div(*n)?).trunc().to_i64()?),
        (BinOp::Div, YmDuration(x), YmDuration(y)) => Number(Decimal::from(*x).checked_div(Decimal::from(*y))?),
        (BinOp::Mul, DtDuration(s), Number(n)) | (BinOp::Mul, Number(n), DtDuration(s)) => {
            DtDuration(s.checked_mul(*n)?)
        }
        (BinOp::Div, DtDuration(s), Number(n)) => DtDuration(s.checked_div(*n)?),
        (BinOp::Div, DtDuration(x), DtDuration(y)) => Number(x.checked_div(*y)?),
        // Dates.
        (BinOp::Add, Date(d), YmDuration(m)) | (BinOp::Add, YmDuration(m), Date(d)) => Date(add_months(*d, *m)?),
        (BinOp::Sub, Date(d), YmDuration(m)) => Date(add_months(*d, -m)?),
        (BinOp::Add, Date(d), DtDuration(s)) | (BinOp::Add, DtDuration(s), Date(d)) => {
            Date(d.and_time(chrono::NaiveTime::MIN).checked_add_signed(delta(*s)?)?.date())
        }
        (BinOp::Sub, Date(d), DtDuration(s)) => {
            Date(d.and_time(chrono::NaiveTime::MIN).checked_sub_signed(delta(*s)?)?.date())
        }
        (BinOp::Sub, Date(x), Date(y)) => DtDuration(delta_seconds(x.signed_duration_since(*y))),
        // A date against a date-time is midnight UTC.
        (BinOp::Sub, Date(x), DateTime(_)) => {
            let x = super::value::DateTime { dt: x.and_time(chrono::NaiveTime::MIN), zone: Some(Zone::Offset(0)) };
            return arith(op, &DateTime(x), b);
        }
        (BinOp::Sub, DateTime(_), Date(y)) => {
            let y = super::value::DateTime { dt: y.and_time(chrono::NaiveTime::MIN), zone: Some(Zone::Offset(0)) };
            return arith(op, a, &DateTime(y));
        }
        // Date-times.
        (BinOp::Add, DateTime(dt), d @ (YmDuration(_) | DtDuration(_)))
        | (BinOp::Add, d @ (YmDuration(_) | DtDuration(_)), DateTime(dt)) => add_to_date_time(dt, d, 1)?,
        (BinOp::Sub, DateTime(dt), d @ (YmDuration(_) | DtDuration(_))) => add_to_date_time(dt, d, -1)?,
        (BinOp::Sub, DateTime(x), DateTime(y)) => match (&x.zone, &y.zone) {
            (None, None) => DtDuration(delta_seconds(x.dt.signed_duration_since(y.dt))),
            (Some(_), Some(_)) => DtDuration(x.seconds()? - y.seconds()?),
            _ => return None,
        },
        // Times.
        (BinOp::Add, Time(t), DtDuration(s)) | (BinOp::Add, DtDuration(s), Time(t)) => {
            let (moved, _) = t.time.overflowing_add_signed(delta(*s)?);
            Time(super::value::Time { time: moved, zone: t.zone.clone() })
        }
        (BinOp::Sub, Time(t), DtDuration(s)) => {
            let (moved, _) = t.time.overflowing_sub_signed(delta(*s)?);
            Time(super::value::Time { time: moved, zone: t.zone.clone() })
        }
        (BinOp::Sub, Time(x), Time(y)) => match (&x.zone, &y.zone) {
            (None, None) => DtDuration(delta_seconds(x.time.signed_duration_since(y.time))),
            (Some(_), Some(_)) => DtDuration(x.seconds()? - y.seconds()?),
            _ => return None,
        },
        _ => return None,
    })
}

fn power(base: Decimal, exp: Decimal) -> Option<Decimal> {
    if exp.fract().is_zero() {
        let e = exp.to_i64()?;
        if e.abs() > 1000 {
            return None;
        }
        let mut r = Decimal::ONE;
        for _ in 0..e.abs() {
            r = r.checked_mul(base)?;
        }
        return if e < 0 { Decimal::ONE.checked_div(r) } else { Some(r) };
    }
    base.checked_powd(exp)
}

// ---------------------------------------------------------------- unary tests

/// Does `input` pass a cell's unary tests? (`null` input only matches `-`, `null` or a test on `?`.)
pub fn matches(tests: &Tests, input: &Value, scope: &Rc<Scope>) -> bool {
    match tests {
        Tests::Any => true,
        Tests::Some(list) => list.iter().any(|t| check(t, input, scope) == Some(true)),
        Tests::Not(list) => {
            let mut unknown = false;
            for t in list {
                match check(t, input, scope) {
                    Some(true) => return false,
                    None => unknown = true,
                    Some(false) => {}
                }
            }
            !unknown
        }
    }
}

/// Whether `input` is in a range; `None` when the ends cannot be compared with it.
pub fn in_range(input: &Value, r: &Range) -> Option<bool> {
    if r.test == RangeTest::NotEqual {
        return equal(input, r.low.as_ref()?).map(|b| !b);
    }
    let lo = match &r.low {
        None => true,
        Some(l) => match compare(if r.low_closed { CmpOp::Ge } else { CmpOp::Gt }, input, l) {
            Value::Bool(b) => b,
            _ => return None,
        },
    };
    let hi = match &r.high {
        None => true,
        Some(h) => match compare(if r.high_closed { CmpOp::Le } else { CmpOp::Lt }, input, h) {
            Value::Bool(b) => b,
            _ => return None,
        },
    };
    Some(lo && hi)
}

/// One positive unary test on `input`; `None` when it cannot be decided.
pub fn check(t: &Check, input: &Value, scope: &Rc<Scope>) -> Option<bool> {
    let scope = Scope::child(scope, vec![("?".into(), input.clone())]);
    match t {
        Check::Compare(op, e) => match compare(*op, input, &evaluate(e, &scope)) {
            Value::Bool(b) => Some(b),
            _ => None,
        },
        Check::Expr(e) => {
            let v = evaluate(e, &scope);
            if let Value::Bool(b) = v {
                if e.uses_input_value() || !matches!(input, Value::Bool(_)) {
                    return Some(b);
                }
            }
            if equal(input, &v) == Some(true) {
                return Some(true);
            }
            match &v {
                // A list holds the input as an item, or as a point of a range item.
                Value::List(items) => Some(items.iter().any(|i| match i {
                    Value::Range(r) if !matches!(input, Value::Range(_)) => in_range(input, r) == Some(true),
                    i => equal(input, i) == Some(true),
                })),
                Value::Range(r) => in_range(input, r),
                Value::Null => Some(input.is_null()),
                _ => equal(input, &v),
            }
        }
    }
}

// ---------------------------------------------------------------- types

/// Does a value belong to a type? `named` resolves types defined in the model.
pub fn instance_of(v: &Value, t: &Type, named: &dyn Fn(&str) -> Option<Type>) -> bool {
    of_type(v, t, named, false)
}

/// Does a value conform to a declared type, where `null` stands in for any value?
pub fn conforms(v: &Value, t: &Type, named: &dyn Fn(&str) -> Option<Type>) -> bool {
    of_type(v, t, named, true)
}

fn of_type(v: &Value, t: &Type, named: &dyn Fn(&str) -> Option<Type>, null_ok: bool) -> bool {
    let instance_of = |v: &Value, t: &Type, named: &dyn Fn(&str) -> Option<Type>| of_type(v, t, named, null_ok);
    match (t, v) {
        (_, Value::Null) if null_ok => true,
        (Type::Any, Value::Null) => false,
        (Type::Any, _) => true,
        (Type::Null, Value::Null) => true,
        (_, Value::Null) => false,
        (Type::Number, Value::Number(_))
        | (Type::String, Value::String(_))
        | (Type::Bool, Value::Bool(_))
        | (Type::Date, Value::Date(_))
        | (Type::Time, Value::Time(_))
        | (Type::DateTime, Value::DateTime(_))
        | (Type::DtDuration, Value::DtDuration(_))
        | (Type::YmDuration, Value::YmDuration(_)) => true,
        // Inside a list or context, `null` (of the Null type, which conforms to every type) fits
        // any item or entry type: `{a: null} instance of context<a: string>`.
        (Type::List(item), Value::List(items)) => items.iter().all(|i| of_type(i, item, named, true)),
        (Type::Context(fields), Value::Context(_)) => {
            fields.iter().all(|(k, ft)| v.get(k).is_some_and(|fv| of_type(fv, ft, named, true)))
        }
        (Type::Range(item), Value::Range(r)) => {
            [&r.low, &r.high].into_iter().flatten().all(|e| instance_of(e, item, named))
        }
        (Type::Function(params, _), Value::Function(f)) => match &**f {
            Function::User { def, .. } => {
                def.params.len() == params.len()
                    && def.params.iter().zip(params).all(|((_, pt), want)| match pt {
                        Some(pt) => type_conforms(want, pt),
                        None => true,
                    })
            }
            _ => true,
        },
        (Type::Named(n), v) => match named(n) {
            Some(t) => instance_of(v, &t, named),
            None => false,
        },
        _ => false,
    }
}

/// Is every value of `sub` also of `sup`?
fn type_conforms(sub: &Type, sup: &Type) -> bool {
    match (sub, sup) {
        (_, Type::Any) => true,
        (Type::List(a), Type::List(b)) | (Type::Range(a), Type::Range(b)) => type_conforms(a, b),
        (a, b) => a == b,
    }
}

/// A value converted to a declared type: singleton lists and their item convert into each
/// other; `None` when the value does not conform.
pub fn coerce(v: Value, t: &Type, named: &dyn Fn(&str) -> Option<Type>) -> Option<Value> {
    let instance_of = conforms;
    if instance_of(&v, t, named) {
        return Some(v);
    }
    match (t, v) {
        (Type::List(item), v) if !matches!(v, Value::List(_)) && instance_of(&v, item, named) => {
            Some(Value::List(vec![v]))
        }
        (t, Value::List(mut items)) if items.len() == 1 && !matches!(t, Type::List(_)) => {
            let one = items.pop()?;
            instance_of(&one, t, named).then_some(one)
        }
        _ => None,
    }
}

/// A date-time from a date (at midnight, no zone).
pub fn date_to_date_time(d: NaiveDate) -> DateTime {
    DateTime { dt: d.and_time(chrono::NaiveTime::MIN), zone: None }
}

/// A time of a date-time.
pub fn time_of(dt: &DateTime) -> Time {
    Time { time: dt.dt.time(), zone: dt.zone.clone() }
}

//! The FEEL subset the STTR import translates, as a simpler tree ([`Expr`]): read with the full
//! parser and lowered, evaluated by lifting it back. Constructs outside the subset (`for`,
//! functions, `instance of`, dates) are refused with a located error, as the import reports them.

use std::collections::BTreeSet;

use rust_decimal::Decimal;

use super::eval::{self, Scope};
use super::syntax::{self, Args, Ast, BinOp, Check, CmpOp, Names, Tests};
use super::value::{self, Value};
use super::FeelError;

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Number(Decimal),
    String(String),
    /// A variable (input, decision, parameter, context entry).
    Name(String),
    /// `?`: the value a unary test is applied to.
    InputValue,
    List(Vec<Expr>),
    Context(Vec<(String, Expr)>),
    Range(Box<Range>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Test>),
    /// A call of a built-in or a business knowledge model by name.
    Call(String, Vec<Expr>),
    Path(Box<Expr>, String),
    Filter(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub low: Expr,
    pub low_closed: bool,
    pub high: Expr,
    pub high_closed: bool,
}

/// The content of a decision table input cell.
#[derive(Debug, Clone, PartialEq)]
pub enum UnaryTests {
    /// `-`
    Any,
    /// `a, b, c`: any may match.
    Tests(Vec<Test>),
    /// `not(a, b)`
    Not(Vec<Test>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `< 5`, `!= "x"`
    Compare(CmpOp, Expr),
    /// `[1..5)`
    Range(Range),
    /// A plain value (equality, or membership when it is a list), or a condition on `?`.
    Expr(Expr),
}

impl Expr {
    /// Whether `?` occurs in the expression.
    pub fn uses_input_value(&self) -> bool {
        lift(self).uses_input_value()
    }
}

impl Test {
    pub fn uses_input_value(&self) -> bool {
        match self {
            Test::Compare(_, e) | Test::Expr(e) => e.uses_input_value(),
            Test::Range(r) => r.low.uses_input_value() || r.high.uses_input_value(),
        }
    }
}

/// Parse a FEEL expression of the subset.
pub fn parse_expression(text: &str, names: &Names) -> Result<Expr, FeelError> {
    let ast = syntax::parse(text, names)?;
    lower(&ast).map_err(|message| FeelError { text: text.to_string(), at: 0, message })
}

/// Parse the unary tests of a decision table input cell.
pub fn parse_unary_tests(text: &str, names: &Names) -> Result<UnaryTests, FeelError> {
    let err = |message| FeelError { text: text.to_string(), at: 0, message };
    Ok(match syntax::parse_tests(text, names)? {
        Tests::Any => UnaryTests::Any,
        Tests::Some(c) => UnaryTests::Tests(lower_checks(&c).map_err(err)?),
        Tests::Not(c) => UnaryTests::Not(lower_checks(&c).map_err(err)?),
    })
}

fn unsupported(what: &str) -> String {
    format!("{what} is not supported")
}

fn lower_checks(checks: &[Check]) -> Result<Vec<Test>, String> {
    checks
        .iter()
        .map(|c| match c {
            Check::Compare(op, e) => Ok(Test::Compare(*op, lower(e)?)),
            Check::Expr(e @ Ast::Range { .. }) => match lower(e)? {
                Expr::Range(r) => Ok(Test::Range(*r)),
                other => Ok(Test::Expr(other)),
            },
            Check::Expr(e) => Ok(Test::Expr(lower(e)?)),
        })
        .collect()
}

fn lower(a: &Ast) -> Result<Expr, String> {
    let b = |e: &Ast| lower(e).map(Box::new);
    Ok(match a {
        Ast::Literal(Value::Null) => Expr::Null,
        Ast::Literal(Value::Bool(x)) => Expr::Bool(*x),
        Ast::Literal(Value::Number(n)) => Expr::Number(*n),
        Ast::Literal(Value::String(s)) => Expr::String(s.clone()),
        Ast::Literal(v) => return Err(unsupported(&format!("the {} literal", v.type_name()))),
        Ast::Name(n) => Expr::Name(n.clone()),
        Ast::InputValue => Expr::InputValue,
        Ast::List(items) => Expr::List(items.iter().map(lower).collect::<Result<_, _>>()?),
        Ast::Context(entries) => {
            Expr::Context(entries.iter().map(|(k, e)| Ok((k.clone(), lower(e)?))).collect::<Result<_, String>>()?)
        }
        Ast::Range { low: Some(low), low_closed, high: Some(high), high_closed } => Expr::Range(Box::new(Range {
            low: lower(low)?,
            low_closed: *low_closed,
            high: lower(high)?,
            high_closed: *high_closed,
        })),
        Ast::Range { .. } => return Err(unsupported("a range open at one end")),
        Ast::EqualRange(_) | Ast::NotEqualRange(_) => {
            return Err(unsupported("`=` or `!=` before a value outside a unary test"))
        }
        Ast::Neg(e) => Expr::Neg(b(e)?),
        Ast::Binary(op, x, y) => Expr::Binary(*op, b(x)?, b(y)?),
        Ast::If(c, t, f) => Expr::If(b(c)?, b(t)?, b(f)?),
        Ast::Between(x, lo, hi) => Expr::Between(b(x)?, b(lo)?, b(hi)?),
        Ast::In(x, checks) => Expr::In(b(x)?, lower_checks(checks)?),
        Ast::Call(f, Args::Positional(args)) => match &**f {
            Ast::Name(n) => Expr::Call(n.clone(), args.iter().map(lower).collect::<Result<_, _>>()?),
            _ => return Err(unsupported("calling a computed function")),
        },
        Ast::Call(..) => return Err(unsupported("a call with named arguments")),
        Ast::Path(x, f) => Expr::Path(b(x)?, f.clone()),
        Ast::Filter(x, c) => Expr::Filter(b(x)?, b(c)?),
        Ast::InstanceOf(..) => return Err(unsupported("`instance of`")),
        Ast::For(..) => return Err(unsupported("`for`")),
        Ast::Quantified(..) => return Err(unsupported("`some`/`every`")),
        Ast::Function(_) => return Err(unsupported("a function definition")),
    })
}

fn lift_range(r: &Range) -> Ast {
    Ast::Range {
        low: Some(Box::new(lift(&r.low))),
        low_closed: r.low_closed,
        high: Some(Box::new(lift(&r.high))),
        high_closed: r.high_closed,
    }
}

fn lift_tests(tests: &[Test]) -> Vec<Check> {
    tests
        .iter()
        .map(|t| match t {
            Test::Compare(op, e) => Check::Compare(*op, lift(e)),
            Test::Range(r) => Check::Expr(lift_range(r)),
            Test::Expr(e) => Check::Expr(lift(e)),
        })
        .collect()
}

fn lift(e: &Expr) -> Ast {
    let b = |e: &Expr| Box::new(lift(e));
    match e {
        Expr::Null => Ast::Literal(Value::Null),
        Expr::Bool(x) => Ast::Literal(Value::Bool(*x)),
        Expr::Number(n) => Ast::Literal(Value::Number(*n)),
        Expr::String(s) => Ast::Literal(Value::String(s.clone())),
        Expr::Name(n) => Ast::Name(n.clone()),
        Expr::InputValue => Ast::InputValue,
        Expr::List(items) => Ast::List(items.iter().map(lift).collect()),
        Expr::Context(entries) => Ast::Context(entries.iter().map(|(k, e)| (k.clone(), lift(e))).collect()),
        Expr::Range(r) => lift_range(r),
        Expr::Neg(x) => Ast::Neg(b(x)),
        Expr::Binary(op, x, y) => Ast::Binary(*op, b(x), b(y)),
        Expr::If(c, t, f) => Ast::If(b(c), b(t), b(f)),
        Expr::Between(x, lo, hi) => Ast::Between(b(x), b(lo), b(hi)),
        Expr::In(x, tests) => Ast::In(b(x), lift_tests(tests)),
        Expr::Call(n, args) => {
            Ast::Call(Box::new(Ast::Name(n.clone())), Args::Positional(args.iter().map(lift).collect()))
        }
        Expr::Path(x, f) => Ast::Path(b(x), f.clone()),
        Expr::Filter(x, c) => Ast::Filter(b(x), b(c)),
    }
}

/// Where names get their values.
pub trait Env {
    fn lookup(&self, name: &str) -> Option<Value>;
}

/// An empty scope.
pub struct NoEnv;

impl Env for NoEnv {
    fn lookup(&self, _name: &str) -> Option<Value> {
        None
    }
}

/// Names bound on top of another scope.
pub struct Bindings<'p> {
    vars: Vec<(String, Value)>,
    parent: &'p dyn Env,
}

impl<'p> Bindings<'p> {
    pub fn new(parent: &'p dyn Env) -> Bindings<'p> {
        Bindings { vars: Vec::new(), parent }
    }

    pub fn with(mut self, name: &str, value: Value) -> Bindings<'p> {
        self.bind(name, value);
        self
    }

    pub fn bind(&mut self, name: &str, value: Value) {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_string(), value));
    }
}

impl Env for Bindings<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone()).or_else(|| self.parent.lookup(name))
    }
}

fn names_in(e: &Expr, out: &mut BTreeSet<String>) {
    match e {
        Expr::Name(n) => {
            out.insert(n.clone());
        }
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::InputValue => {}
        Expr::List(items) | Expr::Call(_, items) => items.iter().for_each(|i| names_in(i, out)),
        Expr::Context(entries) => entries.iter().for_each(|(_, e)| names_in(e, out)),
        Expr::Range(r) => {
            names_in(&r.low, out);
            names_in(&r.high, out)
        }
        Expr::Neg(x) | Expr::Path(x, _) => names_in(x, out),
        Expr::Binary(_, x, y) | Expr::Filter(x, y) => {
            names_in(x, out);
            names_in(y, out)
        }
        Expr::If(x, y, z) | Expr::Between(x, y, z) => {
            names_in(x, out);
            names_in(y, out);
            names_in(z, out)
        }
        Expr::In(x, tests) => {
            names_in(x, out);
            for t in tests {
                match t {
                    Test::Compare(_, e) | Test::Expr(e) => names_in(e, out),
                    Test::Range(r) => {
                        names_in(&r.low, out);
                        names_in(&r.high, out)
                    }
                }
            }
        }
    }
}

fn scope_for(exprs: &[&Expr], env: &dyn Env) -> std::rc::Rc<Scope> {
    let mut names = BTreeSet::new();
    for e in exprs {
        names_in(e, &mut names);
    }
    Scope::root(names.into_iter().filter_map(|n| env.lookup(&n).map(|v| (n, v))).collect())
}

/// Evaluate a subset expression. Errors in FEEL are `null`.
pub fn evaluate_expr(e: &Expr, env: &dyn Env) -> Value {
    eval::evaluate(&lift(e), &scope_for(&[e], env))
}

/// Does a cell's unary tests accept `input`?
pub fn matches(tests: &UnaryTests, input: &Value, env: &dyn Env) -> bool {
    let (checks, negated) = match tests {
        UnaryTests::Any => return true,
        UnaryTests::Tests(t) => (t, false),
        UnaryTests::Not(t) => (t, true),
    };
    let exprs: Vec<&Expr> = checks
        .iter()
        .flat_map(|t| match t {
            Test::Compare(_, e) | Test::Expr(e) => vec![e],
            Test::Range(r) => vec![&r.low, &r.high],
        })
        .collect();
    let lifted = lift_tests(checks);
    let tests = if negated { Tests::Not(lifted) } else { Tests::Some(lifted) };
    eval::matches(&tests, input, &scope_for(&exprs, env))
}

/// FEEL equality: `Some(true)`/`Some(false)`, or `None` when the values cannot be compared.
pub fn equal_values(a: &Value, b: &Value) -> Option<bool> {
    value::equal(a, b)
}

/// The table-level aggregations of a COLLECT decision table (`sum`, `min`, `max`).
pub fn aggregate(name: &str, items: &[Value]) -> Option<Value> {
    super::builtins::aggregate(name, items)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_subset_round_trips_and_refuses_the_rest() {
        let names = Names::new(["Employment Status", "Employment Status Statement"]);
        assert_eq!(
            parse_expression("Employment Status Statement", &names),
            Ok(Expr::Name("Employment Status Statement".into()))
        );
        let e = parse_expression("\"You are \" + Employment Status", &names).expect("parses");
        let env = Bindings::new(&NoEnv).with("Employment Status", Value::String("EMPLOYED".into()));
        assert_eq!(evaluate_expr(&e, &env), Value::String("You are EMPLOYED".into()));
        assert!(parse_expression("for x in [1] return x", &names).is_err());
        assert!(parse_expression("foo(1)", &names).unwrap_err().to_string().contains("unknown function `foo`"));
        let names2 = Names::new(["2e bouwlaag", "Hoogte in m.", "Dak-helling"]);
        assert_eq!(parse_expression("2e bouwlaag", &names2), Ok(Expr::Name("2e bouwlaag".into())));
        let e = parse_expression("Hoogte in m. > 2 and Dak-helling < 2.5", &names2).expect("parses");
        let env = Bindings::new(&NoEnv).with("Hoogte in m.", Value::number(3)).with("Dak-helling", Value::number(2));
        assert_eq!(evaluate_expr(&e, &env), Value::Bool(true));
        assert_eq!(evaluate_expr(&parse_expression("2 + 2", &names2).expect("parses"), &NoEnv), Value::number(4));
        let t = parse_unary_tests("[20..30), > 50", &names).expect("parses");
        assert!(matches(&t, &Value::number(20), &NoEnv));
        assert!(matches(&t, &Value::number(51), &NoEnv));
        assert!(!matches(&t, &Value::number(30), &NoEnv));
    }
}

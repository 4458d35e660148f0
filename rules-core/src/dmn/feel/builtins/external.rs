//! External (Java) functions: the `java.lang.Math` and conversion methods the DMN TCK uses.

use std::rc::Rc;

use rust_decimal::prelude::*;

use super::num;
use crate::dmn::feel::eval::{self, Scope};
use crate::dmn::feel::syntax::Ast;
use crate::dmn::feel::value::{self, plain_text, Value};

/// `function(x) external {java: {class: ..., method signature: ...}}`: the `java.lang.Math`
/// and value-conversion methods the DMN TCK uses; others are `null`.
pub fn external(body: &Ast, scope: &Rc<Scope>, args: Vec<Value>) -> Value {
    let spec = eval::evaluate(body, scope);
    let Some(java) = spec.get("java") else { return Value::Null };
    let (Some(Value::String(class)), Some(Value::String(sig))) = (java.get("class"), java.get("method signature"))
    else {
        return Value::Null;
    };
    let method = sig.split('(').next().unwrap_or("").trim();
    let types: Vec<String> = sig
        .split('(')
        .nth(1)
        .unwrap_or("")
        .trim_end_matches(')')
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    // A last parameter `[Ljava.lang.Object;` (Java varargs) takes the remaining arguments.
    let varargs = types.last().is_some_and(|t| t.starts_with("[L"));
    if types.len() != args.len() && !(varargs && args.len() + 1 >= types.len()) {
        return Value::Null;
    }
    let f64_of = |v: &Value| num(v).and_then(|n| n.to_f64());
    let from_f64 = |x: f64| Decimal::from_f64(x).map(Value::Number).unwrap_or(Value::Null);
    match (class.as_str(), method, args.as_slice()) {
        ("java.lang.Math", "max" | "min", [a, b]) if types.iter().all(|t| t != "java.lang.String") => {
            let (Some(x), Some(y)) = (num(a), num(b)) else { return Value::Null };
            Value::Number(if method == "max" { x.max(y) } else { x.min(y) })
        }
        ("java.lang.Math", "cos" | "sin" | "tan" | "sqrt" | "abs" | "floor" | "ceil" | "exp" | "log", [a]) => {
            let Some(x) = f64_of(a) else { return Value::Null };
            from_f64(match method {
                "cos" => x.cos(),
                "sin" => x.sin(),
                "tan" => x.tan(),
                "sqrt" => x.sqrt(),
                "abs" => x.abs(),
                "floor" => x.floor(),
                "ceil" => x.ceil(),
                "exp" => x.exp(),
                _ => x.ln(),
            })
        }
        ("java.lang.Short" | "java.lang.Byte" | "java.lang.Integer" | "java.lang.Long", "valueOf", [a]) => match a {
            Value::Number(n) if n.fract().is_zero() => Value::Number(*n),
            Value::String(s) => s.trim().parse::<i64>().map(Value::number).unwrap_or(Value::Null),
            _ => Value::Null,
        },
        ("java.lang.Double" | "java.lang.Float", "valueOf", [a]) => match a {
            Value::Number(n) => Value::Number(*n),
            Value::String(s) => value::parse_decimal(s).map(Value::Number).unwrap_or(Value::Null),
            _ => Value::Null,
        },
        ("java.lang.String", "valueOf", [Value::String(s)]) if types[0] == "char" => {
            if s.chars().count() == 1 {
                Value::String(s.clone())
            } else {
                Value::Null
            }
        }
        ("java.lang.String", "valueOf", [v]) if !v.is_null() => Value::String(plain_text(v)),
        ("java.lang.String", "format", [Value::String(f), rest @ ..]) if varargs => format(f, rest),
        _ => Value::Null,
    }
}

/// `String.format` with `%s` (a value's text) and `%%`; other conversions give `null`.
fn format(f: &str, args: &[Value]) -> Value {
    let mut out = String::new();
    let mut next = args.iter();
    let mut cs = f.chars();
    while let Some(c) = cs.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        match cs.next() {
            Some('%') => out.push('%'),
            Some('s') => match next.next() {
                Some(v) => out.push_str(&plain_text(v)),
                None => return Value::Null,
            },
            _ => return Value::Null,
        }
    }
    Value::String(out)
}

//! Range functions: `range("[1..10)")` and the interval relations (`before`, `overlaps`, `during`, ...).

use crate::dmn::feel::eval::{self, Scope};
use crate::dmn::feel::syntax::{Args, Ast};
use crate::dmn::feel::value::{order, RangeTest, Value};

/// `range("[1..10)")`: a range literal whose ends are literals.
pub(super) fn range_from_text(s: &str) -> Option<Value> {
    let ast = crate::dmn::feel::syntax::parse(s, &crate::dmn::feel::syntax::Names::new(Vec::<String>::new())).ok()?;
    // Only `[a..b]` forms with literal ends (`< 10` is a unary test, not a range literal).
    let Ast::Range { low: Some(low), high: Some(high), .. } = &ast else { return None };
    let literal_end = |e: &Ast| match e {
        Ast::Literal(Value::Null) => false,
        Ast::Literal(_) => true,
        Ast::Neg(inner) => matches!(&**inner, Ast::Literal(_)),
        Ast::Call(f, Args::Positional(args)) => {
            matches!(&**f, Ast::Name(n) if ["date", "time", "date and time", "duration"].contains(&n.as_str()))
                && matches!(args.as_slice(), [Ast::Literal(Value::String(_))])
        }
        _ => false,
    };
    if !literal_end(low) || !literal_end(high) {
        return None;
    }
    match eval::evaluate(&ast, &Scope::root(Vec::new())) {
        v @ Value::Range(_) => Some(v),
        _ => None,
    }
}

/// An end of an interval: a point is the range `[p..p]`.
#[derive(Clone)]
struct Iv {
    start: Option<Value>,
    start_in: bool,
    end: Option<Value>,
    end_in: bool,
    point: bool,
}

fn iv(v: &Value) -> Option<Iv> {
    match v {
        // `(!=x)` is no interval.
        Value::Range(r) if r.test == RangeTest::NotEqual => None,
        Value::Range(r) => Some(Iv {
            start: r.low.clone(),
            start_in: r.low_closed,
            end: r.high.clone(),
            end_in: r.high_closed,
            point: false,
        }),
        Value::Null | Value::List(_) | Value::Context(_) | Value::Function(_) | Value::Bool(_) => None,
        p => Some(Iv { start: Some(p.clone()), start_in: true, end: Some(p.clone()), end_in: true, point: true }),
    }
}

/// Compare interval ends; `None` stands for minus infinity as a start and plus infinity as an end.
fn cmp_end(a: &Option<Value>, a_is_start: bool, b: &Option<Value>, b_is_start: bool) -> Option<std::cmp::Ordering> {
    use std::cmp::Ordering::*;
    match (a, b) {
        (Some(x), Some(y)) => order(x, y),
        (None, None) => Some(if a_is_start == b_is_start {
            Equal
        } else if a_is_start {
            Less
        } else {
            Greater
        }),
        (None, Some(_)) => Some(if a_is_start { Less } else { Greater }),
        (Some(_), None) => Some(if b_is_start { Greater } else { Less }),
    }
}

pub(super) fn interval(name: &str, args: &[Value]) -> Option<bool> {
    let [a, b] = args else { return None };
    let (x, y) = (iv(a)?, iv(b)?);
    let c = |p: &Option<Value>, ps: bool, q: &Option<Value>, qs: bool| cmp_end(p, ps, q, qs);
    use std::cmp::Ordering::*;
    let (s, e) = (true, false);
    Some(match name {
        "before" => {
            let o = c(&x.end, e, &y.start, s)?;
            o == Less || (o == Equal && (!x.end_in || !y.start_in))
        }
        "after" => {
            let o = c(&x.start, s, &y.end, e)?;
            o == Greater || (o == Equal && (!x.start_in || !y.end_in))
        }
        "meets" => !x.point && !y.point && x.end_in && y.start_in && c(&x.end, e, &y.start, s)? == Equal,
        "met by" => !x.point && !y.point && x.start_in && y.end_in && c(&x.start, s, &y.end, e)? == Equal,
        "overlaps" => {
            let o1 = c(&x.end, e, &y.start, s)?;
            let o2 = c(&x.start, s, &y.end, e)?;
            (o1 == Greater || (o1 == Equal && x.end_in && y.start_in))
                && (o2 == Less || (o2 == Equal && x.start_in && y.end_in))
        }
        "overlaps before" => {
            let o1 = c(&x.start, s, &y.start, s)?;
            let o2 = c(&x.end, e, &y.start, s)?;
            let o3 = c(&x.end, e, &y.end, e)?;
            (o1 == Less || (o1 == Equal && x.start_in && !y.start_in))
                && (o2 == Greater || (o2 == Equal && x.end_in && y.start_in))
                && (o3 == Less || (o3 == Equal && (!x.end_in || y.end_in)))
        }
        "overlaps after" => return interval("overlaps before", &[b.clone(), a.clone()]),
        "finishes" => {
            if x.point {
                y.end_in && c(&y.end, e, &x.start, s)? == Equal
            } else {
                let o = c(&x.start, s, &y.start, s)?;
                x.end_in == y.end_in
                    && c(&x.end, e, &y.end, e)? == Equal
                    && (o == Greater || (o == Equal && (!x.start_in || y.start_in)))
            }
        }
        "finished by" => {
            if y.point {
                x.end_in && c(&x.end, e, &y.start, s)? == Equal
            } else {
                return interval("finishes", &[b.clone(), a.clone()]);
            }
        }
        "includes" => {
            if y.point {
                let o1 = c(&x.start, s, &y.start, s)?;
                let o2 = c(&x.end, e, &y.start, s)?;
                (o1 == Less && o2 == Greater) || (o1 == Equal && x.start_in) || (o2 == Equal && x.end_in)
            } else {
                let o1 = c(&x.start, s, &y.start, s)?;
                let o2 = c(&x.end, e, &y.end, e)?;
                (o1 == Less || (o1 == Equal && (x.start_in || !y.start_in)))
                    && (o2 == Greater || (o2 == Equal && (x.end_in || !y.end_in)))
            }
        }
        "during" => return interval("includes", &[b.clone(), a.clone()]),
        "starts" => {
            if x.point {
                y.start_in && c(&y.start, s, &x.start, s)? == Equal
            } else {
                let o = c(&x.end, e, &y.end, e)?;
                c(&x.start, s, &y.start, s)? == Equal
                    && x.start_in == y.start_in
                    && (o == Less || (o == Equal && (!x.end_in || y.end_in)))
            }
        }
        "started by" => {
            if y.point {
                x.start_in && c(&x.start, s, &y.start, s)? == Equal
            } else {
                return interval("starts", &[b.clone(), a.clone()]);
            }
        }
        "coincides" => {
            if x.point != y.point {
                return None;
            }
            c(&x.start, s, &y.start, s)? == Equal
                && x.start_in == y.start_in
                && c(&x.end, e, &y.end, e)? == Equal
                && x.end_in == y.end_in
        }
        _ => return None,
    })
}

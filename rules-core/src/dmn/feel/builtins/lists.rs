//! List functions: aggregations, `sublist`, `flatten`, `sort`, set operations and the rest.

use std::rc::Rc;

use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use super::{int, items, num, numbers};
use crate::dmn::feel::eval::{call as call_function, compare, Function};
use crate::dmn::feel::syntax::CmpOp;
use crate::dmn::feel::value::{equal, order, Value};

fn position(list_len: usize, p: &Value) -> Option<usize> {
    let p = num(p)?.trunc().to_i64()?;
    let n = list_len as i64;
    let i = if p > 0 { p - 1 } else { n + p };
    (p != 0 && i >= 0 && i < n).then_some(i as usize)
}

pub(super) fn list_fn(name: &str, args: Vec<Value>) -> Option<Value> {
    match name {
        "count" | "min" | "max" | "sum" | "mean" | "all" | "any" | "product" | "median" | "stddev" | "mode"
        | "union" | "concatenate" => {
            let varargs = !matches!(name, "count");
            let list = if varargs {
                items(args)?
            } else {
                match <[Value; 1]>::try_from(args) {
                    Ok([Value::List(items)]) => items,
                    _ => return None,
                }
            };
            aggregate_list(name, list)
        }
        _ => list_other(name, args),
    }
}

fn aggregate_list(name: &str, list: Vec<Value>) -> Option<Value> {
    Some(match name {
        "count" => Value::number(list.len() as i64),
        "min" | "max" => {
            let mut best: Option<Value> = None;
            for v in list {
                best = Some(match best {
                    None => v,
                    Some(b) => {
                        let o = order(&v, &b)?;
                        if (name == "min" && o.is_lt()) || (name == "max" && o.is_gt()) {
                            v
                        } else {
                            b
                        }
                    }
                });
            }
            best?
        }
        "sum" => {
            if list.is_empty() {
                return Some(Value::Null);
            }
            let mut total = list[0].clone();
            for v in &list[1..] {
                total = match (&total, v) {
                    (Value::Number(a), Value::Number(b)) => Value::Number(a.checked_add(*b)?),
                    (Value::DtDuration(a), Value::DtDuration(b)) => Value::DtDuration(a + b),
                    (Value::YmDuration(a), Value::YmDuration(b)) => Value::YmDuration(a + b),
                    _ => return None,
                };
            }
            if !matches!(total, Value::Number(_) | Value::DtDuration(_) | Value::YmDuration(_)) {
                return None;
            }
            total
        }
        "mean" => {
            let ns = numbers(&list)?;
            if ns.is_empty() {
                return None;
            }
            let mut total = Decimal::ZERO;
            for n in &ns {
                total = total.checked_add(*n)?;
            }
            Value::Number(total / Decimal::from(ns.len()))
        }
        "product" => {
            let ns = numbers(&list)?;
            if ns.is_empty() {
                return None;
            }
            let mut p = Decimal::ONE;
            for n in ns {
                p = p.checked_mul(n)?;
            }
            Value::Number(p)
        }
        "median" => {
            let mut ns = numbers(&list)?;
            if ns.is_empty() {
                return None;
            }
            ns.sort();
            let m = ns.len() / 2;
            Value::Number(if ns.len() % 2 == 1 { ns[m] } else { (ns[m - 1] + ns[m]) / Decimal::TWO })
        }
        "stddev" => {
            let ns = numbers(&list)?;
            if ns.len() < 2 {
                return None;
            }
            let count = Decimal::from(ns.len());
            let mean = ns.iter().sum::<Decimal>() / count;
            let var = ns.iter().map(|n| (n - mean) * (n - mean)).sum::<Decimal>() / (count - Decimal::ONE);
            Value::Number(var.sqrt()?)
        }
        "mode" => {
            let ns = numbers(&list)?;
            let mut counts: Vec<(Decimal, usize)> = Vec::new();
            for n in ns {
                match counts.iter_mut().find(|(x, _)| *x == n) {
                    Some(c) => c.1 += 1,
                    None => counts.push((n, 1)),
                }
            }
            let top = counts.iter().map(|c| c.1).max().unwrap_or(0);
            let mut modes: Vec<Decimal> = counts.into_iter().filter(|c| c.1 == top).map(|c| c.0).collect();
            modes.sort();
            Value::List(modes.into_iter().map(Value::Number).collect())
        }
        "all" => {
            let mut unknown = false;
            for v in &list {
                match v {
                    Value::Bool(false) => return Some(Value::Bool(false)),
                    Value::Bool(true) => {}
                    _ => unknown = true,
                }
            }
            if unknown {
                return None;
            }
            Value::Bool(true)
        }
        "any" => {
            let mut unknown = false;
            for v in &list {
                match v {
                    Value::Bool(true) => return Some(Value::Bool(true)),
                    Value::Bool(false) => {}
                    _ => unknown = true,
                }
            }
            if unknown {
                return None;
            }
            Value::Bool(false)
        }
        "union" | "concatenate" => {
            let mut out: Vec<Value> = Vec::new();
            for l in list {
                let Value::List(items) = l else { return None };
                for i in items {
                    if name == "concatenate" || !out.iter().any(|o| equal(o, &i) == Some(true)) {
                        out.push(i);
                    }
                }
            }
            Value::List(out)
        }
        _ => return None,
    })
}

fn list_other(name: &str, args: Vec<Value>) -> Option<Value> {
    let mut args = args.into_iter();
    let first = args.next()?;
    let rest: Vec<Value> = args.collect();
    let list = match first {
        Value::List(items) => items,
        Value::Null if name == "list contains" || name == "list replace" => return None,
        other if name != "sort" && name != "append" => vec![other],
        other => vec![other],
    };
    Some(match (name, rest.as_slice()) {
        ("list contains", [x]) => Value::Bool(list.iter().any(|i| equal(i, x) == Some(true))),
        ("sublist", [start]) => Value::List(sublist(&list, start, None)?),
        ("sublist", [start, len]) => Value::List(sublist(&list, start, Some(len))?),
        ("append", more) => {
            let mut l = list;
            l.extend(more.iter().cloned());
            Value::List(l)
        }
        ("insert before", [p, item]) => {
            let i = position(list.len(), p)?;
            let mut l = list;
            l.insert(i, item.clone());
            Value::List(l)
        }
        ("remove", [p]) => {
            let i = position(list.len(), p)?;
            let mut l = list;
            l.remove(i);
            Value::List(l)
        }
        ("reverse", []) => Value::List(list.into_iter().rev().collect()),
        ("index of", [m]) => Value::List(
            list.iter()
                .enumerate()
                .filter(|(_, i)| equal(i, m) == Some(true))
                .map(|(k, _)| Value::number(k as i64 + 1))
                .collect(),
        ),
        ("distinct values", []) => {
            let mut out: Vec<Value> = Vec::new();
            for i in list {
                if !out.iter().any(|o| equal(o, &i) == Some(true)) {
                    out.push(i);
                }
            }
            Value::List(out)
        }
        ("flatten", []) => {
            let mut out = Vec::new();
            flatten(list, &mut out, 0)?;
            Value::List(out)
        }
        ("sort", []) => sort(list, None)?,
        ("sort", [Value::Function(f)]) => sort(list, Some(f))?,
        ("list replace", [p @ Value::Number(_), item]) => {
            let i = position(list.len(), p)?;
            let mut l = list;
            l[i] = item.clone();
            Value::List(l)
        }
        ("list replace", [Value::Function(f), item]) => Value::List(
            list.into_iter()
                .map(|i| match call_function(f, vec![i.clone(), item.clone()]) {
                    Value::Bool(true) => Some(item.clone()),
                    Value::Bool(false) => Some(i),
                    _ => None,
                })
                .collect::<Option<Vec<_>>>()?,
        ),
        _ => return None,
    })
}

fn sublist(list: &[Value], start: &Value, len: Option<&Value>) -> Option<Vec<Value>> {
    let from = position(list.len(), start)?;
    let to = match len {
        None => list.len(),
        Some(l) => {
            let l = usize::try_from(int(l)?).ok()?;
            if from + l > list.len() {
                return None;
            }
            from + l
        }
    };
    Some(list[from..to].to_vec())
}

fn flatten(list: Vec<Value>, out: &mut Vec<Value>, depth: usize) -> Option<()> {
    if depth > 64 {
        return None;
    }
    for i in list {
        match i {
            Value::List(inner) => flatten(inner, out, depth + 1)?,
            other => out.push(other),
        }
    }
    Some(())
}

fn sort(list: Vec<Value>, precedes: Option<&Rc<Function>>) -> Option<Value> {
    let mut failed = false;
    let mut l = list;
    // Insertion sort: the order function may be any FEEL function, and must not panic a sort.
    for i in 1..l.len() {
        let mut j = i;
        while j > 0 {
            let before = match precedes {
                Some(f) => match call_function(f, vec![l[j].clone(), l[j - 1].clone()]) {
                    Value::Bool(b) => b,
                    _ => {
                        failed = true;
                        false
                    }
                },
                None => match compare(CmpOp::Lt, &l[j], &l[j - 1]) {
                    Value::Bool(b) => b,
                    _ => {
                        failed = true;
                        false
                    }
                },
            };
            if !before {
                break;
            }
            l.swap(j, j - 1);
            j -= 1;
        }
    }
    (!failed).then_some(Value::List(l))
}

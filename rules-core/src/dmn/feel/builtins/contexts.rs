//! Context functions: `get value`, `get entries`, `context`, `context put`, `context merge`.

use super::text;
use crate::dmn::feel::value::Value;

pub(super) fn context_fn(name: &str, args: Vec<Value>) -> Option<Value> {
    Some(match (name, args.as_slice()) {
        ("get value", [m @ Value::Context(_), Value::String(k)]) => m.get(k).cloned().unwrap_or(Value::Null),
        ("get entries", [Value::Context(entries)]) => Value::List(
            entries
                .iter()
                .map(|(k, v)| {
                    Value::Context(vec![("key".into(), Value::String(k.clone())), ("value".into(), v.clone())])
                })
                .collect(),
        ),
        ("context", [Value::List(entries)]) => {
            let mut out: Vec<(String, Value)> = Vec::new();
            for e in entries {
                let (Some(Value::String(k)), Some(v)) = (e.get("key"), e.get("value")) else { return None };
                if out.iter().any(|(x, _)| x == k) {
                    return None;
                }
                out.push((k.clone(), v.clone()));
            }
            Value::Context(out)
        }
        ("context", [one @ Value::Context(_)]) => return context_fn(name, vec![Value::List(vec![one.clone()])]),
        ("context put", [c @ Value::Context(_), Value::String(k), v]) => put(c, std::slice::from_ref(k), v.clone())?,
        ("context put", [c @ Value::Context(_), Value::List(keys), v]) => {
            let keys: Option<Vec<String>> = keys.iter().map(|k| text(k).map(String::from)).collect();
            let keys = keys?;
            if keys.is_empty() {
                return None;
            }
            put(c, &keys, v.clone())?
        }
        ("context merge", [one @ Value::Context(_)]) => return context_fn(name, vec![Value::List(vec![one.clone()])]),
        ("context merge", [Value::List(cs)]) => {
            let mut out = Value::Context(Vec::new());
            for c in cs {
                let Value::Context(entries) = c else { return None };
                for (k, v) in entries {
                    out = put(&out, std::slice::from_ref(k), v.clone())?;
                }
            }
            out
        }
        _ => return None,
    })
}

fn put(c: &Value, keys: &[String], v: Value) -> Option<Value> {
    let Value::Context(entries) = c else { return None };
    let (first, rest) = keys.split_first()?;
    let mut entries = entries.clone();
    let new = if rest.is_empty() { v } else { put(c.get(first).filter(|x| matches!(x, Value::Context(_)))?, rest, v)? };
    match entries.iter_mut().find(|(k, _)| k == first) {
        Some(e) => e.1 = new,
        None => entries.push((first.clone(), new)),
    }
    Some(Value::Context(entries))
}

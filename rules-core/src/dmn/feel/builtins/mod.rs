//! FEEL's built-in functions (DMN 1.5, chapter 10.3.4): the signatures, named arguments and the
//! dispatch by name here; each family in its own module (conversion, strings, numbers, dates,
//! contexts, ranges, lists, external Java functions).
//!
//! A call with arguments of the wrong kind or number gives `null`, as FEEL says. A name that is
//! no built-in is refused when the text is parsed (see [`super::syntax`]), so nothing here guesses.

use rust_decimal::prelude::*;

use super::value::{self, Value};

mod contexts;
mod conversion;
mod dates;
// Java externals are a TCK matter (no browser runs Java): the browser modules leave them out
// (their trigonometry and `String.format` cost size there) and an external function gives null.
#[cfg(not(target_arch = "wasm32"))]
mod external;
mod lists;
mod numbers;
mod ranges;
mod strings;

use contexts::context_fn;
use conversion::conversion;
use dates::date_fn;
#[cfg(not(target_arch = "wasm32"))]
pub use external::external;

/// In the browser modules a Java external function gives null (see `external` natively).
#[cfg(target_arch = "wasm32")]
pub fn external(
    _body: &crate::dmn::feel::Ast,
    _scope: &std::rc::Rc<crate::dmn::feel::Scope>,
    _args: Vec<Value>,
) -> Value {
    Value::Null
}
use lists::list_fn;
use numbers::number_fn;
use ranges::{interval, range_from_text};
use strings::string_fn;

/// Every built-in with its parameter names (alternatives separated by `|`).
const SIGNATURES: &[(&str, &str)] = &[
    ("date", "from|year,month,day"),
    ("date and time", "from|date,time"),
    ("time", "from|hour,minute,second,offset"),
    ("number", "from,grouping separator,decimal separator"),
    ("string", "from"),
    ("duration", "from"),
    ("years and months duration", "from,to"),
    ("not", "negand"),
    ("substring", "string,start position,length"),
    ("string length", "string"),
    ("upper case", "string"),
    ("lower case", "string"),
    ("substring before", "string,match"),
    ("substring after", "string,match"),
    ("replace", "input,pattern,replacement,flags"),
    ("contains", "string,match"),
    ("starts with", "string,match"),
    ("ends with", "string,match"),
    ("matches", "input,pattern,flags"),
    ("split", "string,delimiter"),
    ("string join", "list,delimiter"),
    ("list contains", "list,element"),
    ("count", "list"),
    ("min", "list"),
    ("max", "list"),
    ("sum", "list"),
    ("mean", "list"),
    ("all", "list"),
    ("any", "list"),
    ("sublist", "list,start position,length"),
    ("append", "list,item"),
    ("concatenate", "list"),
    ("insert before", "list,position,newItem"),
    ("remove", "list,position"),
    ("reverse", "list"),
    ("index of", "list,match"),
    ("union", "list"),
    ("distinct values", "list"),
    ("flatten", "list"),
    ("product", "list"),
    ("median", "list"),
    ("stddev", "list"),
    ("mode", "list"),
    ("sort", "list,precedes"),
    ("list replace", "list,position,newItem|list,match,newItem"),
    ("decimal", "n,scale"),
    ("floor", "n,scale"),
    ("ceiling", "n,scale"),
    ("round up", "n,scale"),
    ("round down", "n,scale"),
    ("round half up", "n,scale"),
    ("round half down", "n,scale"),
    ("abs", "n"),
    ("modulo", "dividend,divisor"),
    ("sqrt", "number"),
    ("log", "number"),
    ("exp", "number"),
    ("odd", "number"),
    ("even", "number"),
    ("is", "value1,value2"),
    ("day of year", "date"),
    ("day of week", "date"),
    ("month of year", "date"),
    ("week of year", "date"),
    ("today", ""),
    ("now", ""),
    ("get value", "m,key"),
    ("get entries", "m"),
    ("context", "entries"),
    ("context put", "context,key,value|context,keys,value"),
    ("context merge", "contexts"),
    ("range", "from"),
    ("before", "point1,point2|point,range|range,point|range1,range2"),
    ("after", "point1,point2|point,range|range,point|range1,range2"),
    ("meets", "range1,range2"),
    ("met by", "range1,range2"),
    ("overlaps", "range1,range2"),
    ("overlaps before", "range1,range2"),
    ("overlaps after", "range1,range2"),
    ("finishes", "point,range|range1,range2"),
    ("finished by", "range,point|range1,range2"),
    ("includes", "range,point|range1,range2"),
    ("during", "point,range|range1,range2"),
    ("starts", "point,range|range1,range2"),
    ("started by", "range,point|range1,range2"),
    ("coincides", "point1,point2|range1,range2"),
];

/// The names of all built-ins.
pub fn names() -> impl Iterator<Item = &'static str> {
    SIGNATURES.iter().map(|(n, _)| *n)
}

pub fn is_builtin(name: &str) -> bool {
    SIGNATURES.iter().any(|(n, _)| *n == name)
}

/// The static name of a built-in.
pub fn canonical(name: &str) -> &'static str {
    SIGNATURES.iter().find(|(n, _)| *n == name).map(|(n, _)| *n).unwrap_or("")
}

/// The parameter names of a built-in's first signature.
pub fn param_names(name: &str) -> Option<Vec<&'static str>> {
    let sig = SIGNATURES.iter().find(|(n, _)| *n == name)?.1;
    Some(sig.split('|').next().unwrap_or("").split(',').filter(|s| !s.is_empty()).collect())
}

/// Whether some signature of a built-in has a parameter of that name.
pub fn has_param(name: &str, param: &str) -> bool {
    SIGNATURES.iter().find(|(n, _)| *n == name).is_some_and(|(_, sig)| sig.split(['|', ',']).any(|p| p == param))
}

/// A call with named arguments: the signature whose parameter names cover the given ones.
pub fn call_named(name: &str, args: Vec<(String, Value)>) -> Value {
    let Some((_, sig)) = SIGNATURES.iter().find(|(n, _)| *n == name) else { return Value::Null };
    for alternative in sig.split('|') {
        let params: Vec<&str> = alternative.split(',').filter(|s| !s.is_empty()).collect();
        if !args.iter().all(|(n, _)| params.contains(&n.as_str())) {
            continue;
        }
        let mut values = vec![None; params.len()];
        for (n, v) in &args {
            if let Some(i) = params.iter().position(|p| p == n) {
                values[i] = Some(v.clone());
            }
        }
        // `context put(key: [...])`: a list of keys goes by the name `keys`.
        if name == "context put" && args.iter().any(|(n, v)| n == "key" && matches!(v, Value::List(_))) {
            return Value::Null;
        }
        // Trailing parameters left out are optional ones (`is` compares with null).
        while name != "is" && values.last().is_some_and(Option::is_none) {
            values.pop();
        }
        let values = values.into_iter().map(|v| v.unwrap_or(Value::Null)).collect();
        return call(name, values);
    }
    Value::Null
}

/// `@"..."`: a date, time, date and time or duration literal.
pub fn temporal_literal(s: &str) -> Option<Value> {
    if s.starts_with('P') || s.starts_with("-P") {
        return value::parse_duration(s);
    }
    if let Some(dt) = value::parse_date_time(s) {
        return Some(Value::DateTime(dt));
    }
    if let Some(d) = value::parse_date(s) {
        return Some(Value::Date(d));
    }
    value::parse_time(s).map(Value::Time)
}

fn num(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

fn int(v: &Value) -> Option<i64> {
    num(v).filter(|n| n.fract().is_zero()).and_then(|n| n.to_i64())
}

fn text(v: &Value) -> Option<&str> {
    match v {
        Value::String(s) => Some(s),
        _ => None,
    }
}

/// The items of a list argument, or all arguments (`sum(1, 2)` and `sum([1, 2])`).
fn items(args: Vec<Value>) -> Option<Vec<Value>> {
    match <[Value; 1]>::try_from(args) {
        Ok([Value::List(items)]) => Some(items),
        Ok([Value::Null]) => None,
        Ok([one]) => Some(vec![one]),
        Err(args) if args.is_empty() => None,
        Err(args) => Some(args),
    }
}

fn numbers(list: &[Value]) -> Option<Vec<Decimal>> {
    list.iter().map(num).collect()
}

const STRING_FNS: [&str; 10] = [
    "substring",
    "upper case",
    "lower case",
    "substring before",
    "substring after",
    "replace",
    "contains",
    "starts with",
    "ends with",
    "matches",
];

/// Call a built-in by name; `null` for wrong arguments.
pub fn call(name: &str, args: Vec<Value>) -> Value {
    // A singleton list passes as its item where a single value is expected.
    let args = if name.contains("string") || STRING_FNS.contains(&name) {
        args.into_iter()
            .enumerate()
            .map(|(k, v)| match v {
                Value::List(mut items) if items.len() == 1 && !(name == "string join" && k == 0) => {
                    items.pop().unwrap_or(Value::Null)
                }
                other => other,
            })
            .collect()
    } else {
        args
    };
    let r = match name {
        "date" | "date and time" | "time" | "number" | "string" | "duration" | "years and months duration" => {
            conversion(name, &args)
        }
        "not" => match args.as_slice() {
            [Value::Bool(b)] => Some(Value::Bool(!b)),
            _ => None,
        },
        "substring" | "string length" | "upper case" | "lower case" | "substring before" | "substring after"
        | "replace" | "contains" | "starts with" | "ends with" | "matches" | "split" | "string join" => {
            string_fn(name, &args)
        }
        "decimal" | "floor" | "ceiling" | "round up" | "round down" | "round half up" | "round half down" | "abs"
        | "modulo" | "sqrt" | "log" | "exp" | "odd" | "even" => number_fn(name, &args),
        "is" | "day of year" | "day of week" | "month of year" | "week of year" | "today" | "now" => {
            date_fn(name, &args)
        }
        "get value" | "get entries" | "context" | "context put" | "context merge" => context_fn(name, args),
        "range" => match args.as_slice() {
            [Value::String(s)] => range_from_text(s),
            _ => None,
        },
        "before" | "after" | "meets" | "met by" | "overlaps" | "overlaps before" | "overlaps after" | "finishes"
        | "finished by" | "includes" | "during" | "starts" | "started by" | "coincides" => {
            interval(name, &args).map(Value::Bool)
        }
        _ => list_fn(name, args),
    };
    r.unwrap_or(Value::Null)
}

/// The table-level aggregations of a COLLECT decision table (`sum`, `min`, `max`).
pub fn aggregate(name: &str, items: &[Value]) -> Option<Value> {
    match call(name, vec![Value::List(items.to_vec())]) {
        Value::Null => None,
        v => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_built_in_has_parameter_names() {
        assert!(names().all(|n| param_names(n).is_some() && is_builtin(n)));
        assert!(!is_builtin("frobnicate"));
    }
}

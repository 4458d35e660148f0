//! FEEL's built-in functions (DMN 1.5, chapter 10.3.4), by family: conversion, boolean, string,
//! list, number, date and time, range, context.
//!
//! A call with arguments of the wrong kind or number gives `null`, as FEEL says. A name that is
//! no built-in is refused when the text is parsed (see [`super::syntax`]), so nothing here guesses.

use std::rc::Rc;

use chrono::{Datelike, NaiveDate, NaiveTime};
use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use super::eval::{self, call as call_function, compare, date_to_date_time, time_of, Function, Scope};
use super::syntax::{Args, Ast, CmpOp};
use super::value::{self, equal, order, plain_text, DateTime, Time, Value, Zone};

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

// ---------------------------------------------------------------- conversion

fn conversion(name: &str, args: &[Value]) -> Option<Value> {
    Some(match (name, args) {
        ("date", [Value::String(s)]) => Value::Date(value::parse_date(s)?),
        ("date", [Value::Date(d)]) => Value::Date(*d),
        ("date", [Value::DateTime(dt)]) => Value::Date(dt.dt.date()),
        ("date", [y, m, d]) => Value::Date(NaiveDate::from_ymd_opt(
            i32::try_from(int(y)?).ok()?,
            u32::try_from(int(m)?).ok()?,
            u32::try_from(int(d)?).ok()?,
        )?),
        ("date and time", [Value::String(s)]) => match value::parse_date_time(s) {
            Some(dt) => Value::DateTime(dt),
            None => Value::DateTime(date_to_date_time(value::parse_date(s)?)),
        },
        ("date and time", [Value::DateTime(dt)]) => Value::DateTime(dt.clone()),
        ("date and time", [Value::Date(d)]) => Value::DateTime(date_to_date_time(*d)),
        ("date and time", [d, Value::Time(t)]) => {
            let date = match d {
                Value::Date(d) => *d,
                Value::DateTime(dt) => dt.dt.date(),
                _ => return None,
            };
            Value::DateTime(DateTime { dt: date.and_time(t.time), zone: t.zone.clone() })
        }
        ("time", [Value::String(s)]) => Value::Time(value::parse_time(s)?),
        ("time", [Value::Time(t)]) => Value::Time(t.clone()),
        ("time", [Value::DateTime(dt)]) => Value::Time(time_of(dt)),
        ("time", [Value::Date(_)]) => Value::Time(Time { time: NaiveTime::MIN, zone: Some(Zone::Offset(0)) }),
        ("time", [h, m, s]) | ("time", [h, m, s, Value::Null]) => Value::Time(Time { time: hms(h, m, s)?, zone: None }),
        ("time", [h, m, s, Value::DtDuration(off)]) => {
            let off = off.to_i32()?;
            if off.abs() > 14 * 3600 {
                return None;
            }
            Value::Time(Time { time: hms(h, m, s)?, zone: Some(Zone::Offset(off)) })
        }
        ("number", [Value::String(s)]) => Value::Number(value::parse_decimal(s)?),
        ("number", [Value::String(s), g]) => number_from(s, g, &Value::Null)?,
        ("number", [Value::String(s), g, d]) => number_from(s, g, d)?,
        ("string", [Value::Null]) => return None,
        ("string", [v]) => Value::String(plain_text(v)),
        ("duration", [Value::String(s)]) => value::parse_duration(s)?,
        ("years and months duration", [a, b]) => {
            let date = |v: &Value| match v {
                Value::Date(d) => Some(d.and_time(NaiveTime::MIN)),
                Value::DateTime(dt) => Some(dt.dt),
                _ => None,
            };
            let (from, to) = (date(a)?, date(b)?);
            let mut months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
            // Whole months between the dates; the time of day does not count.
            let rest = |d: chrono::NaiveDateTime| d.day();
            if months > 0 && rest(to) < rest(from) {
                months -= 1;
            } else if months < 0 && rest(to) > rest(from) {
                months += 1;
            }
            Value::YmDuration(months)
        }
        _ => return None,
    })
}

fn hms(h: &Value, m: &Value, s: &Value) -> Option<NaiveTime> {
    let sec = num(s)?;
    let whole = u32::try_from(sec.trunc().to_i64()?).ok()?;
    let nanos = ((sec - sec.trunc()) * Decimal::from(1_000_000_000)).to_u32()?;
    NaiveTime::from_hms_nano_opt(u32::try_from(int(h)?).ok()?, u32::try_from(int(m)?).ok()?, whole, nanos)
}

fn number_from(s: &str, grouping: &Value, decimal: &Value) -> Option<Value> {
    let g = match grouping {
        Value::Null => None,
        Value::String(g) if [" ", ",", "."].contains(&g.as_str()) => Some(g.as_str()),
        _ => return None,
    };
    let d = match decimal {
        Value::Null => None,
        Value::String(d) if [",", "."].contains(&d.as_str()) => Some(d.as_str()),
        _ => return None,
    };
    if g.is_some() && g == d {
        return None;
    }
    let mut t = s.to_string();
    if let Some(g) = g {
        t = t.replace(g, "");
    }
    if let Some(d) = d {
        t = t.replace(d, ".");
    }
    value::parse_decimal(&t).map(Value::Number)
}

// ---------------------------------------------------------------- strings

fn char_count(s: &str) -> i64 {
    s.chars().count() as i64
}

fn string_fn(name: &str, args: &[Value]) -> Option<Value> {
    let s = |x: String| Some(Value::String(x));
    let b = |x: bool| Some(Value::Bool(x));
    match (name, args) {
        ("substring", [Value::String(x), start]) => s(substring(x, num(start)?, None)?),
        ("substring", [Value::String(x), start, Value::Null]) => s(substring(x, num(start)?, None)?),
        ("substring", [Value::String(x), start, len]) => s(substring(x, num(start)?, Some(num(len)?))?),
        ("string length", [Value::String(x)]) => Some(Value::number(char_count(x))),
        ("upper case", [Value::String(x)]) => s(x.to_uppercase()),
        ("lower case", [Value::String(x)]) => s(x.to_lowercase()),
        ("substring before", [Value::String(x), Value::String(m)]) => {
            s(x.find(m.as_str()).map(|i| x[..i].to_string()).unwrap_or_default())
        }
        ("substring after", [Value::String(x), Value::String(m)]) => {
            s(x.find(m.as_str()).map(|i| x[i + m.len()..].to_string()).unwrap_or_default())
        }
        ("contains", [Value::String(x), Value::String(m)]) => b(x.contains(m.as_str())),
        ("starts with", [Value::String(x), Value::String(m)]) => b(x.starts_with(m.as_str())),
        ("ends with", [Value::String(x), Value::String(m)]) => b(x.ends_with(m.as_str())),
        ("matches", [Value::String(x), Value::String(p)]) => b(regex(p, "")?.is_match(x)),
        ("matches", [Value::String(x), Value::String(p), Value::String(f)]) => b(regex(p, f)?.is_match(x)),
        ("matches", [Value::String(x), Value::String(p), Value::Null]) => b(regex(p, "")?.is_match(x)),
        ("replace", [Value::String(x), Value::String(p), Value::String(r)]) => s(replace(x, p, r, "")?),
        ("replace", [Value::String(x), Value::String(p), Value::String(r), Value::Null]) => s(replace(x, p, r, "")?),
        ("replace", [Value::String(x), Value::String(p), Value::String(r), Value::String(f)]) => {
            s(replace(x, p, r, f)?)
        }
        ("split", [Value::String(x), Value::String(d)]) => {
            let re = regex(d, "")?;
            Some(Value::List(re.split(x).map(|p| Value::String(p.to_string())).collect()))
        }
        ("string join", [Value::String(one), rest @ ..]) if rest.len() <= 1 => {
            let mut args = vec![Value::List(vec![Value::String(one.clone())])];
            args.extend(rest.iter().cloned());
            string_fn(name, &args)
        }
        ("string join", [Value::List(items)]) => join(items, ""),
        ("string join", [Value::List(items), Value::Null]) => join(items, ""),
        ("string join", [Value::List(items), Value::String(d)]) => join(items, d),
        _ => None,
    }
}

fn join(items: &[Value], delimiter: &str) -> Option<Value> {
    let mut parts = Vec::new();
    for i in items {
        match i {
            Value::Null => {}
            Value::String(s) => parts.push(s.as_str()),
            _ => return None,
        }
    }
    Some(Value::String(parts.join(delimiter)))
}

fn substring(x: &str, start: Decimal, length: Option<Decimal>) -> Option<String> {
    let chars: Vec<char> = x.chars().collect();
    let n = chars.len() as i64;
    let start = start.trunc().to_i64()?;
    let from = if start > 0 { start - 1 } else { n + start };
    if start == 0 || from < 0 || from > n {
        return if start == 0 { None } else { Some(String::new()) }.filter(|_| start != 0).or(None);
    }
    let to = match length {
        Some(l) => {
            let l = l.trunc().to_i64()?;
            if l < 0 {
                return None;
            }
            (from + l).min(n)
        }
        None => n,
    };
    Some(chars[from as usize..to as usize].iter().collect())
}

/// An XML Schema regular expression (with XPath flags `s`, `m`, `i`, `x`, `q`) as a regex.
fn regex(pattern: &str, flags: &str) -> Option<regex_lite::Regex> {
    if flags.chars().any(|c| !"smixq".contains(c)) {
        return None;
    }
    let mut p = if flags.contains('q') {
        regex_lite::escape(pattern)
    } else {
        xsd_pattern(pattern, flags.contains('x'), flags.contains('s'))?
    };
    let inline: String = flags.chars().filter(|c| "smi".contains(*c)).collect();
    if !inline.is_empty() {
        p = format!("(?{inline}){p}");
    }
    regex_lite::Regex::new(&p).ok()
}

/// XML Schema regex -> regex syntax: the same for the common part. `.` excludes `\r` as well as
/// `\n`; the `x` flag drops white space outside character classes. Back-references and class
/// subtraction, which the engine lacks, are refused.
fn xsd_pattern(p: &str, extended: bool, dot_all: bool) -> Option<String> {
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    let mut class = 0;
    while let Some(c) = chars.next() {
        if extended && class == 0 && c.is_whitespace() {
            continue;
        }
        if c == '[' {
            class += 1;
        } else if c == ']' && class > 0 {
            class -= 1;
        }
        if c == '.' && class == 0 && !dot_all {
            out.push_str("[^\\n\\r]");
            continue;
        }
        if c == '\\' {
            match chars.next()? {
                d @ '1'..='9' => {
                    let _ = d;
                    return None;
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        } else if c == '-' && chars.peek() == Some(&'[') {
            return None;
        } else {
            out.push(c);
        }
    }
    Some(out)
}

fn replace(x: &str, p: &str, r: &str, flags: &str) -> Option<String> {
    let re = regex(p, flags)?;
    if re.is_match("") {
        return None;
    }
    let replacement = if flags.contains('q') {
        r.replace('$', "$$")
    } else {
        // XPath `$1` -> `${1}` (so `$1a` is group 1 then `a`); `\$` is a literal dollar.
        let mut out = String::new();
        let mut cs = r.chars().peekable();
        while let Some(c) = cs.next() {
            match c {
                '\\' => match cs.next()? {
                    '$' => out.push_str("$$"),
                    '\\' => out.push('\\'),
                    _ => return None,
                },
                '$' => {
                    let mut n = String::new();
                    while let Some(d) = cs.peek().filter(|d| d.is_ascii_digit()) {
                        n.push(*d);
                        cs.next();
                    }
                    if n.is_empty() {
                        return None;
                    }
                    out.push_str(&format!("${{{n}}}"));
                }
                c => out.push(c),
            }
        }
        out
    };
    Some(re.replace_all(x, replacement.as_str()).into_owned())
}

// ---------------------------------------------------------------- numbers

fn scale_of(v: Option<&Value>) -> Option<u32> {
    match v {
        None => Some(0),
        Some(v) => {
            let s = num(v)?.trunc().to_i64()?;
            if !(-6111..=6176).contains(&s) {
                return None;
            }
            u32::try_from(s.clamp(0, 28)).ok()
        }
    }
}

fn round(n: Decimal, scale: Option<&Value>, strategy: RoundingStrategy) -> Option<Value> {
    let s = scale_of(scale)?;
    Some(Value::Number(n.round_dp_with_strategy(s, strategy)))
}

fn number_fn(name: &str, args: &[Value]) -> Option<Value> {
    use RoundingStrategy::*;
    let n = |v: &Value| num(v);
    match (name, args) {
        ("decimal", [x, s]) => round(n(x)?, Some(s), MidpointNearestEven),
        ("floor", [x]) => round(n(x)?, None, ToNegativeInfinity),
        ("floor", [x, s]) => round(n(x)?, Some(s), ToNegativeInfinity),
        ("ceiling", [x]) => round(n(x)?, None, ToPositiveInfinity),
        ("ceiling", [x, s]) => round(n(x)?, Some(s), ToPositiveInfinity),
        ("round up", [x, s]) => round(n(x)?, Some(s), AwayFromZero),
        ("round down", [x, s]) => round(n(x)?, Some(s), ToZero),
        ("round half up", [x, s]) => round(n(x)?, Some(s), MidpointAwayFromZero),
        ("round half down", [x, s]) => round(n(x)?, Some(s), MidpointTowardZero),
        ("abs", [Value::Number(x)]) => Some(Value::Number(x.abs())),
        ("abs", [Value::DtDuration(x)]) => Some(Value::DtDuration(x.abs())),
        ("abs", [Value::YmDuration(x)]) => Some(Value::YmDuration(x.abs())),
        ("modulo", [a, b]) => {
            let (a, b) = (n(a)?, n(b)?);
            if b.is_zero() {
                return None;
            }
            Some(Value::Number(a - b * (a / b).floor()))
        }
        ("sqrt", [x]) => Some(Value::Number(n(x)?.sqrt()?)),
        ("log", [x]) => {
            let x = n(x)?;
            if x <= Decimal::ZERO {
                return None;
            }
            Some(Value::Number(x.checked_ln()?))
        }
        ("exp", [x]) => Some(Value::Number(n(x)?.checked_exp()?)),
        ("odd", [x]) => {
            let x = n(x)?;
            x.fract().is_zero().then(|| Value::Bool(!(x % Decimal::TWO).is_zero()))
        }
        ("even", [x]) => {
            let x = n(x)?;
            x.fract().is_zero().then(|| Value::Bool((x % Decimal::TWO).is_zero()))
        }
        _ => None,
    }
}

// ---------------------------------------------------------------- dates

fn date_of(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Date(d) => Some(*d),
        Value::DateTime(dt) => Some(dt.dt.date()),
        _ => None,
    }
}

const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

fn date_fn(name: &str, args: &[Value]) -> Option<Value> {
    Some(match (name, args) {
        ("is", [a, b]) => Value::Bool(a.type_name() == b.type_name() && same(a, b)),
        ("day of year", [d]) => Value::number(date_of(d)?.ordinal().into()),
        ("day of week", [d]) => Value::String(DAYS[date_of(d)?.weekday().num_days_from_monday() as usize].into()),
        ("month of year", [d]) => Value::String(MONTHS[date_of(d)?.month0() as usize].into()),
        ("week of year", [d]) => Value::number(date_of(d)?.iso_week().week().into()),
        ("today", []) => Value::Date(now()?.date()),
        ("now", []) => Value::DateTime(DateTime { dt: now()?, zone: Some(Zone::Offset(0)) }),
        _ => return None,
    })
}

/// `is()`: equal and written alike (a time at `+01:00` is not one at `@Europe/Paris`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Time(x), Value::Time(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x == y,
        _ => equal(a, b) == Some(true),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn now() -> Option<chrono::NaiveDateTime> {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    chrono::DateTime::from_timestamp(i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()).map(|t| t.naive_utc())
}

/// The browser has no clock without JavaScript's help: `today()` and `now()` are `null` there.
#[cfg(target_arch = "wasm32")]
fn now() -> Option<chrono::NaiveDateTime> {
    None
}

// ---------------------------------------------------------------- contexts

fn context_fn(name: &str, args: Vec<Value>) -> Option<Value> {
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

// ---------------------------------------------------------------- ranges

/// `range("[1..10)")`: a range literal whose ends are literals.
fn range_from_text(s: &str) -> Option<Value> {
    let ast = super::syntax::parse(s, &super::syntax::Names::new(Vec::<String>::new())).ok()?;
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

fn interval(name: &str, args: &[Value]) -> Option<bool> {
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

// ---------------------------------------------------------------- lists

fn position(list_len: usize, p: &Value) -> Option<usize> {
    let p = num(p)?.trunc().to_i64()?;
    let n = list_len as i64;
    let i = if p > 0 { p - 1 } else { n + p };
    (p != 0 && i >= 0 && i < n).then_some(i as usize)
}

fn list_fn(name: &str, args: Vec<Value>) -> Option<Value> {
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

/// The table-level aggregations of a COLLECT decision table (`sum`, `min`, `max`).
pub fn aggregate(name: &str, items: &[Value]) -> Option<Value> {
    match call(name, vec![Value::List(items.to_vec())]) {
        Value::Null => None,
        v => Some(v),
    }
}

// ---------------------------------------------------------------- external functions

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
    if types.len() != args.len() {
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
        _ => Value::Null,
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

    #[test]
    fn rounding_families() {
        let r =
            |f: &str, n: &str, s: i64| call(f, vec![Value::Number(n.parse().unwrap()), Value::number(s)]).to_string();
        assert_eq!(r("round up", "5.5", 0), "6");
        assert_eq!(r("round up", "-5.5", 0), "-6");
        assert_eq!(r("round down", "5.5", 0), "5");
        assert_eq!(r("round half up", "-5.5", 0), "-6");
        assert_eq!(r("round half down", "5.5", 0), "5");
        assert_eq!(r("decimal", "2.5", 0), "2");
        assert_eq!(r("floor", "-1.55", 1), "-1.6");
    }

    #[test]
    fn xml_schema_regex() {
        let m = |s: &str, p: &str, f: &str| {
            call("matches", vec![Value::String(s.into()), Value::String(p.into()), Value::String(f.into())])
        };
        assert_eq!(m("abracadabra", "^a.*a$", ""), Value::Bool(true));
        assert_eq!(m("Hello", "hello", "i"), Value::Bool(true));
        assert_eq!(m("a.b", ".", "q"), Value::Bool(true));
        assert_eq!(m("x", "(", ""), Value::Null);
        let r = call(
            "replace",
            vec![Value::String("abcd".into()), Value::String("(ab)|(a)".into()), Value::String("[1=$1][2=$2]".into())],
        );
        assert_eq!(r, Value::String("[1=ab][2=]cd".into()));
    }
}

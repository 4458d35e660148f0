//! String functions, with XML Schema regular expressions for `matches`, `replace` and `split`.

use rust_decimal::prelude::*;

use super::num;
use crate::dmn::feel::value::Value;

fn char_count(s: &str) -> i64 {
    s.chars().count() as i64
}

pub(super) fn string_fn(name: &str, args: &[Value]) -> Option<Value> {
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

#[cfg(test)]
mod tests {
    use super::super::call;
    use crate::dmn::feel::Value;

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

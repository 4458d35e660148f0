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
        ("matches", [Value::String(x), Value::String(p)]) => matches(x, p, ""),
        ("matches", [Value::String(x), Value::String(p), Value::String(f)]) => matches(x, p, f),
        ("matches", [Value::String(x), Value::String(p), Value::Null]) => matches(x, p, ""),
        ("replace", [Value::String(x), Value::String(p), Value::String(r)]) => s(replace(x, p, r, "")?),
        ("replace", [Value::String(x), Value::String(p), Value::String(r), Value::Null]) => s(replace(x, p, r, "")?),
        ("replace", [Value::String(x), Value::String(p), Value::String(r), Value::String(f)]) => {
            s(replace(x, p, r, f)?)
        }
        ("split", [Value::String(x), Value::String(d)]) => split(x, d),
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

/// The regex engine: natively `fancy-regex` (on the `regex` crate: Unicode classes and case
/// folding, class subtraction, back-references, and a backtracking limit that keeps the time
/// bounded); in the browser the small `regex-lite`, which has none of those, so a pattern that
/// needs them gives null there (the full engine would cost the on-demand module ~300 KB).
#[cfg(not(target_arch = "wasm32"))]
mod engine {
    pub const FULL: bool = true;
    pub type Regex = fancy_regex::Regex;

    pub fn new(pattern: &str) -> Option<Regex> {
        fancy_regex::RegexBuilder::new(pattern).build().ok()
    }
    pub fn escape(text: &str) -> String {
        fancy_regex::escape(text).into_owned()
    }
    pub fn is_match(re: &Regex, x: &str) -> Option<bool> {
        re.is_match(x).ok()
    }
    pub fn replace_all(re: &Regex, x: &str, replacement: &str) -> Option<String> {
        re.try_replacen(x, 0, replacement).ok().map(|r| r.into_owned())
    }
    pub fn split(re: &Regex, x: &str) -> Option<Vec<String>> {
        re.split(x).map(|p| p.ok().map(String::from)).collect()
    }
}

#[cfg(target_arch = "wasm32")]
mod engine {
    pub const FULL: bool = false;
    pub type Regex = regex_lite::Regex;

    pub fn new(pattern: &str) -> Option<Regex> {
        Regex::new(pattern).ok()
    }
    pub fn escape(text: &str) -> String {
        regex_lite::escape(text)
    }
    pub fn is_match(re: &Regex, x: &str) -> Option<bool> {
        Some(re.is_match(x))
    }
    pub fn replace_all(re: &Regex, x: &str, replacement: &str) -> Option<String> {
        Some(re.replace_all(x, replacement).into_owned())
    }
    pub fn split(re: &Regex, x: &str) -> Option<Vec<String>> {
        Some(re.split(x).map(String::from).collect())
    }
}

fn matches(x: &str, p: &str, flags: &str) -> Option<Value> {
    Some(Value::Bool(engine::is_match(&regex(p, flags)?, x)?))
}

fn split(x: &str, p: &str) -> Option<Value> {
    let parts = engine::split(&regex(p, "")?, x)?;
    Some(Value::List(parts.into_iter().map(Value::String).collect()))
}

/// An XML Schema regular expression (with XPath flags `s`, `m`, `i`, `x`, `q`) as a regex.
fn regex(pattern: &str, flags: &str) -> Option<engine::Regex> {
    if flags.chars().any(|c| !"smixq".contains(c)) {
        return None;
    }
    let mut p = if flags.contains('q') {
        engine::escape(pattern)
    } else {
        xsd_pattern(pattern, flags.contains('x'), flags.contains('s'))?
    };
    let inline: String = flags.chars().filter(|c| "smi".contains(*c)).collect();
    if !inline.is_empty() {
        p = format!("(?{inline}){p}");
    }
    engine::new(&p)
}

/// XML Schema regex -> regex syntax: the same for the common part. `.` excludes `\r` as well as
/// `\n`; the `x` flag drops white space outside character classes before the pattern is read
/// (`\p{ IsBasicLatin}` is `\p{IsBasicLatin}`); class subtraction `[a-z-[aeiou]]` becomes `--`;
/// Unicode blocks `\p{IsBasicLatin}` become their ranges. Where the engine lacks a feature
/// (back-references, `\p`, subtraction in the browser), the pattern is refused.
fn xsd_pattern(p: &str, extended: bool, dot_all: bool) -> Option<String> {
    let p = if extended { strip_white_space(p) } else { p.to_string() };
    let mut out = String::new();
    let mut chars = p.chars().peekable();
    let mut class = 0;
    while let Some(c) = chars.next() {
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
                d @ '1'..='9' if engine::FULL && class == 0 => {
                    out.push('\\');
                    out.push(d);
                }
                '1'..='9' => return None,
                p @ ('p' | 'P') => {
                    if !engine::FULL || chars.next()? != '{' {
                        return None;
                    }
                    let mut name = String::new();
                    loop {
                        match chars.next()? {
                            '}' => break,
                            c => name.push(c),
                        }
                    }
                    out.push_str(&property(&name, p == 'P', class > 0)?);
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        } else if c == '-' && chars.peek() == Some(&'[') {
            if !engine::FULL || class == 0 {
                return None;
            }
            out.push_str("--");
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// The `x` flag: white space (tab, newline, carriage return, space) is removed, except inside a
/// character class.
fn strip_white_space(p: &str) -> String {
    let mut out = String::new();
    let (mut class, mut escaped) = (0, false);
    for c in p.chars() {
        if matches!(c, '\t' | '\n' | '\r' | ' ') && class == 0 {
            continue;
        }
        if !escaped && c == '[' {
            class += 1;
        } else if !escaped && c == ']' && class > 0 {
            class -= 1;
        }
        escaped = !escaped && c == '\\';
        out.push(c);
    }
    out
}

/// `\p{name}` / `\P{name}`: a general category (`L`, `Nd`, ...) as is, a block (`IsBasicLatin`)
/// as its range of code points.
fn property(name: &str, negated: bool, in_class: bool) -> Option<String> {
    let Some(block) = name.strip_prefix("Is") else {
        let valid = !name.is_empty() && name.len() <= 2 && name.chars().all(|c| c.is_ascii_alphabetic());
        return valid.then(|| format!("\\{}{{{name}}}", if negated { 'P' } else { 'p' }));
    };
    let &(_, lo, hi) = BLOCKS.iter().find(|(n, _, _)| *n == block)?;
    let range = format!("\\x{{{lo:X}}}-\\x{{{hi:X}}}");
    Some(match (negated, in_class) {
        (false, true) => range,
        (false, false) => format!("[{range}]"),
        (true, _) => format!("[^{range}]"),
    })
}

/// Unicode blocks by their XML Schema names (the commonly used part of the list).
const BLOCKS: &[(&str, u32, u32)] = &[
    ("BasicLatin", 0x0000, 0x007F),
    ("Latin-1Supplement", 0x0080, 0x00FF),
    ("LatinExtended-A", 0x0100, 0x017F),
    ("LatinExtended-B", 0x0180, 0x024F),
    ("IPAExtensions", 0x0250, 0x02AF),
    ("SpacingModifierLetters", 0x02B0, 0x02FF),
    ("CombiningDiacriticalMarks", 0x0300, 0x036F),
    ("Greek", 0x0370, 0x03FF),
    ("Cyrillic", 0x0400, 0x04FF),
    ("Armenian", 0x0530, 0x058F),
    ("Hebrew", 0x0590, 0x05FF),
    ("Arabic", 0x0600, 0x06FF),
    ("Devanagari", 0x0900, 0x097F),
    ("Thai", 0x0E00, 0x0E7F),
    ("Georgian", 0x10A0, 0x10FF),
    ("HangulJamo", 0x1100, 0x11FF),
    ("LatinExtendedAdditional", 0x1E00, 0x1EFF),
    ("GreekExtended", 0x1F00, 0x1FFF),
    ("GeneralPunctuation", 0x2000, 0x206F),
    ("SuperscriptsandSubscripts", 0x2070, 0x209F),
    ("CurrencySymbols", 0x20A0, 0x20CF),
    ("LetterlikeSymbols", 0x2100, 0x214F),
    ("NumberForms", 0x2150, 0x218F),
    ("Arrows", 0x2190, 0x21FF),
    ("MathematicalOperators", 0x2200, 0x22FF),
    ("BoxDrawing", 0x2500, 0x257F),
    ("GeometricShapes", 0x25A0, 0x25FF),
    ("Dingbats", 0x2700, 0x27BF),
    ("CJKSymbolsandPunctuation", 0x3000, 0x303F),
    ("Hiragana", 0x3040, 0x309F),
    ("Katakana", 0x30A0, 0x30FF),
    ("CJKUnifiedIdeographs", 0x4E00, 0x9FFF),
    ("HangulSyllables", 0xAC00, 0xD7A3),
    ("AlphabeticPresentationForms", 0xFB00, 0xFB4F),
    ("HalfwidthandFullwidthForms", 0xFF00, 0xFFEF),
    ("Specials", 0xFFF0, 0xFFFF),
];

fn replace(x: &str, p: &str, r: &str, flags: &str) -> Option<String> {
    let re = regex(p, flags)?;
    if engine::is_match(&re, "")? {
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
    engine::replace_all(&re, x, &replacement)
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
        // The `x` flag drops white space before the pattern is read, even after a backslash.
        assert_eq!(m("hello world", "hello\\ sworld", "x"), Value::Bool(true));
        assert_eq!(m("hello world", "hello[ ]world", "x"), Value::Bool(true));
    }

    /// What only the full engine has: the browser's small engine gives null for these.
    #[cfg(not(target_arch = "wasm32"))]
    #[test]
    fn xml_schema_regex_unicode_subtraction_and_back_references() {
        let m = |s: &str, p: &str, f: &str| {
            call("matches", vec![Value::String(s.into()), Value::String(p.into()), Value::String(f.into())])
        };
        assert_eq!(m("\u{212A}", "k", "i"), Value::Bool(true), "the Kelvin sign folds to k");
        assert_eq!(m("x", "[A-Z-[OI]]", "i"), Value::Bool(true));
        assert_eq!(m("O", "[A-Z-[OI]]", ""), Value::Bool(false));
        assert_eq!(m("i", "[A-Z-[OI]]", "i"), Value::Bool(false));
        assert_eq!(m("hello", "^\\p{IsBasicLatin}+$", ""), Value::Bool(true));
        assert_eq!(m("h\u{e9}llo", "^\\p{IsBasicLatin}+$", ""), Value::Bool(false));
        assert_eq!(m("h\u{e9}llo", "^[\\p{IsBasicLatin}\\p{IsLatin-1Supplement}]+$", ""), Value::Bool(true));
        assert_eq!(m("\u{e9}", "^\\P{IsBasicLatin}$", ""), Value::Bool(true));
        assert_eq!(m("\u{e9}", "^\\p{Ll}$", ""), Value::Bool(true));
        assert_eq!(m("x", "\\p{IsNoSuchBlock}", ""), Value::Null);
        assert_eq!(m("x", "\\p{ IsBasicLatin}", ""), Value::Null, "white space stays without `x`");
        assert_eq!(m("aA", "(a)\\1", "i"), Value::Bool(true));
        assert_eq!(m("ab", "(a)\\1", ""), Value::Bool(false));
        assert_eq!(m("a", "[\\1]", ""), Value::Null, "no back-reference in a class");
        // A pattern that backtracks exponentially stops at the engine's limit: null, not a hang.
        let long = format!("{}!", "a".repeat(40));
        assert_eq!(m(&long, "^(a|a)*\\1b", ""), Value::Null);
        let split = call("split", vec![Value::String("a1b22c".into()), Value::String("\\p{Nd}+".into())]);
        assert_eq!(split.to_string(), r#"["a", "b", "c"]"#);
    }
}

//! Text -> syntax tree. The only module that sees pest pairs; nothing pest leaves it.

use std::iter::Peekable;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;
use pest_derive::Parser;

use super::ast::*;
use super::limits::{self, MAX_BRANCHES, MAX_DEPTH, MAX_TABLE_ROWS, MAX_TEXT_BYTES};
use crate::diagnostics::Diagnostic;
use crate::source::Span;

#[derive(Parser)]
#[grammar = "syntax/grammar.pest"]
struct Grammar;

thread_local! {
    /// Where the text being parsed starts in its [`crate::source::SourceFile`]: a composed ruleset
    /// (`extends`) is one source made of several files, and spans must point into the whole.
    static OFFSET: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Parse a ruleset. A syntax error is returned as a diagnostic (code `E001`) pointing at the spot
/// where the parser stopped, saying what it expected there.
pub fn parse(text: &str) -> Result<File, Diagnostic> {
    parse_at(text, 0)
}

/// Parse a ruleset that starts at byte `offset` of a composed source; spans include the offset.
pub fn parse_at(text: &str, offset: usize) -> Result<File, Diagnostic> {
    OFFSET.with(|o| o.set(offset));
    let result = parse_file(text);
    OFFSET.with(|o| o.set(0));
    result
}

fn shifted(span: Span) -> Span {
    let offset = OFFSET.with(|o| o.get());
    Span::new(span.start + offset, span.end + offset)
}

fn parse_file(text: &str) -> Result<File, Diagnostic> {
    if text.len() > MAX_TEXT_BYTES {
        let message = format!("the ruleset is {} bytes; the limit is {MAX_TEXT_BYTES}", text.len());
        return Err(limits::too_large(shifted(Span::new(0, 0)), message));
    }
    let (mut code, comments) = split_comments(text);
    // A UTF-8 byte order mark (Windows editors write one) is layout: three blanks keep the offsets.
    if code.starts_with('\u{feff}') {
        code.replace_range(..'\u{feff}'.len_utf8(), "   ");
    }
    limits::check_nesting(&code, OFFSET.with(|o| o.get()))?;
    let mut pairs = Grammar::parse(Rule::file, &code).map_err(|e| syntax_error(&code, e))?;
    let file = pairs.next().ok_or_else(|| Diagnostic::error("E001", shifted(Span::default()), "empty parse"))?;
    let mut header = None;
    let mut items = Vec::new();
    for pair in file.into_inner() {
        match pair.as_rule() {
            Rule::header => header = Some(header_of(pair)?),
            Rule::EOI => {}
            _ => items.push(item(pair)?),
        }
    }
    Ok(File { header, items, comments })
}

/// The span of a pair without the blanks pest lets a rule swallow at its end (comments are blanks
/// by then, see [`split_comments`]).
fn span(pair: &Pair<Rule>) -> Span {
    let span = pair.as_span();
    let start = span.start();
    shifted(Span::new(start, start + span.as_str().trim_ascii_end().len()))
}

/// Where a `//` comment starts in one line, outside strings.
fn comment_start(line: &str) -> Option<usize> {
    let bytes = line.as_bytes();
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn syntax_error(text: &str, e: pest::error::Error<Rule>) -> Diagnostic {
    // The mistakes that derail a parser far from their cause get a message about the cause.
    if let Some(d) = unclosed_string(text).or_else(|| unclosed_brace(text)).or_else(|| stray_character(text)) {
        return d;
    }
    let offset = match e.location {
        pest::error::InputLocation::Pos(p) => p,
        pest::error::InputLocation::Span((s, _)) => s,
    };
    let found = text[offset.min(text.len())..]
        .split(|c: char| c.is_whitespace())
        .next()
        .filter(|w| !w.is_empty())
        .map(|w| format!("`{}`", w.chars().take(20).collect::<String>()))
        .unwrap_or_else(|| "the end of the file".into());
    let expected = match &e.variant {
        pest::error::ErrorVariant::ParsingError { positives, .. } => {
            let mut names: Vec<&str> = positives.iter().flat_map(|r| rule_names(*r)).copied().collect();
            crate::sort::sort(&mut names);
            names.dedup();
            names
        }
        pest::error::ErrorVariant::CustomError { .. } => Vec::new(),
    };
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&expected))
    };
    let end = text[offset.min(text.len())..]
        .find(|c: char| c.is_whitespace())
        .map(|n| offset + n.max(1))
        .unwrap_or(text.len());
    Diagnostic::error("E001", shifted(Span::new(offset, end.max(offset))), message).with_label("here")
}

/// A `"` with no closing `"` on its line (strings do not span lines in practice).
fn unclosed_string(text: &str) -> Option<Diagnostic> {
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        let code = match comment_start(line) {
            Some(c) => &line[..c],
            None => line,
        };
        let mut open = None;
        let mut i = 0;
        let bytes = code.as_bytes();
        while i < bytes.len() {
            match bytes[i] {
                b'\\' if open.is_some() => i += 1,
                b'"' => open = if open.is_some() { None } else { Some(i) },
                _ => {}
            }
            i += 1;
        }
        if let Some(at) = open {
            let start = line_start + at;
            return Some(
                Diagnostic::error("E001", shifted(Span::new(start, start + 1)), "this string is not closed")
                    .with_label("string starts here")
                    .with_help("end the text with `\"` on the same line"),
            );
        }
        line_start += line.len();
    }
    None
}

/// A character the language has no place for outside strings and comments: a control character
/// (NUL, ...) or a letter outside ASCII in a name. Pest reports these at the start of the
/// declaration; this points at the character itself.
fn stray_character(code: &str) -> Option<Diagnostic> {
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in code.char_indices() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        let message = match c {
            '"' => {
                in_string = true;
                continue;
            }
            c if c.is_ascii_whitespace() || c.is_ascii_graphic() || c == '\u{feff}' && i == 0 => continue,
            '\u{a0}' | '\u{2000}'..='\u{200b}' | '\u{202f}' | '\u{3000}' => {
                format!("a special space (U+{:04X}) is not allowed here; type an ordinary space", c as u32)
            }
            // Without Unicode tables (they would grow the WebAssembly module): a printable
            // character outside ASCII is most likely a letter typed in a name.
            c if !c.is_ascii() && !c.is_control() && !crate::diagnostics::is_bidi_control(c) => {
                format!("`{c}` cannot be part of a name: names use a-z, A-Z, 0-9 and `_`")
            }
            c => format!("the character U+{:04X} is not allowed here", c as u32),
        };
        let span = shifted(Span::new(i, i + c.len_utf8()));
        return Some(
            Diagnostic::error("E001", span, message)
                .with_label("here")
                .with_help("outside \"texts\" a ruleset is written in plain ASCII; retype this part if it was pasted"),
        );
    }
    None
}

/// A `{` that is never closed: point at it rather than at the end of the file.
fn unclosed_brace(text: &str) -> Option<Diagnostic> {
    let mut open: Vec<usize> = Vec::new();
    let mut in_string = false;
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_string => i += 1,
            b'"' => in_string = !in_string,
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                i = text[i..].find('\n').map(|n| i + n).unwrap_or(bytes.len());
                continue;
            }
            b'{' if !in_string => open.push(i),
            b'}' if !in_string => {
                open.pop()?;
            }
            _ => {}
        }
        i += 1;
    }
    let at = *open.last()?;
    Some(
        Diagnostic::error("E001", shifted(Span::new(at, at + 1)), "this `{` is never closed")
            .with_label("opened here")
            .with_help("add the missing `}` where this block ends"),
    )
}

fn join_or(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).into(),
        [rest @ .., last] => format!("{} or {last}", rest.join(", ")),
    }
}

/// Names for grammar rules in the user's terms; none hides a helper rule from messages. A rule for
/// several operators names each.
fn rule_names(rule: Rule) -> &'static [&'static str] {
    match rule {
        Rule::header => &["`ruleset \"...\" { ... }`"],
        Rule::header_prop => &["`authority`, `valid from`, `source`, `activity` or `extends`"],
        Rule::input_decl | Rule::input_kw => &["`input` or `question`"],
        Rule::layer_decl => &["`layer`"],
        Rule::let_decl => &["`let`"],
        Rule::decision => &["`decision`"],
        Rule::check => &["`check`"],
        Rule::at_rule => &["`at`"],
        Rule::input_props => &["`{`"],
        Rule::derive => &["`from`"],
        Rule::input_prop => &["`help`, `intent`, `range` or `priority`"],
        Rule::type_expr | Rule::type_name => &["a type (bool, number, length, surface, text, choice(...), area, ...)"],
        Rule::branch | Rule::when_head => &["`when` or `otherwise`"],
        Rule::otherwise_head => &["`otherwise`"],
        Rule::leaf => &["`->`"],
        Rule::tree => &["`{`"],
        Rule::table => &["`table`"],
        Rule::hit_policy => &["a hit policy (UNIQUE, FIRST, PRIORITY, ANY, COLLECT, RULE ORDER, OUTPUT ORDER)"],
        Rule::table_inputs => &["`inputs`"],
        Rule::table_rule => &["`rule`"],
        Rule::cell | Rule::tests | Rule::unary_test => &["a cell test (`-`, `< 5 m`, `[1 .. 2]`, a value)"],
        Rule::because => &["`because`"],
        Rule::reference => &["`ref`"],
        Rule::show => &["`show`"],
        Rule::expr | Rule::primary | Rule::if_expr => &["an expression"],
        Rule::compare_op => &["a comparison"],
        Rule::spatial_op => &["`within`, `contains`, `overlaps` or `intersects`"],
        Rule::logic_op => &["`and`", "`or`"],
        Rule::arith_op => &["`*` or `/`", "`+` or `-`"],
        Rule::string => &["a string"],
        Rule::ident | Rule::name => &["a name"],
        Rule::date => &["a date (YYYY-MM-DD)"],
        Rule::integer => &["a whole number"],
        Rule::quantity | Rule::number => &["a number"],
        Rule::unit => &["a unit"],
        Rule::EOI => &["the end of the file"],
        _ => &[],
    }
}

fn bad(pair: &Pair<Rule>, what: &str) -> Diagnostic {
    Diagnostic::error("E001", span(pair), format!("internal parser error: unexpected {what}"))
}

fn next<'a>(it: &mut impl Iterator<Item = Pair<'a, Rule>>, parent: Span) -> Result<Pair<'a, Rule>, Diagnostic> {
    it.next().ok_or_else(|| Diagnostic::error("E001", parent, "internal parser error: missing part"))
}

fn header_of(pair: Pair<Rule>) -> Result<Header, Diagnostic> {
    let sp = span(&pair);
    let mut inner = pair.into_inner();
    let name = string(next(&mut inner, sp)?);
    let mut h = Header {
        name,
        authority: None,
        valid_from: None,
        valid_until: None,
        source: None,
        activity: None,
        extends: None,
        span: sp,
    };
    for prop in inner {
        let prop_span = span(&prop);
        let p = next(&mut prop.into_inner(), prop_span)?;
        match p.as_rule() {
            Rule::authority => h.authority = Some(string(next(&mut p.into_inner(), prop_span)?)),
            Rule::source => h.source = Some(string(next(&mut p.into_inner(), prop_span)?)),
            Rule::activity => h.activity = Some(string(next(&mut p.into_inner(), prop_span)?)),
            Rule::extends => h.extends = Some(string(next(&mut p.into_inner(), prop_span)?)),
            Rule::validity => {
                let mut dates = p.into_inner();
                h.valid_from = Some(date(next(&mut dates, prop_span)?)?);
                h.valid_until = dates.next().map(date).transpose()?;
            }
            _ => return Err(bad(&p, "header property")),
        }
    }
    Ok(h)
}

fn date(pair: Pair<Rule>) -> Result<DateLit, Diagnostic> {
    let sp = span(&pair);
    let text = pair.as_str();
    let invalid = || {
        Diagnostic::error("E010", sp, format!("`{text}` is not a valid date"))
            .with_help("write dates as YYYY-MM-DD, e.g. 2024-01-01")
    };
    let num = |range: std::ops::Range<usize>| text.get(range).and_then(|s| s.parse::<u16>().ok());
    let (year, month, day) =
        (num(0..4).ok_or_else(invalid)?, num(5..7).ok_or_else(invalid)?, num(8..10).ok_or_else(invalid)?);
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return Err(invalid()),
    };
    if day == 0 || day > days_in_month {
        return Err(invalid());
    }
    Ok(DateLit { date: Date { year, month: month as u8, day: day as u8 }, span: sp })
}

/// Parse `YYYY-MM-DD` (for evaluation dates given by the host).
pub fn parse_date(text: &str) -> Option<Date> {
    let ok = text.len() == 10 && text.as_bytes().get(4) == Some(&b'-') && text.as_bytes().get(7) == Some(&b'-');
    if !ok {
        return None;
    }
    let mut pairs = Grammar::parse(Rule::date, text).ok()?;
    date(pairs.next()?).ok().map(|d| d.date)
}

fn string(pair: Pair<Rule>) -> StrLit {
    let sp = span(&pair);
    // The text between the quotes (the grammar guarantees both).
    let text = pair.as_str();
    let raw = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    if !raw.contains('\\') {
        return StrLit { value: raw.to_string(), span: sp };
    }
    let mut value = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => value.push('\n'),
                Some('t') => value.push('\t'),
                Some(other) => value.push(other),
                None => {}
            }
        } else {
            value.push(c);
        }
    }
    StrLit { value, span: sp }
}

fn ident(pair: Pair<Rule>) -> Ident {
    Ident { span: span(&pair), name: pair.as_str().to_string() }
}

fn item(pair: Pair<Rule>) -> Result<Item, Diagnostic> {
    let sp = span(&pair);
    match pair.as_rule() {
        Rule::input_decl => {
            let mut inner = pair.into_inner();
            let kind = match next(&mut inner, sp)?.as_str() {
                "input" => InputKind::Input,
                _ => InputKind::Question,
            };
            let name = ident(next(&mut inner, sp)?);
            let ty = type_expr(next(&mut inner, sp)?)?;
            let label = string(next(&mut inner, sp)?);
            let mut decl = InputDecl {
                kind,
                name,
                ty,
                label,
                help: None,
                intent: None,
                range: None,
                priority: None,
                derive: None,
                span: sp,
            };
            let mut rest = inner.next();
            if let Some(d) = rest.as_ref().filter(|p| p.as_rule() == Rule::derive) {
                let d_span = span(d);
                let mut parts = d.clone().into_inner();
                let value = expr(next(&mut parts, d_span)?)?;
                let when = parts.next().map(expr).transpose()?;
                decl.derive = Some(Box::new(Derive { value, when, span: d_span }));
                rest = inner.next();
            }
            if let Some(props) = rest {
                for prop in props.into_inner() {
                    let prop_span = span(&prop);
                    let p = next(&mut prop.into_inner(), prop_span)?;
                    match p.as_rule() {
                        Rule::help => decl.help = Some(string(next(&mut p.into_inner(), prop_span)?)),
                        Rule::intent => decl.intent = Some(string(next(&mut p.into_inner(), prop_span)?)),
                        Rule::range => {
                            let mut parts = p.into_inner();
                            let low = expr(next(&mut parts, prop_span)?)?;
                            let high = expr(next(&mut parts, prop_span)?)?;
                            decl.range = Some((low, high));
                        }
                        Rule::priority => {
                            let n = next(&mut p.into_inner(), prop_span)?;
                            let value = n
                                .as_str()
                                .parse::<i64>()
                                .map_err(|_| Diagnostic::error("E001", span(&n), "priority must be a whole number"))?;
                            decl.priority = Some((value, span(&n)));
                        }
                        _ => return Err(bad(&p, "input property")),
                    }
                }
            }
            Ok(Item::Input(decl))
        }
        Rule::layer_decl => {
            let mut inner = pair.into_inner();
            let name = ident(next(&mut inner, sp)?);
            let kind = ident(next(&mut inner, sp)?);
            let mut label = None;
            let mut attributes = Vec::new();
            let mut filter = None;
            for p in inner {
                match p.as_rule() {
                    Rule::string => label = Some(string(p)),
                    Rule::layer_filter => {
                        let filter_span = span(&p);
                        let mut parts = p.into_inner();
                        let attribute = ident(next(&mut parts, filter_span)?);
                        filter = Some((attribute, parts.map(string).collect()));
                    }
                    Rule::layer_schema => {
                        for attr in p.into_inner() {
                            let attr_span = span(&attr);
                            let mut parts = attr.into_inner();
                            let n = ident(next(&mut parts, attr_span)?);
                            let t = type_expr(next(&mut parts, attr_span)?)?;
                            attributes.push((n, t));
                        }
                    }
                    _ => return Err(bad(&p, "layer part")),
                }
            }
            Ok(Item::Layer(LayerDecl { name, kind, label, attributes, filter, span: sp }))
        }
        Rule::let_decl => {
            let mut inner = pair.into_inner().peekable();
            let is_override = inner.next_if(|p| p.as_rule() == Rule::override_kw).is_some();
            let name = ident(next(&mut inner, sp)?);
            let value = expr(next(&mut inner, sp)?)?;
            let when = inner.next().map(expr).transpose()?;
            Ok(Item::Let(LetDecl { name, value, is_override, when, valid: None, span: sp }))
        }
        Rule::decision => {
            let mut id = None;
            let mut title = None;
            let mut body = None;
            for p in pair.into_inner() {
                match p.as_rule() {
                    Rule::ident => id = Some(ident(p)),
                    Rule::string => title = Some(string(p)),
                    Rule::tree => body = Some(DecisionBody::Tree(branches(p)?)),
                    Rule::table => body = Some(DecisionBody::Table(table(p)?)),
                    _ => return Err(bad(&p, "decision part")),
                }
            }
            match (title, body) {
                (Some(title), Some(body)) => Ok(Item::Decision(Decision { id, title, body, span: sp })),
                _ => Err(Diagnostic::error("E001", sp, "internal parser error: incomplete decision")),
            }
        }
        Rule::check => {
            let mut inner = pair.into_inner();
            let name = string(next(&mut inner, sp)?);
            let condition = expr(next(&mut inner, sp)?)?;
            let mut c = Check { name, condition, show: None, because: None, reference: None, span: sp };
            for p in inner {
                let p_span = span(&p);
                match p.as_rule() {
                    Rule::show => c.show = Some(expr(next(&mut p.into_inner(), p_span)?)?),
                    Rule::because => c.because = Some(string(next(&mut p.into_inner(), p_span)?)),
                    Rule::reference => c.reference = Some(string(next(&mut p.into_inner(), p_span)?)),
                    _ => return Err(bad(&p, "check part")),
                }
            }
            Ok(Item::Check(c))
        }
        Rule::at_rule => {
            let mut inner = pair.into_inner();
            let layer = ident(next(&mut inner, sp)?);
            let mut radius = None;
            let mut strings = Vec::new();
            let mut intent = None;
            let mut reference = None;
            for p in inner {
                let p_span = span(&p);
                match p.as_rule() {
                    Rule::radius => radius = Some(expr(next(&mut p.into_inner(), p_span)?)?),
                    Rule::string => strings.push(string(p)),
                    Rule::intent => intent = Some(string(next(&mut p.into_inner(), p_span)?)),
                    Rule::reference => reference = Some(string(next(&mut p.into_inner(), p_span)?)),
                    _ => return Err(bad(&p, "at part")),
                }
            }
            let mut strings = strings.into_iter();
            match (strings.next(), strings.next()) {
                (Some(title), Some(text)) => {
                    Ok(Item::At(AtRule { layer, radius, title, text, intent, reference, span: sp }))
                }
                _ => Err(Diagnostic::error("E001", sp, "internal parser error: incomplete at rule")),
            }
        }
        _ => Err(bad(&pair, "item")),
    }
}

fn type_expr(pair: Pair<Rule>) -> Result<TypeExpr, Diagnostic> {
    let sp = span(&pair);
    let inner = next(&mut pair.into_inner(), sp)?;
    Ok(match inner.as_rule() {
        Rule::choice_type => TypeExpr::Choice(inner.into_inner().map(string).collect(), sp),
        _ => TypeExpr::Named(Ident { name: inner.as_str().to_string(), span: sp }),
    })
}

fn branches(tree: Pair<Rule>) -> Result<Vec<Branch>, Diagnostic> {
    let mut count = 0;
    branches_counted(tree, &mut count)
}

/// The branches of a tree, counting them (nested ones too) against [`MAX_BRANCHES`].
fn branches_counted(tree: Pair<Rule>, count: &mut usize) -> Result<Vec<Branch>, Diagnostic> {
    let mut out = Vec::new();
    for pair in tree.into_inner() {
        *count += 1;
        if *count > MAX_BRANCHES {
            let message = format!("a decision may have at most {MAX_BRANCHES} branches");
            return Err(limits::too_large(span(&pair), message)
                .with_help("write a long list of cases as a decision table (`table FIRST { ... }`)"));
        }
        out.push(branch(pair, count)?);
    }
    Ok(out)
}

fn branch(pair: Pair<Rule>, count: &mut usize) -> Result<Branch, Diagnostic> {
    let sp = span(&pair);
    let mut inner = pair.into_inner();
    let head = next(&mut inner, sp)?;
    let head_span = span(&head);
    let condition = match head.as_rule() {
        Rule::when_head => Some(expr(next(&mut head.into_inner(), head_span)?)?),
        _ => None,
    };
    let body_pair = next(&mut inner, sp)?;
    let body = match body_pair.as_rule() {
        Rule::leaf => BranchBody::Leaf(leaf(body_pair)?),
        _ => BranchBody::Nested(branches_counted(body_pair, count)?),
    };
    Ok(Branch { condition, body, head_span, span: sp })
}

fn leaf(pair: Pair<Rule>) -> Result<Leaf, Diagnostic> {
    let sp = span(&pair);
    let mut inner = pair.into_inner();
    let value = expr(next(&mut inner, sp)?)?;
    let mut l = Leaf { value, because: None, reference: None, span: sp };
    for p in inner {
        let p_span = span(&p);
        match p.as_rule() {
            Rule::because => l.because = Some(string(next(&mut p.into_inner(), p_span)?)),
            Rule::reference => l.reference = Some(string(next(&mut p.into_inner(), p_span)?)),
            _ => return Err(bad(&p, "conclusion part")),
        }
    }
    Ok(l)
}

fn table(pair: Pair<Rule>) -> Result<Table, Diagnostic> {
    let sp = span(&pair);
    let mut inner = pair.into_inner();
    let hit_pair = next(&mut inner, sp)?;
    let hit_span = span(&hit_pair);
    let policy = next(&mut hit_pair.into_inner(), hit_span)?;
    let hit = match policy.as_rule() {
        Rule::unique => HitPolicy::Unique,
        Rule::first => HitPolicy::First,
        Rule::priority_hit => HitPolicy::Priority,
        Rule::any_hit => HitPolicy::Any,
        Rule::rule_order => HitPolicy::RuleOrder,
        Rule::output_order => HitPolicy::OutputOrder,
        Rule::collect => HitPolicy::Collect(policy.into_inner().next().map(|a| match a.as_str() {
            "sum" => Aggregator::Sum,
            "min" => Aggregator::Min,
            "max" => Aggregator::Max,
            _ => Aggregator::Count,
        })),
        _ => return Err(bad(&policy, "hit policy")),
    };
    let inputs = next(&mut inner, sp)?.into_inner().map(expr).collect::<Result<Vec<_>, _>>()?;
    let mut rules = Vec::new();
    for rule in inner {
        let rule_span = span(&rule);
        if rules.len() == MAX_TABLE_ROWS {
            let message = format!("a decision table may have at most {MAX_TABLE_ROWS} rules");
            return Err(limits::too_large(rule_span, message));
        }
        let mut cells = Vec::new();
        let mut leaf_value = None;
        for p in rule.into_inner() {
            match p.as_rule() {
                Rule::cell => cells.push(cell(p)?),
                Rule::leaf => leaf_value = Some(leaf(p)?),
                _ => return Err(bad(&p, "rule part")),
            }
        }
        let leaf = leaf_value.ok_or_else(|| Diagnostic::error("E001", rule_span, "rule without `->`"))?;
        rules.push(TableRule { cells, leaf, span: rule_span });
    }
    Ok(Table { hit, hit_span, inputs, rules })
}

fn cell(pair: Pair<Rule>) -> Result<Cell, Diagnostic> {
    let sp = span(&pair);
    let inner = next(&mut pair.into_inner(), sp)?;
    match inner.as_rule() {
        Rule::any_cell => Ok(Cell::Any(sp)),
        Rule::negated_tests => {
            let tests_pair = next(&mut inner.into_inner(), sp)?;
            Ok(Cell::Tests { tests: tests(tests_pair)?, negated: true, span: sp })
        }
        _ => Ok(Cell::Tests { tests: tests(inner)?, negated: false, span: sp }),
    }
}

fn tests(pair: Pair<Rule>) -> Result<Vec<UnaryTest>, Diagnostic> {
    pair.into_inner().map(unary_test).collect()
}

fn unary_test(pair: Pair<Rule>) -> Result<UnaryTest, Diagnostic> {
    let sp = span(&pair);
    let inner = next(&mut pair.into_inner(), sp)?;
    let inner_span = span(&inner);
    match inner.as_rule() {
        Rule::interval => {
            let mut parts = inner.into_inner();
            let open = next(&mut parts, inner_span)?.as_str() == "[";
            let low = expr(next(&mut parts, inner_span)?)?;
            let high = expr(next(&mut parts, inner_span)?)?;
            let close = next(&mut parts, inner_span)?.as_str() == "]";
            Ok(UnaryTest::Interval { low, low_closed: open, high, high_closed: close, span: inner_span })
        }
        Rule::compare_test => {
            let mut parts = inner.into_inner();
            let op = compare_op(next(&mut parts, inner_span)?.as_str());
            Ok(UnaryTest::Compare(op, expr(next(&mut parts, inner_span)?)?))
        }
        _ => Ok(UnaryTest::Equal(expr(inner)?)),
    }
}

fn compare_op(text: &str) -> CompareOp {
    match text {
        "!=" => CompareOp::Ne,
        "<" => CompareOp::Lt,
        "<=" => CompareOp::Le,
        ">" => CompareOp::Gt,
        ">=" => CompareOp::Ge,
        _ => CompareOp::Eq,
    }
}

/// An expression with the source range it was written in. Comparisons span their operands as
/// written (with parentheses and signs); other nodes span their sub-expressions.
struct Operand {
    expr: Expr,
    written: Span,
    /// How deep `expr` is (a name is 1), kept below [`MAX_DEPTH`] as the tree is built.
    depth: usize,
}

fn expr(pair: Pair<Rule>) -> Result<Expr, Diagnostic> {
    expr_operand(pair).map(|o| o.expr)
}

fn expr_operand(pair: Pair<Rule>) -> Result<Operand, Diagnostic> {
    let sp = span(&pair);
    let mut parts = pair.into_inner().peekable();
    let operand = climb(&mut parts, 0, sp)?;
    match parts.next() {
        None => Ok(operand),
        Some(extra) => Err(bad(&extra, "operator")),
    }
}

/// The depth of a node over children of depth `below`, or the error when that is too deep.
fn deeper(below: usize, at: Span) -> Result<usize, Diagnostic> {
    if below >= MAX_DEPTH {
        return Err(limits::too_deep(at, "expression", MAX_DEPTH));
    }
    Ok(below + 1)
}

/// How tightly an infix operator binds; higher binds tighter. Lowest first: `or`, `and`, (`not`),
/// comparisons, `+ -`, `* /`, (unary `-`). All are left-associative.
fn infix_power(op: &Pair<Rule>) -> u8 {
    match (op.as_rule(), op.as_str()) {
        (Rule::logic_op, "or") => 1,
        (Rule::logic_op, _) => 2,
        (Rule::arith_op, "+" | "-") => 5,
        (Rule::arith_op, _) => 6,
        (Rule::compare_op | Rule::spatial_op | Rule::in_op, _) => 4,
        // Not an operator (the grammar makes this impossible): ends the expression.
        _ => 0,
    }
}

const NOT_POWER: u8 = 3;
const NEG_POWER: u8 = 7;

/// Precedence climbing over the operands and operators of an `expr`, taking only operators that
/// bind tighter than `min_power`. The grammar already allows only valid sequences (one comparison
/// between `and`s and `or`s, `not` only before a comparison), so this only decides the grouping.
fn climb(parts: &mut Peekable<Pairs<Rule>>, min_power: u8, parent: Span) -> Result<Operand, Diagnostic> {
    let first = next(parts, parent)?;
    let mut left = match first.as_rule() {
        Rule::not_op | Rule::neg_op => {
            let (kind, power) =
                if first.as_rule() == Rule::not_op { (UnaryOp::Not, NOT_POWER) } else { (UnaryOp::Neg, NEG_POWER) };
            let operand = climb(parts, power, parent)?;
            let op_span = span(&first);
            let span = op_span.to(operand.expr.span);
            let depth = deeper(operand.depth, op_span)?;
            Operand { expr: fold_unary(kind, operand.expr, span), written: op_span.to(operand.written), depth }
        }
        _ => operand(first)?,
    };
    while let Some(power) = parts.peek().map(infix_power).filter(|&power| power > min_power) {
        let op = next(parts, parent)?;
        let right = climb(parts, power, parent)?;
        left = infix(left, &op, right)?;
    }
    Ok(left)
}

fn infix(left: Operand, op: &Pair<Rule>, right: Operand) -> Result<Operand, Diagnostic> {
    let written = left.written.to(right.written);
    let depth = deeper(left.depth.max(right.depth), span(op))?;
    let (kind, span) = match op.as_rule() {
        Rule::compare_op => (binary(BinOp::Compare(compare_op(op.as_str())), left.expr, right.expr), written),
        Rule::spatial_op => (binary(BinOp::Spatial(spatial_op(op.as_str())), left.expr, right.expr), written),
        Rule::in_op => match right.expr.kind {
            ExprKind::List(items) => (ExprKind::In(Box::new(left.expr), items), written),
            _ => return Err(bad(op, "`in` without a list")),
        },
        _ => {
            let op = match op.as_str() {
                "or" => BinOp::Or,
                "and" => BinOp::And,
                "+" => BinOp::Add,
                "-" => BinOp::Sub,
                "*" => BinOp::Mul,
                _ => BinOp::Div,
            };
            let span = left.expr.span.to(right.expr.span);
            (binary(op, left.expr, right.expr), span)
        }
    };
    Ok(Operand { expr: Expr { kind, span }, written, depth })
}

fn binary(op: BinOp, left: Expr, right: Expr) -> ExprKind {
    ExprKind::Binary(op, Box::new(left), Box::new(right))
}

fn spatial_op(text: &str) -> SpatialOp {
    match text {
        "within" => SpatialOp::Within,
        "contains" => SpatialOp::Contains,
        "overlaps" => SpatialOp::Overlaps,
        _ => SpatialOp::Intersects,
    }
}

/// One operand between operators: a `primary`, the list after `in`, or a whole `if`.
fn operand(pair: Pair<Rule>) -> Result<Operand, Diagnostic> {
    let written = span(&pair);
    let pair = match pair.as_rule() {
        Rule::primary => next(&mut pair.into_inner(), written)?,
        _ => pair,
    };
    // A primary and what it holds end at the same token, except `(a)`, handled first below.
    let sp = written;
    // The deepest sub-expression, for the depth of this one.
    let mut below = 0;
    let mut sub = |pair: Pair<Rule>| -> Result<Expr, Diagnostic> {
        let o = expr_operand(pair)?;
        below = below.max(o.depth);
        Ok(o.expr)
    };
    let kind = match pair.as_rule() {
        // `(a)`: the expression inside, spanning `a` only.
        Rule::expr => {
            let inner = expr_operand(pair)?;
            return Ok(Operand { expr: inner.expr, written, depth: inner.depth });
        }
        Rule::if_expr => {
            let mut parts = pair.into_inner();
            let c = sub(next(&mut parts, sp)?)?;
            let t = sub(next(&mut parts, sp)?)?;
            let e = sub(next(&mut parts, sp)?)?;
            ExprKind::If(Box::new(c), Box::new(t), Box::new(e))
        }
        Rule::name => {
            let mut parts = pair.into_inner();
            let name = next(&mut parts, sp)?;
            match parts.next() {
                Some(args) => ExprKind::Call(ident(name), args.into_inner().map(&mut sub).collect::<Result<_, _>>()?),
                None => ExprKind::Name(name.as_str().to_string()),
            }
        }
        Rule::quantity => {
            let mut parts = pair.into_inner();
            let number = next(&mut parts, sp)?;
            let text = number.as_str().to_string();
            let value =
                crate::value::parse_decimal(&text).ok_or_else(|| Diagnostic::error("E001", sp, "invalid number"))?;
            let unit = parts.next().map(ident);
            ExprKind::Number { value, text, unit }
        }
        Rule::string => ExprKind::Str(string(pair).value),
        Rule::boolean => ExprKind::Bool(pair.as_str() == "true"),
        Rule::location => ExprKind::Location(match pair.as_str() {
            "ja" => crate::spatial::Location::Ja,
            "nee" => crate::spatial::Location::Nee,
            _ => crate::spatial::Location::Deels,
        }),
        Rule::outcome => ExprKind::Conclusion(pair.as_str().to_string()),
        Rule::list => ExprKind::List(pair.into_inner().map(&mut sub).collect::<Result<_, _>>()?),
        _ => return Err(bad(&pair, "expression")),
    };
    Ok(Operand { expr: Expr { kind, span: sp }, written, depth: deeper(below, sp)? })
}

/// `-5 m` is a negative number literal, not a negation of a literal (keeps the formatter exact).
fn fold_unary(op: UnaryOp, e: Expr, span: Span) -> Expr {
    if let (UnaryOp::Neg, ExprKind::Number { value, text, unit }) = (op, &e.kind) {
        return Expr { kind: ExprKind::Number { value: -value, text: format!("-{text}"), unit: unit.clone() }, span };
    }
    Expr { kind: ExprKind::Unary(op, Box::new(e)), span }
}

/// The text with every `// comment` outside string literals replaced by spaces, and the comments.
/// Blanks keep every byte offset, so spans into the blanked text are spans into `text`.
fn split_comments(text: &str) -> (String, Vec<Comment>) {
    let bytes = text.as_bytes();
    let mut code = String::with_capacity(text.len());
    let mut comments = Vec::new();
    let mut copied = 0;
    let mut i = 0;
    let mut in_string = false;
    while i < bytes.len() {
        // Jump to the next byte that matters: `"` or `\` in a string, `"` or `/` outside.
        let next = if in_string {
            bytes[i..].iter().position(|&b| b == b'"' || b == b'\\')
        } else {
            bytes[i..].iter().position(|&b| b == b'"' || b == b'/')
        };
        let Some(n) = next else { break };
        i += n;
        let b = bytes[i];
        if in_string {
            if b == b'\\' {
                i += 1;
            } else if b == b'"' {
                in_string = false;
            }
        } else if b == b'"' {
            in_string = true;
        } else if b == b'/' && bytes.get(i + 1) == Some(&b'/') {
            let end = text[i..].find('\n').map(|n| i + n).unwrap_or(text.len());
            comments.push(Comment { text: text[i..end].trim_end().to_string(), span: shifted(Span::new(i, end)) });
            code.push_str(&text[copied..i]);
            code.extend(std::iter::repeat_n(' ', end - i));
            copied = end;
            i = end;
            continue;
        }
        i += 1;
    }
    code.push_str(&text[copied..]);
    (code, comments)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"
ruleset "Voorbeeld" {
  authority "Gemeente Voorbeeld"
  valid from 2024-01-01 until 2030-12-31
}
// the resident's plan
input plan: area "Uw plan"
question height: length "Hoe hoog?" { help "Meet vanaf de grond." range 0 m .. 30 m priority 10 }
question roof: choice("plat", "schuin") "Wat voor dak?"
layer monument: area "Monumenten" { status: text }
let max_area = if height <= 3 m then 50% * area(plan) else min(90 m2, 10 m2)
decision conclusie "Conclusie" {
  when plan overlaps monument -> Vergunningplicht because "Monument." ref "art. 1"
  when height > 5 m {
    when roof == "plat" -> Vergunningplicht
    otherwise -> Meldingsplicht
  }
  otherwise -> Toestemmingsvrij because "Past binnen {max_area}."
}
decision "Tabel" table COLLECT sum {
  inputs height | roof
  rule < 3 m | "plat", "schuin" -> 1
  rule [3 m .. 5 m) | not("plat") -> 2
  rule - | - -> 3
}
check "Hoogte" { height <= 5 m show plan because "Te hoog." }
at monument "Monument" { "Status: {status}" ref "Erfgoedwet" }
"#;

    #[test]
    fn parses_every_construct() {
        let file = parse(SAMPLE).expect("sample parses");
        let header = file.header.expect("header");
        assert_eq!(header.name.value, "Voorbeeld");
        assert_eq!(header.valid_until.map(|d| d.date.year), Some(2030));
        assert_eq!(file.items.len(), 9);
        assert_eq!(file.comments.len(), 1);
        let Item::Decision(table) = &file.items[6] else { panic!("table") };
        let DecisionBody::Table(t) = &table.body else { panic!("table body") };
        assert_eq!(t.hit, HitPolicy::Collect(Some(Aggregator::Sum)));
        assert_eq!(t.rules.len(), 3);
        assert!(matches!(t.rules[2].cells[0], Cell::Any(_)));
        assert!(matches!(&t.rules[1].cells[1], Cell::Tests { negated: true, .. }));
    }

    #[test]
    fn precedence_and_units() {
        for text in ["let x = 4 m and y", "let x = a > 4 m and y", "let x = 3 > 4 and not y"] {
            parse(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
        }
        let file = parse("let x = 1 m + 2 m * 3 > 4 m and not y or z").expect("parses");
        let Item::Let(l) = &file.items[0] else { panic!() };
        let ExprKind::Binary(BinOp::Or, left, _) = &l.value.kind else { panic!("or at top: {:?}", l.value) };
        assert!(matches!(left.kind, ExprKind::Binary(BinOp::And, _, _)));
    }

    #[test]
    fn syntax_error_says_where_and_what() {
        let err = parse("question height: length \"Hoe hoog?\"\nlet x = height >").expect_err("incomplete");
        assert_eq!(err.code, "E001");
        assert!(err.message.contains("expected"), "{}", err.message);
        assert_eq!(err.span.start, 52);
    }

    #[test]
    fn unclosed_strings_and_braces_point_at_their_start() {
        let err = parse("ruleset \"X\" {\n  authority \"Gemeente\n}\n").expect_err("unclosed string");
        assert_eq!((err.message.as_str(), err.span.start), ("this string is not closed", 26));
        let err = parse("ruleset \"X\" { authority \"{a}\" }\ndecision \"D\" {\n  otherwise -> Verbod\n")
            .expect_err("unclosed brace");
        assert_eq!((err.message.as_str(), err.span.start), ("this `{` is never closed", 45));
    }

    #[test]
    fn comments_skip_strings() {
        let (code, c) = split_comments("let a = \"http://x\" // échte\n");
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].text, "// échte");
        assert_eq!(code, format!("let a = \"http://x\" {}\n", " ".repeat("// échte".len())));
    }

    #[test]
    fn dates_are_validated() {
        assert!(parse_date("2024-02-29").is_some());
        assert!(parse_date("2023-02-29").is_none());
        assert!(parse_date("2024-13-01").is_none());
    }
}

//! The parser's cursor over the text: characters, white space and comments, keywords, the
//! nesting bound, and the look-ahead that tells ranges, lists of tests and groupings apart by
//! scanning bracket pairs once.

use std::cell::Cell;

use super::{is_name_char, is_name_start, Names, MAX_DEPTH};
use crate::dmn::feel::FeelError;

/// A recursive-descent parser over the characters of one text.
pub(super) struct Parser {
    pub(super) text: Vec<char>,
    pub(super) pos: usize,
    pub(super) names: Names,
    pub(super) depth: usize,
    /// Each opening bracket with its closing partner, by position of the opening one.
    pub(super) partners: Vec<(usize, usize)>,
    /// Characters the look-ahead has stepped over (a test keeps it linear in the text).
    pub(super) looked: Cell<usize>,
}

/// The end (index after it) of the string literal or comment that starts at `i`, if one does.
fn skip_literal(text: &[char], i: usize) -> Option<usize> {
    match (text.get(i), text.get(i + 1)) {
        (Some('"'), _) => {
            let mut j = i + 1;
            while let Some(&c) = text.get(j) {
                j += if c == '\\' { 2 } else { 1 };
                if c == '"' {
                    return Some(j);
                }
            }
            Some(text.len())
        }
        (Some('/'), Some('/')) => Some(text[i..].iter().position(|c| *c == '\n').map_or(text.len(), |k| i + k)),
        (Some('/'), Some('*')) => {
            Some(text[i + 2..].windows(2).position(|w| w == ['*', '/']).map_or(text.len(), |k| i + 2 + k + 2))
        }
        _ => None,
    }
}

/// Every bracket pair, in one pass. Any closing bracket closes the innermost open one (ranges mix
/// kinds: `[1..5)`, `]1..5[`); one with nothing open is left out.
fn bracket_partners(text: &[char]) -> Vec<(usize, usize)> {
    let mut open = Vec::new();
    let mut pairs = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if let Some(end) = skip_literal(text, i) {
            i = end;
            continue;
        }
        match text[i] {
            '(' | '[' | '{' => open.push(i),
            ')' | ']' | '}' => {
                if let Some(o) = open.pop() {
                    pairs.push((o, i));
                }
            }
            _ => {}
        }
        i += 1;
    }
    pairs.sort_unstable();
    pairs
}

/// What a look-ahead past a bracket finds first at the bracket's own level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stop {
    Close,
    Comma,
    /// `..`: the bracket opens a range.
    Dots,
    End,
}

pub(super) type Parsed<T> = Result<T, FeelError>;

impl Parser {
    pub(super) fn new(text: &str, names: &Names) -> Parser {
        let text: Vec<char> = text.chars().collect();
        let partners = bracket_partners(&text);
        Parser { text, pos: 0, names: names.clone(), depth: 0, partners, looked: Cell::new(0) }
    }

    pub(super) fn error(&self, message: impl Into<String>) -> FeelError {
        FeelError { text: self.text.iter().collect(), at: self.pos, message: message.into() }
    }

    pub(super) fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    pub(super) fn peek_at(&self, offset: usize) -> Option<char> {
        self.text.get(self.pos + offset).copied()
    }

    pub(super) fn at_end(&self) -> bool {
        self.pos >= self.text.len()
    }

    pub(super) fn skip_ws(&mut self) {
        loop {
            while self.peek().is_some_and(char::is_whitespace) {
                self.pos += 1;
            }
            if self.peek() == Some('/') && self.peek_at(1) == Some('/') {
                while self.peek().is_some_and(|c| c != '\n') {
                    self.pos += 1;
                }
            } else if self.peek() == Some('/') && self.peek_at(1) == Some('*') {
                self.pos += 2;
                while !(self.at_end() || self.peek() == Some('*') && self.peek_at(1) == Some('/')) {
                    self.pos += 1;
                }
                self.pos = (self.pos + 2).min(self.text.len());
            } else {
                return;
            }
        }
    }

    pub(super) fn end(&mut self) -> Parsed<()> {
        self.skip_ws();
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error(format!("unexpected `{}`", self.rest_preview())))
        }
    }

    pub(super) fn rest_preview(&self) -> String {
        self.text[self.pos..].iter().take(20).collect()
    }

    pub(super) fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    pub(super) fn eat_ws(&mut self, c: char) -> bool {
        self.skip_ws();
        self.eat(c)
    }

    pub(super) fn eat_str(&mut self, s: &str) -> bool {
        self.skip_ws();
        let chars: Vec<char> = s.chars().collect();
        if self.text[self.pos..].starts_with(&chars) {
            self.pos += chars.len();
            true
        } else {
            false
        }
    }

    pub(super) fn expect(&mut self, c: char) -> Parsed<()> {
        if self.eat_ws(c) {
            Ok(())
        } else if self.at_end() {
            Err(self.error(format!("expected `{c}` but the text ends")))
        } else {
            Err(self.error(format!("expected `{c}` at `{}`", self.rest_preview())))
        }
    }

    fn is_keyword(&mut self, kw: &str) -> bool {
        self.skip_ws();
        let chars: Vec<char> = kw.chars().collect();
        self.text[self.pos..].starts_with(&chars)
            && !self.text.get(self.pos + chars.len()).is_some_and(|c| is_name_char(*c))
    }

    pub(super) fn keyword(&mut self, kw: &str) -> bool {
        if self.is_keyword(kw) {
            self.pos += kw.chars().count();
            true
        } else {
            false
        }
    }

    pub(super) fn expect_keyword(&mut self, kw: &str) -> Parsed<()> {
        if self.keyword(kw) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{kw}` at `{}`", self.rest_preview())))
        }
    }

    pub(super) fn deeper(&mut self, by: usize) -> Parsed<()> {
        if self.depth + by > MAX_DEPTH {
            return Err(self.error(format!("expression nested deeper than {MAX_DEPTH}")));
        }
        Ok(())
    }

    /// `x in (1, 2)`: a parenthesised list of tests (not a range `(1..2)` or a grouping): a comma
    /// or a comparison at the top level of the parentheses.
    pub(super) fn starts_test_list(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != Some('(') {
            return false;
        }
        let (stop, compares) = self.ahead();
        stop == Stop::Comma || stop != Stop::Dots && compares
    }

    /// The length of `some name` before a `:` at the position, if the next argument is named.
    pub(super) fn named_argument_ahead(&mut self) -> Option<usize> {
        self.skip_ws();
        let start = self.pos;
        let mut i = start;
        if !self.text.get(i).is_some_and(|c| is_name_start(*c)) {
            return None;
        }
        while self.text.get(i).is_some_and(|c| is_name_char(*c) || *c == ' ' || *c == '\'' || *c == '.') {
            i += 1;
        }
        let mut end = i;
        while end > start && self.text[end - 1] == ' ' {
            end -= 1;
        }
        (self.text.get(i) == Some(&':') && self.text.get(i + 1) != Some(&'=')).then_some(end - start)
    }

    /// Whether the `[` at the position ends an open range (`]1..10[`, then `,`, `)`, `.start`).
    pub(super) fn closes_range(&self) -> bool {
        let mut rest = self.text[self.pos + 1..].iter().filter(|c| !c.is_whitespace());
        match rest.next() {
            None | Some(',' | ')' | ']') => true,
            Some('.') => rest.next().is_some_and(|c| is_name_start(*c)),
            _ => false,
        }
    }

    /// Whether a bracket opens a range (`[1..5)`, `]a..b[`): a `..` at its top level.
    pub(super) fn looks_like_range(&self) -> bool {
        self.ahead().0 == Stop::Dots
    }

    /// The first closing bracket, comma or `..` at the level of the bracket at the position, and
    /// whether a comparison comes before it. Nested brackets are stepped over by their partners,
    /// so no text is scanned once per level it is nested in.
    fn ahead(&self) -> (Stop, bool) {
        let mut compares = false;
        let mut i = self.pos + 1;
        while let Some(&c) = self.text.get(i) {
            self.looked.set(self.looked.get() + 1);
            if let Some(end) = skip_literal(&self.text, i) {
                i = end;
                continue;
            }
            match c {
                '(' | '[' | '{' => match self.partners.binary_search_by_key(&i, |p| p.0) {
                    Ok(k) => i = self.partners[k].1,
                    Err(_) => return (Stop::End, compares),
                },
                ')' | ']' | '}' => return (Stop::Close, compares),
                ',' => return (Stop::Comma, compares),
                '.' if self.text.get(i + 1) == Some(&'.') => return (Stop::Dots, compares),
                '<' | '>' | '=' | '!' => compares = true,
                _ => {}
            }
            i += 1;
        }
        (Stop::End, compares)
    }
}

//! FEEL, the expression language of DMN: a parser for expressions and unary tests, decimal
//! values, and an interpreter.
//!
//! Names in FEEL may contain spaces and other characters (`Monthly Salary`, and in STTR files
//! `_6955a83b-e19c-4014-9655-3076879ea74f`), so the parser is given the names that are in scope
//! and matches the longest one at each position, as DMN engines do.
//!
//! Numbers are decimals (`rust_decimal`, 28 significant digits), so `0.1 + 0.2 = 0.3` holds.
//! Following FEEL, an operation on values it does not apply to gives `null`, never a panic.
//!
//! ```
//! use rules_core::dmn::feel::{parse_expression, evaluate, Names, Value, NoEnv};
//!
//! let names = Names::new(["Monthly Salary"]);
//! let e = parse_expression("12 * Monthly Salary + 0.1 + 0.2", &names).unwrap();
//! let env = rules_core::dmn::feel::Bindings::new(&NoEnv).with("Monthly Salary", Value::number(1000));
//! assert_eq!(evaluate(&e, &env).to_string(), "12000.3");
//! assert_eq!(evaluate(&parse_expression("10 / 0", &names).unwrap(), &NoEnv), Value::Null);
//! ```

use std::cmp::Ordering;
use std::fmt;

use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;
use thiserror::Error;

/// A FEEL text that does not parse.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("{message} at character {at} of `{text}`")]
pub struct FeelError {
    pub text: String,
    /// Character offset in `text`.
    pub at: usize,
    pub message: String,
}

// ---------------------------------------------------------------- syntax tree

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Ne,
    Lt,
    Le,
    Gt,
    Ge,
}

impl CmpOp {
    pub fn symbol(self) -> &'static str {
        match self {
            CmpOp::Eq => "=",
            CmpOp::Ne => "!=",
            CmpOp::Lt => "<",
            CmpOp::Le => "<=",
            CmpOp::Gt => ">",
            CmpOp::Ge => ">=",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Cmp(CmpOp),
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    Number(Decimal),
    String(String),
    /// A variable (input, decision, parameter, context entry).
    Name(String),
    /// `?`: the value a unary test is applied to.
    InputValue,
    List(Vec<Expr>),
    Context(Vec<(String, Expr)>),
    Range(Box<Range>),
    Neg(Box<Expr>),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    Between(Box<Expr>, Box<Expr>, Box<Expr>),
    In(Box<Expr>, Vec<Test>),
    /// A call of a built-in or a business knowledge model by name.
    Call(String, Vec<Expr>),
    Path(Box<Expr>, String),
    Filter(Box<Expr>, Box<Expr>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub low: Expr,
    pub low_closed: bool,
    pub high: Expr,
    pub high_closed: bool,
}

/// The content of a decision table input cell.
#[derive(Debug, Clone, PartialEq)]
pub enum UnaryTests {
    /// `-`
    Any,
    /// `a, b, c`: any may match.
    Tests(Vec<Test>),
    /// `not(a, b)`
    Not(Vec<Test>),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Test {
    /// `< 5`, `!= "x"`
    Compare(CmpOp, Expr),
    /// `[1..5)`
    Range(Range),
    /// A plain value (equality, or membership when it is a list), or a condition on `?`.
    Expr(Expr),
}

impl Expr {
    /// Whether `?` occurs in the expression.
    pub fn uses_input_value(&self) -> bool {
        match self {
            Expr::InputValue => true,
            Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::Name(_) => false,
            Expr::List(items) | Expr::Call(_, items) => items.iter().any(Expr::uses_input_value),
            Expr::Context(entries) => entries.iter().any(|(_, e)| e.uses_input_value()),
            Expr::Range(r) => r.low.uses_input_value() || r.high.uses_input_value(),
            Expr::Neg(e) | Expr::Path(e, _) => e.uses_input_value(),
            Expr::Binary(_, a, b) | Expr::Filter(a, b) => a.uses_input_value() || b.uses_input_value(),
            Expr::If(a, b, c) | Expr::Between(a, b, c) => {
                a.uses_input_value() || b.uses_input_value() || c.uses_input_value()
            }
            Expr::In(e, tests) => e.uses_input_value() || tests.iter().any(|t| t.uses_input_value()),
        }
    }
}

impl Test {
    pub fn uses_input_value(&self) -> bool {
        match self {
            Test::Compare(_, e) | Test::Expr(e) => e.uses_input_value(),
            Test::Range(r) => r.low.uses_input_value() || r.high.uses_input_value(),
        }
    }
}

// ---------------------------------------------------------------- names in scope

/// Built-in functions whose names contain spaces (the parser must know them).
const MULTI_WORD_BUILTINS: [&str; 9] = [
    "string length",
    "upper case",
    "lower case",
    "starts with",
    "ends with",
    "list contains",
    "substring before",
    "substring after",
    "is defined",
];

/// The names in scope, longest first, so `Employment Status Statement` wins over
/// `Employment Status`.
#[derive(Debug, Clone, Default)]
pub struct Names {
    names: Vec<Vec<char>>,
}

impl Names {
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Names {
        let mut n = Names::default();
        for name in names {
            n.add(name.as_ref());
        }
        for b in MULTI_WORD_BUILTINS {
            n.add(b);
        }
        n
    }

    pub fn add(&mut self, name: &str) {
        let chars: Vec<char> = name.trim().chars().collect();
        if chars.is_empty() || self.names.contains(&chars) {
            return;
        }
        let at = self.names.partition_point(|n| n.len() >= chars.len());
        self.names.insert(at, chars);
    }

    /// The longest name at `pos` that ends at a word boundary, in characters.
    fn match_at(&self, text: &[char], pos: usize) -> Option<usize> {
        let rest = text.get(pos..)?;
        self.names
            .iter()
            .find(|n| {
                rest.starts_with(n)
                    && !rest
                        .get(n.len())
                        .is_some_and(|c| is_name_char(*c) && n.last().is_some_and(|l| is_name_char(*l)))
            })
            .map(Vec::len)
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

const KEYWORDS: [&str; 18] = [
    "if",
    "then",
    "else",
    "and",
    "or",
    "in",
    "between",
    "instance",
    "of",
    "true",
    "false",
    "null",
    "for",
    "some",
    "every",
    "return",
    "satisfies",
    "function",
];

// ---------------------------------------------------------------- parser

/// Parse a FEEL expression (a literal expression, an input expression or an output entry).
pub fn parse_expression(text: &str, names: &Names) -> Result<Expr, FeelError> {
    let mut p = Parser::new(text, names);
    let e = p.expression()?;
    p.end()?;
    Ok(e)
}

/// Parse the unary tests of an input entry (`-`, `< 5`, `"a","b"`, `[1..2)`, `not(null)`, ...).
pub fn parse_unary_tests(text: &str, names: &Names) -> Result<UnaryTests, FeelError> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed == "-" {
        return Ok(UnaryTests::Any);
    }
    let mut p = Parser::new(text, names);
    p.skip_ws();
    let start = p.pos;
    if p.keyword("not") {
        p.skip_ws();
        if p.eat('(') {
            let tests = p.tests()?;
            p.skip_ws();
            if p.eat(')') {
                p.skip_ws();
                if p.at_end() {
                    return Ok(UnaryTests::Not(tests));
                }
            }
        }
        p.pos = start;
    }
    let tests = p.tests()?;
    p.end()?;
    Ok(UnaryTests::Tests(tests))
}

struct Parser<'n> {
    text: String,
    chars: Vec<char>,
    pos: usize,
    names: &'n Names,
    /// Inside a range endpoint, `[` closes the range (`]1..5[`) instead of starting a filter.
    in_range: bool,
    /// Nesting depth, so a hostile text cannot exhaust the stack.
    depth: usize,
}

/// Deeper nesting than this is refused (real rule files nest a handful of levels).
const MAX_DEPTH: usize = 64;

type Parsed<T> = Result<T, FeelError>;

impl<'n> Parser<'n> {
    fn new(text: &str, names: &'n Names) -> Parser<'n> {
        Parser { text: text.to_string(), chars: text.chars().collect(), pos: 0, names, in_range: false, depth: 0 }
    }

    fn error(&self, message: impl Into<String>) -> FeelError {
        FeelError { text: self.text.clone(), at: self.pos, message: message.into() }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn skip_ws(&mut self) {
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
                self.pos = (self.pos + 2).min(self.chars.len());
            } else {
                return;
            }
        }
    }

    fn end(&mut self) -> Parsed<()> {
        self.skip_ws();
        if self.at_end() {
            Ok(())
        } else {
            Err(self.error(format!("unexpected `{}`", self.rest_preview())))
        }
    }

    fn rest_preview(&self) -> String {
        self.chars[self.pos.min(self.chars.len())..].iter().take(20).collect()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_str(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        if self.chars.get(self.pos..self.pos + n).is_some_and(|w| w.iter().copied().eq(s.chars())) {
            self.pos += n;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Parsed<()> {
        self.skip_ws();
        if self.eat(c) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{c}`")))
        }
    }

    /// A keyword at the current position (not the start of a longer known name).
    fn is_keyword(&self, kw: &str) -> bool {
        let n = kw.chars().count();
        let word = self.chars.get(self.pos..self.pos + n);
        if !word.is_some_and(|w| w.iter().copied().eq(kw.chars())) {
            return false;
        }
        if self.peek_at(n).is_some_and(is_name_char) {
            return false;
        }
        self.names.match_at(&self.chars, self.pos).is_none_or(|len| len <= n)
    }

    fn keyword(&mut self, kw: &str) -> bool {
        if self.is_keyword(kw) {
            self.pos += kw.chars().count();
            true
        } else {
            false
        }
    }

    fn expression(&mut self) -> Parsed<Expr> {
        self.depth += 1;
        let e = if self.depth > MAX_DEPTH {
            Err(self.error("the expression is nested too deeply"))
        } else {
            self.expression_inner()
        };
        self.depth -= 1;
        e
    }

    fn expression_inner(&mut self) -> Parsed<Expr> {
        self.skip_ws();
        if self.keyword("if") {
            let c = self.expression()?;
            self.skip_ws();
            if !self.keyword("then") {
                return Err(self.error("expected `then`"));
            }
            let t = self.expression()?;
            self.skip_ws();
            if !self.keyword("else") {
                return Err(self.error("expected `else`"));
            }
            let f = self.expression()?;
            return Ok(Expr::If(Box::new(c), Box::new(t), Box::new(f)));
        }
        for kw in ["for", "some", "every", "function"] {
            if self.is_keyword(kw) {
                return Err(self.error(format!("`{kw}` expressions are not supported")));
            }
        }
        self.disjunction()
    }

    fn disjunction(&mut self) -> Parsed<Expr> {
        let mut left = self.conjunction()?;
        loop {
            self.skip_ws();
            if !self.keyword("or") {
                return Ok(left);
            }
            let right = self.conjunction()?;
            left = Expr::Binary(BinOp::Or, Box::new(left), Box::new(right));
        }
    }

    fn conjunction(&mut self) -> Parsed<Expr> {
        let mut left = self.comparison()?;
        loop {
            self.skip_ws();
            if !self.keyword("and") {
                return Ok(left);
            }
            let right = self.comparison()?;
            left = Expr::Binary(BinOp::And, Box::new(left), Box::new(right));
        }
    }

    fn compare_op(&mut self) -> Option<CmpOp> {
        for (s, op) in [
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("!=", CmpOp::Ne),
            ("=", CmpOp::Eq),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ] {
            if self.eat_str(s) {
                return Some(op);
            }
        }
        None
    }

    fn comparison(&mut self) -> Parsed<Expr> {
        let left = self.additive()?;
        self.skip_ws();
        if let Some(op) = self.compare_op() {
            let right = self.additive()?;
            return Ok(Expr::Binary(BinOp::Cmp(op), Box::new(left), Box::new(right)));
        }
        if self.keyword("between") {
            let low = self.additive()?;
            self.skip_ws();
            if !self.keyword("and") {
                return Err(self.error("expected `and` in `between`"));
            }
            let high = self.additive()?;
            return Ok(Expr::Between(Box::new(left), Box::new(low), Box::new(high)));
        }
        if self.keyword("in") {
            self.skip_ws();
            let start = self.pos;
            if self.eat('(') {
                // `x in (tests)`, unless it is an open range `(1..5)`.
                self.pos = start;
                if self.looks_like_range() {
                    let range = self.try_range()?;
                    return Ok(Expr::In(Box::new(left), vec![Test::Range(range)]));
                }
                self.pos = start + 1;
                let tests = self.tests()?;
                self.expect(')')?;
                return Ok(Expr::In(Box::new(left), tests));
            }
            let test = self.positive_test()?;
            return Ok(Expr::In(Box::new(left), vec![test]));
        }
        if self.is_keyword("instance") {
            return Err(self.error("`instance of` is not supported"));
        }
        Ok(left)
    }

    fn additive(&mut self) -> Parsed<Expr> {
        let mut left = self.multiplicative()?;
        loop {
            self.skip_ws();
            let op = if self.eat('+') {
                BinOp::Add
            } else if self.peek() == Some('-') {
                self.pos += 1;
                BinOp::Sub
            } else {
                return Ok(left);
            };
            let right = self.multiplicative()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn multiplicative(&mut self) -> Parsed<Expr> {
        let mut left = self.power()?;
        loop {
            self.skip_ws();
            let op = if self.peek() == Some('*') && self.peek_at(1) != Some('*') {
                self.pos += 1;
                BinOp::Mul
            } else if self.peek() == Some('/') && !matches!(self.peek_at(1), Some('/' | '*')) {
                self.pos += 1;
                BinOp::Div
            } else {
                return Ok(left);
            };
            let right = self.power()?;
            left = Expr::Binary(op, Box::new(left), Box::new(right));
        }
    }

    fn power(&mut self) -> Parsed<Expr> {
        let mut left = self.unary()?;
        loop {
            self.skip_ws();
            if !self.eat_str("**") {
                return Ok(left);
            }
            let right = self.unary()?;
            left = Expr::Binary(BinOp::Pow, Box::new(left), Box::new(right));
        }
    }

    fn unary(&mut self) -> Parsed<Expr> {
        self.skip_ws();
        if self.eat('-') {
            self.depth += 1;
            let inner = if self.depth > MAX_DEPTH {
                Err(self.error("the expression is nested too deeply"))
            } else {
                self.unary()
            };
            self.depth -= 1;
            let inner = inner?;
            return Ok(match inner {
                Expr::Number(n) => Expr::Number(-n),
                other => Expr::Neg(Box::new(other)),
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Parsed<Expr> {
        let mut e = self.primary()?;
        loop {
            let save = self.pos;
            self.skip_ws();
            if self.eat('.') && self.peek().is_none_or(|c| c != '.') {
                self.skip_ws();
                let field = self.name().ok_or_else(|| self.error("expected a name after `.`"))?;
                e = Expr::Path(Box::new(e), field);
            } else if self.peek() == Some('(') {
                let Expr::Name(name) = e else {
                    return Err(self.error("only named functions can be called"));
                };
                self.pos += 1;
                let mut args = Vec::new();
                self.skip_ws();
                if !self.eat(')') {
                    loop {
                        self.skip_ws();
                        // Named arguments (`f(a: 1)`) are read positionally.
                        let save_arg = self.pos;
                        if self.name().is_some() {
                            self.skip_ws();
                            if !(self.eat(':') && self.peek() != Some('=')) {
                                self.pos = save_arg;
                            }
                        }
                        args.push(self.expression()?);
                        self.skip_ws();
                        if self.eat(')') {
                            break;
                        }
                        self.expect(',')?;
                    }
                }
                e = Expr::Call(name, args);
            } else if self.peek() == Some('[') && !self.in_range {
                self.pos += 1;
                let filter = self.expression()?;
                self.expect(']')?;
                e = Expr::Filter(Box::new(e), Box::new(filter));
            } else {
                self.pos = save;
                return Ok(e);
            }
        }
    }

    /// A name at the current position: the longest known name, or a plain identifier.
    fn name(&mut self) -> Option<String> {
        if let Some(len) = self.names.match_at(&self.chars, self.pos) {
            let name: String = self.chars[self.pos..self.pos + len].iter().collect();
            self.pos += len;
            return Some(name);
        }
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        let start = self.pos;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        Some(self.chars[start..self.pos].iter().collect())
    }

    fn primary(&mut self) -> Parsed<Expr> {
        self.depth += 1;
        let e = if self.depth > MAX_DEPTH {
            Err(self.error("the expression is nested too deeply"))
        } else {
            self.primary_inner()
        };
        self.depth -= 1;
        e
    }

    fn primary_inner(&mut self) -> Parsed<Expr> {
        self.skip_ws();
        let Some(c) = self.peek() else { return Err(self.error("unexpected end of expression")) };
        // A declared name may start with a digit (`2e bouwlaag`, as rule builders write them).
        let numeric = c.is_ascii_digit() || (c == '.' && self.peek_at(1).is_some_and(|d| d.is_ascii_digit()));
        if numeric && self.names.match_at(&self.chars, self.pos).is_none() {
            return self.number();
        }
        match c {
            '"' => return self.string().map(Expr::String),
            '(' | ']' => {
                if self.looks_like_range() {
                    return Ok(Expr::Range(Box::new(self.try_range()?)));
                }
                if c == ']' {
                    return Err(self.error("unexpected `]`"));
                }
                self.pos += 1;
                let e = self.expression()?;
                self.expect(')')?;
                return Ok(e);
            }
            '[' => {
                if self.looks_like_range() {
                    return Ok(Expr::Range(Box::new(self.try_range()?)));
                }
                self.pos += 1;
                let mut items = Vec::new();
                self.skip_ws();
                if self.eat(']') {
                    return Ok(Expr::List(items));
                }
                loop {
                    items.push(self.expression()?);
                    self.skip_ws();
                    if self.eat(']') {
                        return Ok(Expr::List(items));
                    }
                    self.expect(',')?;
                }
            }
            '{' => {
                self.pos += 1;
                let mut entries = Vec::new();
                self.skip_ws();
                if self.eat('}') {
                    return Ok(Expr::Context(entries));
                }
                loop {
                    self.skip_ws();
                    let key = if self.peek() == Some('"') { self.string()? } else { self.context_key()? };
                    self.expect(':')?;
                    let value = self.expression()?;
                    entries.push((key, value));
                    self.skip_ws();
                    if self.eat('}') {
                        return Ok(Expr::Context(entries));
                    }
                    self.expect(',')?;
                }
            }
            '?' if self.names.match_at(&self.chars, self.pos).is_none() => {
                self.pos += 1;
                return Ok(Expr::InputValue);
            }
            _ => {}
        }
        if self.keyword("true") {
            return Ok(Expr::Bool(true));
        }
        if self.keyword("false") {
            return Ok(Expr::Bool(false));
        }
        if self.keyword("null") {
            return Ok(Expr::Null);
        }
        if let Some(kw) = KEYWORDS.iter().find(|k| self.is_keyword(k)) {
            return Err(self.error(format!("unexpected keyword `{kw}`")));
        }
        match self.name() {
            Some(n) => Ok(Expr::Name(n)),
            None => Err(self.error(format!("unexpected `{c}`"))),
        }
    }

    /// A context key: everything up to the `:` (names in contexts may contain spaces).
    fn context_key(&mut self) -> Parsed<String> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c != ':' && c != '}' && c != ',') {
            self.pos += 1;
        }
        let key: String = self.chars[start..self.pos].iter().collect::<String>().trim().to_string();
        if key.is_empty() {
            return Err(self.error("expected a context key"));
        }
        Ok(key)
    }

    fn number(&mut self) -> Parsed<Expr> {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.peek() == Some('.') && self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
            while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                self.pos += 1;
            }
        }
        let text: String = self.chars[start..self.pos].iter().collect();
        let text = if text.starts_with('.') { format!("0{text}") } else { text };
        parse_decimal(&text).map(Expr::Number).ok_or_else(|| self.error(format!("number `{text}` is out of range")))
    }

    fn string(&mut self) -> Parsed<String> {
        if !self.eat('"') {
            return Err(self.error("expected a string"));
        }
        let mut out = String::new();
        loop {
            let Some(c) = self.peek() else { return Err(self.error("unterminated string")) };
            self.pos += 1;
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.peek() else { return Err(self.error("unterminated string")) };
                    self.pos += 1;
                    match e {
                        'n' => out.push('\n'),
                        't' => out.push('\t'),
                        'r' => out.push('\r'),
                        'u' => {
                            let hex: String =
                                self.chars.get(self.pos..self.pos + 4).map(|h| h.iter().collect()).unwrap_or_default();
                            let ch = u32::from_str_radix(&hex, 16)
                                .ok()
                                .and_then(char::from_u32)
                                .ok_or_else(|| self.error("bad \\u escape"))?;
                            self.pos += 4;
                            out.push(ch);
                        }
                        other => out.push(other),
                    }
                }
                other => out.push(other),
            }
        }
    }

    /// Whether the bracket at the current position opens a range: a `..` at its own nesting level
    /// before a `,` or its closing bracket. A scan, so that nested brackets are never parsed twice.
    fn looks_like_range(&self) -> bool {
        let mut depth = 0usize;
        let mut i = self.pos + 1;
        let mut in_string = false;
        while let Some(&c) = self.chars.get(i) {
            if in_string {
                match c {
                    '\\' => i += 1,
                    '"' => in_string = false,
                    _ => {}
                }
            } else {
                match c {
                    '"' => in_string = true,
                    '(' | '[' | '{' if depth > 0 || c != '[' => depth += 1,
                    ')' | ']' | '}' if depth > 0 => depth -= 1,
                    '.' if depth == 0 && self.chars.get(i + 1) == Some(&'.') => return true,
                    ',' | ')' | ']' | '[' | '}' if depth == 0 => return false,
                    _ => {}
                }
            }
            i += 1;
        }
        false
    }

    /// `[a..b]`, `(a..b)`, `]a..b[` and mixes.
    fn try_range(&mut self) -> Parsed<Range> {
        self.skip_ws();
        let low_closed = match self.peek() {
            Some('[') => true,
            Some('(' | ']') => false,
            _ => return Err(self.error("expected a range")),
        };
        self.pos += 1;
        let outer = self.in_range;
        self.in_range = true;
        let endpoints = self.range_endpoints();
        self.in_range = outer;
        let (low, high) = endpoints?;
        self.skip_ws();
        let high_closed = match self.peek() {
            Some(']') => true,
            Some(')' | '[') => false,
            _ => return Err(self.error("expected `]` or `)` to close the range")),
        };
        self.pos += 1;
        Ok(Range { low, low_closed, high, high_closed })
    }

    fn range_endpoints(&mut self) -> Parsed<(Expr, Expr)> {
        let low = self.additive()?;
        self.skip_ws();
        if !self.eat_str("..") {
            return Err(self.error("expected `..`"));
        }
        let high = self.additive()?;
        Ok((low, high))
    }

    fn tests(&mut self) -> Parsed<Vec<Test>> {
        let mut tests = vec![self.positive_test()?];
        loop {
            self.skip_ws();
            if !self.eat(',') {
                return Ok(tests);
            }
            tests.push(self.positive_test()?);
        }
    }

    fn positive_test(&mut self) -> Parsed<Test> {
        self.skip_ws();
        if let Some(op) = self.compare_op() {
            let e = self.additive()?;
            return Ok(Test::Compare(op, e));
        }
        if matches!(self.peek(), Some('[' | '(' | ']')) && self.looks_like_range() {
            return Ok(Test::Range(self.try_range()?));
        }
        Ok(Test::Expr(self.expression()?))
    }
}

/// A decimal from its text (`12`, `-0.5`, `1e3` is not FEEL); `None` when out of range.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    Decimal::from_str_exact(t).ok().or_else(|| Decimal::from_scientific(t).ok()).or_else(|| {
        // More digits than a Decimal holds: round the fraction.
        let (int, frac) = t.split_once('.')?;
        let keep = 28usize.saturating_sub(int.trim_start_matches('-').len());
        Decimal::from_str_exact(&format!("{int}.{}", frac.get(..keep.min(frac.len()))?)).ok()
    })
}

// ---------------------------------------------------------------- values

/// A FEEL value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Decimal),
    String(String),
    List(Vec<Value>),
    /// Entries in order; keys are unique.
    Context(Vec<(String, Value)>),
    Range(Box<(Value, bool, Value, bool)>),
}

impl Value {
    pub fn number(n: i64) -> Value {
        Value::Number(Decimal::from(n))
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Context(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Context(_) => "context",
            Value::Range(_) => "range",
        }
    }

    /// Whether the value conforms to a simple DMN type (`number`, `feel:string`, ...). Types this
    /// function does not know are taken as conforming.
    pub fn conforms_to(&self, type_ref: &str) -> bool {
        let t = type_ref.rsplit(':').next().unwrap_or(type_ref).trim();
        match (t, self) {
            (_, Value::Null) => true,
            ("number", Value::Number(_)) | ("string", Value::String(_)) | ("boolean", Value::Bool(_)) => true,
            ("number" | "string" | "boolean", _) => false,
            _ => true,
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => write!(f, "{}", n.normalize()),
            Value::String(s) => write!(f, "\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Context(entries) => {
                f.write_str("{")?;
                for (i, (k, v)) in entries.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k}: {v}")?;
                }
                f.write_str("}")
            }
            Value::Range(r) => {
                let (lo, lc, hi, hc) = &**r;
                write!(f, "{}{lo}..{hi}{}", if *lc { "[" } else { "(" }, if *hc { "]" } else { ")" })
            }
        }
    }
}

/// FEEL equality: `Some(true)`/`Some(false)`, or `None` when the values cannot be compared.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, _) | (_, Value::Null) => Some(false),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y) {
                if equal(p, q) != Some(true) {
                    return Some(false);
                }
            }
            Some(true)
        }
        (Value::Context(x), Value::Context(y)) => Some(
            x.len() == y.len()
                && x.iter().all(|(k, v)| b.get(k).is_some_and(|w| equal(v, w) == Some(true)))
                && y.iter().all(|(k, _)| a.get(k).is_some()),
        ),
        _ => None,
    }
}

/// FEEL ordering of numbers and strings; `None` for other kinds.
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.cmp(y)),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

fn compare(op: CmpOp, a: &Value, b: &Value) -> Value {
    match op {
        CmpOp::Eq => equal(a, b).map(Value::Bool).unwrap_or(Value::Null),
        CmpOp::Ne => equal(a, b).map(|x| Value::Bool(!x)).unwrap_or(Value::Null),
        _ => match order(a, b) {
            Some(o) => Value::Bool(match op {
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                CmpOp::Ge => o.is_ge(),
                CmpOp::Eq | CmpOp::Ne => false,
            }),
            None => Value::Null,
        },
    }
}

// ---------------------------------------------------------------- evaluation

/// Where names get their values.
pub trait Env {
    fn lookup(&self, name: &str) -> Option<Value>;
    /// Call a user-defined function (a business knowledge model); `None` when there is none.
    fn call(&self, _name: &str, _args: &[Value]) -> Option<Value> {
        None
    }
}

/// An empty scope.
pub struct NoEnv;

impl Env for NoEnv {
    fn lookup(&self, _name: &str) -> Option<Value> {
        None
    }
}

/// Names bound on top of another scope (parameters, `?`, context entries).
pub struct Bindings<'p> {
    vars: Vec<(String, Value)>,
    parent: &'p dyn Env,
}

impl<'p> Bindings<'p> {
    pub fn new(parent: &'p dyn Env) -> Bindings<'p> {
        Bindings { vars: Vec::new(), parent }
    }

    pub fn with(mut self, name: &str, value: Value) -> Bindings<'p> {
        self.bind(name, value);
        self
    }

    pub fn bind(&mut self, name: &str, value: Value) {
        self.vars.retain(|(n, _)| n != name);
        self.vars.push((name.to_string(), value));
    }
}

impl Env for Bindings<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        self.vars.iter().rev().find(|(n, _)| n == name).map(|(_, v)| v.clone()).or_else(|| self.parent.lookup(name))
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Value> {
        self.parent.call(name, args)
    }
}

const INPUT_VALUE: &str = "?";

/// Evaluate an expression. Errors in FEEL are `null`.
pub fn evaluate(e: &Expr, env: &dyn Env) -> Value {
    match e {
        Expr::Null => Value::Null,
        Expr::Bool(b) => Value::Bool(*b),
        Expr::Number(n) => Value::Number(*n),
        Expr::String(s) => Value::String(s.clone()),
        Expr::Name(n) => env.lookup(n).unwrap_or(Value::Null),
        Expr::InputValue => env.lookup(INPUT_VALUE).unwrap_or(Value::Null),
        Expr::List(items) => Value::List(items.iter().map(|i| evaluate(i, env)).collect()),
        Expr::Context(entries) => {
            // Later entries see earlier ones.
            let mut scope = Bindings::new(env);
            let mut out: Vec<(String, Value)> = Vec::new();
            for (k, v) in entries {
                let value = evaluate(v, &scope);
                scope.bind(k, value.clone());
                out.retain(|(n, _)| n != k);
                out.push((k.clone(), value));
            }
            Value::Context(out)
        }
        Expr::Range(r) => {
            Value::Range(Box::new((evaluate(&r.low, env), r.low_closed, evaluate(&r.high, env), r.high_closed)))
        }
        Expr::Neg(inner) => match evaluate(inner, env) {
            Value::Number(n) => Value::Number(-n),
            _ => Value::Null,
        },
        Expr::Binary(BinOp::And, a, b) => {
            let (x, y) = (evaluate(a, env), evaluate(b, env));
            match (x, y) {
                (Value::Bool(false), _) | (_, Value::Bool(false)) => Value::Bool(false),
                (Value::Bool(true), Value::Bool(true)) => Value::Bool(true),
                _ => Value::Null,
            }
        }
        Expr::Binary(BinOp::Or, a, b) => {
            let (x, y) = (evaluate(a, env), evaluate(b, env));
            match (x, y) {
                (Value::Bool(true), _) | (_, Value::Bool(true)) => Value::Bool(true),
                (Value::Bool(false), Value::Bool(false)) => Value::Bool(false),
                _ => Value::Null,
            }
        }
        Expr::Binary(op, a, b) => arithmetic(*op, &evaluate(a, env), &evaluate(b, env)),
        Expr::If(c, t, f) => match evaluate(c, env) {
            Value::Bool(true) => evaluate(t, env),
            _ => evaluate(f, env),
        },
        Expr::Between(x, lo, hi) => {
            let (x, lo, hi) = (evaluate(x, env), evaluate(lo, env), evaluate(hi, env));
            match (compare(CmpOp::Ge, &x, &lo), compare(CmpOp::Le, &x, &hi)) {
                (Value::Bool(a), Value::Bool(b)) => Value::Bool(a && b),
                _ => Value::Null,
            }
        }
        Expr::In(x, tests) => {
            let x = evaluate(x, env);
            Value::Bool(tests.iter().any(|t| test_one(t, &x, env)))
        }
        Expr::Call(name, args) => {
            let values: Vec<Value> = args.iter().map(|a| evaluate(a, env)).collect();
            env.call(name, &values).unwrap_or_else(|| builtin(name, &values))
        }
        Expr::Path(inner, field) => path(&evaluate(inner, env), field),
        Expr::Filter(list, filter) => {
            let list = match evaluate(list, env) {
                Value::List(items) => items,
                Value::Null => return Value::Null,
                single => vec![single],
            };
            if !filter.uses_input_value() {
                if let Value::Number(n) = evaluate(filter, env) {
                    let Some(i) = n.to_i64() else { return Value::Null };
                    let len = list.len() as i64;
                    let index = if i > 0 { i - 1 } else { len + i };
                    return usize::try_from(index).ok().and_then(|i| list.get(i).cloned()).unwrap_or(Value::Null);
                }
            }
            let kept = list
                .into_iter()
                .filter(|item| {
                    let mut scope = Bindings::new(env).with("item", item.clone());
                    if let Value::Context(entries) = item {
                        for (k, v) in entries {
                            scope.bind(k, v.clone());
                        }
                    }
                    matches!(evaluate(filter, &scope), Value::Bool(true))
                })
                .collect();
            Value::List(kept)
        }
    }
}

fn path(v: &Value, field: &str) -> Value {
    match v {
        Value::Context(_) => v.get(field).cloned().unwrap_or(Value::Null),
        Value::List(items) => Value::List(items.iter().map(|i| path(i, field)).collect()),
        _ => Value::Null,
    }
}

fn arithmetic(op: BinOp, a: &Value, b: &Value) -> Value {
    if let BinOp::Cmp(c) = op {
        return compare(c, a, b);
    }
    match (op, a, b) {
        (BinOp::Add, Value::String(x), Value::String(y)) => Value::String(format!("{x}{y}")),
        (_, Value::Number(x), Value::Number(y)) => {
            let r = match op {
                BinOp::Add => x.checked_add(*y),
                BinOp::Sub => x.checked_sub(*y),
                BinOp::Mul => x.checked_mul(*y),
                BinOp::Div => x.checked_div(*y),
                BinOp::Pow => power(*x, *y),
                _ => None,
            };
            r.map(Value::Number).unwrap_or(Value::Null)
        }
        _ => Value::Null,
    }
}

fn power(base: Decimal, exp: Decimal) -> Option<Decimal> {
    let e = exp.normalize();
    if e.scale() == 0 {
        return base.checked_powi(e.to_i64()?);
    }
    if base.is_sign_negative() || base.is_zero() {
        return None;
    }
    base.checked_powd(e)
}

/// Does a cell's unary tests accept `input`? (`null` input only matches `-`, `null` or a test on `?`.)
pub fn matches(tests: &UnaryTests, input: &Value, env: &dyn Env) -> bool {
    match tests {
        UnaryTests::Any => true,
        UnaryTests::Tests(list) => list.iter().any(|t| test_one(t, input, env)),
        UnaryTests::Not(list) => !list.iter().any(|t| test_one(t, input, env)),
    }
}

fn in_range(input: &Value, low: &Value, low_closed: bool, high: &Value, high_closed: bool) -> bool {
    let lo = compare(if low_closed { CmpOp::Ge } else { CmpOp::Gt }, input, low);
    let hi = compare(if high_closed { CmpOp::Le } else { CmpOp::Lt }, input, high);
    matches!((lo, hi), (Value::Bool(true), Value::Bool(true)))
}

fn test_one(t: &Test, input: &Value, env: &dyn Env) -> bool {
    let scope = Bindings::new(env).with(INPUT_VALUE, input.clone());
    match t {
        Test::Compare(op, e) => matches!(compare(*op, input, &evaluate(e, &scope)), Value::Bool(true)),
        Test::Range(r) => {
            in_range(input, &evaluate(&r.low, &scope), r.low_closed, &evaluate(&r.high, &scope), r.high_closed)
        }
        Test::Expr(e) => {
            let v = evaluate(e, &scope);
            if equal(input, &v) == Some(true) {
                return true;
            }
            match &v {
                Value::List(items) => items.iter().any(|i| equal(input, i) == Some(true)),
                Value::Range(r) => in_range(input, &r.0, r.1, &r.2, r.3),
                Value::Bool(true) => e.uses_input_value() || !matches!(input, Value::Bool(_)),
                _ => false,
            }
        }
    }
}

// ---------------------------------------------------------------- built-in functions

fn num(v: &Value) -> Option<Decimal> {
    match v {
        Value::Number(n) => Some(*n),
        _ => None,
    }
}

/// The items of a list argument, or all arguments (`sum(1, 2)` and `sum([1, 2])`).
fn items(args: &[Value]) -> Vec<Value> {
    match args {
        [Value::List(items)] => items.clone(),
        other => other.to_vec(),
    }
}

fn builtin(name: &str, args: &[Value]) -> Value {
    let b = |x: bool| Value::Bool(x);
    let s = |x: String| Value::String(x);
    let n = Value::Number;
    let r = match (name, args) {
        ("not", [Value::Bool(x)]) => Some(b(!x)),
        ("contains", [Value::String(x), Value::String(y)]) => Some(b(x.contains(y.as_str()))),
        ("starts with", [Value::String(x), Value::String(y)]) => Some(b(x.starts_with(y.as_str()))),
        ("ends with", [Value::String(x), Value::String(y)]) => Some(b(x.ends_with(y.as_str()))),
        ("string length", [Value::String(x)]) => Some(Value::number(x.chars().count() as i64)),
        ("upper case", [Value::String(x)]) => Some(s(x.to_uppercase())),
        ("lower case", [Value::String(x)]) => Some(s(x.to_lowercase())),
        ("substring before", [Value::String(x), Value::String(y)]) => {
            Some(s(x.split_once(y.as_str()).map(|(a, _)| a.to_string()).unwrap_or_default()))
        }
        ("substring after", [Value::String(x), Value::String(y)]) => {
            Some(s(x.split_once(y.as_str()).map(|(_, a)| a.to_string()).unwrap_or_default()))
        }
        ("substring", [Value::String(x), start, rest @ ..]) => {
            substring(x, num(start), rest.first().and_then(num)).map(s)
        }
        ("string", [v]) => Some(match v {
            Value::Null => Value::Null,
            Value::String(x) => s(x.clone()),
            other => s(other.to_string()),
        }),
        ("number", [Value::String(x), ..]) => parse_decimal(x).map(n),
        ("decimal", [Value::Number(x), Value::Number(scale)]) => {
            scale.to_u32().map(|sc| n(x.round_dp_with_strategy(sc, RoundingStrategy::MidpointNearestEven)))
        }
        ("floor", [Value::Number(x)]) => Some(n(x.floor())),
        ("ceiling", [Value::Number(x)]) => Some(n(x.ceil())),
        ("abs", [Value::Number(x)]) => Some(n(x.abs())),
        ("modulo", [Value::Number(x), Value::Number(y)]) if !y.is_zero() => {
            // FEEL: the result has the sign of the divisor.
            x.checked_rem(*y)
                .map(|m| if !m.is_zero() && (m.is_sign_negative() != y.is_sign_negative()) { m + y } else { m })
                .map(n)
        }
        ("sqrt", [Value::Number(x)]) => x.sqrt().map(n),
        ("count", [Value::List(items)]) => Some(Value::number(items.len() as i64)),
        ("list contains", [Value::List(items), v]) => Some(b(items.iter().any(|i| equal(i, v) == Some(true)))),
        ("sum" | "min" | "max" | "mean", _) => aggregate(name, &items(args)),
        ("append", [Value::List(items), rest @ ..]) => Some(Value::List(items.iter().chain(rest).cloned().collect())),
        ("concatenate", lists) => {
            let mut out = Vec::new();
            for l in lists {
                match l {
                    Value::List(items) => out.extend(items.iter().cloned()),
                    _ => return Value::Null,
                }
            }
            Some(Value::List(out))
        }
        _ => None,
    };
    r.unwrap_or(Value::Null)
}

fn substring(x: &str, start: Option<Decimal>, length: Option<Decimal>) -> Option<String> {
    let chars: Vec<char> = x.chars().collect();
    let len = chars.len() as i64;
    let start = start?.to_i64()?;
    let from = if start > 0 { start - 1 } else { len + start };
    let from = from.clamp(0, len) as usize;
    let to = match length {
        Some(l) => (from as i64 + l.to_i64()?).clamp(0, len) as usize,
        None => len as usize,
    };
    Some(chars.get(from..to.max(from))?.iter().collect())
}

/// `sum`, `min`, `max`, `mean` over numbers; `null` for an empty list (sum: 0) or a non-number.
pub fn aggregate(name: &str, items: &[Value]) -> Option<Value> {
    let nums: Option<Vec<Decimal>> = items.iter().map(num).collect();
    let nums = nums?;
    match name {
        "sum" => nums.iter().try_fold(Decimal::ZERO, |acc, x| acc.checked_add(*x)).map(Value::Number),
        "min" => nums.iter().min().copied().map(Value::Number),
        "max" => nums.iter().max().copied().map(Value::Number),
        "mean" if !nums.is_empty() => {
            let total = nums.iter().try_fold(Decimal::ZERO, |acc, x| acc.checked_add(*x))?;
            total.checked_div(Decimal::from(nums.len() as i64)).map(Value::Number)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_str(text: &str) -> Value {
        let names = Names::new(Vec::<String>::new());
        evaluate(&parse_expression(text, &names).unwrap_or_else(|e| panic!("{e}")), &NoEnv)
    }

    #[test]
    fn arithmetic_is_decimal() {
        assert_eq!(eval_str("0.1 + 0.2").to_string(), "0.3");
        assert_eq!(eval_str("-10--5").to_string(), "-5");
        assert_eq!(eval_str("5+2**5+3").to_string(), "40");
        assert_eq!(eval_str("10**-5").to_string(), "0.00001");
        assert_eq!(eval_str("1.2*10**3").to_string(), "1200");
        assert_eq!(eval_str("10 + 20 / -5 - 3").to_string(), "3");
        assert_eq!(eval_str("(10+20)/0"), Value::Null);
        assert_eq!(eval_str("10 + null"), Value::Null);
        assert_eq!(eval_str(".872").to_string(), "0.872");
    }

    #[test]
    fn logic_is_three_valued() {
        assert_eq!(eval_str("null and false"), Value::Bool(false));
        assert_eq!(eval_str("null or true"), Value::Bool(true));
        assert_eq!(eval_str("null and true"), Value::Null);
        assert_eq!(eval_str("not(null)"), Value::Null);
        assert_eq!(eval_str("if null then 1 else 2").to_string(), "2");
    }

    #[test]
    fn names_with_spaces_and_hyphens() {
        let names = Names::new(["Employment Status", "Employment Status Statement", "_6955a83b-e19c-4014"]);
        assert_eq!(
            parse_expression("Employment Status Statement", &names),
            Ok(Expr::Name("Employment Status Statement".into()))
        );
        assert_eq!(parse_expression("_6955a83b-e19c-4014", &names), Ok(Expr::Name("_6955a83b-e19c-4014".into())));
        let e = parse_expression("\"You are \" + Employment Status", &names).expect("parses");
        let env = Bindings::new(&NoEnv).with("Employment Status", Value::String("EMPLOYED".into()));
        assert_eq!(evaluate(&e, &env), Value::String("You are EMPLOYED".into()));
    }

    #[test]
    fn declared_names_may_start_with_a_digit_or_hold_dots() {
        let names = Names::new(["2e bouwlaag", "Hoogte in m.", "Dak-helling"]);
        assert_eq!(parse_expression("2e bouwlaag", &names), Ok(Expr::Name("2e bouwlaag".into())));
        let e = parse_expression("Hoogte in m. > 2 and Dak-helling < 2.5", &names).expect("parses");
        let env = Bindings::new(&NoEnv).with("Hoogte in m.", Value::number(3)).with("Dak-helling", Value::number(2));
        assert_eq!(evaluate(&e, &env), Value::Bool(true));
        // An undeclared digit start is still a number.
        assert_eq!(evaluate(&parse_expression("2 + 2", &names).expect("parses"), &NoEnv), Value::number(4));
    }

    #[test]
    fn unary_tests() {
        let names = Names::new(["x"]);
        let t = |cell: &str, v: Value| {
            matches(&parse_unary_tests(cell, &names).unwrap_or_else(|e| panic!("{e}")), &v, &NoEnv)
        };
        assert!(t("-", Value::Null));
        assert!(t(">= 18", Value::number(18)));
        assert!(!t("<18", Value::number(18)));
        assert!(t("\"Medium\",\"Low\"", Value::String("Low".into())));
        assert!(t("[20..30)", Value::number(20)));
        assert!(!t("[20..30)", Value::number(30)));
        assert!(t("(50..100)", Value::number(51)));
        assert!(t("]50..100[", Value::number(99)));
        assert!(!t("(50..100)", Value::number(50)));
        assert!(t("not(\"a\")", Value::String("b".into())));
        assert!(t("not(null)", Value::Bool(false)));
        assert!(!t("not(null)", Value::Null));
        assert!(t("null", Value::Null));
        assert!(t("true", Value::Bool(true)));
        assert!(!t("true", Value::Bool(false)));
        assert!(t("if ?=null then false else contains(?,\"pad 1_\")", Value::String("Vergunningplicht pad 1_".into())));
        assert!(!t("if ?=null then false else contains(?,\"pad 1_\")", Value::Null));
        assert!(t("[1, 2, 3]", Value::number(2)));
    }

    #[test]
    fn syntax_errors_say_where() {
        let names = Names::default();
        let e = parse_expression("1 +", &names).expect_err("incomplete");
        assert_eq!(e.at, 3);
        assert!(parse_expression("\"open", &names).is_err());
        assert!(parse_unary_tests("[1..", &names).is_err());
        assert!(parse_expression("for x in [1] return x", &names).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let names = Names::default();
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        assert!(parse_expression(&deep, &names).is_err());
        assert!(parse_expression(&"-".repeat(100_000), &names).is_err());
        assert!(parse_unary_tests(&format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000)), &names).is_err());
        assert_eq!(eval_str(&format!("{}1{}", "(".repeat(20), ")".repeat(20))).to_string(), "1");
    }

    #[test]
    fn contexts_paths_and_functions() {
        assert_eq!(eval_str("{a: 1, b: a + 1}.b").to_string(), "2");
        assert_eq!(eval_str("string length(\"abc\")").to_string(), "3");
        assert_eq!(eval_str("sum([1, 2, 3])").to_string(), "6");
        assert_eq!(eval_str("[1, 2, 3][2]").to_string(), "2");
        assert_eq!(eval_str("[1, 2, 3][item > 1]").to_string(), "[2, 3]");
        assert_eq!(eval_str("5 between 1 and 10"), Value::Bool(true));
        assert_eq!(eval_str("5 in [1..10]"), Value::Bool(true));
        assert_eq!(eval_str("5 in (1, 2)"), Value::Bool(false));
    }
}

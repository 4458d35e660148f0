//! FEEL text -> syntax tree: expressions, unary tests (decision table cells) and types.
//!
//! Names in FEEL may contain spaces and other characters (`Monthly Salary`, `date and time`), so
//! the parser is given the names in scope and matches the longest one at each position, as DMN
//! engines do; names that a text itself introduces (context keys, parameters, `for` variables)
//! join the scope as they are read.
//!
//! Nesting is bounded ([`MAX_DEPTH`]): a deeper text is a located error, never a stack overflow,
//! also in WebAssembly's smaller stack. A left-leaning chain (`a + b + c ...`) counts as nesting,
//! since it is evaluated recursively.

use std::cell::Cell;
use std::rc::Rc;

use super::builtins;
use super::value::{self, Value};
use super::FeelError;

/// How deeply a FEEL text may nest (brackets, calls, operator chains).
pub const MAX_DEPTH: usize = 100;

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

/// A FEEL type (`instance of`, parameter types, item definitions).
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Any,
    Null,
    Number,
    String,
    Bool,
    Date,
    Time,
    DateTime,
    DtDuration,
    YmDuration,
    List(Box<Type>),
    Context(Vec<(String, Type)>),
    Range(Box<Type>),
    Function(Vec<Type>, Box<Type>),
    /// A type defined in the model (item definition), resolved by the caller.
    Named(String),
}

/// Call arguments: all by position or all by name.
#[derive(Debug, Clone, PartialEq)]
pub enum Args {
    Positional(Vec<Ast>),
    Named(Vec<(String, Ast)>),
}

/// A FEEL expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Ast {
    Literal(Value),
    Name(String),
    /// `?`: the value a unary test is applied to.
    InputValue,
    List(Vec<Ast>),
    Context(Vec<(String, Ast)>),
    Range {
        low: Option<Box<Ast>>,
        low_closed: bool,
        high: Option<Box<Ast>>,
        high_closed: bool,
    },
    /// `=e` where an expression is expected: the range from `e` to `e`, both ends included. The
    /// operand is kept (and evaluated) once: copied into both ends, it doubled the tree at each
    /// `=` of a chain like `==...=1`.
    EqualRange(Box<Ast>),
    Neg(Box<Ast>),
    Binary(BinOp, Box<Ast>, Box<Ast>),
    If(Box<Ast>, Box<Ast>, Box<Ast>),
    Between(Box<Ast>, Box<Ast>, Box<Ast>),
    In(Box<Ast>, Vec<Check>),
    InstanceOf(Box<Ast>, Type),
    Call(Box<Ast>, Args),
    Path(Box<Ast>, String),
    Filter(Box<Ast>, Box<Ast>),
    /// `for a in x, b in y return e` (an iteration over `from..to` has both ends).
    For(Vec<Iteration>, Box<Ast>),
    /// `some`/`every` (`every` when the flag is set).
    Quantified(bool, Vec<Iteration>, Box<Ast>),
    Function(Rc<FunctionDef>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Iteration {
    pub name: String,
    pub over: Ast,
    /// `for i in 1..n`: the upper end.
    pub to: Option<Ast>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub params: Vec<(String, Option<Type>)>,
    pub body: Ast,
    /// `function(...) external {...}`: the body is a context describing a Java or PMML function.
    pub external: bool,
}

/// One positive unary test.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// `< 5`, `!= "x"`
    Compare(CmpOp, Ast),
    /// A value (equality, membership in a list or range) or a condition on `?`.
    Expr(Ast),
}

/// The content of a decision table input cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Tests {
    /// `-`
    Any,
    /// `a, b, c`: any may match.
    Some(Vec<Check>),
    /// `not(a, b)`
    Not(Vec<Check>),
}

impl Ast {
    /// Whether `?` occurs in the expression (outside nested functions).
    pub fn uses_input_value(&self) -> bool {
        match self {
            Ast::InputValue => true,
            Ast::Literal(_) | Ast::Name(_) | Ast::Function(_) => false,
            Ast::List(items) => items.iter().any(Ast::uses_input_value),
            Ast::Context(entries) => entries.iter().any(|(_, e)| e.uses_input_value()),
            Ast::Range { low, high, .. } => {
                low.as_ref().is_some_and(|e| e.uses_input_value())
                    || high.as_ref().is_some_and(|e| e.uses_input_value())
            }
            Ast::Neg(e) | Ast::EqualRange(e) | Ast::Path(e, _) | Ast::InstanceOf(e, _) => e.uses_input_value(),
            Ast::Binary(_, a, b) | Ast::Filter(a, b) => a.uses_input_value() || b.uses_input_value(),
            Ast::If(a, b, c) | Ast::Between(a, b, c) => {
                a.uses_input_value() || b.uses_input_value() || c.uses_input_value()
            }
            Ast::In(e, tests) => {
                e.uses_input_value()
                    || tests.iter().any(|t| match t {
                        Check::Compare(_, e) | Check::Expr(e) => e.uses_input_value(),
                    })
            }
            Ast::Call(f, args) => {
                f.uses_input_value()
                    || match args {
                        Args::Positional(a) => a.iter().any(Ast::uses_input_value),
                        Args::Named(a) => a.iter().any(|(_, e)| e.uses_input_value()),
                    }
            }
            Ast::For(its, body) | Ast::Quantified(_, its, body) => {
                body.uses_input_value()
                    || its.iter().any(|i| i.over.uses_input_value() || i.to.as_ref().is_some_and(Ast::uses_input_value))
            }
        }
    }
}

// ---------------------------------------------------------------- names in scope

/// The names in scope, longest first, so `Employment Status Statement` wins over
/// `Employment Status`.
#[derive(Debug, Clone, Default)]
pub struct Names {
    names: Vec<Vec<char>>,
}

impl Names {
    /// The given names and the built-in functions.
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Names {
        let mut n = Names::default();
        for name in names {
            n.add(name.as_ref());
        }
        for b in builtins::names() {
            if b.contains(' ') {
                n.add(b);
            }
        }
        // Properties whose names have spaces (`x.time offset`, `r.start included`).
        for p in ["time offset", "start included", "end included"] {
            n.add(p);
        }
        n
    }

    pub fn add(&mut self, name: &str) {
        let chars: Vec<char> = name.trim().chars().collect();
        if chars.is_empty() || self.contains_chars(&chars) {
            return;
        }
        let at = self.names.partition_point(|n| n.len() >= chars.len());
        self.names.insert(at, chars);
    }

    fn contains_chars(&self, chars: &[char]) -> bool {
        self.names.iter().any(|n| n == chars)
    }

    pub fn contains(&self, name: &str) -> bool {
        let chars: Vec<char> = name.chars().collect();
        self.contains_chars(&chars)
    }

    /// The longest name at `pos` that ends at a word boundary, in characters (spaces inside a name
    /// match any run of white space).
    fn match_at(&self, text: &[char], pos: usize) -> Option<usize> {
        'names: for name in &self.names {
            let mut i = pos;
            let mut k = 0;
            while k < name.len() {
                let c = name[k];
                if c == ' ' {
                    if !text.get(i).is_some_and(|t| t.is_whitespace()) {
                        continue 'names;
                    }
                    while text.get(i).is_some_and(|t| t.is_whitespace()) {
                        i += 1;
                    }
                    while name.get(k) == Some(&' ') {
                        k += 1;
                    }
                    continue;
                }
                if text.get(i) != Some(&c) {
                    continue 'names;
                }
                i += 1;
                k += 1;
            }
            let last = name[name.len() - 1];
            if is_name_char(last) && text.get(i).is_some_and(|c| is_name_char(*c)) {
                continue;
            }
            return Some(i - pos);
        }
        None
    }
}

fn is_name_start(c: char) -> bool {
    c.is_alphabetic() || c == '_' || c == '?'
}

fn is_name_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

const KEYWORDS: [&str; 14] = [
    "and",
    "or",
    "in",
    "between",
    "instance",
    "then",
    "else",
    "return",
    "satisfies",
    "if",
    "for",
    "some",
    "every",
    "function",
];

// ---------------------------------------------------------------- parser

/// Parse a FEEL expression.
pub fn parse(text: &str, names: &Names) -> Result<Ast, FeelError> {
    let mut p = Parser::new(text, names);
    let e = p.expression()?;
    p.end()?;
    Ok(e)
}

/// Parse the unary tests of a decision table input cell (or `allowedValues`).
pub fn parse_tests(text: &str, names: &Names) -> Result<Tests, FeelError> {
    let mut p = Parser::new(text, names);
    p.skip_ws();
    if p.at_end() {
        return Ok(Tests::Any);
    }
    if p.eat('-') {
        p.skip_ws();
        if p.at_end() {
            return Ok(Tests::Any);
        }
        p.pos = 0;
    }
    let save = p.pos;
    if p.keyword("not") && p.eat_ws('(') {
        let tests = p.checks()?;
        p.expect(')')?;
        if p.end().is_ok() {
            return Ok(Tests::Not(tests));
        }
        p.pos = save;
    }
    p.pos = save;
    let tests = p.checks()?;
    p.end()?;
    Ok(Tests::Some(tests))
}

/// Parse a type (`number`, `list<string>`, `context<a: number>`, a model type name).
pub fn parse_type(text: &str) -> Result<Type, FeelError> {
    let names = Names::default();
    let mut p = Parser::new(text, &names);
    let t = p.ty()?;
    p.end()?;
    Ok(t)
}

#[derive(Clone, Copy)]
enum Infix {
    Bin(BinOp),
    Between,
    In,
    InstanceOf,
}

pub(super) struct Parser {
    text: Vec<char>,
    pos: usize,
    names: Names,
    depth: usize,
    /// Each opening bracket with its closing partner, by position of the opening one.
    partners: Vec<(usize, usize)>,
    /// Characters the look-ahead has stepped over (a test keeps it linear in the text).
    looked: Cell<usize>,
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

type Parsed<T> = Result<T, FeelError>;

impl Parser {
    fn new(text: &str, names: &Names) -> Parser {
        let text: Vec<char> = text.chars().collect();
        let partners = bracket_partners(&text);
        Parser { text, pos: 0, names: names.clone(), depth: 0, partners, looked: Cell::new(0) }
    }

    fn error(&self, message: impl Into<String>) -> FeelError {
        FeelError { text: self.text.iter().collect(), at: self.pos, message: message.into() }
    }

    fn peek(&self) -> Option<char> {
        self.text.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.text.get(self.pos + offset).copied()
    }

    fn at_end(&self) -> bool {
        self.pos >= self.text.len()
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
                self.pos = (self.pos + 2).min(self.text.len());
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
        self.text[self.pos..].iter().take(20).collect()
    }

    fn eat(&mut self, c: char) -> bool {
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn eat_ws(&mut self, c: char) -> bool {
        self.skip_ws();
        self.eat(c)
    }

    fn eat_str(&mut self, s: &str) -> bool {
        self.skip_ws();
        let chars: Vec<char> = s.chars().collect();
        if self.text[self.pos..].starts_with(&chars) {
            self.pos += chars.len();
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: char) -> Parsed<()> {
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

    fn keyword(&mut self, kw: &str) -> bool {
        if self.is_keyword(kw) {
            self.pos += kw.chars().count();
            true
        } else {
            false
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> Parsed<()> {
        if self.keyword(kw) {
            Ok(())
        } else {
            Err(self.error(format!("expected `{kw}` at `{}`", self.rest_preview())))
        }
    }

    fn deeper(&mut self, by: usize) -> Parsed<()> {
        if self.depth + by > MAX_DEPTH {
            return Err(self.error(format!("expression nested deeper than {MAX_DEPTH}")));
        }
        Ok(())
    }

    pub(super) fn expression(&mut self) -> Parsed<Ast> {
        self.deeper(1)?;
        self.depth += 1;
        let r = self.binary(0);
        self.depth -= 1;
        r
    }

    /// The infix operator at the position, with its precedence (`or` 1 ... `**` 6).
    fn infix(&mut self) -> Option<(u8, Infix)> {
        self.skip_ws();
        let c = self.peek()?;
        let one = |p: &mut Parser, prec: u8, op: BinOp| {
            p.pos += 1;
            Some((prec, Infix::Bin(op)))
        };
        match c {
            '+' => one(self, 4, BinOp::Add),
            '-' if self.peek_at(1) != Some('>') => one(self, 4, BinOp::Sub),
            '*' if self.peek_at(1) == Some('*') => {
                self.pos += 2;
                Some((6, Infix::Bin(BinOp::Pow)))
            }
            '*' => one(self, 5, BinOp::Mul),
            '/' if !matches!(self.peek_at(1), Some('/' | '*')) => one(self, 5, BinOp::Div),
            '<' | '>' | '=' | '!' => self.compare_op().map(|op| (3, Infix::Bin(BinOp::Cmp(op)))),
            _ => {
                if self.keyword("or") {
                    Some((1, Infix::Bin(BinOp::Or)))
                } else if self.keyword("and") {
                    Some((2, Infix::Bin(BinOp::And)))
                } else if self.keyword("between") {
                    Some((3, Infix::Between))
                } else if self.keyword("in") {
                    Some((3, Infix::In))
                } else if self.keyword("instance") {
                    Some((3, Infix::InstanceOf))
                } else {
                    None
                }
            }
        }
    }

    /// Operators by precedence climbing: one frame per precedence step, so nesting costs little
    /// stack. Each link of a chain counts as nesting (it is evaluated recursively).
    fn binary(&mut self, min: u8) -> Parsed<Ast> {
        let mut left = self.unary()?;
        let mut links = 0;
        loop {
            // Back to after the white space, so a long comment is not read again at every level.
            self.skip_ws();
            let save = self.pos;
            let Some((prec, op)) = self.infix() else { return Ok(left) };
            if prec < min {
                self.pos = save;
                return Ok(left);
            }
            links += 1;
            self.deeper(links)?;
            self.depth += links;
            let r = self.infix_rest(op, prec, left);
            self.depth -= links;
            left = r?;
        }
    }

    #[inline(never)]
    fn infix_rest(&mut self, op: Infix, prec: u8, left: Ast) -> Parsed<Ast> {
        Ok(match op {
            Infix::Bin(op) => {
                let right = self.binary(prec + 1)?;
                Ast::Binary(op, Box::new(left), Box::new(right))
            }
            Infix::Between => {
                let low = self.binary(4)?;
                self.expect_keyword("and")?;
                let high = self.binary(4)?;
                Ast::Between(Box::new(left), Box::new(low), Box::new(high))
            }
            Infix::In => {
                let tests = if self.starts_test_list() {
                    self.expect('(')?;
                    let t = self.checks()?;
                    self.expect(')')?;
                    t
                } else {
                    vec![self.check()?]
                };
                Ast::In(Box::new(left), tests)
            }
            Infix::InstanceOf => {
                self.expect_keyword("of")?;
                Ast::InstanceOf(Box::new(left), self.ty()?)
            }
        })
    }

    fn compare_op(&mut self) -> Option<CmpOp> {
        self.skip_ws();
        let ops = [
            ("<=", CmpOp::Le),
            (">=", CmpOp::Ge),
            ("!=", CmpOp::Ne),
            ("=", CmpOp::Eq),
            ("<", CmpOp::Lt),
            (">", CmpOp::Gt),
        ];
        for (s, op) in ops {
            if self.eat_str(s) {
                return Some(op);
            }
        }
        None
    }

    /// An operand of `<`, `between` and the like: an arithmetic expression.
    fn additive(&mut self) -> Parsed<Ast> {
        self.binary(4)
    }

    /// `x in (1, 2)`: a parenthesised list of tests (not a range `(1..2)` or a grouping): a comma
    /// or a comparison at the top level of the parentheses.
    fn starts_test_list(&mut self) -> bool {
        self.skip_ws();
        if self.peek() != Some('(') {
            return false;
        }
        let (stop, compares) = self.ahead();
        stop == Stop::Comma || stop != Stop::Dots && compares
    }

    fn unary(&mut self) -> Parsed<Ast> {
        self.skip_ws();
        if self.peek() == Some('-') {
            self.pos += 1;
            self.deeper(1)?;
            self.depth += 1;
            let inner = self.unary();
            self.depth -= 1;
            let inner = inner?;
            return Ok(match inner {
                Ast::Literal(Value::Number(n)) => Ast::Literal(Value::Number(-n)),
                other => Ast::Neg(Box::new(other)),
            });
        }
        self.postfix()
    }

    fn postfix(&mut self) -> Parsed<Ast> {
        let mut e = self.primary()?;
        let mut links = 0;
        loop {
            self.skip_ws();
            links += 1;
            self.deeper(links)?;
            match self.peek() {
                Some('.') if self.peek_at(1) != Some('.') && !self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => {
                    self.pos += 1;
                    self.skip_ws();
                    let field = self.name().ok_or_else(|| self.error("expected a name after `.`"))?;
                    e = Ast::Path(Box::new(e), field);
                }
                // `]1..10[`: a `[` that closes a range is no filter.
                Some('[') if self.closes_range() => return Ok(e),
                Some('[') => {
                    self.pos += 1;
                    self.depth += links;
                    let f = self.expression();
                    self.depth -= links;
                    let f = f?;
                    self.expect(']')?;
                    e = Ast::Filter(Box::new(e), Box::new(f));
                }
                Some('(') => {
                    if let Ast::Name(n) = &e {
                        if !self.names.contains(n) && !builtins::is_builtin(n) {
                            return Err(self.error(format!("unknown function `{n}`")));
                        }
                    }
                    let at = self.pos;
                    self.pos += 1;
                    self.depth += links;
                    let args = self.arguments();
                    self.depth -= links;
                    let args = args?;
                    // A built-in called with a parameter name it does not have is an error, not null.
                    if let (Ast::Name(n), Args::Named(named)) = (&e, &args) {
                        if builtins::is_builtin(n) && !self.names.contains(n) {
                            if let Some((bad, _)) = named.iter().find(|(p, _)| !builtins::has_param(n, p)) {
                                self.pos = at;
                                return Err(self.error(format!("`{n}` has no parameter `{bad}`")));
                            }
                        }
                    }
                    e = Ast::Call(Box::new(e), args);
                }
                _ => return Ok(e),
            }
        }
    }

    fn arguments(&mut self) -> Parsed<Args> {
        if self.eat_ws(')') {
            return Ok(Args::Positional(Vec::new()));
        }
        if self.named_argument_ahead().is_some() {
            let mut named = Vec::new();
            loop {
                self.skip_ws();
                let Some(len) = self.named_argument_ahead() else {
                    return Err(self.error("expected a named argument (`name: value`)"));
                };
                let name: String = self.text[self.pos..self.pos + len].iter().collect::<String>();
                let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
                self.pos += len;
                self.expect(':')?;
                let v = self.expression()?;
                named.push((name, v));
                if self.eat_ws(',') {
                    continue;
                }
                self.expect(')')?;
                return Ok(Args::Named(named));
            }
        }
        let mut args = Vec::new();
        loop {
            args.push(self.expression()?);
            if self.eat_ws(',') {
                continue;
            }
            self.expect(')')?;
            return Ok(Args::Positional(args));
        }
    }

    /// The length of `some name` before a `:` at the position, if the next argument is named.
    fn named_argument_ahead(&mut self) -> Option<usize> {
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

    /// A name at the position: the longest name in scope, else one word (not a keyword).
    fn name(&mut self) -> Option<String> {
        self.skip_ws();
        if let Some(len) = self.names.match_at(&self.text, self.pos) {
            let n: String = self.text[self.pos..self.pos + len].iter().collect();
            self.pos += len;
            return Some(n.split_whitespace().collect::<Vec<_>>().join(" "));
        }
        if !self.peek().is_some_and(is_name_start) {
            return None;
        }
        let start = self.pos;
        self.pos += 1;
        while self.peek().is_some_and(is_name_char) {
            self.pos += 1;
        }
        Some(self.text[start..self.pos].iter().collect())
    }

    fn primary(&mut self) -> Parsed<Ast> {
        self.skip_ws();
        let Some(c) = self.peek() else { return Err(self.error("expected an expression but the text ends")) };
        match c {
            '"' => Ok(Ast::Literal(Value::String(self.string()?))),
            '@' => self.at_literal(),
            // A declared name may start with a digit (`2e bouwlaag`, as rule builders write them).
            '0'..='9' | '.' if self.names.match_at(&self.text, self.pos).is_some() => self.word(),
            '0'..='9' => self.number(),
            '.' if self.peek_at(1).is_some_and(|c| c.is_ascii_digit()) => self.number(),
            '?' if !self.peek_at(1).is_some_and(is_name_char) => {
                self.pos += 1;
                Ok(Ast::InputValue)
            }
            '(' | '[' | ']' if self.looks_like_range() => self.range(),
            '(' => {
                self.pos += 1;
                let e = self.expression()?;
                self.expect(')')?;
                Ok(e)
            }
            '[' => self.list(),
            '{' => self.context(),
            '<' | '>' | '=' | '!' => self.open_range(),
            _ => self.word(),
        }
    }

    #[inline(never)]
    fn at_literal(&mut self) -> Parsed<Ast> {
        self.pos += 1;
        self.skip_ws();
        if self.peek() != Some('"') {
            return Err(self.error("expected a string after `@`"));
        }
        let at = self.pos;
        let s = self.string()?;
        match super::builtins::temporal_literal(&s) {
            Some(v) => Ok(Ast::Literal(v)),
            None => {
                self.pos = at;
                Err(self.error(format!("`@\"{s}\"` is not a date, time, date and time or duration")))
            }
        }
    }

    #[inline(never)]
    fn list(&mut self) -> Parsed<Ast> {
        self.pos += 1;
        let mut items = Vec::new();
        if !self.eat_ws(']') {
            loop {
                items.push(self.expression()?);
                if self.eat_ws(',') {
                    continue;
                }
                self.expect(']')?;
                break;
            }
        }
        Ok(Ast::List(items))
    }

    #[inline(never)]
    fn context(&mut self) -> Parsed<Ast> {
        self.pos += 1;
        let mut entries: Vec<(String, Ast)> = Vec::new();
        if !self.eat_ws('}') {
            loop {
                let key = self.context_key()?;
                if entries.iter().any(|(k, _)| *k == key) {
                    return Err(self.error(format!("duplicate context key `{key}`")));
                }
                self.expect(':')?;
                self.names.add(&key);
                let v = self.expression()?;
                entries.push((key, v));
                if self.eat_ws(',') {
                    continue;
                }
                self.expect('}')?;
                break;
            }
        }
        Ok(Ast::Context(entries))
    }

    /// `< 5` where an expression is expected: a range (FEEL 1.4 unary test as value).
    #[inline(never)]
    fn open_range(&mut self) -> Parsed<Ast> {
        let op = self.compare_op().ok_or_else(|| self.error("unexpected operator"))?;
        // `<<<...1` nests as deeply as brackets do.
        self.deeper(1)?;
        self.depth += 1;
        let e = self.additive();
        self.depth -= 1;
        let e = Box::new(e?);
        Ok(match op {
            CmpOp::Lt => Ast::Range { low: None, low_closed: false, high: Some(e), high_closed: false },
            CmpOp::Le => Ast::Range { low: None, low_closed: false, high: Some(e), high_closed: true },
            CmpOp::Gt => Ast::Range { low: Some(e), low_closed: false, high: None, high_closed: false },
            CmpOp::Ge => Ast::Range { low: Some(e), low_closed: true, high: None, high_closed: false },
            CmpOp::Eq => Ast::EqualRange(e),
            CmpOp::Ne => return Err(self.error("`!=` needs a left side")),
        })
    }

    /// A keyword construct (`if`, `for`, `some`, `every`, `function`), a literal word or a name.
    #[inline(never)]
    fn word(&mut self) -> Parsed<Ast> {
        if self.keyword("if") {
            let c = self.expression()?;
            self.expect_keyword("then")?;
            let t = self.expression()?;
            self.expect_keyword("else")?;
            let f = self.expression()?;
            return Ok(Ast::If(Box::new(c), Box::new(t), Box::new(f)));
        }
        let save = self.pos;
        if self.keyword("for") {
            if let Some(its) = self.iterations()? {
                self.expect_keyword("return")?;
                self.names.add("partial");
                let body = self.expression()?;
                return Ok(Ast::For(its, Box::new(body)));
            }
            self.pos = save;
        }
        for (kw, every) in [("some", false), ("every", true)] {
            if self.keyword(kw) {
                if let Some(its) = self.iterations()? {
                    self.expect_keyword("satisfies")?;
                    let body = self.expression()?;
                    return Ok(Ast::Quantified(every, its, Box::new(body)));
                }
                self.pos = save;
            }
        }
        if self.keyword("function") {
            if self.eat_ws('(') {
                return self.function_def();
            }
            self.pos = save;
        }
        if self.keyword("true") {
            return Ok(Ast::Literal(Value::Bool(true)));
        }
        if self.keyword("false") {
            return Ok(Ast::Literal(Value::Bool(false)));
        }
        if self.keyword("null") {
            return Ok(Ast::Literal(Value::Null));
        }
        let at = self.pos;
        match self.name() {
            Some(n) if KEYWORDS.contains(&n.as_str()) && !self.names.contains(&n) => {
                self.pos = at;
                Err(self.error(format!("unexpected `{n}`")))
            }
            Some(n) => Ok(Ast::Name(n)),
            None => Err(self.error(format!("unexpected `{}`", self.rest_preview()))),
        }
    }

    /// `x in list, y in 1..3`, or `None` when the text after `for`/`some`/`every` is no iteration.
    fn iterations(&mut self) -> Parsed<Option<Vec<Iteration>>> {
        let mut its = Vec::new();
        loop {
            self.skip_ws();
            let save = self.pos;
            let Some(name) = self.name() else {
                self.pos = save;
                return Ok(None);
            };
            if !self.keyword("in") {
                self.pos = save;
                return Ok(None);
            }
            let over = self.expression()?;
            let to = if self.eat_str("..") { Some(self.expression()?) } else { None };
            self.names.add(&name);
            its.push(Iteration { name, over, to });
            if !self.eat_ws(',') {
                return Ok(Some(its));
            }
        }
    }

    fn function_def(&mut self) -> Parsed<Ast> {
        let mut params = Vec::new();
        if !self.eat_ws(')') {
            loop {
                self.skip_ws();
                let start = self.pos;
                while self.peek().is_some_and(|c| c != ':' && c != ',' && c != ')') {
                    self.pos += 1;
                }
                let name: String = self.text[start..self.pos].iter().collect::<String>().trim().to_string();
                if name.is_empty() {
                    return Err(self.error("expected a parameter name"));
                }
                let ty = if self.eat_ws(':') { Some(self.ty()?) } else { None };
                self.names.add(&name);
                params.push((name, ty));
                if self.eat_ws(',') {
                    continue;
                }
                self.expect(')')?;
                break;
            }
        }
        let external = self.keyword("external");
        let body = self.expression()?;
        Ok(Ast::Function(Rc::new(FunctionDef { params, body, external })))
    }

    fn context_key(&mut self) -> Parsed<String> {
        self.skip_ws();
        if self.peek() == Some('"') {
            return self.string();
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| c != ':' && c != '}' && c != ',') {
            self.pos += 1;
        }
        let key: String = self.text[start..self.pos].iter().collect::<String>();
        let key = key.split_whitespace().collect::<Vec<_>>().join(" ");
        if key.is_empty() {
            self.pos = start;
            return Err(self.error("expected a context key"));
        }
        Ok(key)
    }

    fn number(&mut self) -> Parsed<Ast> {
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
        if matches!(self.peek(), Some('e' | 'E')) {
            let save = self.pos;
            self.pos += 1;
            if matches!(self.peek(), Some('+' | '-')) {
                self.pos += 1;
            }
            if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                while self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.pos += 1;
                }
            } else {
                self.pos = save;
            }
        }
        let text: String = self.text[start..self.pos].iter().collect();
        let text = if text.starts_with('.') { format!("0{text}") } else { text };
        value::parse_decimal(&text)
            .map(|n| Ast::Literal(Value::Number(n)))
            .ok_or_else(|| self.error(format!("number `{text}` is out of range")))
    }

    fn string(&mut self) -> Parsed<String> {
        self.pos += 1;
        let mut s = String::new();
        let mut pending_high: Option<u32> = None;
        loop {
            let Some(c) = self.peek() else { return Err(self.error("string is not closed")) };
            self.pos += 1;
            match c {
                '"' => return Ok(s),
                '\\' => {
                    let Some(e) = self.peek() else { return Err(self.error("string is not closed")) };
                    self.pos += 1;
                    match e {
                        'n' => s.push('\n'),
                        't' => s.push('\t'),
                        'r' => s.push('\r'),
                        '"' => s.push('"'),
                        '\'' => s.push('\''),
                        '\\' => s.push('\\'),
                        'u' | 'U' => {
                            let len = if e == 'u' { 4 } else { 6 };
                            let hex: String =
                                self.text[self.pos..(self.pos + len).min(self.text.len())].iter().collect();
                            let code = u32::from_str_radix(&hex, 16)
                                .ok()
                                .filter(|_| hex.len() == len)
                                .ok_or_else(|| self.error("bad \\u escape"))?;
                            self.pos += len;
                            if (0xD800..0xDC00).contains(&code) {
                                pending_high = Some(code);
                                continue;
                            }
                            let code = match pending_high.take() {
                                Some(high) if (0xDC00..0xE000).contains(&code) => {
                                    0x10000 + ((high - 0xD800) << 10) + (code - 0xDC00)
                                }
                                _ => code,
                            };
                            s.push(char::from_u32(code).ok_or_else(|| self.error("bad \\u escape"))?);
                        }
                        other => {
                            s.push('\\');
                            s.push(other);
                        }
                    }
                }
                c => s.push(c),
            }
        }
    }

    /// Whether the `[` at the position ends an open range (`]1..10[`, then `,`, `)`, `.start`).
    fn closes_range(&self) -> bool {
        let mut rest = self.text[self.pos + 1..].iter().filter(|c| !c.is_whitespace());
        match rest.next() {
            None | Some(',' | ')' | ']') => true,
            Some('.') => rest.next().is_some_and(|c| is_name_start(*c)),
            _ => false,
        }
    }

    /// Whether a bracket opens a range (`[1..5)`, `]a..b[`): a `..` at its top level.
    fn looks_like_range(&self) -> bool {
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

    fn range(&mut self) -> Parsed<Ast> {
        let open = self.peek();
        self.pos += 1;
        let low_closed = open == Some('[');
        let low = self.expression()?;
        if !self.eat_str("..") {
            return Err(self.error("expected `..` in a range"));
        }
        let high = self.expression()?;
        self.skip_ws();
        let high_closed = match self.peek() {
            Some(']') => true,
            Some(')' | '[') => false,
            _ => return Err(self.error("expected `]`, `)` or `[` to close the range")),
        };
        self.pos += 1;
        Ok(Ast::Range { low: Some(Box::new(low)), low_closed, high: Some(Box::new(high)), high_closed })
    }

    fn checks(&mut self) -> Parsed<Vec<Check>> {
        let mut tests = vec![self.check()?];
        while self.eat_ws(',') {
            tests.push(self.check()?);
        }
        Ok(tests)
    }

    fn check(&mut self) -> Parsed<Check> {
        self.skip_ws();
        let save = self.pos;
        if let Some(op) = self.compare_op() {
            if self.peek() != Some('=') {
                return Ok(Check::Compare(op, self.additive()?));
            }
        }
        self.pos = save;
        Ok(Check::Expr(self.expression()?))
    }

    fn ty(&mut self) -> Parsed<Type> {
        self.skip_ws();
        for (name, t) in [
            ("date and time", Type::DateTime),
            ("days and time duration", Type::DtDuration),
            ("years and months duration", Type::YmDuration),
            ("dayTimeDuration", Type::DtDuration),
            ("yearMonthDuration", Type::YmDuration),
            ("dateTime", Type::DateTime),
        ] {
            if self.keyword(name) {
                return Ok(t);
            }
        }
        let start = self.pos;
        while self.peek().is_some_and(|c| is_name_char(c) || c == '.' || c == ':') {
            self.pos += 1;
        }
        let name: String = self.text[start..self.pos].iter().collect();
        if name.is_empty() {
            return Err(self.error("expected a type"));
        }
        self.deeper(1)?;
        self.depth += 1;
        let r = self.type_rest(&name);
        self.depth -= 1;
        r
    }

    fn type_rest(&mut self, name: &str) -> Parsed<Type> {
        let generic = |p: &mut Parser| -> Parsed<Type> {
            p.expect('<')?;
            let t = p.ty()?;
            p.expect('>')?;
            Ok(t)
        };
        Ok(match name {
            "Any" => Type::Any,
            "Null" => Type::Null,
            "number" => Type::Number,
            "string" => Type::String,
            "boolean" => Type::Bool,
            "date" => Type::Date,
            "time" => Type::Time,
            "list" if self.eat_ws('<') => {
                self.pos -= 1;
                Type::List(Box::new(generic(self)?))
            }
            "range" if self.eat_ws('<') => {
                self.pos -= 1;
                Type::Range(Box::new(generic(self)?))
            }
            "context" if self.eat_ws('<') => {
                let mut fields = Vec::new();
                if !self.eat_ws('>') {
                    loop {
                        let key = self.context_key()?;
                        self.expect(':')?;
                        fields.push((key, self.ty()?));
                        if self.eat_ws(',') {
                            continue;
                        }
                        self.expect('>')?;
                        break;
                    }
                }
                Type::Context(fields)
            }
            "function" if self.eat_ws('<') => {
                let mut params = Vec::new();
                if !self.eat_ws('>') {
                    loop {
                        params.push(self.ty()?);
                        if self.eat_ws(',') {
                            continue;
                        }
                        self.expect('>')?;
                        break;
                    }
                }
                if !self.eat_str("->") {
                    return Err(self.error("expected `->` and the result type"));
                }
                Type::Function(params, Box::new(self.ty()?))
            }
            other => Type::Named(other.to_string()),
        })
    }
}

#[cfg(test)]
mod bounded_work {
    use super::*;

    fn names() -> Names {
        Names::new(["list1", "a b"])
    }

    /// Parse as an expression; the error message, and how many characters the look-ahead read.
    fn read(text: &str) -> (Result<Ast, String>, usize) {
        let mut p = Parser::new(text, &names());
        let r = p.expression().and_then(|e| p.end().map(|()| e)).map_err(|e| e.message);
        (r, p.looked.get())
    }

    fn refused_as_too_deep(text: &str) {
        let (r, _) = read(text);
        let message = r.expect_err("too deep");
        assert!(message.contains("nested deeper than 100"), "{message}");
        let t = parse_tests(text, &names()).expect_err("too deep as unary tests");
        assert!(t.message.contains("nested deeper than"), "{}", t.message);
    }

    /// Found by fuzzing (the `feel` target): `=x` where an expression is expected is the range
    /// `[x..x]`, and the parser copied `x` into both ends, so each `=` of a chain doubled the tree
    /// (2^115 nodes for this text). The operand is now kept once, and such a chain nests.
    #[test]
    fn a_long_chain_of_equals_signs_is_refused() {
        refused_as_too_deep(&format!("append(list1,stping{}1)", "=".repeat(115)));
        // Through the STTR subset too, as the importer and the fuzz target read it.
        let text = format!("append(list1,stping{}1)", "=".repeat(115));
        assert!(super::super::parse_expression(&text, &names()).is_err());
        assert!(super::super::parse_unary_tests(&text, &names()).is_err());
    }

    #[test]
    fn a_short_chain_of_equals_signs_grows_the_tree_linearly() {
        let (r, _) = read(&format!("list1 {}1", "=".repeat(40)));
        let tree = format!("{:?}", r.expect("reads"));
        assert_eq!(tree.matches("EqualRange").count(), 39, "{tree}");
        assert!(tree.len() < 2_000, "{} characters of tree", tree.len());
    }

    #[test]
    fn long_chains_of_every_operator_are_refused_at_the_nesting_limit() {
        for op in ["+", "-", "*", "/", "**", "=", "!=", "<", "<=", ">", ">=", " and ", " or ", " in ", "."] {
            refused_as_too_deep(&format!("1{}", format!("{op}a").repeat(5_000)));
        }
        for prefix in ["-", "<", "<=", ">", ">=", "=", "not(", "(", "[", "{a:", "if a then ", "f("] {
            let (r, _) = read(&format!("{}1", prefix.repeat(20_000)));
            assert!(r.is_err(), "{prefix}");
        }
    }

    #[test]
    fn nested_calls_with_named_argument_lookalikes_are_refused() {
        refused_as_too_deep(&format!("{}1{}", "append(a b: ".repeat(2_000), ")".repeat(2_000)));
        // Each argument starts like a name that a `:` could follow.
        refused_as_too_deep(&format!("{}1{}", "count(a b  .  a b + ".repeat(2_000), ")".repeat(2_000)));
        let (r, _) = read(&format!("append(list1{})", ", a b c: 1".repeat(5_000)));
        assert!(r.is_err());
    }

    /// The look-ahead past a bracket (range? list of tests?) steps over nested brackets by their
    /// partners: reading never costs a scan per level or per sibling.
    #[test]
    fn the_look_ahead_reads_each_character_a_bounded_number_of_times() {
        let shapes = [
            // Comments and strings hide brackets from the parser; the look-ahead skips them too.
            format!("[{}1]", "(1/*((*/), ".repeat(5_000)),
            format!("[{}1]", "(\"((\"), ".repeat(5_000)),
            format!("x in ({}1)", "(1 // ((\n), ".repeat(5_000)),
            // Unbalanced and mixed brackets.
            "(".repeat(20_000),
            ")".repeat(20_000),
            "]".repeat(20_000),
            format!("[{}]", "]1..2[, ".repeat(5_000)),
            format!("[{}]", "[1, 2, (3, ".repeat(5_000)),
            // Nesting to just under the limit, each level with wide content.
            format!("{}1{}", "([1, 2, 3, 4, 5, 6, 7, 8], ".repeat(30), ")".repeat(30)),
        ];
        for text in &shapes {
            let (_, looked) = read(text);
            let chars = text.chars().count();
            assert!(looked <= 2 * chars + 10, "looked at {looked} characters of {chars}: {}", &text[..40]);
            let _ = parse_tests(text, &names());
        }
    }

    #[test]
    fn ranges_lists_of_tests_and_groupings_are_told_apart() {
        let tests = |t: &str| parse_tests(t, &names()).unwrap_or_else(|e| panic!("{e}"));
        let eval = |t: &str| super::super::evaluate(&parse(t, &names()).unwrap(), &super::super::Scope::root(vec![]));
        assert_eq!(eval("5 in (1, 5)").to_string(), "true");
        assert_eq!(eval("5 in (< 5)").to_string(), "false");
        assert_eq!(eval("5 in (1..5]").to_string(), "true");
        assert_eq!(eval("5 in ]1..5[").to_string(), "false");
        assert_eq!(eval("5 in ([4, 5] /* ( */)").to_string(), "true");
        assert_eq!(eval("(2 + 3) * 2").to_string(), "10");
        assert_eq!(eval("(=10).end").to_string(), "10");
        assert!(matches!(tests("[1..2], (\"a)\"..\"b\")"), Tests::Some(v) if v.len() == 2));
    }
}

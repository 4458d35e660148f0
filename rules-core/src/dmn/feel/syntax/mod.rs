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
//!
//! Here: the syntax tree, the names in scope and the entry points. The parser is in `scan` (the
//! cursor and the bracket look-ahead), `expr` (expressions and unary tests) and `types`.

use std::rc::Rc;

use super::builtins;
use super::value::Value;
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
    /// `!=e` where an expression is expected: every value but `e`, as a range.
    NotEqualRange(Box<Ast>),
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
            Ast::Neg(e) | Ast::EqualRange(e) | Ast::NotEqualRange(e) | Ast::Path(e, _) | Ast::InstanceOf(e, _) => {
                e.uses_input_value()
            }
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

#[cfg(test)]
mod bounded_work;
mod expr;
mod scan;
mod types;

use scan::Parser;

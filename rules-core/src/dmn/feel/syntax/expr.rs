//! Expressions: operators by precedence, calls and arguments, literals, lists, contexts, ranges,
//! `for`/`some`/`every`, function definitions, and the unary tests of a decision table cell.

use std::rc::Rc;

use super::scan::{Parsed, Parser};
use super::{is_name_char, is_name_start, Args, Ast, BinOp, Check, CmpOp, FunctionDef, Iteration, KEYWORDS};
use crate::dmn::feel::builtins;
use crate::dmn::feel::value::{self, Value};

#[derive(Clone, Copy)]
enum Infix {
    Bin(BinOp),
    Between,
    In,
    InstanceOf,
}

impl Parser {
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
            CmpOp::Ne => Ast::NotEqualRange(e),
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

    pub(super) fn context_key(&mut self) -> Parsed<String> {
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

    pub(super) fn checks(&mut self) -> Parsed<Vec<Check>> {
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
}

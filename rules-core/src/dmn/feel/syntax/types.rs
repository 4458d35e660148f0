//! Types: `number`, `list<string>`, `context<a: number>`, `function<number>->string`, model names.

use super::scan::{Parsed, Parser};
use super::{is_name_char, Type};

impl Parser {
    pub(super) fn ty(&mut self) -> Parsed<Type> {
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

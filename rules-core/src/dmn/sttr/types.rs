//! The vocabulary of the conversion: types of converted values, conclusions, quoting.

use rust_decimal::Decimal;

use super::super::feel;
use super::super::feel::{Expr, Names, Value};

/// The type of a DMN variable in our language.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Ty {
    Bool,
    Number,
    Text,
    Choice(Vec<String>),
    Location,
    Conclusion,
    List,
}

impl Ty {
    pub(super) fn declaration(&self) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Number => "number".into(),
            Ty::Text | Ty::List | Ty::Conclusion => "text".into(),
            Ty::Choice(options) => {
                format!("choice({})", options.iter().map(|o| quote(o)).collect::<Vec<_>>().join(", "))
            }
            Ty::Location => "location".into(),
        }
    }
}

/// A value a column can take, as FEEL sees it, and how a cell accepting it is written.
#[derive(Debug, Clone)]
pub(super) struct DomainValue {
    pub(super) feel: Value,
    pub(super) written: Vec<String>,
}

#[derive(Debug, Clone)]
pub(super) struct Var {
    pub(super) ident: String,
    pub(super) ty: Ty,
    /// The type of one table row's conclusion (the element type for list decisions).
    pub(super) row_ty: Ty,
    /// The finite set of values, when known (bool, options, location, decision outputs).
    pub(super) domain: Option<Vec<DomainValue>>,
    pub(super) is_decision: bool,
    /// A fixed value (`uitv:vasteWaarde`): its domain is that one value.
    pub(super) fixed: bool,
}

/// The STTR conclusion vocabulary (and the builders' internal `no hit`) -> our conclusions.
pub(super) fn conclusion(s: &str) -> Option<&'static str> {
    Some(match s {
        "Toestemmingsvrij" => "Toestemmingsvrij",
        "Meldingsplicht" => "Meldingsplicht",
        "Vergunningplicht" => "Vergunningplicht",
        "Informatieplicht" => "Informatieplicht",
        "Verbod" => "Verbod",
        "NeemContactOpMet" | "NeemContactOp" => "NeemContactOp",
        "NietVanToepassing" | "no hit" => "NietVanToepassing",
        _ => return None,
    })
}

/// A text that is almost an STTR conclusion: a typo or a capitalisation away.
pub(super) fn near_conclusion(s: &str) -> bool {
    const NAMES: [&str; 8] = [
        "Toestemmingsvrij",
        "Meldingsplicht",
        "Vergunningplicht",
        "Informatieplicht",
        "Verbod",
        "NeemContactOpMet",
        "NeemContactOp",
        "NietVanToepassing",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(s) || strsim::levenshtein(&n.to_lowercase(), &s.to_lowercase()) <= 3)
}

pub(super) fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A text for `because` / `help`: trimmed lines, and `{name}` kept literal (not a placeholder).
pub(super) fn prose(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).collect();
    let joined = lines.join("\n").trim().to_string();
    let mut out = String::with_capacity(joined.len());
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '{' && chars.peek().is_some_and(|n| n.is_ascii_lowercase() || *n == '_') {
            out.push(' ');
        }
    }
    out
}

pub(super) fn decimal_text(n: Decimal) -> String {
    n.normalize().to_string()
}

pub(super) fn value_written(v: &Value, ty: &Ty) -> Option<String> {
    Some(match (v, ty) {
        (Value::String(s), Ty::Conclusion) => match conclusion(s) {
            Some(c) => c.to_string(),
            // Not a conclusion: as a capitalised word the checker says "unknown conclusion, did you
            // mean ...?"; anything else stays a text (a type error).
            None if s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric()) => {
                s.clone()
            }
            None => quote(s),
        },
        (Value::String(s), Ty::Location) if matches!(s.as_str(), "ja" | "nee" | "deels") => s.clone(),
        (Value::String(s), _) => quote(s),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Number(n), _) => decimal_text(*n),
        _ => return None,
    })
}

impl Var {
    pub(super) fn input(ident: String, ty: Ty, domain: Option<Vec<DomainValue>>) -> Var {
        Var { ident, row_ty: ty.clone(), ty, domain, is_decision: false, fixed: false }
    }

    /// The type row conclusions are written in: a list decision's rows conclude its element type.
    pub(super) fn ty_for_rows(&self) -> Ty {
        self.row_ty.clone()
    }
}

pub(super) fn domain_of(ty: &Ty) -> Option<Vec<DomainValue>> {
    let v = |feel: Value, w: &str| DomainValue { feel, written: vec![w.to_string()] };
    Some(match ty {
        Ty::Bool => vec![v(Value::Bool(true), "true"), v(Value::Bool(false), "false")],
        Ty::Location => ["ja", "nee", "deels"].iter().map(|s| v(Value::String(s.to_string()), s)).collect(),
        Ty::Choice(options) => options.iter().map(|o| v(Value::String(o.clone()), &quote(o))).collect(),
        _ => return None,
    })
}

pub(super) fn literal(e: &Expr) -> Option<Value> {
    match e {
        Expr::Bool(b) => Some(Value::Bool(*b)),
        Expr::Number(n) => Some(Value::Number(*n)),
        Expr::String(s) => Some(Value::String(s.clone())),
        _ => None,
    }
}

pub(super) fn annotation_text(a: &str) -> String {
    match feel::parse_expression(a, &Names::default()) {
        Ok(Expr::String(s)) => s.trim().to_string(),
        _ => a.trim().trim_matches('"').trim().to_string(),
    }
}

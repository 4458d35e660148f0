//! Values, types and units: what an expression can be, and the arithmetic on quantities.
//!
//! Every measured number carries a [`Dim`] (powers of metre and degree). The checker uses the same
//! `Dim` arithmetic as the evaluator, so `height > 20 m2` is rejected before anything runs.

use std::fmt;
use std::sync::Arc;

use serde::Serialize;

pub use crate::spatial::{GeomKind, Geometry, Location};

/// The physical dimension of a number: powers of length and angle. `percent` only changes how the
/// number is shown (0.2 is shown as 20%); for compatibility a percentage is a plain number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Dim {
    pub length: i8,
    pub angle: i8,
    pub percent: bool,
}

impl Dim {
    pub const NUMBER: Dim = Dim { length: 0, angle: 0, percent: false };
    pub const PERCENT: Dim = Dim { length: 0, angle: 0, percent: true };
    pub const LENGTH: Dim = Dim { length: 1, angle: 0, percent: false };
    pub const SURFACE: Dim = Dim { length: 2, angle: 0, percent: false };
    pub const VOLUME: Dim = Dim { length: 3, angle: 0, percent: false };
    pub const ANGLE: Dim = Dim { length: 0, angle: 1, percent: false };

    /// Same physical dimension (percent and plain numbers are compatible).
    pub fn compatible(self, other: Dim) -> bool {
        self.length == other.length && self.angle == other.angle
    }

    pub fn is_dimensionless(self) -> bool {
        self.length == 0 && self.angle == 0
    }

    pub fn times(self, other: Dim) -> Dim {
        let length = self.length.saturating_add(other.length);
        let angle = self.angle.saturating_add(other.angle);
        let percent = length == 0 && angle == 0 && (self.percent && other.percent);
        Dim { length, angle, percent }
    }

    pub fn per(self, other: Dim) -> Dim {
        let length = self.length.saturating_sub(other.length);
        let angle = self.angle.saturating_sub(other.angle);
        Dim { length, angle, percent: false }
    }

    /// The result dimension of `a + b` (keeps percent when both are percentages).
    pub fn plus(self, other: Dim) -> Dim {
        Dim { percent: self.percent && other.percent, ..self }
    }

    /// The unit a value of this dimension is shown in, in plain ASCII (`m2`), as in answers.
    pub fn unit_ascii(self) -> String {
        self.unit_with(|n| if n == 1 { String::new() } else { n.to_string() })
    }

    /// The unit for people (`m²`).
    pub fn unit_pretty(self) -> String {
        self.unit_with(|n| match n {
            1 => String::new(),
            2 => "²".into(),
            3 => "³".into(),
            n => format!("^{n}"),
        })
    }

    fn unit_with(self, power: impl Fn(i8) -> String) -> String {
        if self.percent && self.is_dimensionless() {
            return "%".into();
        }
        let mut parts = Vec::new();
        if self.length > 0 {
            parts.push(format!("m{}", power(self.length)));
        }
        if self.angle == 1 {
            parts.push("deg".into());
        } else if self.angle != 0 {
            parts.push(format!("deg^{}", self.angle));
        }
        let mut unit = parts.join("*");
        if self.length < 0 {
            let per = format!("m{}", power(-self.length));
            unit = if unit.is_empty() { format!("1/{per}") } else { format!("{unit}/{per}") };
        }
        unit
    }

    /// The name of the type, for messages ("a length", "an area").
    pub fn describe(self) -> String {
        match (self.length, self.angle) {
            (0, 0) if self.percent => "a percentage".into(),
            (0, 0) => "a number".into(),
            (1, 0) => "a length (m)".into(),
            (2, 0) => "a surface (m2)".into(),
            (3, 0) => "a volume (m3)".into(),
            (0, 1) => "an angle (deg)".into(),
            _ => format!("a quantity in {}", self.unit_ascii()),
        }
    }
}

/// A unit written after a number in a ruleset or an answer: `5 m`, `30 cm`, `100 m2`, `20%`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    pub dim: Dim,
    /// Factor to the base unit (m, m2, m3, deg; percent to a fraction).
    pub factor: f64,
}

impl Unit {
    /// Look up a unit by its written name.
    pub fn parse(name: &str) -> Option<Unit> {
        let (dim, factor) = match name {
            "m" => (Dim::LENGTH, 1.0),
            "cm" => (Dim::LENGTH, 0.01),
            "mm" => (Dim::LENGTH, 0.001),
            "km" => (Dim::LENGTH, 1000.0),
            "m2" => (Dim::SURFACE, 1.0),
            "ha" => (Dim::SURFACE, 10_000.0),
            "m3" => (Dim::VOLUME, 1.0),
            "deg" => (Dim::ANGLE, 1.0),
            "%" => (Dim::PERCENT, 0.01),
            _ => return None,
        };
        Some(Unit { dim, factor })
    }

    pub const KNOWN: &'static [&'static str] = &["m", "cm", "mm", "km", "m2", "ha", "m3", "deg", "%"];
}

/// A conclusion in the STTR vocabulary of the national permit check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Conclusion {
    Toestemmingsvrij,
    Meldingsplicht,
    Vergunningplicht,
    Informatieplicht,
    Verbod,
    NeemContactOp,
    NietVanToepassing,
}

impl Conclusion {
    pub const ALL: [Conclusion; 7] = [
        Conclusion::Toestemmingsvrij,
        Conclusion::Meldingsplicht,
        Conclusion::Vergunningplicht,
        Conclusion::Informatieplicht,
        Conclusion::Verbod,
        Conclusion::NeemContactOp,
        Conclusion::NietVanToepassing,
    ];

    pub fn parse(name: &str) -> Option<Conclusion> {
        Conclusion::ALL.into_iter().find(|c| c.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Conclusion::Toestemmingsvrij => "Toestemmingsvrij",
            Conclusion::Meldingsplicht => "Meldingsplicht",
            Conclusion::Vergunningplicht => "Vergunningplicht",
            Conclusion::Informatieplicht => "Informatieplicht",
            Conclusion::Verbod => "Verbod",
            Conclusion::NeemContactOp => "NeemContactOp",
            Conclusion::NietVanToepassing => "NietVanToepassing",
        }
    }

    /// Rank for PRIORITY and OUTPUT ORDER tables: the most restrictive conclusion first.
    pub fn severity_rank(self) -> u8 {
        match self {
            Conclusion::Verbod => 0,
            Conclusion::Vergunningplicht => 1,
            Conclusion::Meldingsplicht => 2,
            Conclusion::Informatieplicht => 3,
            Conclusion::NeemContactOp => 4,
            Conclusion::Toestemmingsvrij => 5,
            Conclusion::NietVanToepassing => 6,
        }
    }
}

impl fmt::Display for Conclusion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The static type of an expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Type {
    Bool,
    Num(Dim),
    /// Free text, or one of a fixed set of options (`choice("plat", "schuin")`).
    Text(Option<Arc<[String]>>),
    Geom(GeomKind),
    Location,
    Conclusion,
    /// The result of a COLLECT table without aggregator, or RULE/OUTPUT ORDER.
    List(Box<Type>),
}

impl Type {
    pub fn describe(&self) -> String {
        match self {
            Type::Bool => "a yes/no value (bool)".into(),
            Type::Num(d) => d.describe(),
            Type::Text(Some(_)) => "a choice".into(),
            Type::Text(None) => "a text".into(),
            Type::Geom(k) => format!("a geometry ({k})"),
            Type::Location => "a location answer (ja/nee/deels)".into(),
            Type::Conclusion => "a conclusion".into(),
            Type::List(t) => format!("a list of {}", t.describe()),
        }
    }

    /// Whether values of the two types can be compared with `==` or combined in `if` branches.
    pub fn compatible(&self, other: &Type) -> bool {
        match (self, other) {
            (Type::Num(a), Type::Num(b)) => a.compatible(*b),
            (Type::Text(_), Type::Text(_)) => true,
            (Type::Geom(_), Type::Geom(_)) => true,
            (Type::List(a), Type::List(b)) => a.compatible(b),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }

    /// The declared type names of the language.
    pub fn from_name(name: &str) -> Option<Type> {
        Some(match name {
            "bool" => Type::Bool,
            "number" => Type::Num(Dim::NUMBER),
            "percent" => Type::Num(Dim::PERCENT),
            "length" => Type::Num(Dim::LENGTH),
            "surface" => Type::Num(Dim::SURFACE),
            "volume" => Type::Num(Dim::VOLUME),
            "angle" => Type::Num(Dim::ANGLE),
            "text" => Type::Text(None),
            "point" => Type::Geom(GeomKind::Point),
            "line" => Type::Geom(GeomKind::Line),
            "area" => Type::Geom(GeomKind::Area),
            "location" => Type::Location,
            _ => return None,
        })
    }

    pub const NAMES: &'static [&'static str] = &[
        "bool", "number", "percent", "length", "surface", "volume", "angle", "text", "point", "line", "area",
        "location",
    ];
}

/// A known value during evaluation.
#[derive(Debug, Clone)]
pub enum Value {
    Bool(bool),
    Num(f64, Dim),
    Text(Arc<str>),
    Geom(Arc<Geometry>),
    Location(Location),
    Conclusion(Conclusion),
    List(Vec<Value>),
}

/// Relative tolerance for comparing computed numbers: `50 m2 + 20% * 200 m2` must equal `90 m2`
/// although binary floating point gives 90.00000000000001, and an area derived by polygon
/// operations (99.99999964 m2 for a 100 m2 rear yard) must equal the round figure. One part in a
/// million is far below what anyone can measure or draw (1 cm2 on 100 m2).
const EPSILON: f64 = 1e-6;

/// Compare two numbers, treating values within a relative 1e-6 as equal.
pub fn compare_numbers(a: f64, b: f64) -> std::cmp::Ordering {
    if a == b || !a.is_finite() || !b.is_finite() {
        return a.partial_cmp(&b).unwrap_or(std::cmp::Ordering::Equal);
    }
    let scale = a.abs().max(b.abs()).max(1.0);
    if (a - b).abs() <= EPSILON * scale {
        std::cmp::Ordering::Equal
    } else if a < b {
        std::cmp::Ordering::Less
    } else {
        std::cmp::Ordering::Greater
    }
}

impl Value {
    /// Equality as the language sees it (numbers with tolerance, geometry by identity of shape).
    pub fn same(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Bool(a), Value::Bool(b)) => a == b,
            (Value::Num(a, _), Value::Num(b, _)) => compare_numbers(*a, *b).is_eq(),
            (Value::Text(a), Value::Text(b)) => a == b,
            (Value::Geom(a), Value::Geom(b)) => a == b,
            (Value::Location(a), Value::Location(b)) => a == b,
            (Value::Conclusion(a), Value::Conclusion(b)) => a == b,
            (Value::List(a), Value::List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y)),
            _ => false,
        }
    }

    /// The value in the plain, machine-readable form used in answers and outcome JSON
    /// (`3.2 m`, `true`, `Vergunningplicht`).
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Bool(b) => J::Bool(*b),
            Value::Num(n, d) if d.is_dimensionless() && !d.percent => number_json(*n),
            Value::Num(n, d) => {
                let shown = if d.percent { n * 100.0 } else { *n };
                let unit = d.unit_ascii();
                let sep = if unit == "%" { "" } else { " " };
                J::String(format!("{}{sep}{unit}", plain_number(shown)))
            }
            Value::Text(t) => J::String(t.to_string()),
            Value::Geom(g) => crate::spatial::to_geojson(g),
            Value::Location(l) => J::String(l.to_string()),
            Value::Conclusion(c) => J::String(c.name().into()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
        }
    }

    /// The value for people, in Dutch number format (`3,2 m`, `1.250 m²`, `ja`).
    pub fn to_dutch(&self) -> String {
        match self {
            Value::Bool(true) => "ja".into(),
            Value::Bool(false) => "nee".into(),
            Value::Num(n, d) => {
                let shown = if d.percent && d.is_dimensionless() { n * 100.0 } else { *n };
                let unit = d.unit_pretty().replace("deg", "°");
                // Lengths to the millimetre (0,499 m is not 0,5 m); everything else to two decimals.
                let number = if *d == Dim::LENGTH { dutch_number_with(shown, 3) } else { dutch_number(shown) };
                match unit.as_str() {
                    "" => number,
                    "%" | "°" => format!("{number}{unit}"),
                    _ => format!("{number} {unit}"),
                }
            }
            Value::Text(t) => t.to_string(),
            Value::Geom(g) => match crate::spatial::kind_of(g) {
                Some(GeomKind::Area) => {
                    format!("een vlak van {}", Value::Num(crate::spatial::area(g), Dim::SURFACE).to_dutch())
                }
                Some(GeomKind::Line) => {
                    format!("een lijn van {}", Value::Num(crate::spatial::length(g), Dim::LENGTH).to_dutch())
                }
                Some(GeomKind::Point) => "een punt".into(),
                None => "een lege geometrie".into(),
            },
            Value::Location(l) => l.to_string(),
            Value::Conclusion(c) => c.name().into(),
            Value::List(items) => items.iter().map(Value::to_dutch).collect::<Vec<_>>().join(", "),
        }
    }
}

fn number_json(n: f64) -> serde_json::Value {
    let rounded = round_to(n, 6);
    if rounded.fract() == 0.0 && rounded.abs() < 9.0e15 {
        serde_json::Value::from(rounded as i64)
    } else {
        serde_json::Number::from_f64(rounded).map(serde_json::Value::Number).unwrap_or(serde_json::Value::Null)
    }
}

fn round_to(n: f64, decimals: i32) -> f64 {
    let factor = 10f64.powi(decimals);
    let r = (n * factor).round() / factor;
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

/// A decimal number as written in rulesets and answers (`12`, `2.5`, `-0.75`, `+3`, `.5`, `3.`;
/// no exponent, no `inf`/`nan`), correctly rounded to the nearest f64 for up to 15 significant
/// digits.
///
/// It goes through `serde_json`'s number reader as `DIGITSe-N` rather than `str::parse`: the
/// standard library's float parser brings a 10 KB table of powers of five into the browser build,
/// and `serde_json`'s reader is there anyway (every case file and GeoJSON layer passes through
/// it), so rulesets and JSON documents also read numbers the same way.
///
/// ```
/// use rules_core::value::parse_decimal;
/// assert_eq!(parse_decimal("2.5"), Some(2.5));
/// assert_eq!(parse_decimal("-007.250"), Some(-7.25));
/// assert_eq!(parse_decimal("0.1"), Some(0.1));
/// assert_eq!(parse_decimal("1.2.3"), None);
/// assert_eq!(parse_decimal("1e5"), None);
/// ```
pub fn parse_decimal(text: &str) -> Option<f64> {
    let (sign, body) = match text.as_bytes().first()? {
        b'-' => ("-", &text[1..]),
        b'+' => ("", &text[1..]),
        _ => ("", text),
    };
    let (whole, fraction) = body.split_once('.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && fraction.is_empty()) || !all_digits(whole) || !all_digits(fraction) {
        return None;
    }
    let digits = format!("{whole}{fraction}");
    let digits = match digits.trim_start_matches('0') {
        "" => "0",
        significant => significant,
    };
    serde_json::from_str(&format!("{sign}{digits}e-{}", fraction.len())).ok()
}

/// A number with at most six decimals and no trailing zeros, with a decimal point: `3.2`, `90`.
pub fn plain_number(n: f64) -> String {
    let s = format!("{:.6}", round_to(n, 6));
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s == "-0" {
        "0".into()
    } else {
        s.into()
    }
}

/// A number in Dutch notation with at most two decimals: `1.234,5`, `0,25`, `90`.
pub fn dutch_number(n: f64) -> String {
    dutch_number_with(n, 2)
}

/// A number in Dutch notation with at most `decimals` decimals.
pub fn dutch_number_with(n: f64, decimals: usize) -> String {
    let scale = 10f64.powi(decimals as i32);
    let scaled = (n * scale).round();
    // Integer arithmetic: exact, and much faster than formatting the float with a precision.
    if !scaled.is_finite() || scaled.abs() >= 9.0e15 {
        return format!("{n}");
    }
    let negative = scaled < 0.0;
    let units = scaled.abs() as u64;
    let divisor = 10u64.pow(decimals as u32);
    let (whole, fraction) = (units / divisor, units % divisor);
    let digits = whole.to_string();
    let mut out = String::with_capacity(digits.len() + decimals + 4);
    if negative && units != 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push('.');
        }
        out.push(ch);
    }
    if fraction != 0 {
        let frac = format!("{fraction:0decimals$}");
        out.push(',');
        out.push_str(frac.trim_end_matches('0'));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same f64 as the standard library's (correctly rounded) parser, for decimals of up
        /// to 15 significant digits, with or without leading zeros, sign and fraction.
        #[test]
        fn parse_decimal_is_correctly_rounded(
            sign in prop_oneof![Just(""), Just("-"), Just("+")],
            zeros in "0{0,3}",
            whole in "[0-9]{0,8}",
            fraction in proptest::option::of("[0-9]{0,7}"),
        ) {
            let text = match &fraction {
                Some(f) => format!("{sign}{zeros}{whole}.{f}"),
                None => format!("{sign}{zeros}{whole}"),
            };
            prop_assert_eq!(parse_decimal(&text), text.parse::<f64>().ok(), "{}", text);
        }
    }

    #[test]
    fn parse_decimal_refuses_what_is_not_a_decimal() {
        for text in ["", "-", "+", ".", "1.2.3", "1e5", "inf", "NaN", "1,5", " 1", "--1", "0x10"] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn dutch_numbers() {
        assert_eq!(dutch_number(3.2), "3,2");
        assert_eq!(dutch_number(1234.5), "1.234,5");
        assert_eq!(dutch_number(90.000000001), "90");
        assert_eq!(dutch_number(-0.004), "0");
        assert_eq!(dutch_number(1_000_000.0), "1.000.000");
        assert_eq!(dutch_number(0.256), "0,26");
    }

    #[test]
    fn values_for_people_and_machines() {
        assert_eq!(Value::Num(3.2, Dim::LENGTH).to_dutch(), "3,2 m");
        assert_eq!(Value::Num(0.499, Dim::LENGTH).to_dutch(), "0,499 m");
        assert_eq!(Value::Num(62.456, Dim::SURFACE).to_dutch(), "62,46 m²");
        assert_eq!(Value::Num(150.0, Dim::SURFACE).to_dutch(), "150 m²");
        assert_eq!(Value::Num(0.2, Dim::PERCENT).to_dutch(), "20%");
        assert_eq!(Value::Num(55.0, Dim::ANGLE).to_dutch(), "55°");
        assert_eq!(Value::Num(3.2, Dim::LENGTH).to_json(), serde_json::json!("3.2 m"));
        assert_eq!(Value::Num(0.2, Dim::PERCENT).to_json(), serde_json::json!("20%"));
        assert_eq!(Value::Num(7.0, Dim::NUMBER).to_json(), serde_json::json!(7));
    }

    #[test]
    fn dims_multiply_and_divide() {
        assert_eq!(Dim::LENGTH.times(Dim::LENGTH), Dim::SURFACE);
        assert_eq!(Dim::SURFACE.per(Dim::LENGTH), Dim::LENGTH);
        assert!(Dim::PERCENT.times(Dim::SURFACE).compatible(Dim::SURFACE));
        assert!(!Dim::LENGTH.compatible(Dim::SURFACE));
        assert_eq!(Dim::SURFACE.unit_ascii(), "m2");
        assert_eq!(Dim::LENGTH.per(Dim::SURFACE).unit_ascii(), "1/m");
    }

    #[test]
    fn tolerant_comparison() {
        assert!(compare_numbers(50.0 + 0.2 * 200.0, 90.0).is_eq());
        assert!(compare_numbers(4.99, 5.0).is_lt());
        assert!(compare_numbers(5.01, 5.0).is_gt());
        assert!(compare_numbers(99.99999964, 100.0).is_eq());
        assert!(compare_numbers(4.9999, 5.0).is_lt());
    }
}

//! Number functions: rounding families, `decimal`, `floor`, `ceiling`, `abs`, `modulo`, `sqrt`, `log`, `exp`, `odd`, `even`.

use rust_decimal::prelude::*;
use rust_decimal::MathematicalOps;

use super::num;
use crate::dmn::feel::value::Value;

fn scale_of(v: Option<&Value>) -> Option<u32> {
    match v {
        None => Some(0),
        Some(v) => {
            let s = num(v)?.trunc().to_i64()?;
            if !(-6111..=6176).contains(&s) {
                return None;
            }
            u32::try_from(s.clamp(0, 28)).ok()
        }
    }
}

fn round(n: Decimal, scale: Option<&Value>, strategy: RoundingStrategy) -> Option<Value> {
    let s = scale_of(scale)?;
    Some(Value::Number(n.round_dp_with_strategy(s, strategy)))
}

pub(super) fn number_fn(name: &str, args: &[Value]) -> Option<Value> {
    use RoundingStrategy::*;
    let n = |v: &Value| num(v);
    match (name, args) {
        ("decimal", [x, s]) => round(n(x)?, Some(s), MidpointNearestEven),
        ("floor", [x]) => round(n(x)?, None, ToNegativeInfinity),
        ("floor", [x, s]) => round(n(x)?, Some(s), ToNegativeInfinity),
        ("ceiling", [x]) => round(n(x)?, None, ToPositiveInfinity),
        ("ceiling", [x, s]) => round(n(x)?, Some(s), ToPositiveInfinity),
        ("round up", [x, s]) => round(n(x)?, Some(s), AwayFromZero),
        ("round down", [x, s]) => round(n(x)?, Some(s), ToZero),
        ("round half up", [x, s]) => round(n(x)?, Some(s), MidpointAwayFromZero),
        ("round half down", [x, s]) => round(n(x)?, Some(s), MidpointTowardZero),
        ("abs", [Value::Number(x)]) => Some(Value::Number(x.abs())),
        ("abs", [Value::DtDuration(x)]) => Some(Value::DtDuration(x.abs())),
        ("abs", [Value::YmDuration(x)]) => Some(Value::YmDuration(x.abs())),
        ("modulo", [a, b]) => {
            let (a, b) = (n(a)?, n(b)?);
            if b.is_zero() {
                return None;
            }
            Some(Value::Number(a - b * (a / b).floor()))
        }
        ("sqrt", [x]) => Some(Value::Number(n(x)?.sqrt()?)),
        ("log", [x]) => {
            let x = n(x)?;
            if x <= Decimal::ZERO {
                return None;
            }
            Some(Value::Number(x.checked_ln()?))
        }
        ("exp", [x]) => Some(Value::Number(n(x)?.checked_exp()?)),
        ("odd", [x]) => {
            let x = n(x)?;
            x.fract().is_zero().then(|| Value::Bool(!(x % Decimal::TWO).is_zero()))
        }
        ("even", [x]) => {
            let x = n(x)?;
            x.fract().is_zero().then(|| Value::Bool((x % Decimal::TWO).is_zero()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::super::call;
    use crate::dmn::feel::Value;

    #[test]
    fn rounding_families() {
        let r =
            |f: &str, n: &str, s: i64| call(f, vec![Value::Number(n.parse().unwrap()), Value::number(s)]).to_string();
        assert_eq!(r("round up", "5.5", 0), "6");
        assert_eq!(r("round up", "-5.5", 0), "-6");
        assert_eq!(r("round down", "5.5", 0), "5");
        assert_eq!(r("round half up", "-5.5", 0), "-6");
        assert_eq!(r("round half down", "5.5", 0), "5");
        assert_eq!(r("decimal", "2.5", 0), "2");
        assert_eq!(r("floor", "-1.55", 1), "-1.6");
    }
}

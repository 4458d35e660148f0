//! Conversions: `date`, `time`, `date and time`, `duration`, `number`, `string`.

use chrono::{Datelike, NaiveDate, NaiveTime};
use rust_decimal::prelude::*;

use super::{int, num};
use crate::dmn::feel::eval::{date_to_date_time, time_of};
use crate::dmn::feel::value::{self, plain_text, DateTime, Time, Value, Zone};

pub(super) fn conversion(name: &str, args: &[Value]) -> Option<Value> {
    Some(match (name, args) {
        ("date", [Value::String(s)]) => Value::Date(value::parse_date(s)?),
        ("date", [Value::Date(d)]) => Value::Date(*d),
        ("date", [Value::DateTime(dt)]) => Value::Date(dt.dt.date()),
        ("date", [y, m, d]) => Value::Date(NaiveDate::from_ymd_opt(
            i32::try_from(int(y)?).ok()?,
            u32::try_from(int(m)?).ok()?,
            u32::try_from(int(d)?).ok()?,
        )?),
        ("date and time", [Value::String(s)]) => match value::parse_date_time(s) {
            Some(dt) => Value::DateTime(dt),
            None => Value::DateTime(date_to_date_time(value::parse_date(s)?)),
        },
        ("date and time", [Value::DateTime(dt)]) => Value::DateTime(dt.clone()),
        ("date and time", [Value::Date(d)]) => Value::DateTime(date_to_date_time(*d)),
        ("date and time", [d, Value::Time(t)]) => {
            let date = match d {
                Value::Date(d) => *d,
                Value::DateTime(dt) => dt.dt.date(),
                _ => return None,
            };
            Value::DateTime(DateTime { dt: date.and_time(t.time), zone: t.zone.clone() })
        }
        ("time", [Value::String(s)]) => Value::Time(value::parse_time(s)?),
        ("time", [Value::Time(t)]) => Value::Time(t.clone()),
        ("time", [Value::DateTime(dt)]) => Value::Time(time_of(dt)),
        ("time", [Value::Date(_)]) => Value::Time(Time { time: NaiveTime::MIN, zone: Some(Zone::Offset(0)) }),
        ("time", [h, m, s]) | ("time", [h, m, s, Value::Null]) => Value::Time(Time { time: hms(h, m, s)?, zone: None }),
        ("time", [h, m, s, Value::DtDuration(off)]) => {
            let off = off.to_i32()?;
            if off.abs() > 14 * 3600 {
                return None;
            }
            Value::Time(Time { time: hms(h, m, s)?, zone: Some(Zone::Offset(off)) })
        }
        ("number", [Value::String(s)]) => Value::Number(value::parse_decimal(s)?),
        ("number", [Value::String(s), g]) => number_from(s, g, &Value::Null)?,
        ("number", [Value::String(s), g, d]) => number_from(s, g, d)?,
        ("string", [Value::Null]) => return None,
        ("string", [v]) => Value::String(plain_text(v)),
        ("duration", [Value::String(s)]) => value::parse_duration(s)?,
        ("years and months duration", [a, b]) => {
            let date = |v: &Value| match v {
                Value::Date(d) => Some(d.and_time(NaiveTime::MIN)),
                Value::DateTime(dt) => Some(dt.dt),
                _ => None,
            };
            let (from, to) = (date(a)?, date(b)?);
            let mut months = i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month());
            // Whole months between the dates; the time of day does not count.
            let rest = |d: chrono::NaiveDateTime| d.day();
            if months > 0 && rest(to) < rest(from) {
                months -= 1;
            } else if months < 0 && rest(to) > rest(from) {
                months += 1;
            }
            Value::YmDuration(months)
        }
        _ => return None,
    })
}

fn hms(h: &Value, m: &Value, s: &Value) -> Option<NaiveTime> {
    let sec = num(s)?;
    let whole = u32::try_from(sec.trunc().to_i64()?).ok()?;
    let nanos = ((sec - sec.trunc()) * Decimal::from(1_000_000_000)).to_u32()?;
    NaiveTime::from_hms_nano_opt(u32::try_from(int(h)?).ok()?, u32::try_from(int(m)?).ok()?, whole, nanos)
}

fn number_from(s: &str, grouping: &Value, decimal: &Value) -> Option<Value> {
    let g = match grouping {
        Value::Null => None,
        Value::String(g) if [" ", ",", "."].contains(&g.as_str()) => Some(g.as_str()),
        _ => return None,
    };
    let d = match decimal {
        Value::Null => None,
        Value::String(d) if [",", "."].contains(&d.as_str()) => Some(d.as_str()),
        _ => return None,
    };
    if g.is_some() && g == d {
        return None;
    }
    let mut t = s.to_string();
    if let Some(g) = g {
        t = t.replace(g, "");
    }
    if let Some(d) = d {
        t = t.replace(d, ".");
    }
    value::parse_decimal(&t).map(Value::Number)
}

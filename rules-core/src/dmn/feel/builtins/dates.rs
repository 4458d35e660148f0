//! Date and time functions: `is`, day/week/month of a date, `today`, `now`.

use chrono::{Datelike, NaiveDate};

use crate::dmn::feel::value::{equal, DateTime, Value, Zone};

fn date_of(v: &Value) -> Option<NaiveDate> {
    match v {
        Value::Date(d) => Some(*d),
        Value::DateTime(dt) => Some(dt.dt.date()),
        _ => None,
    }
}

const DAYS: [&str; 7] = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

pub(super) fn date_fn(name: &str, args: &[Value]) -> Option<Value> {
    Some(match (name, args) {
        ("is", [a, b]) => Value::Bool(a.type_name() == b.type_name() && same(a, b)),
        ("day of year", [d]) => Value::number(date_of(d)?.ordinal().into()),
        ("day of week", [d]) => Value::String(DAYS[date_of(d)?.weekday().num_days_from_monday() as usize].into()),
        ("month of year", [d]) => Value::String(MONTHS[date_of(d)?.month0() as usize].into()),
        ("week of year", [d]) => Value::number(date_of(d)?.iso_week().week().into()),
        ("today", []) => Value::Date(now()?.date()),
        ("now", []) => Value::DateTime(DateTime { dt: now()?, zone: Some(Zone::Offset(0)) }),
        _ => return None,
    })
}

/// `is()`: equal and written alike (a time at `+01:00` is not one at `@Europe/Paris`).
fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Time(x), Value::Time(y)) => x == y,
        (Value::DateTime(x), Value::DateTime(y)) => x == y,
        _ => equal(a, b) == Some(true),
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn now() -> Option<chrono::NaiveDateTime> {
    let d = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).ok()?;
    chrono::DateTime::from_timestamp(i64::try_from(d.as_secs()).ok()?, d.subsec_nanos()).map(|t| t.naive_utc())
}

/// The browser has no clock without JavaScript's help: `today()` and `now()` are `null` there.
#[cfg(target_arch = "wasm32")]
fn now() -> Option<chrono::NaiveDateTime> {
    None
}

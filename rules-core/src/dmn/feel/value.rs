//! FEEL values: numbers (decimals), strings, booleans, the temporal kinds (date, time, date and
//! time, both durations), lists, contexts, ranges and functions; equality, order and text forms.

use std::cmp::Ordering;
use std::fmt;
use std::rc::Rc;

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime, Timelike};
use rust_decimal::prelude::*;

use super::eval::Function;

/// A time zone: a fixed offset in seconds, or an IANA name (`Europe/Paris`).
#[derive(Debug, Clone, PartialEq)]
pub enum Zone {
    Offset(i32),
    Named(String),
}

impl Zone {
    /// The offset from UTC in seconds at a local date-time.
    pub fn offset_at(&self, local: &NaiveDateTime) -> Option<i32> {
        match self {
            Zone::Offset(s) => Some(*s),
            Zone::Named(name) => named_offset(name, local),
        }
    }
}

#[cfg(feature = "zones")]
fn named_offset(name: &str, local: &NaiveDateTime) -> Option<i32> {
    use chrono::{Offset, TimeZone};
    let tz: chrono_tz::Tz = name.parse().ok()?;
    let dt = tz.offset_from_local_datetime(local).earliest()?;
    Some(dt.fix().local_minus_utc())
}

#[cfg(not(feature = "zones"))]
fn named_offset(_name: &str, _local: &NaiveDateTime) -> Option<i32> {
    None
}

/// Whether an IANA zone name is known.
#[cfg(feature = "zones")]
fn known_zone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

/// Without the `zones` feature no zone name is known: `@"10:00:00@Europe/Paris"` is refused.
#[cfg(not(feature = "zones"))]
fn known_zone(_name: &str) -> bool {
    false
}

/// A time of day, with or without a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct Time {
    pub time: NaiveTime,
    pub zone: Option<Zone>,
}

/// A date and time, with or without a zone.
#[derive(Debug, Clone, PartialEq)]
pub struct DateTime {
    pub dt: NaiveDateTime,
    pub zone: Option<Zone>,
}

impl DateTime {
    /// Seconds since 1970 in UTC (zoned) or as written (local).
    pub fn seconds(&self) -> Option<Decimal> {
        let offset = match &self.zone {
            Some(z) => z.offset_at(&self.dt)?,
            None => 0,
        };
        let secs = self.dt.and_utc().timestamp() - i64::from(offset);
        Some(Decimal::from(secs) + Decimal::new(i64::from(self.dt.nanosecond()), 9))
    }
}

impl Time {
    /// Seconds since midnight, in UTC when the time has a zone.
    pub fn seconds(&self) -> Option<Decimal> {
        let offset = match &self.zone {
            Some(z) => z.offset_at(&NaiveDate::from_ymd_opt(1970, 1, 1)?.and_time(self.time))?,
            None => 0,
        };
        let s = i64::from(self.time.num_seconds_from_midnight()) - i64::from(offset);
        Some(Decimal::from(s) + Decimal::new(i64::from(self.time.nanosecond()), 9))
    }
}

/// A range (interval); an end that is `None` is unbounded (`< 5` as a range, `[1..null]`).
#[derive(Debug, Clone, PartialEq)]
pub struct Range {
    pub low: Option<Value>,
    pub low_closed: bool,
    pub high: Option<Value>,
    pub high_closed: bool,
    /// Made by a unary test used as a value, or an interval.
    pub test: RangeTest,
}

/// How a range was made. `(=x)` holds the same points as `[x..x]` and has its properties, but is
/// not equal to it (`(=10) = [10..10]` is false, `(=10) = (=10)` true). `(!=x)` holds every point
/// but `x`; its start and end are `x`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeTest {
    Interval,
    Equal,
    NotEqual,
}

/// A FEEL value.
#[derive(Debug, Clone)]
pub enum Value {
    Null,
    Bool(bool),
    Number(Decimal),
    String(String),
    Date(NaiveDate),
    Time(Time),
    DateTime(DateTime),
    /// A years and months duration, in months.
    YmDuration(i64),
    /// A days and time duration, in seconds.
    DtDuration(Decimal),
    List(Vec<Value>),
    /// Entries in order; keys are unique.
    Context(Vec<(String, Value)>),
    Range(Box<Range>),
    Function(Rc<Function>),
}

impl PartialEq for Value {
    /// Structural equality (for tests and caches); FEEL's `=` is [`equal`].
    fn eq(&self, other: &Value) -> bool {
        match (self, other) {
            (Value::Function(a), Value::Function(b)) => Rc::ptr_eq(a, b),
            (Value::List(a), Value::List(b)) => a == b,
            (Value::Context(a), Value::Context(b)) => a == b,
            (Value::Range(a), Value::Range(b)) => a == b,
            _ => equal(self, other) == Some(true) && self.type_name() == other.type_name(),
        }
    }
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

    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Date(_) => "date",
            Value::Time(_) => "time",
            Value::DateTime(_) => "date and time",
            Value::YmDuration(_) => "years and months duration",
            Value::DtDuration(_) => "days and time duration",
            Value::List(_) => "list",
            Value::Context(_) => "context",
            Value::Range(_) => "range",
            Value::Function(_) => "function",
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

// ---------------------------------------------------------------- equality and order

fn range_equal(a: &Range, b: &Range) -> Option<bool> {
    let end = |x: &Option<Value>, y: &Option<Value>| match (x, y) {
        (None, None) => Some(true),
        (Some(x), Some(y)) => equal(x, y),
        _ => Some(false),
    };
    Some(
        a.low_closed == b.low_closed
            && a.high_closed == b.high_closed
            && a.test == b.test
            && end(&a.low, &b.low)?
            && end(&a.high, &b.high)?,
    )
}

/// FEEL equality: `Some(true)`/`Some(false)`, or `None` when the values cannot be compared.
pub fn equal(a: &Value, b: &Value) -> Option<bool> {
    match (a, b) {
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, _) | (_, Value::Null) => Some(false),
        (Value::Bool(x), Value::Bool(y)) => Some(x == y),
        (Value::Number(x), Value::Number(y)) => Some(x == y),
        (Value::String(x), Value::String(y)) => Some(x == y),
        (Value::Date(x), Value::Date(y)) => Some(x == y),
        // Equality of times and date-times is to the second, the resolution of their value
        // (`time("10:30:00.0001") = time("10:30:00.0002")`); their order keeps the fraction.
        (Value::Time(x), Value::Time(y)) => match (&x.zone, &y.zone) {
            (None, None) => Some(x.time.with_nanosecond(0) == y.time.with_nanosecond(0)),
            (Some(_), Some(_)) => Some(x.seconds()?.floor() == y.seconds()?.floor()),
            _ => Some(false),
        },
        (Value::DateTime(x), Value::DateTime(y)) => match (&x.zone, &y.zone) {
            (None, None) => Some(x.dt.with_nanosecond(0) == y.dt.with_nanosecond(0)),
            (Some(_), Some(_)) => Some(x.seconds()?.floor() == y.seconds()?.floor()),
            _ => Some(false),
        },
        (Value::YmDuration(x), Value::YmDuration(y)) => Some(x == y),
        (Value::DtDuration(x), Value::DtDuration(y)) => Some(x == y),
        (Value::List(x), Value::List(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (p, q) in x.iter().zip(y) {
                if equal(p, q)? {
                    continue;
                }
                return Some(false);
            }
            Some(true)
        }
        (Value::Context(x), Value::Context(y)) => {
            if x.len() != y.len() {
                return Some(false);
            }
            for (k, v) in x {
                match b.get(k) {
                    Some(w) if equal(v, w)? => {}
                    _ => return Some(false),
                }
            }
            Some(true)
        }
        (Value::Range(x), Value::Range(y)) => range_equal(x, y),
        (Value::Function(x), Value::Function(y)) => Some(Rc::ptr_eq(x, y)),
        _ => None,
    }
}

/// FEEL order of comparable values; `None` for other kinds (and for a zoned and a local time).
pub fn order(a: &Value, b: &Value) -> Option<Ordering> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => Some(x.cmp(y)),
        (Value::String(x), Value::String(y)) => Some(x.cmp(y)),
        (Value::Date(x), Value::Date(y)) => Some(x.cmp(y)),
        (Value::Time(x), Value::Time(y)) => match (&x.zone, &y.zone) {
            (None, None) => Some(x.time.cmp(&y.time)),
            (Some(_), Some(_)) => Some(x.seconds()?.cmp(&y.seconds()?)),
            _ => None,
        },
        (Value::DateTime(x), Value::DateTime(y)) => match (&x.zone, &y.zone) {
            (None, None) => Some(x.dt.cmp(&y.dt)),
            (Some(_), Some(_)) => Some(x.seconds()?.cmp(&y.seconds()?)),
            _ => None,
        },
        (Value::YmDuration(x), Value::YmDuration(y)) => Some(x.cmp(y)),
        (Value::DtDuration(x), Value::DtDuration(y)) => Some(x.cmp(y)),
        _ => None,
    }
}

// ---------------------------------------------------------------- text forms

/// A number as FEEL writes it: no exponent, no trailing zeros.
pub fn number_text(n: Decimal) -> String {
    let n = n.normalize();
    if n.is_zero() {
        "0".into()
    } else {
        n.to_string()
    }
}

fn zone_text(z: &Zone) -> String {
    match z {
        Zone::Offset(0) => "Z".into(),
        Zone::Offset(s) => {
            let sign = if *s < 0 { '-' } else { '+' };
            let a = s.unsigned_abs();
            if a % 60 != 0 {
                format!("{sign}{:02}:{:02}:{:02}", a / 3600, a % 3600 / 60, a % 60)
            } else {
                format!("{sign}{:02}:{:02}", a / 3600, a % 3600 / 60)
            }
        }
        Zone::Named(n) => format!("@{n}"),
    }
}

pub fn date_text(d: &NaiveDate) -> String {
    let y = d.year();
    if y < 0 {
        format!("-{:04}-{:02}-{:02}", -y, d.month(), d.day())
    } else {
        format!("{y:04}-{:02}-{:02}", d.month(), d.day())
    }
}

fn naive_time_text(t: &NaiveTime) -> String {
    let mut s = format!("{:02}:{:02}:{:02}", t.hour(), t.minute(), t.second());
    let nanos = t.nanosecond();
    if nanos > 0 {
        let frac = format!("{nanos:09}");
        s.push('.');
        s.push_str(frac.trim_end_matches('0'));
    }
    s
}

pub fn time_text(t: &Time) -> String {
    let mut s = naive_time_text(&t.time);
    if let Some(z) = &t.zone {
        s.push_str(&zone_text(z));
    }
    s
}

pub fn date_time_text(d: &DateTime) -> String {
    let mut s = format!("{}T{}", date_text(&d.dt.date()), naive_time_text(&d.dt.time()));
    if let Some(z) = &d.zone {
        s.push_str(&zone_text(z));
    }
    s
}

pub fn ym_text(months: i64) -> String {
    if months == 0 {
        return "P0M".into();
    }
    let sign = if months < 0 { "-" } else { "" };
    let m = months.unsigned_abs();
    let mut s = format!("{sign}P");
    if m / 12 > 0 {
        s.push_str(&format!("{}Y", m / 12));
    }
    if !m.is_multiple_of(12) {
        s.push_str(&format!("{}M", m % 12));
    }
    s
}

pub fn dt_text(seconds: Decimal) -> String {
    if seconds.is_zero() {
        return "PT0S".into();
    }
    let sign = if seconds.is_sign_negative() { "-" } else { "" };
    let total = seconds.abs();
    let whole = total.trunc();
    let frac = total - whole;
    let w = whole.to_u128().unwrap_or(0);
    let (days, hours, minutes, secs) = (w / 86400, w % 86400 / 3600, w % 3600 / 60, w % 60);
    let mut s = format!("{sign}P");
    if days > 0 {
        s.push_str(&format!("{days}D"));
    }
    if hours > 0 || minutes > 0 || secs > 0 || !frac.is_zero() {
        s.push('T');
        if hours > 0 {
            s.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            s.push_str(&format!("{minutes}M"));
        }
        if secs > 0 || !frac.is_zero() {
            s.push_str(&number_text(Decimal::from(secs as u64) + frac));
            s.push('S');
        }
    }
    s
}

impl fmt::Display for Value {
    /// FEEL's text form (strings quoted, as in a list or context).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&number_text(*n)),
            Value::String(s) => write!(f, "\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")),
            Value::Date(d) => f.write_str(&date_text(d)),
            Value::Time(t) => f.write_str(&time_text(t)),
            Value::DateTime(d) => f.write_str(&date_time_text(d)),
            Value::YmDuration(m) => f.write_str(&ym_text(*m)),
            Value::DtDuration(s) => f.write_str(&dt_text(*s)),
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
            Value::Range(r) if r.test == RangeTest::NotEqual => match &r.low {
                Some(v) => write!(f, "!= {v}"),
                None => f.write_str("null"),
            },
            Value::Range(r) => {
                let end = |v: &Option<Value>| v.as_ref().map(|v| v.to_string()).unwrap_or_else(|| "null".into());
                write!(
                    f,
                    "{}{}..{}{}",
                    if r.low_closed { "[" } else { "(" },
                    end(&r.low),
                    end(&r.high),
                    if r.high_closed { "]" } else { ")" }
                )
            }
            Value::Function(_) => f.write_str("function"),
        }
    }
}

/// The text `string()` gives: like Display, but strings unquoted.
pub fn plain_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

// ---------------------------------------------------------------- reading temporal texts

fn digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// `2017-01-31`, `-0044-03-15`; years of four or more digits.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let mut parts = body.splitn(3, '-');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    if !digits(y) || y.len() < 4 || (y.len() > 4 && y.starts_with('0')) || m.len() != 2 || d.len() != 2 {
        return None;
    }
    if !digits(m) || !digits(d) {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    NaiveDate::from_ymd_opt(if neg { -year } else { year }, m.parse().ok()?, d.parse().ok()?)
}

fn parse_zone(s: &str) -> Option<Option<Zone>> {
    if s.is_empty() {
        return Some(None);
    }
    if s == "Z" {
        return Some(Some(Zone::Offset(0)));
    }
    if let Some(name) = s.strip_prefix('@') {
        if !known_zone(name) {
            return None;
        }
        return Some(Some(Zone::Named(name.to_string())));
    }
    let sign = match s.as_bytes().first()? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let rest = &s[1..];
    let mut p = rest.split(':');
    let (h, m) = (p.next()?, p.next()?);
    let sec = p.next();
    if h.len() != 2 || m.len() != 2 || !digits(h) || !digits(m) {
        return None;
    }
    let (h, m): (i32, i32) = (h.parse().ok()?, m.parse().ok()?);
    let sec: i32 = match sec {
        Some(x) if x.len() == 2 && digits(x) => x.parse().ok()?,
        Some(_) => return None,
        None => 0,
    };
    if h > 14 || m > 59 {
        return None;
    }
    Some(Some(Zone::Offset(sign * (h * 3600 + m * 60 + sec))))
}

/// `10:30:00`, `10:30:00.25+01:00`, `10:30:00Z`, `10:30:00@Europe/Paris`.
pub fn parse_time(s: &str) -> Option<Time> {
    // The first eight bytes are sliced by position: they must be ASCII, or a letter of two bytes
    // there would split (found by fuzzing: `@"12:10:1м"`).
    let b = s.as_bytes();
    if b.len() < 8 || !b[..8].is_ascii() {
        return None;
    }
    if b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, sec) = (&s[0..2], &s[3..5], &s[6..8]);
    if !digits(h) || !digits(m) || !digits(sec) {
        return None;
    }
    let mut rest = &s[8..];
    let mut nanos = 0u32;
    if let Some(r) = rest.strip_prefix('.') {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        let frac = &r[..n];
        let padded = format!("{:0<9}", &frac[..n.min(9)]);
        nanos = padded.parse().ok()?;
        rest = &r[n..];
    }
    let zone = parse_zone(rest)?;
    let (h, m, sec): (u32, u32, u32) = (h.parse().ok()?, m.parse().ok()?, sec.parse().ok()?);
    if h == 24 && m == 0 && sec == 0 && nanos == 0 {
        return Some(Time { time: NaiveTime::MIN, zone });
    }
    if sec > 59 {
        return None;
    }
    Some(Time { time: NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?, zone })
}

/// `2017-01-31T10:30:00` with an optional zone.
pub fn parse_date_time(s: &str) -> Option<DateTime> {
    let t = s.find('T')?;
    let date = parse_date(&s[..t])?;
    let time = parse_time(&s[t + 1..])?;
    let mut dt = date.and_time(time.time);
    if s[t + 1..].starts_with("24:") {
        dt = dt.checked_add_signed(chrono::TimeDelta::days(1))?;
    }
    Some(DateTime { dt, zone: time.zone })
}

/// A duration text: `P1Y2M` (years and months) or `P1DT2H30M1.5S` (days and time).
pub fn parse_duration(s: &str) -> Option<Value> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, s),
    };
    let body = body.strip_prefix('P')?;
    let (date_part, time_part) = match body.find('T') {
        Some(t) => (&body[..t], Some(&body[t + 1..])),
        None => (body, None),
    };
    let mut years = 0i64;
    let mut months = 0i64;
    let mut days = Decimal::ZERO;
    let mut seconds = Decimal::ZERO;
    let mut any = false;
    let mut ym = false;
    let mut dt = false;
    let mut num = String::new();
    let mut order = 0;
    for c in date_part.chars() {
        if c.is_ascii_digit() {
            num.push(c);
            continue;
        }
        if num.is_empty() {
            return None;
        }
        let n: i64 = num.parse().ok()?;
        num.clear();
        let rank = match c {
            'Y' => 1,
            'M' => 2,
            'D' => 3,
            _ => return None,
        };
        if rank <= order {
            return None;
        }
        order = rank;
        match c {
            'Y' => {
                years = n;
                ym = true
            }
            'M' => {
                months = n;
                ym = true
            }
            _ => {
                days = Decimal::from(n);
                dt = true
            }
        }
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    if let Some(tp) = time_part {
        if tp.is_empty() {
            return None;
        }
        let mut order = 0;
        for c in tp.chars() {
            if c.is_ascii_digit() || c == '.' {
                num.push(c);
                continue;
            }
            if num.is_empty() {
                return None;
            }
            let rank = match c {
                'H' => 1,
                'M' => 2,
                'S' => 3,
                _ => return None,
            };
            if rank <= order || (rank != 3 && num.contains('.')) || num.starts_with('.') {
                return None;
            }
            order = rank;
            let n = Decimal::from_str(num.trim_end_matches('.')).ok()?;
            num.clear();
            seconds += n * Decimal::from(match c {
                'H' => 3600,
                'M' => 60,
                _ => 1,
            });
            dt = true;
            any = true;
        }
        if !num.is_empty() {
            return None;
        }
    }
    if !any {
        return None;
    }
    if ym && !dt {
        let m = years.checked_mul(12)?.checked_add(months)?;
        return Some(Value::YmDuration(if neg { -m } else { m }));
    }
    let total = seconds + days * Decimal::from(86400) + Decimal::from(years * 365 * 86400 + months * 30 * 86400);
    if ym {
        // A duration with both parts has no FEEL type.
        return None;
    }
    Some(Value::DtDuration(if neg { -total } else { total }))
}

/// A decimal from a text (`12`, `-1.5`, `1.2e3`); `None` if it is not one.
pub fn parse_decimal(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    if let Some(e) = t.find(['e', 'E']) {
        let mantissa = Decimal::from_str_exact(&t[..e]).ok()?;
        let exp: i32 = t[e + 1..].trim_start_matches('+').parse().ok()?;
        return scale10(mantissa, exp);
    }
    Decimal::from_str_exact(t).or_else(|_| Decimal::from_scientific(t)).ok()
}

/// `n * 10^exp`, `None` on overflow. Bounded time whatever the exponent: a product overflows and
/// a quotient reaches zero within about sixty steps, and zero stays zero (`0e1100835185`).
pub fn scale10(n: Decimal, exp: i32) -> Option<Decimal> {
    let mut r = n;
    for _ in 0..exp.unsigned_abs() {
        if r.is_zero() {
            break;
        }
        r = if exp >= 0 { r.checked_mul(Decimal::TEN)? } else { r / Decimal::TEN };
    }
    Some(r)
}

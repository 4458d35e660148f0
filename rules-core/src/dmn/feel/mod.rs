//! FEEL, the expression language of DMN 1.5, in the order data flows through it:
//!
//! - [`syntax`]: text -> syntax tree ([`Ast`], unary tests [`Tests`], types [`Type`]).
//! - [`value`]: values (decimals, strings, dates, times, date-times, both durations, lists,
//!   contexts, ranges, functions), equality, order and text forms.
//! - [`eval`]: evaluation in a [`Scope`], unary tests, `instance of` and type conversion.
//! - [`builtins`]: the built-in functions, by family.
//!
//! Numbers are decimals (`rust_decimal`, 28 significant digits), so `0.1 + 0.2 = 0.3` holds. Dates
//! and times use `chrono` (calendar arithmetic, ISO weeks) and `chrono-tz` (IANA zones); regular
//! expressions `regex-lite`. Following FEEL, an operation on values it does not apply to gives
//! `null`, never a panic; a name that is no function (`foo(1)`) is refused when the text is read.
//!
//! ```
//! use rules_core::dmn::feel::{parse, evaluate, Names, Scope, Value};
//!
//! let names = Names::new(["Monthly Salary"]);
//! let e = parse("12 * Monthly Salary + 0.1 + 0.2", &names).unwrap();
//! let scope = Scope::root(vec![("Monthly Salary".into(), Value::number(1000))]);
//! assert_eq!(evaluate(&e, &scope).to_string(), "12000.3");
//! let d = parse(r#"date("2024-01-31") + duration("P1M")"#, &names).unwrap();
//! assert_eq!(evaluate(&d, &scope).to_string(), "2024-02-29");
//! assert!(parse("foo(1)", &names).unwrap_err().to_string().contains("unknown function `foo`"));
//! ```
//!
//! The STTR import translates a FEEL subset into our language; it reads FEEL as the simpler
//! [`Expr`] tree ([`parse_expression`], [`parse_unary_tests`]), lowered from the full one.

pub mod builtins;
pub mod eval;
mod legacy;
pub mod syntax;
pub mod value;

use thiserror::Error;

pub use eval::{coerce, evaluate, instance_of, Function, Scope};
pub use legacy::{
    aggregate, equal_values as equal, evaluate_expr, matches, parse_expression, parse_unary_tests, Bindings, Env, Expr,
    NoEnv, Range, Test, UnaryTests,
};
pub use syntax::{parse, parse_tests, parse_type, Args, Ast, BinOp, Check, CmpOp, Names, Tests, Type, MAX_DEPTH};
pub use value::{order, parse_decimal, Value};

/// A FEEL text that does not parse. Its message quotes a window of the text around the error, so
/// a 100 KB expression is not echoed whole.
#[derive(Debug, Clone, Error, PartialEq)]
#[error("{message} at character {at} of `{}`", window(.text, *.at))]
pub struct FeelError {
    pub text: String,
    /// Character offset in `text`.
    pub at: usize,
    pub message: String,
}

/// The longest FEEL text quoted whole in a message; longer ones are shortened with `…`.
const QUOTED_CHARS: usize = 80;

/// A FEEL text as a message quotes it: whole when short, else its start and `…`.
pub fn quoted(text: &str) -> String {
    window(text.trim(), 0)
}

/// At most [`QUOTED_CHARS`] characters of `text` around character `at`, with `…` where cut.
fn window(text: &str, at: usize) -> String {
    let count = text.chars().count();
    if count <= QUOTED_CHARS {
        return text.to_string();
    }
    let first = at.saturating_sub(QUOTED_CHARS / 2).min(count - QUOTED_CHARS);
    let shown: String = text.chars().skip(first).take(QUOTED_CHARS).collect();
    let lead = if first > 0 { "…" } else { "" };
    let tail = if first + QUOTED_CHARS < count { "…" } else { "" };
    format!("{lead}{shown}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval_str(text: &str) -> Value {
        let names = Names::new(Vec::<String>::new());
        evaluate(&parse(text, &names).unwrap_or_else(|e| panic!("{e}")), &Scope::root(Vec::new()))
    }

    fn shows(text: &str) -> String {
        eval_str(text).to_string()
    }

    #[test]
    fn arithmetic_is_decimal() {
        assert_eq!(shows("0.1 + 0.2"), "0.3");
        assert_eq!(shows("-10--5"), "-5");
        assert_eq!(shows("5+2**5+3"), "40");
        assert_eq!(shows("10**-5"), "0.00001");
        assert_eq!(shows("1.2*10**3"), "1200");
        assert_eq!(shows("10 + 20 / -5 - 3"), "3");
        assert_eq!(eval_str("(10+20)/0"), Value::Null);
        assert_eq!(eval_str("10 + null"), Value::Null);
        assert_eq!(shows(".872"), "0.872");
        assert_eq!(shows("1.23e4"), "12300");
        // Huge exponents end at once (they looped once per power of ten: seconds, minutes).
        assert_eq!(shows("888383e-418888888"), "0");
        assert_eq!(shows("0e1100835185"), "0");
        assert_eq!(shows("1.5e-30"), "0");
    }

    #[test]
    fn long_texts_are_quoted_in_part() {
        assert_eq!(quoted(" 1 + 2 "), "1 + 2");
        let long = vec!["\"a\""; 8000].join(" + ");
        let q = quoted(&long);
        assert_eq!(q.chars().count(), QUOTED_CHARS + 1);
        assert!(q.starts_with("\"a\" + ") && q.ends_with('…'));
        let err = parse(&format!("{long} +"), &Names::new(Vec::<String>::new())).unwrap_err().to_string();
        assert!(err.len() < 300, "{err}");
        assert!(err.contains('…'), "{err}");
        assert_eq!(shows("\"\\ud83d\\udc0e\""), "\"\u{1F40E}\"");
    }

    #[test]
    fn logic_is_three_valued() {
        assert_eq!(eval_str("null and false"), Value::Bool(false));
        assert_eq!(eval_str("null or true"), Value::Bool(true));
        assert_eq!(eval_str("null and true"), Value::Null);
        assert_eq!(eval_str("not(null)"), Value::Null);
        assert_eq!(shows("if null then 1 else 2"), "2");
    }

    #[test]
    fn dates_times_and_durations() {
        assert_eq!(shows("@\"2021-01-31\" + @\"P1M\""), "2021-02-28");
        assert_eq!(shows("date(\"2021-03-01\") - date(\"2021-02-01\")"), "P28D");
        assert_eq!(shows("@\"PT8H\" > @\"PT10H\""), "false");
        assert_eq!(shows("10 * @\"P1D\""), "P10D");
        assert_eq!(shows("time(\"10:30:00+01:00\").hour"), "10");
        assert_eq!(shows("date and time(\"2018-12-10T10:30:00@Europe/Paris\").time offset"), "PT1H");
        assert_eq!(shows("years and months duration(date(\"2011-12-22\"), date(\"2013-08-24\"))"), "P1Y8M");
        assert_eq!(shows("week of year(date(2005, 1, 1))"), "53");
        assert_eq!(shows("day of week(date(2019, 9, 17))"), "\"Tuesday\"");
        assert_eq!(shows("@\"2018-12-10T10:30:00Z\" = @\"2018-12-10T11:30:00+01:00\""), "true");
    }

    #[test]
    fn a_time_text_with_a_wide_letter_is_no_time() {
        // Found by fuzzing: a two-byte letter where the seconds end made the reader panic.
        assert_eq!(value::parse_time("12:10:1\u{43c}"), None);
        assert_eq!(value::parse_time("1\u{e9}:10:10"), None);
        assert_eq!(eval_str("time(\"12:10:1\u{43c}\")"), Value::Null);
        // As a literal it is refused at parse time, with a message instead of a panic.
        let literal = parse("@\"12:10:1\u{43c}\"", &Names::new(Vec::<String>::new()));
        assert!(literal.is_err(), "{literal:?}");
    }

    #[test]
    fn loops_functions_and_types() {
        assert_eq!(shows("for i in 1..3 return i * i"), "[1, 4, 9]");
        assert_eq!(shows("for x in [1, 2], y in [10, 20] return x + y"), "[11, 21, 12, 22]");
        assert_eq!(shows("some x in [1, 5] satisfies x > 3"), "true");
        assert_eq!(shows("every x in [1, 5] satisfies x > 3"), "false");
        assert_eq!(shows("(function(a, b) a + b)(1, 2)"), "3");
        assert_eq!(shows("{f: function(n) if n = 0 then 1 else n * f(n - 1), r: f(5)}.r"), "120");
        assert_eq!(shows("sort([3, 1, 2], function(x, y) x > y)"), "[3, 2, 1]");
        assert_eq!(shows("substring(string: \"abc\", start position: 2)"), "\"bc\"");
        assert_eq!(shows("[1, 2] instance of list<number>"), "true");
        assert_eq!(shows("{a: 1} instance of context<a: string>"), "false");
        assert_eq!(shows("before(1, [2..3])"), "true");
    }

    #[test]
    fn unary_tests() {
        let names = Names::new(["x"]);
        let t = |cell: &str, v: Value| {
            eval::matches(&parse_tests(cell, &names).unwrap_or_else(|e| panic!("{e}")), &v, &Scope::root(Vec::new()))
        };
        assert!(t("-", Value::Null));
        assert!(t(">= 18", Value::number(18)));
        assert!(!t("<18", Value::number(18)));
        assert!(t("\"Medium\",\"Low\"", Value::String("Low".into())));
        assert!(t("[20..30)", Value::number(20)));
        assert!(!t("[20..30)", Value::number(30)));
        assert!(t("]50..100[", Value::number(99)));
        assert!(t("not(\"a\")", Value::String("b".into())));
        assert!(!t("not(null)", Value::Null));
        assert!(t("null", Value::Null));
        assert!(!t("true", Value::Bool(false)));
        assert!(t("[1, 2, 3]", Value::number(2)));
    }

    #[test]
    fn unknown_functions_and_syntax_errors_say_where() {
        let names = Names::default();
        let e = parse("1 +", &names).expect_err("incomplete");
        assert_eq!(e.at, 3);
        assert!(parse("\"open", &names).is_err());
        let e = parse("1 + frobnicate(2)", &names).expect_err("unknown");
        assert!(e.message.contains("unknown function `frobnicate`"), "{e}");
        assert!(parse("{a: 1, a: 2}", &names).is_err());
        let e = parse("substring(string: \"abc\", begin: 2)", &names).expect_err("no such parameter");
        assert!(e.message.contains("`substring` has no parameter `begin`"), "{e}");
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_stack_overflow() {
        let names = Names::default();
        let deep = format!("{}1{}", "(".repeat(100_000), ")".repeat(100_000));
        let e = parse(&deep, &names).expect_err("too deep");
        assert!(e.message.contains("nested deeper than"), "{e}");
        assert!(parse(&"-".repeat(100_000), &names).is_err());
        // A long chain of terms nests as deeply when evaluated.
        let terms = vec!["1"; 8000].join(" + ");
        assert!(parse(&terms, &names).expect_err("too long").message.contains("nested deeper than"));
        assert!(parse_tests(&format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000)), &names).is_err());
        assert_eq!(shows(&format!("{}1{}", "(".repeat(20), ")".repeat(20))), "1");
        // Unbounded recursion stops at the call limit, as null.
        assert_eq!(eval_str("{f: function(n) f(n + 1), r: f(1)}.r"), Value::Null);
    }

    #[test]
    fn contexts_paths_and_filters() {
        assert_eq!(shows("{a: 1, b: a + 1}.b"), "2");
        assert_eq!(shows("[1, 2, 3][2]"), "2");
        assert_eq!(shows("[1, 2, 3][-1]"), "3");
        assert_eq!(shows("[1, 2, 3][item > 1]"), "[2, 3]");
        assert_eq!(shows("[{a: 1}, {a: 2}][a > 1].a"), "[2]");
        assert_eq!(eval_str("5 between 1 and 10"), Value::Bool(true));
        assert_eq!(eval_str("5 in [1..10]"), Value::Bool(true));
        assert_eq!(eval_str("5 in (1, 2)"), Value::Bool(false));
        assert_eq!(shows("get entries({a: 1})"), "[{key: \"a\", value: 1}]");
        assert_eq!(shows("context put({a: 1}, \"b\", 2)"), "{a: 1, b: 2}");
    }

    #[test]
    fn an_equal_test_as_a_value_is_its_own_kind_of_range() {
        assert_eq!(eval_str("(=10) = [10..10]"), Value::Bool(false));
        assert_eq!(eval_str("(=10) = (=10)"), Value::Bool(true));
        assert_eq!(eval_str("(=10) = (=11)"), Value::Bool(false));
        assert_eq!(eval_str("10 in (=10)"), Value::Bool(true));
        assert_eq!(shows("(=10).start"), "10");
        assert_eq!(eval_str("(=10).end included"), Value::Bool(true));
        assert_eq!(eval_str("(!=10) = (!=10)"), Value::Bool(true));
        assert_eq!(eval_str("(!=10) = (=10)"), Value::Bool(false));
        assert_eq!(eval_str("(!=10) = (!=11)"), Value::Bool(false));
        assert_eq!(eval_str("11 in (!=10)"), Value::Bool(true));
        assert_eq!(eval_str("10 in (!=10)"), Value::Bool(false));
        assert_eq!(eval_str("before((!=10), 11)"), Value::Null);
    }

    #[test]
    fn times_are_equal_to_the_second_and_null_fits_any_entry_type() {
        assert_eq!(eval_str(r#"time("10:30:00.0001") = time("10:30:00.0002")"#), Value::Bool(true));
        assert_eq!(eval_str(r#"time("10:30:01") = time("10:30:00")"#), Value::Bool(false));
        let dt = r#"date and time("2018-12-08T00:00:00.0001") = date and time("2018-12-08T00:00:00")"#;
        assert_eq!(eval_str(dt), Value::Bool(true));
        assert_eq!(eval_str(r#"time("10:30:00.1") < time("10:30:00.2")"#), Value::Bool(true));
        assert_eq!(eval_str("{a: null} instance of context<a: string>"), Value::Bool(true));
        assert_eq!(eval_str("{a: 1} instance of context<a: string>"), Value::Bool(false));
        assert_eq!(eval_str("{b: null} instance of context<a: string>"), Value::Bool(false));
        assert_eq!(eval_str("null instance of string"), Value::Bool(false));
    }
}

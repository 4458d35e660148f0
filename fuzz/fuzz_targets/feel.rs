//! FEEL as STTR files use it (the subset the importer reads): an expression and a unary test,
//! parsed and evaluated with a few bound names.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rules_core::dmn::feel::{evaluate_expr, matches, parse_expression, parse_unary_tests, Bindings, Names, NoEnv, Value};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let names = Names::new(["Monthly Salary", "height", "list"]);
    let env = Bindings::new(&NoEnv).with("Monthly Salary", Value::number(1000)).with("height", Value::number(3));
    if let Ok(e) = parse_expression(text, &names) {
        let _ = evaluate_expr(&e, &env);
    }
    if let Ok(tests) = parse_unary_tests(text, &names) {
        let _ = matches(&tests, &Value::number(5), &env);
    }
});

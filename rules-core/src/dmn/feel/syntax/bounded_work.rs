//! The parser's work is bounded: nesting is limited and the look-ahead stays linear in the text.

use super::*;

fn names() -> Names {
    Names::new(["list1", "a b"])
}

/// Parse as an expression; the error message, and how many characters the look-ahead read.
fn read(text: &str) -> (Result<Ast, String>, usize) {
    let mut p = Parser::new(text, &names());
    let r = p.expression().and_then(|e| p.end().map(|()| e)).map_err(|e| e.message);
    (r, p.looked.get())
}

fn refused_as_too_deep(text: &str) {
    let (r, _) = read(text);
    let message = r.expect_err("too deep");
    assert!(message.contains("nested deeper than 100"), "{message}");
    let t = parse_tests(text, &names()).expect_err("too deep as unary tests");
    assert!(t.message.contains("nested deeper than"), "{}", t.message);
}

/// Found by fuzzing (the `feel` target): `=x` where an expression is expected is the range
/// `[x..x]`, and the parser copied `x` into both ends, so each `=` of a chain doubled the tree
/// (2^115 nodes for this text). The operand is now kept once, and such a chain nests.
#[test]
fn a_long_chain_of_equals_signs_is_refused() {
    refused_as_too_deep(&format!("append(list1,stping{}1)", "=".repeat(115)));
    // Through the STTR subset too, as the importer and the fuzz target read it.
    let text = format!("append(list1,stping{}1)", "=".repeat(115));
    assert!(super::super::parse_expression(&text, &names()).is_err());
    assert!(super::super::parse_unary_tests(&text, &names()).is_err());
}

#[test]
fn a_short_chain_of_equals_signs_grows_the_tree_linearly() {
    let (r, _) = read(&format!("list1 {}1", "=".repeat(40)));
    let tree = format!("{:?}", r.expect("reads"));
    assert_eq!(tree.matches("EqualRange").count(), 39, "{tree}");
    assert!(tree.len() < 2_000, "{} characters of tree", tree.len());
}

#[test]
fn long_chains_of_every_operator_are_refused_at_the_nesting_limit() {
    for op in ["+", "-", "*", "/", "**", "=", "!=", "<", "<=", ">", ">=", " and ", " or ", " in ", "."] {
        refused_as_too_deep(&format!("1{}", format!("{op}a").repeat(5_000)));
    }
    for prefix in ["-", "<", "<=", ">", ">=", "=", "not(", "(", "[", "{a:", "if a then ", "f("] {
        let (r, _) = read(&format!("{}1", prefix.repeat(20_000)));
        assert!(r.is_err(), "{prefix}");
    }
}

#[test]
fn nested_calls_with_named_argument_lookalikes_are_refused() {
    refused_as_too_deep(&format!("{}1{}", "append(a b: ".repeat(2_000), ")".repeat(2_000)));
    // Each argument starts like a name that a `:` could follow.
    refused_as_too_deep(&format!("{}1{}", "count(a b  .  a b + ".repeat(2_000), ")".repeat(2_000)));
    let (r, _) = read(&format!("append(list1{})", ", a b c: 1".repeat(5_000)));
    assert!(r.is_err());
}

/// The look-ahead past a bracket (range? list of tests?) steps over nested brackets by their
/// partners: reading never costs a scan per level or per sibling.
#[test]
fn the_look_ahead_reads_each_character_a_bounded_number_of_times() {
    let shapes = [
        // Comments and strings hide brackets from the parser; the look-ahead skips them too.
        format!("[{}1]", "(1/*((*/), ".repeat(5_000)),
        format!("[{}1]", "(\"((\"), ".repeat(5_000)),
        format!("x in ({}1)", "(1 // ((\n), ".repeat(5_000)),
        // Unbalanced and mixed brackets.
        "(".repeat(20_000),
        ")".repeat(20_000),
        "]".repeat(20_000),
        format!("[{}]", "]1..2[, ".repeat(5_000)),
        format!("[{}]", "[1, 2, (3, ".repeat(5_000)),
        // Nesting to just under the limit, each level with wide content.
        format!("{}1{}", "([1, 2, 3, 4, 5, 6, 7, 8], ".repeat(30), ")".repeat(30)),
    ];
    for text in &shapes {
        let (_, looked) = read(text);
        let chars = text.chars().count();
        assert!(looked <= 2 * chars + 10, "looked at {looked} characters of {chars}: {}", &text[..40]);
        let _ = parse_tests(text, &names());
    }
}

#[test]
fn ranges_lists_of_tests_and_groupings_are_told_apart() {
    let tests = |t: &str| parse_tests(t, &names()).unwrap_or_else(|e| panic!("{e}"));
    let eval = |t: &str| super::super::evaluate(&parse(t, &names()).unwrap(), &super::super::Scope::root(vec![]));
    assert_eq!(eval("5 in (1, 5)").to_string(), "true");
    assert_eq!(eval("5 in (< 5)").to_string(), "false");
    assert_eq!(eval("5 in (1..5]").to_string(), "true");
    assert_eq!(eval("5 in ]1..5[").to_string(), "false");
    assert_eq!(eval("5 in ([4, 5] /* ( */)").to_string(), "true");
    assert_eq!(eval("(2 + 3) * 2").to_string(), "10");
    assert_eq!(eval("(=10).end").to_string(), "10");
    assert!(matches!(tests("[1..2], (\"a)\"..\"b\")"), Tests::Some(v) if v.len() == 2));
}

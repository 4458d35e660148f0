//! Limits on how deep a ruleset's text may nest, checked before and while it is parsed.
//!
//! Every step after the text (the pest parser, the syntax tree, the checker, the formatter, the
//! evaluator) walks nested expressions by recursion. Native code has an 8 MB stack (and pest probes
//! it), but WebAssembly has 1 MB and no probe: there, 500 nested `(` trapped the engine. The limits
//! below stay far under what the smallest stack can take (measured through the WASM package, see
//! tests/hostile/) and far over what a real ruleset writes (the shipped ones nest 6 deep at most).

use crate::diagnostics::Diagnostic;
use crate::source::Span;

/// How deep brackets, `when` blocks, `if`s and prefix operators (`-`, `not`) may nest.
pub const MAX_NESTING: usize = 64;

/// How deep one expression's tree may be: nesting as above, plus chains of operators (`a + b + c`
/// is two deep). A longer chain can be split with `let`.
pub const MAX_DEPTH: usize = 128;

/// Most branches (`when` and `otherwise`, nested ones too) in one decision tree. The checker
/// compares branches with each other; past this a tree is a table in disguise.
pub const MAX_BRANCHES: usize = 2_000;

/// Most rules in one decision table (STTR tables run to a few hundred).
pub const MAX_TABLE_ROWS: usize = 20_000;

/// Longest ruleset text (the largest shipped one is under 100 KB).
pub const MAX_TEXT_BYTES: usize = 16 * 1024 * 1024;

/// The error for a size limit (code `E031`).
pub fn too_large(span: Span, message: String) -> Diagnostic {
    Diagnostic::error("E031", span, message).with_label("past the limit here")
}

/// The error for both limits (code `E030`), at the token that went too deep.
pub fn too_deep(span: Span, what: &str, limit: usize) -> Diagnostic {
    Diagnostic::error("E030", span, format!("{what} nested deeper than {limit}"))
        .with_label("too deep here")
        .with_help("split it into named parts with `let`")
}

/// Words after which an expression has ended (they start a declaration or a part of one): the
/// `if`s and prefix operators before them no longer nest what follows.
const RESETS: &[&str] = &[
    "let",
    "when",
    "otherwise",
    "rule",
    "inputs",
    "because",
    "show",
    "ref",
    "range",
    "decision",
    "check",
    "at",
    "question",
    "input",
    "layer",
    "override",
    "help",
    "intent",
    "priority",
    "ruleset",
];

/// Words that are not operands: a `-` after them is a sign, not a subtraction.
const OPERATORS: &[&str] =
    &["and", "or", "not", "in", "if", "then", "else", "within", "contains", "overlaps", "intersects"];

/// Scans the text (comments already blanked) for nesting deeper than [`MAX_NESTING`], without
/// recursion and before pest sees it. Counts what makes the parser recurse: open brackets, and per
/// bracket the `if`s and the run of prefix operators not yet closed by an operand.
pub fn check_nesting(code: &str, offset: usize) -> Result<(), Diagnostic> {
    let bytes = code.as_bytes();
    let mut frames = vec![Frame { ifs: 0, prefix: 0 }];
    let mut depth = 0usize; // brackets open + every frame's ifs and prefix
    let mut after_operand = false;
    let mut i = 0;
    let too_deep_at =
        |at: usize, len: usize| Err(too_deep(Span::new(offset + at, offset + at + len), "the text is", MAX_NESTING));
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                after_operand = true;
            }
            b'(' | b'[' | b'{' => {
                frames.push(Frame { ifs: 0, prefix: 0 });
                depth += 1;
                after_operand = false;
                if depth > MAX_NESTING {
                    return too_deep_at(i, 1);
                }
            }
            b')' | b']' | b'}' => {
                if frames.len() > 1 {
                    if let Some(f) = frames.pop() {
                        depth -= 1 + f.ifs + f.prefix;
                    }
                }
                // `(a)` is an operand: a prefix run before it ends here.
                if b != b'}' {
                    if let Some(f) = frames.last_mut() {
                        depth -= f.prefix;
                        f.prefix = 0;
                    }
                }
                after_operand = b != b'}';
            }
            b'-' if bytes.get(i + 1) == Some(&b'>') => {
                reset(&mut frames, &mut depth);
                after_operand = false;
                i += 1;
            }
            b'|' => {
                reset(&mut frames, &mut depth);
                after_operand = false;
            }
            b'-' if !after_operand => {
                if let Some(f) = frames.last_mut() {
                    f.prefix += 1;
                }
                depth += 1;
                if depth > MAX_NESTING {
                    return too_deep_at(i, 1);
                }
            }
            b if b.is_ascii_alphanumeric() || b == b'_' => {
                let start = i;
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'.') {
                    i += 1;
                }
                let word = &code[start..i];
                i -= 1;
                if RESETS.contains(&word) {
                    reset(&mut frames, &mut depth);
                    after_operand = false;
                } else if word == "not" || word == "if" {
                    if let Some(f) = frames.last_mut() {
                        if word == "if" {
                            f.ifs += 1;
                        } else {
                            f.prefix += 1;
                        }
                    }
                    depth += 1;
                    after_operand = false;
                    if depth > MAX_NESTING {
                        return too_deep_at(start, word.len());
                    }
                } else if OPERATORS.contains(&word) {
                    after_operand = false;
                } else {
                    // An operand ends the run of prefix operators before it.
                    if let Some(f) = frames.last_mut() {
                        depth -= f.prefix;
                        f.prefix = 0;
                    }
                    after_operand = true;
                }
            }
            b if b.is_ascii_whitespace() => {}
            _ => after_operand = false,
        }
        i += 1;
    }
    Ok(())
}

/// One open bracket (or the top level): the `if`s and prefix operators open inside it.
struct Frame {
    ifs: usize,
    prefix: usize,
}

/// An expression ended: its `if`s and prefix operators no longer nest.
fn reset(frames: &mut [Frame], depth: &mut usize) {
    if let Some(f) = frames.last_mut() {
        *depth -= f.ifs + f.prefix;
        f.ifs = 0;
        f.prefix = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deepest_ok(make: impl Fn(usize) -> String) -> usize {
        (1..=MAX_NESTING + 5).take_while(|&n| check_nesting(&make(n), 0).is_ok()).last().unwrap_or(0)
    }

    #[test]
    fn counts_what_nests() {
        assert_eq!(deepest_ok(|n| format!("let x = {}a{}", "(".repeat(n), ")".repeat(n))), MAX_NESTING);
        assert_eq!(deepest_ok(|n| format!("let x = {}a", "- ".repeat(n))), MAX_NESTING);
        assert_eq!(deepest_ok(|n| format!("let x = {}a", "not ".repeat(n))), MAX_NESTING);
        assert_eq!(deepest_ok(|n| format!("let x = {}1 else 2", "if a then ".repeat(n))), MAX_NESTING);
        let whens = |n: usize| format!("decision \"D\" {}-> A{}", "{ when a ".repeat(n), " }".repeat(n));
        assert_eq!(deepest_ok(whens), MAX_NESTING);
    }

    #[test]
    fn flat_text_does_not_nest() {
        let long = format!("let x = a{}\n", " - b".repeat(5 * MAX_NESTING));
        let many_ifs = "let x = if a then 1 else 2\n".repeat(3 * MAX_NESTING);
        let signs = "let x = -1 m and not a\n".repeat(3 * MAX_NESTING);
        let cells = format!("rule {} -> 1\n", vec!["-"; 3 * MAX_NESTING].join(" | "));
        for text in [long, many_ifs, signs, cells] {
            check_nesting(&text, 0).unwrap_or_else(|d| panic!("{}: {}", &text[..40], d.message));
        }
    }

    #[test]
    fn the_error_points_at_the_token_too_deep() {
        let text = format!("let x = {}a", "(".repeat(MAX_NESTING + 1));
        let d = check_nesting(&text, 10).expect_err("too deep");
        assert_eq!((d.code, d.span.start), ("E030", 10 + 8 + MAX_NESTING));
        assert_eq!(d.message, format!("the text is nested deeper than {MAX_NESTING}"));
    }
}

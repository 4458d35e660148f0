//! Runtime errors: `tests/runtime/<CODE>-<kind>.rules` with `<CODE>-<kind>.cases.json` beside it.
//! `rules eval` on them must exit 2 and print a diagnostic pointing into the ruleset
//! (`file:line:col: error[R0xx]: message`, exact line in `<CODE>-<kind>.expected`) with an excerpt,
//! then `error: case <name>: evaluation failed`. The case files also say `"expect": {"error": "R0xx"}`,
//! so `rules test tests/runtime` passes.

use std::collections::BTreeSet;

use rules_tests::{compare_golden, files_ending_with, rules, Header};

/// Every runtime code of `EvalError` (R006: a geometry operation refused its arguments).
const RUNTIME_CODES: &[&str] = &["R001", "R002", "R003", "R004", "R005", "R006", "R010"];

fn runtime_rulesets() -> Vec<String> {
    files_ending_with("tests/runtime", ".rules")
}

fn stem(ruleset: &str) -> &str {
    ruleset.trim_end_matches(".rules")
}

#[test]
fn every_runtime_code_has_a_ruleset() {
    let codes: BTreeSet<String> =
        runtime_rulesets().iter().map(|f| f.trim_start_matches("tests/runtime/")[..4].to_string()).collect();
    for code in RUNTIME_CODES {
        assert!(codes.contains(*code), "no tests/runtime/{code}-*.rules");
    }
}

#[test]
fn eval_exits_2_and_points_into_the_ruleset() {
    let mut problems = Vec::new();
    for ruleset in runtime_rulesets() {
        let code = &ruleset.trim_start_matches("tests/runtime/")[..4];
        let case = format!("{}.cases.json", stem(&ruleset));
        for format in ["text", "json"] {
            let out = rules().args(["eval", &ruleset, "--case", &case, "--format", format]).output().expect("runs");
            let stderr = String::from_utf8_lossy(&out.stderr).to_string();
            if out.status.code() != Some(2) {
                problems.push(format!("{ruleset} ({format}): exit {:?}, want 2\n{stderr}", out.status.code()));
            }
            // Text prints no outcome; JSON prints the error in place of the outcome, with its code.
            let stdout = String::from_utf8_lossy(&out.stdout).to_string();
            match format {
                "text" if !stdout.is_empty() => {
                    problems.push(format!("{ruleset} (text): printed an outcome: {stdout}"))
                }
                "json" => {
                    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_default();
                    if json["error"]["code"] != code {
                        problems.push(format!(
                            "{ruleset} (json): want {{\"error\": {{\"code\": \"{code}\"}}}}, got {stdout}"
                        ));
                    }
                }
                _ => {}
            }
            let lines: Vec<&str> = stderr.lines().collect();
            let Some(header) = lines.first().and_then(|l| Header::parse(&ruleset, l)) else {
                problems.push(format!(
                    "{ruleset}: first stderr line is not `{ruleset}:line:col: error[{code}]: ...`\n{stderr}"
                ));
                continue;
            };
            if header.code != code || header.severity != "error" {
                problems.push(format!("{ruleset}: got {}[{}], want error[{code}]", header.severity, header.code));
            }
            if format == "text" {
                if let Some(diff) = compare_golden(&format!("{}.expected", stem(&ruleset)), &format!("{}\n", lines[0]))
                {
                    problems.push(diff);
                }
            }
            let frame = format!("╭─[{ruleset}:{}:", header.line);
            if !lines.iter().any(|l| l.contains(&frame)) {
                problems.push(format!("{ruleset}: no source excerpt framed {frame:?}\n{stderr}"));
            }
            let last = "error: 1 case could not be evaluated".to_string();
            if lines.last() != Some(&last.as_str()) {
                problems.push(format!("{ruleset}: last stderr line {:?}, want {last:?}", lines.last()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// The runtime rulesets are valid: the problems only show with particular answers.
#[test]
fn runtime_rulesets_have_no_static_errors() {
    let out = rules().args(["check", "tests/runtime"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn rules_test_accepts_expected_runtime_errors() {
    let out = rules().args(["test", "tests/runtime"]).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}");
    let n = runtime_rulesets().len();
    assert_eq!(stdout.lines().last(), Some(format!("{n} passed, 0 failed").as_str()), "{stdout}");
}

/// With `expect` saying a different code, `rules test` reports the mismatch instead of passing.
#[test]
fn rules_test_reports_the_wrong_runtime_error() {
    let dir = rules_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "wrong-runtime-error");
    let ruleset = rules_tests::workspace_root().join("tests/runtime/R004-unique-several-rows.rules");
    let case = serde_json::json!([{
        "name": "verwacht R003",
        "ruleset": ruleset.to_string_lossy(),
        "date": "2024-06-01",
        "answers": {"height": "5 m"},
        "expect": {"error": "R003"}
    }]);
    let file = dir.join("wrong.cases.json");
    std::fs::write(&file, case.to_string()).expect("write case");
    let out = rules().arg("test").arg(&file).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(stdout.contains("expected error R003, got R004"), "{stdout}");
    assert_eq!(stdout.lines().last(), Some("0 passed, 1 failed"));
}

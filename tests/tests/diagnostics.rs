//! The catalogue of broken rulesets: `tests/broken/<nn>-<kind>.rules`, each with the exact header
//! lines `rules check` prints for it in `<nn>-<kind>.expected` (one `file:line:col: severity[CODE]:
//! message` line per diagnostic, in order). Regenerate with `RULES_BLESS=1` after an intended change.
//!
//! Run from the workspace root with relative paths, as an officer would: `rules check tests/broken/...`.

use std::collections::BTreeSet;

use rules_tests::{compare_golden, files_ending_with, read, rules, Header};
use serde_json::Value as Json;

/// Every static diagnostic code the checker can give. Each must appear in some `.expected` file.
const ALL_CODES: &[&str] = &[
    "E001", "E002", "E003", "E004", "E005", "E006", "E007", "E008", "E009", "E010", "E011", "E012", "E013", "E014",
    "E015", "E016", "E017", "E018", "E020", "E022", "W001", "W002", "W003", "W004", "W005", "W006",
];

/// Files whose diagnostic sits at the very end of the text. The renderer draws no underline there
/// (see `eof_syntax_error_has_an_underline`, ignored until that is fixed); the frame and the source
/// line are still required.
const NO_UNDERLINE_AT_END_OF_FILE: &[&str] = &["tests/broken/01-syntax-missing-brace.rules"];

fn broken_rulesets() -> Vec<String> {
    files_ending_with("tests/broken", ".rules")
}

fn expected_path(ruleset: &str) -> String {
    format!("{}.expected", ruleset.trim_end_matches(".rules"))
}

/// What `rules check FILE` printed, split into diagnostics.
struct Checked {
    headers: Vec<Header>,
    /// The lines after each header, up to the next header or the summary line.
    excerpts: Vec<Vec<String>>,
    summary: String,
    exit: i32,
}

fn check(file: &str, extra: &[&str]) -> Checked {
    let out = rules().arg("check").args(extra).arg(file).output().expect("rules check runs");
    assert!(out.stdout.is_empty(), "{file}: `rules check` printed on stdout: {}", String::from_utf8_lossy(&out.stdout));
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    let mut headers = Vec::new();
    let mut excerpts: Vec<Vec<String>> = Vec::new();
    let mut summary = String::new();
    for line in stderr.lines() {
        if let Some(h) = Header::parse(file, line) {
            headers.push(h);
            excerpts.push(Vec::new());
        } else if line.contains(" checked: ") && !line.starts_with(' ') {
            summary = line.to_string();
        } else if let Some(e) = excerpts.last_mut() {
            e.push(line.to_string());
        } else {
            panic!("{file}: unexpected first line on stderr: {line:?}\n{stderr}");
        }
    }
    Checked { headers, excerpts, summary, exit: out.status.code().unwrap_or(-1) }
}

fn header_line(h: &Header) -> String {
    format!("{}:{}:{}: {}[{}]: {}", h.file, h.line, h.column, h.severity, h.code, h.message)
}

#[test]
fn the_catalogue_is_complete() {
    let files = broken_rulesets();
    assert!(files.len() >= 24, "only {} broken rulesets", files.len());
    let mut problems = Vec::new();
    for f in &files {
        if !rules_tests::workspace_root().join(expected_path(f)).exists() && !rules_tests::bless() {
            problems.push(format!("{f} has no .expected file"));
        }
        let lines = read(f).lines().count();
        if !(5..=15).contains(&lines) {
            problems.push(format!("{f} has {lines} lines; keep broken rulesets small (5-15 lines)"));
        }
    }
    for e in files_ending_with("tests/broken", ".expected") {
        if !files.contains(&format!("{}.rules", e.trim_end_matches(".expected"))) {
            problems.push(format!("{e} has no .rules file"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn check_prints_the_expected_headers_excerpts_and_exit_code() {
    let mut problems = Vec::new();
    for file in broken_rulesets() {
        let c = check(&file, &[]);
        let actual: String = c.headers.iter().map(|h| header_line(h) + "\n").collect();
        if let Some(diff) = compare_golden(&expected_path(&file), &actual) {
            problems.push(diff);
        }
        if c.headers.is_empty() {
            problems.push(format!("{file}: no diagnostic at all"));
            continue;
        }

        let errors = c.headers.iter().filter(|h| h.severity == "error").count();
        let warnings = c.headers.len() - errors;
        let want_exit = if errors > 0 { 1 } else { 0 };
        if c.exit != want_exit {
            problems.push(format!("{file}: exit code {} with {errors} errors, want {want_exit}", c.exit));
        }
        let summary = format!(
            "1 file checked: {errors} error{}, {warnings} warning{}",
            if errors == 1 { "" } else { "s" },
            if warnings == 1 { "" } else { "s" }
        );
        if c.summary != summary {
            problems.push(format!("{file}: last line {:?}, want {summary:?}", c.summary));
        }

        for (h, excerpt) in c.headers.iter().zip(&c.excerpts) {
            let frame = format!("╭─[{file}:{}:", h.line);
            if !excerpt.iter().any(|l| l.contains(&frame)) {
                problems.push(format!(
                    "{}: excerpt lacks the frame {frame:?}:\n{}",
                    header_line(h),
                    excerpt.join("\n")
                ));
            }
            let source_line = read(&file).lines().nth(h.line - 1).unwrap_or_default().trim().to_string();
            let shows_line = source_line.is_empty() || excerpt.iter().any(|l| l.contains(&source_line));
            let at_end = NO_UNDERLINE_AT_END_OF_FILE.contains(&file.as_str());
            if !shows_line && !at_end {
                problems.push(format!(
                    "{}: excerpt does not show line {}:\n{}",
                    header_line(h),
                    h.line,
                    excerpt.join("\n")
                ));
            }
            if !at_end && !excerpt.iter().any(|l| is_underline(l)) {
                problems.push(format!("{}: excerpt has no caret/underline:\n{}", header_line(h), excerpt.join("\n")));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

/// A miette marker line: ` · ──┬──` / ` · ▲`, or the arrows of a span over several lines.
fn is_underline(line: &str) -> bool {
    let marker = line.trim_start().strip_prefix('·').is_some_and(|rest| rest.contains(['─', '▲', '┬', '^']));
    marker || line.contains("─▶")
}

#[test]
fn deny_warnings_fails_on_warnings_too() {
    let mut problems = Vec::new();
    for file in broken_rulesets() {
        let c = check(&file, &["--deny-warnings"]);
        if c.exit != 1 {
            problems.push(format!(
                "{file}: --deny-warnings exit code {}, want 1 ({} diagnostics)",
                c.exit,
                c.headers.len()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn json_format_gives_the_same_diagnostics() {
    let mut problems = Vec::new();
    for file in broken_rulesets() {
        let text = check(&file, &[]);
        let out = rules().args(["check", "--format", "json", &file]).output().expect("runs");
        if out.status.code() != Some(text.exit) {
            problems.push(format!("{file}: --format json exit {:?}, text exit {}", out.status.code(), text.exit));
        }
        let json: Json = match serde_json::from_slice(&out.stdout) {
            Ok(j) => j,
            Err(e) => {
                problems.push(format!("{file}: --format json is not JSON: {e}"));
                continue;
            }
        };
        let items = json.as_array().cloned().unwrap_or_default();
        let from_json: Vec<Header> = items
            .iter()
            .map(|d| Header {
                file: d["file"].as_str().unwrap_or_default().to_string(),
                line: d["line"].as_u64().unwrap_or_default() as usize,
                column: d["column"].as_u64().unwrap_or_default() as usize,
                severity: d["severity"].as_str().unwrap_or_default().to_string(),
                code: d["code"].as_str().unwrap_or_default().to_string(),
                message: d["message"].as_str().unwrap_or_default().to_string(),
            })
            .collect();
        if from_json != text.headers {
            problems.push(format!("{file}: JSON {from_json:#?}\ndiffers from text {:#?}", text.headers));
        }
        for d in &items {
            let (l, c, el, ec) = (&d["line"], &d["column"], &d["end_line"], &d["end_column"]);
            let ordered = (l.as_u64(), c.as_u64()) <= (el.as_u64(), ec.as_u64());
            if !ordered || d["utf16_column"].as_u64().is_none() {
                problems.push(format!("{file}: bad positions in {d}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}

#[test]
fn every_code_is_in_the_catalogue() {
    let mut seen = BTreeSet::new();
    for e in files_ending_with("tests/broken", ".expected") {
        for line in read(&e).lines() {
            let file = format!("{}.rules", e.trim_end_matches(".expected"));
            let h = Header::parse(&file, line).unwrap_or_else(|| panic!("{e}: not a header line: {line:?}"));
            seen.insert(h.code);
        }
    }
    let missing: Vec<&&str> = ALL_CODES.iter().filter(|c| !seen.contains(**c)).collect();
    assert!(missing.is_empty(), "no broken ruleset produces {missing:?}");
    let unknown: Vec<&String> = seen.iter().filter(|c| !ALL_CODES.contains(&c.as_str())).collect();
    assert!(unknown.is_empty(), "codes {unknown:?} are not in ALL_CODES: add them to the list");
}

#[test]
fn checking_the_folder_gives_every_file_in_order() {
    let out = rules().args(["check", "tests/broken"]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let files = broken_rulesets();
    let got: Vec<&str> = stderr.lines().filter(|l| files.iter().any(|f| Header::parse(f, l).is_some())).collect();
    let want: Vec<String> =
        files.iter().flat_map(|f| read(&expected_path(f)).lines().map(String::from).collect::<Vec<_>>()).collect();
    assert_eq!(got, want);
    let last = stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with(&format!("{} files checked: ", files.len())), "{last}");
}

/// The library gives the same diagnostics as the CLI (what the WASM build will show in a browser).
#[test]
fn library_and_cli_agree() {
    for file in broken_rulesets() {
        let checked = rules_core::compile(&file, &read(&file));
        let source = rules_core::SourceFile::new(file.clone(), read(&file));
        let lib: String = checked.diagnostics.iter().map(|d| d.header(&source) + "\n").collect();
        assert_eq!(lib, read(&expected_path(&file)), "{file}");
        assert_eq!(checked.ruleset.is_some(), !checked.diagnostics.iter().any(|d| d.is_error()), "{file}");
    }
}

// ---------------------------------------------------------------- known bugs (see the report)
// Each states the behaviour we want; run with `cargo test -p rules-tests -- --ignored`.

/// A declaration that fails (bad type, bad range, built-in name) leaves its name undeclared, so
/// every use gets a second, false "unknown name" error.
#[test]
fn a_failed_declaration_gives_one_error() {
    for file in [
        "tests/broken/21-range-reversed.rules",
        "tests/broken/32-range-wrong-unit.rules",
        "tests/broken/34-unknown-type.rules",
        "tests/broken/36-builtin-name-as-definition.rules",
    ] {
        let c = check(file, &[]);
        let codes: Vec<&str> = c.headers.iter().filter(|h| h.severity == "error").map(|h| h.code.as_str()).collect();
        assert_eq!(codes.len(), 1, "{file}: {codes:?}");
    }
}

#[test]
fn eof_syntax_error_has_an_underline() {
    let c = check("tests/broken/01-syntax-missing-brace.rules", &[]);
    assert!(c.excerpts[0].iter().any(|l| is_underline(l)), "{}", c.excerpts[0].join("\n"));
}

#[test]
fn excerpt_frame_column_matches_header() {
    let file = "tests/broken/44-unknown-unit-after-accents.rules";
    let c = check(file, &[]);
    let h = &c.headers[0];
    let frame = format!("╭─[{file}:{}:{}]", h.line, h.column);
    assert!(c.excerpts[0].iter().any(|l| l.contains(&frame)), "{}", c.excerpts[0].join("\n"));
}

#[test]
fn gap_and_overlap_examples_carry_units() {
    for file in ["tests/broken/30-gap.rules", "tests/broken/31-unique-overlap.rules", "tests/broken/39-table-gap.rules"]
    {
        let c = check(file, &[]);
        assert!(c.headers[0].message.contains(" m"), "{file}: {}", c.headers[0].message);
    }
}

#[test]
fn table_row_spans_end_on_their_own_line() {
    let out = rules().args(["check", "--format", "json", "tests/broken/29-shadowed-row.rules"]).output().expect("runs");
    let json: Json = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(json[0]["line"], json[0]["end_line"], "{}", json[0]);
}

/// `aera(plan)`: the arguments of an unknown function are never looked at, so `plan` is reported as
/// unused although the officer used it.
#[test]
fn unknown_function_arguments_count_as_used() {
    let c = check("tests/broken/09-unknown-function.rules", &[]);
    let codes: Vec<&str> = c.headers.iter().map(|h| h.code.as_str()).collect();
    assert_eq!(codes, ["E006"]);
}

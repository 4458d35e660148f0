//! The `rules` command's contract (DESIGN.md "Contracts"): help, `test`, `eval`, `next`, `at`, `fmt`,
//! and clear exit-2 messages for bad inputs. Fixtures live in `tests/cli/`; every command runs from
//! the workspace root with relative paths.

use std::path::Path;

use rules_tests::{compare_golden, read, rules, scratch_dir, workspace_root};
use serde_json::Value as Json;

const RULESET: &str = "rulesets/voorbeeld/bijgebouw.rules";
const CASES: &str = "rulesets/voorbeeld/bijgebouw.cases.json";
const ROADS: &str = "public_space=data/geo/otterlo_bgt_wegdeel.geojson";

/// Inside BGT wegdeel G0228.3d496236bf3c4a7490602ccce4a75954 (a "rijbaan lokale weg"), about 4 m
/// from its edges.
const ON_THE_ROAD: &str = "181225,456510.5";
/// In the back garden of parcel OTL02 B 2626, where the example's shed stands (6 m from the road).
const IN_A_GARDEN: &str = "181156,456463";

struct Run {
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = rules().args(args).output().expect("rules runs");
    Run {
        code: out.status.code(),
        stdout: String::from_utf8(out.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(out.stderr).expect("stderr is UTF-8"),
    }
}

/// An input problem: exit 2, nothing on stdout, one `error: ...` line on stderr containing `needle`.
fn assert_input_error(args: &[&str], needles: &[&str]) {
    let r = run(args);
    assert_eq!(r.code, Some(2), "rules {args:?}\nstdout: {}\nstderr: {}", r.stdout, r.stderr);
    assert!(r.stdout.is_empty(), "rules {args:?} printed on stdout: {}", r.stdout);
    let last = r.stderr.lines().last().unwrap_or_default();
    assert!(last.starts_with("error: "), "rules {args:?}: last stderr line {last:?}");
    for n in needles {
        assert!(r.stderr.contains(n), "rules {args:?}: stderr lacks {n:?}:\n{}", r.stderr);
    }
}

// ---------------------------------------------------------------- check --lang nl

#[test]
fn check_in_dutch_keeps_codes_and_positions() {
    let file = "tests/broken/04-unknown-name-typo.rules";
    let en = run(&["check", "--format", "json", file]);
    let nl = run(&["check", "--format", "json", "--lang", "nl", file]);
    assert_eq!((en.code, nl.code), (Some(1), Some(1)));
    let en: Vec<Json> = serde_json::from_str(&en.stdout).expect("json");
    let nl: Vec<Json> = serde_json::from_str(&nl.stdout).expect("json");
    let place = |d: &Json| (d["code"].clone(), d["line"].clone(), d["column"].clone());
    assert_eq!(en.iter().map(place).collect::<Vec<_>>(), nl.iter().map(place).collect::<Vec<_>>());
    let e002 = nl.iter().find(|d| d["code"] == "E002").expect("E002");
    assert_eq!(e002["message"], "De naam `hieght` is nergens gedeclareerd.");
    assert_eq!(e002["help"], "bedoelt u `height`?");
    let text = run(&["check", "--lang", "nl", file]);
    assert!(text.stderr.contains("error[E002]: De naam `hieght` is nergens gedeclareerd."), "{}", text.stderr);
}

// ---------------------------------------------------------------- help

#[test]
fn help_works_for_every_command() {
    let top = run(&["--help"]);
    assert_eq!(top.code, Some(0), "{}", top.stderr);
    for sub in ["check", "fmt", "eval", "next", "test", "at"] {
        assert!(top.stdout.contains(&format!("  {sub} ")), "`rules --help` does not list {sub}:\n{}", top.stdout);
        let r = run(&[sub, "--help"]);
        assert_eq!(r.code, Some(0), "rules {sub} --help: {}", r.stderr);
        assert!(r.stdout.contains(&format!("Usage: rules {sub}")), "rules {sub} --help:\n{}", r.stdout);
    }
    assert_eq!(run(&["--version"]).code, Some(0));
    assert_eq!(run(&["no-such-command"]).code, Some(2));
}

// ---------------------------------------------------------------- test

fn case_count(file: &str) -> usize {
    let json: Json = serde_json::from_str(&read(file)).expect("case file is JSON");
    json.as_array().map_or(1, Vec::len)
}

/// Every `*.cases.json` under `dir`, recursively.
fn case_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).expect("readable folder").filter_map(Result::ok) {
        let path = entry.path();
        if path.is_dir() {
            out.extend(case_files(&path));
        } else if path.to_string_lossy().ends_with(".cases.json") {
            out.push(path);
        }
    }
    out
}

#[test]
fn test_passes_the_example_rulesets() {
    let r = run(&["test", "rulesets/"]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    let all: usize = case_files(&workspace_root().join("rulesets"))
        .iter()
        .map(|f| case_count(&f.strip_prefix(workspace_root()).expect("inside").to_string_lossy()))
        .sum();
    assert_eq!(r.stdout.lines().last(), Some(format!("{all} passed, 0 failed").as_str()), "{}", r.stdout);
    assert_eq!(r.stdout.lines().filter(|l| l.starts_with("ok   ")).count(), all);
    // A ruleset given directly finds its cases file.
    let n = case_count(CASES);
    assert!(n >= 15, "the example has only {n} cases");
    let direct = run(&["test", RULESET]);
    assert_eq!(direct.code, Some(0), "{}", direct.stdout);
    assert_eq!(direct.stdout.lines().last(), Some(format!("{n} passed, 0 failed").as_str()));
}

/// Relative file paths in a case (`"../../data/..."`) made absolute against `base`.
fn absolutise(json: &mut Json, base: &Path) {
    match json {
        Json::String(s) if s.starts_with("../") => *s = base.join(&*s).to_string_lossy().into_owned(),
        Json::Array(items) => items.iter_mut().for_each(|i| absolutise(i, base)),
        Json::Object(map) => map.values_mut().for_each(|v| absolutise(v, base)),
        _ => {}
    }
}

#[test]
fn test_fails_on_a_changed_expectation() {
    let root = workspace_root();
    let mut cases: Json = serde_json::from_str(&read(CASES)).expect("JSON");
    absolutise(&mut cases, &root.join("rulesets/voorbeeld"));
    let name = cases[0]["name"].as_str().expect("named case").to_string();
    assert_eq!(cases[0]["expect"]["Conclusie"], "Toestemmingsvrij", "the example changed; adjust this test");
    cases[0]["expect"]["Conclusie"] = Json::from("Vergunningplicht");
    cases[0]["ruleset"] = Json::from(root.join(RULESET).to_string_lossy().into_owned());

    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), "changed-expectation");
    let file = dir.join("bijgebouw.cases.json");
    std::fs::write(&file, serde_json::to_string_pretty(&cases).expect("serialise")).expect("write");

    let r = run(&["test", &dir.to_string_lossy()]);
    assert_eq!(r.code, Some(1), "{}{}", r.stdout, r.stderr);
    let fail = format!("FAIL {} {name}", file.display());
    assert!(r.stdout.lines().any(|l| l == fail), "no line {fail:?} in\n{}", r.stdout);
    assert!(
        r.stdout.contains(r#"decision "Conclusie": expected "Vergunningplicht", got "Toestemmingsvrij""#),
        "mismatch not explained:\n{}",
        r.stdout
    );
    let n = case_count(CASES);
    assert_eq!(r.stdout.lines().last(), Some(format!("{} passed, 1 failed", n - 1).as_str()));
}

// ---------------------------------------------------------------- eval

#[test]
fn eval_prints_the_outcome_as_json() {
    let r = run(&["eval", RULESET, "--case", "tests/cli/schuur-past.case.json", "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    let outcome: Json = serde_json::from_str(&r.stdout).expect("valid JSON");
    for key in ["decisions", "checks", "needed"] {
        assert!(outcome[key].is_array(), "no array `{key}` in {outcome}");
    }
    let conclusie = &outcome["decisions"][0];
    assert_eq!(conclusie["name"], "Conclusie");
    assert_eq!(conclusie["outcome"], "Toestemmingsvrij");
    assert_eq!(
        conclusie["because"],
        "Het bijgebouw past binnen de regels: 56 m² van de toegestane 150 m², 2,5 m hoog."
    );
    assert_eq!(conclusie["ref"], "Omgevingsplan art. 22.36 lid 1 onder a");
    assert!(conclusie["trace"].as_array().is_some_and(|t| !t.is_empty()), "no trace");
    let oppervlakte =
        outcome["checks"].as_array().and_then(|c| c.iter().find(|c| c["name"] == "Oppervlakte")).expect("check");
    assert_eq!(oppervlakte["status"], "pass");
    assert_eq!(oppervlakte["measured"], "56 m²");
    assert_eq!(oppervlakte["limit"], "<= 150 m²");
    assert_eq!(outcome["needed"], Json::Array(Vec::new()));
    // The whole outcome, byte for byte (the JSON must be stable).
    if let Some(diff) = compare_golden("tests/cli/schuur-past.outcome.json", &r.stdout) {
        panic!("{diff}");
    }
}

#[test]
fn eval_prints_the_outcome_as_text() {
    let r = run(&["eval", RULESET, "--case", "tests/cli/schuur-past.case.json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert!(r.stdout.lines().any(|l| l == "Conclusie: Toestemmingsvrij"), "{}", r.stdout);
    assert!(r.stdout.contains("waarom: Het bijgebouw past binnen de regels"), "{}", r.stdout);
    assert!(r.stdout.contains("Oppervlakte: 56 m² (grens <= 150 m²)"), "{}", r.stdout);
}

#[test]
fn eval_of_several_cases_gives_a_json_array() {
    let mut cases: Json = serde_json::from_str(&read(CASES)).expect("JSON");
    absolutise(&mut cases, &workspace_root().join("rulesets/voorbeeld"));
    let two = Json::Array(cases.as_array().expect("array")[..2].to_vec());
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), "two-cases");
    let file = dir.join("two.cases.json");
    std::fs::write(&file, two.to_string()).expect("write");
    let r = run(&["eval", RULESET, "--case", &file.to_string_lossy(), "--format", "json"]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    let outcomes: Json = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(outcomes.as_array().map(Vec::len), Some(2), "{outcomes}");
    assert_eq!(outcomes[1]["decisions"][0]["outcome"], "Toestemmingsvrij");
}

/// The example's last case is dated after the ruleset's validity: evaluating it is refused (R010).
#[test]
fn eval_refuses_a_date_outside_the_validity() {
    let r = run(&["eval", RULESET, "--case", CASES, "--format", "json"]);
    assert_eq!(r.code, Some(2), "{}", r.stderr);
    // The error points at the validity period in the header; the other cases' outcomes are still printed.
    let line = r.stderr.lines().find(|l| l.contains("error[R010]")).unwrap_or_default();
    assert!(line.starts_with(&format!("{RULESET}:7:14: error[R010]: ")), "{}", r.stderr);
    let outcomes: Json = serde_json::from_str(&r.stdout).expect("JSON");
    assert_eq!(outcomes.as_array().map(Vec::len), Some(15), "{outcomes}");
    assert!(r.stderr.contains("not on 2031-01-01"), "{}", r.stderr);
}

// ---------------------------------------------------------------- next

#[test]
fn next_asks_the_first_question() {
    let text = run(&["next", RULESET, "--case", "tests/cli/nog-niets-beantwoord.case.json"]);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert_eq!(text.stdout.lines().next(), Some("Is uw huis een monument? (monument, bool)"), "{}", text.stdout);

    let json = run(&["next", RULESET, "--case", "tests/cli/nog-niets-beantwoord.case.json", "--format", "json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    let next: Json = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(next["input"], "monument");
    assert_eq!(next["question"], "Is uw huis een monument?");
    assert_eq!(next["type"], "bool");
}

#[test]
fn next_is_null_when_everything_is_decided() {
    let json = run(&["next", RULESET, "--case", "tests/cli/schuur-past.case.json", "--format", "json"]);
    assert_eq!(json.code, Some(0), "{}", json.stderr);
    assert_eq!(json.stdout.trim(), "null");
    let text = run(&["next", RULESET, "--case", "tests/cli/schuur-past.case.json"]);
    assert_eq!(text.code, Some(0), "{}", text.stderr);
    assert_eq!(text.stdout, "");
}

#[test]
fn next_for_one_decision() {
    let r = run(&[
        "next",
        RULESET,
        "--case",
        "tests/cli/nog-niets-beantwoord.case.json",
        "--decision",
        "conclusie",
        "--format",
        "json",
    ]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(serde_json::from_str::<Json>(&r.stdout).expect("JSON")["input"], "monument");
    assert_input_error(
        &["next", RULESET, "--case", "tests/cli/nog-niets-beantwoord.case.json", "--decision", "Conclusion"],
        &["there is no decision \"Conclusion\""],
    );
}

// ---------------------------------------------------------------- bad inputs

#[test]
fn a_missing_file_is_named() {
    assert_input_error(&["check", "rulesets/voorbeeld/geen.rules"], &["rulesets/voorbeeld/geen.rules does not exist"]);
    assert_input_error(&["test", "rulesets/geen"], &["rulesets/geen does not exist"]);
    assert_input_error(
        &["eval", "geen.rules", "--case", "tests/cli/schuur-past.case.json"],
        &["cannot read geen.rules"],
    );
    assert_input_error(
        &["eval", RULESET, "--case", "tests/cli/geen.case.json"],
        &["cannot read tests/cli/geen.case.json"],
    );
}

#[test]
fn a_typo_in_a_case_field_is_refused() {
    assert_input_error(
        &["eval", RULESET, "--case", "tests/cli/typo-field.case.json"],
        &["tests/cli/typo-field.case.json", "unknown field `answer`", "`answers`"],
    );
}

#[test]
fn an_answer_in_the_wrong_unit_is_refused() {
    assert_input_error(
        &["eval", RULESET, "--case", "tests/cli/wrong-unit.case.json"],
        &["answer for `height`", "expected a length (m), but the unit is a surface (m2)"],
    );
}

#[test]
fn an_answer_to_an_unknown_question_suggests_the_right_one() {
    assert_input_error(
        &["eval", RULESET, "--case", "tests/cli/unknown-question.case.json"],
        &["there is no input or question named `hieght`", "did you mean `height`?"],
    );
}

#[test]
fn a_self_intersecting_plan_is_refused_naming_the_input() {
    assert_input_error(
        &["eval", RULESET, "--case", "tests/cli/bow-tie.case.json"],
        &["case plan drawn as a self-intersecting bow-tie", "geometry for `plan`", "intersects itself"],
    );
}

#[test]
fn a_missing_layer_file_is_named() {
    assert_input_error(
        &["eval", RULESET, "--case", "tests/cli/missing-layer-file.case.json"],
        &["cannot read", "otterlo_bgt_wegdelen.geojson"],
    );
    assert_input_error(
        &["at", RULESET, "--layers", "public_space=data/geo/geen.geojson", "--point", ON_THE_ROAD],
        &["cannot read data/geo/geen.geojson"],
    );
    assert_input_error(
        &["at", RULESET, "--layers", "data/geen-map", "--point", ON_THE_ROAD],
        &["data/geen-map does not exist"],
    );
}

#[test]
fn a_bad_point_is_refused() {
    assert_input_error(&["at", RULESET, "--layers", ROADS, "--point", "181225"], &["--point must be X,Y"]);
}

// ---------------------------------------------------------------- at

#[test]
fn at_lists_the_rule_on_a_road() {
    let r = run(&["at", RULESET, "--layers", ROADS, "--point", ON_THE_ROAD]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Voorbeeldgemeente (fictief), naar de bruidsschat\n  Openbaar gebied: Dit is openbaar gebied. Hier mag u niet bouwen.\n    \
         Waarom: Openbaar gebied is van iedereen. Wegen, stoepen en groen moeten vrij blijven.\n"
    );
    let json = run(&["at", RULESET, "--layers", ROADS, "--point", ON_THE_ROAD, "--format", "json"]);
    let report: Json = serde_json::from_str(&json.stdout).expect("JSON");
    let hits = &report["rulesets"][0]["rules"];
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "{report}");
    assert_eq!(hits[0]["title"], "Openbaar gebied");
    assert_eq!(hits[0]["intent"], "Openbaar gebied is van iedereen. Wegen, stoepen en groen moeten vrij blijven.");
    assert_eq!(hits[0]["layer"], "public_space");
    assert_eq!(hits[0]["feature"], "G0228.3d496236bf3c4a7490602ccce4a75954");
    assert_eq!(report["point"]["x"], 181225.0);
}

#[test]
fn at_lists_nothing_in_a_garden() {
    let r = run(&["at", RULESET, "--layers", ROADS, "--point", IN_A_GARDEN]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stdout, "Hier gelden geen regels uit deze regelsets.\n");
    let json = run(&["at", RULESET, "--layers", ROADS, "--point", IN_A_GARDEN, "--format", "json"]);
    let report: Json = serde_json::from_str(&json.stdout).expect("JSON");
    assert_eq!(report["rulesets"][0]["rules"], Json::Array(Vec::new()), "{report}");
}

/// A misspelt layer name binds nothing, and the point then silently "has no rules".
#[test]
fn at_refuses_an_unknown_layer_name() {
    assert_input_error(
        &["at", RULESET, "--layers", "publik_space=data/geo/otterlo_bgt_wegdeel.geojson", "--point", ON_THE_ROAD],
        &["publik_space", "public_space"],
    );
}

// ---------------------------------------------------------------- check and fmt on the example

#[test]
fn the_example_checks_clean() {
    let r = run(&["check", "--deny-warnings", RULESET]);
    assert_eq!(r.code, Some(0), "{}", r.stderr);
    assert_eq!(r.stderr, "1 file checked: 0 errors, 0 warnings\n");
    let json = run(&["check", "--format", "json", RULESET]);
    assert_eq!(json.code, Some(0));
    assert_eq!(serde_json::from_str::<Json>(&json.stdout).expect("JSON"), Json::Array(Vec::new()));
}

#[test]
fn the_example_is_formatted() {
    let r = run(&["fmt", "--check", RULESET]);
    assert_eq!(r.code, Some(0), "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout, "");
    let printed = run(&["fmt", "--stdout", RULESET]);
    assert_eq!(printed.code, Some(0));
    assert_eq!(printed.stdout, read(RULESET));
}

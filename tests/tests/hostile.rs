//! The hostile catalogue (tests/hostile/catalogue.json), natively: every input goes through the
//! `rules` command (`check`, `fmt`, `eval`; `import-sttr` for STTR files), which must end with the expected located error or result, never with a panic
//! (exit 101) or an abort (a stack overflow). The same catalogue runs in WebAssembly in
//! tests/e2e/hostile.test.mjs.

use std::path::Path;

use rules_tests::{rules, scratch_dir, workspace_root};
use serde_json::Value as Json;

/// Builds a text from catalogue parts (see the catalogue's "about").
fn build(parts: &Json) -> String {
    let mut out = String::new();
    for part in parts.as_array().expect("parts are a list") {
        match part {
            Json::String(s) => out.push_str(s),
            Json::Object(o) if o.contains_key("repeat") => {
                let unit = o["repeat"].as_str().expect("repeat text");
                out.push_str(&unit.repeat(o["times"].as_u64().expect("times") as usize));
            }
            Json::Object(o) => {
                let line = o["numbered"].as_str().expect("numbered text");
                let count = o["count"].as_u64().expect("count");
                let mut numbers: Vec<u64> = (1..=count).collect();
                if o.get("reverse") == Some(&Json::Bool(true)) {
                    numbers.reverse();
                }
                for i in numbers {
                    out.push_str(&line.replace("{i}", &i.to_string()).replace("{prev}", &(i - 1).to_string()));
                }
            }
            other => panic!("unknown part {other}"),
        }
    }
    out
}

fn case_text(case: &Json) -> String {
    match case {
        Json::String(s) => s.clone(),
        Json::Array(_) => build(case),
        other => other.to_string(),
    }
}

struct Run {
    code: Option<i32>,
    stderr: String,
}

fn run(args: &[&str]) -> Run {
    let out = rules().args(args).output().expect("rules runs");
    Run { code: out.status.code(), stderr: String::from_utf8_lossy(&out.stderr).into_owned() }
}

/// An STTR entry's file: the catalogue's head, the entry's rows, the tail.
fn sttr_text(catalogue: &Json, entry: &Json) -> String {
    let file = &catalogue["sttr_file"];
    format!("{}{}{}", file["head"].as_str().expect("head"), build(&entry["dmn"]), file["tail"].as_str().expect("tail"))
}

/// Checks one entry; returns what is wrong, if anything.
fn check_entry(catalogue: &Json, entry: &Json, dir: &Path) -> Result<(), String> {
    let name = entry["name"].as_str().expect("name");
    let expect = &entry["expect"];
    if entry["kind"] == "sttr" {
        let file = dir.join(format!("{name}.dmn"));
        std::fs::write(&file, sttr_text(catalogue, entry)).expect("write STTR file");
        let out = dir.join(format!("{name}.dmn.rules"));
        let r = run(&["import-sttr", &file.to_string_lossy(), "-o", &out.to_string_lossy()]);
        return expect_run(expect, &[r]);
    }
    let ruleset = dir.join(format!("{name}.rules"));
    std::fs::write(&ruleset, build(&entry["ruleset"])).expect("write ruleset");
    let ruleset = ruleset.to_string_lossy().into_owned();
    let case = dir.join(format!("{name}.case.json"));
    let default_case = serde_json::json!({"date": "2025-01-01", "answers": {"h": "3 m"}});
    std::fs::write(&case, case_text(entry.get("case").unwrap_or(&default_case))).expect("write case");
    let case = case.to_string_lossy().into_owned();
    let runs = match entry["kind"].as_str() {
        Some("case") => vec![run(&["eval", &ruleset, "--case", &case])],
        // A ruleset that checks must evaluate too: the checker refuses what cannot run.
        _ if expect["exit"] == 0 => vec![run(&["check", &ruleset]), run(&["eval", &ruleset, "--case", &case])],
        _ => vec![
            run(&["check", &ruleset]),
            run(&["fmt", "--check", &ruleset]),
            run(&["eval", &ruleset, "--case", &case]),
        ],
    };
    expect_run(expect, &runs)
}

/// Whether the runs of one entry ended as expected (the first run's exit and messages count).
fn expect_run(expect: &Json, runs: &[Run]) -> Result<(), String> {
    let first = &runs[0];
    for r in runs {
        if !matches!(r.code, Some(0..=2)) {
            return Err(format!("crashed (exit {:?}): {}", r.code, &r.stderr[..r.stderr.len().min(400)]));
        }
    }
    let wanted_exit = expect["exit"].as_i64().unwrap_or(1) as i32;
    if first.code != Some(wanted_exit) {
        return Err(format!(
            "exit {:?}, expected {wanted_exit}: {}",
            first.code,
            &first.stderr[..first.stderr.len().min(600)]
        ));
    }
    if wanted_exit == 0 && runs.iter().any(|r| r.code != Some(0)) {
        return Err(format!("checks, but does not evaluate: {}", runs[1].stderr));
    }
    if let Some(code) = expect["code"].as_str() {
        let position = match (expect["line"].as_u64(), expect["column"].as_u64()) {
            (Some(l), Some(c)) => format!(":{l}:{c}: error[{code}]"),
            (Some(l), None) => format!(":{l}:"),
            _ => format!("error[{code}]"),
        };
        let header = first.stderr.lines().find(|l| l.contains(&format!("error[{code}]")));
        match header {
            Some(h) if h.contains(&position) => {}
            _ => {
                return Err(format!(
                    "no `{position}` error[{code}] in: {}",
                    &first.stderr[..first.stderr.len().min(600)]
                ))
            }
        }
    }
    for key in ["message", "stderr"] {
        if let Some(text) = expect[key].as_str() {
            if !first.stderr.contains(text) {
                return Err(format!("stderr lacks {text:?}: {}", &first.stderr[..first.stderr.len().min(600)]));
            }
        }
    }
    if let Some(text) = expect["stderr_lacks"].as_str() {
        if let Some(r) = runs.iter().find(|r| r.stderr.contains(text)) {
            return Err(format!("stderr has {text:?}: {}", &r.stderr[..r.stderr.len().min(600)]));
        }
    }
    // Output stays proportionate: no excerpt echoes a whole hostile line.
    if let Some(r) = runs.iter().find(|r| r.stderr.lines().any(|l| l.chars().count() > 400)) {
        return Err(format!(
            "a line of {} characters in the output",
            r.stderr.lines().map(|l| l.chars().count()).max().unwrap_or(0)
        ));
    }
    Ok(())
}

#[test]
fn every_hostile_input_gets_a_located_error_or_a_bounded_result() {
    let catalogue: Json = serde_json::from_str(&rules_tests::read("tests/hostile/catalogue.json")).expect("catalogue");
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), "hostile");
    let mut failures = Vec::new();
    let entries = catalogue["catalogue"].as_array().expect("entries");
    for entry in entries {
        if let Some(reason) = entry["ignore"].as_str() {
            eprintln!("skipped {}: {reason}", entry["name"]);
            continue;
        }
        if let Err(problem) = check_entry(&catalogue, entry, &dir) {
            failures.push(format!("{}: {problem}", entry["name"]));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} hostile inputs failed:\n{}",
        failures.len(),
        entries.len(),
        failures.join("\n")
    );
}

/// `extends` stays inside the root: by default the current folder, so a ruleset run from its own
/// folder cannot reach `..`; `--root` widens it to a project, and `..` out of that is refused.
#[test]
fn extends_stays_inside_the_root() {
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), "hostile-extends");
    let project = dir.join("project");
    std::fs::create_dir_all(project.join("municipal")).expect("folders");
    let base = "ruleset \"Basis\" { authority \"Rijk\" valid from 2024-01-01 }\nquestion h: length \"H?\"\ndecision \"D\" { when h > 1 m -> Vergunningplicht otherwise -> Toestemmingsvrij }\n";
    std::fs::write(dir.join("outside.rules"), base).expect("outside");
    std::fs::write(project.join("base.rules"), base).expect("base");
    let own =
        |extends: &str| format!("ruleset \"G\" {{ authority \"G\" valid from 2025-01-01 extends \"{extends}\" }}\n");
    std::fs::write(project.join("municipal/escape.rules"), own("../../outside.rules")).expect("escape");
    std::fs::write(project.join("municipal/inside.rules"), own("../base.rules")).expect("inside");
    let run_in = |cwd: &Path, args: &[&str]| {
        let out =
            assert_cmd::Command::new(rules_tests::rules_bin()).current_dir(cwd).args(args).output().expect("runs");
        (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
    };
    let municipal = project.join("municipal");
    let (code, stderr) = run_in(&municipal, &["check", "inside.rules"]);
    assert_eq!(code, Some(1), "`..` out of the current folder: {stderr}");
    assert!(stderr.contains("error[E019]") && stderr.contains("is outside"), "{stderr}");
    let (code, stderr) = run_in(&municipal, &["check", "--root", "..", "inside.rules"]);
    assert_eq!(code, Some(0), "{stderr}");
    let (code, stderr) = run_in(&project, &["check", "municipal/inside.rules"]);
    assert_eq!(code, Some(0), "run from the project folder: {stderr}");
    let (code, stderr) = run_in(&project, &["check", "municipal/escape.rules"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert!(stderr.contains("is outside") && !stderr.contains("Basis"), "{stderr}");
    assert!(workspace_root().join("rulesets").is_dir());
}

//! The DMN TCK, compliance level 2: every model loads and at least 95% of the test cases pass
//! (a copy of the suite, Apache-2.0, lives in `tests/dmn-tck`).

use std::path::{Path, PathBuf};

use rules_core::dmn::tck::{self, CaseResult, Status};

fn level2() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("dmn-tck/TestCases/compliance-level-2")
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

/// (models, models that load, all case results)
fn run_level2() -> (usize, usize, Vec<CaseResult>) {
    let dir = level2();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the DMN TCK is expected in {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let (mut models, mut loaded, mut results) = (0, 0, Vec::new());
    for folder in folders {
        let mut files: Vec<PathBuf> =
            std::fs::read_dir(&folder).into_iter().flatten().filter_map(|e| e.ok().map(|e| e.path())).collect();
        files.sort();
        let Some(model) = files.iter().find(|f| f.extension().is_some_and(|e| e == "dmn")) else { continue };
        let tests: Vec<(String, String)> = files
            .iter()
            .filter(|f| f.extension().is_some_and(|e| e == "xml") && f.to_string_lossy().contains("-test-"))
            .map(|f| (f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default(), read(f)))
            .collect();
        let name = format!(
            "compliance-level-2/{}",
            folder.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
        );
        let report = tck::run_folder(&name, &read(model), &tests);
        models += 1;
        if report.model_error.is_none() {
            loaded += 1;
        } else {
            eprintln!("{name} does not load: {:?}", report.model_error);
        }
        results.extend(report.results);
    }
    (models, loaded, results)
}

#[test]
fn all_level_2_models_load_and_at_least_95_percent_pass() {
    let (models, loaded, results) = run_level2();
    assert_eq!(models, 28, "compliance level 2 has 28 models");
    assert_eq!(loaded, 28, "every level-2 model loads");
    let (passed, failed, skipped) = tck::summary(&results);
    for r in results.iter().filter(|r| r.status != Status::Success) {
        eprintln!("{} {}/{} {}: {}", r.status.tck_name(), r.folder, r.file, r.id, r.message);
    }
    let total = passed + failed + skipped;
    assert!(total >= 100, "only {total} test cases found");
    let rate = passed as f64 / total as f64;
    assert!(rate >= 0.95, "{passed} of {total} level-2 test cases pass ({:.1}%)", rate * 100.0);
}

#[test]
fn results_csv_has_the_tck_format() {
    let (_, _, results) = run_level2();
    let first = results.first().expect("results").csv();
    assert_eq!(
        first,
        r#""compliance-level-2/0001-input-data-string","0001-input-data-string-test-01","001","SUCCESS","""#
    );
    // Every line has five quoted fields.
    for r in &results {
        let line = r.csv();
        assert!(line.starts_with('"') && line.ends_with('"'), "{line}");
        assert!(!line.contains('\n'), "{line}");
    }
}

#[test]
fn the_cli_runs_the_suite_and_writes_the_csv() {
    let csv = std::env::temp_dir().join(format!("rules-tck-{}.csv", std::process::id()));
    let out = rules_tests::rules()
        .args(["tck", &level2().to_string_lossy(), "--csv", &csv.to_string_lossy()])
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let last = stdout.lines().last().unwrap_or_default();
    assert!(last.ends_with(" failed, 0 skipped") && last.contains(" passed, "), "{stdout}");
    assert!(stdout.contains("28 of 28 models load"), "{stdout}");
    let written = std::fs::read_to_string(&csv).expect("csv written");
    assert_eq!(
        written.lines().count(),
        stdout.lines().filter(|l| l.starts_with("ok ") || l.starts_with("FAIL") || l.starts_with("skip")).count()
    );
    let _ = std::fs::remove_file(csv);
}

#[test]
fn malformed_models_and_test_files_are_errors_not_panics() {
    let tests = r#"<testCases xmlns="http://www.omg.org/spec/DMN/20160719/testcase"><testCase id="001"><resultNode name="d"/></testCase></testCases>"#;
    for model in ["", "not xml", "<definitions/>"] {
        let report = tck::run_folder("x", model, &[("t".into(), tests.into())]);
        assert!(report.model_error.is_some(), "{model}");
        assert_eq!(report.results[0].status, Status::Error);
    }
    // A model loads per decision: FEEL that does not parse fails the decision that has it.
    let bad_feel = "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\"><decision id=\"d\" name=\"d\"><literalExpression id=\"e\"><text>1 +</text></literalExpression></decision></definitions>";
    let report = tck::run_folder("x", bad_feel, &[("t".into(), tests.into())]);
    assert!(report.model_error.is_none());
    assert!(matches!(report.results[0].status, Status::Error | Status::Failure), "{:?}", report.results[0]);
    assert!(report.results[0].message.contains("element e:"), "{}", report.results[0].message);
    let good = "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\"><decision id=\"d\" name=\"d\"><literalExpression><text>1</text></literalExpression></decision></definitions>";
    let report = tck::run_folder("x", good, &[("t".into(), "<oops".into())]);
    assert_eq!(report.results[0].status, Status::Error);
}

//! What the benches share: a ruleset with its example cases, and a case-file loader that reads
//! each file once, so the measured loops do no I/O.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rules_core::case::{parse_cases, Case};
use rules_core::{compile, Ruleset};
use serde_json::Value as Json;

/// The folder `rulesets/<name>` of the workspace.
pub fn rulesets_dir(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rulesets").join(name)
}

/// `STEM.rules` in `dir`, checked (it must have no errors), and the cases of `STEM.cases.json`.
pub fn ruleset_and_cases(dir: &Path, stem: &str) -> (Ruleset, Vec<Case>) {
    let name = format!("{stem}.rules");
    let text = std::fs::read_to_string(dir.join(&name)).expect("the ruleset");
    let checked = compile(&name, &text);
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name} does not compile: {errors:#?}");
    let rs = checked.ruleset.expect("a ruleset without errors");
    let cases_text = std::fs::read_to_string(dir.join(format!("{stem}.cases.json"))).expect("the cases");
    (rs, parse_cases(&cases_text).expect("valid cases"))
}

/// A case-file loader for files under `dir` that reads every file once; `adapt` may change a
/// file's JSON (by its path) before it is kept.
pub fn cached_loader(
    dir: PathBuf,
    mut adapt: impl FnMut(&str, Json) -> Json,
) -> impl FnMut(&str) -> Result<Json, String> {
    let mut files = HashMap::<String, Json>::new();
    move |path: &str| {
        if let Some(j) = files.get(path) {
            return Ok(j.clone());
        }
        let text = std::fs::read_to_string(dir.join(path)).map_err(|e| format!("{path}: {e}"))?;
        let json = adapt(path, serde_json::from_str(&text).map_err(|e| format!("{path}: {e}"))?);
        files.insert(path.to_string(), json.clone());
        Ok(json)
    }
}

//! A memo (values kept between evaluations of one session, `rules_core::evaluate_with`) never
//! changes an outcome: on every example case of every ruleset under `rulesets/`, with one memo
//! per ruleset shared by all its cases, the outcome with the memo equals the outcome without, traced
//! and untraced, and so does every "irrelevant answer" probe (the case with one answer removed,
//! untraced as a session asks it) and the case again after its probes; `irrelevant_answers` finds
//! exactly the answers whose probe no longer asks for them. A plan dragged over a real parcel gives the same outcome
//! as a fresh evaluation at every step.

use std::path::{Path, PathBuf};

use rules_core::case::{self, Case};
use rules_core::{compile_with, evaluate, evaluate_with, irrelevant_answers, Facts, Memo, Options, Ruleset};
use rules_tests::workspace_root;
use serde_json::{json, Value as Json};

fn compile_file(path: &Path) -> Ruleset {
    let text = std::fs::read_to_string(path).expect("the ruleset");
    let checked = compile_with(&path.display().to_string(), &text, &mut |relative: &str, from: &str| {
        let base = Path::new(from).parent().unwrap_or(Path::new(".")).join(relative);
        let text = std::fs::read_to_string(&base).map_err(|e| format!("{}: {e}", base.display()))?;
        Ok((base.display().to_string(), text))
    });
    checked.ruleset.unwrap_or_else(|| panic!("{}: {:?}", path.display(), checked.diagnostics))
}

fn facts_of(rs: &Ruleset, dir: &Path, c: &Case, label: &str) -> (Facts, Options) {
    let mut load = |p: &str| -> Result<Json, String> {
        let text = std::fs::read_to_string(dir.join(p)).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    case::facts_for(rs, c, label, &mut load).unwrap_or_else(|e| panic!("{label}: {e}"))
}

/// Both ways, the same JSON (errors compared by their message).
fn same(rs: &Ruleset, facts: &Facts, options: &Options, memo: &mut Memo, what: &str) {
    let plain = evaluate(rs, facts, options).map(|o| o.to_json()).map_err(|e| e.to_string());
    let kept = evaluate_with(rs, facts, options, memo).map(|o| o.to_json()).map_err(|e| e.to_string());
    assert_eq!(plain, kept, "{what}: the memo changed the outcome");
}

/// Every `*.cases.json` under `rulesets/` with the `.rules` file it tests.
fn case_files() -> Vec<(PathBuf, PathBuf)> {
    let mut out = Vec::new();
    let root = workspace_root().join("rulesets");
    let mut dirs = vec![root];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("a folder").flatten() {
            let path = entry.path();
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
            if path.is_dir() {
                dirs.push(path);
            } else if let Some(stem) = name.strip_suffix(".map.cases.json").or(name.strip_suffix(".cases.json")) {
                let rules = dir.join(format!("{stem}.rules"));
                if rules.exists() {
                    out.push((rules, path));
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn a_memo_never_changes_an_outcome_on_any_example_case() {
    let files = case_files();
    assert!(files.len() >= 20, "found only {} case files", files.len());
    let mut evaluated = 0;
    for (rules, cases) in files {
        let rs = compile_file(&rules);
        let dir = cases.parent().expect("a folder");
        let all = case::parse_cases(&std::fs::read_to_string(&cases).expect("cases")).expect("valid cases");
        let mut memo = Memo::new(&rs);
        for (n, c) in all.iter().enumerate() {
            if c.expect.as_ref().and_then(|x| x.get("error")).is_some() {
                continue;
            }
            let label = format!("{} case {}", cases.display(), c.label(n));
            let (facts, options) = facts_of(&rs, dir, c, &label);
            let traced = Options { trace: true, ..options.clone() };
            same(&rs, &facts, &traced, &mut memo, &label);
            // The probes as a session asks them: untraced.
            {
                let options = Options { trace: false, ..options.clone() };
                same(&rs, &facts, &options, &mut memo, &label);
                let mut irrelevant = Vec::new();
                for (i, input) in rs.inputs.iter().enumerate() {
                    if facts.value(i).is_none() {
                        continue;
                    }
                    let mut probe = facts.clone();
                    probe.unanswer(&rs, &input.name).expect("an input");
                    same(&rs, &probe, &options, &mut memo, &format!("{label} without {}", input.name));
                    let outcome = evaluate(&rs, &probe, &options).expect("an outcome");
                    if !outcome.needed.iter().any(|n| n.input == input.name) {
                        irrelevant.push(i);
                    }
                    evaluated += 1;
                }
                let found = irrelevant_answers(&rs, &facts, &options, &mut memo).expect("the probes");
                assert_eq!(found, irrelevant, "{label}: irrelevant answers");
                same(&rs, &facts, &traced, &mut memo, &format!("{label} after its probes"));
            }
        }
    }
    assert!(evaluated > 500, "only {evaluated} probes");
}

#[test]
fn a_dragged_plan_gives_a_fresh_outcome_at_every_step() {
    let root = workspace_root();
    let rs = compile_file(&root.join("rulesets/bruidsschat/bijbehorend-bouwwerk.rules"));
    let read = |p: &str| -> Json {
        serde_json::from_str(&std::fs::read_to_string(root.join(p)).expect("data")).expect("JSON")
    };
    let mut facts = Facts::new(&rs);
    facts.bind_layer(&rs, "public_space", &read("data/geo/otterlo_bgt_wegdeel.geojson")).expect("layer");
    facts.bind_layer(&rs, "buildings", &read("data/geo/otterlo_bgt_pand.geojson")).expect("layer");
    facts.bind_layer(&rs, "trees", &read("data/geo/otterlo_bgt_vegetatieobject.geojson")).expect("layer");
    let parcels = read("data/geo/otterlo_brk_perceel.geojson");
    let parcel = parcels["features"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["properties"]["kadastraleAanduiding"] == "OTL02 B 2626"))
        .expect("parcel OTL02 B 2626")["geometry"]
        .clone();
    let answers = json!({ "parcel": parcel, "monument": "geen monument", "special_building": false,
        "own_dwelling": false, "on_ground": true, "stadsgezicht": false, "main_is_original": true, "height": "3 m",
        "roof_shape": "plat", "roof_use": "geen", "upper_living": false, "main_height": "8 m", "has_upper_floor": true,
        "upper_floor_level": "2.7 m", "existing_unmapped": "0 m2", "welstandsvrij": "nee", "inner_wall": false });
    for (name, value) in answers.as_object().expect("answers") {
        facts.answer(&rs, name, value).expect("an answer");
    }
    let options = Options { date: rules_core::syntax::parse_date("2025-06-01"), trace: true, decisions: None };
    let mut memo = Memo::new(&rs);
    let mut conclusions = std::collections::BTreeSet::new();
    for i in 0..35 {
        // Over the rear yard, the side of the house, the road and the parcel line.
        let x = 181159.082 + (i % 7) as f64 * 1.5 - 6.0;
        let y = 456453.946 + (i % 5) as f64 * 2.5 - 10.0;
        let plan = json!({"type": "Polygon", "coordinates": [[[x, y], [x + 4.0, y], [x + 4.0, y + 3.0], [x, y + 3.0], [x, y]]]});
        facts.answer(&rs, "plan", &plan).expect("the plan");
        same(&rs, &facts, &options, &mut memo, &format!("plan {i}"));
        let outcome = evaluate_with(&rs, &facts, &options, &mut memo).expect("an outcome");
        conclusions.insert(outcome.decisions[0].outcome.to_string());
        if i % 5 == 0 {
            // The main building drawn by hand for a while, then the map's again.
            facts.answer(&rs, "main_is_original", &json!(i % 10 == 0)).expect("an answer");
        }
    }
    // The drag crosses the lines that matter: more than one conclusion was reached.
    assert!(conclusions.len() >= 2, "{conclusions:?}");
}

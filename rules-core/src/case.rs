//! Example cases: a JSON file of answers, geometry and layers with the expected outcome.
//! `rules test`, the integration tests and the WASM tests all read the same case files.
//!
//! ```json
//! {"name": "low shed", "date": "2025-01-01",
//!  "answers": {"height": "3.2 m", "on_ground": true},
//!  "geometry": {"parcel": {"file": "../../data/geo/otterlo_brk_perceel.geojson", "feature": "84920229870000"}},
//!  "layers": {"public_space": "../../data/geo/otterlo_bgt_wegdeel.geojson"},
//!  "expect": {"Conclusie": "Toestemmingsvrij", "checks": {"Maximale oppervlakte": "pass"}, "next": null}}
//! ```
//!
//! Files are read by the host through a loader closure: this module does no I/O itself.

use serde::Deserialize;
use serde_json::{Map, Value as Json};
use thiserror::Error;

use crate::eval::{EvalError, FactError, Facts, Options, Outcome};
use crate::syntax::parse_date;
use crate::Ruleset;

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Case {
    #[serde(default)]
    pub name: Option<String>,
    /// The ruleset file, relative to the case file (default: the `.rules` file of the same stem).
    #[serde(default)]
    pub ruleset: Option<String>,
    #[serde(default)]
    pub date: Option<String>,
    #[serde(default)]
    pub answers: Map<String, Json>,
    /// GeoJSON for spatial inputs, inline or `{"file": "...", "feature": "id"}`.
    #[serde(default)]
    pub geometry: Map<String, Json>,
    /// FeatureCollections for layers: inline, a file path, or `{"file": "..."}`.
    #[serde(default)]
    pub layers: Map<String, Json>,
    #[serde(default)]
    pub expect: Option<Map<String, Json>>,
    /// Free text for people reading the case file.
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Error, Clone, PartialEq)]
pub enum CaseError {
    #[error("not a valid case file: {0}")]
    Json(String),
    #[error("case {case}: `date` must be YYYY-MM-DD, got \"{date}\"")]
    Date { case: String, date: String },
    #[error("case {case}: {source}")]
    Fact { case: String, source: FactError },
    #[error("case {case}: {message}")]
    Reference { case: String, message: String },
}

impl Case {
    /// The case's name, or its position in the file.
    pub fn label(&self, index: usize) -> String {
        self.name.clone().unwrap_or_else(|| format!("#{}", index + 1))
    }
}

/// Read one case (an object) or several (an array).
pub fn parse_cases(text: &str) -> Result<Vec<Case>, CaseError> {
    if let Some(message) = crate::json::too_large("the case file", text.len(), crate::json::MAX_BYTES) {
        return Err(CaseError::Json(message));
    }
    let json = crate::json::parse_strict(text).map_err(CaseError::Json)?;
    let items = match json {
        Json::Array(items) => items,
        other => vec![other],
    };
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_json::from_value::<Case>(item).map_err(|e| CaseError::Json(format!("case #{}: {e}", i + 1)))
        })
        .collect()
}

/// Loads a JSON file named in a case (path as written, relative to the case file).
pub type Loader<'a> = dyn FnMut(&str) -> Result<Json, String> + 'a;

/// Turn a case into facts and evaluation options.
pub fn facts_for(rs: &Ruleset, case: &Case, label: &str, load: &mut Loader) -> Result<(Facts, Options), CaseError> {
    let fact = |source: FactError| CaseError::Fact { case: label.to_string(), source };
    let reference = |message: String| CaseError::Reference { case: label.to_string(), message };
    let date = match &case.date {
        Some(d) => Some(parse_date(d).ok_or_else(|| CaseError::Date { case: label.into(), date: d.clone() })?),
        None => None,
    };
    let mut facts = Facts::new(rs);
    for (name, answer) in &case.answers {
        facts.answer(rs, name, answer).map_err(fact)?;
    }
    for (name, geometry) in &case.geometry {
        let geojson = resolve_geometry(geometry, load).map_err(reference)?;
        facts.answer(rs, name, &geojson).map_err(fact)?;
    }
    for (name, layer) in &case.layers {
        let collection = match layer {
            Json::String(path) => load(path).map_err(reference)?,
            Json::Object(o) if o.contains_key("file") => {
                let path =
                    o.get("file").and_then(Json::as_str).ok_or_else(|| reference("`file` must be a path".into()))?;
                load(path).map_err(reference)?
            }
            other => other.clone(),
        };
        facts.bind_layer(rs, name, &collection).map_err(fact)?;
    }
    Ok((facts, Options { date, trace: true, decisions: None }))
}

/// `{"file": "...", "feature": "id"}` -> that feature of the file; anything else as it is.
fn resolve_geometry(g: &Json, load: &mut Loader) -> Result<Json, String> {
    let Some(path) = g.get("file").and_then(Json::as_str) else { return Ok(g.clone()) };
    let collection = load(path)?;
    let Some(wanted) = g.get("feature") else { return Ok(collection) };
    let wanted = match wanted {
        Json::String(s) => s.clone(),
        other => other.to_string(),
    };
    let features = collection
        .get("features")
        .and_then(Json::as_array)
        .ok_or_else(|| format!("{path} is not a FeatureCollection"))?;
    features
        .iter()
        .find(|f| {
            let id = f.get("id").map(|v| v.as_str().map(String::from).unwrap_or_else(|| v.to_string()));
            let props = f.get("properties");
            let prop = |k: &str| props.and_then(|p| p.get(k)).and_then(Json::as_str).map(String::from);
            [id, prop("identificatie"), prop("lokaalID"), prop("kadastraleAanduiding")]
                .into_iter()
                .flatten()
                .any(|v| v == wanted)
        })
        .cloned()
        .ok_or_else(|| format!("{path} has no feature \"{wanted}\""))
}

/// Compare an evaluation with the case's `expect`. Returns one line per mismatch.
pub fn verify(case: &Case, result: &Result<Outcome, EvalError>) -> Vec<String> {
    let Some(expect) = &case.expect else { return Vec::new() };
    let mut problems = Vec::new();
    let outcome = match result {
        Err(e) => {
            match expect.get("error").and_then(Json::as_str) {
                Some(code) if code == e.code => {}
                Some(code) => problems.push(format!("expected error {code}, got {}: {}", e.code, e.message)),
                None => problems.push(format!("evaluation failed: {}: {}", e.code, e.message)),
            }
            return problems;
        }
        Ok(o) => o,
    };
    for (key, want) in expect {
        match key.as_str() {
            "error" => problems.push(format!("expected error {want}, but the evaluation succeeded")),
            "checks" => {
                let Some(wanted) = want.as_object() else {
                    problems.push("`checks` must be an object of check name -> status".into());
                    continue;
                };
                for (name, want) in wanted {
                    let Some(c) = outcome.checks.iter().find(|c| &c.name == name) else {
                        problems.push(format!("no check \"{name}\""));
                        continue;
                    };
                    let (status, fields) = match want {
                        Json::String(s) => (Some(s.as_str()), None),
                        Json::Object(o) => (o.get("status").and_then(Json::as_str), Some(o)),
                        _ => (None, None),
                    };
                    if let Some(s) = status {
                        if s != c.status.name() {
                            problems.push(format!(
                                "check \"{name}\": expected {s}, got {}{}",
                                c.status.name(),
                                measured(c)
                            ));
                        }
                    }
                    for (field, got) in [("measured", &c.measured), ("limit", &c.limit)] {
                        if let Some(w) = fields.and_then(|o| o.get(field)).and_then(Json::as_str) {
                            if !got.as_deref().is_some_and(|g| same_shown_quantity(w, g)) {
                                problems.push(format!(
                                    "check \"{name}\": expected {field} {w}, got {}",
                                    got.as_deref().unwrap_or("nothing")
                                ));
                            }
                        }
                    }
                }
            }
            "needed" => {
                let got: Vec<&str> = outcome.needed.iter().map(|n| n.input.as_str()).collect();
                let wanted: Vec<&str> =
                    want.as_array().map(|a| a.iter().filter_map(Json::as_str).collect()).unwrap_or_default();
                if got != wanted {
                    problems.push(format!("expected needed {wanted:?}, got {got:?}"));
                }
            }
            "next" => {
                let got = outcome.needed.first().map(|n| n.input.as_str());
                if got != want.as_str() {
                    problems.push(format!("expected next question {want}, got {}", got.unwrap_or("none")));
                }
            }
            "because" => {
                for (name, text) in want.as_object().into_iter().flatten() {
                    let got = outcome.decisions.iter().find(|d| &d.name == name).and_then(|d| d.because.as_deref());
                    let text = text.as_str().unwrap_or_default();
                    if !got.is_some_and(|g| g.contains(text)) {
                        problems
                            .push(format!("decision \"{name}\": expected because containing \"{text}\", got {got:?}"));
                    }
                }
            }
            name => {
                let Some(d) = outcome.decisions.iter().find(|d| d.name == name) else {
                    problems.push(format!("no decision \"{name}\""));
                    continue;
                };
                let unknown = d.status == crate::eval::DecisionStatus::Unknown;
                let matches = match want.as_str() {
                    Some("unknown") => unknown,
                    _ => !unknown && same_json(want, &d.outcome),
                };
                if !matches {
                    let got = if unknown {
                        format!("unknown (needs {})", d.needed.join(", "))
                    } else {
                        d.outcome.to_string()
                    };
                    problems.push(format!("decision \"{name}\": expected {want}, got {got}"));
                }
            }
        }
    }
    problems
}

fn measured(c: &crate::eval::CheckOutcome) -> String {
    match (&c.measured, &c.limit) {
        (Some(m), Some(l)) => format!(" ({m}, limit {l})"),
        _ => String::new(),
    }
}

/// Equal as outcome values: numbers and quantity strings within half a millimetre.
fn same_json(want: &Json, got: &Json) -> bool {
    match (want, got) {
        (Json::Number(a), Json::Number(b)) => match (a.as_f64(), b.as_f64()) {
            (Some(a), Some(b)) => (a - b).abs() <= 0.0005,
            _ => false,
        },
        (Json::String(a), Json::String(b)) => {
            a == b
                || match (split_quantity(a), split_quantity(b)) {
                    (Some((x, u)), Some((y, v))) => u == v && (x - y).abs() <= 0.0005,
                    _ => false,
                }
        }
        (Json::Array(a), Json::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_json(x, y)),
        (a, b) => a == b,
    }
}

/// Equal as shown quantities (`"17,69 m"` vs `"17,687 m"`): the expected text is written to the
/// precision its author cares about, so it matches within half a unit of its last decimal.
fn same_shown_quantity(want: &str, got: &str) -> bool {
    if want == got {
        return true;
    }
    match (dutch_quantity(want), dutch_quantity(got)) {
        (Some((w, decimals, unit)), Some((g, _, other))) => {
            unit == other && (w - g).abs() <= 0.5 * 10f64.powi(-(decimals as i32)) + 1e-12
        }
        _ => false,
    }
}

/// `"<= 1.234,5 m²"` -> (1234.5, 1 decimal, "<= m²").
fn dutch_quantity(s: &str) -> Option<(f64, usize, String)> {
    let start = s.find(|c: char| c.is_ascii_digit() || c == '-')?;
    let len =
        s[start..].find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-')).unwrap_or(s.len() - start);
    let number = &s[start..start + len];
    let decimals = number.split_once(',').map(|(_, d)| d.len()).unwrap_or(0);
    let value = crate::value::parse_decimal(&number.replace('.', "").replace(',', "."))?;
    let rest = format!("{}{}", s[..start].trim(), s[start + len..].trim());
    Some((value, decimals, rest))
}

fn split_quantity(s: &str) -> Option<(f64, &str)> {
    let split = s.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-'))?;
    let (n, unit) = s.split_at(split);
    Some((crate::value::parse_decimal(n)?, unit.trim()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_one_case_or_many_and_rejects_typos() {
        assert_eq!(parse_cases(r#"{"answers": {"a": 1}}"#).map(|c| c.len()), Ok(1));
        assert_eq!(parse_cases(r#"[{}, {"name": "x"}]"#).map(|c| c.len()), Ok(2));
        let err = parse_cases(r#"{"answer": {}}"#).expect_err("typo");
        assert!(err.to_string().contains("unknown field `answer`"), "{err}");
    }

    #[test]
    fn shown_quantities_match_to_the_written_precision() {
        assert!(same_shown_quantity("17,69 m", "17,687 m"));
        assert!(!same_shown_quantity("17,69 m", "17,68 m"));
        assert!(same_shown_quantity("<= 150 m²", "<= 150 m²"));
        assert!(same_shown_quantity("1.234,5 m²", "1.234,46 m²"));
        assert!(!same_shown_quantity("5 m", "5 m²"));
        assert!(!same_shown_quantity("> 1 m", "< 1 m"));
    }

    #[test]
    fn quantities_compare_within_half_a_millimetre() {
        assert!(same_json(&json!("62.5 m2"), &json!("62.5002 m2")));
        assert!(!same_json(&json!("62.5 m2"), &json!("62.51 m2")));
        assert!(!same_json(&json!("62.5 m2"), &json!("62.5 m")));
        assert!(same_json(&json!(3), &json!(3.0)));
    }
}

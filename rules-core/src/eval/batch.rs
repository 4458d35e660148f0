//! A ruleset for every parcel of a parcel layer: one row per parcel with the conclusion, the
//! branch that decided it and the questions still open. The CLI's `rules batch` runs
//! [`parcel_row`] over all parcels in parallel; this module holds what one parcel needs.
//!
//! A row is about the decisions: the checks (and the geometry they show) are not evaluated,
//! unless the ruleset has no decisions.
//!
//! Per parcel the facts are the shared base (answers given for all, layers bound), plus:
//! - the parcel as the input named `parcel_input` (default `parcel`);
//! - what the ruleset derives itself (`input main_building ... from largest(buildings, parcel)`);
//! - optionally a plan: a `width` x `depth` m rectangle centred on a point inside the parcel, a
//!   standard building put on every parcel (where is a 4 x 3 m shed allowed without a permit?).

use geo::InteriorPoint;
use serde::Serialize;

use super::{evaluate_decisions, EvalError, Facts, Options};
use crate::check::Ruleset;
use crate::spatial::{Feature, Geometry};

/// What to give each parcel besides the base facts.
#[derive(Debug, Clone, Default)]
pub struct ParcelSetup {
    /// The area input the parcel goes to (`parcel` when empty).
    pub parcel_input: String,
    /// `(input, width, depth)`: a rectangle of that size in m centred on a point inside the parcel.
    pub plan: Option<(String, f64, f64)>,
}

/// The outcome for one parcel.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParcelRow {
    /// The parcel's feature id.
    pub id: String,
    /// `kadastraleAanduiding`, when the data has it.
    #[serde(rename = "kadastraleAanduiding", skip_serializing_if = "Option::is_none")]
    pub kadastrale_aanduiding: Option<String>,
    /// The first decision's conclusion (`Vergunningplicht`), `unknown` while questions are
    /// open, or `error` when the evaluation failed.
    pub conclusion: String,
    /// The branch or table rule that decided it (`when height > 5 m`, `rule 3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub branch: Option<String>,
    /// The line of that branch in the ruleset.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The inputs still needed, in asking order.
    pub open: Vec<String>,
    /// The error (code and message) when the evaluation failed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Evaluates the ruleset for one parcel (see the [module docs](self)).
///
/// ```
/// use rules_core::eval::batch::{parcel_row, ParcelSetup};
/// use rules_core::spatial::{parse_features, GeomKind};
/// use rules_core::{compile, Facts};
///
/// let rs = compile("x.rules", r#"ruleset "Groot" { authority "Gemeente" }
/// input parcel: area "Uw perceel"
/// question height: length "Hoe hoog?"
/// decision "Conclusie" {
///   when area(parcel) > 500 m2 -> Vergunningplicht
///   when height > 5 m -> Vergunningplicht
///   otherwise -> Toestemmingsvrij
/// }"#).ruleset.unwrap();
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/otterlo_brk_perceel.geojson")).unwrap();
/// let parcels = parse_features(&serde_json::from_str(&text).unwrap(), GeomKind::Area).unwrap();
/// let rows: Vec<_> = parcels.iter().map(|p| parcel_row(&rs, &Facts::new(&rs), &ParcelSetup::default(), p)).collect();
/// let big = rows.iter().find(|r| r.kadastrale_aanduiding.as_deref() == Some("OTL02 B 2626")).unwrap();
/// assert_eq!((big.conclusion.as_str(), big.branch.as_deref()), ("Vergunningplicht", Some("when area(parcel) > 500 m2")));
/// let small = rows.iter().find(|r| r.kadastrale_aanduiding.as_deref() == Some("OTL02 B 2351")).unwrap();
/// assert_eq!((small.conclusion.as_str(), small.open.clone()), ("unknown", vec!["height".to_string()]));
/// ```
pub fn parcel_row(rs: &Ruleset, base: &Facts, setup: &ParcelSetup, parcel: &Feature) -> ParcelRow {
    let mut row = ParcelRow {
        id: parcel.id.clone(),
        kadastrale_aanduiding: parcel.properties.get("kadastraleAanduiding").and_then(|v| v.as_str()).map(String::from),
        conclusion: "error".into(),
        branch: None,
        line: None,
        open: Vec::new(),
        error: None,
    };
    match outcome_for(rs, base, setup, &parcel.geometry) {
        Ok(outcome) => {
            if let Some(d) = outcome.decisions.first() {
                row.conclusion = d.outcome.as_str().map(String::from).unwrap_or_else(|| match &d.outcome {
                    serde_json::Value::Null => "unknown".into(),
                    other => other.to_string(),
                });
                if d.status == super::DecisionStatus::Decided {
                    if let Some(step) = d.trace.iter().rev().find(|s| s.result == "true") {
                        row.branch = Some(step.step.clone());
                        row.line = Some(step.line);
                    }
                }
            }
            row.open = outcome.needed.into_iter().map(|n| n.input).collect();
        }
        Err(e) => row.error = Some(e),
    }
    row
}

fn outcome_for(rs: &Ruleset, base: &Facts, setup: &ParcelSetup, parcel: &Geometry) -> Result<super::Outcome, String> {
    let mut facts = base.clone();
    let input = if setup.parcel_input.is_empty() { "parcel" } else { setup.parcel_input.as_str() };
    facts.set_geometry(rs, input, parcel.clone()).map_err(|e| e.to_string())?;
    if let Some((input, width, depth)) = &setup.plan {
        if let Some(centre) = parcel.interior_point() {
            let (w, d) = (width / 2.0, depth / 2.0);
            let (x, y) = (centre.x(), centre.y());
            let ring = vec![(x - w, y - d), (x + w, y - d), (x + w, y + d), (x - w, y + d), (x - w, y - d)];
            let rect = geo::Polygon::new(geo::LineString::from(ring), vec![]);
            facts.set_geometry(rs, input, Geometry::Polygon(rect)).map_err(|e| e.to_string())?;
        }
    }
    let options = Options { trace: true, ..Options::default() };
    evaluate_decisions(rs, &facts, &options).map_err(|e: EvalError| format!("{}: {}", e.code, e.message))
}

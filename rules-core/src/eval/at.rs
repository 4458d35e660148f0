//! Stip op de kaart: what the `at` rules say about one point on the map.

use serde::Serialize;

use super::facts::{attribute_value, Facts};
use crate::check::Ruleset;
use crate::spatial::{self, Geometry};
use crate::value::Type;

/// One text that applies at the point, from one feature of one layer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AtHit {
    pub ruleset: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    pub title: String,
    pub text: String,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub layer: String,
    pub feature: String,
    /// Distance from the point to the feature in metres (0 when the point is inside it).
    pub distance: f64,
}

/// Every `at` rule's text for each feature of its layer that contains `point` (or, with
/// `within`, lies within that radius). Layers that were not bound are skipped.
pub fn at_point(rs: &Ruleset, facts: &Facts, x: f64, y: f64) -> Vec<AtHit> {
    let point = Geometry::Point(geo::Point::new(x, y));
    let mut hits = Vec::new();
    for rule in &rs.at_rules {
        let Some(layer) = facts.layer(rule.layer) else { continue };
        let decl = &rs.layers[rule.layer];
        for f in &layer.features {
            let distance = spatial::distance(&point, &f.geometry);
            let applies = match rule.radius {
                Some(r) => distance <= r + 1e-9,
                None => distance == 0.0,
            };
            if !applies {
                continue;
            }
            hits.push(AtHit {
                ruleset: rs.meta.name.clone(),
                authority: rs.meta.authority.clone(),
                title: rule.title.clone(),
                text: fill_attributes(&rule.text, &f.properties, &decl.attributes),
                reference: rule.reference.clone(),
                layer: decl.name.clone(),
                feature: f.id.clone(),
                distance: (distance * 1000.0).round() / 1000.0,
            });
        }
    }
    hits
}

fn fill_attributes(text: &str, properties: &serde_json::Map<String, serde_json::Value>, schema: &[(String, Type)]) -> String {
    let mut out = text.to_string();
    for (name, ty) in schema {
        let hole = format!("{{{name}}}");
        if !out.contains(&hole) {
            continue;
        }
        let shown = properties
            .get(name)
            .and_then(|v| attribute_value(v, ty).ok())
            .map(|v| v.to_dutch())
            .unwrap_or_else(|| "(onbekend)".into());
        out = out.replace(&hole, &shown);
    }
    out
}

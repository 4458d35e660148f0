//! Stip op de kaart: what the loaded rulesets say about one point on the map.
//!
//! Two levels:
//! - [`at_point`]: the `at` rules of one ruleset that apply at a point (RD New), found through
//!   each layer's R-tree index, never by scanning all features;
//! - [`map_report`]: the whole answer for a click: the parcel under the point (from a
//!   [`ParcelLayer`]), and per ruleset its `at` texts and the outcome of its decisions that the
//!   location alone decides.
//!
//! How the location-dependent outcome is found: each ruleset is evaluated with only what the
//! map knows: its bound layers, and, when the ruleset declares them, the input `parcel` (an
//! area: the parcel under the point) and the input `point` or `location` (a point: the click).
//! Everything else is unknown. Thanks to three-valued evaluation, a decision the location
//! alone settles (say: "in a monument zone a permit is always needed") comes out decided; the
//! others are reported as still depending on the inputs they list, which is what the widget
//! asks next.

use serde::Serialize;
use serde_json::Value as Json;
use thiserror::Error;

use super::facts::{attribute_value, Facts};
use super::{evaluate, DecisionStatus, EvalError, Options};
use crate::check::Ruleset;
use crate::spatial::crs::{self, Crs};
use crate::spatial::{self, FeatureError, GeomKind, IndexedLayer};
use crate::value::Type;

/// One text that applies at the point, from one feature of one layer.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct AtHit {
    pub ruleset: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    pub title: String,
    pub text: String,
    /// Why the rule exists ("bedoeling"), for the details under the one-line summary.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    pub layer: String,
    pub feature: String,
    /// Distance from the point to the feature in metres (0 when the point is inside it).
    pub distance: f64,
}

/// Every `at` rule's text for each feature of its layer that contains the point `(x, y)` (RD
/// New metres; boundary included) or, with `within`, lies within that radius. Layers that were
/// not bound are skipped. The features are found through the layer's R-tree index.
///
/// ```
/// use rules_core::{at_point, compile, Facts};
/// use serde_json::json;
///
/// let rs = compile("x.rules", r#"ruleset "Bomen" { authority "Gemeente" }
/// layer trees: point "Bomen" { soort: text }
/// at trees within 5 m "Boom" { "Hier staat een {soort}." }"#).ruleset.unwrap();
/// let mut facts = Facts::new(&rs);
/// facts.bind_layer(&rs, "trees", &json!({"type": "FeatureCollection", "features": [
///     {"type": "Feature", "id": "b1", "properties": {"soort": "eik"},
///      "geometry": {"type": "Point", "coordinates": [181190, 456636]}}]})).unwrap();
/// let hits = at_point(&rs, &facts, 181_193.0, 456_640.0);
/// assert_eq!(hits[0].text, "Hier staat een eik.");
/// assert_eq!(hits[0].distance, 5.0);
/// assert!(at_point(&rs, &facts, 181_200.0, 456_640.0).is_empty());
/// ```
pub fn at_point(rs: &Ruleset, facts: &Facts, x: f64, y: f64) -> Vec<AtHit> {
    let mut hits = Vec::new();
    for rule in &rs.at_rules {
        let Some(layer) = facts.layer(rule.layer) else { continue };
        let decl = &rs.layers[rule.layer];
        for (f, distance) in layer.at(x, y, rule.radius.unwrap_or(0.0)) {
            hits.push(AtHit {
                ruleset: rs.meta.name.clone(),
                authority: rs.meta.authority.clone(),
                title: rule.title.clone(),
                text: fill_attributes(&rule.text, &f.properties, &decl.attributes),
                intent: rule.intent.clone(),
                reference: rule.reference.clone(),
                layer: decl.name.clone(),
                feature: f.id.clone(),
                distance: (distance * 1000.0).round() / 1000.0,
            });
        }
    }
    hits
}

fn fill_attributes(
    text: &str,
    properties: &serde_json::Map<String, serde_json::Value>,
    schema: &[(String, Type)],
) -> String {
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

/// The cadastral parcels (BRK), indexed, for finding the parcel under a click.
#[derive(Debug, Clone, Default)]
pub struct ParcelLayer {
    layer: IndexedLayer,
}

/// The parcel under the point: what the widget needs to go on (draw it, use it as `parcel`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct ParcelInfo {
    /// The feature id (BRK `identificatie`).
    pub id: String,
    /// `kadastraleAanduiding`, e.g. `OTL02 B 2626`, when the data has it.
    #[serde(rename = "kadastraleAanduiding", skip_serializing_if = "Option::is_none")]
    pub kadastrale_aanduiding: Option<String>,
    /// Area computed from the geometry, m², rounded to 0.01.
    pub area: f64,
    /// Registered size (`kadastraleGrootteWaarde`), m², when the data has it.
    #[serde(rename = "registeredArea", skip_serializing_if = "Option::is_none")]
    pub registered_area: Option<f64>,
    /// The outline as GeoJSON, in the coordinate system of the query.
    pub geometry: Json,
}

impl ParcelLayer {
    /// Reads a parcel FeatureCollection (its `crs` member, else `crs`, says the system).
    pub fn from_geojson(collection: &Json, crs: Crs) -> Result<ParcelLayer, FeatureError> {
        let features = spatial::parse_features_in(collection, GeomKind::Area, crs)?;
        Ok(ParcelLayer { layer: IndexedLayer::new(features) })
    }

    /// Number of parcels.
    pub fn len(&self) -> usize {
        self.layer.features().len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.layer.features().is_empty()
    }

    /// The parcel containing `(x, y)` (RD New) with its geometry in RD New; on a shared boundary,
    /// the first in the file.
    ///
    /// ```
    /// use rules_core::eval::at::ParcelLayer;
    /// use rules_core::spatial::crs::Crs;
    ///
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/otterlo_brk_perceel.geojson")).unwrap();
    /// let parcels = ParcelLayer::from_geojson(&serde_json::from_str(&text).unwrap(), Crs::RdNew).unwrap();
    /// let (info, _) = parcels.parcel_at(181_160.0, 456_460.0, Crs::RdNew).unwrap();
    /// assert_eq!(info.kadastrale_aanduiding.as_deref(), Some("OTL02 B 2626"));
    /// assert_eq!(info.area, 964.66);
    /// ```
    pub fn parcel_at(&self, x: f64, y: f64, output: Crs) -> Option<(ParcelInfo, &spatial::Geometry)> {
        let (f, _) = self.layer.at(x, y, 0.0).into_iter().next()?;
        let text = |k: &str| f.properties.get(k).and_then(Json::as_str).map(String::from);
        let info = ParcelInfo {
            id: f.id.clone(),
            kadastrale_aanduiding: text("kadastraleAanduiding"),
            area: (spatial::area(&f.geometry) * 100.0).round() / 100.0,
            registered_area: f.properties.get("kadastraleGrootteWaarde").and_then(Json::as_f64),
            geometry: spatial::to_geojson_in(&f.geometry, output),
        };
        Some((info, &f.geometry))
    }
}

/// The clicked point in both systems.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapPoint {
    /// RD New x (m).
    pub x: f64,
    /// RD New y (m).
    pub y: f64,
    /// WGS84 longitude (degrees).
    pub lon: f64,
    /// WGS84 latitude (degrees).
    pub lat: f64,
}

/// A decision of a ruleset as far as the location decides it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LocationDecision {
    pub name: String,
    pub status: DecisionStatus,
    /// The conclusion when decided (`"Vergunningplicht"`), else null.
    pub outcome: Json,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// When not decided: the inputs it still needs, in asking order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed: Vec<String>,
}

/// What one ruleset says at the point.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RulesetAt {
    pub ruleset: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    /// The activity (werkzaamheid) the ruleset decides, when its header names one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    /// The `at` texts that apply here.
    pub rules: Vec<AtHit>,
    /// Its decisions, evaluated with only the location as facts.
    pub decisions: Vec<LocationDecision>,
    /// A runtime error of that evaluation (code and message), when there was one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// Stip op de kaart for one click.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct MapReport {
    pub point: MapPoint,
    /// The parcel under the point, when a parcel layer was given and one contains it.
    pub parcel: Option<ParcelInfo>,
    /// One entry per ruleset, in the order given, so rules come grouped by authority.
    pub rulesets: Vec<RulesetAt>,
}

/// Why a point could not be looked up.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum AtError {
    /// The point cannot be converted or lies outside RD New.
    #[error("the point: {0}")]
    Point(#[source] spatial::GeometryError),
}

/// Stip op de kaart: the parcel under the point, and per ruleset the `at` texts that apply and
/// the decisions the location alone decides (see the [module docs](self)). `(x, y)` is in
/// `crs`, which is also the system of the returned parcel geometry. Each ruleset comes with its
/// base facts (its layers bound).
///
/// ```
/// use rules_core::eval::at::{map_report, ParcelLayer};
/// use rules_core::spatial::crs::Crs;
/// use rules_core::{compile, Facts, Options};
/// use serde_json::json;
///
/// let rs = compile("x.rules", r#"ruleset "Monumenten" { authority "Gemeente Voorbeeld" activity "Bouwen" }
/// input parcel: area "Uw perceel"
/// question height: length "Hoe hoog?"
/// let big = area(parcel) > 500 m2
/// decision "Conclusie" {
///   when big -> Vergunningplicht because "Groot perceel."
///   when height > 5 m -> Vergunningplicht
///   otherwise -> Toestemmingsvrij
/// }"#).ruleset.unwrap();
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/otterlo_brk_perceel.geojson")).unwrap();
/// let parcels = ParcelLayer::from_geojson(&serde_json::from_str(&text).unwrap(), Crs::RdNew).unwrap();
/// let facts = Facts::new(&rs);
///
/// // A click on OTL02 B 2626 (964,66 m²): the parcel alone decides.
/// let report = map_report(&[(&rs, &facts)], Some(&parcels), 181_160.0, 456_460.0, Crs::RdNew, &Options::default()).unwrap();
/// assert_eq!(report.parcel.as_ref().unwrap().kadastrale_aanduiding.as_deref(), Some("OTL02 B 2626"));
/// assert_eq!(report.rulesets[0].decisions[0].outcome, json!("Vergunningplicht"));
/// // On OTL02 B 2351 (264 m²) the height still matters.
/// let report = map_report(&[(&rs, &facts)], Some(&parcels), 181_205.0, 456_609.0, Crs::RdNew, &Options::default()).unwrap();
/// assert_eq!(report.rulesets[0].decisions[0].needed, ["height"]);
/// ```
pub fn map_report(
    rulesets: &[(&Ruleset, &Facts)],
    parcels: Option<&ParcelLayer>,
    x: f64,
    y: f64,
    crs: Crs,
    options: &Options,
) -> Result<MapReport, AtError> {
    let (rx, ry) = match crs {
        Crs::RdNew => (x, y),
        Crs::Wgs84 => {
            let p = crs::to_rd(&spatial::Geometry::Point(geo::Point::new(x, y)), Crs::Wgs84).map_err(AtError::Point)?;
            match p {
                spatial::Geometry::Point(p) => (p.x(), p.y()),
                _ => (f64::NAN, f64::NAN),
            }
        }
    };
    let point = spatial::Geometry::Point(geo::Point::new(rx, ry));
    spatial::validate(&point, GeomKind::Point).map_err(AtError::Point)?;
    let (lon, lat) = crs::rd_to_wgs84(rx, ry).map_err(|e| AtError::Point(spatial::GeometryError::Crs(e)))?;
    let parcel = parcels.and_then(|p| p.parcel_at(rx, ry, crs));
    let mut groups = Vec::with_capacity(rulesets.len());
    for (rs, base) in rulesets {
        let rules = at_point(rs, base, rx, ry);
        let (decisions, error) = match location_outcome(rs, base, parcel.as_ref().map(|(_, g)| *g), &point, options) {
            Ok(d) => (d, None),
            Err(e) => (Vec::new(), Some(format!("{}: {}", e.code, e.message))),
        };
        groups.push(RulesetAt {
            ruleset: rs.meta.name.clone(),
            authority: rs.meta.authority.clone(),
            activity: rs.meta.activity.clone(),
            rules,
            decisions,
            error,
        });
    }
    let round = |v: f64, s: f64| (v * s).round() / s;
    Ok(MapReport {
        point: MapPoint { x: round(rx, 1000.0), y: round(ry, 1000.0), lon: round(lon, 1e8), lat: round(lat, 1e8) },
        parcel: parcel.map(|(info, _)| info),
        rulesets: groups,
    })
}

/// Evaluates a ruleset with only the location as facts (see the module docs).
fn location_outcome(
    rs: &Ruleset,
    base: &Facts,
    parcel: Option<&spatial::Geometry>,
    point: &spatial::Geometry,
    options: &Options,
) -> Result<Vec<LocationDecision>, EvalError> {
    let mut facts = base.clone();
    for (i, input) in rs.inputs.iter().enumerate() {
        let given = match (input.name.as_str(), &input.ty) {
            ("parcel", Type::Geom(GeomKind::Area)) => parcel.cloned(),
            ("point" | "location", Type::Geom(GeomKind::Point)) => Some(point.clone()),
            _ => None,
        };
        if let Some(g) = given {
            facts.set_value(i, Some(crate::value::Value::Geom(std::sync::Arc::new(g))));
        }
    }
    let options = Options { trace: false, ..options.clone() };
    let outcome = evaluate(rs, &facts, &options)?;
    Ok(outcome
        .decisions
        .into_iter()
        .map(|d| LocationDecision {
            name: d.name,
            status: d.status,
            outcome: d.outcome,
            because: d.because,
            reference: d.reference,
            needed: d.needed,
        })
        .collect())
}

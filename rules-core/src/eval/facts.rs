//! Facts: the answers, drawn geometry and map layers one evaluation runs on.
//! Every answer is converted to its declared type here, so the evaluator never meets a bad value.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};

use serde_json::Value as Json;
use thiserror::Error;

use crate::check::{Input, Ruleset};
use crate::spatial::crs::Crs;
use crate::spatial::{self, Feature, FeatureError, GeomKind, GeometryError, Location};
use crate::value::{Dim, Type, Unit, Value};

/// A problem with an answer, a geometry or a layer given for evaluation.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum FactError {
    #[error("there is no input or question named `{name}`{}", hint(.suggestion))]
    UnknownInput { name: String, suggestion: Option<String> },
    #[error("there is no layer named `{name}`{}", hint(.suggestion))]
    UnknownLayer { name: String, suggestion: Option<String> },
    #[error("answer for `{input}` must be {expected}, got {got}")]
    WrongType { input: String, expected: String, got: String },
    #[error("answer for `{input}`: {reason}")]
    BadQuantity { input: String, reason: String },
    #[error("answer for `{input}` is {value}, outside the allowed range {low} .. {high}")]
    OutOfRange { input: String, value: String, low: String, high: String },
    #[error("answer for `{input}`: \"{value}\" is not one of the options ({options}){}", hint(.suggestion))]
    NotAnOption { input: String, value: String, options: String, suggestion: Option<String> },
    #[error("geometry for `{input}`: {source}")]
    Geometry { input: String, source: GeometryError },
    #[error("layer `{layer}`: {source}")]
    Layer { layer: String, source: FeatureError },
    #[error("layer `{layer}`, feature {feature}: {problem}")]
    Attribute { layer: String, feature: String, problem: String },
    #[error("`{name}` is a layer; give it under \"layers\", not as an answer")]
    LayerGivenAsAnswer { name: String },
}

fn hint(suggestion: &Option<String>) -> String {
    suggestion.as_ref().map(|s| format!(" (did you mean `{s}`?)")).unwrap_or_default()
}

/// A layer's features, bound to its declaration and indexed (an R-tree over their bounding
/// boxes), so that a point query or an operation with a geometry looks at the few features near
/// it, not all of them. Cloning shares the features (facts are cloned per session).
#[derive(Debug, Clone)]
pub struct BoundLayer {
    layer: Arc<spatial::IndexedLayer>,
    merged: Arc<OnceLock<Arc<spatial::Geometry>>>,
}

impl BoundLayer {
    /// Indexes the features of a layer.
    pub fn new(features: Vec<Feature>) -> BoundLayer {
        BoundLayer { layer: Arc::new(spatial::IndexedLayer::new(features)), merged: Arc::default() }
    }

    /// The features, in their original order.
    pub fn features(&self) -> &[Feature] {
        self.layer.features()
    }

    /// The features and their index.
    pub fn indexed(&self) -> &spatial::IndexedLayer {
        &self.layer
    }

    /// The features containing the point `(x, y)` (RD New; boundary included) or, with
    /// `radius > 0`, within `radius` metres of it, with their distance, in the layer's order.
    pub fn at(&self, x: f64, y: f64, radius: f64) -> Vec<(&Feature, f64)> {
        self.layer.at(x, y, radius)
    }

    /// The features whose bounding box comes within `margin` metres of that of `g`, in the layer's
    /// order: every feature that can meet `g` grown by `margin` (none when `g` is empty).
    pub fn near(&self, g: &spatial::Geometry, margin: f64) -> Vec<&Feature> {
        self.layer.near(g, margin)
    }

    /// All features as one geometry (areas are unioned), built on first use. Only for the
    /// operations that need the whole layer (`area(layer)`, `union(a, layer)`): those with a
    /// geometry use the features near it (see `eval::layers`).
    pub fn merged(&self, kind: GeomKind) -> Arc<spatial::Geometry> {
        self.merged
            .get_or_init(|| Arc::new(spatial::merge(self.layer.features().iter().map(|f| &f.geometry), kind)))
            .clone()
    }
}

/// Answers and geometry for one evaluation, indexed like the ruleset's inputs and layers.
#[derive(Debug, Clone)]
pub struct Facts {
    values: Vec<Option<Value>>,
    layers: Vec<Option<BoundLayer>>,
    /// One stamp per input, then one per layer: a number that changes with every change of the
    /// answer or layer, unique over all `Facts` (a [`super::Memo`] compares them). A clone keeps
    /// them, as it holds the same answers.
    stamps: Vec<u64>,
    crs: Crs,
}

/// A stamp no answer or layer has had before.
fn fresh_stamp() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl Facts {
    /// No answers yet: every input unknown, no layers bound, coordinates in RD New.
    pub fn new(rs: &Ruleset) -> Facts {
        Facts {
            values: vec![None; rs.inputs.len()],
            layers: vec![None; rs.layers.len()],
            stamps: (0..rs.inputs.len() + rs.layers.len()).map(|_| fresh_stamp()).collect(),
            crs: Crs::RdNew,
        }
    }

    /// The coordinate system of geometry given from now on without its own GeoJSON `crs` member
    /// (answers and layers), and of the geometry in the outcome (failed checks' `show`).
    /// Inside, everything is RD New; WGS84 is converted at the edge.
    ///
    /// ```
    /// use rules_core::{compile, evaluate, Facts, Options};
    /// use rules_core::spatial::crs::Crs;
    /// use serde_json::json;
    ///
    /// let rs = compile("x.rules", r#"ruleset "Schuur" { authority "Gemeente" }
    /// input plan: area "Het bijgebouw"
    /// check "Klein" { area(plan) <= 10 m2 show plan }"#).ruleset.unwrap();
    /// let mut facts = Facts::new(&rs);
    /// facts.set_crs(Crs::Wgs84);
    /// let (lon, lat, d) = (5.7691, 52.097, 0.0001); // about 7 x 11 m
    /// facts.answer(&rs, "plan", &json!({"type": "Polygon", "coordinates": [[[lon, lat],
    ///     [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]]]})).unwrap();
    /// let outcome = evaluate(&rs, &facts, &Options::default()).unwrap();
    /// assert_eq!(outcome.checks[0].status.name(), "fail");
    /// // The plan to highlight comes back in longitude/latitude, as it was drawn.
    /// assert_eq!(outcome.checks[0].geometry.as_ref().unwrap()["coordinates"][0][0], json!([5.7691, 52.097]));
    /// ```
    pub fn set_crs(&mut self, crs: Crs) {
        self.crs = crs;
    }

    /// The coordinate system the facts are given and the outcome is written in.
    pub fn crs(&self) -> Crs {
        self.crs
    }

    fn input_index(rs: &Ruleset, name: &str) -> Result<usize, FactError> {
        if rs.layer_index(name).is_some() {
            return Err(FactError::LayerGivenAsAnswer { name: name.into() });
        }
        rs.input_index(name).ok_or_else(|| FactError::UnknownInput {
            name: name.into(),
            suggestion: crate::check::suggest(name, rs.inputs.iter().map(|i| i.name.as_str())).map(String::from),
        })
    }

    /// Give (or with `null`, remove) the answer to an input or question. Geometry inputs take GeoJSON.
    pub fn answer(&mut self, rs: &Ruleset, name: &str, answer: &Json) -> Result<(), FactError> {
        let index = Self::input_index(rs, name)?;
        let value = if answer.is_null() { None } else { Some(convert(&rs.inputs[index], answer, self.crs)?) };
        self.set_value(index, value);
        Ok(())
    }

    /// Give a geometry input an already validated geometry in RD New (a parcel from a parcel
    /// layer, a building from a bound layer), without a GeoJSON round trip.
    pub fn set_geometry(&mut self, rs: &Ruleset, name: &str, geometry: spatial::Geometry) -> Result<(), FactError> {
        let index = Self::input_index(rs, name)?;
        let input = &rs.inputs[index];
        match (&input.ty, spatial::kind_of(&geometry)) {
            (Type::Geom(want), Some(got)) if *want == got => {
                self.set_value(index, Some(Value::Geom(Arc::new(geometry))));
                Ok(())
            }
            (ty, got) => Err(FactError::WrongType {
                input: name.into(),
                expected: ty.describe(),
                got: got.map_or("an empty or mixed geometry".into(), |k| format!("a geometry ({k})")),
            }),
        }
    }

    /// Remove an answer: the input is unknown again.
    pub fn unanswer(&mut self, rs: &Ruleset, name: &str) -> Result<(), FactError> {
        let index = Self::input_index(rs, name)?;
        self.set_value(index, None);
        Ok(())
    }

    /// Set (or with `None` remove) the value of input `index`.
    pub(crate) fn set_value(&mut self, index: usize, value: Option<Value>) {
        if let Some(slot) = self.values.get_mut(index) {
            *slot = value;
            self.stamps[index] = fresh_stamp();
        }
    }

    /// Take the value of input `index` out (unknown, with a new stamp) for a probe; give it back
    /// with [`Facts::put_back`], which restores its stamp too, so what was kept for it stays valid.
    pub(crate) fn take(&mut self, index: usize) -> (Option<Value>, u64) {
        let stamp = self.value_stamp(index);
        let value = self.values.get_mut(index).and_then(Option::take);
        if let Some(s) = self.stamps.get_mut(index) {
            *s = fresh_stamp();
        }
        (value, stamp)
    }

    pub(crate) fn put_back(&mut self, index: usize, (value, stamp): (Option<Value>, u64)) {
        if let (Some(slot), Some(s)) = (self.values.get_mut(index), self.stamps.get_mut(index)) {
            *slot = value;
            *s = stamp;
        }
    }

    pub(crate) fn value_stamp(&self, index: usize) -> u64 {
        self.stamps.get(index).copied().unwrap_or(0)
    }

    pub(crate) fn layer_stamp(&self, index: usize) -> u64 {
        self.stamps.get(self.values.len() + index).copied().unwrap_or(0)
    }

    /// The current answer of an input, if any.
    pub fn value(&self, index: usize) -> Option<&Value> {
        self.values.get(index).and_then(Option::as_ref)
    }

    /// Bind a layer to a GeoJSON FeatureCollection; attributes are checked against the declared schema.
    pub fn bind_layer(&mut self, rs: &Ruleset, name: &str, collection: &Json) -> Result<(), FactError> {
        let index = rs.layer_index(name).ok_or_else(|| FactError::UnknownLayer {
            name: name.into(),
            suggestion: crate::check::suggest(name, rs.layers.iter().map(|l| l.name.as_str())).map(String::from),
        })?;
        let layer = &rs.layers[index];
        let features = spatial::parse_features_in(collection, layer.kind, self.crs)
            .map_err(|source| FactError::Layer { layer: name.into(), source })?;
        self.bind_features(rs, name, features)
    }

    /// Bind a layer to features already read and validated (in RD New): for hosts that hold a
    /// large layer in memory already, without a GeoJSON round trip. The layer's filter and
    /// attribute schema apply as in [`Facts::bind_layer`]; features of another kind are left out.
    pub fn bind_features(&mut self, rs: &Ruleset, name: &str, mut features: Vec<Feature>) -> Result<(), FactError> {
        let index = rs.layer_index(name).ok_or_else(|| FactError::UnknownLayer {
            name: name.into(),
            suggestion: crate::check::suggest(name, rs.layers.iter().map(|l| l.name.as_str())).map(String::from),
        })?;
        let layer = &rs.layers[index];
        features.retain(|f| spatial::kind_of(&f.geometry) == Some(layer.kind));
        if let Some((attribute, values)) = &layer.filter {
            features.retain(|f| {
                f.properties.get(attribute).is_some_and(|v| {
                    let text = v.as_str().map(String::from).unwrap_or_else(|| v.to_string());
                    values.contains(&text)
                })
            });
        }
        for f in &features {
            for (attribute, ty) in &layer.attributes {
                check_attribute(name, f, attribute, ty)?;
            }
        }
        self.layers[index] = Some(BoundLayer::new(features));
        self.stamps[self.values.len() + index] = fresh_stamp();
        Ok(())
    }

    pub fn layer(&self, index: usize) -> Option<&BoundLayer> {
        self.layers.get(index).and_then(Option::as_ref)
    }
}

fn check_attribute(layer: &str, f: &Feature, attribute: &str, ty: &Type) -> Result<(), FactError> {
    let problem = |p: String| FactError::Attribute { layer: layer.into(), feature: f.id.clone(), problem: p };
    let Some(v) = f.properties.get(attribute) else {
        return Err(problem(format!("attribute `{attribute}` is missing")));
    };
    attribute_value(v, ty).map(|_| ()).map_err(|e| problem(format!("attribute `{attribute}`: {e}")))
}

/// A layer attribute as a value of its declared type.
pub fn attribute_value(v: &Json, ty: &Type) -> Result<Value, String> {
    match (ty, v) {
        (Type::Text(_), Json::String(s)) => Ok(Value::Text(s.as_str().into())),
        (Type::Text(_), Json::Number(n)) => Ok(Value::Text(n.to_string().into())),
        (Type::Bool, Json::Bool(b)) => Ok(Value::Bool(*b)),
        (Type::Num(dim), _) => quantity(v, *dim),
        (ty, other) => Err(format!("expected {}, got {}", ty.describe(), describe_json(other))),
    }
}

fn describe_json(v: &Json) -> String {
    match v {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("{b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the text \"{s}\""),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "an object".into(),
    }
}

/// A number in the declared unit, or a string with a unit (`"3.2 m"`, `"3,2 m"`, `"30 cm"`, `"20%"`).
fn quantity(v: &Json, dim: Dim) -> Result<Value, String> {
    let declared = if dim.percent { Unit { dim, factor: 0.01 } } else { Unit { dim, factor: 1.0 } };
    let (number, unit) = match v {
        Json::Number(n) => (n.as_f64().ok_or("not a finite number")?, declared),
        Json::String(s) => {
            let s = s.trim();
            let split = s
                .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-' || c == '+'))
                .unwrap_or(s.len());
            let (num_text, unit_text) = s.split_at(split);
            let num_text = num_text.replace(',', ".");
            let number =
                crate::value::parse_decimal(&num_text).ok_or_else(|| format!("\"{s}\" is not a number with a unit"))?;
            let unit_text = unit_text.trim();
            // `1e3 m`: an exponent read as the unit `e3 m` would be a puzzling message.
            if unit_text.starts_with(['e', 'E'])
                && unit_text[1..].starts_with(|c: char| c.is_ascii_digit() || c == '-' || c == '+')
            {
                return Err(format!("\"{s}\": write the number without an exponent (1e3 is 1000)"));
            }
            let unit = if unit_text.is_empty() {
                declared
            } else {
                Unit::parse(unit_text).ok_or_else(|| {
                    format!("unknown unit `{unit_text}` in \"{s}\" (units: {})", Unit::KNOWN.join(", "))
                })?
            };
            (number, unit)
        }
        other => return Err(format!("expected {}, got {}", dim.describe(), describe_json(other))),
    };
    if !number.is_finite() {
        return Err("not a finite number".into());
    }
    if !unit.dim.compatible(dim) {
        return Err(format!("expected {}, but the unit is {}", dim.describe(), unit.dim.describe()));
    }
    Ok(Value::Num(number * unit.factor, dim))
}

fn convert(input: &Input, answer: &Json, crs: Crs) -> Result<Value, FactError> {
    let wrong = |expected: &str| FactError::WrongType {
        input: input.name.clone(),
        expected: expected.into(),
        got: describe_json(answer),
    };
    match &input.ty {
        Type::Bool => match answer {
            Json::Bool(b) => Ok(Value::Bool(*b)),
            Json::String(s) if s == "ja" => Ok(Value::Bool(true)),
            Json::String(s) if s == "nee" => Ok(Value::Bool(false)),
            _ => Err(wrong("true or false")),
        },
        Type::Num(dim) => {
            let value = quantity(answer, *dim)
                .map_err(|reason| FactError::BadQuantity { input: input.name.clone(), reason })?;
            if let (Value::Num(n, _), Some((lo, hi))) = (&value, input.range) {
                if *n < lo - 1e-9 || *n > hi + 1e-9 {
                    let show = |x: f64| Value::Num(x, *dim).to_dutch();
                    return Err(FactError::OutOfRange {
                        input: input.name.clone(),
                        value: show(*n),
                        low: show(lo),
                        high: show(hi),
                    });
                }
            }
            Ok(value)
        }
        Type::Text(options) => {
            let Json::String(s) = answer else { return Err(wrong("a text")) };
            if let Some(options) = options {
                if !options.iter().any(|o| o == s) {
                    let suggestion = options.iter().find(|o| crate::check::same_but_capitals(o, s)).cloned();
                    return Err(FactError::NotAnOption {
                        input: input.name.clone(),
                        value: s.clone(),
                        options: options.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join(", "),
                        suggestion,
                    });
                }
            }
            Ok(Value::Text(s.as_str().into()))
        }
        Type::Location => match answer.as_str() {
            Some("ja") => Ok(Value::Location(Location::Ja)),
            Some("nee") => Ok(Value::Location(Location::Nee)),
            Some("deels") => Ok(Value::Location(Location::Deels)),
            _ => Err(wrong("\"ja\", \"nee\" or \"deels\"")),
        },
        Type::Geom(kind) => spatial::parse_geometry_in(answer, *kind, crs)
            .map(|g| Value::Geom(Arc::new(g)))
            .map_err(|source| FactError::Geometry { input: input.name.clone(), source }),
        Type::Conclusion | Type::List(_) => Err(wrong("a value that can be answered")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn quantities_accept_units_and_dutch_commas() {
        let ok = |v: Json, d: Dim| match quantity(&v, d) {
            Ok(Value::Num(n, _)) => n,
            other => panic!("{other:?}"),
        };
        assert_eq!(ok(json!("3.2 m"), Dim::LENGTH), 3.2);
        assert_eq!(ok(json!("3,2 m"), Dim::LENGTH), 3.2);
        assert_eq!(ok(json!("30 cm"), Dim::LENGTH), 0.3);
        assert_eq!(ok(json!(4), Dim::LENGTH), 4.0);
        assert_eq!(ok(json!("20%"), Dim::PERCENT), 0.2);
        assert_eq!(ok(json!(20), Dim::PERCENT), 0.2);
        assert!(quantity(&json!("3 m2"), Dim::LENGTH).is_err());
        assert!(quantity(&json!("3 furlong"), Dim::LENGTH).is_err());
        assert!(quantity(&json!(true), Dim::LENGTH).is_err());
    }
}

//! The feature pickers of derived inputs (`input main_building: area "..." from largest(buildings,
//! parcel)`): they choose one feature of a layer, or nothing, and then the input is asked.

use super::facts::BoundLayer;
use crate::spatial::{self, Feature, Geometry};

/// `largest(layer, zone)`: the feature that covers most of `zone` (the main building is the
/// building with the most ground on the parcel; a neighbour's shed a few centimetres over the line
/// loses). The whole feature, not the part in the zone; `None` when no feature meets the zone.
/// Ties go to the first feature in the layer's order.
pub fn largest<'l>(layer: &'l BoundLayer, zone: &Geometry) -> Option<&'l Feature> {
    let mut best: Option<(&Feature, f64)> = None;
    for f in layer.near(zone, 0.0) {
        // A feature that does not meet the zone covers none of it (a neighbour's house whose
        // box overlaps the parcel's): no overlay needed to say so.
        if !geo::Intersects::intersects(&f.geometry, zone) {
            continue;
        }
        let covered = spatial::area(&spatial::intersection(&f.geometry, zone));
        if covered > 0.0 && best.is_none_or(|(_, b)| covered > b) {
            best = Some((f, covered));
        }
    }
    best.map(|(f, _)| f)
}

/// `nearest(layer, point, d)`: the feature nearest to `point`, at most `d` metres away (the tree the
/// resident clicked next to). Ties go to the first feature in the layer's order.
pub fn nearest<'l>(layer: &'l BoundLayer, point: &Geometry, d: f64) -> Option<&'l Feature> {
    let Geometry::Point(p) = point else { return None };
    let mut best: Option<(&Feature, f64)> = None;
    for (f, distance) in layer.at(p.x(), p.y(), d.max(0.0)) {
        if best.is_none_or(|(_, b)| distance < b) {
            best = Some((f, distance));
        }
    }
    best.map(|(f, _)| f)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn square(x: f64, y: f64, size: f64) -> serde_json::Value {
        json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
            [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]}})
    }

    fn layer(features: Vec<serde_json::Value>, kind: spatial::GeomKind) -> BoundLayer {
        let collection = json!({"type": "FeatureCollection", "features": features});
        BoundLayer::new(spatial::parse_features(&collection, kind).unwrap())
    }

    #[test]
    fn largest_is_the_feature_with_the_most_ground_in_the_zone() {
        // A 10 x 10 parcel; a house of 6 x 6 inside; a big barn of 20 x 20 that reaches 1 m in.
        let buildings = layer(
            vec![square(100002.0, 400002.0, 6.0), square(100009.0, 400000.0, 20.0), square(100050.0, 400050.0, 5.0)],
            spatial::GeomKind::Area,
        );
        let parcel =
            spatial::parse_geometry(&square(100000.0, 400000.0, 10.0)["geometry"], spatial::GeomKind::Area).unwrap();
        let house = largest(&buildings, &parcel).unwrap();
        assert_eq!(spatial::area(&house.geometry), 36.0);
        let empty =
            spatial::parse_geometry(&square(100200.0, 400200.0, 10.0)["geometry"], spatial::GeomKind::Area).unwrap();
        assert!(largest(&buildings, &empty).is_none());
    }

    #[test]
    fn nearest_within_the_distance() {
        let point = |x: f64, y: f64| json!({"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [x, y]}});
        let trees = layer(vec![point(100000.0, 400000.0), point(100004.0, 400000.0)], spatial::GeomKind::Point);
        let click = Geometry::Point(geo::Point::new(100003.0, 400000.0));
        let tree = nearest(&trees, &click, 3.0).unwrap();
        assert_eq!(tree.geometry, Geometry::Point(geo::Point::new(100004.0, 400000.0)));
        let far = Geometry::Point(geo::Point::new(100010.0, 400000.0));
        assert!(nearest(&trees, &far, 3.0).is_none());
    }

    #[test]
    fn a_derived_input_is_answered_by_the_map_until_someone_answers_it() {
        use crate::{compile, evaluate, Facts, Options};
        let rs = compile(
            "x.rules",
            r#"ruleset "Aanbouw" { authority "Gemeente" }
input parcel: area "Uw perceel"
input main_building: area "Het hoofdgebouw" from largest(buildings, parcel)
question extended: bool "Is uw huis uitgebreid?"
input original: area "Het oorspronkelijke huis" from main_building when not extended
layer buildings: area "Gebouwen"
decision "Groot huis" {
  when area(original) > 30 m2 -> Vergunningplicht
  otherwise -> Toestemmingsvrij
}"#,
        )
        .ruleset
        .unwrap();
        let mut facts = Facts::new(&rs);
        let collection = json!({"type": "FeatureCollection", "features": [square(100002.0, 400002.0, 6.0)]});
        facts.bind_layer(&rs, "buildings", &collection).unwrap();
        let needed = |facts: &Facts| {
            let o = evaluate(&rs, facts, &Options::default()).unwrap();
            (o.needed.iter().map(|n| n.input.clone()).collect::<Vec<_>>(), o)
        };
        // No parcel yet: the map cannot answer; then the condition is asked.
        assert_eq!(needed(&facts).0, ["parcel", "extended"]);
        facts.answer(&rs, "parcel", &square(100000.0, 400000.0, 10.0)["geometry"]).unwrap();
        assert_eq!(needed(&facts).0, ["extended"]);
        facts.answer(&rs, "extended", &json!(false)).unwrap();
        let (still, outcome) = needed(&facts);
        assert!(still.is_empty());
        assert_eq!(outcome.decisions[0].display.as_deref(), Some("Vergunningplicht"));
        let derived: Vec<_> = outcome.derived.iter().map(|d| (d.input.as_str(), d.from.as_str())).collect();
        assert_eq!(
            derived,
            [("main_building", "largest(buildings, parcel)"), ("original", "main_building when not extended")]
        );
        // Extended: the original is asked; an answer overrides the map.
        facts.answer(&rs, "extended", &json!(true)).unwrap();
        assert_eq!(needed(&facts).0, ["original"]);
        facts.answer(&rs, "original", &square(100002.0, 400002.0, 4.0)["geometry"]).unwrap();
        assert_eq!(needed(&facts).1.decisions[0].display.as_deref(), Some("Toestemmingsvrij"));
        // A parcel without a building: the main building is asked.
        facts.answer(&rs, "extended", &json!(false)).unwrap();
        facts.answer(&rs, "original", &serde_json::Value::Null).unwrap();
        facts.answer(&rs, "parcel", &square(100100.0, 400100.0, 10.0)["geometry"]).unwrap();
        assert_eq!(needed(&facts).0, ["main_building"]);
    }
}

//! Geometry for rules: reading untrusted GeoJSON, validating it, and the spatial functions a
//! rule can call (area, distance, ja/nee/deels location, boolean operations, buffers).
//!
//! All coordinates are RD New (EPSG:28992), in metres, so areas are m2 and lengths are m.
//! Values are [`geo::Geometry<f64>`]; this module knows nothing of the rules language.
//!
//! By task:
//! - read input: [`parse_geometry`] (one geometry of an expected [`GeomKind`]),
//!   [`parse_features`] (a layer), [`validate`] (geometry built elsewhere);
//! - coordinate systems: [`crs`] (RD New <-> WGS84), [`parse_geometry_in`] / [`parse_features_in`]
//!   for input that may be WGS84, [`to_geojson_in`] for output in WGS84;
//! - find: [`FeatureIndex`] (R-tree over a layer's features: what lies at a point);
//! - derive (Binnen de lijntjes): [`derive::front_line`], [`derive::rear_yard`],
//!   [`derive::zone_from`], [`derive::coverage`];
//! - write output: [`to_geojson`];
//! - measure: [`area`], [`length`], [`distance`];
//! - relate: [`location`] (ja/nee/deels), [`within`], [`contains`], [`overlaps`], [`intersects`];
//! - construct: [`union`], [`intersection`], [`difference`], [`buffer`], [`boundary`].
//!
//! ```
//! use rules_core::spatial::{area, location, parse_geometry, GeomKind, Location};
//! use serde_json::json;
//!
//! let parcel = parse_geometry(
//!     &json!({"type": "Polygon", "coordinates": [[[100000, 400000], [100010, 400000],
//!         [100010, 400010], [100000, 400010], [100000, 400000]]]}),
//!     GeomKind::Area,
//! )?;
//! let shed = parse_geometry(
//!     &json!({"type": "Polygon", "coordinates": [[[100001, 400001], [100003, 400001],
//!         [100003, 400003], [100001, 400003], [100001, 400001]]]}),
//!     GeomKind::Area,
//! )?;
//! assert_eq!(area(&parcel), 100.0);
//! assert_eq!(location(&shed, &parcel), Location::Ja);
//! # Ok::<(), rules_core::spatial::GeometryError>(())
//! ```

// Geometry comes from users; a panic would take down a permit check, so errors must be values.
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]

mod clip;
pub mod crs;
pub mod derive;
mod error;
mod geojson;
pub mod index;
mod ops;
mod segments;
mod tolerance;
mod validate;

use std::fmt;

pub use geo::Geometry;
use serde::Serialize;

pub use error::{FeatureError, GeometryError, LineRef, RingRef};
pub use geojson::{
    parse_features, parse_features_in, parse_geometry, parse_geometry_in, to_geojson, to_geojson_in, Feature,
};
pub use index::{merge, FeatureIndex, IndexedLayer};
pub use ops::{
    area, boundary, buffer, contains, difference, distance, intersection, intersects, is_empty, length, location,
    overlaps, union, within,
};
pub(crate) use tolerance::location_within;
pub use validate::{validate, MAX_VERTICES};

/// The dimension of a geometry as the rules language sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GeomKind {
    /// Point or MultiPoint (a tree, an address).
    Point,
    /// LineString or MultiLineString (a front line, a parcel boundary).
    Line,
    /// Polygon or MultiPolygon (a parcel, a building, a bouwvlak).
    Area,
}

impl fmt::Display for GeomKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            GeomKind::Point => "point",
            GeomKind::Line => "line",
            GeomKind::Area => "area",
        })
    }
}

/// STTR location answer: ja (inside), nee (outside), deels (partly inside).
///
/// This is the answer to a "ligt de locatie binnen ...?" question (a geoVerwijzing in STTR);
/// see [`location`] for how it is decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Ord, PartialOrd, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Location {
    /// Entirely inside (boundary included).
    Ja,
    /// Outside, or touching only at the boundary.
    Nee,
    /// Partly inside, partly outside.
    Deels,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Location::Ja => "ja",
            Location::Nee => "nee",
            Location::Deels => "deels",
        })
    }
}

/// The [`GeomKind`] of a geometry, or `None` when it has none: an empty GeometryCollection, or a
/// collection mixing kinds.
///
/// Empty Multi* geometries keep their kind, so an empty intersection of two areas is still an
/// area (of 0 m2).
///
/// ```
/// use rules_core::spatial::{kind_of, GeomKind, Geometry};
/// use geo::{point, GeometryCollection, MultiPolygon};
///
/// assert_eq!(kind_of(&Geometry::Point(point!(x: 1.0, y: 2.0))), Some(GeomKind::Point));
/// assert_eq!(kind_of(&Geometry::MultiPolygon(MultiPolygon::new(vec![]))), Some(GeomKind::Area));
/// assert_eq!(kind_of(&Geometry::GeometryCollection(GeometryCollection::default())), None);
/// ```
pub fn kind_of(g: &Geometry) -> Option<GeomKind> {
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) => Some(GeomKind::Point),
        Geometry::Line(_) | Geometry::LineString(_) | Geometry::MultiLineString(_) => Some(GeomKind::Line),
        Geometry::Polygon(_) | Geometry::MultiPolygon(_) | Geometry::Rect(_) | Geometry::Triangle(_) => {
            Some(GeomKind::Area)
        }
        Geometry::GeometryCollection(gc) => {
            let mut kinds = gc.iter().map(kind_of);
            let first = kinds.next()??;
            kinds.all(|k| k == Some(first)).then_some(first)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon, GeometryCollection, MultiPoint};

    #[test]
    fn kind_of_each_type() {
        let p = Geometry::Point(point!(x: 0.0, y: 0.0));
        let l = Geometry::LineString(line_string![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0)]);
        let a = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 1.0, y: 0.0), (x: 0.0, y: 1.0)]);
        assert_eq!(kind_of(&p), Some(GeomKind::Point));
        assert_eq!(kind_of(&Geometry::MultiPoint(MultiPoint::new(vec![]))), Some(GeomKind::Point));
        assert_eq!(kind_of(&l), Some(GeomKind::Line));
        assert_eq!(kind_of(&a), Some(GeomKind::Area));
        let same = GeometryCollection::new_from(vec![a.clone(), a.clone()]);
        assert_eq!(kind_of(&Geometry::GeometryCollection(same)), Some(GeomKind::Area));
        let mixed = GeometryCollection::new_from(vec![a, p]);
        assert_eq!(kind_of(&Geometry::GeometryCollection(mixed)), None);
        assert_eq!(kind_of(&Geometry::GeometryCollection(GeometryCollection::default())), None);
    }

    #[test]
    fn display_and_serialize() {
        assert_eq!(GeomKind::Area.to_string(), "area");
        assert_eq!(GeomKind::Line.to_string(), "line");
        assert_eq!(GeomKind::Point.to_string(), "point");
        assert_eq!(Location::Deels.to_string(), "deels");
        assert_eq!(serde_json::to_string(&Location::Ja).unwrap(), "\"ja\"");
        assert_eq!(serde_json::to_string(&Location::Nee).unwrap(), "\"nee\"");
        assert_eq!(serde_json::to_string(&Location::Deels).unwrap(), "\"deels\"");
    }
}

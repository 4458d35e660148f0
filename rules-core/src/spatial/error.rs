//! Errors for untrusted geometry: one variant per problem, each naming where it is.
//!
//! Indices count from 0, like the positions in the GeoJSON arrays, so `polygon #1, hole #0` is
//! `coordinates[1][1]` of a MultiPolygon.

use std::fmt;

use super::validate::MAX_VERTICES;
use super::GeomKind;

/// Which ring of a (multi)polygon a problem is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RingRef {
    /// Index of the polygon in a MultiPolygon; `None` for a single Polygon.
    pub polygon: Option<usize>,
    /// 0 for the exterior ring, `k + 1` for hole `k` (the index in the polygon's ring array).
    pub ring: usize,
}

impl fmt::Display for RingRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.ring {
            0 => f.write_str("exterior ring")?,
            k => write!(f, "hole #{}", k - 1)?,
        }
        if let Some(p) = self.polygon {
            write!(f, " of polygon #{p}")?;
        }
        Ok(())
    }
}

/// Which line of a (multi)line string a problem is in: `None` for a single LineString.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineRef(pub Option<usize>);

impl fmt::Display for LineRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            None => f.write_str("line"),
            Some(i) => write!(f, "line #{i}"),
        }
    }
}

/// Why a geometry was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum GeometryError {
    /// The JSON does not have the structure of GeoJSON.
    #[error("not valid GeoJSON: `{at}` must be {expected}")]
    NotGeoJson {
        /// Where in the input, as a JSON path (`coordinates[0][3]`).
        at: String,
        /// What should have been there.
        expected: &'static str,
    },
    /// A GeoJSON type we do not accept as a geometry (GeometryCollection, or an unknown name).
    #[error(
        "unsupported geometry type `{0}`; use Point, MultiPoint, LineString, MultiLineString, \
         Polygon or MultiPolygon"
    )]
    UnsupportedType(String),
    /// The geometry is of another kind than the input asks for.
    #[error("expected {expected}, got {found}")]
    WrongKind {
        /// The kind the input must have.
        expected: GeomKind,
        /// The kind it has.
        found: GeomKind,
    },
    /// No coordinates at all (or a Feature whose geometry is null).
    #[error("geometry is empty")]
    Empty,
    /// NaN or infinity; GeoJSON text cannot contain these, geometry built in code can.
    #[error("coordinate #{vertex} is not a finite number")]
    NonFiniteCoordinate {
        /// Index of the vertex in the order the coordinates are written.
        vertex: usize,
    },
    /// A polygon ring whose last position differs from its first.
    #[error("{ring} is not closed: its last position must repeat its first")]
    RingNotClosed {
        /// The ring.
        ring: RingRef,
    },
    /// A ring with fewer than 3 distinct points.
    #[error(
        "{ring} has {found} distinct points; a ring needs at least 3 (and 4 positions, \
         the last repeating the first)"
    )]
    TooFewPointsInRing {
        /// The ring.
        ring: RingRef,
        /// Distinct points found.
        found: usize,
    },
    /// A line with fewer than 2 distinct points.
    #[error("{line} has {found} distinct points; a line needs at least 2")]
    TooFewPointsInLine {
        /// The line.
        line: LineRef,
        /// Distinct points found.
        found: usize,
    },
    /// A ring that crosses or touches itself (also a spike that doubles back on itself).
    #[error("{ring} intersects itself near ({}, {})", coord3(.x), coord3(.y))]
    SelfIntersection {
        /// The ring.
        ring: RingRef,
        /// Approximate x of the (first found) intersection.
        x: f64,
        /// Approximate y of the (first found) intersection.
        y: f64,
    },
    /// A hole that is not inside its polygon's exterior ring.
    #[error("{hole} is not inside the exterior ring")]
    HoleOutsideExterior {
        /// The hole.
        hole: RingRef,
    },
    /// Two rings of one polygon overlap or share an edge (a hole on the exterior's edge, two
    /// overlapping holes).
    #[error("{first} and {second} overlap or share an edge")]
    RingsOverlap {
        /// One ring.
        first: RingRef,
        /// The other ring.
        second: RingRef,
    },
    /// Two polygons of a MultiPolygon overlap or share an edge.
    #[error("polygons #{first} and #{second} overlap or share an edge; draw them as one polygon")]
    PartsOverlap {
        /// Index of one polygon.
        first: usize,
        /// Index of the other.
        second: usize,
    },
    /// More vertices than [`MAX_VERTICES`]; protects the service from huge inputs.
    #[error("geometry has {count} vertices; the limit is {MAX_VERTICES}")]
    TooManyVertices {
        /// Vertices in the input.
        count: usize,
    },
    /// Coordinates in degrees where metres are needed.
    #[error(
        "coordinates look like longitude/latitude (WGS84); this input must be in RD New \
         (EPSG:28992) metres (found [{}, {}]), or say that it is WGS84 (EPSG:4326)",
        coord(.x),
        coord(.y)
    )]
    LooksLikeWgs84 {
        /// The first such x.
        x: f64,
        /// The first such y.
        y: f64,
    },
    /// Coordinates in metres where longitude/latitude (WGS84) were declared.
    #[error(
        "coordinates look like RD New (EPSG:28992) metres, but WGS84 longitude/latitude \
         (EPSG:4326) was declared (found [{}, {}])",
        coord(.x),
        coord(.y)
    )]
    LooksLikeRdNew {
        /// The first such x.
        x: f64,
        /// The first such y.
        y: f64,
    },
    /// An unsupported coordinate system, or a position that cannot be converted.
    #[error("{0}")]
    Crs(super::crs::CrsError),
    /// A position outside the area RD New is defined for.
    #[error(
        "position [{}, {}] is outside the RD New (EPSG:28992) range \
         (x -7000..300000, y 289000..629000 metres)",
        coord(.x),
        coord(.y)
    )]
    OutsideRdNew {
        /// The x found.
        x: f64,
        /// The y found.
        y: f64,
    },
    /// A polygon ring that encloses (practically) no area, e.g. all points on one line.
    #[error("{ring} encloses no area")]
    ZeroArea {
        /// The ring.
        ring: RingRef,
    },
    /// A problem in one feature of a FeatureCollection given as a single geometry.
    #[error("feature {feature}: {error}")]
    InFeature {
        /// The feature's id, or `#index` when it has none.
        feature: String,
        /// What is wrong with it.
        error: Box<GeometryError>,
    },
}

/// Why a layer (a FeatureCollection) was refused.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum FeatureError {
    /// The input is not a FeatureCollection at all.
    #[error("not a GeoJSON FeatureCollection: {0}")]
    NotFeatureCollection(GeometryError),
    /// More features than [`super::geojson::MAX_FEATURES`].
    #[error("the collection has {count} features; the limit is {}", super::geojson::MAX_FEATURES)]
    TooManyFeatures {
        /// Features in the input.
        count: usize,
    },
    /// More vertices, all features together, than [`super::geojson::MAX_LAYER_VERTICES`].
    #[error("the collection has {count} vertices; the limit is {}", super::geojson::MAX_LAYER_VERTICES)]
    TooManyVertices {
        /// Vertices in the input.
        count: usize,
    },
    /// One feature is wrong; `feature` is its id, or `#index` when it has none.
    #[error("feature {feature}: {error}")]
    Feature {
        /// The feature's id, or `#index` when it has none.
        feature: String,
        /// What is wrong with it.
        error: GeometryError,
    },
}

/// A coordinate for a message, as given, but in scientific notation when it is far beyond any map
/// (`1e308` rather than 309 digits).
fn coord(v: &f64) -> String {
    if v.abs() >= 1e9 {
        scientific(*v)
    } else {
        format!("{v}")
    }
}

/// [`coord`] with three decimals (a computed point).
fn coord3(v: &f64) -> String {
    if v.abs() >= 1e9 {
        scientific(*v)
    } else {
        format!("{v:.3}")
    }
}

/// `format!("{v:e}")` for `|v| >= 1`, made from `format!("{v}")` (the same shortest digits, written
/// out in full): `{:e}` would link core's exponent formatting into the browser build as well.
fn scientific(v: f64) -> String {
    let plain = format!("{v}");
    if !v.is_finite() {
        return plain;
    }
    let (sign, digits) = match plain.strip_prefix('-') {
        Some(digits) => ("-", digits),
        None => ("", plain.as_str()),
    };
    let exponent = digits.split('.').next().unwrap_or(digits).len().saturating_sub(1);
    let all: String = digits.chars().filter(|c| *c != '.').collect();
    let significant = all.trim_end_matches('0');
    match significant.split_at_checked(1) {
        Some((first, "")) => format!("{sign}{first}e{exponent}"),
        Some((first, rest)) => format!("{sign}{first}.{rest}e{exponent}"),
        None => plain,
    }
}

#[cfg(test)]
mod coord_tests {
    #[test]
    fn coordinates_in_messages_stay_short() {
        assert_eq!(super::coord(&155000.25), "155000.25");
        assert_eq!(super::coord3(&-7.0), "-7.000");
        assert_eq!(super::coord(&1e308), "1e308");
        let e = super::GeometryError::OutsideRdNew { x: 1e308, y: -1.5e300 };
        assert!(e.to_string().starts_with("position [1e308, -1.5e300] is outside"), "{e}");
    }

    proptest::proptest! {
        /// The same text as `{:e}` for every float at or beyond 1 in size.
        #[test]
        fn scientific_is_lower_exp(bits in proptest::prelude::any::<u64>()) {
            let v = f64::from_bits(bits);
            if v.is_nan() || v.abs() < 1.0 {
                return Ok(());
            }
            proptest::prop_assert_eq!(super::scientific(v), format!("{v:e}"));
        }
    }

    #[test]
    fn scientific_at_the_edges() {
        for v in [1.0, -1.0, 1e9, 1e21, 1.5e300, f64::MAX, -f64::MAX, 123456789012.5, f64::INFINITY, 9.999999999e9] {
            assert_eq!(super::scientific(v), format!("{v:e}"));
        }
    }
}

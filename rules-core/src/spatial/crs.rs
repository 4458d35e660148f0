//! Coordinate systems at the edge: everything inside is RD New (EPSG:28992, metres); web maps and
//! GPS speak WGS84 longitude/latitude (EPSG:4326). This module converts between the two.
//!
//! The conversion follows RDNAPTRANS™2018 variant 1 (NSGI) for the horizontal part:
//!
//! - RD New -> WGS84: inverse oblique stereographic projection on the Bessel ellipsoid (proj4rs),
//!   then the RD correction grid `rdcorr2018`, then the 7-parameter similarity transformation
//!   Bessel -> ETRS89 (proj4rs, `+towgs84`).
//! - WGS84 -> RD New: the same steps backwards; the correction is found by fixed-point iteration.
//!
//! The correction grid is a subsample of NSGI's `rdcorr2018` (every 2nd node: 0.025° x 0.04°,
//! 53 KB, built by `scripts/rdcorr2018-subsample.py`; CC BY 4.0, NSGI). Bilinear interpolation in
//! it differs from the full grid by at most 1.0 cm over the Netherlands. Measured against the
//! published RDNAPTRANS™ test points the conversion is within 0.7 cm both ways (see the tests);
//! without the grid (plain proj4 `+towgs84`, as most web libraries do) the error at the same
//! points is 1.6 to 21 cm, and the approximation polynomials of Schreutelkamp & Strang van Hees
//! are 21 to 43 cm off (they are tied to an older ETRS89 realisation: their Amersfoort constant
//! 52.15517440 N, 5.38720621 E lies 24 cm from RDNAPTRANS™2018's).
//!
//! WGS84 is taken to be ETRS89, as web maps and the Dutch base maps (PDOK) do: the two drift apart
//! by about 2.5 cm a year (about 0.9 m in 2025), a difference that a GPS fix or a map tile does not
//! resolve either.
//!
//! ```
//! use rules_core::spatial::crs::{rd_to_wgs84, wgs84_to_rd};
//!
//! // The RDNAPTRANS™ test point "Amersfoort": the origin of RD.
//! let (x, y) = wgs84_to_rd(5.387203657, 52.155172897)?;
//! assert!((x - 155_000.0).abs() < 0.01 && (y - 463_000.0).abs() < 0.01);
//! let (lon, lat) = rd_to_wgs84(155_000.0, 463_000.0)?;
//! assert!((lon - 5.387203657).abs() < 1e-7 && (lat - 52.155172897).abs() < 1e-7);
//! # Ok::<(), rules_core::spatial::crs::CrsError>(())
//! ```

use std::fmt;
use std::sync::OnceLock;

use geo::{Coord, Geometry, MapCoords};
use proj4rs::Proj;
use serde_json::Value;

use super::error::GeometryError;

/// A coordinate reference system the engine reads and writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, serde::Serialize)]
pub enum Crs {
    /// RD New, EPSG:28992: x (east) and y (north) in metres. The system everything is computed in.
    #[default]
    #[serde(rename = "EPSG:28992")]
    RdNew,
    /// WGS84 longitude/latitude in degrees (EPSG:4326 / OGC CRS84, GeoJSON's axis order
    /// `[lon, lat]`). Taken to equal ETRS89 (EPSG:4258).
    #[serde(rename = "EPSG:4326")]
    Wgs84,
}

impl Crs {
    /// The system named by an EPSG code or a GeoJSON `crs` name: `EPSG:28992`,
    /// `urn:ogc:def:crs:EPSG::28992`, `EPSG:4326`, `urn:ogc:def:crs:OGC:1.3:CRS84`, `EPSG:4258`
    /// (ETRS89, treated as WGS84), `WGS84`, `RD`.
    ///
    /// ```
    /// use rules_core::spatial::crs::Crs;
    /// assert_eq!(Crs::parse("EPSG:4326"), Ok(Crs::Wgs84));
    /// assert_eq!(Crs::parse("urn:ogc:def:crs:EPSG::28992"), Ok(Crs::RdNew));
    /// assert!(Crs::parse("EPSG:3857").is_err());
    /// ```
    pub fn parse(name: &str) -> Result<Crs, CrsError> {
        let n = name.trim().to_ascii_uppercase();
        let code = n
            .strip_prefix("EPSG:")
            .or_else(|| n.strip_prefix("URN:OGC:DEF:CRS:EPSG::"))
            .or_else(|| n.strip_prefix("URN:OGC:DEF:CRS:EPSG:"))
            .or_else(|| n.strip_prefix("HTTP://WWW.OPENGIS.NET/DEF/CRS/EPSG/0/"))
            .unwrap_or(&n);
        match code {
            "28992" | "RD" | "RDNEW" | "RD NEW" => Ok(Crs::RdNew),
            "4326" | "4258" | "WGS84" | "ETRS89" | "URN:OGC:DEF:CRS:OGC:1.3:CRS84" | "CRS84" => Ok(Crs::Wgs84),
            _ => Err(CrsError::Unsupported(name.to_string())),
        }
    }

    /// The EPSG name: `EPSG:28992` or `EPSG:4326`.
    pub fn name(self) -> &'static str {
        match self {
            Crs::RdNew => "EPSG:28992",
            Crs::Wgs84 => "EPSG:4326",
        }
    }
}

impl fmt::Display for Crs {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why a coordinate could not be converted.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum CrsError {
    /// A system other than RD New and WGS84.
    #[error("unsupported coordinate system `{0}`; use EPSG:28992 (RD New) or EPSG:4326 (WGS84)")]
    Unsupported(String),
    /// Longitude/latitude outside the area RD New is defined for (the Netherlands and a margin).
    #[error(
        "position [{lon}, {lat}] (longitude, latitude) is outside the Netherlands \
         (longitude 2..8, latitude 50..56)"
    )]
    OutsideNetherlands {
        /// Longitude found.
        lon: f64,
        /// Latitude found.
        lat: f64,
    },
    /// The projection library refused the point.
    #[error("cannot convert [{x}, {y}]: {reason}")]
    Projection {
        /// First coordinate.
        x: f64,
        /// Second coordinate.
        y: f64,
        /// The library's message.
        reason: String,
    },
}

/// RD New with the Bessel ellipsoid and no datum shift: the projection step alone.
const RD_STEREA: &str = "+proj=sterea +lat_0=52.156160555556 +lon_0=5.387638888889 +k=0.9999079 \
                         +x_0=155000 +y_0=463000 +ellps=bessel +units=m +no_defs";
/// Bessel geographic coordinates, without datum shift (the counterpart of RD_STEREA).
const BESSEL: &str = "+proj=longlat +ellps=bessel +no_defs";
/// Bessel geographic coordinates with the RDNAPTRANS™2018 similarity transformation to ETRS89
/// (NSGI variant 1, rotations in the position-vector convention of proj4's `towgs84`).
const BESSEL_TO_ETRS89: &str = "+proj=longlat +ellps=bessel \
     +towgs84=565.7346,50.4058,465.2895,-0.395023,0.330776,-1.876073,4.07242 +no_defs";
/// ETRS89 / WGS84 geographic coordinates.
const ETRS89: &str = "+proj=longlat +ellps=GRS80 +towgs84=0,0,0 +no_defs";

struct Projections {
    rd: Proj,
    bessel: Proj,
    bessel_datum: Proj,
    etrs89: Proj,
}

fn projections() -> Result<&'static Projections, CrsError> {
    static PROJECTIONS: OnceLock<Result<Projections, String>> = OnceLock::new();
    let built = PROJECTIONS.get_or_init(|| {
        let make = |s: &str| Proj::from_proj_string(s).map_err(|e| e.to_string());
        Ok(Projections {
            rd: make(RD_STEREA)?,
            bessel: make(BESSEL)?,
            bessel_datum: make(BESSEL_TO_ETRS89)?,
            etrs89: make(ETRS89)?,
        })
    });
    built.as_ref().map_err(|reason| CrsError::Projection { x: f64::NAN, y: f64::NAN, reason: reason.clone() })
}

fn run(from: &Proj, to: &Proj, point: (f64, f64)) -> Result<(f64, f64), String> {
    let mut p = (point.0, point.1, 0.0);
    proj4rs::transform::transform(from, to, &mut p).map_err(|e| e.to_string())?;
    Ok((p.0, p.1))
}

/// The RD correction grid (see the module docs): i16 pairs (lat, lon) in 1e-9 degree.
static RDCORR: &[u8] = include_bytes!("rdcorr2018.bin");
const GRID_LAT0: f64 = 50.6;
const GRID_LON0: f64 = 3.2;
const GRID_DLAT: f64 = 0.025;
const GRID_DLON: f64 = 0.04;
const GRID_ROWS: usize = 127;
const GRID_COLS: usize = 106;

fn grid_node(row: usize, col: usize) -> (f64, f64) {
    let i = 4 * (row * GRID_COLS + col);
    match RDCORR.get(i..i + 4) {
        Some(b) => {
            (f64::from(i16::from_le_bytes([b[0], b[1]])) * 1e-9, f64::from(i16::from_le_bytes([b[2], b[3]])) * 1e-9)
        }
        None => (0.0, 0.0),
    }
}

/// The correction (degrees latitude, degrees longitude) at a pseudo-Bessel position, bilinear in
/// the grid; positions outside the grid take the nearest edge value.
fn correction(lat: f64, lon: f64) -> (f64, f64) {
    let fi = ((lat - GRID_LAT0) / GRID_DLAT).clamp(0.0, (GRID_ROWS - 1) as f64);
    let fj = ((lon - GRID_LON0) / GRID_DLON).clamp(0.0, (GRID_COLS - 1) as f64);
    let (i, j) = ((fi as usize).min(GRID_ROWS - 2), (fj as usize).min(GRID_COLS - 2));
    let (u, v) = (fi - i as f64, fj - j as f64);
    let (a, b, c, d) = (grid_node(i, j), grid_node(i, j + 1), grid_node(i + 1, j), grid_node(i + 1, j + 1));
    let mix =
        |a: f64, b: f64, c: f64, d: f64| a * (1.0 - u) * (1.0 - v) + b * (1.0 - u) * v + c * u * (1.0 - v) + d * u * v;
    (mix(a.0, b.0, c.0, d.0), mix(a.1, b.1, c.1, d.1))
}

/// WGS84 (ETRS89) longitude/latitude in degrees to RD New metres.
///
/// ```
/// use rules_core::spatial::crs::wgs84_to_rd;
/// // RDNAPTRANS™2018 self-validation point 30010000.
/// let (x, y) = wgs84_to_rd(4.712120126, 51.728601274)?;
/// assert!((x - 108_360.879).abs() < 0.02 && (y - 415_757.2745).abs() < 0.02);
/// # Ok::<(), rules_core::spatial::crs::CrsError>(())
/// ```
pub fn wgs84_to_rd(lon: f64, lat: f64) -> Result<(f64, f64), CrsError> {
    if !(2.0..=8.0).contains(&lon) || !(50.0..=56.0).contains(&lat) {
        return Err(CrsError::OutsideNetherlands { lon, lat });
    }
    let p = projections()?;
    let fail = |reason: String| CrsError::Projection { x: lon, y: lat, reason };
    let (blon, blat) = run(&p.etrs89, &p.bessel_datum, (lon.to_radians(), lat.to_radians())).map_err(fail)?;
    let (real_lat, real_lon) = (blat.to_degrees(), blon.to_degrees());
    // real = pseudo + correction(pseudo): solve for pseudo; the correction changes by far less
    // than a millimetre over the few decimetres it moves, so three steps are plenty.
    let (mut plat, mut plon) = (real_lat, real_lon);
    for _ in 0..3 {
        let (dlat, dlon) = correction(plat, plon);
        plat = real_lat - dlat;
        plon = real_lon - dlon;
    }
    run(&p.bessel, &p.rd, (plon.to_radians(), plat.to_radians())).map_err(fail)
}

/// RD New metres to WGS84 (ETRS89) longitude/latitude in degrees.
///
/// ```
/// use rules_core::spatial::crs::rd_to_wgs84;
/// let (lon, lat) = rd_to_wgs84(181_202.04, 456_706.351)?; // a parcel in Otterlo
/// assert!((lon - 5.769).abs() < 0.001 && (lat - 52.098).abs() < 0.001);
/// # Ok::<(), rules_core::spatial::crs::CrsError>(())
/// ```
pub fn rd_to_wgs84(x: f64, y: f64) -> Result<(f64, f64), CrsError> {
    let p = projections()?;
    let fail = |reason: String| CrsError::Projection { x, y, reason };
    let (plon, plat) = run(&p.rd, &p.bessel, (x, y)).map_err(fail)?;
    let (plat, plon) = (plat.to_degrees(), plon.to_degrees());
    let (dlat, dlon) = correction(plat, plon);
    let (lon, lat) =
        run(&p.bessel_datum, &p.etrs89, ((plon + dlon).to_radians(), (plat + dlat).to_radians())).map_err(fail)?;
    Ok((lon.to_degrees(), lat.to_degrees()))
}

/// A geometry given in `from` as RD New. Coordinates that plainly belong to the other system
/// (metres where degrees are declared) are refused with [`GeometryError::LooksLikeRdNew`]; the
/// result is not validated (call [`validate`](super::validate) on it).
///
/// ```
/// use geo::{point, Geometry};
/// use rules_core::spatial::crs::{to_rd, Crs};
///
/// let clicked = Geometry::Point(point!(x: 5.7691025, y: 52.0970028)); // lon, lat
/// let Geometry::Point(p) = to_rd(&clicked, Crs::Wgs84)? else { unreachable!() };
/// assert!((p.x() - 181_168.92).abs() < 0.02 && (p.y() - 456_596.94).abs() < 0.02);
/// # Ok::<(), rules_core::spatial::GeometryError>(())
/// ```
pub fn to_rd(g: &Geometry, from: Crs) -> Result<Geometry, GeometryError> {
    match from {
        Crs::RdNew => Ok(g.clone()),
        Crs::Wgs84 => g.try_map_coords(|c: Coord<f64>| {
            if !c.x.is_finite() || !c.y.is_finite() {
                return Ok(c);
            }
            if c.x.abs() > 180.0 || c.y.abs() > 90.0 {
                return Err(GeometryError::LooksLikeRdNew { x: c.x, y: c.y });
            }
            let (x, y) = wgs84_to_rd(c.x, c.y).map_err(GeometryError::Crs)?;
            Ok(Coord { x, y })
        }),
    }
}

/// A geometry in RD New converted to `to`. Positions that cannot be converted (outside the
/// projection's domain) become NaN, which GeoJSON output writes as `null`.
///
/// ```
/// use geo::{point, Geometry};
/// use rules_core::spatial::crs::{from_rd, Crs};
///
/// let Geometry::Point(p) = from_rd(&Geometry::Point(point!(x: 155000.0, y: 463000.0)), Crs::Wgs84)
///     else { unreachable!() };
/// assert!((p.x() - 5.3872037).abs() < 1e-6 && (p.y() - 52.1551729).abs() < 1e-6);
/// ```
pub fn from_rd(g: &Geometry, to: Crs) -> Geometry {
    match to {
        Crs::RdNew => g.clone(),
        Crs::Wgs84 => g.map_coords(|c: Coord<f64>| match rd_to_wgs84(c.x, c.y) {
            Ok((x, y)) => Coord { x, y },
            Err(_) => Coord { x: f64::NAN, y: f64::NAN },
        }),
    }
}

/// The system a GeoJSON object declares in its `crs` member (GeoJSON 2008 style:
/// `{"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}`), or `None` when
/// it has none.
///
/// ```
/// use rules_core::spatial::crs::{declared_crs, Crs};
/// use serde_json::json;
///
/// let fc = json!({"type": "FeatureCollection", "features": [],
///     "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}});
/// assert_eq!(declared_crs(&fc), Ok(Some(Crs::Wgs84)));
/// assert_eq!(declared_crs(&json!({"type": "FeatureCollection", "features": []})), Ok(None));
/// ```
pub fn declared_crs(json: &Value) -> Result<Option<Crs>, GeometryError> {
    let Some(crs) = json.get("crs") else { return Ok(None) };
    if crs.is_null() {
        return Ok(None);
    }
    let name = crs.get("properties").and_then(|p| p.get("name")).and_then(Value::as_str).ok_or_else(|| {
        GeometryError::NotGeoJson {
            at: "crs".into(),
            expected: "{\"type\": \"name\", \"properties\": {\"name\": \"EPSG:...\"}}",
        }
    })?;
    Crs::parse(name).map(Some).map_err(GeometryError::Crs)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// Published RDNAPTRANS™ test points: (name, lat, lon, RD x, RD y). The first seven are the
    /// RDNAPTRANS™2008 test sheet (still within 3.3 mm of RDNAPTRANS™2018), then one point of the
    /// RDNAPTRANS™2018 self-validation file, the EPSG v12.054 example and an RDNAPTRANS™2018
    /// implementation's test point.
    pub(crate) const REFERENCE: &[(&str, f64, f64, f64, f64)] = &[
        ("Texel", 53.160753042, 4.824761912, 117_380.12, 575_040.34),
        ("Noord-Groningen", 53.419482050, 6.776726674, 247_380.56, 604_580.78),
        ("Amersfoort", 52.155172897, 5.387203657, 155_000.0, 463_000.0),
        ("Zeeuws-Vlaanderen", 51.368607152, 3.397588595, 16_460.91, 377_380.23),
        ("Zuid-Limburg", 50.792584916, 5.773795548, 182_260.45, 311_480.67),
        ("Maasvlakte", 51.947393898, 4.072887101, 64_640.89, 440_700.010_1),
        ("Z001 30010000", 51.728601274, 4.712120126, 108_360.879, 415_757.274_5),
        ("EPSG v12.054", 53.148288321, 7.180899528, 275_000.0, 575_000.0),
        ("Groningen (SAS)", 53.19939233, 6.05939747, 199_920.042533, 579_403.423305),
    ];

    fn metres_between(lat: f64, lon: f64, lat2: f64, lon2: f64) -> f64 {
        let dy = (lat2 - lat) * 111_250.0;
        let dx = (lon2 - lon) * 111_250.0 * lat.to_radians().cos();
        dx.hypot(dy)
    }

    #[test]
    fn reference_points_within_two_centimetres_both_ways() {
        for &(name, lat, lon, x, y) in REFERENCE {
            let (rx, ry) = wgs84_to_rd(lon, lat).unwrap();
            let to_rd_error = (rx - x).hypot(ry - y);
            let (rlon, rlat) = rd_to_wgs84(x, y).unwrap();
            let to_wgs_error = metres_between(lat, lon, rlat, rlon);
            assert!(to_rd_error < 0.02, "{name}: WGS84 -> RD off by {to_rd_error:.4} m");
            assert!(to_wgs_error < 0.02, "{name}: RD -> WGS84 off by {to_wgs_error:.4} m");
        }
    }

    #[test]
    fn round_trip_is_exact_to_a_millimetre() {
        for x in (0..=280_000).step_by(40_000) {
            for y in (300_000..=620_000).step_by(40_000) {
                let (lon, lat) = rd_to_wgs84(f64::from(x), f64::from(y)).unwrap();
                let (bx, by) = wgs84_to_rd(lon, lat).unwrap();
                assert!((bx - f64::from(x)).hypot(by - f64::from(y)) < 0.001, "({x}, {y}) -> ({bx}, {by})");
            }
        }
    }

    #[test]
    fn errors_are_clear() {
        assert_eq!(
            wgs84_to_rd(181_202.0, 456_706.0),
            Err(CrsError::OutsideNetherlands { lon: 181_202.0, lat: 456_706.0 })
        );
        assert_eq!(wgs84_to_rd(-74.0, 40.7), Err(CrsError::OutsideNetherlands { lon: -74.0, lat: 40.7 }));
        let rd_as_wgs = Geometry::Point(geo::point!(x: 181_202.0, y: 456_706.0));
        assert_eq!(to_rd(&rd_as_wgs, Crs::Wgs84), Err(GeometryError::LooksLikeRdNew { x: 181_202.0, y: 456_706.0 }));
        assert!(Crs::parse("EPSG:3857").unwrap_err().to_string().contains("unsupported coordinate system `EPSG:3857`"));
        let bad = serde_json::json!({"crs": {"type": "name", "properties": {"name": "EPSG:3857"}}});
        assert_eq!(declared_crs(&bad), Err(GeometryError::Crs(CrsError::Unsupported("EPSG:3857".into()))));
    }
}
#[cfg(test)]
mod report {
    use super::tests::REFERENCE;
    use super::*;

    /// `cargo test -p rules-core crs_error_report -- --nocapture` prints the error at each point.
    #[test]
    fn crs_error_report() {
        let mut points = REFERENCE.to_vec();
        points.push(("Amersfoort (approximation formulas' constants)", 52.15517440, 5.38720621, 155_000.0, 463_000.0));
        // The alternatives measured for the docs: plain proj4 with EPSG:28992's classic
        // `+towgs84` (no correction grid), and the approximation polynomials of Schreutelkamp &
        // Strang van Hees (2001).
        let plain = Proj::from_proj_string(
            "+proj=sterea +lat_0=52.15616055555555 +lon_0=5.38763888888889 +k=0.9999079 +x_0=155000 \
             +y_0=463000 +ellps=bessel +towgs84=565.417,50.3319,465.552,-0.398957,0.343988,-1.8774,4.0725 +units=m +no_defs",
        )
        .unwrap();
        let wgs = Proj::from_proj_string(ETRS89).unwrap();
        println!(
            "{:48} {:>12} {:>12} {:>12} {:>12}",
            "point (WGS84 -> RD error)", "grid", "grid back", "plain proj4", "polynomials"
        );
        for (name, lat, lon, x, y) in points {
            let (rx, ry) = wgs84_to_rd(lon, lat).unwrap_or((f64::NAN, f64::NAN));
            let (rlon, rlat) = rd_to_wgs84(x, y).unwrap_or((f64::NAN, f64::NAN));
            let back = ((rlat - lat) * 111_250.0).hypot((rlon - lon) * 111_250.0 * lat.to_radians().cos());
            let (px, py) = run(&wgs, &plain, (lon.to_radians(), lat.to_radians())).unwrap();
            let (qx, qy) = polynomial_to_rd(lat, lon);
            println!(
                "{name:48} {:9.2} cm {:9.2} cm {:9.2} cm {:9.2} cm",
                100.0 * (rx - x).hypot(ry - y),
                100.0 * back,
                100.0 * (px - x).hypot(py - y),
                100.0 * (qx - x).hypot(qy - y)
            );
        }
    }

    fn polynomial_to_rd(lat: f64, lon: f64) -> (f64, f64) {
        let (dp, dl) = (0.36 * (lat - 52.15517440), 0.36 * (lon - 5.38720621));
        let r = [
            (0, 1, 190094.945),
            (1, 1, -11832.228),
            (2, 1, -114.221),
            (0, 3, -32.391),
            (1, 0, -0.705),
            (3, 1, -2.340),
            (1, 3, -0.608),
            (0, 2, -0.008),
            (2, 3, 0.148),
        ];
        let s = [
            (1, 0, 309056.544),
            (0, 2, 3638.893),
            (2, 0, 73.077),
            (1, 2, -157.984),
            (3, 0, 59.788),
            (0, 1, 0.433),
            (2, 2, -6.439),
            (1, 1, -0.032),
            (0, 4, 0.092),
            (1, 4, -0.054),
        ];
        let sum = |t: &[(i32, i32, f64)]| t.iter().map(|(p, q, c)| c * dp.powi(*p) * dl.powi(*q)).sum::<f64>();
        (155_000.0 + sum(&r), 463_000.0 + sum(&s))
    }
}

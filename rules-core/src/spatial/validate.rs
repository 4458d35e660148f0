//! Validation of untrusted geometry, modelled on geo's `algorithm/validation` (OGC simple
//! features) but reporting where a ring crosses itself, checking the RD New range, and avoiding
//! geo's all-pairs tests (minutes at the vertex counts we allow): rings are checked with a sweep
//! over their segments and a point-in-area index.
//!
//! Not checked (nor by geo): whether rings touching at several points cut a polygon's interior
//! in two.

use std::ops::RangeInclusive;

use std::collections::BTreeMap;

use geo::indexed::IntervalTreeMultiPolygon;
use geo::line_intersection::LineIntersection;
use geo::orient::Direction;
use geo::{
    BoundingRect, Contains, Coord, CoordsIter, Geometry, HasDimensions, LineString, MultiPolygon, Orient, Polygon, Rect,
};

use super::error::{GeometryError, LineRef, RingRef};
use super::segments::{dedup, find_meeting, segments_of};
use super::{kind_of, GeomKind};

/// Most vertices accepted in one geometry. A building permit plan has tens to hundreds; the limit
/// keeps one request from tying up the service.
pub const MAX_VERTICES: usize = 50_000;

/// RD New is defined for the Netherlands and a margin around it (metres).
const RD_X: RangeInclusive<f64> = -7_000.0..=300_000.0;
const RD_Y: RangeInclusive<f64> = 289_000.0..=629_000.0;

/// A ring enclosing less than a square millimetre is a sliver no plan means to draw (and would
/// make "inside" depend on rounding).
const MIN_RING_AREA: f64 = 1e-6;

/// Checks that a geometry is a valid geometry of the `expected` kind in RD New.
///
/// [`parse_geometry`](super::parse_geometry) calls this; call it yourself for geometry that did
/// not come from GeoJSON (converted from WGS84, built by a client library, ...).
///
/// ```
/// use geo::polygon;
/// use rules_core::spatial::{validate, GeomKind, Geometry, GeometryError, RingRef};
///
/// // A bow tie: the exterior ring crosses itself at (100001, 400001).
/// let bow_tie = Geometry::Polygon(polygon![
///     (x: 100000.0, y: 400000.0), (x: 100002.0, y: 400002.0),
///     (x: 100002.0, y: 400000.0), (x: 100000.0, y: 400002.0),
/// ]);
/// assert_eq!(
///     validate(&bow_tie, GeomKind::Area),
///     Err(GeometryError::SelfIntersection {
///         ring: RingRef { polygon: None, ring: 0 }, x: 100001.0, y: 400001.0
///     })
/// );
/// ```
pub fn validate(g: &Geometry, expected: GeomKind) -> Result<(), GeometryError> {
    let found = match (g, kind_of(g)) {
        (Geometry::GeometryCollection(_), _) | (_, None) => {
            return Err(GeometryError::UnsupportedType("GeometryCollection".into()))
        }
        (_, Some(kind)) => kind,
    };
    if found != expected {
        return Err(GeometryError::WrongKind { expected, found });
    }
    if g.is_empty() {
        return Err(GeometryError::Empty);
    }
    let count = g.coords_count();
    if count > MAX_VERTICES {
        return Err(GeometryError::TooManyVertices { count });
    }
    check_coordinates(g)?;
    match g {
        Geometry::Point(_) | Geometry::MultiPoint(_) | Geometry::GeometryCollection(_) => Ok(()),
        Geometry::Line(l) => check_line(&[l.start, l.end], LineRef(None)),
        Geometry::LineString(ls) => check_line(&ls.0, LineRef(None)),
        Geometry::MultiLineString(mls) => {
            mls.iter().enumerate().try_for_each(|(i, ls)| check_line(&ls.0, LineRef(Some(i))))
        }
        Geometry::Polygon(p) => check_polygon(p, None),
        Geometry::MultiPolygon(mp) => {
            for (i, p) in mp.iter().enumerate() {
                check_polygon(p, Some(i))?;
            }
            check_parts(mp)
        }
        Geometry::Rect(r) => check_polygon(&r.to_polygon(), None),
        Geometry::Triangle(t) => check_polygon(&t.to_polygon(), None),
    }
}

fn check_coordinates(g: &Geometry) -> Result<(), GeometryError> {
    for (vertex, c) in g.coords_iter().enumerate() {
        if !c.x.is_finite() || !c.y.is_finite() {
            return Err(GeometryError::NonFiniteCoordinate { vertex });
        }
        if !RD_X.contains(&c.x) || !RD_Y.contains(&c.y) {
            // Degrees are the usual mistake: web maps and GPS speak WGS84.
            let lon_lat = (-180.0..=180.0).contains(&c.x) && (-90.0..=90.0).contains(&c.y);
            return Err(if lon_lat {
                GeometryError::LooksLikeWgs84 { x: c.x, y: c.y }
            } else {
                GeometryError::OutsideRdNew { x: c.x, y: c.y }
            });
        }
    }
    Ok(())
}

fn check_line(coords: &[Coord<f64>], line: LineRef) -> Result<(), GeometryError> {
    let found = dedup(coords).len();
    if found < 2 {
        return Err(GeometryError::TooFewPointsInLine { line, found });
    }
    Ok(())
}

fn check_polygon(p: &Polygon<f64>, polygon: Option<usize>) -> Result<(), GeometryError> {
    for (ring, coords) in std::iter::once(p.exterior()).chain(p.interiors()).enumerate() {
        check_ring(coords, RingRef { polygon, ring })?;
    }
    check_holes(p, polygon)
}

/// Distinct points of a ring: consecutive repeats and the closing position do not count.
pub(crate) fn distinct_ring_points(coords: &[Coord<f64>]) -> usize {
    let points = dedup(coords);
    match (points.first(), points.last()) {
        (Some(first), Some(last)) if points.len() > 1 && first == last => points.len() - 1,
        _ => points.len(),
    }
}

fn check_ring(ring: &LineString<f64>, at: RingRef) -> Result<(), GeometryError> {
    let coords = &ring.0;
    if coords.first() != coords.last() {
        return Err(GeometryError::RingNotClosed { ring: at });
    }
    let found = distinct_ring_points(coords);
    if found < 3 {
        return Err(GeometryError::TooFewPointsInRing { ring: at, found });
    }
    // Before the self-intersection test: a flat ring also "intersects itself", but saying it has
    // no area is the clearer message.
    if all_on_one_line(coords) {
        return Err(GeometryError::ZeroArea { ring: at });
    }
    check_simple_ring(coords, at)?;
    // Only meaningful for a simple ring: a bow tie's two halves cancel out in the shoelace sum.
    if ring_area(coords) < MIN_RING_AREA {
        return Err(GeometryError::ZeroArea { ring: at });
    }
    Ok(())
}

/// True when every point lies within a micrometre of the line through the first point and the
/// point farthest from it.
fn all_on_one_line(coords: &[Coord<f64>]) -> bool {
    let Some(&origin) = coords.first() else {
        return true;
    };
    let offset = |c: &Coord<f64>| (c.x - origin.x, c.y - origin.y);
    let length = |(dx, dy): (f64, f64)| dx.hypot(dy);
    let far = coords.iter().map(offset).max_by(|a, b| length(*a).total_cmp(&length(*b))).unwrap_or((0.0, 0.0));
    let reach = length(far);
    if reach == 0.0 {
        return true;
    }
    coords.iter().map(offset).all(|(dx, dy)| (dx * far.1 - dy * far.0).abs() / reach < 1e-6)
}

/// Unsigned shoelace area, computed relative to the first point: RD coordinates are around
/// 10^5 m, and their products would lose the millimetres.
fn ring_area(coords: &[Coord<f64>]) -> f64 {
    let Some(origin) = coords.first() else {
        return 0.0;
    };
    let twice: f64 = coords
        .windows(2)
        .map(|w| match w {
            [a, b] => (a.x - origin.x) * (b.y - origin.y) - (b.x - origin.x) * (a.y - origin.y),
            _ => 0.0,
        })
        .sum();
    twice.abs() / 2.0
}

/// A ring may meet itself only where consecutive segments share their vertex.
fn check_simple_ring(coords: &[Coord<f64>], at: RingRef) -> Result<(), GeometryError> {
    let mut segments = segments_of(coords, 0);
    let last = segments.len().saturating_sub(1);
    // Consecutive segments, and the last with the first (which closes the ring).
    let adjacent = |i: usize, j: usize| i.abs_diff(j) == 1 || (i.min(j) == 0 && i.max(j) == last);
    let crossing = find_meeting(&mut segments, |a, b, meet| match meet {
        LineIntersection::SinglePoint { .. } if adjacent(a.index, b.index) => None,
        LineIntersection::SinglePoint { intersection, .. } => Some(intersection),
        // Overlapping segments: a spike doubling back, or two stretches of the ring on top of
        // each other.
        LineIntersection::Collinear { intersection } => Some(intersection.start),
    });
    match crossing {
        Some(c) => Err(GeometryError::SelfIntersection { ring: at, x: c.x, y: c.y }),
        None => Ok(()),
    }
}

/// Holes must lie inside the exterior and outside each other; rings may touch only at points.
fn check_holes(p: &Polygon<f64>, polygon: Option<usize>) -> Result<(), GeometryError> {
    if p.interiors().is_empty() {
        return Ok(());
    }
    let at = |ring: usize| RingRef { polygon, ring };
    let rings: Vec<&LineString<f64>> = std::iter::once(p.exterior()).chain(p.interiors()).collect();
    let contacts = ring_contacts(&rings, |_, _| false).map_err(|meeting| match meeting {
        Meeting::Cross(0, hole) | Meeting::Cross(hole, 0) => GeometryError::HoleOutsideExterior { hole: at(hole) },
        Meeting::Cross(a, b) | Meeting::Share(a, b) => {
            GeometryError::RingsOverlap { first: at(a.min(b)), second: at(a.max(b)) }
        }
    })?;
    let probes: Vec<Vec<Coord<f64>>> = rings.iter().enumerate().map(|(r, ring)| probes(ring, r, &contacts)).collect();

    let exterior = area_index(Polygon::new(p.exterior().clone(), vec![]));
    for (ring, ring_probes) in probes.iter().enumerate().skip(1) {
        if !ring_probes.iter().all(|q| exterior.contains(q)) {
            return Err(GeometryError::HoleOutsideExterior { hole: at(ring) });
        }
    }
    // Holes as areas, numbered like `rings` (0 is the exterior's slot, never paired).
    let holes: Vec<Polygon<f64>> = rings.iter().map(|r| Polygon::new((*r).clone(), vec![])).collect();
    let mut test = OverlapTest::new(&holes, &probes);
    for (a, b) in overlapping_boxes(holes.get(1..).unwrap_or_default()) {
        let (a, b) = (a + 1, b + 1);
        if test.overlap(a, b) {
            return Err(GeometryError::RingsOverlap { first: at(a), second: at(b) });
        }
    }
    Ok(())
}

/// Polygons of a MultiPolygon may not overlap, and may touch only at points.
fn check_parts(mp: &MultiPolygon<f64>) -> Result<(), GeometryError> {
    let mut rings: Vec<&LineString<f64>> = Vec::new();
    let mut part_of: Vec<usize> = Vec::new();
    for (part, p) in mp.iter().enumerate() {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            rings.push(ring);
            part_of.push(part);
        }
    }
    let part = |ring: usize| part_of.get(ring).copied().unwrap_or_default();
    // Rings of one part were checked against each other by check_holes.
    let contacts = ring_contacts(&rings, |a, b| part(a) == part(b)).map_err(|meeting| {
        let (Meeting::Cross(a, b) | Meeting::Share(a, b)) = meeting;
        GeometryError::PartsOverlap { first: part(a).min(part(b)), second: part(a).max(part(b)) }
    })?;
    // Probes of a part: those of all its rings.
    let mut probes: Vec<Vec<Coord<f64>>> = vec![Vec::new(); mp.0.len()];
    for (r, ring) in rings.iter().enumerate() {
        if let Some(list) = probes.get_mut(part(r)) {
            list.extend(self::probes(ring, r, &contacts));
        }
    }
    let mut test = OverlapTest::new(&mp.0, &probes);
    for (first, second) in overlapping_boxes(&mp.0) {
        if test.overlap(first, second) {
            return Err(GeometryError::PartsOverlap { first, second });
        }
    }
    Ok(())
}

/// How two different rings meet, when that is not allowed: crossing, or sharing a stretch.
enum Meeting {
    Cross(usize, usize),
    Share(usize, usize),
}

/// Points where different rings touch, by (ring, segment index).
type Contacts = BTreeMap<(usize, usize), Vec<Coord<f64>>>;

/// Finds where different rings meet (`skip` pairs excepted). Touching at a point is allowed and
/// recorded; a proper crossing or a shared stretch is returned as the error.
fn ring_contacts(rings: &[&LineString<f64>], skip: impl Fn(usize, usize) -> bool) -> Result<Contacts, Meeting> {
    let mut segments: Vec<_> = rings.iter().enumerate().flat_map(|(r, ring)| segments_of(&ring.0, r)).collect();
    let mut contacts = Contacts::new();
    let problem = find_meeting(&mut segments, |a, b, meet| {
        if a.part == b.part || skip(a.part, b.part) {
            return None;
        }
        match meet {
            LineIntersection::SinglePoint { is_proper: true, .. } => Some(Meeting::Cross(a.part, b.part)),
            LineIntersection::SinglePoint { intersection, .. } => {
                contacts.entry((a.part, a.index)).or_default().push(intersection);
                contacts.entry((b.part, b.index)).or_default().push(intersection);
                None
            }
            LineIntersection::Collinear { .. } => Some(Meeting::Share(a.part, b.part)),
        }
    });
    match problem {
        Some(meeting) => Err(meeting),
        None => Ok(contacts),
    }
}

/// Points on a ring, one on every stretch between places where other rings touch it.
///
/// Between touching points a stretch of ring is entirely inside or entirely outside any other
/// ring (they do not cross), so one point per stretch tells where the whole ring lies. A ring
/// nobody touches needs a single probe.
fn probes(ring: &LineString<f64>, r: usize, contacts: &Contacts) -> Vec<Coord<f64>> {
    let segments = segments_of(&ring.0, r);
    let midpoint = |p: Coord<f64>, q: Coord<f64>| Coord { x: (p.x + q.x) / 2.0, y: (p.y + q.y) / 2.0 };
    let touched = contacts.range((r, 0)..=(r, usize::MAX)).next().is_some();
    if !touched {
        return segments.first().map(|s| midpoint(s.line.start, s.line.end)).into_iter().collect();
    }
    let mut out = Vec::new();
    for s in &segments {
        let (start, end) = (s.line.start, s.line.end);
        let mut stops = vec![start, end];
        stops.extend(contacts.get(&(r, s.index)).into_iter().flatten());
        let along = |c: &Coord<f64>| (c.x - start.x).hypot(c.y - start.y);
        crate::sort::sort_by(&mut stops, |p, q| along(p).total_cmp(&along(q)));
        stops.dedup();
        out.extend(stops.windows(2).filter_map(|w| match w {
            [p, q] => Some(midpoint(*p, *q)),
            _ => None,
        }));
    }
    out
}

/// Tells whether areas overlap from their probes, building each area's index once.
struct OverlapTest<'a> {
    areas: &'a [Polygon<f64>],
    probes: &'a [Vec<Coord<f64>>],
    indexes: Vec<Option<IntervalTreeMultiPolygon<f64>>>,
}

impl<'a> OverlapTest<'a> {
    fn new(areas: &'a [Polygon<f64>], probes: &'a [Vec<Coord<f64>>]) -> Self {
        let indexes = areas.iter().map(|_| None).collect();
        OverlapTest { areas, probes, indexes }
    }

    /// Areas that neither cross nor share edges overlap exactly when a probe of one lies
    /// strictly inside the other.
    fn overlap(&mut self, a: usize, b: usize) -> bool {
        self.probe_inside(a, b) || self.probe_inside(b, a)
    }

    fn probe_inside(&mut self, probe_of: usize, area: usize) -> bool {
        let (Some(points), Some(polygon), Some(slot)) =
            (self.probes.get(probe_of), self.areas.get(area), self.indexes.get_mut(area))
        else {
            return false;
        };
        let index = slot.get_or_insert_with(|| area_index(polygon.clone()));
        points.iter().any(|q| index.contains(q))
    }
}

/// A point-in-area index (an interval tree over the edges: logarithmic per query where geo's
/// plain containment test walks every edge).
fn area_index(polygon: Polygon<f64>) -> IntervalTreeMultiPolygon<f64> {
    // The index counts windings, so holes must wind against the exterior.
    IntervalTreeMultiPolygon::new(&MultiPolygon::new(vec![polygon.orient(Direction::Default)]))
}

/// Index pairs `(i, j)`, `i < j`, of polygons whose bounding boxes meet: only those can overlap,
/// and there are few of them, where testing all pairs would be quadratic.
fn overlapping_boxes(polygons: &[Polygon<f64>]) -> Vec<(usize, usize)> {
    let mut boxes: Vec<(usize, Rect<f64>)> =
        polygons.iter().enumerate().filter_map(|(i, p)| Some((i, p.bounding_rect()?))).collect();
    crate::sort::sort_by(&mut boxes, |a, b| a.1.min().x.total_cmp(&b.1.min().x));
    let mut pairs = Vec::new();
    for (k, (i, a)) in boxes.iter().enumerate() {
        for (j, b) in boxes.get(k + 1..).unwrap_or_default() {
            if b.min().x > a.max().x {
                break;
            }
            if b.min().y <= a.max().y && b.max().y >= a.min().y {
                pairs.push(((*i).min(*j), (*i).max(*j)));
            }
        }
    }
    crate::sort::sort(&mut pairs);
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{coord, line_string, point, polygon, Line, MultiLineString, MultiPoint};

    const X: f64 = 150_000.0;
    const Y: f64 = 450_000.0;

    /// A square in RD New with its lower left corner at (X + x, Y + y).
    fn square(x: f64, y: f64, size: f64) -> Polygon<f64> {
        polygon![
            (x: X + x, y: Y + y), (x: X + x + size, y: Y + y),
            (x: X + x + size, y: Y + y + size), (x: X + x, y: Y + y + size),
        ]
    }

    fn ring(x: f64, y: f64, size: f64) -> LineString<f64> {
        square(x, y, size).exterior().clone()
    }

    #[test]
    fn accepts_valid_shapes() {
        let with_hole = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(2.0, 2.0, 2.0)]);
        assert_eq!(validate(&Geometry::Polygon(with_hole), GeomKind::Area), Ok(()));
        // Touching at one corner is allowed for the parts of a MultiPolygon.
        let mp = MultiPolygon::new(vec![square(0.0, 0.0, 1.0), square(1.0, 1.0, 1.0)]);
        assert_eq!(validate(&Geometry::MultiPolygon(mp), GeomKind::Area), Ok(()));
        let pt = Geometry::Point(point!(x: X, y: Y));
        assert_eq!(validate(&pt, GeomKind::Point), Ok(()));
        let line = Geometry::Line(Line::new(coord! {x: X, y: Y}, coord! {x: X + 1.0, y: Y}));
        assert_eq!(validate(&line, GeomKind::Line), Ok(()));
        assert_eq!(validate(&Geometry::Rect(square(0.0, 0.0, 1.0).bounding_rect().unwrap()), GeomKind::Area), Ok(()));
    }

    #[test]
    fn wrong_kind_and_empty() {
        let pt = Geometry::Point(point!(x: X, y: Y));
        assert_eq!(
            validate(&pt, GeomKind::Area),
            Err(GeometryError::WrongKind { expected: GeomKind::Area, found: GeomKind::Point })
        );
        let empty = Geometry::MultiPoint(MultiPoint::new(vec![]));
        assert_eq!(validate(&empty, GeomKind::Point), Err(GeometryError::Empty));
        let gc = Geometry::GeometryCollection(geo::GeometryCollection::new_from(vec![pt]));
        assert!(matches!(validate(&gc, GeomKind::Point), Err(GeometryError::UnsupportedType(_))));
    }

    #[test]
    fn non_finite_coordinate() {
        let nan = Geometry::LineString(line_string![(x: X, y: Y), (x: f64::NAN, y: Y)]);
        assert_eq!(validate(&nan, GeomKind::Line), Err(GeometryError::NonFiniteCoordinate { vertex: 1 }));
        let inf = Geometry::Point(point!(x: X, y: f64::INFINITY));
        assert_eq!(validate(&inf, GeomKind::Point), Err(GeometryError::NonFiniteCoordinate { vertex: 0 }));
    }

    #[test]
    fn wgs84_and_out_of_range() {
        let otterlo_lonlat = Geometry::Point(point!(x: 5.77, y: 52.1));
        let err = validate(&otterlo_lonlat, GeomKind::Point).unwrap_err();
        assert_eq!(err, GeometryError::LooksLikeWgs84 { x: 5.77, y: 52.1 });
        assert!(err.to_string().starts_with(
            "coordinates look like longitude/latitude (WGS84); this input must be in RD New \
             (EPSG:28992) metres"
        ));
        let far = Geometry::Point(point!(x: 1_000_000.0, y: 450_000.0));
        assert_eq!(validate(&far, GeomKind::Point), Err(GeometryError::OutsideRdNew { x: 1_000_000.0, y: 450_000.0 }));
    }

    #[test]
    fn too_few_points() {
        let line = Geometry::LineString(line_string![(x: X, y: Y), (x: X, y: Y)]);
        assert_eq!(
            validate(&line, GeomKind::Line),
            Err(GeometryError::TooFewPointsInLine { line: LineRef(None), found: 1 })
        );
        let mls = Geometry::MultiLineString(MultiLineString::new(vec![
            line_string![(x: X, y: Y), (x: X + 1.0, y: Y)],
            line_string![(x: X, y: Y)],
        ]));
        assert_eq!(
            validate(&mls, GeomKind::Line),
            Err(GeometryError::TooFewPointsInLine { line: LineRef(Some(1)), found: 1 })
        );
        let two = Geometry::Polygon(polygon![(x: X, y: Y), (x: X + 1.0, y: Y), (x: X, y: Y)]);
        assert_eq!(
            validate(&two, GeomKind::Area),
            Err(GeometryError::TooFewPointsInRing { ring: RingRef { polygon: None, ring: 0 }, found: 2 })
        );
    }

    #[test]
    fn ring_not_closed() {
        // geo closes the rings it builds, so only a hand-made ring can be open; GeoJSON input is
        // checked before conversion (see the geojson tests).
        let open_ring = LineString::new(vec![
            coord! {x: X, y: Y},
            coord! {x: X + 1.0, y: Y},
            coord! {x: X + 1.0, y: Y + 1.0},
            coord! {x: X, y: Y + 1.0},
        ]);
        let at = RingRef { polygon: Some(1), ring: 2 };
        assert_eq!(check_ring(&open_ring, at), Err(GeometryError::RingNotClosed { ring: at }));
        assert_eq!(
            GeometryError::RingNotClosed { ring: at }.to_string(),
            "hole #1 of polygon #1 is not closed: its last position must repeat its first"
        );
    }

    #[test]
    fn zero_area() {
        let flat = Geometry::Polygon(polygon![
            (x: X, y: Y), (x: X + 1.0, y: Y), (x: X + 2.0, y: Y),
        ]);
        assert_eq!(
            validate(&flat, GeomKind::Area),
            Err(GeometryError::ZeroArea { ring: RingRef { polygon: None, ring: 0 } })
        );
    }

    #[test]
    fn self_intersection_names_the_point() {
        let bow_tie = Geometry::Polygon(polygon![
            (x: X, y: Y), (x: X + 2.0, y: Y + 2.0), (x: X + 2.0, y: Y), (x: X, y: Y + 2.0),
        ]);
        let err = validate(&bow_tie, GeomKind::Area).unwrap_err();
        assert_eq!(
            err,
            GeometryError::SelfIntersection { ring: RingRef { polygon: None, ring: 0 }, x: X + 1.0, y: Y + 1.0 }
        );
        assert_eq!(err.to_string(), "exterior ring intersects itself near (150001.000, 450001.000)");
        // A spike: out to (X+3, Y) and straight back.
        let spike = Geometry::Polygon(polygon![
            (x: X, y: Y), (x: X + 3.0, y: Y), (x: X + 1.0, y: Y), (x: X + 1.0, y: Y + 1.0),
            (x: X, y: Y + 1.0),
        ]);
        assert!(matches!(validate(&spike, GeomKind::Area), Err(GeometryError::SelfIntersection { .. })));
    }

    #[test]
    fn holes_must_be_inside_and_apart() {
        let outside = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(20.0, 20.0, 1.0)]);
        assert_eq!(
            validate(&Geometry::Polygon(outside), GeomKind::Area),
            Err(GeometryError::HoleOutsideExterior { hole: RingRef { polygon: None, ring: 1 } })
        );
        let overlapping = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(1.0, 1.0, 3.0), ring(2.0, 2.0, 3.0)]);
        assert_eq!(
            validate(&Geometry::Polygon(overlapping), GeomKind::Area),
            Err(GeometryError::RingsOverlap {
                first: RingRef { polygon: None, ring: 1 },
                second: RingRef { polygon: None, ring: 2 }
            })
        );
        let on_edge = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(0.0, 2.0, 3.0)]);
        assert_eq!(
            validate(&Geometry::Polygon(on_edge), GeomKind::Area),
            Err(GeometryError::RingsOverlap {
                first: RingRef { polygon: None, ring: 0 },
                second: RingRef { polygon: None, ring: 1 }
            })
        );
        let crossing = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(8.0, 2.0, 3.0)]);
        assert_eq!(
            validate(&Geometry::Polygon(crossing), GeomKind::Area),
            Err(GeometryError::HoleOutsideExterior { hole: RingRef { polygon: None, ring: 1 } })
        );
        let nested = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(1.0, 1.0, 6.0), ring(2.0, 2.0, 1.0)]);
        assert_eq!(
            validate(&Geometry::Polygon(nested), GeomKind::Area),
            Err(GeometryError::RingsOverlap {
                first: RingRef { polygon: None, ring: 1 },
                second: RingRef { polygon: None, ring: 2 }
            })
        );
        // A diamond hole whose corners touch the exterior's edges, and a second hole touching the
        // first at a corner: touching at points is allowed.
        let diamond =
            LineString::from(vec![(X + 5.0, Y), (X + 10.0, Y + 5.0), (X + 5.0, Y + 10.0), (X, Y + 5.0), (X + 5.0, Y)]);
        let touching = Polygon::new(ring(0.0, 0.0, 10.0), vec![diamond, ring(0.5, 0.5, 1.0)]);
        assert_eq!(validate(&Geometry::Polygon(touching), GeomKind::Area), Ok(()));
        // A hole running through the base of a U and closing across the gap between its arms:
        // it touches the exterior only at two corners and crosses no edge, yet is not inside.
        let u_shape = LineString::from(vec![
            (X, Y),
            (X + 9.0, Y),
            (X + 9.0, Y + 9.0),
            (X + 6.0, Y + 9.0),
            (X + 6.0, Y + 3.0),
            (X + 3.0, Y + 3.0),
            (X + 3.0, Y + 9.0),
            (X, Y + 9.0),
            (X, Y),
        ]);
        let bridge = LineString::from(vec![
            (X + 3.0, Y + 6.0),
            (X + 1.0, Y + 5.0),
            (X + 1.0, Y + 1.0),
            (X + 8.0, Y + 1.0),
            (X + 8.0, Y + 5.0),
            (X + 6.0, Y + 6.0),
            (X + 3.0, Y + 6.0),
        ]);
        assert_eq!(
            validate(&Geometry::Polygon(Polygon::new(u_shape, vec![bridge])), GeomKind::Area),
            Err(GeometryError::HoleOutsideExterior { hole: RingRef { polygon: None, ring: 1 } })
        );
    }

    #[test]
    fn parts_must_not_overlap() {
        let mp = MultiPolygon::new(vec![square(0.0, 0.0, 1.0), square(5.0, 5.0, 1.0), square(0.5, 0.5, 1.0)]);
        assert_eq!(
            validate(&Geometry::MultiPolygon(mp), GeomKind::Area),
            Err(GeometryError::PartsOverlap { first: 0, second: 2 })
        );
        let sharing_edge = MultiPolygon::new(vec![square(0.0, 0.0, 1.0), square(1.0, 0.0, 1.0)]);
        assert_eq!(
            validate(&Geometry::MultiPolygon(sharing_edge), GeomKind::Area),
            Err(GeometryError::PartsOverlap { first: 0, second: 1 })
        );
        let inside = MultiPolygon::new(vec![square(0.0, 0.0, 10.0), square(2.0, 2.0, 1.0)]);
        assert_eq!(
            validate(&Geometry::MultiPolygon(inside), GeomKind::Area),
            Err(GeometryError::PartsOverlap { first: 0, second: 1 })
        );
        // An island in a lake is fine: the second part lies in the first part's hole.
        let lake = Polygon::new(ring(0.0, 0.0, 10.0), vec![ring(2.0, 2.0, 6.0)]);
        let island = MultiPolygon::new(vec![lake.clone(), square(3.0, 3.0, 2.0)]);
        assert_eq!(validate(&Geometry::MultiPolygon(island), GeomKind::Area), Ok(()));
        let too_big = MultiPolygon::new(vec![lake, square(1.0, 3.0, 2.0)]);
        assert_eq!(
            validate(&Geometry::MultiPolygon(too_big), GeomKind::Area),
            Err(GeometryError::PartsOverlap { first: 0, second: 1 })
        );
    }

    #[test]
    fn too_many_vertices() {
        let coords: Vec<_> = (0..=MAX_VERTICES).map(|i| coord! {x: X + i as f64, y: Y + (i % 2) as f64}).collect();
        let line = Geometry::LineString(LineString::new(coords));
        assert_eq!(validate(&line, GeomKind::Line), Err(GeometryError::TooManyVertices { count: MAX_VERTICES + 1 }));
    }

    #[test]
    fn a_large_valid_ring_validates_quickly() {
        // A circle with MAX_VERTICES - 1 vertices: the quadratic check would take minutes.
        let n = MAX_VERTICES - 1;
        let coords: Vec<_> = (0..n)
            .map(|i| {
                let t = i as f64 / n as f64 * std::f64::consts::TAU;
                coord! {x: X + 100.0 * t.cos(), y: Y + 100.0 * t.sin()}
            })
            .collect();
        let circle = Geometry::Polygon(Polygon::new(LineString::new(coords), vec![]));
        let start = std::time::Instant::now();
        assert_eq!(validate(&circle, GeomKind::Area), Ok(()));
        assert!(start.elapsed().as_secs() < 10, "took {:?}", start.elapsed());
    }

    // Random rings on a coarse grid: many are degenerate (repeated points, spikes, bow ties).
    fn grid_ring() -> impl proptest::strategy::Strategy<Value = Vec<(u8, u8)>> {
        proptest::collection::vec((0u8..5, 0u8..5), 3..8)
    }

    fn to_ring(points: &[(u8, u8)], offset: f64) -> LineString<f64> {
        points.iter().map(|&(x, y)| (X + offset + f64::from(x), Y + f64::from(y))).collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            failure_persistence: None,
            ..Default::default()
        })]

        #[test]
        fn accepted_rings_are_valid_for_geo_too(exterior in grid_ring(), hole in grid_ring()) {
            // One direction only: geo accepts some rings that OGC calls invalid (a ring touching
            // itself at a vertex, a spike), which this validation refuses.
            use geo::Validation;
            let p = Polygon::new(to_ring(&exterior, 0.0), vec![]);
            if validate(&Geometry::Polygon(p.clone()), GeomKind::Area).is_ok() {
                proptest::prop_assert!(p.is_valid(), "{:?}", p.validation_errors());
            }
            // The hole's grid spans the square, so it may touch the exterior at a point or a line.
            let with_hole = Polygon::new(ring(0.0, 0.0, 4.0), vec![to_ring(&hole, 0.0)]);
            if validate(&Geometry::Polygon(with_hole.clone()), GeomKind::Area).is_ok() {
                proptest::prop_assert!(with_hole.is_valid(), "{:?}", with_hole.validation_errors());
            }
            let two = MultiPolygon::new(vec![p, Polygon::new(to_ring(&hole, 2.0), vec![])]);
            if validate(&Geometry::MultiPolygon(two.clone()), GeomKind::Area).is_ok() {
                proptest::prop_assert!(two.is_valid(), "{:?}", two.validation_errors());
            }
        }

        #[test]
        fn operations_survive_any_accepted_polygon(exterior in grid_ring(), other in grid_ring()) {
            use crate::spatial::*;
            let a = Geometry::Polygon(Polygon::new(to_ring(&exterior, 0.0), vec![]));
            let b = Geometry::Polygon(Polygon::new(to_ring(&other, 1.0), vec![]));
            if validate(&a, GeomKind::Area).is_ok() && validate(&b, GeomKind::Area).is_ok() {
                let shared = area(&intersection(&a, &b));
                proptest::prop_assert!(shared <= area(&a).min(area(&b)) + 1e-3);
                let _ = (location(&a, &b), union(&a, &b), difference(&a, &b), buffer(&a, -0.3));
                let _ = (distance(&a, &b), boundary(&a), within(&a, &b), overlaps(&a, &b));
            }
        }
    }
}

//! Lines cut by areas, and buffers built from segment strips and vertex discs.
//!
//! geo does both with i_overlay (`BooleanOps::clip`: its string overlay; `Buffer`: its outline and
//! stroke builders). Each brought its own copies of i_overlay's sweep, graph and sort code: about
//! 50 KB of the 1 MB browser module. Here a line is cut where the segment sweep finds it crossing
//! a ring, and a buffer is the union (or, shrinking, the difference) of simple shapes, through the
//! one polygon overlay the engine already has.

use std::f64::consts::PI;

use geo::coordinate_position::{CoordPos, CoordinatePosition};
use geo::line_intersection::LineIntersection;
use geo::orient::{Direction, Orient};
use geo::{BooleanOps, Coord, LineString, MultiLineString, MultiPolygon, Polygon};

use super::segments::{dedup, find_meeting, segments_of};

/// The stretches of `lines` inside `areas` (`inside`), or strictly outside them (`!inside`). A
/// stretch along an area's boundary counts as inside, as in geo's `clip`. Each line keeps its
/// direction and its vertices; consecutive kept stretches stay one line.
pub(crate) fn clip_lines(
    lines: &MultiLineString<f64>,
    areas: &MultiPolygon<f64>,
    inside: bool,
) -> MultiLineString<f64> {
    let rings: Vec<_> = areas
        .iter()
        .flat_map(|p| std::iter::once(p.exterior()).chain(p.interiors()))
        .flat_map(|r| segments_of(&r.0, 0))
        .collect();
    let mut out = Vec::new();
    for line in lines {
        let points = dedup(&line.0);
        if points.len() < 2 {
            continue;
        }
        // Per segment of the line: where rings cross it, and the stretches it shares with a ring.
        let mut cuts: Vec<Vec<Coord<f64>>> = vec![Vec::new(); points.len() - 1];
        let mut shared: Vec<Vec<(Coord<f64>, Coord<f64>)>> = vec![Vec::new(); points.len() - 1];
        let mut segments = segments_of(&points, 1);
        segments.extend(rings.iter().copied());
        find_meeting(&mut segments, |s, t, meet| {
            let own = if s.part == 1 && t.part == 0 {
                s.index
            } else if t.part == 1 && s.part == 0 {
                t.index
            } else {
                return None::<()>;
            };
            match (meet, cuts.get_mut(own), shared.get_mut(own)) {
                (LineIntersection::SinglePoint { intersection, .. }, Some(c), _) => c.push(intersection),
                (LineIntersection::Collinear { intersection }, Some(c), Some(s)) => {
                    c.extend([intersection.start, intersection.end]);
                    s.push((intersection.start, intersection.end));
                }
                _ => {}
            }
            None
        });
        let mut current: Vec<Coord<f64>> = Vec::new();
        for (i, w) in points.windows(2).enumerate() {
            let &[a, b] = w else { continue };
            let at = |c: &Coord<f64>| along(a, b, *c);
            let mut stops: Vec<(f64, Coord<f64>)> = vec![(0.0, a), (1.0, b)];
            stops.extend(cuts.get(i).into_iter().flatten().map(|c| (at(c).clamp(0.0, 1.0), *c)));
            crate::sort::sort_by(&mut stops, |x, y| x.0.total_cmp(&y.0));
            let on_ring = shared.get(i).map(Vec::as_slice).unwrap_or_default();
            for pair in stops.windows(2) {
                let &[(t0, p), (t1, q)] = pair else { continue };
                if p == q || t0 == t1 {
                    continue;
                }
                let mid = (t0 + t1) / 2.0;
                let boundary = on_ring.iter().any(|(s, e)| {
                    let (s, e) = (at(s), at(e));
                    s.min(e) <= mid && mid <= s.max(e)
                });
                let m = Coord { x: (p.x + q.x) / 2.0, y: (p.y + q.y) / 2.0 };
                let covered = boundary || areas.iter().any(|poly| poly.coordinate_position(&m) != CoordPos::Outside);
                if covered == inside {
                    if current.last() != Some(&p) {
                        flush(&mut current, &mut out);
                        current.push(p);
                    }
                    current.push(q);
                } else {
                    flush(&mut current, &mut out);
                }
            }
        }
        flush(&mut current, &mut out);
    }
    MultiLineString::new(out)
}

/// Where `c` lies along `a`-`b`, as a fraction of its length (0 at `a`, 1 at `b`).
fn along(a: Coord<f64>, b: Coord<f64>, c: Coord<f64>) -> f64 {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    ((c.x - a.x) * dx + (c.y - a.y) * dy) / (dx * dx + dy * dy)
}

fn flush(current: &mut Vec<Coord<f64>>, out: &mut Vec<LineString<f64>>) {
    if current.len() >= 2 {
        out.push(LineString::new(std::mem::take(current)));
    }
    current.clear();
}

/// Distances below a micrometre are 0: i_overlay's integer grid cannot hold shapes that small
/// next to RD coordinates (and overflows on them).
const TINY: f64 = 1e-6;

/// Segments per full circle of a round join: one every 0.2 radians, as geo's buffer does.
const CIRCLE_SEGMENTS: usize = 32;

/// The points within `r` of a polyline (r > 0): a strip along each segment and a disc at each
/// vertex, all counter-clockwise, to be unioned. A single point is a disc.
fn strips_and_discs(coords: &[Coord<f64>], r: f64, out: &mut Vec<Polygon<f64>>) {
    let points = dedup(coords);
    for w in points.windows(2) {
        let &[a, b] = w else { continue };
        let len = (b.x - a.x).hypot(b.y - a.y);
        let n = Coord { x: -(b.y - a.y) / len * r, y: (b.x - a.x) / len * r };
        out.push(Polygon::new(LineString::new(vec![a - n, b - n, b + n, a + n, a - n]), vec![]));
    }
    for c in points {
        // The disc geo's buffer draws around a point: starting at the far left, counter-clockwise.
        let ring: Vec<Coord<f64>> = (0..=CIRCLE_SEGMENTS)
            .map(|i| {
                let angle = 2.0 * PI / CIRCLE_SEGMENTS as f64 * (i % CIRCLE_SEGMENTS) as f64 + PI;
                Coord { x: c.x + r * angle.cos(), y: c.y + r * angle.sin() }
            })
            .collect();
        out.push(Polygon::new(LineString::new(ring), vec![]));
    }
}

/// The area within `d` of `areas` (d > 0: grown, round corners), or what stays of them when every
/// point within `-d` of their boundary is taken away (d < 0).
pub(crate) fn buffer_areas(areas: &MultiPolygon<f64>, d: f64) -> MultiPolygon<f64> {
    if d.abs() < TINY {
        return geo::unary_union(&areas.0);
    }
    let mut pieces = Vec::new();
    for p in areas {
        for ring in std::iter::once(p.exterior()).chain(p.interiors()) {
            strips_and_discs(&ring.0, d.abs(), &mut pieces);
        }
    }
    if !finite(&pieces) {
        return MultiPolygon::new(vec![]);
    }
    if d > 0.0 {
        // The areas first: unary_union takes its fill rule from the first ring's winding.
        let mut all = areas.orient(Direction::Default).0;
        all.append(&mut pieces);
        geo::unary_union(&all)
    } else {
        areas.difference(&geo::unary_union(&pieces))
    }
}

/// The area within `d` (> 0) of some lines (a single point is a line of one point).
pub(crate) fn buffer_lines_points(lines: &[&[Coord<f64>]], d: f64) -> MultiPolygon<f64> {
    if d < TINY {
        return MultiPolygon::new(vec![]);
    }
    let mut pieces = Vec::new();
    for coords in lines {
        strips_and_discs(coords, d, &mut pieces);
    }
    if !finite(&pieces) {
        return MultiPolygon::new(vec![]);
    }
    geo::unary_union(&pieces)
}

/// i_overlay asserts on non-finite coordinates; an absurd distance can make them.
fn finite(pieces: &[Polygon<f64>]) -> bool {
    pieces.iter().flat_map(|p| p.exterior().0.iter()).all(|c| c.x.is_finite() && c.y.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::{area, length};
    use geo::{line_string, polygon, Buffer, Geometry};

    fn square(x: f64, y: f64, s: f64) -> MultiPolygon<f64> {
        MultiPolygon::new(vec![polygon![(x: x, y: y), (x: x + s, y: y), (x: x + s, y: y + s), (x: x, y: y + s)]])
    }

    #[test]
    fn a_line_is_cut_where_it_crosses_the_rings() {
        let area = square(0.0, 0.0, 10.0);
        let fence = MultiLineString::new(vec![line_string![(x: -5.0, y: 5.0), (x: 5.0, y: 5.0), (x: 5.0, y: 15.0)]]);
        let inside = clip_lines(&fence, &area, true);
        assert_eq!(inside.0, vec![line_string![(x: 0.0, y: 5.0), (x: 5.0, y: 5.0), (x: 5.0, y: 10.0)]]);
        let outside = clip_lines(&fence, &area, false);
        assert_eq!(length(&Geometry::MultiLineString(outside)), 10.0);
        // Along the boundary: inside, never outside; touching a corner from outside: outside.
        let along = MultiLineString::new(vec![line_string![(x: 2.0, y: 0.0), (x: 8.0, y: 0.0)]]);
        assert_eq!(length(&Geometry::MultiLineString(clip_lines(&along, &area, true))), 6.0);
        assert!(clip_lines(&along, &area, false).0.is_empty());
        let touching =
            MultiLineString::new(vec![line_string![(x: -1.0, y: 11.0), (x: 10.0, y: 10.0), (x: 11.0, y: -1.0)]]);
        assert!(clip_lines(&touching, &area, true).0.is_empty());
        assert_eq!(clip_lines(&touching, &area, false).0.len(), 1);
        // A hole is outside.
        let holed = MultiPolygon::new(vec![polygon!(
            exterior: [(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)],
            interiors: [[(x: 4.0, y: 4.0), (x: 6.0, y: 4.0), (x: 6.0, y: 6.0), (x: 4.0, y: 6.0)]],
        )]);
        let through = MultiLineString::new(vec![line_string![(x: 0.0, y: 5.0), (x: 10.0, y: 5.0)]]);
        assert_eq!(clip_lines(&through, &holed, true).0.len(), 2);
        assert_eq!(length(&Geometry::MultiLineString(clip_lines(&through, &holed, false))), 2.0);
    }

    #[test]
    fn a_buffer_is_within_millimetres_of_geos() {
        let house = polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 8.0), (x: 4.0, y: 8.0), (x: 4.0, y: 12.0), (x: 0.0, y: 12.0)];
        let areas = MultiPolygon::new(vec![house.clone()]);
        for d in [4.0, 0.1, -1.0, -0.1] {
            let ours = Geometry::MultiPolygon(buffer_areas(&areas, d));
            let theirs = Geometry::MultiPolygon(house.buffer(d));
            let apart = area(&Geometry::MultiPolygon(
                MultiPolygon::new(vec![]).union(&ours_minus(&ours, &theirs)).union(&ours_minus(&theirs, &ours)),
            ));
            // The round corners are polygons of 32 sides in both, not at the same angles.
            assert!(apart < 0.02 * d.abs() * d.abs() + 1e-6, "d = {d}: {apart} m² apart");
        }
        let fence = line_string![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 5.0)];
        let ours = area(&Geometry::MultiPolygon(buffer_lines_points(&[&fence.0], 1.0)));
        let theirs = area(&Geometry::MultiPolygon(fence.buffer(1.0)));
        assert!((ours - theirs).abs() < 0.05, "{ours} vs {theirs}");
    }

    fn ours_minus(a: &Geometry, b: &Geometry) -> MultiPolygon<f64> {
        match (a, b) {
            (Geometry::MultiPolygon(a), Geometry::MultiPolygon(b)) => a.difference(b),
            _ => MultiPolygon::new(vec![]),
        }
    }
}

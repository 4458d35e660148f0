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

/// The part of an area inside the box `r` (Sutherland-Hodgman, ring by ring): rings inside the
/// box are kept as they are, rings wholly outside it dropped. Where a ring leaves the box and
/// comes back, the cut runs along the box's edge (a concave ring can leave a zero-width strip
/// there, which [`union_cut`] removes). `None` when nothing of the exterior is left.
pub(crate) fn cut_to_box(p: &Polygon<f64>, r: geo::Rect<f64>) -> Option<Polygon<f64>> {
    use geo::BoundingRect;
    let (lo, hi) = (r.min(), r.max());
    let inside_box =
        |b: geo::Rect<f64>| b.min().x >= lo.x && b.max().x <= hi.x && b.min().y >= lo.y && b.max().y <= hi.y;
    let outside_box = |b: geo::Rect<f64>| b.max().x < lo.x || b.min().x > hi.x || b.max().y < lo.y || b.min().y > hi.y;
    let cut = |ring: &LineString<f64>| -> Option<LineString<f64>> {
        let b = ring.bounding_rect()?;
        if inside_box(b) {
            return Some(ring.clone());
        }
        if outside_box(b) {
            return None;
        }
        let mut points: Vec<Coord<f64>> = ring.0.clone();
        if points.len() > 1 && points.first() == points.last() {
            points.pop();
        }
        // Each side of the box: which side of it a point is on (>= 0 inside), and the crossing.
        for side in 0..4 {
            let keep = |c: &Coord<f64>| match side {
                0 => c.x >= lo.x,
                1 => c.x <= hi.x,
                2 => c.y >= lo.y,
                _ => c.y <= hi.y,
            };
            let cross = |a: Coord<f64>, b: Coord<f64>| match side {
                0 | 1 => {
                    let x = if side == 0 { lo.x } else { hi.x };
                    Coord { x, y: a.y + (x - a.x) / (b.x - a.x) * (b.y - a.y) }
                }
                _ => {
                    let y = if side == 2 { lo.y } else { hi.y };
                    Coord { x: a.x + (y - a.y) / (b.y - a.y) * (b.x - a.x), y }
                }
            };
            let input = std::mem::take(&mut points);
            let &last = input.last()?;
            let mut prev = last;
            for c in input {
                match (keep(&prev), keep(&c)) {
                    (true, true) => points.push(c),
                    (true, false) => points.push(cross(prev, c)),
                    (false, true) => {
                        points.push(cross(prev, c));
                        points.push(c);
                    }
                    (false, false) => {}
                }
                prev = c;
            }
        }
        if points.len() < 3 {
            return None;
        }
        points.push(points[0]);
        Some(LineString::new(points))
    };
    let exterior = cut(p.exterior())?;
    Some(Polygon::new(exterior, p.interiors().iter().filter_map(cut).collect()))
}

/// The union of areas cut by [`cut_to_box`], oriented before the cut (exteriors counter-
/// clockwise). `geo::unary_union` reads its fill rule from the winding of the first ring, which
/// a cut ring with a zero-width strip at its lowest corner does not have: the rule is given here.
pub(crate) fn union_cut(polygons: Vec<Polygon<f64>>) -> MultiPolygon<f64> {
    use geo::bool_ops::{FillRule, OpType};
    MultiPolygon::new(polygons).boolean_op_with_fill_rule(&MultiPolygon::new(vec![]), OpType::Union, FillRule::Positive)
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
pub(super) const CIRCLE_SEGMENTS: usize = 32;

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

    #[test]
    fn areas_are_cut_to_a_box() {
        let b = geo::Rect::new(Coord { x: 0.0, y: 0.0 }, Coord { x: 10.0, y: 10.0 });
        let cut = |p: &Polygon<f64>| cut_to_box(p, b).map(|c| area(&Geometry::Polygon(c)));
        // Inside: the same ring; outside: nothing; across a corner: the part inside.
        let inside = square(2.0, 2.0, 3.0).0.remove(0);
        assert_eq!(cut_to_box(&inside, b), Some(inside.clone()));
        assert_eq!(cut(&square(20.0, 0.0, 3.0).0[0]), None);
        assert_eq!(cut(&square(8.0, 8.0, 4.0).0[0]), Some(4.0));
        // A hole across the edge is cut too; a hole outside is dropped.
        let holed = polygon!(
            exterior: [(x: -5.0, y: 2.0), (x: 15.0, y: 2.0), (x: 15.0, y: 8.0), (x: -5.0, y: 8.0)],
            interiors: [[(x: 8.0, y: 4.0), (x: 12.0, y: 4.0), (x: 12.0, y: 6.0), (x: 8.0, y: 6.0)],
                        [(x: 12.0, y: 3.0), (x: 14.0, y: 3.0), (x: 14.0, y: 4.0), (x: 12.0, y: 4.0)]],
        );
        let c = cut_to_box(&holed, b).expect("a part inside");
        assert_eq!((c.interiors().len(), area(&Geometry::Polygon(c))), (1, 60.0 - 4.0));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(300))]
        /// A star-shaped ring (concave, leaving and re-entering the box) cut to a box has the area
        /// of its intersection with the box.
        #[test]
        fn a_cut_has_the_area_of_the_intersection(
            radii in proptest::collection::vec(1.0f64..30.0, 3..40),
            cx in -20.0f64..30.0, cy in -20.0f64..30.0,
        ) {
            let n = radii.len() as f64;
            let ring: Vec<Coord<f64>> = radii
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    let a = 2.0 * PI * i as f64 / n;
                    Coord { x: 181_000.0 + cx + r * a.cos(), y: 456_000.0 + cy + r * a.sin() }
                })
                .collect();
            let p = Polygon::new(LineString::new(ring), vec![]);
            let b = geo::Rect::new(Coord { x: 181_000.0, y: 456_000.0 }, Coord { x: 181_010.0, y: 456_010.0 });
            let expected = area(&Geometry::MultiPolygon(MultiPolygon::new(vec![p.clone()]).intersection(&MultiPolygon::new(vec![b.to_polygon()]))));
            let got = area(&Geometry::MultiPolygon(union_cut(cut_to_box(&p, b).into_iter().collect())));
            // Both overlays round to their own integer grid: a millionth of the area apart at most.
            proptest::prop_assert!((got - expected).abs() < 1e-6 * (1.0 + expected), "{} vs {}", got, expected);
        }
    }

    fn ours_minus(a: &Geometry, b: &Geometry) -> MultiPolygon<f64> {
        match (a, b) {
            (Geometry::MultiPolygon(a), Geometry::MultiPolygon(b)) => a.difference(b),
            _ => MultiPolygon::new(vec![]),
        }
    }
}

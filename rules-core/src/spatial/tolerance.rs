//! `location(g, buffer(a, d))` without building the buffer, where the answer is certain anyway.
//!
//! Rules give drawings a tolerance this way (`location(plan, buffer(parcel, 0.1 m))`). Building
//! the buffer (a strip along every edge and a disc at every vertex, all unioned) and relating the
//! plan to its hundreds of vertices is the larger part of evaluating such a rule. But the buffer
//! is known well enough without drawing it: it contains `a`, holds every point within
//! `d·cos(π/32)` of `a` (its round corners are 32-sided polygons inscribed in circles of radius
//! `d`) and no point farther than `d` from `a`. Only a plan that comes between those two
//! distances needs the real buffer; [`location_within`] says `None` then.

use geo::{Coord, CoordsIter, Point};

use super::ops::{distance, location};
use super::{area, kind_of, GeomKind, Geometry, Location};

/// Room for the overlay's rounding to its integer grid (well under a micrometre on the extents
/// rules work with) and for the float arithmetic of the distances.
const MARGIN: f64 = 1e-3;

/// The distance from the outline of a buffer to `a` is at least this part of `d` (the 32-sided
/// polygons inscribed in the corner circles; see `clip::CIRCLE_SEGMENTS`).
fn inner_radius(d: f64) -> f64 {
    d * (std::f64::consts::PI / super::clip::CIRCLE_SEGMENTS as f64).cos()
}

/// `location(g, buffer(a, d))` for an area `g` and an area `a`, when certain without the buffer.
///
/// - `g` covered by `a` is covered by the buffer: [`Location::Ja`];
/// - a vertex of `g` farther than `d` from `a` lies outside the buffer, so `g` is not covered.
///   Then the interiors meet when those of `g` and `a` do, or when `g` comes within the inner
///   radius of `a`: [`Location::Deels`]; when `g` stays farther than `d` from `a`:
///   [`Location::Nee`].
pub(crate) fn location_within(g: &Geometry, a: &Geometry, d: f64) -> Option<Location> {
    // Only real tolerances (a centimetre and up) and two areas with a surface.
    if !(0.01..=10_000.0).contains(&d) || kind_of(g) != Some(GeomKind::Area) || kind_of(a) != Some(GeomKind::Area) {
        return None;
    }
    if !(area(g) > 0.0 && area(a) > 0.0) {
        return None;
    }
    let inside = location(g, a);
    if inside == Location::Ja {
        return Some(Location::Ja);
    }
    let beyond = |c: Coord<f64>| distance(&Geometry::Point(Point(c)), a) > d + MARGIN;
    if !g.coords_iter().any(beyond) {
        return None;
    }
    if inside == Location::Deels {
        return Some(Location::Deels);
    }
    let gap = distance(g, a);
    if gap > d + MARGIN {
        Some(Location::Nee)
    } else if gap < inner_radius(d) - MARGIN {
        Some(Location::Deels)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::buffer;
    use geo::polygon;
    use proptest::prelude::*;

    fn rect(x: f64, y: f64, w: f64, h: f64) -> Geometry {
        Geometry::Polygon(polygon![(x: x, y: y), (x: x + w, y: y), (x: x + w, y: y + h), (x: x, y: y + h)])
    }

    /// An L-shaped parcel in RD coordinates: a reflex corner, edges in two directions.
    fn parcel() -> Geometry {
        let (x, y) = (181_150.0, 456_440.0);
        Geometry::Polygon(polygon![
            (x: x, y: y), (x: x + 20.0, y: y), (x: x + 20.0, y: y + 12.0), (x: x + 8.0, y: y + 12.0),
            (x: x + 8.0, y: y + 30.0), (x: x, y: y + 30.0),
        ])
    }

    #[test]
    fn certain_cases_are_answered_without_the_buffer() {
        let a = parcel();
        let (x, y) = (181_150.0, 456_440.0);
        // Inside, on the edge from inside, just over the edge (within the tolerance: unknown
        // here, the buffer decides), well over it, beside it, far away.
        assert_eq!(location_within(&rect(x + 1.0, y + 1.0, 4.0, 3.0), &a, 0.1), Some(Location::Ja));
        assert_eq!(location_within(&rect(x, y, 4.0, 3.0), &a, 0.1), Some(Location::Ja));
        assert_eq!(location_within(&rect(x - 0.05, y + 1.0, 4.0, 3.0), &a, 0.1), None);
        assert_eq!(location_within(&rect(x - 2.0, y + 1.0, 4.0, 3.0), &a, 0.1), Some(Location::Deels));
        assert_eq!(location_within(&rect(x - 4.05, y + 1.0, 4.0, 3.0), &a, 0.1), Some(Location::Deels));
        assert_eq!(location_within(&rect(x - 4.0, y + 1.0, 4.0, 3.0), &a, 0.1), Some(Location::Deels));
        assert_eq!(location_within(&rect(x - 4.2, y + 1.0, 4.0, 3.0), &a, 0.1), Some(Location::Nee));
        assert_eq!(location_within(&rect(x - 4.1, y + 1.0, 4.0, 3.0), &a, 0.1), None);
        assert_eq!(location_within(&rect(x + 500.0, y, 4.0, 3.0), &a, 0.1), Some(Location::Nee));
        // In the reflex corner, within the tolerance of both edges: the buffer decides.
        assert_eq!(location_within(&rect(x + 8.05, y + 12.05, 1.0, 1.0), &a, 0.1), Some(Location::Deels));
        assert_eq!(location_within(&rect(x + 8.0, y + 12.0, 0.08, 0.08), &a, 0.1), None);
        // Not for points, lines, empty shapes or tiny distances.
        assert_eq!(location_within(&Geometry::Point(Point::new(x + 1.0, y + 1.0)), &a, 0.1), None);
        assert_eq!(location_within(&rect(x + 1.0, y + 1.0, 4.0, 3.0), &a, 0.001), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        /// Whenever it answers, the answer is the one the built buffer gives.
        #[test]
        fn the_answer_is_the_buffers(
            dx in -6.0f64..26.0, dy in -6.0f64..36.0, w in 0.05f64..6.0, h in 0.05f64..6.0,
            d in prop_oneof![Just(0.1f64), Just(1.0), 0.01f64..3.0],
        ) {
            let a = parcel();
            let g = rect(181_150.0 + dx, 456_440.0 + dy, w, h);
            if let Some(answer) = location_within(&g, &a, d) {
                prop_assert_eq!(answer, location(&g, &buffer(&a, d)));
            }
        }

        /// Plans placed on the tolerance band itself, where rounding would show first.
        #[test]
        fn the_answer_is_the_buffers_at_the_edge(
            off in -0.3f64..0.3, along in 0.0f64..18.0, w in 0.05f64..4.0, side in 0usize..4,
        ) {
            let a = parcel();
            let (x, y) = (181_150.0, 456_440.0);
            let g = match side {
                0 => rect(x + off - w, y + 1.0 + along, w, 1.0),
                1 => rect(x + 20.0 - off, y + along.min(10.0), w, 1.0),
                2 => rect(x + along.min(18.0), y - off - w, 1.0, w),
                _ => rect(x + 8.0 - off, y + 12.0 + along.min(16.0), w, 1.0),
            };
            if let Some(answer) = location_within(&g, &a, 0.1) {
                prop_assert_eq!(answer, location(&g, &buffer(&a, 0.1)));
            }
        }
    }
}

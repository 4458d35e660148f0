//! Finding where line segments meet, for ring validation and line intersections.
//!
//! geo's own validation compares every segment with every other one (quadratic: minutes for a
//! 50 000-vertex ring) and does not say where a ring crosses itself. This is a plain sweep over x:
//! sort by the left end, compare only segments whose x-ranges overlap.

use geo::line_intersection::{line_intersection, LineIntersection};
use geo::{Coord, Line};

/// A segment plus which part and position it came from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub line: Line<f64>,
    /// Which ring or line the segment belongs to (caller's numbering).
    pub part: usize,
    /// Position of the segment within its part.
    pub index: usize,
    min: Coord<f64>,
    max: Coord<f64>,
}

impl Segment {
    pub fn new(line: Line<f64>, part: usize, index: usize) -> Self {
        let min = Coord { x: line.start.x.min(line.end.x), y: line.start.y.min(line.end.y) };
        let max = Coord { x: line.start.x.max(line.end.x), y: line.start.y.max(line.end.y) };
        Segment { line, part, index, min, max }
    }
}

/// The segments between consecutive points of `coords`, skipping repeated points so that no
/// segment has zero length.
pub(crate) fn segments_of(coords: &[Coord<f64>], part: usize) -> Vec<Segment> {
    let points = dedup(coords);
    points
        .windows(2)
        .enumerate()
        .filter_map(|(i, w)| match w {
            [a, b] => Some(Segment::new(Line::new(*a, *b), part, i)),
            _ => None,
        })
        .collect()
}

/// `coords` without consecutive repeats.
pub(crate) fn dedup(coords: &[Coord<f64>]) -> Vec<Coord<f64>> {
    let mut out: Vec<Coord<f64>> = Vec::with_capacity(coords.len());
    for c in coords {
        if out.last() != Some(c) {
            out.push(*c);
        }
    }
    out
}

/// Calls `visit` for every pair of segments that meet, until it returns `Some`.
///
/// Sorts `segments` in place. Worst case (many long segments over the same x-range) is still
/// quadratic, but ordinary outlines meet only a handful of neighbours each.
pub(crate) fn find_meeting<T>(
    segments: &mut [Segment],
    mut visit: impl FnMut(&Segment, &Segment, LineIntersection<f64>) -> Option<T>,
) -> Option<T> {
    crate::sort::sort_by(segments, |a, b| a.min.x.total_cmp(&b.min.x));
    for (i, a) in segments.iter().enumerate() {
        for b in segments.get(i + 1..).unwrap_or_default() {
            if b.min.x > a.max.x {
                break;
            }
            if b.min.y > a.max.y || b.max.y < a.min.y {
                continue;
            }
            if let Some(meet) = line_intersection(a.line, b.line) {
                if let Some(found) = visit(a, b, meet) {
                    return Some(found);
                }
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::coord;

    #[test]
    fn finds_the_crossing_of_a_bow_tie() {
        let ring = [
            coord! {x: 0.0, y: 0.0},
            coord! {x: 2.0, y: 2.0},
            coord! {x: 2.0, y: 0.0},
            coord! {x: 0.0, y: 2.0},
            coord! {x: 0.0, y: 0.0},
        ];
        let mut segs = segments_of(&ring, 0);
        let proper = find_meeting(&mut segs, |_, _, meet| match meet {
            LineIntersection::SinglePoint { intersection, is_proper: true } => Some(intersection),
            _ => None,
        });
        assert_eq!(proper, Some(coord! {x: 1.0, y: 1.0}));
    }

    #[test]
    fn repeated_points_make_no_segments() {
        let line = [coord! {x: 0.0, y: 0.0}, coord! {x: 0.0, y: 0.0}, coord! {x: 1.0, y: 0.0}];
        assert_eq!(segments_of(&line, 0).len(), 1);
        assert!(segments_of(&line[..2], 0).is_empty());
    }
}

//! A spatial index over the features of a layer, so that "what lies here" does not scan them all.
//!
//! The R-tree (rstar) holds each feature's bounding box; a query finds the few boxes near the
//! point and only those features are tested exactly. rstar stays inside this file: the rest of
//! the engine sees [`FeatureIndex::new`], [`FeatureIndex::at`] and [`FeatureIndex::in_box`].
//!
//! ```
//! use geo::{polygon, Geometry};
//! use rules_core::spatial::index::FeatureIndex;
//!
//! let squares: Vec<Geometry> = (0..1000)
//!     .map(|i| {
//!         let x = f64::from(i % 40) * 10.0;
//!         let y = f64::from(i / 40) * 10.0;
//!         Geometry::Polygon(polygon![(x: x, y: y), (x: x + 10.0, y: y), (x: x + 10.0, y: y + 10.0), (x: x, y: y + 10.0)])
//!     })
//!     .collect();
//! let index = FeatureIndex::new(&squares);
//! assert_eq!(index.at(|i| squares.get(i), 55.0, 5.0, 0.0), vec![(5, 0.0)]);          // inside square 5 only
//! assert_eq!(index.at(|i| squares.get(i), 50.0, 5.0, 0.0).len(), 2);               // on the edge of 4 and 5
//! assert_eq!(index.in_box([0.0, 0.0], [15.0, 5.0]), vec![0, 1]);
//! ```

use geo::{BoundingRect, Geometry, Intersects, Orient, Point};

use super::{Feature, GeomKind};
use rstar::primitives::{GeomWithData, Rectangle};
use rstar::{RTree, AABB};

type Entry = GeomWithData<Rectangle<[f64; 2]>, usize>;

/// An R-tree over the bounding boxes of a list of geometries; answers give positions in that list.
#[derive(Debug, Clone, Default)]
pub struct FeatureIndex {
    tree: RTree<Entry>,
}

impl FeatureIndex {
    /// Indexes geometries by their bounding boxes (bulk loaded: about 40 bytes a geometry).
    /// Empty geometries and geometries with non-finite coordinates are left out.
    pub fn new<'a>(geometries: impl IntoIterator<Item = &'a Geometry>) -> FeatureIndex {
        let entries: Vec<Entry> = geometries
            .into_iter()
            .enumerate()
            .filter_map(|(i, g)| {
                let r = g.bounding_rect()?;
                let (min, max) = (r.min(), r.max());
                let finite = min.x.is_finite() && min.y.is_finite() && max.x.is_finite() && max.y.is_finite();
                finite.then(|| GeomWithData::new(Rectangle::from_corners([min.x, min.y], [max.x, max.y]), i))
            })
            .collect();
        FeatureIndex { tree: RTree::bulk_load(entries) }
    }

    /// The box around everything indexed, `[min x, min y, max x, max y]`; `None` when empty.
    pub fn extent(&self) -> Option<[f64; 4]> {
        if self.tree.size() == 0 {
            return None;
        }
        let e = self.tree.root().envelope();
        Some([e.lower()[0], e.lower()[1], e.upper()[0], e.upper()[1]])
    }

    /// Number of indexed geometries.
    pub fn len(&self) -> usize {
        self.tree.size()
    }

    /// Whether nothing is indexed.
    pub fn is_empty(&self) -> bool {
        self.tree.size() == 0
    }

    /// Positions of the geometries whose bounding box meets the box `[min, max]`, ascending.
    pub fn in_box(&self, min: [f64; 2], max: [f64; 2]) -> Vec<usize> {
        if !(min.iter().chain(max.iter()).all(|v| v.is_finite())) {
            return Vec::new();
        }
        let envelope = AABB::from_corners(min, max);
        let mut found: Vec<usize> = self.tree.locate_in_envelope_intersecting(&envelope).map(|e| e.data).collect();
        crate::sort::sort(&mut found);
        found
    }

    /// The geometries that contain the point `(x, y)` (boundary included) or, when `radius > 0`,
    /// lie within `radius` metres of it, as `(position, distance)` in list order; the distance is
    /// 0 for a geometry containing the point. `geometry(i)` gives the geometry at position `i` of
    /// the list this index was built from (`|i| list.get(i)`, or a field of a feature).
    pub fn at<'g>(
        &self,
        geometry: impl Fn(usize) -> Option<&'g Geometry>,
        x: f64,
        y: f64,
        radius: f64,
    ) -> Vec<(usize, f64)> {
        let radius = if radius.is_finite() { radius.max(0.0) } else { 0.0 };
        let point = Point::new(x, y);
        let point_geometry = Geometry::Point(point);
        self.in_box([x - radius, y - radius], [x + radius, y + radius])
            .into_iter()
            .filter_map(|i| {
                let g = geometry(i)?;
                if g.intersects(&point) {
                    return Some((i, 0.0));
                }
                if radius == 0.0 {
                    return None;
                }
                let d = super::distance(&point_geometry, g);
                (d <= radius + 1e-9).then_some((i, d))
            })
            .collect()
    }
}

/// The features of a layer with their index: what a bound layer, a parcel layer or a benchmark
/// holds.
///
/// ```
/// use rules_core::spatial::{index::IndexedLayer, parse_features, GeomKind};
///
/// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/otterlo_brk_perceel.geojson")).unwrap();
/// let parcels = IndexedLayer::new(parse_features(&serde_json::from_str(&text).unwrap(), GeomKind::Area).unwrap());
/// let here: Vec<&str> = parcels.at(181_202.0, 456_706.0, 0.0).iter().map(|(f, _)| f.id.as_str()).collect();
/// assert_eq!(here, ["84920229870000"]); // OTL02 B 2298
/// ```
#[derive(Debug, Clone, Default)]
pub struct IndexedLayer {
    features: Vec<Feature>,
    index: FeatureIndex,
}

impl IndexedLayer {
    /// Indexes the features.
    pub fn new(features: Vec<Feature>) -> IndexedLayer {
        let index = FeatureIndex::new(features.iter().map(|f| &f.geometry));
        IndexedLayer { features, index }
    }

    /// The features, in their original order.
    pub fn features(&self) -> &[Feature] {
        &self.features
    }

    /// The features containing `(x, y)` (RD New) or, with `radius > 0`, within `radius` metres,
    /// with their distance (0 when inside), in the layer's order.
    pub fn at(&self, x: f64, y: f64, radius: f64) -> Vec<(&Feature, f64)> {
        self.index
            .at(|i| self.features.get(i).map(|f| &f.geometry), x, y, radius)
            .into_iter()
            .filter_map(|(i, d)| self.features.get(i).map(|f| (f, d)))
            .collect()
    }

    /// The features whose bounding box meets the box `[min, max]`, in the layer's order.
    pub fn in_box(&self, min: [f64; 2], max: [f64; 2]) -> Vec<&Feature> {
        self.index.in_box(min, max).into_iter().filter_map(|i| self.features.get(i)).collect()
    }

    /// The features whose bounding box comes within `margin` metres of the bounding box of `g`,
    /// in the layer's order: every feature that can meet `g` grown by `margin`. None when `g`
    /// is empty or not finite.
    pub fn near(&self, g: &Geometry, margin: f64) -> Vec<&Feature> {
        let Some(r) = g.bounding_rect() else { return Vec::new() };
        let m = if margin.is_finite() { margin.max(0.0) } else { 0.0 };
        self.in_box([r.min().x - m, r.min().y - m], [r.max().x + m, r.max().y + m])
    }

    /// The features near `g` (see [`IndexedLayer::near`]) as one geometry of `kind`, areas
    /// unioned: within `margin` of `g` this is exactly the whole layer merged, at the cost of
    /// the few features there.
    ///
    /// ```
    /// use geo::{polygon, Geometry};
    /// use rules_core::spatial::{area, index::IndexedLayer, parse_features, GeomKind};
    ///
    /// let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/otterlo_bgt_pand.geojson")).unwrap();
    /// let buildings = IndexedLayer::new(parse_features(&serde_json::from_str(&text).unwrap(), GeomKind::Area).unwrap());
    /// let yard = Geometry::Polygon(polygon![(x: 181_150.0, y: 456_440.0), (x: 181_170.0, y: 456_440.0), (x: 181_170.0, y: 456_460.0), (x: 181_150.0, y: 456_460.0)]);
    /// let local = buildings.merged_near(&yard, 0.0, GeomKind::Area);
    /// assert!(buildings.near(&yard, 0.0).len() < 10 && area(&local) > 0.0);
    /// ```
    pub fn merged_near(&self, g: &Geometry, margin: f64, kind: GeomKind) -> Geometry {
        merge(self.near(g, margin).into_iter().map(|f| &f.geometry), kind)
    }

    /// The features near `g` merged like [`IndexedLayer::merged_near`], areas first cut to the box
    /// around `g` grown by `margin`: inside that box the same shape, with the box's edges as
    /// outline where the layer runs on beyond it. For operations that look at the layer only well
    /// inside the box (the rear yard reads the outline of public space near the parcel): a long
    /// road then costs its part near `g`, not all its vertices in the union.
    pub fn merged_in_box(&self, g: &Geometry, margin: f64, kind: GeomKind) -> Geometry {
        let near = self.near(g, margin);
        let (Some(r), GeomKind::Area) = (g.bounding_rect(), kind) else {
            return merge(near.into_iter().map(|f| &f.geometry), kind);
        };
        let m = if margin.is_finite() { margin.max(0.0) } else { 0.0 };
        let reach = geo::Rect::new(
            geo::Coord { x: r.min().x - m, y: r.min().y - m },
            geo::Coord { x: r.max().x + m, y: r.max().y + m },
        );
        let polygons: Vec<geo::Polygon<f64>> = near
            .iter()
            .flat_map(|f| match &f.geometry {
                Geometry::Polygon(p) => std::slice::from_ref(p),
                Geometry::MultiPolygon(mp) => mp.0.as_slice(),
                _ => &[],
            })
            .filter_map(|p| super::clip::cut_to_box(&p.orient(geo::orient::Direction::Default), reach))
            .collect();
        Geometry::MultiPolygon(super::clip::union_cut(polygons))
    }

    /// The smallest distance from `g` to any feature (infinite when there is none, NaN when `g`
    /// is not finite), the same as the distance to the whole layer merged.
    ///
    /// The search looks in a box around `g` that grows fourfold until a feature inside it lies
    /// within the box's margin: features outside the box are farther than that margin, so they
    /// cannot be nearer. Near features are found after a few small boxes, whatever the layer
    /// holds elsewhere.
    pub fn distance_to(&self, g: &Geometry) -> f64 {
        let Some(r) = g.bounding_rect() else { return f64::INFINITY };
        let corners = [r.min().x, r.min().y, r.max().x, r.max().y];
        if !corners.iter().all(|v| v.is_finite()) {
            return f64::NAN;
        }
        let Some(extent) = self.index.extent() else { return f64::INFINITY };
        // The margin at which the box holds the whole layer: the search ends there at the latest.
        let whole = [corners[0] - extent[0], corners[1] - extent[1], extent[2] - corners[2], extent[3] - corners[3]]
            .into_iter()
            .fold(0.0, f64::max);
        let mut margin = 16.0;
        loop {
            // Nearest boxes first; a box farther than the best distance found holds nothing nearer,
            // so a pile of features in one spot costs one exact distance, not one per feature.
            let mut near: Vec<(f64, &Feature)> = self
                .near(g, margin)
                .into_iter()
                .map(|f| (f.geometry.bounding_rect().map_or(f64::INFINITY, |b| box_gap(&r, &b)), f))
                .collect();
            crate::sort::sort_by(&mut near, |a, b| a.0.total_cmp(&b.0));
            let mut best = f64::INFINITY;
            for (gap, f) in near {
                if gap >= best {
                    break;
                }
                best = best.min(super::distance(g, &f.geometry));
            }
            if best <= margin || margin >= whole {
                return best;
            }
            margin *= 4.0;
        }
    }

    /// Whether some feature satisfies `test` against `g`, trying only the features whose box
    /// meets that of `g` (for relations that need a shared point, such as intersects).
    pub fn any_meeting(&self, g: &Geometry, test: impl Fn(&Geometry, &Geometry) -> bool) -> bool {
        self.near(g, 0.0).into_iter().any(|f| test(g, &f.geometry))
    }
}

/// The gap between two boxes (0 when they meet): no point of one is nearer the other.
fn box_gap(a: &geo::Rect<f64>, b: &geo::Rect<f64>) -> f64 {
    let dx = (a.min().x - b.max().x).max(b.min().x - a.max().x).max(0.0);
    let dy = (a.min().y - b.max().y).max(b.min().y - a.max().y).max(0.0);
    dx.hypot(dy)
}

/// Geometries of one kind as one geometry: areas unioned into a MultiPolygon, lines into a
/// MultiLineString and points into a MultiPoint (those without noding); geometries of another
/// kind are left out.
pub fn merge<'a>(geometries: impl IntoIterator<Item = &'a Geometry>, kind: GeomKind) -> Geometry {
    use geo::{MultiLineString, MultiPoint};
    let geometries = geometries.into_iter();
    match kind {
        GeomKind::Area => {
            let polygons: Vec<geo::Polygon<f64>> = geometries
                .flat_map(|g| match g {
                    Geometry::Polygon(p) => vec![p.clone()],
                    Geometry::MultiPolygon(mp) => mp.0.clone(),
                    _ => Vec::new(),
                })
                .collect();
            Geometry::MultiPolygon(geo::unary_union(&polygons))
        }
        GeomKind::Line => Geometry::MultiLineString(MultiLineString(
            geometries
                .flat_map(|g| match g {
                    Geometry::LineString(l) => vec![l.clone()],
                    Geometry::MultiLineString(ml) => ml.0.clone(),
                    _ => Vec::new(),
                })
                .collect(),
        )),
        GeomKind::Point => Geometry::MultiPoint(MultiPoint(
            geometries
                .flat_map(|g| match g {
                    Geometry::Point(p) => vec![*p],
                    Geometry::MultiPoint(mp) => mp.0.clone(),
                    _ => Vec::new(),
                })
                .collect(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use geo::{line_string, point, polygon};

    #[test]
    fn points_lines_and_areas() {
        let geometries = vec![
            Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]),
            Geometry::Point(point!(x: 3.0, y: 4.0)),
            Geometry::LineString(line_string![(x: 20.0, y: 0.0), (x: 20.0, y: 10.0)]),
        ];
        let index = FeatureIndex::new(&geometries);
        assert_eq!(index.len(), 3);
        assert_eq!(index.at(|i| geometries.get(i), 0.0, 0.0, 0.0), vec![(0, 0.0)]);
        assert_eq!(index.at(|i| geometries.get(i), 3.0, 4.0, 0.0), vec![(0, 0.0), (1, 0.0)]);
        assert_eq!(index.at(|i| geometries.get(i), 0.0, 0.0, 5.0), vec![(0, 0.0), (1, 5.0)]);
        assert_eq!(index.at(|i| geometries.get(i), 17.0, 5.0, 3.0), vec![(2, 3.0)]);
        assert!(index.at(|i| geometries.get(i), 17.0, 5.0, 2.9).is_empty());
        assert!(index.at(|i| geometries.get(i), f64::NAN, 5.0, 1.0).is_empty());
        assert!(FeatureIndex::new(&[]).is_empty());
    }
}

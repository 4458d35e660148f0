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

use geo::{BoundingRect, Geometry, Intersects, Point};

use super::Feature;
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

//! Derived geometry for *Binnen de lijntjes*: the front of the main building, the
//! *achtererfgebied* (rear yard), the zone within some metres of a building, and coverage.
//!
//! # How the rear yard is found
//!
//! The law (Bbl / bruidsschat, *achtererfgebied*): the erf behind the line that crosses the main
//! building 1 m behind its front and runs from there parallel to the adjacent *openbaar
//! toegankelijk gebied*, without crossing the main building again; on a corner plot the side
//! facing public space is not rear yard either. In steps:
//!
//! 1. **Facades facing public space.** From points every 0.5 m along each outside wall of the
//!    main building, a ray goes straight out. A wall faces public space when, for at least half
//!    of its points, the ray leaves the parcel without meeting the building again and where it
//!    leaves, public space lies within [`FRONTAGE_GAP`] (so a ray across the back garden and a
//!    neighbour's land to a road further on does not count).
//! 2. **Sides.** The walls are grouped by the direction of the parcel edge their rays leave
//!    through (within 30°): one group on an ordinary plot, two on a corner plot. When a parcel
//!    borders public space at the back too (between two streets), the back group is dropped:
//!    the side with the longer facing facade is the front.
//! 3. **The line.** The side with the longest facing walls is the front (*voorkant*): its line
//!    runs parallel to that parcel edge, [`BEHIND_FRONT`] (1 m) behind the facing wall nearest
//!    the road (a stepped front is measured from its front-most wall). On a corner plot the other
//!    side is the side facing public space: the law draws that boundary along the side wall
//!    itself, so its line runs along the side wall nearest the side street, 0 m behind it.
//! 4. **The rear yard** is the parcel behind every line, minus the main building.
//!
//! Interpretations, stated in the docs: a single wall that is not parallel to the street is
//! measured from its rearmost point (the safe side: nothing in front of any part of that wall
//! counts as rear yard); which wall is the front follows the longest facing facade (the address
//! side is not in the data). [`rear_yard_behind`] draws the front line at another distance: the
//! erfafscheiding rule of the bruidsschat uses the line along the front itself. Public space must be within
//! [`FRONTAGE_GAP`] (3 m) of the parcel to count as adjacent; a road behind a wider verge that the
//! public space layer leaves out is not found (add the verge to the layer).
//!
//! ```
//! use geo::{polygon, Geometry};
//! use rules_core::spatial::derive::rear_yard;
//! use rules_core::spatial::area;
//!
//! // A 10 x 30 m parcel with the street on its south side, a 8 x 10 m house 5 m back.
//! let parcel = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0)]);
//! let street = Geometry::Polygon(polygon![(x: -50.0, y: -8.0), (x: 60.0, y: -8.0), (x: 60.0, y: 0.0), (x: -50.0, y: 0.0)]);
//! let house = Geometry::Polygon(polygon![(x: 1.0, y: 5.0), (x: 9.0, y: 5.0), (x: 9.0, y: 15.0), (x: 1.0, y: 15.0)]);
//! let yard = rear_yard(&parcel, &house, &street)?;
//! // Behind the line y = 6 (1 m behind the front at y = 5), minus the house: 10 x 24 - 8 x 9.
//! assert!((area(&yard.area) - (240.0 - 72.0)).abs() < 1e-6);
//! assert_eq!(yard.fronts.len(), 1);
//! # Ok::<(), rules_core::spatial::derive::DeriveError>(())
//! ```

use geo::orient::Direction;
use geo::{BoundingRect, Contains, Coord, Geometry, Intersects, Line, MultiPolygon, Orient, Point, Polygon, Rect};

use super::ops::{buffer, difference, intersection};

/// A parcel edge borders public space when public space lies within this many metres of it.
/// Cadastral (BRK) and BGT outlines are measured separately, and a verge or a strip of public
/// green, which a road layer (BGT wegdeel) leaves out, often lies between a parcel and the road:
/// on the real corner plot OTL02 B 2300 in Otterlo that strip is 1.7 to 3 m wide.
pub const FRONTAGE_GAP: f64 = 3.0;

/// How far behind the front of the main building the rear yard starts (the law: 1 m).
pub const BEHIND_FRONT: f64 = 1.0;

/// Walls shorter than this are ignored when finding the front (corners of bay windows, noise).
const MIN_WALL: f64 = 0.3;
/// Walls shorter than this do not decide where a stepped front lies.
const FRONT_MIN_WALL: f64 = 1.0;
/// Spacing of the points rays are cast from.
const SAMPLE_STEP: f64 = 0.5;

/// Why a derived geometry cannot be made.
#[derive(thiserror::Error, Debug, Clone, PartialEq)]
pub enum DeriveError {
    /// An input has no area.
    #[error("the {0} is empty")]
    Empty(&'static str),
    /// The main building and the parcel do not overlap.
    #[error("the main building does not lie on the parcel")]
    BuildingNotOnParcel,
    /// No wall of the main building looks out over the parcel onto public space.
    #[error(
        "no facade of the main building faces public space: no openbaar toegankelijk gebied \
         lies within {FRONTAGE_GAP} m of the parcel in front of any wall, so the front (voorkant) \
         cannot be found"
    )]
    NoFront,
}

/// One side of the main building that faces public space.
#[derive(Debug, Clone, PartialEq)]
pub struct Front {
    /// The walls facing public space on this side.
    pub facades: Vec<Line<f64>>,
    /// Unit vector pointing from the public space into the parcel (perpendicular to the
    /// parcel edge along the public space).
    pub inward: Coord<f64>,
    /// The rear yard boundary on this side: parallel to the parcel edge, drawn across the parcel;
    /// on the front side [`BEHIND_FRONT`] behind the facade nearest the road, on the side of a
    /// corner plot along the side wall.
    pub line: Line<f64>,
}

/// The achtererfgebied and how it was found.
#[derive(Debug, Clone, PartialEq)]
pub struct RearYard {
    /// The rear yard (a MultiPolygon; empty when nothing of the parcel lies behind the lines).
    pub area: Geometry,
    /// The sides facing public space: one on an ordinary plot, two on a corner plot.
    pub fronts: Vec<Front>,
}

/// The polygons of an area, exteriors counter-clockwise.
fn polygons(g: &Geometry) -> Vec<Polygon<f64>> {
    match g {
        Geometry::Polygon(p) => vec![p.orient(Direction::Default)],
        Geometry::MultiPolygon(mp) => mp.iter().map(|p| p.orient(Direction::Default)).collect(),
        Geometry::Rect(r) => vec![r.to_polygon().orient(Direction::Default)],
        Geometry::Triangle(t) => vec![t.to_polygon().orient(Direction::Default)],
        Geometry::GeometryCollection(gc) => gc.iter().flat_map(polygons).collect(),
        _ => Vec::new(),
    }
}

/// Whether two boxes come within `margin` of each other.
fn boxes_meet(a: Rect<f64>, b: Rect<f64>, margin: f64) -> bool {
    a.min().x <= b.max().x + margin
        && a.max().x >= b.min().x - margin
        && a.min().y <= b.max().y + margin
        && a.max().y >= b.min().y - margin
}

/// The polygons of `g` whose bounding box comes within `margin` of `rect`: a cheap way to keep
/// only the nearby part of a large layer before any exact operation. Only those are copied.
fn polygons_near(g: &Geometry, rect: Rect<f64>, margin: f64) -> Vec<Polygon<f64>> {
    let near = |p: &&Polygon<f64>| p.bounding_rect().is_some_and(|b| boxes_meet(b, rect, margin));
    match g {
        Geometry::Polygon(p) => std::iter::once(p).filter(near).map(|p| p.orient(Direction::Default)).collect(),
        Geometry::MultiPolygon(mp) => mp.iter().filter(near).map(|p| p.orient(Direction::Default)).collect(),
        Geometry::GeometryCollection(gc) => gc.iter().flat_map(|m| polygons_near(m, rect, margin)).collect(),
        other => polygons(other).into_iter().filter(|p| near(&p)).collect(),
    }
}

/// The edges of `polygons` (all rings) with a point within `margin` of `rect`'s box.
fn segments_near(polygons: &[Polygon<f64>], rect: Rect<f64>, margin: f64) -> Vec<Line<f64>> {
    segments(polygons, false).into_iter().filter(|l| boxes_meet(l.bounding_rect(), rect, margin)).collect()
}

/// Whether a point lies within `reach` of one of `lines` (stops at the first).
fn within_reach(p: Coord<f64>, lines: &[Line<f64>], reach: f64) -> bool {
    lines.iter().any(|l| distance_to_lines(p, std::slice::from_ref(l)) <= reach)
}

/// Distance from a point to the nearest of `lines` (infinite when there are none).
fn distance_to_lines(p: Coord<f64>, lines: &[Line<f64>]) -> f64 {
    lines
        .iter()
        .map(|l| {
            let d = l.delta();
            let len2 = d.x * d.x + d.y * d.y;
            let t = if len2 > 0.0 {
                (((p.x - l.start.x) * d.x + (p.y - l.start.y) * d.y) / len2).clamp(0.0, 1.0)
            } else {
                0.0
            };
            let q = l.start + d * t;
            (p.x - q.x) * (p.x - q.x) + (p.y - q.y) * (p.y - q.y)
        })
        .fold(f64::INFINITY, f64::min)
        .sqrt()
}

fn segments(polygons: &[Polygon<f64>], exteriors_only: bool) -> Vec<Line<f64>> {
    let mut out = Vec::new();
    for p in polygons {
        let rings = std::iter::once(p.exterior()).chain(p.interiors().iter().filter(|_| !exteriors_only));
        for ring in rings {
            out.extend(ring.lines().filter(|l| l.dx() != 0.0 || l.dy() != 0.0));
        }
    }
    out
}

/// Where the ray `origin + t * dir` (t > 0) first crosses one of `lines`: `(t, line index)`.
fn first_hit(origin: Coord<f64>, dir: Coord<f64>, lines: &[Line<f64>]) -> Option<(f64, usize)> {
    let mut best: Option<(f64, usize)> = None;
    for (i, l) in lines.iter().enumerate() {
        let e = l.delta();
        let denom = dir.x * e.y - dir.y * e.x;
        if denom.abs() < 1e-12 {
            continue;
        }
        let w = l.start - origin;
        let t = (w.x * e.y - w.y * e.x) / denom;
        let u = (w.x * dir.y - w.y * dir.x) / denom;
        if t > 1e-9 && (-1e-9..=1.0 + 1e-9).contains(&u) && best.is_none_or(|(bt, _)| t < bt) {
            best = Some((t, i));
        }
    }
    best
}

fn unit(c: Coord<f64>) -> Coord<f64> {
    let len = c.x.hypot(c.y);
    if len > 0.0 {
        Coord { x: c.x / len, y: c.y / len }
    } else {
        c
    }
}

fn dot(a: Coord<f64>, b: Coord<f64>) -> f64 {
    a.x * b.x + a.y * b.y
}

/// A wall that faces public space, with the inward direction of the parcel edge it looks onto.
struct FacingWall {
    wall: Line<f64>,
    inward: Coord<f64>,
}

/// `public_edges`: the outline of the public space near the parcel. Where a ray leaves the
/// parcel, public space is adjacent when its outline is within [`FRONTAGE_GAP`] (the exit point
/// lies on the parcel edge, so public space that covers it has its outline close by unless the
/// parcel reaches metres into the road, which cadastral data does not do).
fn facing_walls(
    parcel: &[Polygon<f64>],
    building: &[Polygon<f64>],
    public_edges: &[Line<f64>],
    reach: f64,
) -> Vec<FacingWall> {
    let parcel_edges = segments(parcel, false);
    let building_edges = segments(building, true);
    let parcel_area = Geometry::MultiPolygon(MultiPolygon::new(parcel.to_vec()));
    let mut walls = Vec::new();
    for wall in &building_edges {
        let length = wall.dx().hypot(wall.dy());
        if length < MIN_WALL {
            continue;
        }
        // Exteriors run counter-clockwise, so the outside is on the right.
        let out = unit(Coord { x: wall.dy(), y: -wall.dx() });
        let samples = (length / SAMPLE_STEP).ceil().max(1.0) as usize;
        let (mut facing, mut inward_sum) = (0usize, Coord { x: 0.0, y: 0.0 });
        for k in 0..samples {
            let f = (k as f64 + 0.5) / samples as f64;
            let at = wall.start + wall.delta() * f;
            let origin = at + out * 0.01;
            if !parcel_area.intersects(&Point(origin)) {
                continue;
            }
            let Some((t_exit, edge)) = first_hit(origin, out, &parcel_edges) else { continue };
            if first_hit(origin, out, &building_edges).is_some_and(|(t, _)| t < t_exit) || t_exit > reach {
                continue;
            }
            if !within_reach(origin + out * t_exit, public_edges, FRONTAGE_GAP) {
                continue;
            }
            let e = unit(parcel_edges[edge].delta());
            let mut inward = Coord { x: -e.y, y: e.x };
            if dot(inward, out) > 0.0 {
                inward = -inward;
            }
            facing += 1;
            inward_sum = inward_sum + inward;
        }
        if facing * 2 >= samples && facing > 0 {
            walls.push(FacingWall { wall: *wall, inward: unit(inward_sum) });
        }
    }
    walls
}

/// The sides of the main building facing public space, with their rear yard boundary lines
/// (see the [module docs](self) for the method).
pub fn fronts(
    parcel: &Geometry,
    building: &Geometry,
    public_space: &Geometry,
    behind: f64,
) -> Result<Vec<Front>, DeriveError> {
    let parcel_polygons = polygons(parcel);
    let building_polygons = polygons(building);
    let bbox = parcel.bounding_rect().ok_or(DeriveError::Empty("parcel"))?;
    if building_polygons.is_empty() {
        return Err(DeriveError::Empty("main building"));
    }
    if !parcel.intersects(building) {
        return Err(DeriveError::BuildingNotOnParcel);
    }
    let public = polygons_near(public_space, bbox, FRONTAGE_GAP + 1.0);
    let public_edges = segments_near(&public, bbox, FRONTAGE_GAP + 1.0);
    let reach = bbox.width().hypot(bbox.height()) + 1.0;
    let mut walls = facing_walls(&parcel_polygons, &building_polygons, &public_edges, reach);
    if walls.is_empty() {
        return Err(DeriveError::NoFront);
    }
    // Group by direction, longest walls first so each group's direction is set by its main wall.
    crate::sort::sort_by(&mut walls, |a, b| length(&b.wall).total_cmp(&length(&a.wall)));
    let mut groups: Vec<(Coord<f64>, f64, Vec<Line<f64>>)> = Vec::new();
    for w in walls {
        let len = length(&w.wall);
        match groups.iter_mut().find(|(dir, _, _)| dot(unit(*dir), w.inward) > 30f64.to_radians().cos()) {
            Some((dir, weight, lines)) => {
                *dir = *dir + w.inward * len;
                *weight += len;
                lines.push(w.wall);
            }
            None => groups.push((w.inward * len, len, vec![w.wall])),
        }
    }
    crate::sort::sort_by(&mut groups, |a, b| b.1.total_cmp(&a.1));
    let mut kept: Vec<(Coord<f64>, Vec<Line<f64>>)> = Vec::new();
    for (dir, _, lines) in groups {
        let dir = unit(dir);
        // A side facing the opposite way is the back of a plot between two streets.
        if kept.iter().all(|(k, _)| dot(*k, dir) > -0.5) {
            kept.push((dir, lines));
        }
    }
    let centre = bbox.center();
    let half = reach;
    Ok(kept
        .into_iter()
        .enumerate()
        .map(|(side, (inward, facades))| {
            // Each wall from its rearmost point; of the walls, the one nearest the road. Short
            // pieces (a porch post, the side of a bay) do not make the front when a real wall exists.
            let real = facades.iter().any(|l| length(l) >= FRONT_MIN_WALL);
            let nearest_wall = facades
                .iter()
                .filter(|l| !real || length(l) >= FRONT_MIN_WALL)
                .map(|l| dot(l.start - centre, inward).max(dot(l.end - centre, inward)))
                .fold(f64::INFINITY, f64::min);
            let depth = nearest_wall + if side == 0 { behind } else { 0.0 };
            let along = Coord { x: -inward.y, y: inward.x };
            let foot = centre + inward * depth;
            Front { facades, inward, line: Line::new(foot - along * half, foot + along * half) }
        })
        .collect())
}

fn length(l: &Line<f64>) -> f64 {
    l.dx().hypot(l.dy())
}

/// The walls of the main building that face the public space adjacent to the parcel (its
/// *voorkant*, and on a corner plot the side facing public space too), as a MultiLineString.
///
/// ```
/// use geo::{polygon, Geometry};
/// use rules_core::spatial::derive::front_line;
/// use rules_core::spatial::length;
///
/// let parcel = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 30.0), (x: 0.0, y: 30.0)]);
/// let street = Geometry::Polygon(polygon![(x: -50.0, y: -8.0), (x: 60.0, y: -8.0), (x: 60.0, y: 0.0), (x: -50.0, y: 0.0)]);
/// let house = Geometry::Polygon(polygon![(x: 1.0, y: 5.0), (x: 9.0, y: 5.0), (x: 9.0, y: 15.0), (x: 1.0, y: 15.0)]);
/// assert_eq!(length(&front_line(&parcel, &house, &street)?), 8.0); // the south wall
/// # Ok::<(), rules_core::spatial::derive::DeriveError>(())
/// ```
pub fn front_line(parcel: &Geometry, building: &Geometry, public_space: &Geometry) -> Result<Geometry, DeriveError> {
    let lines = fronts(parcel, building, public_space, BEHIND_FRONT)?
        .into_iter()
        .flat_map(|f| f.facades)
        .map(geo::LineString::from)
        .collect();
    Ok(Geometry::MultiLineString(lines))
}

/// The *achtererfgebied*: the part of the parcel behind the line 1 m behind the front of the
/// main building, parallel to the adjacent public space (corner plots: behind both sides),
/// minus the main building. See the [module docs](self) for the method and its interpretations.
pub fn rear_yard(parcel: &Geometry, building: &Geometry, public_space: &Geometry) -> Result<RearYard, DeriveError> {
    rear_yard_behind(parcel, building, public_space, BEHIND_FRONT)
}

/// The part of the parcel behind the line `behind` metres behind the front of the main building
/// (and along the side wall facing public space on a corner plot), minus the main building.
/// With 1 m this is the *achtererfgebied*; with 0 m the area behind the line along the front,
/// which the bruidsschat uses for a 2 m erfafscheiding.
pub fn rear_yard_behind(
    parcel: &Geometry,
    building: &Geometry,
    public_space: &Geometry,
    behind: f64,
) -> Result<RearYard, DeriveError> {
    let fronts = fronts(parcel, building, public_space, behind)?;
    let mut behind = parcel.clone();
    for f in &fronts {
        let half = f.line.delta() * 0.5;
        let reach = half.x.hypot(half.y) * 2.0;
        let inward = f.inward * reach;
        let side = Polygon::new(
            vec![f.line.start, f.line.end, f.line.end + inward, f.line.start + inward, f.line.start].into(),
            vec![],
        );
        behind = intersection(&behind, &Geometry::Polygon(side.orient(Direction::Default)));
    }
    let area = difference(&behind, building);
    Ok(RearYard { area, fronts })
}

/// The area within `distance` metres of `shape`, outside the shape itself: for "within 4 m of
/// the (original) main building". Round corners, as the law measures straight distances.
///
/// ```
/// use geo::{polygon, Geometry};
/// use rules_core::spatial::derive::zone_from;
/// use rules_core::spatial::area;
///
/// let house = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 8.0), (x: 0.0, y: 8.0)]);
/// // Four 4 m strips along 36 m of wall plus four quarter circles of radius 4 m.
/// let expected = 4.0 * 36.0 + std::f64::consts::PI * 16.0;
/// assert!((area(&zone_from(&house, 4.0)) - expected).abs() < 0.5);
/// ```
pub fn zone_from(shape: &Geometry, distance: f64) -> Geometry {
    let grown = buffer(shape, distance);
    if polygons(shape).is_empty() {
        grown
    } else {
        difference(&grown, shape)
    }
}

/// The part of `shape` within reach of `other`: its points within `distance` of `other`, and its
/// lines and areas cut to the box around `other` widened by `distance`. The result contains every
/// point of `shape` within `distance` of `other` (and possibly a little more, up to the box), so
/// `intersection(plan, buffer(near(trees, plan, 1 m), 1 m))` is the part of the plan within 1 m
/// of a tree, computed from the few trees near the plan instead of the whole layer.
///
/// ```
/// use geo::{point, polygon, Geometry, MultiPoint};
/// use rules_core::spatial::derive::near;
///
/// let trees = Geometry::MultiPoint(MultiPoint::new(vec![point!(x: 5.0, y: 11.5), point!(x: 50.0, y: 50.0)]));
/// let plan = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]);
/// assert_eq!(near(&trees, &plan, 2.0), Geometry::MultiPoint(MultiPoint::new(vec![point!(x: 5.0, y: 11.5)])));
/// ```
pub fn near(shape: &Geometry, other: &Geometry, distance: f64) -> Geometry {
    let Some(r) = other.bounding_rect() else { return shape_kind_empty(shape) };
    let d = if distance.is_finite() { distance.max(0.0) } else { 0.0 };
    let reach = Rect::new(Coord { x: r.min().x - d, y: r.min().y - d }, Coord { x: r.max().x + d, y: r.max().y + d });
    match super::kind_of(shape) {
        Some(super::GeomKind::Point) => {
            let points = geo::CoordsIter::coords_iter(shape)
                .map(Point)
                .filter(|p| reach.intersects(p) && super::distance(&Geometry::Point(*p), other) <= d)
                .collect();
            Geometry::MultiPoint(points)
        }
        Some(super::GeomKind::Area) => {
            let (inside, crossing): (Vec<Polygon<f64>>, Vec<Polygon<f64>>) = polygons_near(shape, reach, 0.0)
                .into_iter()
                .partition(|p| p.bounding_rect().is_some_and(|b| reach.contains(&b)));
            let cut = intersection(&Geometry::MultiPolygon(MultiPolygon::new(crossing)), &Geometry::Rect(reach));
            let mut parts = inside;
            if let Geometry::MultiPolygon(mp) = cut {
                parts.extend(mp.0);
            }
            Geometry::MultiPolygon(MultiPolygon::new(parts))
        }
        Some(super::GeomKind::Line) => intersection(shape, &Geometry::Rect(reach)),
        None => shape_kind_empty(shape),
    }
}

fn shape_kind_empty(shape: &Geometry) -> Geometry {
    match super::kind_of(shape) {
        Some(super::GeomKind::Point) => Geometry::MultiPoint(geo::MultiPoint::new(vec![])),
        Some(super::GeomKind::Line) => Geometry::MultiLineString(geo::MultiLineString::new(vec![])),
        _ => Geometry::MultiPolygon(MultiPolygon::new(vec![])),
    }
}

/// The surface (m²) of `zone` covered by any of `shapes`, counting overlaps once: existing
/// annexes plus a plan in the bebouwingsgebied. Only the parts of the shapes near the zone are
/// combined, so a whole buildings layer costs little.
///
/// ```
/// use geo::{polygon, Geometry};
/// use rules_core::spatial::derive::coverage;
///
/// let zone = Geometry::Polygon(polygon![(x: 0.0, y: 0.0), (x: 10.0, y: 0.0), (x: 10.0, y: 10.0), (x: 0.0, y: 10.0)]);
/// let shed = Geometry::Polygon(polygon![(x: 8.0, y: 8.0), (x: 12.0, y: 8.0), (x: 12.0, y: 12.0), (x: 8.0, y: 12.0)]);
/// let plan = Geometry::Polygon(polygon![(x: 7.0, y: 7.0), (x: 9.0, y: 7.0), (x: 9.0, y: 9.0), (x: 7.0, y: 9.0)]);
/// // The shed covers 2 x 2 m of the zone, the plan 2 x 2 m of which 1 m² overlaps the shed.
/// assert!((coverage(&zone, &[&shed, &plan]) - 7.0).abs() < 1e-9);
/// ```
pub fn coverage(zone: &Geometry, shapes: &[&Geometry]) -> f64 {
    let Some(rect) = zone.bounding_rect() else { return 0.0 };
    let near: Vec<Polygon<f64>> = shapes.iter().flat_map(|s| polygons_near(s, rect, 0.0)).collect();
    if near.is_empty() {
        return 0.0;
    }
    let merged = Geometry::MultiPolygon(geo::unary_union(&near));
    super::area(&intersection(&merged, zone))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spatial::{area, length};
    use geo::polygon;

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Geometry {
        Geometry::Polygon(polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)])
    }

    #[test]
    fn ordinary_plot() {
        let parcel = rect(0.0, 0.0, 10.0, 30.0);
        let street = rect(-50.0, -8.0, 60.0, 0.0);
        let house = rect(1.0, 5.0, 9.0, 15.0);
        let yard = rear_yard(&parcel, &house, &street).unwrap();
        assert!((area(&yard.area) - 168.0).abs() < 1e-6, "{}", area(&yard.area));
        assert_eq!(length(&front_line(&parcel, &house, &street).unwrap()), 8.0);
    }

    #[test]
    fn corner_plot_excludes_the_side_along_the_side_street() {
        // Street south (y < 0) and a side street west (x < 0).
        let parcel = rect(0.0, 0.0, 20.0, 30.0);
        let streets = Geometry::MultiPolygon(MultiPolygon::new(vec![
            polygon![(x: -8.0, y: -8.0), (x: 40.0, y: -8.0), (x: 40.0, y: 0.0), (x: -8.0, y: 0.0)],
            polygon![(x: -8.0, y: 0.0), (x: 0.0, y: 0.0), (x: 0.0, y: 50.0), (x: -8.0, y: 50.0)],
        ]));
        // The south facade (12 m) is longer than the west one (10 m): south is the front.
        let house = rect(3.0, 5.0, 15.0, 15.0);
        let yard = rear_yard(&parcel, &house, &streets).unwrap();
        assert_eq!(yard.fronts.len(), 2);
        // Behind y = 6 (1 m behind the front) and east of x = 3 (along the side wall itself):
        // 17 x 24, minus the house part there (12 x 9).
        assert!((area(&yard.area) - (17.0 * 24.0 - 108.0)).abs() < 1e-6, "{}", area(&yard.area));
        // Behind the front itself (the erfafscheiding line): 17 x 25 minus the whole house.
        let behind_front = rear_yard_behind(&parcel, &house, &streets, 0.0).unwrap();
        assert!((area(&behind_front.area) - (17.0 * 25.0 - 120.0)).abs() < 1e-6, "{}", area(&behind_front.area));
    }

    #[test]
    fn stepped_front_is_measured_from_the_wall_nearest_the_road() {
        let parcel = rect(0.0, 0.0, 10.0, 30.0);
        let street = rect(-50.0, -8.0, 60.0, 0.0);
        // Front wall at y = 5 on the left half, set back to y = 7 on the right half.
        let house = Geometry::Polygon(polygon![
            (x: 1.0, y: 5.0), (x: 5.0, y: 5.0), (x: 5.0, y: 7.0), (x: 9.0, y: 7.0), (x: 9.0, y: 15.0), (x: 1.0, y: 15.0)
        ]);
        let yard = rear_yard(&parcel, &house, &street).unwrap();
        // Behind y = 6: 10 x 24, minus the house above it (4 x 9 + 4 x 8).
        assert!((area(&yard.area) - (240.0 - 68.0)).abs() < 1e-6, "{}", area(&yard.area));
    }

    #[test]
    fn plot_between_two_streets_keeps_its_back_garden() {
        let parcel = rect(0.0, 0.0, 10.0, 30.0);
        let streets = Geometry::MultiPolygon(MultiPolygon::new(vec![
            polygon![(x: -50.0, y: -8.0), (x: 60.0, y: -8.0), (x: 60.0, y: 0.0), (x: -50.0, y: 0.0)],
            polygon![(x: -50.0, y: 30.0), (x: 60.0, y: 30.0), (x: 60.0, y: 38.0), (x: -50.0, y: 38.0)],
        ]));
        // Wider facade facing south: the south side is the front.
        let house = Geometry::Polygon(
            polygon![(x: 1.0, y: 5.0), (x: 9.0, y: 5.0), (x: 9.0, y: 12.0), (x: 6.0, y: 15.0), (x: 1.0, y: 15.0)],
        );
        let yard = rear_yard(&parcel, &house, &streets).unwrap();
        assert_eq!(yard.fronts.len(), 1);
        assert!(yard.fronts[0].inward.y > 0.99);
    }

    #[test]
    fn errors() {
        let parcel = rect(0.0, 0.0, 10.0, 30.0);
        let far_street = rect(-50.0, -30.0, 60.0, -20.0);
        let house = rect(1.0, 5.0, 9.0, 15.0);
        assert_eq!(rear_yard(&parcel, &house, &far_street).unwrap_err(), DeriveError::NoFront);
        assert_eq!(
            rear_yard(&parcel, &rect(50.0, 5.0, 60.0, 15.0), &far_street).unwrap_err(),
            DeriveError::BuildingNotOnParcel
        );
        let empty = Geometry::MultiPolygon(MultiPolygon::new(vec![]));
        assert_eq!(rear_yard(&empty, &house, &far_street).unwrap_err(), DeriveError::Empty("parcel"));
        assert_eq!(rear_yard(&parcel, &empty, &far_street).unwrap_err(), DeriveError::Empty("main building"));
    }
}

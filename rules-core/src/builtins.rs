//! The built-in functions: one table that the checker reads for signatures and the evaluator calls.

use std::sync::Arc;

use crate::spatial::{self, GeomKind};
use crate::value::{compare_numbers, Dim, Type, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Builtin {
    Min,
    Max,
    Abs,
    Area,
    Length,
    Distance,
    Location,
    Union,
    Intersection,
    Difference,
    Buffer,
    Boundary,
    FrontLine,
    RearYard,
    ZoneFrom,
    Coverage,
    Near,
    Largest,
    Nearest,
}

/// Every builtin with its name and a one-line signature for messages and docs.
pub const ALL: &[(Builtin, &str, &str)] = &[
    (Builtin::Min, "min", "min(a, b, ...): the smallest of numbers of one unit"),
    (Builtin::Max, "max", "max(a, b, ...): the largest of numbers of one unit"),
    (Builtin::Abs, "abs", "abs(x): the absolute value"),
    (Builtin::Area, "area", "area(shape): surface in m2"),
    (Builtin::Length, "length", "length(shape): length of a line or perimeter of an area, in m"),
    (Builtin::Distance, "distance", "distance(a, b): shortest distance in m (0 when they touch)"),
    (Builtin::Location, "location", "location(a, b): ja (a inside b), deels (partly) or nee"),
    (Builtin::Union, "union", "union(a, b): the area covered by a or b"),
    (Builtin::Intersection, "intersection", "intersection(a, b): the area covered by both"),
    (Builtin::Difference, "difference", "difference(a, b): the part of a outside b"),
    (Builtin::Buffer, "buffer", "buffer(shape, d): the area within distance d of shape"),
    (Builtin::Boundary, "boundary", "boundary(area): the outline of an area as lines"),
    (
        Builtin::FrontLine,
        "front_line",
        "front_line(parcel, main_building, public_space): the walls of the main building facing the adjacent public space",
    ),
    (
        Builtin::RearYard,
        "rear_yard",
        "rear_yard(parcel, main_building, public_space[, d]): the achtererfgebied, behind the line 1 m (or d) behind the front",
    ),
    (Builtin::ZoneFrom, "zone_from", "zone_from(shape, d): the area within distance d of shape, outside it"),
    (
        Builtin::Near,
        "near",
        "near(shape, other, d): the part of shape within reach of other (points within d; lines and areas cut to the box around other widened by d)",
    ),
    (
        Builtin::Coverage,
        "coverage",
        "coverage(zone, shape, ...): the surface of zone covered by the shapes together, in m2",
    ),
    (
        Builtin::Largest,
        "largest",
        "largest(layer, zone): the feature of an area layer that covers most of zone (only in `from`)",
    ),
    (
        Builtin::Nearest,
        "nearest",
        "nearest(layer, point, d): the feature of a layer nearest to point, within d (only in `from`)",
    ),
];

impl Builtin {
    pub fn lookup(name: &str) -> Option<Builtin> {
        ALL.iter().find(|(_, n, _)| *n == name).map(|(b, _, _)| *b)
    }

    pub fn name(self) -> &'static str {
        ALL.iter().find(|(b, _, _)| *b == self).map(|(_, n, _)| *n).unwrap_or("?")
    }

    pub fn signature(self) -> &'static str {
        ALL.iter().find(|(b, _, _)| *b == self).map(|(_, _, s)| *s).unwrap_or("?")
    }

    /// The result type for these argument types, or a message saying what is wrong.
    pub fn result_type(self, args: &[Type]) -> Result<Type, String> {
        let geom = |i: usize| matches!(args.get(i), Some(Type::Geom(_)));
        let area = |i: usize| matches!(args.get(i), Some(Type::Geom(GeomKind::Area)));
        let count = |n: usize| {
            if args.len() == n {
                Ok(())
            } else {
                Err(format!(
                    "`{}` takes {n} argument{}, not {}",
                    self.name(),
                    if n == 1 { "" } else { "s" },
                    args.len()
                ))
            }
        };
        match self {
            Builtin::Min | Builtin::Max => {
                if args.len() < 2 {
                    return Err(format!("`{}` needs at least two values", self.name()));
                }
                let Some(Type::Num(first)) = args.first() else {
                    return Err(format!("`{}` works on numbers, not {}", self.name(), args[0].describe()));
                };
                for a in &args[1..] {
                    match a {
                        Type::Num(d) if d.compatible(*first) => {}
                        other => {
                            return Err(format!(
                                "`{}` needs values of one kind: {} and {}",
                                self.name(),
                                first.describe(),
                                other.describe()
                            ))
                        }
                    }
                }
                Ok(Type::Num(*first))
            }
            Builtin::Abs => {
                count(1)?;
                match &args[0] {
                    Type::Num(d) => Ok(Type::Num(*d)),
                    other => Err(format!("`abs` works on numbers, not {}", other.describe())),
                }
            }
            Builtin::Area => {
                count(1)?;
                if area(0) {
                    Ok(Type::Num(Dim::SURFACE))
                } else {
                    Err(format!("`area` needs an area, not {}", args[0].describe()))
                }
            }
            Builtin::Length => {
                count(1)?;
                if geom(0) {
                    Ok(Type::Num(Dim::LENGTH))
                } else {
                    Err(format!("`length` needs a line or an area, not {}", args[0].describe()))
                }
            }
            Builtin::Distance | Builtin::Location => {
                count(2)?;
                if !(geom(0) && geom(1)) {
                    return Err(format!("`{}` needs two geometries", self.name()));
                }
                Ok(if self == Builtin::Distance { Type::Num(Dim::LENGTH) } else { Type::Location })
            }
            Builtin::Union | Builtin::Intersection | Builtin::Difference => {
                count(2)?;
                if area(0) && area(1) {
                    Ok(Type::Geom(GeomKind::Area))
                } else {
                    Err(format!("`{}` needs two areas", self.name()))
                }
            }
            Builtin::Buffer => {
                count(2)?;
                match (&args[0], &args[1]) {
                    (Type::Geom(_), Type::Num(d)) if d.compatible(Dim::LENGTH) => Ok(Type::Geom(GeomKind::Area)),
                    _ => Err("`buffer` needs a geometry and a length, like buffer(plan, 1 m)".into()),
                }
            }
            Builtin::Boundary => {
                count(1)?;
                if area(0) {
                    Ok(Type::Geom(GeomKind::Line))
                } else {
                    Err("`boundary` needs an area".into())
                }
            }
            Builtin::RearYard if args.len() == 4 => {
                if !(area(0) && area(1) && area(2) && matches!(&args[3], Type::Num(d) if d.compatible(Dim::LENGTH))) {
                    return Err("`rear_yard` takes three areas and a distance: the parcel, the main building, the public space and how far behind the front the line lies, like rear_yard(parcel, main_building, public_space, 0 m)".into());
                }
                Ok(Type::Geom(GeomKind::Area))
            }
            Builtin::FrontLine | Builtin::RearYard => {
                count(3)?;
                if !(area(0) && area(1) && area(2)) {
                    return Err(format!(
                        "`{}` needs three areas: the parcel, the main building and the public space",
                        self.name()
                    ));
                }
                Ok(Type::Geom(if self == Builtin::FrontLine { GeomKind::Line } else { GeomKind::Area }))
            }
            Builtin::ZoneFrom => {
                count(2)?;
                match (&args[0], &args[1]) {
                    (Type::Geom(_), Type::Num(d)) if d.compatible(Dim::LENGTH) => Ok(Type::Geom(GeomKind::Area)),
                    _ => Err("`zone_from` needs a geometry and a length, like zone_from(main_building, 4 m)".into()),
                }
            }
            Builtin::Near => {
                count(3)?;
                match (&args[0], &args[1], &args[2]) {
                    (Type::Geom(k), Type::Geom(_), Type::Num(d)) if d.compatible(Dim::LENGTH) => Ok(Type::Geom(*k)),
                    _ => Err("`near` needs two geometries and a length, like near(trees, plan, 1 m)".into()),
                }
            }
            Builtin::Largest => {
                count(2)?;
                if area(0) && area(1) {
                    Ok(Type::Geom(GeomKind::Area))
                } else {
                    Err("`largest` needs an area layer and an area, like largest(buildings, parcel)".into())
                }
            }
            Builtin::Nearest => {
                count(3)?;
                match (&args[0], &args[1], &args[2]) {
                    (Type::Geom(k), Type::Geom(GeomKind::Point), Type::Num(d)) if d.compatible(Dim::LENGTH) => {
                        Ok(Type::Geom(*k))
                    }
                    _ => Err("`nearest` needs a layer, a point and a length, like nearest(trees, spot, 3 m)".into()),
                }
            }
            Builtin::Coverage => {
                if args.len() < 2 {
                    return Err(
                        "`coverage` needs a zone and at least one shape, like coverage(rear_yard, buildings, plan)"
                            .into(),
                    );
                }
                if (0..args.len()).all(area) {
                    Ok(Type::Num(Dim::SURFACE))
                } else {
                    Err("`coverage` works on areas".into())
                }
            }
        }
    }

    /// Apply to known values of the checked types. Returns a message on a runtime problem.
    pub fn apply(self, args: &[Value]) -> Result<Value, String> {
        let num = |i: usize| match args.get(i) {
            Some(Value::Num(n, d)) => Ok((*n, *d)),
            _ => Err(format!("`{}`: argument {} is not a number", self.name(), i + 1)),
        };
        let geo = |i: usize| match args.get(i) {
            Some(Value::Geom(g)) => Ok(g.as_ref()),
            _ => Err(format!("`{}`: argument {} is not a geometry", self.name(), i + 1)),
        };
        let shape = |g: spatial::Geometry| Value::Geom(Arc::new(g));
        Ok(match self {
            Builtin::Min | Builtin::Max => {
                let (mut best, dim) = num(0)?;
                for i in 1..args.len() {
                    let (n, _) = num(i)?;
                    let better = if self == Builtin::Min {
                        compare_numbers(n, best).is_lt()
                    } else {
                        compare_numbers(n, best).is_gt()
                    };
                    if better {
                        best = n;
                    }
                }
                Value::Num(best, dim)
            }
            Builtin::Abs => {
                let (n, d) = num(0)?;
                Value::Num(n.abs(), d)
            }
            Builtin::Area => Value::Num(spatial::area(geo(0)?), Dim::SURFACE),
            Builtin::Length => Value::Num(spatial::length(geo(0)?), Dim::LENGTH),
            Builtin::Distance => Value::Num(spatial::distance(geo(0)?, geo(1)?), Dim::LENGTH),
            Builtin::Location => Value::Location(spatial::location(geo(0)?, geo(1)?)),
            Builtin::Union => shape(spatial::union(geo(0)?, geo(1)?)),
            Builtin::Intersection => shape(spatial::intersection(geo(0)?, geo(1)?)),
            Builtin::Difference => shape(spatial::difference(geo(0)?, geo(1)?)),
            Builtin::Buffer => {
                let (d, _) = num(1)?;
                if !d.is_finite() || d.abs() > 10_000.0 {
                    return Err(format!("`buffer` distance {d} m is out of range (at most 10 km)"));
                }
                shape(spatial::buffer(geo(0)?, d))
            }
            Builtin::Boundary => shape(spatial::boundary(geo(0)?)),
            Builtin::FrontLine => {
                shape(spatial::derive::front_line(geo(0)?, geo(1)?, geo(2)?).map_err(|e| format!("`front_line`: {e}"))?)
            }
            Builtin::RearYard => {
                let behind = if args.len() == 4 { num(3)?.0 } else { spatial::derive::BEHIND_FRONT };
                if !behind.is_finite() || !(0.0..=100.0).contains(&behind) {
                    return Err(format!("`rear_yard` distance {behind} m is out of range (0 to 100 m)"));
                }
                shape(
                    spatial::derive::rear_yard_behind(geo(0)?, geo(1)?, geo(2)?, behind)
                        .map_err(|e| format!("`rear_yard`: {e}"))?
                        .area,
                )
            }
            Builtin::ZoneFrom => {
                let (d, _) = num(1)?;
                if !d.is_finite() || !(0.0..=10_000.0).contains(&d) {
                    return Err(format!("`zone_from` distance {d} m is out of range (0 to 10 km)"));
                }
                shape(spatial::derive::zone_from(geo(0)?, d))
            }
            Builtin::Near => {
                let (d, _) = num(2)?;
                if !d.is_finite() || !(0.0..=10_000.0).contains(&d) {
                    return Err(format!("`near` distance {d} m is out of range (0 to 10 km)"));
                }
                shape(spatial::derive::near(geo(0)?, geo(1)?, d))
            }
            // They pick a feature of a layer: the evaluator runs them (see `eval::pick`).
            Builtin::Largest | Builtin::Nearest => {
                return Err(format!("`{}` picks a feature of a layer and works only in `from`", self.name()))
            }
            Builtin::Coverage => {
                let shapes = (1..args.len()).map(geo).collect::<Result<Vec<_>, _>>()?;
                Value::Num(spatial::derive::coverage(geo(0)?, &shapes), Dim::SURFACE)
            }
        })
    }
}

//! Operations between a geometry and a map layer, done on the layer's features near the geometry.
//!
//! A layer read on its own is all its features merged into one shape (areas unioned), which costs
//! as much as the layer is large. But almost every operation a rule does with a layer relates it
//! to one geometry (the plan, the parcel, a zone), and only the features near that geometry can
//! change the answer: the R-tree finds them, and the operation runs on those alone. The answers
//! are those of the whole layer (up to the last bits of a union's coordinates):
//! - `distance(x, layer)` is the distance to the nearest feature (a growing-box search);
//! - `x intersects layer` and `x overlaps layer` hold when one feature does;
//! - `x intersects buffer(layer, d)` (d > 0) is `distance(x, layer) <= d`, with no buffer built;
//! - `location(x, layer)`, `x within layer`, `layer contains x`, `intersection`, `difference(x,
//!   layer)`, `coverage(zone, layer, ...)`, `near(layer, x, d)`, `rear_yard` and `front_line` run
//!   on the union of the features whose box comes within reach of `x` (buffered first, when the
//!   layer is `buffer(layer, d)`): within that reach it is the same shape as the whole union.
//!
//! - `location(x, buffer(layer, d))` (and `location(x, buffer(y, d))` of any area `y`) first
//!   tries the layer itself: inside it is `ja`, far enough out `nee` or `deels`, and only a plan
//!   on the tolerance band builds the buffer (`spatial::location_within`);
//! - `rear_yard` and `front_line` read public space cut to the box around the parcel.
//!
//! What needs the whole layer (`area(layer)`, `union(x, layer)`, `layer within x`) still merges
//! it, once per bound layer.

use std::sync::Arc;

use super::{binary, unknown_of, BoundLayer, EvalError, Evaluator, Val};
use crate::builtins::Builtin;
use crate::check::{Expr, ExprKind};
use crate::spatial::{self, derive, GeomKind, Geometry};
use crate::syntax::ast::{BinOp, SpatialOp};
use crate::value::{Dim, Value};

/// Extra reach around a geometry: features that only touch its box are kept too.
const SLACK: f64 = 0.01;

/// How far from the parcel `rear_yard` and `front_line` look at public space: the frontage gap
/// (public space within [`derive::FRONTAGE_GAP`] of the parcel edge) with room to spare.
const FRONTAGE_REACH: f64 = derive::FRONTAGE_GAP + 2.0;

/// A layer as an argument: `trees`, `buffer(trees, 3 m)`, or a `let` naming one of those.
#[derive(Clone, Copy)]
pub(super) struct LayerArg<'r> {
    layer: &'r BoundLayer,
    kind: GeomKind,
    buffer: Option<f64>,
}

impl LayerArg<'_> {
    /// The layer within `margin` of `g` (and the buffer distance further), merged and buffered
    /// as asked.
    fn near(&self, g: &Geometry, margin: f64) -> Geometry {
        self.merged_and_buffered(spatial::IndexedLayer::merged_near, g, margin)
    }

    /// As [`LayerArg::near`], the features cut to the box around `g` grown by the reach first:
    /// for `rear_yard` and `front_line`, which read public space only within
    /// `derive::FRONTAGE_GAP + 1` m of the parcel's box ([`FRONTAGE_REACH`] is more), so the
    /// edges the cut makes (buffered by at most `d`, still beyond the reach less `d`) are never
    /// read.
    fn near_in_box(&self, g: &Geometry, margin: f64) -> Geometry {
        self.merged_and_buffered(spatial::IndexedLayer::merged_in_box, g, margin)
    }

    /// The features `merge` picks near `g` (the margin grown by the buffer distance), buffered.
    fn merged_and_buffered(
        &self,
        merge: fn(&spatial::IndexedLayer, &Geometry, f64, GeomKind) -> Geometry,
        g: &Geometry,
        margin: f64,
    ) -> Geometry {
        let d = self.buffer.unwrap_or(0.0);
        let local = merge(self.layer.indexed(), g, margin + d.abs() + SLACK, self.kind);
        match self.buffer {
            Some(d) => spatial::buffer(&local, d),
            None => local,
        }
    }
}

/// What an argument evaluated to: a layer to look into, or a value.
enum Arg<'r> {
    Layer(LayerArg<'r>),
    Val(Val),
}

impl<'r> Evaluator<'r> {
    /// `e` as a layer argument, when it is a bound layer, a `buffer` of one by a known distance,
    /// or a `let` that is one of those.
    fn layer_arg(&mut self, e: &'r Expr) -> Result<Option<LayerArg<'r>>, EvalError> {
        let (rs, facts) = (self.rs, self.facts);
        match &e.kind {
            ExprKind::Layer(i) => {
                Ok(facts.layer(*i).map(|layer| LayerArg { layer, kind: rs.layers[*i].kind, buffer: None }))
            }
            ExprKind::Let(i) => self.layer_arg(&rs.lets[*i].expr),
            ExprKind::Call(Builtin::Buffer, args) => {
                let [inner, d] = args.as_slice() else { return Ok(None) };
                let Some(arg) = self.layer_arg(inner)? else { return Ok(None) };
                if arg.buffer.is_some() {
                    return Ok(None);
                }
                // Out-of-range distances take the ordinary way, which reports them.
                Ok(match self.expr(d)? {
                    Val::Known(Value::Num(d, _)) if d.is_finite() && d.abs() <= 10_000.0 => {
                        Some(LayerArg { buffer: Some(d), ..arg })
                    }
                    _ => None,
                })
            }
            _ => Ok(None),
        }
    }

    /// The arguments, layers kept as layers; `None` when none is a layer.
    fn args_with_layers(&mut self, args: &'r [Expr]) -> Result<Option<Vec<Arg<'r>>>, EvalError> {
        let mut out = Vec::with_capacity(args.len());
        let mut any = false;
        for a in args {
            match self.layer_arg(a)? {
                Some(l) => {
                    any = true;
                    out.push(Arg::Layer(l));
                }
                None => out.push(Arg::Val(self.expr(a)?)),
            }
        }
        Ok(any.then_some(out))
    }

    /// A call with a layer argument, on the features that matter; `None` when the call needs the
    /// whole layer (or has none), and the ordinary evaluation takes it.
    pub(super) fn layer_call(&mut self, e: &'r Expr, b: Builtin, args: &'r [Expr]) -> Result<Option<Val>, EvalError> {
        // Where the layers may stand, and which argument they are taken near, with what margin.
        let (layer_at, around): (&[usize], usize) = match b {
            Builtin::Distance | Builtin::Intersection => (&[0, 1], usize::MAX),
            Builtin::Location | Builtin::Difference => (&[1], 0),
            Builtin::Coverage => (&[], 0),
            Builtin::RearYard | Builtin::FrontLine => (&[2], 0),
            Builtin::Near => (&[0], 1),
            _ => return Ok(None),
        };
        // Cheap syntactic test first: most calls have no layer.
        if !args.iter().any(|a| self.names_layer(a)) {
            return Ok(None);
        }
        let Some(evaluated) = self.args_with_layers(args)? else { return Ok(None) };
        let may_be_layer = |i: usize| if b == Builtin::Coverage { i > 0 } else { layer_at.contains(&i) };
        if evaluated.iter().enumerate().any(|(i, a)| matches!(a, Arg::Layer(_)) && !may_be_layer(i)) {
            return Ok(None);
        }
        if evaluated.iter().filter(|a| matches!(a, Arg::Layer(_))).count() > 1 && b != Builtin::Coverage {
            return Ok(None);
        }
        let vals: Vec<&Val> = evaluated
            .iter()
            .filter_map(|a| match a {
                Arg::Val(v) => Some(v),
                Arg::Layer(_) => None,
            })
            .collect();
        if let Some(unknown) = unknown_of(&vals) {
            return Ok(Some(unknown));
        }
        // The geometry the layer is taken near: the other argument of a pair, else `around`.
        let around =
            if around == usize::MAX { usize::from(matches!(evaluated.first(), Some(Arg::Layer(_)))) } else { around };
        let Some(Arg::Val(Val::Known(Value::Geom(g)))) = evaluated.get(around) else { return Ok(None) };
        let g = Arc::clone(g);
        if b == Builtin::Distance {
            let Some(Arg::Layer(layer)) = evaluated.iter().find(|a| matches!(a, Arg::Layer(_))) else {
                return Ok(None);
            };
            let d = layer.layer.indexed().distance_to(&g);
            return Ok(match layer.buffer {
                None => Some(Val::Known(Value::Num(d, Dim::LENGTH))),
                // The distance to the area within `r` of the layer.
                Some(r) if r > 0.0 => Some(Val::Known(Value::Num((d - r).max(0.0), Dim::LENGTH))),
                Some(_) => None,
            });
        }
        let margin = match b {
            Builtin::RearYard | Builtin::FrontLine => FRONTAGE_REACH,
            Builtin::Near => match evaluated.get(2) {
                Some(Arg::Val(Val::Known(Value::Num(d, _)))) if d.is_finite() && (0.0..=10_000.0).contains(d) => *d,
                _ => return Ok(None),
            },
            _ => 0.0,
        };
        // `location(x, buffer(layer, d))`: often certain from the layer itself (see
        // spatial::location_within); the buffer only when not.
        if let (Builtin::Location, Some(Arg::Layer(l @ LayerArg { buffer: Some(d), .. }))) = (b, evaluated.get(1)) {
            let local = l.layer.indexed().merged_near(&g, margin + d.abs() + SLACK, l.kind);
            if let Some(answer) = spatial::location_within(&g, &local, *d) {
                return Ok(Some(Val::Known(Value::Location(answer))));
            }
        }
        let values: Vec<Value> = evaluated
            .into_iter()
            .filter_map(|a| match a {
                Arg::Layer(l) if matches!(b, Builtin::RearYard | Builtin::FrontLine) => {
                    Some(Value::Geom(Arc::new(l.near_in_box(&g, margin))))
                }
                Arg::Layer(l) => Some(Value::Geom(Arc::new(l.near(&g, margin)))),
                Arg::Val(Val::Known(v)) => Some(v),
                Arg::Val(Val::Unknown(_)) => None,
            })
            .collect();
        Ok(Some(Val::Known(b.apply(&values).map_err(|m| EvalError::new("R006", e.span, m))?)))
    }

    /// `location(x, buffer(y, d))` (no layer), answered without building the buffer when the
    /// answer is certain anyway (see spatial::location_within); else as the ordinary call would.
    pub(super) fn location_in_buffer(&mut self, e: &'r Expr, args: &'r [Expr]) -> Result<Option<Val>, EvalError> {
        let [x, buffered] = args else { return Ok(None) };
        let ExprKind::Call(Builtin::Buffer, inner_args) = &buffered.kind else { return Ok(None) };
        let [y, d] = inner_args.as_slice() else { return Ok(None) };
        if self.names_layer(y) {
            return Ok(None);
        }
        // In the ordinary order: the arguments, then the buffer's.
        let (x, y, d) = (self.expr(x)?, self.expr(y)?, self.expr(d)?);
        if let Some(unknown) = unknown_of(&[&x, &y, &d]) {
            return Ok(Some(unknown));
        }
        let (Val::Known(x), Val::Known(y), Val::Known(d)) = (x, y, d) else { return Ok(None) };
        if let (Value::Geom(g), Value::Geom(a), Value::Num(dist, _)) = (&x, &y, &d) {
            if let Some(answer) = spatial::location_within(g, a, *dist) {
                return Ok(Some(Val::Known(Value::Location(answer))));
            }
        }
        let zone = Builtin::Buffer.apply(&[y, d]).map_err(|m| EvalError::new("R006", buffered.span, m))?;
        Ok(Some(Val::Known(Builtin::Location.apply(&[x, zone]).map_err(|m| EvalError::new("R006", e.span, m))?)))
    }

    /// `l op r` with a layer on one side, on the features that matter; `None` when it needs the
    /// whole layer (or has none).
    pub(super) fn layer_relation(
        &mut self,
        e: &'r Expr,
        op: SpatialOp,
        l: &'r Expr,
        r: &'r Expr,
    ) -> Result<Option<Val>, EvalError> {
        if !self.names_layer(l) && !self.names_layer(r) {
            return Ok(None);
        }
        let (left, right) = (self.layer_arg(l)?, self.layer_arg(r)?);
        let (layer, other, layer_left) = match (left, right) {
            (Some(layer), None) => (layer, r, true),
            (None, Some(layer)) => (layer, l, false),
            _ => return Ok(None),
        };
        let g = match self.expr(other)? {
            Val::Known(Value::Geom(g)) => g,
            Val::Known(_) => return Ok(None),
            unknown => return Ok(Some(unknown)),
        };
        let index = layer.layer.indexed();
        // `x within layer` and `layer contains x` need only the features near x; the reverse
        // needs all of them.
        let local_ok = match op {
            SpatialOp::Within => !layer_left,
            SpatialOp::Contains => layer_left,
            _ => true,
        };
        let answer = match (op, layer.buffer) {
            (SpatialOp::Intersects, None) => index.any_meeting(&g, spatial::intersects),
            (SpatialOp::Intersects, Some(d)) if d > 0.0 => index.distance_to(&g) <= d,
            (SpatialOp::Overlaps, None) => index.any_meeting(&g, spatial::overlaps),
            // Relations that hold for the whole layer when they hold for its part near `g`.
            _ if local_ok => {
                let local = Value::Geom(Arc::new(layer.near(&g, 0.0)));
                let g = Value::Geom(g);
                let (a, b) = if layer_left { (&local, &g) } else { (&g, &local) };
                return Ok(Some(Val::Known(binary(BinOp::Spatial(op), a, b, e)?)));
            }
            _ => return Ok(None),
        };
        Ok(Some(Val::Known(Value::Bool(answer))))
    }

    /// Whether `e` names a layer, directly, through a `buffer` or through `let`s.
    fn names_layer(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Layer(_) => true,
            ExprKind::Let(i) => self.rs.lets.get(*i).is_some_and(|l| self.names_layer(&l.expr)),
            ExprKind::Call(Builtin::Buffer, args) => args.first().is_some_and(|a| self.names_layer(a)),
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{Evaluator, Options};
    use super::*;
    use crate::compile;
    use crate::eval::Facts;
    use std::collections::BTreeSet;

    // Each pair: the local way (first) and the whole layer merged (`union(l, l)` and
    // `union(buffer(l, d), buffer(l, d))` need it all).
    const RULES: &str = r#"ruleset "T" { authority "T" }
input plan: area "Plan"
layer roads: area "Wegen"
layer houses: area "Panden"
layer trees: point "Bomen"
let d1 = distance(plan, roads)
let d2 = distance(plan, union(roads, roads))
let t1 = plan intersects buffer(trees, 3 m)
let t2 = plan intersects union(buffer(trees, 3 m), buffer(trees, 3 m))
let i1 = plan intersects houses
let i2 = plan intersects union(houses, houses)
let o1 = houses overlaps plan
let o2 = union(houses, houses) overlaps plan
let w1 = plan within houses
let w2 = plan within union(houses, houses)
let c1 = houses contains plan
let c2 = union(houses, houses) contains plan
let l1 = location(plan, buffer(roads, 2 m))
let l2 = location(plan, buffer(union(roads, roads), 2 m))
let a1 = area(intersection(plan, buffer(roads, 1 m)))
let a2 = area(intersection(plan, buffer(union(roads, roads), 1 m)))
let f1 = area(difference(plan, houses))
let f2 = area(difference(plan, union(houses, houses)))
let v1 = coverage(plan, houses)
let v2 = coverage(plan, union(houses, houses))
let b1 = distance(plan, buffer(trees, 2 m))
let b2 = distance(plan, union(buffer(trees, 2 m), buffer(trees, 2 m)))
"#;

    fn layer(name: &str) -> serde_json::Value {
        let path = format!("{}/../data/geo/{name}.geojson", env!("CARGO_MANIFEST_DIR"));
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    fn square(x: f64, y: f64, size: f64) -> serde_json::Value {
        serde_json::json!({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]})
    }

    #[test]
    fn local_answers_are_those_of_the_whole_layer() {
        let rs = compile("t.rules", RULES).ruleset.unwrap();
        let mut base = Facts::new(&rs);
        base.bind_layer(&rs, "roads", &layer("otterlo_bgt_wegdeel")).unwrap();
        base.bind_layer(&rs, "houses", &layer("otterlo_bgt_pand")).unwrap();
        base.bind_layer(&rs, "trees", &layer("otterlo_bgt_vegetatieobject")).unwrap();
        let mut compared = 0;
        let mut hits = BTreeSet::new();
        for i in 0..16 {
            let (x, y) = (181_120.0 + f64::from(i % 4) * 41.0, 456_420.0 + f64::from(i / 4) * 97.0);
            let mut facts = base.clone();
            facts.answer(&rs, "plan", &square(x, y, 3.0 + f64::from(i % 5) * 4.0)).unwrap();
            let mut ev = Evaluator::new(&rs, &facts, &Options::default());
            for pair in rs.lets.chunks(2) {
                let local = ev.expr(&pair[0].expr).unwrap();
                let whole = ev.expr(&pair[1].expr).unwrap();
                let (Val::Known(a), Val::Known(b)) = (&local, &whole) else { panic!("{local:?} {whole:?}") };
                match (a, b) {
                    (Value::Num(p, _), Value::Num(q, _)) => {
                        assert!((p - q).abs() < 1e-3 * (1.0 + q.abs()), "{} at {x},{y}: {p} vs {q}", pair[0].name)
                    }
                    // A tree right at 3 m: the buffer's polygon cuts its circle short.
                    (Value::Bool(p), Value::Bool(q)) if pair[0].name == "t1" && p != q => {
                        let d = spatial::distance(&facts_plan(&facts, &rs), &ev_trees(&ev));
                        assert!((d - 3.0).abs() < 0.05, "t1 at {x},{y}: {p} vs {q} at {d} m");
                    }
                    _ => assert!(a.same(b), "{} at {x},{y}: {a:?} vs {b:?}", pair[0].name),
                }
                if matches!(a, Value::Bool(true) | Value::Location(spatial::Location::Deels)) {
                    hits.insert(pair[0].name.clone());
                }
                compared += 1;
            }
        }
        assert_eq!(compared, 16 * 11);
        // The plans meet trees, houses and roads, not only empty ground.
        assert!(["t1", "i1", "o1", "l1"].iter().all(|n| hits.contains(*n)), "{hits:?}");
    }

    /// `rear_yard` reads public space cut to a box around the parcel: the same rear yards as
    /// from the whole road layer merged, on every real Otterlo parcel (one has no front, one no
    /// building).
    #[test]
    fn rear_yards_from_roads_cut_to_the_parcel_are_those_of_the_whole_layer() {
        let rs = compile(
            "t.rules",
            r#"ruleset "T" { authority "T" }
input parcel: area "Perceel"
input house: area "Huis" from largest(houses, parcel)
layer roads: area "Wegen"
layer houses: area "Panden"
let y1 = area(rear_yard(parcel, house, roads))
let y2 = area(rear_yard(parcel, house, union(roads, roads)))
let f1 = length(front_line(parcel, house, buffer(roads, 1 m)))
let f2 = length(front_line(parcel, house, buffer(union(roads, roads), 1 m)))
"#,
        )
        .ruleset
        .unwrap();
        let mut base = Facts::new(&rs);
        base.bind_layer(&rs, "roads", &layer("otterlo_bgt_wegdeel")).unwrap();
        base.bind_layer(&rs, "houses", &layer("otterlo_bgt_pand")).unwrap();
        let parcels = layer("otterlo_brk_perceel");
        let (mut yards, mut failed, mut unknown) = (0, 0, 0);
        for p in parcels["features"].as_array().unwrap() {
            let mut facts = base.clone();
            facts.answer(&rs, "parcel", &p["geometry"]).unwrap();
            let mut ev = Evaluator::new(&rs, &facts, &Options::default());
            for pair in rs.lets.chunks(2) {
                match (ev.expr(&pair[0].expr), ev.expr(&pair[1].expr)) {
                    (Ok(Val::Known(Value::Num(a, _))), Ok(Val::Known(Value::Num(b, _)))) => {
                        assert!((a - b).abs() < 1e-6, "{} on {}: {a} vs {b}", pair[0].name, p["properties"]);
                        yards += 1;
                    }
                    // No building on the parcel: no rear yard either way.
                    (Ok(Val::Unknown(a)), Ok(Val::Unknown(b))) => {
                        assert_eq!(a, b);
                        unknown += 1;
                    }
                    (Err(a), Err(b)) => {
                        assert_eq!((a.code, a.message), (b.code, b.message));
                        failed += 1;
                    }
                    (a, b) => panic!("{} on {}: {a:?} vs {b:?}", pair[0].name, p["properties"]),
                }
            }
        }
        assert_eq!((yards, failed, unknown), (18, 2, 2));
    }

    fn facts_plan(facts: &Facts, rs: &crate::check::Ruleset) -> Geometry {
        match facts.value(rs.input_index("plan").unwrap()) {
            Some(Value::Geom(g)) => g.as_ref().clone(),
            _ => unreachable!(),
        }
    }

    fn ev_trees(ev: &Evaluator) -> Geometry {
        ev.facts.layer(ev.rs.layer_index("trees").unwrap()).unwrap().merged(GeomKind::Point).as_ref().clone()
    }
}

#[cfg(test)]
mod bounded {
    use super::super::{evaluate, Options};
    use crate::compile;
    use crate::eval::Facts;
    use serde_json::json;

    /// A layer of 10,000 features piled on one spot (a bad export, an attack): the operations
    /// with a plan elsewhere touch none of them, and those on the spot finish.
    #[test]
    fn a_pile_of_overlapping_features() {
        let rs = compile(
            "pile.rules",
            r#"ruleset "T" { authority "T" }
input plan: area "Plan"
layer pile: area "Stapel"
let d = distance(plan, pile)
let c = coverage(plan, pile)
decision "D" {
  when plan intersects buffer(pile, 2 m) -> Vergunningplicht because "{d} {c}"
  when location(plan, pile) == deels -> Meldingsplicht
  otherwise -> Toestemmingsvrij because "{d} {c}"
}"#,
        )
        .ruleset
        .unwrap();
        let features: Vec<_> = (0..10_000)
            .map(|i| {
                let (x, y) = (181_000.0 + f64::from(i % 7) * 0.3, 456_000.0 + f64::from(i % 11) * 0.2);
                json!({"type": "Feature", "properties": {}, "geometry": {"type": "Polygon", "coordinates":
                    [[[x, y], [x + 10.0, y], [x + 10.0, y + 10.0], [x, y + 10.0], [x, y]]]}})
            })
            .collect();
        let mut facts = Facts::new(&rs);
        facts.bind_layer(&rs, "pile", &json!({"type": "FeatureCollection", "features": features})).unwrap();
        let square = |x: f64, y: f64| json!({"type": "Polygon", "coordinates": [[[x, y], [x + 4.0, y], [x + 4.0, y + 4.0], [x, y + 4.0], [x, y]]]});
        // Far away: nothing near, nothing touched.
        facts.answer(&rs, "plan", &square(181_500.0, 456_500.0)).unwrap();
        let far = evaluate(&rs, &facts, &Options::default()).unwrap();
        assert_eq!(far.decisions[0].outcome, json!("Toestemmingsvrij"));
        // On the pile.
        facts.answer(&rs, "plan", &square(181_003.0, 456_003.0)).unwrap();
        let on = evaluate(&rs, &facts, &Options::default()).unwrap();
        assert_eq!(on.decisions[0].outcome, json!("Vergunningplicht"));
    }
}

//! The adapter in plain Rust: everything the JS API does, with Rust types and [`Failure`] errors,
//! so it is tested natively (`cargo test -p rules-wasm`). `lib.rs` only converts to and from JS.
//!
//! Nothing here decides a rule: evaluation, `at` texts, diagnostics and case handling are
//! `rules-core` calls. What is here is bookkeeping the core leaves to its host: which rulesets and
//! layers are loaded, binding a layer to every ruleset that declares it, and a session that keeps
//! the answers between calls.

use std::cell::RefCell;
use std::rc::Rc;

use rules_core::case;
use rules_core::eval::{format_date, Needed, Outcome};
use rules_core::spatial::{self, GeomKind};
use rules_core::syntax::ast::{Date, InputKind};
use rules_core::syntax::parse_date;
use rules_core::value::{Dim, Type, Value};
use rules_core::{AtHit, EvalError, Facts, Memo, Options, Ruleset};
use serde::Serialize;
use serde_json::{json, Map, Value as Json};

use crate::named::Named;

/// An error that crosses the boundary: `message` is what the `rules` command prints for the same
/// problem; `data` becomes extra fields on the JS `Error` (`code`, `line`, `column`, `diagnostics`).
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub message: String,
    pub data: Map<String, Json>,
}

impl Failure {
    pub fn new(message: impl Into<String>) -> Failure {
        Failure { message: message.into(), data: Map::new() }
    }

    fn with(mut self, key: &str, value: Json) -> Failure {
        self.data.insert(key.into(), value);
        self
    }

    /// A runtime error of an evaluation, rendered with its caret excerpt as `rules eval` shows it.
    fn eval(rs: &Ruleset, e: &EvalError) -> Failure {
        let diagnostic = e.to_diagnostic();
        let json = diagnostic.to_json(&rs.source);
        Failure::new(diagnostic.render(&rs.source).trim_end())
            .with("code", json!(e.code))
            .with("line", json["line"].clone())
            .with("column", json["column"].clone())
            .with("diagnostics", json!([json]))
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::new(e.to_string())
    }
}

/// Reads a file named in a case (path as written in the case file).
pub type Loader<'a> = dyn FnMut(&str) -> Result<Json, String> + 'a;

/// A loaded ruleset: the checked rules and its layers, bound once and shared by its sessions.
struct Loaded {
    rs: Rc<Ruleset>,
    base: Facts,
}

/// A layer as given, kept so rulesets loaded later can be bound to it, and its features for
/// `features_at` (e.g. which parcel was clicked; parcels need not be a ruleset's layer).
struct StoredLayer {
    collection: Json,
    features: spatial::IndexedLayer,
}

/// What a ruleset asks and decides, for a host building its screens.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct RulesetInfo {
    /// The name it was loaded under (usually its path); the key for `start`.
    pub id: String,
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<String>,
    /// Questions and host inputs in asking order.
    pub inputs: Vec<InputInfo>,
    pub layers: Vec<LayerDecl>,
    /// Decision titles in file order.
    pub decisions: Vec<String>,
    /// Check names in file order.
    pub checks: Vec<String>,
    /// Warnings of the checker (the ruleset has no errors, or it would not have loaded).
    pub warnings: Vec<Json>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct InputInfo {
    pub name: String,
    /// `question` (ask the resident) or `input` (the host supplies it: map click, drawn plan).
    pub kind: &'static str,
    /// `bool`, `number`, `percent`, `length`, `surface`, `volume`, `angle`, `text`, `choice`,
    /// `location`, `point`, `line` or `area`.
    #[serde(rename = "type")]
    pub ty: String,
    /// The unit answers are read in when given as a plain number (`m`, `m2`, `%`, ...).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<&'static str>,
    pub label: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub intent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
    /// Allowed range in `unit` (percent as 0..100).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range: Option<[f64; 2]>,
    /// The same range in Dutch notation (`0 m`, `20 m`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub range_text: Option<[String; 2]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// For a derived input: its `from` clause (`largest(buildings, parcel)`); the map answers it
    /// (see `Outcome.derived`) until the resident gives another answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LayerDecl {
    pub name: String,
    /// `point`, `line` or `area`.
    pub kind: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Whether data has been loaded for it.
    pub bound: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LayerInfo {
    pub name: String,
    pub features: usize,
    /// Rulesets (ids) that declare this layer and are now bound to it.
    pub rulesets: Vec<String>,
}

/// A feature of a loaded layer at (or near) a point.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FeatureHit {
    pub layer: String,
    pub id: String,
    pub properties: Map<String, Json>,
    /// The validated geometry as GeoJSON (RD New).
    pub geometry: Json,
    /// Metres from the point (0 inside).
    pub distance: f64,
}

/// One example case run against its expectations (the browser's `rules test`).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CaseResult {
    pub name: String,
    pub passed: bool,
    pub problems: Vec<String>,
}

fn kind_name(kind: GeomKind) -> String {
    kind.to_string()
}

/// The declared type as the outcome JSON names it (`Needed.type`), and its answer unit.
fn type_and_unit(ty: &Type) -> (String, Option<&'static str>) {
    match ty {
        Type::Bool => ("bool".into(), None),
        Type::Num(d) if d.percent => ("percent".into(), Some("%")),
        Type::Num(d) => match (d.length, d.angle) {
            (1, 0) => ("length".into(), Some("m")),
            (2, 0) => ("surface".into(), Some("m2")),
            (3, 0) => ("volume".into(), Some("m3")),
            (0, 1) => ("angle".into(), Some("deg")),
            _ => ("number".into(), None),
        },
        Type::Text(Some(_)) => ("choice".into(), None),
        Type::Text(None) => ("text".into(), None),
        Type::Geom(k) => (k.to_string(), None),
        Type::Location => ("location".into(), None),
        Type::Conclusion => ("conclusion".into(), None),
        Type::List(_) => ("list".into(), None),
    }
}

fn info(id: &str, loaded: &Loaded, warnings: Vec<Json>) -> RulesetInfo {
    let rs = &loaded.rs;
    let mut order: Vec<usize> = (0..rs.inputs.len()).collect();
    rules_core::sort::sort_by_key(&mut order, |&i| rs.inputs[i].ask_order(i));
    let inputs = order
        .into_iter()
        .map(|i| {
            let input = &rs.inputs[i];
            let (ty, unit) = type_and_unit(&input.ty);
            let dim = match input.ty {
                Type::Num(d) => Some(d),
                _ => None,
            };
            let shown = |x: f64, d: Dim| if d.percent { x * 100.0 } else { x };
            InputInfo {
                name: input.name.clone(),
                kind: match input.kind {
                    InputKind::Question => "question",
                    InputKind::Input => "input",
                },
                ty,
                unit,
                label: input.label.clone(),
                help: input.help.clone(),
                intent: input.intent.clone(),
                options: match &input.ty {
                    Type::Text(Some(o)) => Some(o.to_vec()),
                    _ => None,
                },
                range: input.range.zip(dim).map(|((lo, hi), d)| [shown(lo, d), shown(hi, d)]),
                range_text: input
                    .range
                    .zip(dim)
                    .map(|((lo, hi), d)| [Value::Num(lo, d).to_dutch(), Value::Num(hi, d).to_dutch()]),
                priority: input.priority,
                from: input.derive.as_ref().map(|d| d.text.clone()),
            }
        })
        .collect();
    RulesetInfo {
        id: id.into(),
        name: rs.meta.name.clone(),
        authority: rs.meta.authority.clone(),
        activity: rs.meta.activity.clone(),
        source: rs.meta.source.clone(),
        valid_from: rs.meta.valid_from.map(format_date),
        valid_until: rs.meta.valid_until.map(format_date),
        inputs,
        layers: rs
            .layers
            .iter()
            .enumerate()
            .map(|(i, l)| LayerDecl {
                name: l.name.clone(),
                kind: kind_name(l.kind),
                label: l.label.clone(),
                bound: loaded.base.layer(i).is_some(),
            })
            .collect(),
        decisions: rs.decisions.iter().map(|d| d.title.clone()).collect(),
        checks: rs.checks.iter().map(|c| c.name.clone()).collect(),
        warnings,
    }
}

/// The geometry kind of a collection's first feature, for layers no ruleset declares.
fn guess_kind(collection: &Json) -> GeomKind {
    let ty = collection
        .get("features")
        .and_then(Json::as_array)
        .and_then(|f| f.first())
        .and_then(|f| f.get("geometry"))
        .and_then(|g| g.get("type"))
        .and_then(Json::as_str)
        .unwrap_or("");
    match ty {
        "Point" | "MultiPoint" => GeomKind::Point,
        "LineString" | "MultiLineString" => GeomKind::Line,
        _ => GeomKind::Area,
    }
}

fn bind(loaded: &mut Loaded, name: &str, collection: &Json) -> Result<bool, Failure> {
    if loaded.rs.layer_index(name).is_none() {
        return Ok(false);
    }
    // Not merged here: operations with a geometry use the layer's features near it.
    loaded.base.bind_layer(&loaded.rs, name, collection)?;
    Ok(true)
}

fn parse_point(x: f64, y: f64) -> Result<(f64, f64), Failure> {
    if x.is_finite() && y.is_finite() {
        Ok((x, y))
    } else {
        Err(Failure::new(format!("the point must be two finite numbers (RD New metres), got {x},{y}")))
    }
}

fn parse_day(text: Option<&str>) -> Result<Option<Date>, Failure> {
    match text {
        None | Some("") => Ok(None),
        Some(d) => {
            parse_date(d).map(Some).ok_or_else(|| Failure::new(format!("`date` must be YYYY-MM-DD, got \"{d}\"")))
        }
    }
}

/// The rulesets and layers of one page (or one service), and the sessions started on them.
#[derive(Default)]
pub struct Engine {
    rulesets: Named<Loaded>,
    warnings: Named<Vec<Json>>,
    texts: Named<String>,
    layers: Named<StoredLayer>,
}

impl Engine {
    pub fn new() -> Engine {
        Engine::default()
    }

    /// Compile a ruleset and bind the layers already loaded. A ruleset of the same `id` is replaced.
    /// An STTR/DMN file (XML) is refused, pointing to the importer module (`rules-wasm/sttr`) or
    /// `rules import-sttr`, whose output this loads. A ruleset that `extends` another finds it
    /// among the texts loaded before (path relative to `id`).
    /// Errors fail with every diagnostic rendered as `rules check` prints it.
    pub fn load_ruleset(&mut self, id: &str, text: &str) -> Result<RulesetInfo, Failure> {
        let xml = text.trim_start().starts_with('<');
        let (rs, warnings) = if xml { import_dmn(id, text)? } else { self.compile(id, text)? };
        let mut loaded = Loaded { base: Facts::new(&rs), rs: Rc::new(rs) };
        for (name, stored) in self.layers.iter() {
            bind(&mut loaded, name, &stored.collection).map_err(|f| Failure::new(format!("{id}: {}", f.message)))?;
        }
        let result = info(id, &loaded, warnings.clone());
        self.rulesets.insert(id, loaded);
        self.warnings.insert(id, warnings);
        self.texts.insert(id, text.into());
        Ok(result)
    }

    /// Check a ruleset text; a base it `extends` is found among the texts loaded before (path
    /// relative to `id`), as `rules check` finds it on disk.
    fn checked(&self, id: &str, text: &str) -> rules_core::Checked {
        rules_core::compile_with(id, text, &mut |relative: &str, from: &str| {
            // Named as the `rules` command names it (its folder joined, `..` kept); found normalised.
            let shown = match from.rsplit_once('/') {
                Some((dir, _)) => format!("{dir}/{relative}"),
                None => relative.to_string(),
            };
            let base = join(from, relative);
            self.texts.get(&base).map(|t| (shown, t.clone())).ok_or_else(|| format!("{base} is not loaded"))
        })
    }

    fn compile(&self, id: &str, text: &str) -> Result<(Ruleset, Vec<Json>), Failure> {
        let checked = self.checked(id, text);
        let source = &checked.source;
        let all: Vec<Json> = checked.diagnostics.iter().map(|d| d.to_json(source)).collect();
        let Some(rs) = checked.ruleset else {
            let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).collect();
            let rendered: String = checked.diagnostics.iter().map(|d| d.render(source)).collect();
            let n = errors.len();
            let first = errors.first().map(|d| d.to_json(source)).unwrap_or(Json::Null);
            return Err(Failure::new(format!(
                "{id} has {n} error{}\n{}",
                if n == 1 { "" } else { "s" },
                rendered.trim_end()
            ))
            .with("code", first["code"].clone())
            .with("line", first["line"].clone())
            .with("column", first["column"].clone())
            .with("diagnostics", Json::Array(all)));
        };
        Ok((rs, all))
    }

    /// Make a ruleset text known without compiling it: a base that other rulesets `extends`.
    pub fn add_source(&mut self, id: &str, text: &str) {
        self.texts.insert(id, text.into());
    }

    /// Forget a ruleset. Returns whether it was loaded.
    pub fn remove_ruleset(&mut self, id: &str) -> bool {
        self.warnings.remove(id);
        self.texts.remove(id);
        self.rulesets.remove(id).is_some()
    }

    /// Every loaded ruleset, by id.
    pub fn rulesets(&self) -> Vec<RulesetInfo> {
        self.rulesets.iter().map(|(id, l)| info(id, l, self.warnings.get(id).cloned().unwrap_or_default())).collect()
    }

    /// Load a GeoJSON FeatureCollection under `name` and bind it to every ruleset that declares a
    /// layer of that name (also to rulesets loaded later).
    pub fn load_layer(&mut self, name: &str, collection: Json) -> Result<LayerInfo, Failure> {
        let kind = self
            .rulesets
            .values()
            .find_map(|l| l.rs.layer_index(name).map(|i| l.rs.layers[i].kind))
            .unwrap_or_else(|| guess_kind(&collection));
        let features =
            spatial::parse_features(&collection, kind).map_err(|e| Failure::new(format!("layer `{name}`: {e}")))?;
        let mut bound = Vec::new();
        for (id, loaded) in self.rulesets.iter_mut() {
            if bind(loaded, name, &collection).map_err(|f| Failure::new(format!("{id}: {}", f.message)))? {
                bound.push(id.clone());
            }
        }
        let count = features.len();
        self.layers.insert(name, StoredLayer { collection, features: spatial::IndexedLayer::new(features) });
        Ok(LayerInfo { name: name.into(), features: count, rulesets: bound })
    }

    /// Stip op de kaart: the `at` texts of every loaded ruleset at a point (RD New metres).
    pub fn at(&self, x: f64, y: f64) -> Result<Vec<AtHit>, Failure> {
        let (x, y) = parse_point(x, y)?;
        Ok(self.rulesets.values().flat_map(|l| rules_core::at_point(&l.rs, &l.base, x, y)).collect())
    }

    /// The features of a loaded layer that contain the point, or lie within `radius` metres of it,
    /// nearest first.
    pub fn features_at(&self, layer: &str, x: f64, y: f64, radius: f64) -> Result<Vec<FeatureHit>, Failure> {
        let (x, y) = parse_point(x, y)?;
        let stored = self.layers.get(layer).ok_or_else(|| Failure::new(format!("no layer `{layer}` was loaded")))?;
        let mut hits: Vec<FeatureHit> = stored
            .features
            .at(x, y, radius.max(0.0))
            .into_iter()
            .map(|(f, distance)| FeatureHit {
                layer: layer.into(),
                id: f.id.clone(),
                properties: f.properties.clone(),
                geometry: spatial::to_geojson(&f.geometry),
                distance: (distance * 1000.0).round() / 1000.0,
            })
            .collect();
        rules_core::sort::sort_by(&mut hits, |a, b| a.distance.total_cmp(&b.distance));
        Ok(hits)
    }

    /// Start a session for a ruleset: `answers` may hold geometry too (`{"parcel": <GeoJSON>}`).
    pub fn start(&self, id: &str, date: Option<&str>, answers: &Map<String, Json>) -> Result<Session, Failure> {
        let loaded = self.rulesets.get(id).ok_or_else(|| Failure::new(format!("no ruleset \"{id}\" was loaded")))?;
        let mut session = Session {
            id: id.into(),
            rs: loaded.rs.clone(),
            facts: loaded.base.clone(),
            memo: RefCell::new(Memo::new(&loaded.rs)),
            answers: Map::new(),
            date: parse_day(date)?,
        };
        for (name, value) in answers {
            session.answer(name, value)?;
        }
        Ok(session)
    }

    /// Every diagnostic of a ruleset text (errors and warnings) as JSON with line and column: what
    /// `rules check --format json` gives. A base it `extends` is found among the texts loaded
    /// before (`add_source`, `load_ruleset`), so the bases must be added first.
    pub fn diagnostics(&self, name: &str, text: &str) -> Vec<Json> {
        let checked = self.checked(name, text);
        checked.diagnostics.iter().map(|d| d.to_json(&checked.source)).collect()
    }

    /// `rules eval RULESET --case CASES --format json`: the outcome JSON, one object or an array,
    /// byte for byte what the command prints (without the final newline).
    pub fn evaluate_cases(&self, name: &str, text: &str, cases: &str, load: &mut Loader) -> Result<String, Failure> {
        let (rs, _) = self.compile(name, text)?;
        let mut outputs = Vec::new();
        for (i, c) in case::parse_cases(cases)?.iter().enumerate() {
            let label = c.label(i);
            let (facts, options) = case::facts_for(&rs, c, &label, load)?;
            let outcome = rules_core::evaluate(&rs, &facts, &options).map_err(|e| Failure::eval(&rs, &e))?;
            outputs.push(outcome.to_json());
        }
        let out = if outputs.len() == 1 { outputs.remove(0) } else { Json::Array(outputs) };
        Ok(serde_json::to_string_pretty(&out)?)
    }

    /// `rules test`: run example cases against a ruleset text and report each one.
    pub fn test_cases(
        &self,
        name: &str,
        text: &str,
        cases: &str,
        load: &mut Loader,
    ) -> Result<Vec<CaseResult>, Failure> {
        let (rs, _) = self.compile(name, text)?;
        let mut results = Vec::new();
        for (i, c) in case::parse_cases(cases)?.iter().enumerate() {
            let label = c.label(i);
            let problems = match case::facts_for(&rs, c, &label, load) {
                Err(e) => match c.expect.as_ref().and_then(|x| x.get("error")).and_then(Json::as_str) {
                    Some("input") => Vec::new(),
                    _ => vec![e.to_string()],
                },
                Ok((facts, options)) => case::verify(c, &rules_core::evaluate(&rs, &facts, &options)),
            };
            results.push(CaseResult { name: label, passed: problems.is_empty(), problems });
        }
        Ok(results)
    }
}

/// `dir/of/from` + `relative`, with `.` and `..` resolved (ids are paths with `/`).
fn join(from: &str, relative: &str) -> String {
    let mut parts: Vec<&str> = from.split('/').collect();
    parts.pop();
    for part in relative.split('/') {
        match part {
            "." | "" => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

/// Say how to get a ruleset from a DMN file: the importer is a module of its own (see
/// `rules-wasm/sttr`), so that this one stays small.
fn import_dmn(id: &str, _text: &str) -> Result<(Ruleset, Vec<Json>), Failure> {
    Err(Failure::new(format!(
        "{id} is an STTR/DMN file; this module reads rulesets only: convert it with `importSttr` from \
         rules-wasm/sttr, or with `rules import-sttr {id}`"
    )))
}

/// One resident's walk through one ruleset: the answers so far, the drawn plan, the evaluation date.
pub struct Session {
    id: String,
    rs: Rc<Ruleset>,
    facts: Facts,
    /// What the evaluations so far computed that the next may reuse (a plan change recomputes
    /// only what reads the plan).
    memo: RefCell<Memo>,
    answers: Map<String, Json>,
    date: Option<Date>,
}

impl Session {
    /// The ruleset id this session runs on.
    pub fn ruleset(&self) -> &str {
        &self.id
    }

    /// Give (or with `null`, remove) an answer; geometry inputs take GeoJSON.
    pub fn answer(&mut self, name: &str, value: &Json) -> Result<(), Failure> {
        self.facts.answer(&self.rs, name, value).map_err(|e| Failure::from(e).with("input", json!(name)))?;
        if value.is_null() {
            self.answers.remove(name);
        } else {
            self.answers.insert(name.into(), value.clone());
        }
        Ok(())
    }

    /// Remove an answer: the input is unknown again.
    pub fn unanswer(&mut self, name: &str) -> Result<(), Failure> {
        self.facts.unanswer(&self.rs, name).map_err(|e| Failure::from(e).with("input", json!(name)))?;
        self.answers.remove(name);
        Ok(())
    }

    fn options(&self, trace: bool) -> Options {
        Options { date: self.date, trace, decisions: None }
    }

    /// Evaluate everything: decisions with trace, checks with violation geometry, inputs still needed.
    pub fn outcome(&self) -> Result<Outcome, Failure> {
        self.evaluate(&self.facts, true)
    }

    fn evaluate(&self, facts: &Facts, trace: bool) -> Result<Outcome, Failure> {
        let mut memo = self.memo.borrow_mut();
        rules_core::evaluate_with(&self.rs, facts, &self.options(trace), &mut memo)
            .map_err(|e| Failure::eval(&self.rs, &e))
    }

    /// The next question: the highest-priority input that can still change a decision.
    pub fn next(&self) -> Result<Option<Needed>, Failure> {
        Ok(self.evaluate(&self.facts, false)?.needed.into_iter().next())
    }

    /// Binnen de lijntjes: set the drawn plan (GeoJSON; `null` removes it) as input `input` and
    /// evaluate.
    pub fn check(&mut self, plan: &Json, input: &str) -> Result<Outcome, Failure> {
        self.answer(input, plan)?;
        self.outcome()
    }

    /// Answered inputs that no longer matter: with that answer removed, no decision would need it
    /// (the core's own `needed` semantics, asked once per answer). A screen hides these questions.
    pub fn irrelevant(&self) -> Result<Vec<String>, Failure> {
        let mut memo = self.memo.borrow_mut();
        let found = rules_core::irrelevant_answers(&self.rs, &self.facts, &self.options(false), &mut memo)
            .map_err(|e| Failure::eval(&self.rs, &e))?;
        Ok(found.into_iter().map(|i| self.rs.inputs[i].name.clone()).collect())
    }

    /// The answers given so far (geometry as GeoJSON), to save and restore a session.
    pub fn answers(&self) -> &Map<String, Json> {
        &self.answers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: &str = r#"
ruleset "Schuur" { authority "Gemeente Voorbeeld" valid from 2024-01-01 activity "Schuur bouwen" }
input parcel: area "Uw perceel" { priority 1 }
input plan: area "Uw schuur" { priority 2 }
layer roads: area "Wegen"
question height: length "Hoe hoog?" { range 0 m .. 10 m priority 10 }
let road_distance = distance(plan, roads)
decision "Conclusie" {
  when location(plan, parcel) != ja -> NietVanToepassing because "Niet op uw perceel."
  when height > 3 m -> Vergunningplicht because "Hoger dan 3 m ({height})."
  otherwise -> Toestemmingsvrij because "Het past."
}
check "Op uw perceel" { plan within parcel show difference(plan, parcel) }
check "Afstand tot de weg" { road_distance > 1 m }
at roads "Weg" { "Dit is een weg." }
"#;

    fn square(x: f64, y: f64, size: f64) -> Json {
        json!({"type": "Polygon", "coordinates": [[[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]]})
    }

    fn roads() -> Json {
        json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "r1", "properties": {}, "geometry": square(100000.0, 400020.0, 20.0)}]})
    }

    fn engine() -> Engine {
        let mut e = Engine::new();
        e.load_layer("roads", roads()).expect("layer");
        e.load_ruleset("schuur.rules", RULES).expect("loads");
        e
    }

    #[test]
    fn layers_loaded_before_a_ruleset_are_bound_to_it() {
        let e = engine();
        let info = &e.rulesets()[0];
        assert_eq!(info.activity.as_deref(), Some("Schuur bouwen"));
        assert!(info.layers[0].bound);
        assert_eq!(info.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>(), ["parcel", "plan", "height"]);
        assert_eq!(info.inputs[2].range_text, Some(["0 m".to_string(), "10 m".to_string()]));
        let hits = e.at(100010.0, 400030.0).expect("point");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].text, "Dit is een weg.");
        assert!(e.at(100010.0, 400000.0).expect("point").is_empty());
    }

    #[test]
    fn a_session_asks_then_decides_and_forgets_on_unanswer() {
        let e = engine();
        let mut answers = Map::new();
        answers.insert("parcel".into(), square(100000.0, 400000.0, 15.0));
        let mut s = e.start("schuur.rules", Some("2025-01-01"), &answers).expect("start");
        assert_eq!(s.next().expect("next").map(|n| n.input), Some("plan".into()));
        let outcome = s.check(&square(100001.0, 400001.0, 3.0), "plan").expect("check");
        assert_eq!(outcome.needed[0].input, "height");
        s.answer("height", &json!("4 m")).expect("answer");
        let outcome = s.outcome().expect("outcome");
        assert_eq!(outcome.decisions[0].outcome, json!("Vergunningplicht"));
        s.unanswer("height").expect("unanswer");
        assert_eq!(s.next().expect("next").map(|n| n.input), Some("height".into()));
        assert_eq!(s.answers().len(), 2);
        // Outside the parcel the conclusion is NietVanToepassing whatever the height.
        s.answer("height", &json!("2 m")).expect("answer");
        assert!(s.irrelevant().expect("irrelevant").is_empty());
        s.check(&square(100010.0, 400010.0, 8.0), "plan").expect("check");
        assert_eq!(s.irrelevant().expect("irrelevant"), ["height"]);
    }

    #[test]
    fn failures_carry_the_cli_message() {
        let e = engine();
        let mut s = e.start("schuur.rules", None, &Map::new()).expect("start");
        let err = s.answer("height", &json!("40 m")).expect_err("out of range");
        assert_eq!(err.message, "answer for `height` is 40 m, outside the allowed range 0 m .. 10 m");
        let err = s.answer("hieght", &json!("4 m")).expect_err("typo");
        assert!(err.message.contains("did you mean `height`"), "{}", err.message);
        let mut e2 = Engine::new();
        let err = e2
            .load_ruleset("bad.rules", "ruleset \"x\" { }\nquestion h: length \"?\"\nlet a = h > 2 m2\n")
            .expect_err("unit");
        assert!(err.message.starts_with("bad.rules has 1 error\nbad.rules:3:"), "{}", err.message);
        assert_eq!(err.data["code"], json!("E004"));
    }

    #[test]
    fn features_at_finds_the_clicked_feature() {
        let e = engine();
        let hits = e.features_at("roads", 100005.0, 400025.0, 0.0).expect("lookup");
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].id, "r1");
        assert!(e.features_at("roads", 100005.0, 400000.0, 0.0).expect("lookup").is_empty());
        assert!(e.features_at("nope", 0.0, 0.0, 0.0).is_err());
    }

    #[test]
    fn diagnostics_resolve_extends_among_the_added_texts() {
        let extending = "ruleset \"Wijk\" { authority \"Gemeente Voorbeeld\" extends \"../basis/schuur.rules\" }\n";
        let mut e = Engine::new();
        // Without the base the checker says it cannot load it (E019), as `rules check` does for a missing file.
        let missing = e.diagnostics("gemeente/wijk.rules", extending);
        assert_eq!(missing.iter().map(|d| d["code"].clone()).collect::<Vec<_>>(), [json!("E019")]);
        e.add_source("basis/schuur.rules", RULES);
        let found = e.diagnostics("gemeente/wijk.rules", extending);
        assert!(found.iter().all(|d| d["severity"] != json!("error")), "{found:?}");
    }
}

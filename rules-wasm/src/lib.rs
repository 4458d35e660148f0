//! `rules-wasm`: the browser and npm face of `rules-core`, a thin `wasm-bindgen` layer.
//!
//! Two exported classes: [`WasmEngine`] (`Engine` in JS: load rulesets and layers, Stip op de
//! kaart, start sessions, diagnostics for authors) and [`WasmSession`] (`Session` in JS: answer,
//! unanswer, next, outcome, check a drawn plan). Inputs and outputs are plain JS objects that pass
//! through JSON text (objects, not `Map`s; `null`, not `undefined`). Problems with what the caller
//! gave are thrown as JS `Error`s with the message the `rules` command prints, plus data fields;
//! everything else (diagnostics, needed inputs, failed checks) comes back as data.
//!
//! ```js
//! import init, { Engine } from "rules-wasm";
//! await init();
//! const engine = new Engine();
//! engine.loadLayer("public_space", roads);                 // a GeoJSON FeatureCollection
//! engine.loadRuleset("bijgebouw.rules", text);             // throws on errors, with line/column
//! engine.at({ x: 181190, y: 456455 });                     // Stip op de kaart
//! const s = engine.start("bijgebouw.rules", { date: "2025-06-01", answers: { parcel } });
//! s.next();                                                // { input: "plan", ... }
//! s.check(planPolygon);                                    // outcome with checks and geometry
//! s.answer("height", "2,5 m");
//! s.outcome().decisions[0].outcome;                        // "Toestemmingsvrij"
//! ```
//!
//! All logic lives in [`engine`] as plain Rust (tested natively); this file converts.

use rules_core::json;
use serde::Serialize;
use serde_json::{Map, Value as Json};
use wasm_bindgen::prelude::*;

pub mod engine;
mod named;

// talc rather than the standard library's dlmalloc: the same job in less code.
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

use engine::{Engine, Failure, Session};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = include_str!("../types.d.ts");

/// The one conversion for errors: a JS `Error` with the message, and the data as fields.
fn throw(failure: Failure) -> JsValue {
    let error = js_sys::Error::new(&failure.message);
    for (key, value) in &failure.data {
        if let Ok(v) = to_js(value) {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(key), &v);
        }
    }
    error.into()
}

/// A result as a plain JS object. It goes through JSON text and `JSON.parse`: the results are
/// serialised for `serde_json` anyway (`outcomeJson`, the CLI), and a second serializer (such as
/// `serde-wasm-bindgen`) would copy every `Serialize` impl into the .wasm again. `JSON.parse` is
/// also faster than building the object field by field across the wasm boundary. The value is
/// built as a `serde_json::Value` first: the outcome is serialised that way already
/// (`Outcome::to_json`), and writing each type straight to text would copy every `Serialize` impl
/// a second time (for the text writer); only `Value` is then written as text.
fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    let text = serde_json::to_value(value)
        .and_then(|v| serde_json::to_string(&v))
        .map_err(|e| JsValue::from(js_sys::Error::new(&format!("cannot convert the result: {e}"))))?;
    js_sys::JSON::parse(&text)
}

/// A JS value as JSON, through `JSON.stringify` (see [`to_js`]). Strings holding JSON are
/// accepted where a document is expected (`json_text`), which skips that step.
fn from_js(value: JsValue, what: &str, json_text: bool) -> Result<Json, JsValue> {
    if value.is_undefined() {
        return Ok(Json::Null);
    }
    let text = match value.as_string() {
        Some(text) if json_text => text,
        _ => json_text_of(&value).map_err(|e| throw(Failure::new(format!("{what}: {e}"))))?,
    };
    // Bounded before parsing: parsed JSON takes many times its text in memory.
    let limit = if what.starts_with("layer") { json::MAX_LAYER_BYTES } else { json::MAX_BYTES };
    if let Some(message) = json::too_large(what, text.len(), limit) {
        return Err(throw(Failure::new(message)));
    }
    serde_json::from_str(&text).map_err(|e| throw(Failure::new(format!("{what} is not valid JSON: {e}"))))
}

/// `JSON.stringify(value)`, with its failures (a cycle, a BigInt, a function) as a message.
fn json_text_of(value: &JsValue) -> Result<String, String> {
    match js_sys::JSON::stringify(value) {
        Ok(text) => text.as_string().ok_or_else(|| "cannot be written as JSON".to_string()),
        Err(e) => Err(e
            .dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.message()))
            .unwrap_or_else(|| "cannot be written as JSON".into())),
    }
}

/// `{x, y}` or `[x, y]` in RD New metres.
fn point(value: JsValue) -> Result<(f64, f64), JsValue> {
    let json = from_js(value, "point", false)?;
    let coordinate = |key: &str, index: usize| json.get(key).or_else(|| json.get(index)).and_then(Json::as_f64);
    match (coordinate("x", 0), coordinate("y", 1)) {
        (Some(x), Some(y)) => Ok((x, y)),
        _ => Err(throw(Failure::new(format!("a point is {{x, y}} or [x, y] in RD New metres, got {json}")))),
    }
}

/// A case-file loader that asks a JS function for the file (its text, or the parsed JSON).
fn js_loader(load: &js_sys::Function) -> impl FnMut(&str) -> Result<Json, String> + '_ {
    move |path: &str| {
        let value = load.call1(&JsValue::NULL, &JsValue::from_str(path)).map_err(|e| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| format!("cannot read {path}"))
        })?;
        let text = match value.as_string() {
            Some(text) => text,
            None => json_text_of(&value).map_err(|e| format!("{path}: {e}"))?,
        };
        serde_json::from_str(&text).map_err(|e| format!("{path} is not valid JSON: {e}"))
    }
}

/// The rules engine of one page: loaded rulesets and layers. `Engine` in JS.
#[wasm_bindgen(js_name = Engine)]
pub struct WasmEngine {
    inner: Engine,
}

impl Default for WasmEngine {
    fn default() -> Self {
        Self::new()
    }
}

#[wasm_bindgen(js_class = Engine)]
impl WasmEngine {
    #[wasm_bindgen(constructor)]
    pub fn new() -> WasmEngine {
        WasmEngine { inner: Engine::new() }
    }

    /// Parse and check a ruleset and bind the layers already loaded; replaces a ruleset of the
    /// same id. Throws when it has errors: the message is what `rules check` prints, and
    /// `error.diagnostics` holds them as data.
    #[wasm_bindgen(js_name = loadRuleset, unchecked_return_type = "RulesetInfo")]
    pub fn load_ruleset(&mut self, id: &str, text: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.load_ruleset(id, text).map_err(throw)?)
    }

    /// Make a ruleset text known without compiling it: a base ruleset that others `extends`
    /// (found by path relative to the extending ruleset's id).
    #[wasm_bindgen(js_name = addSource)]
    pub fn add_source(&mut self, id: &str, text: &str) {
        self.inner.add_source(id, text)
    }

    /// Forget a ruleset; returns whether it was loaded.
    #[wasm_bindgen(js_name = removeRuleset)]
    pub fn remove_ruleset(&mut self, id: &str) -> bool {
        self.inner.remove_ruleset(id)
    }

    /// Every loaded ruleset: what it asks, decides and checks.
    #[wasm_bindgen(unchecked_return_type = "RulesetInfo[]")]
    pub fn rulesets(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.rulesets())
    }

    /// Load a GeoJSON FeatureCollection (an object, or its JSON text) under a layer name and bind it
    /// to every ruleset that declares that layer, now or later.
    #[wasm_bindgen(js_name = loadLayer, unchecked_return_type = "LayerInfo")]
    pub fn load_layer(
        &mut self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "FeatureCollection | string")] collection: JsValue,
    ) -> Result<JsValue, JsValue> {
        let json = from_js(collection, &format!("layer `{name}`"), true)?;
        to_js(&self.inner.load_layer(name, json).map_err(throw)?)
    }

    /// Stip op de kaart: what every loaded ruleset's `at` rules say at a point (RD New metres).
    #[wasm_bindgen(unchecked_return_type = "AtHit[]")]
    pub fn at(&self, #[wasm_bindgen(unchecked_param_type = "Point")] point_: JsValue) -> Result<JsValue, JsValue> {
        let (x, y) = point(point_)?;
        to_js(&self.inner.at(x, y).map_err(throw)?)
    }

    /// The features of a loaded layer at a point (or within `radius` metres), nearest first:
    /// e.g. the parcel a resident clicked.
    #[wasm_bindgen(js_name = featuresAt, unchecked_return_type = "FeatureHit[]")]
    pub fn features_at(
        &self,
        layer: &str,
        #[wasm_bindgen(unchecked_param_type = "Point")] point_: JsValue,
        radius: Option<f64>,
    ) -> Result<JsValue, JsValue> {
        let (x, y) = point(point_)?;
        to_js(&self.inner.features_at(layer, x, y, radius.unwrap_or(0.0)).map_err(throw)?)
    }

    /// Start a session for a ruleset (its id), optionally with an evaluation date and first
    /// answers (geometry too: `{answers: {parcel: <GeoJSON>}}`).
    pub fn start(
        &self,
        ruleset: &str,
        #[wasm_bindgen(unchecked_param_type = "StartOptions | undefined")] options: JsValue,
    ) -> Result<WasmSession, JsValue> {
        let options = from_js(options, "options", false)?;
        let date = options.get("date").and_then(Json::as_str);
        let answers = match options.get("answers") {
            Some(Json::Object(a)) => a.clone(),
            Some(Json::Null) | None => Map::new(),
            Some(other) => return Err(throw(Failure::new(format!("`answers` must be an object, got {other}")))),
        };
        let inner = self.inner.start(ruleset, date, &answers).map_err(throw)?;
        Ok(WasmSession { inner })
    }

    /// For authors: every diagnostic (errors and warnings) of a ruleset text, with line and column
    /// (also as UTF-16 columns for a browser editor), as `rules check --format json` gives them.
    /// A base ruleset it `extends` is looked up among the texts added before (`addSource`,
    /// `loadRuleset`; path relative to `name`). Never throws for a bad ruleset.
    #[wasm_bindgen(unchecked_return_type = "Diagnostic[]")]
    pub fn diagnostics(&self, name: &str, source: &str) -> Result<JsValue, JsValue> {
        to_js(&self.inner.diagnostics(name, source))
    }

    /// `rules eval RULESET --case CASES --format json` in the browser: the outcome JSON text, byte
    /// for byte what the command prints. `load(path)` returns a file named in the case (text or JSON).
    #[wasm_bindgen(js_name = evaluateCases)]
    pub fn evaluate_cases(
        &self,
        name: &str,
        text: &str,
        cases: &str,
        #[wasm_bindgen(unchecked_param_type = "(path: string) => string | object")] load: &js_sys::Function,
    ) -> Result<String, JsValue> {
        self.inner.evaluate_cases(name, text, cases, &mut js_loader(load)).map_err(throw)
    }

    /// `rules test` in the browser: run example cases against a ruleset text.
    #[wasm_bindgen(js_name = testCases, unchecked_return_type = "CaseResult[]")]
    pub fn test_cases(
        &self,
        name: &str,
        text: &str,
        cases: &str,
        #[wasm_bindgen(unchecked_param_type = "(path: string) => string | object")] load: &js_sys::Function,
    ) -> Result<JsValue, JsValue> {
        to_js(&self.inner.test_cases(name, text, cases, &mut js_loader(load)).map_err(throw)?)
    }
}

/// One walk through one ruleset: answers, drawn plan, evaluation date. `Session` in JS.
#[wasm_bindgen(js_name = Session)]
pub struct WasmSession {
    inner: Session,
}

#[wasm_bindgen(js_class = Session)]
impl WasmSession {
    /// The id of the ruleset this session runs on.
    #[wasm_bindgen(getter)]
    pub fn ruleset(&self) -> String {
        self.inner.ruleset().to_string()
    }

    /// Answer a question or give a host input (geometry as GeoJSON); `null` removes the answer.
    /// Throws with the reason when the answer does not fit (`error.input` names the question).
    pub fn answer(
        &mut self,
        name: &str,
        #[wasm_bindgen(unchecked_param_type = "Answer")] value: JsValue,
    ) -> Result<(), JsValue> {
        let value = from_js(value, &format!("answer for `{name}`"), false)?;
        self.inner.answer(name, &value).map_err(throw)
    }

    /// Remove an answer: the question is open again.
    pub fn unanswer(&mut self, name: &str) -> Result<(), JsValue> {
        self.inner.unanswer(name).map_err(throw)
    }

    /// The next question, or `null` when everything is decided.
    #[wasm_bindgen(unchecked_return_type = "Needed | null")]
    pub fn next(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.next().map_err(throw)?)
    }

    /// Evaluate: decisions with reasons and trace, checks with measured values and violation
    /// geometry, and the inputs still needed.
    #[wasm_bindgen(unchecked_return_type = "Outcome")]
    pub fn outcome(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.outcome().map_err(throw)?)
    }

    /// The outcome as JSON text, exactly as `rules eval --format json` prints it.
    #[wasm_bindgen(js_name = outcomeJson)]
    pub fn outcome_json(&self) -> Result<String, JsValue> {
        let outcome = self.inner.outcome().map_err(throw)?;
        serde_json::to_string_pretty(&outcome.to_json()).map_err(|e| throw(Failure::from(e)))
    }

    /// Binnen de lijntjes: set the drawn plan (a GeoJSON Polygon in RD New; `null` removes it) as
    /// input `input` (default `plan`) and evaluate.
    #[wasm_bindgen(unchecked_return_type = "Outcome")]
    pub fn check(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "Geometry | null")] plan: JsValue,
        input: Option<String>,
    ) -> Result<JsValue, JsValue> {
        let plan = from_js(plan, "plan", false)?;
        to_js(&self.inner.check(&plan, input.as_deref().unwrap_or("plan")).map_err(throw)?)
    }

    /// Answered questions that can no longer change any decision (a screen hides them).
    #[wasm_bindgen(unchecked_return_type = "string[]")]
    pub fn irrelevant(&self) -> Result<JsValue, JsValue> {
        to_js(&self.inner.irrelevant().map_err(throw)?)
    }

    /// The answers given so far, to save the session and start it again later.
    #[wasm_bindgen(unchecked_return_type = "Record<string, Answer>")]
    pub fn answers(&self) -> Result<JsValue, JsValue> {
        to_js(self.inner.answers())
    }
}

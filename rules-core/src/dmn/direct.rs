//! A direct DMN evaluator on FEEL: decisions with every boxed expression (literal expressions,
//! decision tables with all seven hit policies, contexts, invocations, relations, lists,
//! conditionals, filters, iterators, function definitions), business knowledge models, decision
//! services and input data, with the declared types applied to inputs and results.
//!
//! This is what the DMN TCK runner uses. Municipal STTR files do not run here: they are converted
//! to our language by [`super::sttr`], so residents' rules run on one evaluator.
//!
//! Every FEEL text is parsed when the model is loaded. A decision whose FEEL does not parse does
//! not stop the model: the model loads what it can and [`Model::problems`] names each element that
//! failed; evaluating such a decision is an error naming it.
//!
//! ```
//! use rules_core::dmn::direct::Model;
//! use rules_core::dmn::feel::Value;
//!
//! let model = Model::load(r##"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" name="m">
//!   <inputData id="i" name="Monthly Salary"><variable name="Monthly Salary" typeRef="number"/></inputData>
//!   <decision id="d" name="Yearly Salary"><variable name="Yearly Salary" typeRef="number"/>
//!     <informationRequirement><requiredInput href="#i"/></informationRequirement>
//!     <literalExpression><text>12 * Monthly Salary</text></literalExpression></decision>
//! </definitions>"##).unwrap();
//! let v = model.evaluate("Yearly Salary", &[("Monthly Salary".into(), Value::number(10000))]).unwrap();
//! assert_eq!(v, Value::number(120000));
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::rc::Rc;

use thiserror::Error;

use super::feel::{self, eval, Ast, FeelError, Function, Names, Scope, Tests, Type, Value};
use super::xml::{self, Aggregation, Definitions, Expression, HitPolicy, Logic, XmlError};

/// Why a model could not be loaded or a decision not evaluated.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum ModelError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("element {element}: FEEL error: {source}")]
    Feel { element: String, source: FeelError },
    #[error("element {element}: {what} is not supported")]
    Unsupported { element: String, what: String },
    /// A decision's boxed expression could not be read; the rest of the model loaded.
    #[error("element {element}: {source}")]
    Invalid { element: String, source: XmlError },
    #[error("there is no decision named \"{0}\"")]
    UnknownDecision(String),
    #[error("decision \"{0}\" depends on itself")]
    Cycle(String),
}

enum Compiled {
    /// A literal expression and its declared type.
    Literal(Ast, Option<String>),
    Table(Box<Table>),
    /// Entries (name, declared type, value); an entry without a name gives the result.
    Context(Vec<(Option<String>, Option<String>, Compiled)>),
    Invocation {
        function: Ast,
        bindings: Vec<(String, Option<Compiled>)>,
    },
    Relation {
        columns: Vec<String>,
        rows: Vec<Vec<Compiled>>,
    },
    List(Vec<Compiled>),
    Conditional(Box<[Compiled; 3]>),
    Filter(Box<[Compiled; 2]>),
    Iterator {
        kind: String,
        variable: String,
        parts: Box<[Compiled; 2]>,
    },
    Function {
        params: Vec<(String, Option<String>)>,
        body: Rc<Compiled>,
        java: bool,
    },
    Empty,
}

struct Table {
    hit: HitPolicy,
    aggregation: Option<Aggregation>,
    inputs: Vec<Ast>,
    /// `inputValues` of each input column.
    input_values: Vec<Option<Tests>>,
    outputs: Vec<Output>,
    rules: Vec<(Vec<Tests>, Vec<Ast>)>,
}

struct Output {
    name: Option<String>,
    type_ref: Option<String>,
    /// `outputValues`, for PRIORITY and OUTPUT ORDER.
    priorities: Vec<Value>,
    values: Option<Tests>,
    default: Option<Ast>,
}

struct DecisionDef {
    name: String,
    type_ref: Option<String>,
    requires: Vec<String>,
    logic: Result<Compiled, ModelError>,
}

struct BkmDef {
    name: String,
    parameters: Vec<(String, Option<String>)>,
    logic: Result<Compiled, ModelError>,
}

struct Inner {
    definitions: Definitions,
    decisions: Vec<DecisionDef>,
    bkms: Vec<BkmDef>,
    /// For each input data name: its declared type.
    input_types: BTreeMap<String, String>,
    /// Item definitions with allowed values, parsed.
    allowed: BTreeMap<String, Tests>,
    /// Imported models by their prefix (the `import` element's name).
    imports: Vec<(String, Rc<Inner>)>,
}

/// A loaded DMN model, ready to evaluate.
pub struct Model {
    inner: Rc<Inner>,
}

/// The names a model's FEEL may use: its own, and those of the models it imports (after their
/// prefix, `myimport.Say Hello`).
fn names_of(definitions: &Definitions, imports: &[(String, Rc<Inner>)]) -> Names {
    let mut names = Names::new(Vec::<String>::new());
    add_names(definitions, &mut names);
    fn imported(imports: &[(String, Rc<Inner>)], names: &mut Names) {
        for (prefix, inner) in imports {
            names.add(prefix);
            add_names(&inner.definitions, names);
            imported(&inner.imports, names);
        }
    }
    imported(imports, &mut names);
    names
}

fn add_names(definitions: &Definitions, names: &mut Names) {
    for i in &definitions.inputs {
        names.add(&i.name);
    }
    for d in &definitions.decisions {
        names.add(&d.name);
        if let Some(l) = &d.logic {
            logic_names(l, names);
        }
    }
    for b in &definitions.bkms {
        names.add(&b.name);
        for (p, _) in &b.parameters {
            names.add(p);
        }
        if let Some(l) = &b.body {
            logic_names(l, names);
        }
    }
    for s in &definitions.decision_services {
        names.add(&s.name);
    }
    fn component_names(item: &xml::ItemDefinition, names: &mut Names) {
        for c in &item.components {
            names.add(&c.name);
            component_names(c, names);
        }
    }
    for item in &definitions.item_definitions {
        component_names(item, names);
    }
}

/// Names a boxed expression introduces (context entries, parameters, iterator variables).
fn logic_names(l: &Logic, names: &mut Names) {
    match &l.expression {
        Expression::Context(entries) => {
            for e in entries {
                if let Some(n) = &e.name {
                    names.add(n);
                }
                logic_names(&e.value, names);
            }
        }
        Expression::Function { parameters, body, .. } => {
            for (p, _) in parameters {
                names.add(p);
            }
            if let Some(b) = body {
                logic_names(b, names);
            }
        }
        Expression::Relation { columns, rows } => {
            for c in columns {
                names.add(c);
            }
            rows.iter().flatten().for_each(|c| logic_names(c, names));
        }
        Expression::List(items) => items.iter().for_each(|c| logic_names(c, names)),
        Expression::Conditional(parts) => parts.iter().for_each(|c| logic_names(c, names)),
        Expression::Filter(parts) => parts.iter().for_each(|c| logic_names(c, names)),
        Expression::Iterator { variable, parts, .. } => {
            names.add(variable);
            parts.iter().for_each(|c| logic_names(c, names));
        }
        Expression::Invocation { bindings, .. } => {
            for (n, v) in bindings {
                names.add(n);
                if let Some(v) = v {
                    logic_names(v, names);
                }
            }
        }
        Expression::Literal { .. } | Expression::Table(_) | Expression::Unsupported(_) | Expression::Invalid(_) => {}
    }
}

/// Models built so far, by namespace, so a model imported by several is built once; and those
/// being built, so an import cycle stops.
#[derive(Default)]
struct Built {
    done: BTreeMap<String, Rc<Inner>>,
    busy: BTreeSet<String>,
}

/// A model with its FEEL parsed and its imports (from `library`, by namespace) built.
fn build(definitions: Definitions, library: &[Definitions], built: &mut Built) -> Result<Inner, ModelError> {
    built.busy.insert(definitions.namespace.clone());
    let mut imports = Vec::new();
    for (namespace, prefix) in &definitions.imports {
        if let Some(inner) = built.done.get(namespace) {
            imports.push((prefix.clone(), inner.clone()));
        } else if !built.busy.contains(namespace) {
            if let Some(other) = library.iter().find(|l| &l.namespace == namespace) {
                let inner = Rc::new(build(other.clone(), library, built)?);
                built.done.insert(namespace.clone(), inner.clone());
                imports.push((prefix.clone(), inner));
            }
        }
    }
    built.busy.remove(&definitions.namespace);
    let names = names_of(&definitions, &imports);
    let decisions = definitions
        .decisions
        .iter()
        .map(|d| {
            let mut requires: Vec<String> = d
                .required_decisions
                .iter()
                .filter_map(|id| definitions.decision_by_id(id).map(|r| r.name.clone()))
                .collect();
            requires.dedup();
            DecisionDef {
                name: d.name.clone(),
                type_ref: d.type_ref.clone(),
                requires,
                logic: match &d.logic {
                    Some(l) => compile(l, &names),
                    None => Ok(Compiled::Empty),
                },
            }
        })
        .collect();
    let bkms = definitions
        .bkms
        .iter()
        .map(|b| BkmDef {
            name: b.name.clone(),
            parameters: b.parameters.clone(),
            logic: match &b.body {
                Some(l) => compile(l, &names),
                None => Ok(Compiled::Empty),
            },
        })
        .collect();
    let input_types = definitions.inputs.iter().filter_map(|i| Some((i.name.clone(), i.type_ref.clone()?))).collect();
    let mut allowed = BTreeMap::new();
    for item in &definitions.item_definitions {
        if let Some(values) = &item.allowed_values {
            let tests = feel::parse_tests(values, &names)
                .map_err(|source| ModelError::Feel { element: item.name.clone(), source })?;
            allowed.insert(item.name.clone(), tests);
        }
    }
    Ok(Inner { definitions, decisions, bkms, input_types, allowed, imports })
}

impl Model {
    /// Read the XML and parse every FEEL text in it.
    pub fn load(text: &str) -> Result<Model, ModelError> {
        Model::load_with_imports(text, &[])
    }

    /// Read a model that imports others (`<import namespace=...>`): `library` holds the texts of
    /// the models it may import, found by their namespace. A library model that does not read is
    /// left out, and so is an import that none of them provides.
    pub fn load_with_imports(text: &str, library: &[String]) -> Result<Model, ModelError> {
        let library: Vec<Definitions> = library.iter().filter_map(|t| xml::read(t).ok()).collect();
        Ok(Model { inner: Rc::new(build(xml::read(text)?, &library, &mut Built::default())?) })
    }

    pub fn definitions(&self) -> &Definitions {
        &self.inner.definitions
    }

    /// The elements whose FEEL did not parse or whose expression is not supported.
    pub fn problems(&self) -> Vec<&ModelError> {
        let d = self.inner.decisions.iter().filter_map(|d| d.logic.as_ref().err());
        let b = self.inner.bkms.iter().filter_map(|b| b.logic.as_ref().err());
        d.chain(b).collect()
    }

    /// The names of all decisions, in file order.
    pub fn decision_names(&self) -> Vec<&str> {
        self.inner.decisions.iter().map(|d| d.name.as_str()).collect()
    }

    /// Evaluate one decision for the given input values (missing inputs are `null`).
    pub fn evaluate(&self, decision: &str, inputs: &[(String, Value)]) -> Result<Value, ModelError> {
        Run::new(self.inner.clone(), inputs, BTreeMap::new()).decision(decision)
    }

    /// Evaluate several decisions on the same inputs (shared intermediate results).
    pub fn evaluate_all(&self, decisions: &[&str], inputs: &[(String, Value)]) -> Vec<Result<Value, ModelError>> {
        let run = Run::new(self.inner.clone(), inputs, BTreeMap::new());
        decisions.iter().map(|d| run.decision(d)).collect()
    }

    /// Invoke a decision service (or a business knowledge model) by name with named inputs.
    pub fn invoke(&self, name: &str, inputs: &[(String, Value)]) -> Result<Value, ModelError> {
        let inner = &self.inner;
        if let Some(s) = inner.definitions.decision_services.iter().find(|s| s.name == name) {
            let params = service_params(inner, s);
            let args: Vec<Value> = params
                .iter()
                .map(|p| inputs.iter().find(|(n, _)| n == p).map(|(_, v)| v.clone()).unwrap_or(Value::Null))
                .collect();
            return Ok(run_service(inner, s, &args));
        }
        Err(ModelError::UnknownDecision(name.to_string()))
    }
}

fn service_params(inner: &Inner, s: &xml::DecisionService) -> Vec<String> {
    let defs = &inner.definitions;
    // Input data first, then input decisions (as the DMN TCK's decision services expect).
    let decisions = s.input_decisions.iter().filter_map(|id| defs.decision_by_id(id).map(|d| d.name.clone()));
    let inputs = s.input_data.iter().filter_map(|id| defs.input_by_id(id).map(|i| i.name.clone()));
    inputs.chain(decisions).collect()
}

fn run_service(inner: &Rc<Inner>, s: &xml::DecisionService, args: &[Value]) -> Value {
    let params = service_params(inner, s);
    let defs = &inner.definitions;
    let mut inputs = Vec::new();
    let mut given = BTreeMap::new();
    for (p, v) in params.iter().zip(args) {
        if let Some(d) = defs.decisions.iter().find(|d| &d.name == p) {
            // An input decision's value must be of the decision's type.
            let c = conform(inner, v.clone(), d.type_ref.as_deref());
            if c.is_null() && !v.is_null() {
                return Value::Null;
            }
            given.insert(p.clone(), c);
        } else {
            inputs.push((p.clone(), v.clone()));
        }
    }
    let run = Run::new(inner.clone(), &inputs, given);
    let outputs: Vec<(String, Value)> = s
        .outputs
        .iter()
        .filter_map(|id| defs.decision_by_id(id))
        .map(|d| (d.name.clone(), run.decision(&d.name).unwrap_or(Value::Null)))
        .collect();
    let result = if outputs.len() == 1 {
        outputs.into_iter().next().map(|(_, v)| v).unwrap_or(Value::Null)
    } else {
        Value::Context(outputs)
    };
    // A service typed by a function type gives a result of its output type, or null.
    let output_type =
        s.type_ref.as_deref().and_then(|t| defs.item_definition(t)).and_then(|i| i.function_output.as_deref());
    match output_type {
        Some(t) => conform(inner, result, Some(t)),
        None => result,
    }
}

fn compile(logic: &Logic, names: &Names) -> Result<Compiled, ModelError> {
    let feel_err = |element: &str| {
        let element = element.to_string();
        move |source| ModelError::Feel { element: element.clone(), source }
    };
    let expr = |text: &str, id: &str| feel::parse(text, names).map_err(feel_err(id));
    Ok(match &logic.expression {
        Expression::Literal { text, type_ref } => {
            if text.trim().is_empty() {
                Compiled::Empty
            } else {
                Compiled::Literal(expr(text, &logic.id)?, type_ref.clone())
            }
        }
        Expression::Table(t) => {
            let mut inputs = Vec::new();
            let mut input_values = Vec::new();
            for i in &t.inputs {
                inputs.push(expr(&i.expression, &i.id)?);
                input_values.push(match &i.values {
                    Some(v) => Some(feel::parse_tests(v, names).map_err(feel_err(&i.id))?),
                    None => None,
                });
            }
            let mut outputs = Vec::new();
            for o in &t.outputs {
                let values = match &o.values {
                    Some(v) => Some(feel::parse_tests(v, names).map_err(feel_err(&o.id))?),
                    None => None,
                };
                let priorities = match &values {
                    Some(Tests::Some(tests)) => tests
                        .iter()
                        .map(|t| match t {
                            feel::Check::Expr(e) => feel::evaluate(e, &Scope::root(Vec::new())),
                            _ => Value::Null,
                        })
                        .collect(),
                    _ => Vec::new(),
                };
                let default = match &o.default {
                    Some(d) => Some(expr(d, &o.id)?),
                    None => None,
                };
                outputs.push(Output {
                    name: o.name.clone(),
                    type_ref: o.type_ref.clone(),
                    priorities,
                    values,
                    default,
                });
            }
            let mut rules = Vec::new();
            for r in &t.rules {
                let mut tests = Vec::new();
                for e in &r.input_entries {
                    tests.push(feel::parse_tests(&e.text, names).map_err(feel_err(&e.id))?);
                }
                let mut outs = Vec::new();
                for e in &r.output_entries {
                    outs.push(if e.text.trim().is_empty() { Ast::Literal(Value::Null) } else { expr(&e.text, &e.id)? });
                }
                rules.push((tests, outs));
            }
            Compiled::Table(Box::new(Table {
                hit: t.hit_policy,
                aggregation: t.aggregation,
                inputs,
                input_values,
                outputs,
                rules,
            }))
        }
        Expression::Context(entries) => {
            let mut out = Vec::new();
            for e in entries {
                out.push((e.name.clone(), e.type_ref.clone(), compile(&e.value, names)?));
            }
            Compiled::Context(out)
        }
        Expression::Invocation { function, bindings } => {
            let mut out = Vec::new();
            for (name, value) in bindings {
                out.push((name.clone(), value.as_ref().map(|v| compile(v, names)).transpose()?));
            }
            let f = feel::parse(function, names).map_err(feel_err(&logic.id))?;
            Compiled::Invocation { function: f, bindings: out }
        }
        Expression::Relation { columns, rows } => {
            let mut out = Vec::new();
            for row in rows {
                out.push(row.iter().map(|c| compile(c, names)).collect::<Result<Vec<_>, _>>()?);
            }
            Compiled::Relation { columns: columns.clone(), rows: out }
        }
        Expression::List(items) => Compiled::List(items.iter().map(|c| compile(c, names)).collect::<Result<_, _>>()?),
        Expression::Conditional(p) => {
            Compiled::Conditional(Box::new([compile(&p[0], names)?, compile(&p[1], names)?, compile(&p[2], names)?]))
        }
        Expression::Filter(p) => Compiled::Filter(Box::new([compile(&p[0], names)?, compile(&p[1], names)?])),
        Expression::Iterator { kind, variable, parts } => Compiled::Iterator {
            kind: kind.clone(),
            variable: variable.clone(),
            parts: Box::new([compile(&parts[0], names)?, compile(&parts[1], names)?]),
        },
        Expression::Function { kind, parameters, body } => {
            let kind = kind.as_deref().unwrap_or("FEEL");
            if kind.eq_ignore_ascii_case("PMML") {
                return Err(ModelError::Unsupported { element: logic.id.clone(), what: "a PMML function".into() });
            }
            Compiled::Function {
                params: parameters.clone(),
                body: Rc::new(match body {
                    Some(b) => compile(b, names)?,
                    None => Compiled::Empty,
                }),
                java: kind.eq_ignore_ascii_case("Java"),
            }
        }
        Expression::Invalid(e) => return Err(ModelError::Invalid { element: logic.id.clone(), source: e.clone() }),
        Expression::Unsupported(kind) => {
            return Err(ModelError::Unsupported {
                element: logic.id.clone(),
                what: format!("boxed expression <{kind}>"),
            })
        }
    })
}

// ---------------------------------------------------------------- types

/// The FEEL type of a DMN `typeRef` (a built-in type or an item definition).
fn resolve_type(defs: &Definitions, type_ref: &str, depth: usize) -> Option<Type> {
    if depth > 16 {
        return None;
    }
    let t = type_ref.trim();
    let local = t.strip_prefix("feel:").unwrap_or(t);
    let builtin = match local {
        "number" | "integer" | "decimal" | "double" => Some(Type::Number),
        "string" => Some(Type::String),
        "boolean" => Some(Type::Bool),
        "date" => Some(Type::Date),
        "time" => Some(Type::Time),
        "dateTime" | "date and time" => Some(Type::DateTime),
        "dayTimeDuration" | "days and time duration" => Some(Type::DtDuration),
        "yearMonthDuration" | "years and months duration" => Some(Type::YmDuration),
        "Any" | "any" => Some(Type::Any),
        "context" => Some(Type::Any),
        _ => None,
    };
    if builtin.is_some() {
        return builtin;
    }
    if let Some(item) = defs.item_definition(t) {
        return Some(item_type(defs, item, depth + 1));
    }
    feel::parse_type(local).ok().filter(|t| !matches!(t, Type::Named(_)))
}

fn item_type(defs: &Definitions, item: &xml::ItemDefinition, depth: usize) -> Type {
    let base = if !item.components.is_empty() {
        Type::Context(item.components.iter().map(|c| (c.name.clone(), item_type(defs, c, depth + 1))).collect())
    } else {
        item.type_ref.as_deref().and_then(|t| resolve_type(defs, t, depth + 1)).unwrap_or(Type::Any)
    };
    if item.is_collection {
        Type::List(Box::new(base))
    } else {
        base
    }
}

/// A value converted to its declared type: `null` when it does not conform (or breaks the
/// type's allowed values).
fn conform(inner: &Inner, v: Value, type_ref: Option<&str>) -> Value {
    let Some(t) = type_ref else { return v };
    let defs = &inner.definitions;
    let Some(ty) = resolve_type(defs, t, 0) else { return v };
    let named = |n: &str| resolve_type(defs, n, 0);
    let Some(v) = feel::coerce(v, &ty, &named) else { return Value::Null };
    if let Some(tests) = inner.allowed.get(t) {
        let collection = defs.item_definition(t).is_some_and(|i| i.is_collection);
        let ok = |x: &Value| x.is_null() || eval::matches(tests, x, &Scope::root(Vec::new()));
        let fine = match &v {
            Value::List(items) if collection => items.iter().all(ok),
            other => ok(other),
        };
        if !fine {
            return Value::Null;
        }
    }
    v
}

// ---------------------------------------------------------------- evaluation

/// One evaluation: inputs, and decision results computed so far.
struct Run {
    inner: Rc<Inner>,
    inputs: Vec<(String, Value)>,
    done: RefCell<BTreeMap<String, Value>>,
    busy: RefCell<BTreeSet<String>>,
    /// Each imported model as a context under its prefix, made once per run.
    imported: RefCell<Option<Vec<(String, Value)>>>,
}

impl Run {
    fn new(inner: Rc<Inner>, inputs: &[(String, Value)], given: BTreeMap<String, Value>) -> Run {
        let inputs = inputs
            .iter()
            .map(|(name, value)| {
                let v = conform(&inner, value.clone(), inner.input_types.get(name).map(String::as_str));
                (name.clone(), v)
            })
            .collect();
        Run {
            inner,
            inputs,
            done: RefCell::new(given),
            busy: RefCell::new(BTreeSet::new()),
            imported: RefCell::new(None),
        }
    }

    /// The imported models, each a context under its prefix: its input data (given by name, as
    /// the inputs of this run), its decisions evaluated on them, its business knowledge models
    /// and decision services as functions.
    fn imported(&self) -> Vec<(String, Value)> {
        if let Some(v) = self.imported.borrow().as_ref() {
            return v.clone();
        }
        let mut out = Vec::new();
        for (prefix, inner) in &self.inner.imports {
            let run = Run::new(inner.clone(), &self.inputs, BTreeMap::new());
            let mut entries: Vec<(String, Value)> = inner
                .definitions
                .inputs
                .iter()
                .map(|i| {
                    let v = run.inputs.iter().find(|(n, _)| *n == i.name).map(|(_, v)| v.clone());
                    (i.name.clone(), v.unwrap_or(Value::Null))
                })
                .collect();
            for d in &inner.decisions {
                entries.push((d.name.clone(), run.decision(&d.name).unwrap_or(Value::Null)));
            }
            for (k, b) in inner.bkms.iter().enumerate() {
                entries.push((b.name.clone(), bkm_function(inner, k)));
            }
            for (k, s) in inner.definitions.decision_services.iter().enumerate() {
                entries.push((s.name.clone(), service_function(inner, k)));
            }
            out.push((prefix.clone(), Value::Context(entries)));
        }
        *self.imported.borrow_mut() = Some(out.clone());
        out
    }

    fn decision(&self, name: &str) -> Result<Value, ModelError> {
        if let Some(v) = self.done.borrow().get(name) {
            return Ok(v.clone());
        }
        let inner = self.inner.clone();
        let d = inner
            .decisions
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| ModelError::UnknownDecision(name.to_string()))?;
        let logic = d.logic.as_ref().map_err(Clone::clone)?;
        if !self.busy.borrow_mut().insert(name.to_string()) {
            return Err(ModelError::Cycle(name.to_string()));
        }
        let mut vars = self.inputs.clone();
        for other in &inner.definitions.inputs {
            if !vars.iter().any(|(n, _)| *n == other.name) {
                vars.push((other.name.clone(), Value::Null));
            }
        }
        for r in &d.requires {
            match self.decision(r) {
                Ok(v) => vars.push((r.clone(), v)),
                Err(e) => {
                    self.busy.borrow_mut().remove(name);
                    return Err(e);
                }
            }
        }
        vars.extend(self.imported());
        let scope = root_scope(&inner, vars);
        let v = evaluate(&inner, logic, &scope);
        let v = conform(&inner, v, d.type_ref.as_deref());
        self.busy.borrow_mut().remove(name);
        self.done.borrow_mut().insert(name.to_string(), v.clone());
        Ok(v)
    }
}

/// The scope of a decision: its inputs and required decisions, every business knowledge model
/// and decision service as a function.
fn root_scope(inner: &Rc<Inner>, mut vars: Vec<(String, Value)>) -> Rc<Scope> {
    let mut fns = Vec::new();
    for (k, b) in inner.bkms.iter().enumerate() {
        fns.push((b.name.clone(), bkm_function(inner, k)));
    }
    for (k, s) in inner.definitions.decision_services.iter().enumerate() {
        fns.push((s.name.clone(), service_function(inner, k)));
    }
    fns.append(&mut vars);
    let model = inner.clone();
    Scope::root_with_types(fns, Rc::new(move |n: &str| resolve_type(&model.definitions, n, 0)))
}

fn bkm_function(inner: &Rc<Inner>, k: usize) -> Value {
    let b = &inner.bkms[k];
    let params: Vec<(String, Option<Type>)> = b
        .parameters
        .iter()
        .map(|(n, t)| (n.clone(), t.as_deref().and_then(|t| resolve_type(&inner.definitions, t, 0))))
        .collect();
    let model = inner.clone();
    Value::Function(Rc::new(Function::Native {
        params,
        call: Box::new(move |args: &[Value]| {
            let b = &model.bkms[k];
            let Ok(logic) = &b.logic else { return Value::Null };
            if args.len() != b.parameters.len() {
                return Value::Null;
            }
            let mut vars = Vec::new();
            for ((n, t), v) in b.parameters.iter().zip(args) {
                let c = conform(&model, v.clone(), t.as_deref());
                // An argument of the wrong type makes the invocation null.
                if c.is_null() && !v.is_null() {
                    return Value::Null;
                }
                vars.push((n.clone(), c));
            }
            let scope = root_scope(&model, vars);
            let v = evaluate(&model, logic, &scope);
            let type_ref = model.definitions.bkms.get(k).and_then(|b| b.type_ref.clone());
            conform(&model, v, type_ref.as_deref())
        }),
    }))
}

fn service_function(inner: &Rc<Inner>, k: usize) -> Value {
    let s = &inner.definitions.decision_services[k];
    let params = service_params(inner, s).into_iter().map(|p| (p, None)).collect();
    let model = inner.clone();
    Value::Function(Rc::new(Function::Native {
        params,
        call: Box::new(move |args: &[Value]| {
            let s = &model.definitions.decision_services[k];
            if args.len() != service_params(&model, s).len() {
                return Value::Null;
            }
            run_service(&model, s, args)
        }),
    }))
}

fn evaluate(inner: &Rc<Inner>, c: &Compiled, scope: &Rc<Scope>) -> Value {
    match c {
        Compiled::Empty => Value::Null,
        Compiled::Literal(e, type_ref) => conform(inner, feel::evaluate(e, scope), type_ref.as_deref()),
        Compiled::Table(t) => table(inner, t, scope),
        Compiled::Context(entries) => {
            let mut frame = scope.clone();
            let mut out: Vec<(String, Value)> = Vec::new();
            for (name, type_ref, value) in entries {
                let v = conform(inner, evaluate(inner, value, &frame), type_ref.as_deref());
                match name {
                    Some(n) => {
                        out.push((n.clone(), v));
                        frame = Scope::child(scope, out.clone());
                    }
                    None => return v,
                }
            }
            Value::Context(out)
        }
        Compiled::Invocation { function, bindings } => {
            let Value::Function(f) = feel::evaluate(function, scope) else { return Value::Null };
            let params: Vec<String> = match &*f {
                Function::Native { params, .. } => params.iter().map(|(n, _)| n.clone()).collect(),
                Function::User { def, .. } => def.params.iter().map(|(n, _)| n.clone()).collect(),
                Function::Builtin(_) => return Value::Null,
            };
            let args = params
                .iter()
                .map(|p| {
                    bindings
                        .iter()
                        .find(|(n, _)| n == p)
                        .and_then(|(_, v)| v.as_ref())
                        .map(|v| evaluate(inner, v, scope))
                        .unwrap_or(Value::Null)
                })
                .collect();
            eval::call(&f, args)
        }
        Compiled::Relation { columns, rows } => Value::List(
            rows.iter()
                .map(|row| {
                    Value::Context(
                        columns.iter().zip(row).map(|(c, cell)| (c.clone(), evaluate(inner, cell, scope))).collect(),
                    )
                })
                .collect(),
        ),
        Compiled::List(items) => Value::List(items.iter().map(|i| evaluate(inner, i, scope)).collect()),
        Compiled::Conditional(p) => match evaluate(inner, &p[0], scope) {
            Value::Bool(true) => evaluate(inner, &p[1], scope),
            Value::Bool(false) | Value::Null => evaluate(inner, &p[2], scope),
            _ => Value::Null,
        },
        Compiled::Filter(p) => {
            let items = match evaluate(inner, &p[0], scope) {
                Value::List(items) => items,
                Value::Null => return Value::Null,
                other => vec![other],
            };
            let mut out = Vec::new();
            for item in items {
                let mut vars = vec![("item".to_string(), item.clone())];
                if let Value::Context(entries) = &item {
                    vars.extend(entries.iter().cloned());
                }
                match evaluate(inner, &p[1], &Scope::child(scope, vars)) {
                    Value::Bool(true) => out.push(item),
                    Value::Bool(false) | Value::Null => {}
                    _ => return Value::Null,
                }
            }
            Value::List(out)
        }
        Compiled::Iterator { kind, variable, parts } => {
            let items = match evaluate(inner, &parts[0], scope) {
                Value::List(items) => items,
                Value::Null => return Value::Null,
                other => vec![other],
            };
            let mut out = Vec::new();
            for item in items {
                let s = Scope::child(scope, vec![(variable.clone(), item)]);
                let v = evaluate(inner, &parts[1], &s);
                match (kind.as_str(), &v) {
                    ("some", Value::Bool(true)) => return Value::Bool(true),
                    ("every", Value::Bool(false)) => return Value::Bool(false),
                    ("some" | "every", Value::Bool(_)) => {}
                    ("some" | "every", _) => return Value::Null,
                    _ => out.push(v),
                }
            }
            match kind.as_str() {
                "some" => Value::Bool(false),
                "every" => Value::Bool(true),
                _ => Value::List(out),
            }
        }
        Compiled::Function { params, body, java } => {
            let model = inner.clone();
            let body = body.clone();
            let scope = scope.clone();
            let typed: Vec<(String, Option<Type>)> = params
                .iter()
                .map(|(n, t)| (n.clone(), t.as_deref().and_then(|t| resolve_type(&model.definitions, t, 0))))
                .collect();
            let names: Vec<(String, Option<String>)> = params.clone();
            let java = *java;
            Value::Function(Rc::new(Function::Native {
                params: typed,
                call: Box::new(move |args: &[Value]| {
                    if args.len() != names.len() {
                        return Value::Null;
                    }
                    let vars =
                        names.iter().zip(args).map(|((n, t), v)| (n.clone(), conform(&model, v.clone(), t.as_deref())));
                    let s = Scope::child(&scope, vars.collect());
                    if java {
                        let Compiled::Context(_) = &*body else { return Value::Null };
                        let spec = evaluate(&model, &body, &s);
                        let def = feel::syntax::FunctionDef {
                            params: names.iter().map(|(n, _)| (n.clone(), None)).collect(),
                            body: Ast::Context(vec![(
                                "java".into(),
                                Ast::Context(
                                    ["class", "method signature"]
                                        .iter()
                                        .map(|k| {
                                            (k.to_string(), Ast::Literal(spec.get(k).cloned().unwrap_or(Value::Null)))
                                        })
                                        .collect(),
                                ),
                            )]),
                            external: true,
                        };
                        return eval::call(
                            &Rc::new(Function::User { def: Rc::new(def), scope: s, name: None }),
                            args.to_vec(),
                        );
                    }
                    evaluate(&model, &body, &s)
                }),
            }))
        }
    }
}

fn table(inner: &Rc<Inner>, t: &Table, scope: &Rc<Scope>) -> Value {
    let inputs: Vec<Value> = t.inputs.iter().map(|e| feel::evaluate(e, scope)).collect();
    // An input outside its column's `inputValues` makes the table's result null.
    for (v, allowed) in inputs.iter().zip(&t.input_values) {
        if let Some(tests) = allowed {
            if !eval::matches(tests, v, scope) {
                return Value::Null;
            }
        }
    }
    let hits: Vec<usize> = t
        .rules
        .iter()
        .enumerate()
        .filter(|(_, (tests, _))| tests.iter().zip(&inputs).all(|(test, v)| eval::matches(test, v, scope)))
        .map(|(i, _)| i)
        .collect();
    let row = |i: usize| -> Option<Vec<Value>> {
        let mut out = Vec::new();
        for (k, e) in t.rules[i].1.iter().enumerate() {
            let v = feel::evaluate(e, scope);
            if let Some(o) = t.outputs.get(k) {
                if let Some(values) = &o.values {
                    if !v.is_null() && !eval::matches(values, &v, scope) {
                        return None;
                    }
                }
                out.push(conform(inner, v, o.type_ref.as_deref()));
            } else {
                out.push(v);
            }
        }
        Some(out)
    };
    let shape = |values: Vec<Value>| -> Value {
        if t.outputs.len() <= 1 {
            values.into_iter().next().unwrap_or(Value::Null)
        } else {
            Value::Context(
                t.outputs
                    .iter()
                    .zip(values)
                    .enumerate()
                    .map(|(k, (o, v))| (o.name.clone().unwrap_or_else(|| format!("output{}", k + 1)), v))
                    .collect(),
            )
        }
    };
    let default = || -> Value {
        if t.outputs.iter().all(|o| o.default.is_none()) {
            return Value::Null;
        }
        shape(
            t.outputs
                .iter()
                .map(|o| o.default.as_ref().map(|d| feel::evaluate(d, scope)).unwrap_or(Value::Null))
                .collect(),
        )
    };
    let rank = |values: &[Value]| -> Vec<usize> {
        t.outputs
            .iter()
            .zip(values)
            .map(|(o, v)| o.priorities.iter().position(|p| feel::equal(p, v) == Some(true)).unwrap_or(usize::MAX))
            .collect()
    };
    let Some(rows) = hits.iter().map(|i| row(*i)).collect::<Option<Vec<Vec<Value>>>>() else { return Value::Null };
    match t.hit {
        HitPolicy::Unique => match rows.as_slice() {
            [] => default(),
            [one] => shape(one.clone()),
            _ => Value::Null,
        },
        HitPolicy::First => rows.into_iter().next().map(shape).unwrap_or_else(default),
        HitPolicy::Any => match rows.split_first() {
            None => default(),
            Some((first, rest)) => {
                if rest.iter().all(|r| feel::equal(&Value::List(r.clone()), &Value::List(first.clone())) == Some(true))
                {
                    shape(first.clone())
                } else {
                    Value::Null
                }
            }
        },
        HitPolicy::Priority => rows.into_iter().min_by_key(|r| rank(r)).map(shape).unwrap_or_else(default),
        HitPolicy::RuleOrder => {
            if rows.is_empty() {
                return default();
            }
            Value::List(rows.into_iter().map(shape).collect())
        }
        HitPolicy::OutputOrder => {
            if rows.is_empty() {
                return default();
            }
            let mut rows = rows;
            rows.sort_by_key(|r| rank(r));
            Value::List(rows.into_iter().map(shape).collect())
        }
        HitPolicy::Collect => {
            let values: Vec<Value> = rows.into_iter().map(shape).collect();
            match t.aggregation {
                None if values.is_empty() => default(),
                None => Value::List(values),
                Some(Aggregation::Count) => {
                    let mut distinct: Vec<Value> = Vec::new();
                    for v in values {
                        if !distinct.iter().any(|d| feel::equal(d, &v) == Some(true)) {
                            distinct.push(v);
                        }
                    }
                    Value::number(distinct.len() as i64)
                }
                Some(_) if values.is_empty() => default(),
                Some(agg) => {
                    let name = match agg {
                        Aggregation::Sum => "sum",
                        Aggregation::Min => "min",
                        Aggregation::Max => "max",
                        Aggregation::Count => "count",
                    };
                    feel::aggregate(name, &values).unwrap_or(Value::Null)
                }
            }
        }
    }
}

#[cfg(test)]
mod tests;

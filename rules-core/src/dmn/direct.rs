//! A direct DMN evaluator on FEEL: decisions (literal expressions, decision tables with all seven
//! hit policies, boxed contexts and invocations), business knowledge models and input data.
//!
//! This is what the DMN TCK runner uses. Municipal STTR files do not run here: they are converted
//! to our language by [`super::sttr`], so residents' rules run on one evaluator.
//!
//! Every FEEL text is parsed when the model is loaded, so a model that loads has no syntax errors
//! left; evaluation never fails on a FEEL problem (FEEL gives `null`), only on a decision that
//! depends on itself or names nothing.
//!
//! ```
//! use rules_core::dmn::direct::Model;
//! use rules_core::dmn::feel::Value;
//!
//! let model = Model::load(r#"<definitions xmlns="https://www.omg.org/spec/DMN/20191111/MODEL/" name="m">
//!   <inputData id="i" name="Monthly Salary"><variable name="Monthly Salary" typeRef="number"/></inputData>
//!   <decision id="d" name="Yearly Salary"><variable name="Yearly Salary" typeRef="number"/>
//!     <literalExpression><text>12 * Monthly Salary</text></literalExpression></decision>
//! </definitions>"#).unwrap();
//! let v = model.evaluate("Yearly Salary", &[("Monthly Salary".into(), Value::number(10000))]).unwrap();
//! assert_eq!(v, Value::number(120000));
//! ```

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};

use thiserror::Error;

use super::feel::{self, Bindings, Env, Expr, FeelError, Names, UnaryTests, Value};
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
    #[error("there is no decision named \"{0}\"")]
    UnknownDecision(String),
    #[error("decision \"{0}\" depends on itself")]
    Cycle(String),
}

enum Compiled {
    Literal(Expr),
    Table(Box<Table>),
    Context(Vec<(Option<String>, Compiled)>),
    Invocation {
        function: String,
        bindings: Vec<(String, Option<Compiled>)>,
    },
    Empty,
    /// Logic that could not be loaded: the model loads per decision, so only the decisions that
    /// need this one fail, with this error.
    Failed(ModelError),
}

struct Table {
    hit: HitPolicy,
    aggregation: Option<Aggregation>,
    inputs: Vec<Expr>,
    outputs: Vec<Output>,
    rules: Vec<(Vec<UnaryTests>, Vec<Expr>)>,
}

struct Output {
    name: Option<String>,
    /// `outputValues`, for PRIORITY and OUTPUT ORDER.
    priorities: Vec<Value>,
    default: Option<Expr>,
}

struct DecisionDef {
    name: String,
    type_ref: Option<String>,
    logic: Compiled,
}

struct BkmDef {
    name: String,
    parameters: Vec<String>,
    logic: Compiled,
}

/// A loaded DMN model, ready to evaluate.
pub struct Model {
    pub definitions: Definitions,
    decisions: Vec<DecisionDef>,
    bkms: Vec<BkmDef>,
    /// For each input data name: its allowed values (from its item definition), if any.
    allowed: BTreeMap<String, UnaryTests>,
}

impl Model {
    /// Read the XML and parse every FEEL text in it.
    pub fn load(text: &str) -> Result<Model, ModelError> {
        let definitions = xml::read(text)?;
        let mut names = Names::new(Vec::<String>::new());
        for i in &definitions.inputs {
            names.add(&i.name);
        }
        for d in &definitions.decisions {
            names.add(&d.name);
        }
        for b in &definitions.bkms {
            names.add(&b.name);
            for (p, _) in &b.parameters {
                names.add(p);
            }
        }
        fn component_names(item: &xml::ItemDefinition, names: &mut Names) {
            for c in &item.components {
                names.add(&c.name);
                component_names(c, names);
            }
        }
        for item in &definitions.item_definitions {
            component_names(item, &mut names);
        }
        let mut decisions = Vec::new();
        for d in &definitions.decisions {
            let logic = match &d.logic {
                Some(l) => compile(l, &names).unwrap_or_else(Compiled::Failed),
                None => Compiled::Empty,
            };
            decisions.push(DecisionDef { name: d.name.clone(), type_ref: d.type_ref.clone(), logic });
        }
        let mut bkms = Vec::new();
        for b in &definitions.bkms {
            let logic = match &b.body {
                Some(l) => compile(l, &names).unwrap_or_else(Compiled::Failed),
                None => Compiled::Empty,
            };
            bkms.push(BkmDef {
                name: b.name.clone(),
                parameters: b.parameters.iter().map(|(n, _)| n.clone()).collect(),
                logic,
            });
        }
        let mut allowed = BTreeMap::new();
        for i in &definitions.inputs {
            let Some(item) = i.type_ref.as_deref().and_then(|t| definitions.item_definition(t)) else { continue };
            if let Some(values) = &item.allowed_values {
                let tests = feel::parse_unary_tests(values, &names)
                    .map_err(|source| ModelError::Feel { element: i.id.clone(), source })?;
                allowed.insert(i.name.clone(), tests);
            }
        }
        Ok(Model { definitions, decisions, bkms, allowed })
    }

    /// The names of all decisions, in file order.
    pub fn decision_names(&self) -> Vec<&str> {
        self.decisions.iter().map(|d| d.name.as_str()).collect()
    }

    /// Evaluate one decision for the given input values (missing inputs are `null`).
    pub fn evaluate(&self, decision: &str, inputs: &[(String, Value)]) -> Result<Value, ModelError> {
        let run = Run::new(self, inputs);
        run.decision(decision)
    }

    /// Evaluate several decisions on the same inputs (shared intermediate results).
    pub fn evaluate_all(&self, decisions: &[&str], inputs: &[(String, Value)]) -> Vec<Result<Value, ModelError>> {
        let run = Run::new(self, inputs);
        decisions.iter().map(|d| run.decision(d)).collect()
    }
}

fn compile(logic: &Logic, names: &Names) -> Result<Compiled, ModelError> {
    let feel_err = |element: &str| {
        let element = element.to_string();
        move |source| ModelError::Feel { element: element.clone(), source }
    };
    Ok(match &logic.expression {
        Expression::Literal { text, .. } => {
            if text.trim().is_empty() {
                Compiled::Empty
            } else {
                Compiled::Literal(feel::parse_expression(text, names).map_err(feel_err(&logic.id))?)
            }
        }
        Expression::Table(t) => {
            let mut inputs = Vec::new();
            for i in &t.inputs {
                inputs.push(feel::parse_expression(&i.expression, names).map_err(feel_err(&i.id))?);
            }
            let mut outputs = Vec::new();
            for o in &t.outputs {
                let priorities = match &o.values {
                    Some(v) => match feel::parse_unary_tests(v, names).map_err(feel_err(&o.id))? {
                        UnaryTests::Tests(tests) => tests
                            .iter()
                            .map(|t| match t {
                                feel::Test::Expr(e) => feel::evaluate(e, &feel::NoEnv),
                                _ => Value::Null,
                            })
                            .collect(),
                        _ => Vec::new(),
                    },
                    None => Vec::new(),
                };
                let default = match &o.default {
                    Some(d) => Some(feel::parse_expression(d, names).map_err(feel_err(&o.id))?),
                    None => None,
                };
                outputs.push(Output { name: o.name.clone(), priorities, default });
            }
            let mut rules = Vec::new();
            for r in &t.rules {
                let mut tests = Vec::new();
                for e in &r.input_entries {
                    tests.push(feel::parse_unary_tests(&e.text, names).map_err(feel_err(&e.id))?);
                }
                let mut outs = Vec::new();
                for e in &r.output_entries {
                    outs.push(if e.text.trim().is_empty() {
                        Expr::Null
                    } else {
                        feel::parse_expression(&e.text, names).map_err(feel_err(&e.id))?
                    });
                }
                rules.push((tests, outs));
            }
            Compiled::Table(Box::new(Table { hit: t.hit_policy, aggregation: t.aggregation, inputs, outputs, rules }))
        }
        Expression::Context(entries) => {
            let mut out = Vec::new();
            for e in entries {
                out.push((e.name.clone(), compile(&e.value, names)?));
            }
            Compiled::Context(out)
        }
        Expression::Invocation { function, bindings } => {
            let mut out = Vec::new();
            for (name, value) in bindings {
                out.push((name.clone(), value.as_ref().map(|v| compile(v, names)).transpose()?));
            }
            Compiled::Invocation { function: function.clone(), bindings: out }
        }
        Expression::Unsupported(kind) => {
            return Err(ModelError::Unsupported {
                element: logic.id.clone(),
                what: format!("boxed expression <{kind}>"),
            })
        }
    })
}

/// One evaluation: inputs, and decision results computed so far.
struct Run<'m> {
    model: &'m Model,
    inputs: BTreeMap<String, Value>,
    done: RefCell<BTreeMap<String, Value>>,
    busy: RefCell<BTreeSet<String>>,
    error: RefCell<Option<ModelError>>,
}

impl<'m> Run<'m> {
    fn new(model: &'m Model, inputs: &[(String, Value)]) -> Run<'m> {
        let mut map = BTreeMap::new();
        for (name, value) in inputs {
            let value = match model.allowed.get(name) {
                Some(tests) if !matches!(value, Value::Null) && !feel::matches(tests, value, &feel::NoEnv) => {
                    Value::Null
                }
                _ => value.clone(),
            };
            map.insert(name.clone(), value);
        }
        Run {
            model,
            inputs: map,
            done: RefCell::new(BTreeMap::new()),
            busy: RefCell::new(BTreeSet::new()),
            error: RefCell::new(None),
        }
    }

    fn decision(&self, name: &str) -> Result<Value, ModelError> {
        let v = self.decision_value(name)?;
        if let Some(e) = self.error.borrow_mut().take() {
            return Err(e);
        }
        Ok(v)
    }

    fn decision_value(&self, name: &str) -> Result<Value, ModelError> {
        if let Some(v) = self.done.borrow().get(name) {
            return Ok(v.clone());
        }
        let d = self
            .model
            .decisions
            .iter()
            .find(|d| d.name == name)
            .ok_or_else(|| ModelError::UnknownDecision(name.to_string()))?;
        if !self.busy.borrow_mut().insert(name.to_string()) {
            return Err(ModelError::Cycle(name.to_string()));
        }
        let mut v = self.logic(&d.logic, self);
        if let Some(t) = &d.type_ref {
            if !v.conforms_to(t) {
                v = Value::Null;
            }
        }
        self.busy.borrow_mut().remove(name);
        self.done.borrow_mut().insert(name.to_string(), v.clone());
        Ok(v)
    }

    fn logic(&self, logic: &Compiled, env: &dyn Env) -> Value {
        match logic {
            Compiled::Empty => Value::Null,
            Compiled::Failed(e) => {
                self.error.borrow_mut().get_or_insert_with(|| e.clone());
                Value::Null
            }
            Compiled::Literal(e) => feel::evaluate(e, env),
            Compiled::Table(t) => self.table(t, env),
            Compiled::Context(entries) => {
                let mut scope = Bindings::new(env);
                let mut out = Vec::new();
                for (name, value) in entries {
                    let v = self.logic(value, &scope);
                    match name {
                        Some(n) => {
                            scope.bind(n, v.clone());
                            out.push((n.clone(), v));
                        }
                        None => return v,
                    }
                }
                Value::Context(out)
            }
            Compiled::Invocation { function, bindings } => {
                let Some(bkm) = self.model.bkms.iter().find(|b| &b.name == function) else { return Value::Null };
                let args: Vec<Value> = bkm
                    .parameters
                    .iter()
                    .map(|p| {
                        bindings
                            .iter()
                            .find(|(n, _)| n == p)
                            .and_then(|(_, v)| v.as_ref())
                            .map(|v| self.logic(v, env))
                            .unwrap_or(Value::Null)
                    })
                    .collect();
                self.invoke(bkm, &args)
            }
        }
    }

    fn invoke(&self, bkm: &BkmDef, args: &[Value]) -> Value {
        let mut scope = Bindings::new(self);
        for (i, p) in bkm.parameters.iter().enumerate() {
            scope.bind(p, args.get(i).cloned().unwrap_or(Value::Null));
        }
        self.logic(&bkm.logic, &scope)
    }

    fn table(&self, t: &Table, env: &dyn Env) -> Value {
        let inputs: Vec<Value> = t.inputs.iter().map(|e| feel::evaluate(e, env)).collect();
        let hits: Vec<usize> = t
            .rules
            .iter()
            .enumerate()
            .filter(|(_, (tests, _))| tests.iter().zip(&inputs).all(|(test, v)| feel::matches(test, v, env)))
            .map(|(i, _)| i)
            .collect();
        let row = |i: usize| -> Vec<Value> { t.rules[i].1.iter().map(|e| feel::evaluate(e, env)).collect() };
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
                    .map(|o| o.default.as_ref().map(|d| feel::evaluate(d, env)).unwrap_or(Value::Null))
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
        match t.hit {
            HitPolicy::Unique => match hits.as_slice() {
                [] => default(),
                [one] => shape(row(*one)),
                _ => Value::Null,
            },
            HitPolicy::First => hits.first().map(|i| shape(row(*i))).unwrap_or_else(default),
            HitPolicy::Any => {
                let rows: Vec<Vec<Value>> = hits.iter().map(|i| row(*i)).collect();
                match rows.split_first() {
                    None => default(),
                    Some((first, rest)) => {
                        if rest
                            .iter()
                            .all(|r| feel::equal(&Value::List(r.clone()), &Value::List(first.clone())) == Some(true))
                        {
                            shape(first.clone())
                        } else {
                            Value::Null
                        }
                    }
                }
            }
            HitPolicy::Priority => {
                let best = hits.iter().map(|i| row(*i)).min_by_key(|r| rank(r));
                best.map(shape).unwrap_or_else(default)
            }
            HitPolicy::RuleOrder => {
                if hits.is_empty() {
                    return default();
                }
                Value::List(hits.iter().map(|i| shape(row(*i))).collect())
            }
            HitPolicy::OutputOrder => {
                if hits.is_empty() {
                    return default();
                }
                let mut rows: Vec<Vec<Value>> = hits.iter().map(|i| row(*i)).collect();
                rows.sort_by_key(|r| rank(r));
                Value::List(rows.into_iter().map(shape).collect())
            }
            HitPolicy::Collect => {
                let values: Vec<Value> = hits.iter().map(|i| shape(row(*i))).collect();
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
}

impl Env for Run<'_> {
    fn lookup(&self, name: &str) -> Option<Value> {
        if let Some(v) = self.inputs.get(name) {
            return Some(v.clone());
        }
        if self.model.decisions.iter().any(|d| d.name == name) {
            return Some(match self.decision_value(name) {
                Ok(v) => v,
                Err(e) => {
                    self.error.borrow_mut().get_or_insert(e);
                    Value::Null
                }
            });
        }
        None
    }

    fn call(&self, name: &str, args: &[Value]) -> Option<Value> {
        let bkm = self.model.bkms.iter().find(|b| b.name == name)?;
        Some(self.invoke(bkm, args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(body: &str) -> Model {
        Model::load(&format!(
            "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\" name=\"t\">{body}</definitions>"
        ))
        .unwrap_or_else(|e| panic!("{e}"))
    }

    fn table(hit: &str, rows: &[(&str, &str)]) -> String {
        let rules: String = rows
            .iter()
            .map(|(i, o)| {
                format!(
                    "<rule><inputEntry><text>{i}</text></inputEntry><outputEntry><text>{o}</text></outputEntry></rule>"
                )
            })
            .collect();
        format!(
            "<inputData id=\"x\" name=\"x\"/><decision id=\"d\" name=\"D\"><decisionTable {hit}><input><inputExpression><text>x</text></inputExpression></input>\
             <output><outputValues><text>\"high\",\"low\"</text></outputValues></output>{rules}</decisionTable></decision>"
        )
    }

    fn run(m: &Model, x: i64) -> Value {
        m.evaluate("D", &[("x".into(), Value::number(x))]).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn hit_policies() {
        let rows = [("&gt; 1", "\"low\""), ("&gt; 2", "\"high\"")];
        assert_eq!(run(&model(&table("hitPolicy=\"UNIQUE\"", &rows)), 3), Value::Null);
        assert_eq!(run(&model(&table("hitPolicy=\"FIRST\"", &rows)), 3), Value::String("low".into()));
        assert_eq!(run(&model(&table("hitPolicy=\"PRIORITY\"", &rows)), 3), Value::String("high".into()));
        assert_eq!(run(&model(&table("hitPolicy=\"ANY\"", &rows)), 3), Value::Null);
        assert_eq!(run(&model(&table("hitPolicy=\"RULE ORDER\"", &rows)), 3).to_string(), "[\"low\", \"high\"]");
        assert_eq!(run(&model(&table("hitPolicy=\"OUTPUT ORDER\"", &rows)), 3).to_string(), "[\"high\", \"low\"]");
        let nums = [("&gt; 1", "10"), ("&gt; 2", "20")];
        assert_eq!(run(&model(&table("hitPolicy=\"COLLECT\" aggregation=\"SUM\"", &nums)), 3), Value::number(30));
        assert_eq!(run(&model(&table("hitPolicy=\"COLLECT\" aggregation=\"COUNT\"", &nums)), 3), Value::number(2));
        assert_eq!(run(&model(&table("hitPolicy=\"COLLECT\"", &nums)), 0), Value::Null);
    }

    #[test]
    fn bkm_invocation_and_cycles() {
        let m = model(
            "<businessKnowledgeModel id=\"b\" name=\"double\"><encapsulatedLogic><formalParameter name=\"n\"/>\
             <literalExpression><text>n * 2</text></literalExpression></encapsulatedLogic></businessKnowledgeModel>\
             <decision id=\"d\" name=\"D\"><literalExpression><text>double(21)</text></literalExpression></decision>\
             <decision id=\"a\" name=\"A\"><literalExpression><text>B</text></literalExpression></decision>\
             <decision id=\"b2\" name=\"B\"><literalExpression><text>A</text></literalExpression></decision>",
        );
        assert_eq!(m.evaluate("D", &[]), Ok(Value::number(42)));
        assert_eq!(m.evaluate("A", &[]), Err(ModelError::Cycle("A".into())));
        assert_eq!(m.evaluate("Nope", &[]), Err(ModelError::UnknownDecision("Nope".into())));
    }

    #[test]
    fn bad_feel_names_the_element_and_fails_only_the_decisions_that_need_it() {
        let m = Model::load(
            "<definitions xmlns=\"https://www.omg.org/spec/DMN/20191111/MODEL/\"><decision id=\"d1\" name=\"D\">\
             <literalExpression id=\"lit\"><text>1 + (2</text></literalExpression></decision>\
             <decision id=\"d2\" name=\"E\"><literalExpression><text>D + 1</text></literalExpression></decision>\
             <decision id=\"d3\" name=\"L\"><list id=\"lst\"/></decision>\
             <decision id=\"d4\" name=\"F\"><literalExpression><text>40 + 2</text></literalExpression></decision></definitions>",
        )
        .expect("the model loads per decision");
        let err = m.evaluate("D", &[]).err();
        assert!(matches!(err, Some(ModelError::Feel { ref element, .. }) if element == "lit"), "{err:?}");
        assert!(matches!(m.evaluate("E", &[]), Err(ModelError::Feel { .. })), "a decision that needs it fails too");
        assert!(matches!(m.evaluate("L", &[]), Err(ModelError::Unsupported { ref element, .. }) if element == "lst"));
        assert_eq!(m.evaluate("F", &[]), Ok(Value::number(42)));
    }
}

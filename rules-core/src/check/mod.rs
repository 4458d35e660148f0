//! Syntax tree -> checked ruleset: names, types and units, then the static analyses
//! (unused names, unreachable branches, gaps, overlapping rows).
//!
//! All problems are collected; the ruleset is only produced when there is no error.

mod analysis;
pub mod depth;
pub mod ruleset;

use std::collections::{BTreeSet, HashMap};

use crate::builtins::Builtin;
use crate::diagnostics::{self, Diagnostic};
use crate::source::{SourceFile, Span};
use crate::syntax::ast::{self, BinOp, CompareOp, InputKind, UnaryOp};
use crate::value::{Conclusion, Dim, Type, Unit, Value};
pub use ruleset::*;

/// The result of checking: the ruleset when there were no errors, and every diagnostic found.
#[derive(Debug)]
pub struct Checked {
    pub ruleset: Option<Ruleset>,
    pub diagnostics: Vec<Diagnostic>,
    /// The source the diagnostics point into (several files joined when the ruleset `extends` another).
    pub source: SourceFile,
}

/// Check a parsed file.
pub fn check(file: &ast::File, source: SourceFile) -> Checked {
    let mut checker = Checker::new(file, &source);
    checker.declare();
    checker.lower_all();
    let mut diagnostics = std::mem::take(&mut checker.diags);
    let has_errors = diagnostics.iter().any(Diagnostic::is_error);
    let ruleset = if has_errors {
        None
    } else {
        let rs = checker.finish(source.clone());
        diagnostics.extend(analysis::analyse(&rs, file));
        Some(rs)
    };
    diagnostics::sort(&mut diagnostics);
    let diagnostics = diagnostics::cap(diagnostics);
    Checked { ruleset, diagnostics, source }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Symbol {
    Input(usize),
    Layer(usize),
    Let(usize),
    Decision(usize),
    /// A declaration that had an error: its uses fail quietly, without a second "unknown name".
    Broken,
}

/// A declared name: what it names, where, and whether anything reads it.
struct Declared {
    symbol: Symbol,
    span: Span,
    used: bool,
}

/// Lets and named decisions are lowered on first use, so a cycle is found as "in progress".
enum Lowering<T> {
    Pending,
    InProgress,
    Done(T),
    Failed,
}

struct Checker<'a> {
    file: &'a ast::File,
    source: &'a SourceFile,
    diags: Vec<Diagnostic>,
    symbols: HashMap<String, Declared>,
    inputs: Vec<Input>,
    layers: Vec<Layer>,
    let_decls: Vec<&'a ast::LetDecl>,
    lets: Vec<Lowering<Expr>>,
    /// `override let` declarations per base definition, in file order.
    overrides: Vec<Vec<&'a ast::LetDecl>>,
    decision_decls: Vec<&'a ast::Decision>,
    decisions: Vec<Lowering<Decision>>,
    /// Evaluation depth of each lowered definition and decision (see [`depth`]).
    let_depth: Vec<usize>,
    decision_depth: Vec<usize>,
    /// Evaluation depth of each input's `from` clause (0 for an input without one).
    input_depth: Vec<usize>,
    /// How deep `expr` recurses right now (through definitions lowered on first use, too).
    nesting: usize,
    checks: Vec<Check>,
    at_rules: Vec<AtRule>,
    /// Lowering a `from` clause: the only place where `largest` and `nearest` may appear.
    in_derive: bool,
}

type Lowered<T> = Result<T, ()>;

impl<'a> Checker<'a> {
    fn new(file: &'a ast::File, source: &'a SourceFile) -> Checker<'a> {
        Checker {
            file,
            source,
            diags: Vec::new(),
            symbols: HashMap::new(),
            inputs: Vec::new(),
            layers: Vec::new(),
            let_decls: Vec::new(),
            lets: Vec::new(),
            overrides: Vec::new(),
            decision_decls: Vec::new(),
            decisions: Vec::new(),
            let_depth: Vec::new(),
            decision_depth: Vec::new(),
            input_depth: Vec::new(),
            nesting: 0,
            checks: Vec::new(),
            at_rules: Vec::new(),
            in_derive: false,
        }
    }

    fn error(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn define(&mut self, name: &ast::Ident, symbol: Symbol) {
        if Builtin::lookup(&name.name).is_some() {
            self.error(
                Diagnostic::error("E003", name.span, format!("`{}` is the name of a built-in function", name.name))
                    .with_help("choose another name"),
            );
            let declared = Declared { symbol: Symbol::Broken, span: name.span, used: false };
            self.symbols.insert(name.name.clone(), declared);
            return;
        }
        if let Some(Declared { symbol: previous, span: earlier, .. }) = self.symbols.get(&name.name) {
            let earlier = *earlier;
            let mut d = Diagnostic::error("E003", name.span, format!("`{}` is declared twice", name.name))
                .with_label("second declaration")
                .with_other(earlier, "first declared here");
            if matches!((previous, symbol), (Symbol::Let(_), Symbol::Let(_))) {
                d = d.with_help(format!(
                    "to replace a definition of the base ruleset, write `override let {} = ...`",
                    name.name
                ));
            }
            self.error(d);
            return;
        }
        self.symbols.insert(name.name.clone(), Declared { symbol, span: name.span, used: false });
    }

    /// First pass: every name, so declarations may be used before they are written.
    fn declare(&mut self) {
        let mut titles: HashMap<&str, Span> = HashMap::new();
        let mut check_names: HashMap<&str, Span> = HashMap::new();
        for item in &self.file.items {
            match item {
                ast::Item::Input(decl) => {
                    let index = self.inputs.len();
                    match self.input(decl) {
                        Ok(input) => {
                            self.inputs.push(input);
                            self.define(&decl.name, Symbol::Input(index));
                        }
                        Err(()) => self.define(&decl.name, Symbol::Broken),
                    }
                }
                ast::Item::Layer(decl) => {
                    let index = self.layers.len();
                    match self.layer(decl) {
                        Ok(layer) => {
                            self.layers.push(layer);
                            self.define(&decl.name, Symbol::Layer(index));
                        }
                        Err(()) => self.define(&decl.name, Symbol::Broken),
                    }
                }
                ast::Item::Let(decl) if decl.is_override => match self.symbols.get(&decl.name.name) {
                    Some(&Declared { symbol: Symbol::Let(i), .. }) => self.overrides[i].push(decl),
                    _ => self.error(
                        Diagnostic::error(
                            "E021",
                            decl.name.span,
                            format!(
                                "`override let {}` replaces nothing: the base ruleset has no definition `{}`",
                                decl.name.name, decl.name.name
                            ),
                        )
                        .with_help("name a `let` of the ruleset in `extends`, or write a plain `let`"),
                    ),
                },
                ast::Item::Let(decl) => {
                    self.define(&decl.name, Symbol::Let(self.let_decls.len()));
                    self.let_decls.push(decl);
                    self.lets.push(Lowering::Pending);
                    self.overrides.push(Vec::new());
                }
                ast::Item::Decision(decl) => {
                    if let Some(id) = &decl.id {
                        self.define(id, Symbol::Decision(self.decision_decls.len()));
                    }
                    if let Some(earlier) = titles.insert(&decl.title.value, decl.title.span) {
                        self.diags.push(
                            Diagnostic::error(
                                "E018",
                                decl.title.span,
                                format!("two decisions are called \"{}\"", decl.title.value),
                            )
                            .with_other(earlier, "first used here"),
                        );
                    }
                    self.decision_decls.push(decl);
                    self.decisions.push(Lowering::Pending);
                }
                ast::Item::Check(c) => {
                    if let Some(earlier) = check_names.insert(&c.name.value, c.name.span) {
                        self.diags.push(
                            Diagnostic::error(
                                "E018",
                                c.name.span,
                                format!("two checks are called \"{}\"", c.name.value),
                            )
                            .with_other(earlier, "first used here"),
                        );
                    }
                }
                ast::Item::At(_) => {}
            }
        }
        if self.file.header.is_none() {
            let span = self.file.items.first().map(|i| i.span()).unwrap_or_default();
            self.error(
                Diagnostic::error("E020", Span::new(span.start, span.start), "the ruleset has no header")
                    .with_help("start with: ruleset \"Naam\" { authority \"...\" valid from 2024-01-01 }"),
            );
        }
    }

    fn lower_all(&mut self) {
        self.header();
        self.let_depth = vec![0; self.let_decls.len()];
        self.decision_depth = vec![0; self.decision_decls.len()];
        self.input_depth = vec![0; self.inputs.len()];
        for item in &self.file.items {
            if let ast::Item::Input(decl) = item {
                if let (Some(d), Some(&Declared { symbol: Symbol::Input(i), .. })) =
                    (&decl.derive, self.symbols.get(&decl.name.name))
                {
                    if let Ok(derive) = self.derive(i, &decl.name, d) {
                        self.inputs[i].derive = Some(derive);
                    }
                }
            }
        }
        for i in 0..self.let_decls.len() {
            let _ = self.lower_let(i);
        }
        for i in 0..self.decision_decls.len() {
            let _ = self.lower_decision(i);
        }
        for item in &self.file.items {
            match item {
                ast::Item::Check(c) => {
                    if let Ok(check) = self.check_block(c) {
                        self.checks.push(check);
                    }
                }
                ast::Item::At(a) => {
                    if let Ok(at) = self.at_rule(a) {
                        self.at_rules.push(at);
                    }
                }
                _ => {}
            }
        }
        self.unused();
    }

    fn header(&mut self) {
        let Some(h) = &self.file.header else { return };
        if let (Some(from), Some(until)) = (&h.valid_from, &h.valid_until) {
            if until.date < from.date {
                self.error(
                    Diagnostic::error("E010", until.span, "the ruleset ends before it starts")
                        .with_other(from.span, "valid from this date"),
                );
            }
        }
    }

    fn finish(self, source: SourceFile) -> Ruleset {
        let header = self.file.header.as_ref();
        let meta = Meta {
            name: header.map(|h| h.name.value.clone()).unwrap_or_default(),
            authority: header.and_then(|h| h.authority.as_ref()).map(|s| s.value.clone()),
            valid_from: header.and_then(|h| h.valid_from.as_ref()).map(|d| d.date),
            valid_until: header.and_then(|h| h.valid_until.as_ref()).map(|d| d.date),
            validity_span: header
                .map(|h| match (&h.valid_from, &h.valid_until) {
                    (Some(f), Some(u)) => f.span.to(u.span),
                    (Some(f), None) => f.span,
                    (None, Some(u)) => u.span,
                    (None, None) => h.name.span,
                })
                .unwrap_or_default(),
            source: header.and_then(|h| h.source.as_ref()).map(|s| s.value.clone()),
            activity: header.and_then(|h| h.activity.as_ref()).map(|s| s.value.clone()),
        };
        let done = |l: Lowering<Expr>| match l {
            Lowering::Done(e) => Some(e),
            _ => None,
        };
        let lets = self
            .let_decls
            .iter()
            .zip(self.lets)
            .filter_map(|(decl, l)| done(l).map(|expr| Let { name: decl.name.name.clone(), expr, span: decl.span }))
            .collect();
        let decisions = self
            .decisions
            .into_iter()
            .filter_map(|d| match d {
                Lowering::Done(d) => Some(d),
                _ => None,
            })
            .collect();
        let mut rs = Ruleset {
            source,
            meta,
            inputs: self.inputs,
            layers: self.layers,
            lets,
            decisions,
            checks: self.checks,
            at_rules: self.at_rules,
            read_by_others: BTreeSet::new(),
        };
        rs.read_by_others = read_by_other_decisions(&rs);
        rs
    }

    // ------------------------------------------------------------------ declarations

    fn type_of(&mut self, t: &ast::TypeExpr, allow_geometry: bool) -> Lowered<Type> {
        match t {
            ast::TypeExpr::Choice(options, span) => {
                let mut seen = BTreeSet::new();
                for o in options {
                    if !seen.insert(o.value.clone()) {
                        self.error(Diagnostic::error(
                            "E003",
                            o.span,
                            format!("option \"{}\" is listed twice", o.value),
                        ));
                    }
                }
                if options.is_empty() {
                    self.error(Diagnostic::error("E005", *span, "a choice needs at least one option"));
                    return Err(());
                }
                Ok(Type::Text(Some(options.iter().map(|o| o.value.clone()).collect())))
            }
            ast::TypeExpr::Named(name) => match Type::from_name(&name.name) {
                Some(Type::Geom(_)) if !allow_geometry => {
                    self.error(Diagnostic::error("E005", name.span, format!("`{}` is not allowed here", name.name)));
                    Err(())
                }
                Some(t) => Ok(t),
                None => {
                    let mut d = Diagnostic::error("E005", name.span, format!("unknown type `{}`", name.name))
                        .with_label("not a type");
                    d = match suggest(&name.name, Type::NAMES.iter().copied()) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!("types are: {}, choice(\"a\", \"b\")", Type::NAMES.join(", "))),
                    };
                    self.error(d);
                    Err(())
                }
            },
        }
    }

    fn input(&mut self, decl: &ast::InputDecl) -> Lowered<Input> {
        let ty = self.type_of(&decl.ty, true)?;
        let mut range = None;
        if let Some((low, high)) = &decl.range {
            let Type::Num(dim) = ty else {
                self.error(Diagnostic::error(
                    "E015",
                    low.span.to(high.span),
                    format!("a range needs a number type, but `{}` is {}", decl.name.name, ty.describe()),
                ));
                return Err(());
            };
            let lo = self.constant_number(low, dim)?;
            let hi = self.constant_number(high, dim)?;
            if lo > hi {
                self.error(Diagnostic::error(
                    "E015",
                    low.span.to(high.span),
                    "the range is empty: its lower end is above its upper end",
                ));
                return Err(());
            }
            range = Some((lo, hi));
        }
        Ok(Input {
            name: decl.name.name.clone(),
            kind: decl.kind,
            ty,
            label: decl.label.value.clone(),
            help: decl.help.as_ref().map(|s| s.value.clone()),
            intent: decl.intent.as_ref().map(|s| s.value.clone()),
            range,
            priority: decl.priority.map(|(p, _)| p),
            derive: None,
            span: decl.span,
        })
    }

    /// `from value [when condition]` of input `i`. It may read layers and the inputs declared before
    /// it (so derivations cannot loop), not definitions or decisions.
    fn derive(&mut self, i: usize, name: &ast::Ident, d: &ast::Derive) -> Lowered<Derive> {
        self.in_derive = true;
        let value = self.expr(&d.value);
        self.in_derive = false;
        let when = d.when.as_ref().map(|w| self.condition(w)).transpose();
        let (value, when) = (value?, when?);
        let input = &self.inputs[i];
        let fits = match (&value.ty, &input.ty) {
            (Type::Geom(a), Type::Geom(b)) => a == b,
            (a, b) => a.compatible(b),
        };
        if !fits {
            let message =
                format!("`from` gives {}, but `{}` is {}", value.ty.describe(), input.name, input.ty.describe());
            self.error(Diagnostic::error("E005", d.value.span, message));
            return Err(());
        }
        let mut reads = reads_of(&value);
        if let Some(w) = &when {
            reads.extend(reads_of(w));
        }
        for r in &reads {
            let problem = match r.kind {
                ExprKind::Input(j) if j >= i => Some(format!(
                    "`from` can read only inputs declared before `{}`, not `{}`",
                    input.name, self.inputs[j].name
                )),
                ExprKind::Let(_) | ExprKind::Decision(_) => {
                    Some("`from` can read inputs declared before it and layers, not definitions or decisions".into())
                }
                _ => None,
            };
            if let Some(message) = problem {
                self.error(Diagnostic::error("E022", r.span, message).with_help(
                    "a derived input is found from the map and earlier answers: move it below what it reads",
                ));
                return Err(());
            }
        }
        // An unanswered derived input is worked out when first read, so a chain of them
        // (`from a1`, `from a2`, ...) recurses as deeply as a chain of definitions.
        let known = self.known();
        let depth = depth::DERIVE_COST
            + depth::of_expr(&value, &known).max(when.as_ref().map_or(0, |w| depth::of_expr(w, &known)));
        if depth > depth::MAX_EVAL_DEPTH {
            self.error(evaluated_too_deep(name.span, &name.name));
            return Err(());
        }
        self.input_depth[i] = depth;
        let text = match &d.when {
            Some(w) => {
                format!("{} when {}", one_line(self.source.slice(d.value.span)), one_line(self.source.slice(w.span)))
            }
            None => one_line(self.source.slice(d.value.span)),
        };
        Ok(Derive { value, when, text })
    }

    /// A number literal with a unit of the expected dimension, in base units.
    fn constant_number(&mut self, e: &ast::Expr, dim: Dim) -> Lowered<f64> {
        let ast::ExprKind::Number { value, unit, .. } = &e.kind else {
            self.error(Diagnostic::error("E015", e.span, "a range bound must be a number like `30 m`"));
            return Err(());
        };
        let unit = self.unit(unit.as_ref())?;
        if !unit.dim.compatible(dim) {
            self.error(unit_mismatch(e.span, unit.dim, dim, "range bound"));
            return Err(());
        }
        Ok(value * unit.factor)
    }

    fn unit(&mut self, unit: Option<&ast::Ident>) -> Lowered<Unit> {
        let Some(u) = unit else { return Ok(Unit { dim: Dim::NUMBER, factor: 1.0 }) };
        match Unit::parse(&u.name) {
            Some(unit) => Ok(unit),
            None => {
                let mut d =
                    Diagnostic::error("E007", u.span, format!("unknown unit `{}`", u.name)).with_label("not a unit");
                // Only suggest what is plainly the same unit written differently (M2, CM), not a
                // near spelling: `kg` is not a misspelt `km`.
                let lower = u.name.to_ascii_lowercase();
                let same = Unit::KNOWN.iter().copied().find(|k| *k == lower);
                d = match same {
                    Some(s) => d.with_help(format!("did you mean `{s}`? Units are: {}", Unit::KNOWN.join(", "))),
                    None => d.with_help(format!("units are: {}", Unit::KNOWN.join(", "))),
                };
                self.error(d);
                Err(())
            }
        }
    }

    fn layer(&mut self, decl: &ast::LayerDecl) -> Lowered<Layer> {
        let kind = match Type::from_name(&decl.kind.name) {
            Some(Type::Geom(k)) => k,
            _ => {
                self.error(
                    Diagnostic::error(
                        "E005",
                        decl.kind.span,
                        format!("a layer holds points, lines or areas, not `{}`", decl.kind.name),
                    )
                    .with_help("write `layer name: area`, `layer name: line` or `layer name: point`"),
                );
                return Err(());
            }
        };
        let mut attributes = Vec::new();
        for (name, t) in &decl.attributes {
            if attributes.iter().any(|(n, _): &(String, Type)| n == &name.name) {
                self.error(Diagnostic::error(
                    "E003",
                    name.span,
                    format!("attribute `{}` is declared twice", name.name),
                ));
                continue;
            }
            if let Ok(ty) = self.type_of(t, false) {
                attributes.push((name.name.clone(), ty));
            }
        }
        Ok(Layer {
            name: decl.name.name.clone(),
            kind,
            label: decl.label.as_ref().map(|s| s.value.clone()),
            attributes,
            filter: decl
                .filter
                .as_ref()
                .map(|(a, values)| (a.name.clone(), values.iter().map(|v| v.value.clone()).collect())),
            span: decl.span,
        })
    }

    fn lower_let(&mut self, i: usize) -> Lowered<Type> {
        match &self.lets[i] {
            Lowering::Done(e) => return Ok(e.ty.clone()),
            Lowering::Failed => return Err(()),
            Lowering::InProgress => {
                let decl = self.let_decls[i];
                self.error(
                    Diagnostic::error(
                        "E016",
                        decl.name.span,
                        format!("`{}` is defined in terms of itself", decl.name.name),
                    )
                    .with_help("rules cannot be circular: remove the loop between these definitions"),
                );
                self.lets[i] = Lowering::Failed;
                return Err(());
            }
            Lowering::Pending => {}
        }
        self.lets[i] = Lowering::InProgress;
        let decl = self.let_decls[i];
        match self.expr(&decl.value).and_then(|base| self.apply_overrides(i, base)) {
            Ok(e) => {
                let ty = e.ty.clone();
                if matches!(self.lets[i], Lowering::Failed) {
                    return Err(());
                }
                let known = self.known();
                let d = depth::of_expr(&e, &known);
                if d > depth::MAX_EVAL_DEPTH {
                    self.error(evaluated_too_deep(decl.name.span, &decl.name.name));
                    self.lets[i] = Lowering::Failed;
                    return Err(());
                }
                self.let_depth[i] = d;
                self.lets[i] = Lowering::Done(e);
                Ok(ty)
            }
            Err(()) => {
                self.lets[i] = Lowering::Failed;
                Err(())
            }
        }
    }

    /// The evaluation depths worked out so far.
    fn known(&self) -> depth::Known<'_> {
        depth::Known { lets: &self.let_depth, decisions: &self.decision_depth, inputs: &self.input_depth }
    }

    /// Wrap a definition in its overrides, last one first:
    /// `if <valid on date> and <when> then <override> else <base>`.
    fn apply_overrides(&mut self, i: usize, base: Expr) -> Lowered<Expr> {
        let mut value = base;
        for decl in self.overrides[i].clone() {
            let replacement = self.expr(&decl.value)?;
            if !replacement.ty.compatible(&value.ty) {
                self.error(incompatible(
                    decl.value.span,
                    &value.ty,
                    &replacement.ty,
                    "an override must give the same kind of value as the definition it replaces",
                ));
                return Err(());
            }
            let (from, until) = decl.valid.unwrap_or((None, None));
            let span = decl.span;
            let mut guard = Expr { kind: ExprKind::ValidOn(from, until), ty: Type::Bool, span };
            if let Some(when) = &decl.when {
                let condition = self.condition(when)?;
                guard = Expr {
                    kind: ExprKind::Binary(BinOp::And, Box::new(guard), Box::new(condition)),
                    ty: Type::Bool,
                    span,
                };
            }
            let ty = value.ty.clone();
            value = Expr { kind: ExprKind::If(Box::new(guard), Box::new(replacement), Box::new(value)), ty, span };
        }
        Ok(value)
    }

    // ------------------------------------------------------------------ decisions

    fn lower_decision(&mut self, i: usize) -> Lowered<Type> {
        match &self.decisions[i] {
            Lowering::Done(d) => return Ok(d.ty.clone()),
            Lowering::Failed => return Err(()),
            Lowering::InProgress => {
                let decl = self.decision_decls[i];
                self.error(Diagnostic::error(
                    "E016",
                    decl.title.span,
                    format!("decision \"{}\" depends on itself", decl.title.value),
                ));
                self.decisions[i] = Lowering::Failed;
                return Err(());
            }
            Lowering::Pending => {}
        }
        self.decisions[i] = Lowering::InProgress;
        let decl = self.decision_decls[i];
        let mut leaf_type: Option<(Type, Span)> = None;
        let body = match &decl.body {
            ast::DecisionBody::Tree(branches) => self.branches(branches, &mut leaf_type).map(Body::Tree),
            ast::DecisionBody::Table(t) => self.table(t, &mut leaf_type).map(Body::Table),
        };
        if matches!(self.decisions[i], Lowering::Failed) {
            return Err(());
        }
        match (body, leaf_type) {
            (Ok(body), Some((ty, _))) => {
                let known = self.known();
                let d = depth::of_decision(&body, &known);
                if d > depth::MAX_EVAL_DEPTH {
                    self.error(evaluated_too_deep(decl.title.span, &decl.title.value));
                    self.decisions[i] = Lowering::Failed;
                    return Err(());
                }
                self.decision_depth[i] = d;
                let ty = match (&decl.body, ty) {
                    (ast::DecisionBody::Table(t), ty) => match t.hit {
                        ast::HitPolicy::Collect(Some(ast::Aggregator::Count)) => Type::Num(Dim::NUMBER),
                        ast::HitPolicy::Collect(Some(_)) => ty,
                        ast::HitPolicy::Collect(None) | ast::HitPolicy::RuleOrder | ast::HitPolicy::OutputOrder => {
                            Type::List(Box::new(ty))
                        }
                        _ => ty,
                    },
                    (_, ty) => ty,
                };
                let d = Decision {
                    id: decl.id.as_ref().map(|i| i.name.clone()),
                    title: decl.title.value.clone(),
                    ty: ty.clone(),
                    body,
                    span: decl.span,
                };
                self.decisions[i] = Lowering::Done(d);
                Ok(ty)
            }
            (Ok(_), None) => {
                self.error(
                    Diagnostic::error(
                        "E009",
                        decl.title.span,
                        format!("decision \"{}\" has no conclusion", decl.title.value),
                    )
                    .with_help("add a branch like `otherwise -> Toestemmingsvrij`"),
                );
                self.decisions[i] = Lowering::Failed;
                Err(())
            }
            (Err(()), _) => {
                self.decisions[i] = Lowering::Failed;
                Err(())
            }
        }
    }

    fn branches(&mut self, branches: &[ast::Branch], leaf_type: &mut Option<(Type, Span)>) -> Lowered<Vec<Branch>> {
        let mut out = Vec::new();
        let mut failed = false;
        for b in branches {
            let condition = match &b.condition {
                Some(c) => match self.condition(c) {
                    Ok(e) => Some(e),
                    Err(()) => {
                        failed = true;
                        None
                    }
                },
                None => None,
            };
            let body = match &b.body {
                ast::BranchBody::Leaf(l) => self.leaf(l, leaf_type).map(BranchBody::Leaf),
                ast::BranchBody::Nested(inner) => {
                    if inner.is_empty() {
                        self.error(Diagnostic::error(
                            "E009",
                            b.head_span,
                            "this branch has no conclusion inside its `{ }`",
                        ));
                        Err(())
                    } else {
                        self.branches(inner, leaf_type).map(BranchBody::Nested)
                    }
                }
            };
            let Ok(body) = body else {
                failed = true;
                continue;
            };
            if failed {
                continue;
            }
            let reads = condition.as_ref().map(reads_of).unwrap_or_default();
            let text = match &b.condition {
                Some(c) => one_line(self.source.slice(c.span)),
                None => "otherwise".into(),
            };
            out.push(Branch { condition, body, text, reads, span: b.head_span });
        }
        if failed {
            Err(())
        } else {
            Ok(out)
        }
    }

    fn condition(&mut self, c: &ast::Expr) -> Lowered<Expr> {
        let e = self.expr(c)?;
        if e.ty != Type::Bool {
            let mut d = Diagnostic::error(
                "E005",
                c.span,
                format!("a condition must be yes/no, but this is {}", e.ty.describe()),
            );
            if e.ty == Type::Location {
                d = d.with_help("compare the location answer, e.g. `location(plan, zone) == ja`");
            }
            self.error(d);
            return Err(());
        }
        Ok(e)
    }

    fn leaf(&mut self, l: &ast::Leaf, leaf_type: &mut Option<(Type, Span)>) -> Lowered<Leaf> {
        let value = self.expr(&l.value);
        let because = l.because.as_ref().map(|b| self.template(b)).transpose();
        let value = value?;
        match leaf_type {
            None => *leaf_type = Some((value.ty.clone(), l.value.span)),
            Some((ty, first)) => {
                if !ty.compatible(&value.ty) {
                    let (ty, first) = (ty.clone(), *first);
                    self.error(
                        Diagnostic::error(
                            "E009",
                            l.value.span,
                            format!(
                                "conclusions of one decision must be of one kind: this is {}, an earlier one is {}",
                                value.ty.describe(),
                                ty.describe()
                            ),
                        )
                        .with_other(first, "first conclusion"),
                    );
                    return Err(());
                }
            }
        }
        Ok(Leaf { value, because: because?, reference: l.reference.as_ref().map(|r| r.value.clone()), span: l.span })
    }

    fn table(&mut self, t: &ast::Table, leaf_type: &mut Option<(Type, Span)>) -> Lowered<Table> {
        let mut failed = false;
        let mut inputs = Vec::new();
        for input in &t.inputs {
            match self.expr(input) {
                Ok(e) => inputs.push(e),
                Err(()) => failed = true,
            }
        }
        if failed {
            return Err(());
        }
        let mut rows = Vec::new();
        for rule in &t.rules {
            if rule.cells.len() != inputs.len() {
                self.error(
                    Diagnostic::error(
                        "E013",
                        rule.span,
                        format!(
                            "this rule has {} cell{}, but the table has {} input{}",
                            rule.cells.len(),
                            plural(rule.cells.len()),
                            inputs.len(),
                            plural(inputs.len())
                        ),
                    )
                    .with_help("separate cells with `|`; use `-` for any value"),
                );
                failed = true;
                continue;
            }
            let mut cells = Vec::new();
            for (cell, input) in rule.cells.iter().zip(&inputs) {
                match self.cell(cell, input) {
                    Ok(c) => cells.push(c),
                    Err(()) => failed = true,
                }
            }
            match self.leaf(&rule.leaf, leaf_type) {
                Ok(leaf) if !failed => rows.push(Row { cells, leaf, span: rule.span }),
                _ => failed = true,
            }
        }
        if failed {
            return Err(());
        }
        if let (ast::HitPolicy::Collect(Some(agg)), Some((ty, span))) = (t.hit, leaf_type.as_ref()) {
            if agg != ast::Aggregator::Count && !matches!(ty, Type::Num(_)) {
                let span = *span;
                self.error(
                    Diagnostic::error(
                        "E014",
                        t.hit_span,
                        format!("COLLECT with an aggregator needs numbers, but the rules conclude {}", ty.describe()),
                    )
                    .with_other(span, "a conclusion"),
                );
                return Err(());
            }
        }
        if t.hit == ast::HitPolicy::Priority || t.hit == ast::HitPolicy::OutputOrder {
            if let Some((ty, _)) = leaf_type.as_ref() {
                // Conclusions rank by how restrictive they are, numbers by size; texts have no order.
                if !matches!(ty, Type::Conclusion | Type::Num(_)) {
                    let ty = ty.clone();
                    self.error(
                        Diagnostic::error(
                            "E014",
                            t.hit_span,
                            format!("PRIORITY and OUTPUT ORDER rank conclusions or numbers, not {}", ty.describe()),
                        )
                        .with_help("use FIRST and put the rules in the order you want, or RULE ORDER"),
                    );
                    return Err(());
                }
            }
        }
        let input_texts = t.inputs.iter().map(|e| self.source.slice(e.span).to_string()).collect();
        let mut reads: Vec<Expr> = Vec::new();
        for e in &inputs {
            for r in reads_of(e) {
                if !reads.iter().any(|x| same_symbol(x, &r)) {
                    reads.push(r);
                }
            }
        }
        let fast: Vec<FastCell> = rows.iter().flat_map(|r| r.cells.iter().map(fast_cell)).collect();
        let index = TableIndex::build(rows.len(), inputs.len(), &fast);
        Ok(Table { hit: t.hit, inputs, input_texts, reads, rows, fast, index })
    }

    fn cell(&mut self, cell: &ast::Cell, input: &Expr) -> Lowered<CellTest> {
        let (tests, negated, span) = match cell {
            ast::Cell::Any(_) => return Ok(CellTest::Any),
            ast::Cell::Tests { tests, negated, span } => (tests, *negated, *span),
        };
        let mut out = Vec::new();
        for test in tests {
            let t = match test {
                ast::UnaryTest::Compare(op, e) => {
                    let v = self.expr(e)?;
                    let op = *op;
                    if matches!(op, CompareOp::Eq | CompareOp::Ne) {
                        self.comparable(input, &v, e.span)?;
                    } else {
                        self.orderable(input, &v, e.span)?;
                    }
                    Test::Compare(op, v)
                }
                ast::UnaryTest::Interval { low, low_closed, high, high_closed, .. } => {
                    let lo = self.expr(low)?;
                    let hi = self.expr(high)?;
                    self.orderable(input, &lo, low.span)?;
                    self.orderable(input, &hi, high.span)?;
                    Test::Interval { low: lo, low_closed: *low_closed, high: hi, high_closed: *high_closed }
                }
                ast::UnaryTest::Equal(e) => {
                    let v = self.expr(e)?;
                    if v.ty == Type::Bool && input.ty != Type::Bool {
                        // A condition used as a cell (`height > 5 m`) is an error in DMN too.
                        self.error(
                            Diagnostic::error(
                                "E005",
                                e.span,
                                format!(
                                    "this cell is a yes/no test, but the column `{}` is {}",
                                    self.source.slice(input.span),
                                    input.ty.describe()
                                ),
                            )
                            .with_help("write the test relative to the column, e.g. `> 5 m`"),
                        );
                        return Err(());
                    }
                    self.comparable(input, &v, e.span)?;
                    Test::Equal(v)
                }
            };
            out.push(t);
        }
        Ok(CellTest::Tests { tests: out, negated, span })
    }

    // ------------------------------------------------------------------ checks and map rules

    fn check_block(&mut self, c: &ast::Check) -> Lowered<Check> {
        let condition = self.condition(&c.condition);
        let show = c.show.as_ref().map(|s| self.expr(s)).transpose();
        let because = c.because.as_ref().map(|b| self.template(b)).transpose();
        let (condition, show, because) = (condition?, show?, because?);
        if let Some(s) = &show {
            if !matches!(s.ty, Type::Geom(_)) {
                self.error(Diagnostic::error(
                    "E005",
                    s.span,
                    format!("`show` needs a geometry to highlight, not {}", s.ty.describe()),
                ));
                return Err(());
            }
        }
        Ok(Check {
            name: c.name.value.clone(),
            condition,
            show,
            because,
            reference: c.reference.as_ref().map(|r| r.value.clone()),
            span: c.span,
        })
    }

    fn at_rule(&mut self, a: &ast::AtRule) -> Lowered<AtRule> {
        let Some(&Declared { symbol: Symbol::Layer(layer), .. }) = self.symbols.get(&a.layer.name) else {
            let d = match self.symbols.get(&a.layer.name) {
                Some(_) => Diagnostic::error("E017", a.layer.span, format!("`{}` is not a layer", a.layer.name))
                    .with_help("`at` rules read a layer declared with `layer`"),
                None => self.unknown_name(&a.layer.name, a.layer.span),
            };
            self.error(d);
            return Err(());
        };
        if let Some(declared) = self.symbols.get_mut(&a.layer.name) {
            declared.used = true;
        }
        let radius = match &a.radius {
            Some(r) => Some(self.constant_number(r, Dim::LENGTH)?),
            None => None,
        };
        let attributes: Vec<String> = self.layers[layer].attributes.iter().map(|(n, _)| n.clone()).collect();
        for (name, span) in placeholders(&a.text) {
            if !attributes.contains(&name) {
                let mut d =
                    Diagnostic::error("E017", span, format!("layer `{}` has no attribute `{name}`", a.layer.name));
                d = match suggest(&name, attributes.iter().map(String::as_str)) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None if attributes.is_empty() => {
                        d.with_help("declare the attributes: layer name: area { attribute: type }")
                    }
                    None => d.with_help(format!("its attributes are: {}", attributes.join(", "))),
                };
                self.error(d);
                return Err(());
            }
        }
        Ok(AtRule {
            layer,
            radius,
            title: a.title.value.clone(),
            text: a.text.value.clone(),
            intent: a.intent.as_ref().map(|i| i.value.clone()),
            reference: a.reference.as_ref().map(|r| r.value.clone()),
            span: a.span,
        })
    }

    fn template(&mut self, s: &ast::StrLit) -> Lowered<Template> {
        let mut parts = Vec::new();
        let mut rest = s.value.as_str();
        let mut failed = false;
        let holes = placeholders(s);
        let mut holes = holes.into_iter();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else { break };
            let name = &rest[open + 1..close];
            if !is_identifier(name) {
                parts.push(TemplatePart::Text(rest[..close + 1].to_string()));
                rest = &rest[close + 1..];
                continue;
            }
            let span = holes.next().map(|(_, sp)| sp).unwrap_or(s.span);
            if open > 0 {
                parts.push(TemplatePart::Text(rest[..open].to_string()));
            }
            match self.name(name, span) {
                Ok(e) => parts.push(TemplatePart::Value(e)),
                Err(()) => {
                    if let Some(last) = self.diags.last_mut() {
                        if last.code == "E002" {
                            last.code = "E011";
                            last.message = format!("the text refers to `{name}`, which is not declared");
                        }
                    }
                    failed = true;
                }
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(TemplatePart::Text(rest.to_string()));
        }
        if failed {
            Err(())
        } else {
            Ok(Template { parts })
        }
    }

    fn unused(&mut self) {
        let mut unused: Vec<(Span, String, &str)> = Vec::new();
        for (name, Declared { symbol, span, used }) in &self.symbols {
            if *used {
                continue;
            }
            let what = match symbol {
                Symbol::Input(i) if self.inputs[*i].kind == InputKind::Question => "question",
                Symbol::Input(_) => "input",
                Symbol::Layer(_) => "layer",
                Symbol::Let(_) => "definition",
                Symbol::Decision(_) | Symbol::Broken => continue,
            };
            unused.push((*span, name.clone(), what));
        }
        crate::sort::sort(&mut unused);
        for (span, name, what) in unused {
            self.diags.push(
                Diagnostic::warning("W001", span, format!("{what} `{name}` is never used"))
                    .with_help("remove it, or use it in a decision, check or map rule"),
            );
        }
    }

    // ------------------------------------------------------------------ expressions

    fn unknown_name(&self, name: &str, span: Span) -> Diagnostic {
        let candidates = self.symbols.keys().map(String::as_str).chain(crate::builtins::ALL.iter().map(|(_, n, _)| *n));
        let mut d = Diagnostic::error("E002", span, format!("unknown name `{name}`")).with_label("not declared");
        if let Some(s) = suggest(name, candidates) {
            d = d.with_help(format!("did you mean `{s}`?"));
        }
        d
    }

    fn name(&mut self, name: &str, span: Span) -> Lowered<Expr> {
        let Some(declared) = self.symbols.get_mut(name) else {
            let d = self.unknown_name(name, span);
            self.error(d);
            return Err(());
        };
        // Marked here rather than in a set of names: a set would allocate a string per read.
        declared.used = true;
        let symbol = declared.symbol;
        let (kind, ty) = match symbol {
            Symbol::Input(i) => (ExprKind::Input(i), self.inputs[i].ty.clone()),
            Symbol::Layer(i) => (ExprKind::Layer(i), Type::Geom(self.layers[i].kind)),
            Symbol::Let(i) => (ExprKind::Let(i), self.lower_let(i)?),
            Symbol::Decision(i) => (ExprKind::Decision(i), self.lower_decision(i)?),
            Symbol::Broken => return Err(()),
        };
        Ok(Expr { kind, ty, span })
    }

    /// Lowers an expression; refuses to recurse past [`depth::MAX_EVAL_DEPTH`] (definitions
    /// read before they are written are lowered from here, so a chain of them recurses).
    fn expr(&mut self, e: &ast::Expr) -> Lowered<Expr> {
        if self.nesting >= depth::MAX_EVAL_DEPTH {
            self.error(
                Diagnostic::error(
                    "E030",
                    e.span,
                    format!("definitions built on one another nest deeper than {}", depth::MAX_EVAL_DEPTH),
                )
                .with_label("too deep here")
                .with_help("rules this deep cannot be evaluated: shorten the chain of definitions"),
            );
            return Err(());
        }
        self.nesting += 1;
        let lowered = self.lower_expr(e);
        self.nesting -= 1;
        lowered
    }

    fn lower_expr(&mut self, e: &ast::Expr) -> Lowered<Expr> {
        let span = e.span;
        let typed = |kind: ExprKind, ty: Type| Ok(Expr { kind, ty, span });
        match &e.kind {
            ast::ExprKind::Number { value, unit, .. } => {
                let unit = self.unit(unit.as_ref())?;
                typed(ExprKind::Const(Value::Num(value * unit.factor, unit.dim)), Type::Num(unit.dim))
            }
            ast::ExprKind::Str(s) => typed(ExprKind::Const(Value::Text(s.as_str().into())), Type::Text(None)),
            ast::ExprKind::Bool(b) => typed(ExprKind::Const(Value::Bool(*b)), Type::Bool),
            ast::ExprKind::Location(l) => typed(ExprKind::Const(Value::Location(*l)), Type::Location),
            ast::ExprKind::Conclusion(name) => match Conclusion::parse(name) {
                Some(c) => typed(ExprKind::Const(Value::Conclusion(c)), Type::Conclusion),
                None => {
                    let mut d = Diagnostic::error("E012", span, format!("unknown conclusion `{name}`"))
                        .with_label("not a conclusion");
                    d = match suggest(name, Conclusion::ALL.iter().map(|c| c.name())) {
                        Some(s) => d.with_help(format!("did you mean `{s}`?")),
                        None => d.with_help(format!(
                            "conclusions are: {}",
                            Conclusion::ALL.iter().map(|c| c.name()).collect::<Vec<_>>().join(", ")
                        )),
                    };
                    self.error(d);
                    Err(())
                }
            },
            ast::ExprKind::Name(name) => self.name(name, span),
            ast::ExprKind::Call(f, args) => {
                let Some(builtin) = Builtin::lookup(&f.name) else {
                    // Still read the arguments: they count as used and may hold errors of their own.
                    let _ = self.exprs(args);
                    let candidates = crate::builtins::ALL.iter().map(|(_, n, _)| *n);
                    let mut d = Diagnostic::error("E006", f.span, format!("unknown function `{}`", f.name))
                        .with_label("not a function");
                    if let Some(s) = suggest(&f.name, candidates) {
                        d = d.with_help(format!("did you mean `{s}`?"));
                    }
                    self.error(d);
                    return Err(());
                };
                let args = self.exprs(args)?;
                if matches!(builtin, Builtin::Largest | Builtin::Nearest) {
                    let problem = if !self.in_derive {
                        Some((span, format!("`{}` picks a feature for a derived input: use it in `from`", f.name)))
                    } else if !matches!(args.first().map(|a| &a.kind), Some(ExprKind::Layer(_))) {
                        let at = args.first().map_or(span, |a| a.span);
                        Some((at, format!("the first argument of `{}` must be a layer", f.name)))
                    } else {
                        None
                    };
                    if let Some((at, message)) = problem {
                        self.error(Diagnostic::error("E022", at, message).with_help(builtin.signature()));
                        return Err(());
                    }
                }
                let types: Vec<Type> = args.iter().map(|a| a.ty.clone()).collect();
                match builtin.result_type(&types) {
                    Ok(ty) => typed(ExprKind::Call(builtin, args), ty),
                    Err(message) => {
                        self.error(Diagnostic::error("E006", span, message).with_help(builtin.signature()));
                        Err(())
                    }
                }
            }
            ast::ExprKind::Unary(op, inner) => {
                let inner = self.expr(inner)?;
                match (op, &inner.ty) {
                    (UnaryOp::Not, Type::Bool) => typed(ExprKind::Not(Box::new(inner)), Type::Bool),
                    (UnaryOp::Neg, Type::Num(d)) => {
                        let d = *d;
                        typed(ExprKind::Neg(Box::new(inner)), Type::Num(d))
                    }
                    (UnaryOp::Not, t) => {
                        self.error(Diagnostic::error(
                            "E005",
                            span,
                            format!("`not` needs a yes/no value, not {}", t.describe()),
                        ));
                        Err(())
                    }
                    (UnaryOp::Neg, t) => {
                        self.error(Diagnostic::error(
                            "E005",
                            span,
                            format!("`-` needs a number, not {}", t.describe()),
                        ));
                        Err(())
                    }
                }
            }
            ast::ExprKind::Binary(op, l, r) => {
                let left = self.expr(l);
                let right = self.expr(r);
                let (left, right) = (left?, right?);
                let ty = self.binary_type(*op, &left, &right, span)?;
                typed(ExprKind::Binary(*op, Box::new(left), Box::new(right)), ty)
            }
            ast::ExprKind::If(c, t, f) => {
                let c = self.condition(c);
                let t = self.expr(t);
                let f = self.expr(f);
                let (c, t, f) = (c?, t?, f?);
                if !t.ty.compatible(&f.ty) {
                    self.error(incompatible(
                        f.span,
                        &t.ty,
                        &f.ty,
                        "both branches of `if` must give the same kind of value",
                    ));
                    return Err(());
                }
                let ty = match (&t.ty, &f.ty) {
                    (Type::Num(a), Type::Num(b)) => Type::Num(a.plus(*b)),
                    _ => t.ty.clone(),
                };
                typed(ExprKind::If(Box::new(c), Box::new(t), Box::new(f)), ty)
            }
            ast::ExprKind::In(needle, items) => {
                let needle = self.expr(needle)?;
                let items = self.exprs(items)?;
                for item in &items {
                    self.comparable(&needle, item, item.span)?;
                }
                typed(ExprKind::In(Box::new(needle), items), Type::Bool)
            }
            ast::ExprKind::List(items) => {
                let items = self.exprs(items)?;
                let ty = items.first().map(|i| i.ty.clone()).unwrap_or(Type::Text(None));
                for item in &items {
                    if !item.ty.compatible(&ty) {
                        self.error(incompatible(item.span, &ty, &item.ty, "a list holds values of one kind"));
                        return Err(());
                    }
                }
                typed(ExprKind::List(items), Type::List(Box::new(ty)))
            }
        }
    }

    fn exprs(&mut self, items: &[ast::Expr]) -> Lowered<Vec<Expr>> {
        let results: Vec<Lowered<Expr>> = items.iter().map(|i| self.expr(i)).collect();
        results.into_iter().collect()
    }

    fn binary_type(&mut self, op: BinOp, l: &Expr, r: &Expr, span: Span) -> Lowered<Type> {
        match op {
            BinOp::And | BinOp::Or => {
                for side in [l, r] {
                    if side.ty != Type::Bool {
                        self.error(Diagnostic::error(
                            "E005",
                            side.span,
                            format!("`{}` needs yes/no values, but this is {}", op.symbol(), side.ty.describe()),
                        ));
                        return Err(());
                    }
                }
                Ok(Type::Bool)
            }
            BinOp::Add | BinOp::Sub => match (&l.ty, &r.ty) {
                (Type::Num(a), Type::Num(b)) if a.compatible(*b) => Ok(Type::Num(a.plus(*b))),
                (Type::Num(a), Type::Num(b)) => {
                    self.error(unit_mismatch(span, *b, *a, &format!("`{}`", op.symbol())));
                    Err(())
                }
                _ => {
                    self.error(incompatible(span, &l.ty, &r.ty, &format!("`{}` needs two numbers", op.symbol())));
                    Err(())
                }
            },
            BinOp::Mul | BinOp::Div => match (&l.ty, &r.ty) {
                (Type::Num(a), Type::Num(b)) => Ok(Type::Num(if op == BinOp::Mul { a.times(*b) } else { a.per(*b) })),
                _ => {
                    self.error(incompatible(span, &l.ty, &r.ty, &format!("`{}` needs two numbers", op.symbol())));
                    Err(())
                }
            },
            BinOp::Compare(CompareOp::Eq | CompareOp::Ne) => {
                self.comparable(l, r, span)?;
                Ok(Type::Bool)
            }
            BinOp::Compare(_) => {
                self.orderable(l, r, span)?;
                Ok(Type::Bool)
            }
            BinOp::Spatial(s) => {
                for side in [l, r] {
                    if !matches!(side.ty, Type::Geom(_)) {
                        self.error(Diagnostic::error(
                            "E005",
                            side.span,
                            format!("`{}` needs two geometries, but this is {}", s.keyword(), side.ty.describe()),
                        ));
                        return Err(());
                    }
                }
                Ok(Type::Bool)
            }
        }
    }

    /// `==`, `!=`, `in` and equality cells: same kind of value; a choice only against its options.
    fn comparable(&mut self, l: &Expr, r: &Expr, span: Span) -> Lowered<()> {
        if let (Type::Num(a), Type::Num(b)) = (&l.ty, &r.ty) {
            if !a.compatible(*b) {
                self.error(unit_mismatch(span, *b, *a, "comparison"));
                return Err(());
            }
            return Ok(());
        }
        if !l.ty.compatible(&r.ty) {
            self.error(incompatible(span, &l.ty, &r.ty, "cannot compare these"));
            return Err(());
        }
        for (choice, other) in [(l, r), (r, l)] {
            if let (Type::Text(Some(options)), ExprKind::Const(Value::Text(text))) = (&choice.ty, &other.kind) {
                if !options.iter().any(|o| o.as_str() == &**text) {
                    let mut d = Diagnostic::error("E008", other.span, format!("\"{text}\" is not one of the options"))
                        .with_label("not an option");
                    let exact_case = options.iter().find(|o| same_but_capitals(o, text));
                    d = match exact_case.or_else(|| options.iter().find(|o| strsim::levenshtein(o, text) <= 2)) {
                        Some(o) => d.with_help(format!(
                            "did you mean \"{o}\"? Options are compared exactly, including capitals"
                        )),
                        None => d.with_help(format!(
                            "the options are: {}",
                            options.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join(", ")
                        )),
                    };
                    self.error(d);
                    return Err(());
                }
            }
        }
        Ok(())
    }

    fn orderable(&mut self, l: &Expr, r: &Expr, span: Span) -> Lowered<()> {
        match (&l.ty, &r.ty) {
            (Type::Num(a), Type::Num(b)) if a.compatible(*b) => Ok(()),
            (Type::Num(a), Type::Num(b)) => {
                self.error(unit_mismatch(span, *b, *a, "comparison"));
                Err(())
            }
            _ => {
                self.error(incompatible(span, &l.ty, &r.ty, "only numbers can be compared with <, <=, > or >="));
                Err(())
            }
        }
    }
}

/// The decisions another decision reads (in a condition, a table column or a conclusion).
fn read_by_other_decisions(rs: &Ruleset) -> BTreeSet<usize> {
    fn leaf(l: &Leaf, out: &mut Vec<Expr>) {
        out.extend(reads_of(&l.value));
    }
    fn branches(bs: &[Branch], out: &mut Vec<Expr>) {
        for b in bs {
            out.extend(b.reads.iter().cloned());
            match &b.body {
                BranchBody::Leaf(l) => leaf(l, out),
                BranchBody::Nested(inner) => branches(inner, out),
            }
        }
    }
    let mut read = BTreeSet::new();
    for (i, d) in rs.decisions.iter().enumerate() {
        let mut reads = Vec::new();
        match &d.body {
            Body::Tree(bs) => branches(bs, &mut reads),
            Body::Table(t) => {
                reads.extend(t.reads.iter().cloned());
                for row in &t.rows {
                    leaf(&row.leaf, &mut reads);
                }
            }
        }
        read.extend(reads.iter().filter_map(|e| match e.kind {
            ExprKind::Decision(j) if j != i => Some(j),
            _ => None,
        }));
    }
    read
}

/// The compact form of a cell, when its tests are constants (see [`FastCell`]).
fn fast_cell(cell: &CellTest) -> FastCell {
    let CellTest::Tests { tests, negated: false, .. } = cell else {
        return if matches!(cell, CellTest::Any) { FastCell::Any } else { FastCell::General };
    };
    let number = |e: &Expr| match &e.kind {
        ExprKind::Const(Value::Num(n, _)) => Some(*n),
        _ => None,
    };
    let text = |e: &Expr| match &e.kind {
        ExprKind::Const(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let (inf, neg) = (f64::INFINITY, f64::NEG_INFINITY);
    let interval = |low, low_closed, high, high_closed| FastCell::Interval { low, low_closed, high, high_closed };
    match tests.as_slice() {
        [Test::Compare(op, e)] => match (op, number(e)) {
            (CompareOp::Lt, Some(n)) => interval(neg, false, n, false),
            (CompareOp::Le, Some(n)) => interval(neg, false, n, true),
            (CompareOp::Gt, Some(n)) => interval(n, false, inf, false),
            (CompareOp::Ge, Some(n)) => interval(n, true, inf, false),
            (CompareOp::Eq, Some(n)) => interval(n, true, n, true),
            _ => FastCell::General,
        },
        [Test::Interval { low, low_closed, high, high_closed }] => match (number(low), number(high)) {
            (Some(l), Some(h)) => interval(l, *low_closed, h, *high_closed),
            _ => FastCell::General,
        },
        [Test::Equal(e)] if number(e).is_some() => number(e).map_or(FastCell::General, |n| interval(n, true, n, true)),
        [Test::Equal(Expr { kind: ExprKind::Const(Value::Bool(b)), .. })] => FastCell::Bool(*b),
        tests => {
            let texts: Option<Vec<_>> = tests
                .iter()
                .map(|t| match t {
                    Test::Equal(e) => text(e),
                    _ => None,
                })
                .collect();
            texts.map_or(FastCell::General, FastCell::Texts)
        }
    }
}

/// Inputs, lets and decisions an expression reads (each once, in order of appearance).
pub(crate) fn reads_of(e: &Expr) -> Vec<Expr> {
    fn walk(e: &Expr, out: &mut Vec<Expr>) {
        match &e.kind {
            ExprKind::Input(_) | ExprKind::Let(_) | ExprKind::Decision(_) => {
                let seen = out
                    .iter()
                    .any(|o| std::mem::discriminant(&o.kind) == std::mem::discriminant(&e.kind) && same_symbol(o, e));
                if !seen {
                    out.push(e.clone());
                }
            }
            ExprKind::Const(_) | ExprKind::Layer(_) | ExprKind::ValidOn(..) => {}
            ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().for_each(|a| walk(a, out)),
            ExprKind::Not(x) | ExprKind::Neg(x) => walk(x, out),
            ExprKind::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            ExprKind::If(a, b, c) => {
                walk(a, out);
                walk(b, out);
                walk(c, out);
            }
            ExprKind::In(a, items) => {
                walk(a, out);
                items.iter().for_each(|i| walk(i, out));
            }
        }
    }
    let mut out = Vec::new();
    walk(e, &mut out);
    out
}

fn same_symbol(a: &Expr, b: &Expr) -> bool {
    matches!((&a.kind, &b.kind),
        (ExprKind::Input(x), ExprKind::Input(y)) | (ExprKind::Let(x), ExprKind::Let(y)) | (ExprKind::Decision(x), ExprKind::Decision(y)) if x == y)
}

/// A definition or decision whose evaluation would recurse past [`depth::MAX_EVAL_DEPTH`].
fn evaluated_too_deep(span: Span, name: &str) -> Diagnostic {
    Diagnostic::error(
        "E030",
        span,
        format!(
            "`{name}` nests deeper than {} levels when evaluated, with the definitions it reads",
            depth::MAX_EVAL_DEPTH
        ),
    )
    .with_help("rules this deep cannot be evaluated: shorten the chain of definitions (or nested `when`s)")
}

fn unit_mismatch(span: Span, got: Dim, expected: Dim, what: &str) -> Diagnostic {
    let help = if got.is_dimensionless() && !expected.is_dimensionless() {
        format!("add a unit: this number needs to be {}, e.g. `5 {}`", expected.describe(), expected.unit_ascii())
    } else {
        format!("{} is {}; {what} needs {}", got.unit_ascii(), got.describe(), expected.describe())
    };
    Diagnostic::error("E004", span, format!("unit mismatch in {what}: {} and {}", expected.describe(), got.describe()))
        .with_label(format!("{} vs {}", expected.unit_ascii_or_number(), got.unit_ascii_or_number()))
        .with_help(help)
}

fn incompatible(span: Span, a: &Type, b: &Type, what: &str) -> Diagnostic {
    Diagnostic::error("E005", span, format!("{what}: {} and {}", a.describe(), b.describe()))
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The set of one number. Not `BTreeSet::from([i])`: that sorts its array, which costs a sort
/// routine in the browser build.
pub(crate) fn singleton(i: usize) -> BTreeSet<usize> {
    let mut set = BTreeSet::new();
    set.insert(i);
    set
}

/// Whether two option texts differ in capitals only, for "did you mean": ASCII and the Latin-1
/// letters Dutch uses (`Één` = `één`, `ÜBER` = `über`). Not `str::to_lowercase`: full Unicode
/// case mapping brings its tables into the browser build (about 9 KB gzipped) for letters option
/// texts do not use.
pub(crate) fn same_but_capitals(a: &str, b: &str) -> bool {
    fn fold(c: char) -> char {
        match c {
            'A'..='Z' => c.to_ascii_lowercase(),
            // Latin-1 capitals À..Þ (but not ×) are their small letter minus 0x20.
            '\u{C0}'..='\u{DE}' if c != '\u{D7}' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            _ => c,
        }
    }
    a.chars().map(fold).eq(b.chars().map(fold))
}

/// The closest candidate within two edits (ignoring ASCII case), for "did you mean". ASCII only:
/// full Unicode lowercasing brings its case tables into the browser build, and names are ASCII.
pub(crate) fn suggest<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_ascii_lowercase();
    candidates
        .filter(|c| *c != name)
        .map(|c| (strsim::levenshtein(&lower, &c.to_ascii_lowercase()), c))
        .filter(|(d, c)| *d <= 2.min(c.len() / 2 + 1))
        .min()
        .map(|(_, c)| c)
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// `{name}` placeholders of a string literal with their approximate source spans.
/// The words of `text` joined by single spaces, built in one string.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

fn placeholders(s: &ast::StrLit) -> Vec<(String, Span)> {
    let mut out = Vec::new();
    let mut offset = 0;
    let text = &s.value;
    while let Some(open) = text[offset..].find('{').map(|o| offset + o) {
        let Some(close) = text[open..].find('}').map(|c| open + c) else { break };
        let name = &text[open + 1..close];
        if is_identifier(name) {
            // +1 for the opening quote; escapes before the placeholder may shift this slightly.
            let start = s.span.start + 1 + open;
            out.push((name.to_string(), Span::new(start, start + close - open + 1)));
        }
        offset = close + 1;
    }
    out
}

impl Dim {
    fn unit_ascii_or_number(self) -> String {
        let u = self.unit_ascii();
        if u.is_empty() {
            "number".into()
        } else {
            u
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// On ASCII and Latin-1 letters (what option texts are made of) it agrees with full
        /// Unicode lowercasing.
        #[test]
        fn same_but_capitals_is_lowercasing_on_latin_1(a in "[A-Za-z\u{C0}-\u{FF} ]{0,6}", b in "[A-Za-z\u{C0}-\u{FF} ]{0,6}") {
            prop_assert_eq!(same_but_capitals(&a, &b), a.to_lowercase() == b.to_lowercase());
        }
    }

    #[test]
    fn capitals_of_dutch_words() {
        assert!(same_but_capitals("Één", "één"));
        assert!(same_but_capitals("CAFÉ", "café"));
        assert!(!same_but_capitals("cafe", "café"));
        assert!(!same_but_capitals("een", "één"));
    }
}

//! Map: decisions, tables, cells and FEEL expressions -> rules text.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::super::feel::{self, CmpOp, Expr, Test, UnaryTests, Value};
use super::super::xml::{self, Aggregation, DecisionTable, Expression, HitPolicy};
use super::diagnose::{covers, numeric_set, CellSet};
use super::names::readable;
use super::types::{
    annotation_text, conclusion, decimal_text, domain_of, literal, near_conclusion, prose, quote, value_written,
    DomainValue, Ty, Var,
};
use super::Converter;

impl Converter<'_> {
    pub(super) fn title_of(&self, d: &xml::Decision) -> String {
        if readable(&d.name) && !d.name.starts_with('_') {
            return d.name.clone();
        }
        // Builders name the top decision `_Conclusie_dummy`; its output column says what it is.
        if let Some(Expression::Table(t)) = d.logic.as_ref().map(|l| &l.expression) {
            if let Some(label) =
                t.outputs.first().and_then(|o| o.label.clone().or(o.name.clone())).filter(|l| !l.trim().is_empty())
            {
                return label;
            }
            if let Some(l) = t.output_label.as_deref() {
                return l.replace("dummy", "").trim().to_string();
            }
        }
        d.name.trim_matches('_').replace('_', " ").replace("dummy", "").trim().to_string()
    }

    pub(super) fn declare_decision(&mut self, index: usize) {
        let d = &self.defs.decisions[index];
        let title = self.title_of(d);
        let ident = self.namer.name_for(&title);
        let (ty, row_ty, values) = self.output_type(d);
        let domain = match &ty {
            Ty::Bool => domain_of(&Ty::Bool),
            Ty::Conclusion | Ty::Text if !values.is_empty() => Some(
                values
                    .iter()
                    .map(|s| DomainValue {
                        feel: Value::String(s.clone()),
                        written: vec![value_written(&Value::String(s.clone()), &ty).unwrap_or_default()],
                    })
                    .collect(),
            ),
            _ => None,
        };
        let domain = match (domain, self.no_hit.get(&d.name)) {
            (Some(mut values), Some(nh)) => {
                if !values.iter().any(|v| feel::equal(&v.feel, &nh.feel) == Some(true)) {
                    values.push(DomainValue { feel: nh.feel.clone(), written: vec![nh.written.clone()] });
                }
                Some(values)
            }
            (domain, _) => domain,
        };
        self.vars.insert(d.name.clone(), Var { ident, ty, row_ty, domain, is_decision: true, fixed: false });
    }

    /// The type of a decision's result, of one row's conclusion, and the texts it can give.
    pub(super) fn output_type(&self, d: &xml::Decision) -> (Ty, Ty, Vec<String>) {
        let type_ref = d.type_ref.as_deref().map(|t| t.rsplit(':').next().unwrap_or(t));
        let Some(Expression::Table(t)) = d.logic.as_ref().map(|l| &l.expression) else {
            let ty = match type_ref {
                Some("boolean") => Ty::Bool,
                Some("number") => Ty::Number,
                _ => Ty::Text,
            };
            return (ty.clone(), ty, Vec::new());
        };
        let mut texts: Vec<String> = Vec::new();
        let mut literals = Vec::new();
        let mut push = |v: Value, texts: &mut Vec<String>| {
            if let Value::String(s) = &v {
                if !texts.contains(s) {
                    texts.push(s.clone());
                }
            }
            literals.push(v);
        };
        let parse_value = |text: &str| feel::parse_expression(text, &self.names).ok().and_then(|e| literal(&e));
        for r in &t.rules {
            if let Some(v) = r.output_entries.first().and_then(|o| parse_value(&o.text)) {
                push(v, &mut texts);
            }
        }
        if let Some(values) = t.outputs.first().and_then(|o| o.values.as_deref()) {
            if let Ok(UnaryTests::Tests(tests)) = feel::parse_unary_tests(values, &self.names) {
                for test in tests {
                    if let Test::Expr(e) = test {
                        if let Some(v) = literal(&e) {
                            push(v, &mut texts);
                        }
                    }
                }
            }
        }
        let multi = matches!(t.hit_policy, HitPolicy::RuleOrder | HitPolicy::OutputOrder)
            || (t.hit_policy == HitPolicy::Collect && t.aggregation.is_none());
        let ty = if literals.iter().all(|v| matches!(v, Value::Bool(_))) && !literals.is_empty() {
            Ty::Bool
        } else if literals.iter().all(|v| matches!(v, Value::Number(_))) && !literals.is_empty() {
            Ty::Number
        } else if !texts.is_empty()
            && texts.iter().all(|s| conclusion(s).is_some() || near_conclusion(s))
            && texts.iter().any(|s| s != "no hit" && conclusion(s).is_some())
        {
            // A misspelt conclusion (`Meldingsplichtig`) stays one, so the checker names it.
            Ty::Conclusion
        } else if type_ref == Some("boolean") {
            Ty::Bool
        } else if type_ref == Some("number") {
            Ty::Number
        } else {
            Ty::Text
        };
        if multi {
            return (Ty::List, ty, Vec::new());
        }
        if t.aggregation == Some(Aggregation::Count) {
            return (Ty::Number, ty, Vec::new());
        }
        if t.aggregation.is_some() {
            return (ty.clone(), ty, Vec::new());
        }
        (ty.clone(), ty, texts)
    }

    pub(super) fn decision(&mut self, index: usize) {
        let defs = self.defs;
        let d = &defs.decisions[index];
        let Some(var) = self.vars.get(&d.name).cloned() else { return };
        for r in &d.required_inputs {
            if defs.input_by_id(r).is_none() {
                self.error(
                    "D003",
                    &d.id,
                    format!("decision \"{}\" requires input {r}, which does not exist", self.title_of(d)),
                );
            }
        }
        for r in &d.required_decisions {
            if defs.decision_by_id(r).is_none() {
                self.error(
                    "D003",
                    &d.id,
                    format!("decision \"{}\" requires decision {r}, which does not exist", self.title_of(d)),
                );
            }
        }
        let title = self.title_of(d);
        let _ = write!(self.out, "\n// dmn: {}", d.id);
        if title != d.name {
            let _ = write!(self.out, " (DMN name {})", quote(&d.name));
        }
        self.out.push('\n');
        let Some(logic) = &d.logic else {
            self.error(
                "D009",
                &d.id,
                format!("decision \"{}\" has no decision logic, so it never concludes", self.title_of(d)),
            );
            return;
        };
        // An aansluitpunt: the invoked model's parameters stand for the bound expressions.
        let saved = self.bindings.get(&d.id).cloned().map(|list| self.bind(d, &list));
        self.logic(d, logic, &var, &title);
        if let Some((vars, names)) = saved {
            self.vars = vars;
            self.names = names;
        }
    }

    /// Put the parameters of an invoked model in scope; returns the scope to restore.
    fn bind(&mut self, d: &xml::Decision, list: &[super::read::Binding]) -> (BTreeMap<String, Var>, feel::Names) {
        let saved = (self.vars.clone(), self.names.clone());
        let mut params = Vec::new();
        for b in list {
            let Some((text, element)) = &b.expression else {
                self.error(
                    "D009",
                    &d.id,
                    format!(
                        "the invocation in \"{}\" binds no expression to parameter `{}`",
                        self.title_of(d),
                        b.parameter
                    ),
                );
                continue;
            };
            let var = match feel::parse_expression(text, &self.names) {
                Ok(Expr::Name(n)) if self.vars.contains_key(&n) => self.vars.get(&n).cloned(),
                Ok(e) => self.expr(&e, element, text).map(|t| {
                    let ty = match b.type_ref.as_deref().map(|t| t.rsplit(':').next().unwrap_or(t)) {
                        Some("boolean") => Ty::Bool,
                        Some("number") => Ty::Number,
                        _ => Ty::Text,
                    };
                    let t = if t.starts_with('(') { t } else { format!("({t})") };
                    Var::input(t, ty.clone(), domain_of(&ty))
                }),
                Err(err) => {
                    self.error("D002", element, format!("binding does not parse: {err}"));
                    None
                }
            };
            if let Some(v) = var {
                params.push((b.parameter.clone(), v));
            }
        }
        for (name, v) in params {
            self.names.add(&name);
            self.vars.insert(name, v);
        }
        saved
    }

    fn logic(&mut self, d: &xml::Decision, logic: &xml::Logic, var: &Var, title: &str) {
        let var = var.clone();
        match &logic.expression {
            Expression::Table(t) => self.table(d, &var, title, t),
            Expression::Invalid(e) => {
                self.error("D001", &logic.id, format!("decision \"{}\" cannot be read: {e}", self.title_of(d)));
            }
            Expression::Literal { text, .. } => {
                let body = match feel::parse_expression(text, &self.names) {
                    Ok(e) => self.literal_decision(&e, &var, &logic.id, text),
                    Err(err) => {
                        self.error("D002", &logic.id, format!("FEEL expression does not parse: {err}"));
                        None
                    }
                };
                if let Some(body) = body {
                    let _ = writeln!(self.out, "decision {} {} {{", var.ident, quote(title));
                    for line in body {
                        let _ = writeln!(self.out, "  {line}");
                    }
                    self.out.push_str("}\n");
                }
            }
            other => {
                let what = match other {
                    Expression::Context(_) => "a boxed context".to_string(),
                    Expression::Invocation { .. } => "a boxed invocation".to_string(),
                    Expression::Unsupported(k) => format!("<{k}>"),
                    _ => "this expression".to_string(),
                };
                self.error(
                    "D010",
                    &logic.id,
                    format!("decision \"{}\" uses {what}, which STTR import does not support", self.title_of(d)),
                );
            }
        }
    }

    /// `if a then x else if b then y else z` -> `when a -> x / when b -> y / otherwise -> z`.
    pub(super) fn literal_decision(&mut self, e: &Expr, var: &Var, element: &str, text: &str) -> Option<Vec<String>> {
        let mut lines = Vec::new();
        let mut cur = e;
        while let Expr::If(c, t, f) = cur {
            let cond = self.expr(c, element, text)?;
            let then = self.output_expr(t, &var.ty, element, text)?;
            lines.push(format!("when {cond} -> {then}"));
            cur = f;
        }
        let last = self.output_expr(cur, &var.ty, element, text)?;
        lines.push(format!("otherwise -> {last}"));
        Some(lines)
    }

    pub(super) fn output_expr(&mut self, e: &Expr, ty: &Ty, element: &str, text: &str) -> Option<String> {
        if let Some(v) = literal(e) {
            if let Some(w) = value_written(&v, ty) {
                return Some(w);
            }
        }
        if matches!(e, Expr::Null) {
            self.error(
                "D009",
                element,
                format!("`{}` gives no conclusion (null); the rules language has no null", feel::quoted(text)),
            );
            return None;
        }
        self.expr(e, element, text)
    }

    /// A FEEL expression in our language, or a D002 error naming the element.
    pub(super) fn expr(&mut self, e: &Expr, element: &str, text: &str) -> Option<String> {
        match translate(e, &self.vars) {
            Ok(s) => Some(s),
            Err(why) => {
                self.error("D002", element, format!("FEEL `{}` cannot be converted: {why}", feel::quoted(text)));
                None
            }
        }
    }

    // ------------------------------------------------------------ tables

    pub(super) fn table(&mut self, d: &xml::Decision, var: &Var, title: &str, t: &DecisionTable) {
        if t.outputs.len() > 1 {
            self.error("D010", &t.id, format!("decision table of \"{}\" has {} output columns; the rules language has one conclusion per decision", self.title_of(d), t.outputs.len()));
            return;
        }
        // Columns.
        let mut columns: Vec<Column> = Vec::new();
        for input in &t.inputs {
            let col = match feel::parse_expression(&input.expression, &self.names) {
                Ok(Expr::Name(n)) => match self.vars.get(&n) {
                    Some(v) => Column {
                        text: v.ident.clone(),
                        ty: Some(v.ty.clone()),
                        domain: v.domain.clone(),
                        decision: v.is_decision,
                        fixed: v.fixed,
                        name: n.clone(),
                    },
                    None => {
                        self.error("D003", &input.id, format!("input column `{n}` names no inputData or decision"));
                        return;
                    }
                },
                Ok(e) => {
                    let Some(text) = self.expr(&e, &input.id, &input.expression) else { return };
                    let ty = match input.type_ref.as_deref().map(|t| t.rsplit(':').next().unwrap_or(t)) {
                        Some("boolean") => Some(Ty::Bool),
                        Some("number") => Some(Ty::Number),
                        Some("string") => Some(Ty::Text),
                        _ => None,
                    };
                    Column {
                        text,
                        domain: ty.as_ref().and_then(domain_of),
                        ty,
                        decision: false,
                        fixed: false,
                        name: input.expression.clone(),
                    }
                }
                Err(err) => {
                    self.error("D002", &input.id, format!("input expression does not parse: {err}"));
                    return;
                }
            };
            columns.push(col);
        }
        if t.rules.is_empty() {
            self.error(
                "D009",
                &t.id,
                format!("decision table of \"{}\" has no rules, so it never concludes", self.title_of(d)),
            );
            return;
        }
        // Rows.
        let mut rows: Vec<Row> = Vec::new();
        let mut dropped: Vec<String> = Vec::new();
        for rule in &t.rules {
            if rule.input_entries.len() != columns.len() {
                self.error(
                    "D009",
                    &rule.id,
                    format!(
                        "rule has {} input entries, the table has {} inputs",
                        rule.input_entries.len(),
                        columns.len()
                    ),
                );
                continue;
            }
            let mut cells = Vec::new();
            let mut sets = Vec::new();
            let mut ok = true;
            for (entry, col) in rule.input_entries.iter().zip(&columns) {
                match self.cell(&entry.text, col, &entry.id) {
                    Some((written, set)) => {
                        cells.push(written);
                        sets.push(set);
                    }
                    None => ok = false,
                }
            }
            let Some(out_entry) = rule.output_entries.first() else {
                self.error("D009", &rule.id, "rule has no output entry (no conclusion)");
                continue;
            };
            let output = match feel::parse_expression(&out_entry.text, &self.names) {
                Ok(e) if out_entry.text.trim().is_empty() => {
                    let _ = e;
                    self.error("D009", &out_entry.id, "the output entry is empty: this rule has no conclusion");
                    None
                }
                Ok(e) => self.output_expr(&e, &var.ty_for_rows(), &out_entry.id, &out_entry.text),
                Err(err) if out_entry.text.trim().is_empty() => {
                    let _ = err;
                    self.error("D009", &out_entry.id, "the output entry is empty: this rule has no conclusion");
                    None
                }
                Err(err) => {
                    self.error("D002", &out_entry.id, format!("output entry does not parse: {err}"));
                    None
                }
            };
            let (Some(output), true) = (output, ok) else { continue };
            // A rule with a cell that no answer passes never applies (as in the national system):
            // it is left out, so its questions are not asked for it. With --strict it stays, so the
            // checker reports the cell.
            let never =
                sets.iter().zip(&columns).any(|(s, c)| !c.fixed && matches!(s, CellSet::Finite(k) if k.is_empty()));
            if never && !self.strict {
                dropped.push(rule.id.clone());
                continue;
            }
            let reference =
                rule.annotations.iter().map(|a| annotation_text(a)).filter(|a| !a.is_empty()).collect::<Vec<_>>();
            let priority_value = feel::parse_expression(&out_entry.text, &self.names).ok().and_then(|e| literal(&e));
            self.cells.insert(
                rule.id.clone(),
                rule.input_entries.iter().map(|e| e.id.clone()).chain([out_entry.id.clone()]).collect(),
            );
            rows.push(Row {
                id: rule.id.clone(),
                cells,
                sets,
                output,
                because: out_entry.explanation.as_deref().map(prose),
                reference: (!reference.is_empty()).then(|| reference.join("; ")),
                value: priority_value,
            });
        }
        // Hit policy.
        let mut notes: Vec<String> = Vec::new();
        let mut hit = match (t.hit_policy, t.aggregation) {
            (HitPolicy::Unique, _) => "UNIQUE".to_string(),
            (HitPolicy::First, _) => "FIRST".into(),
            (HitPolicy::Any, _) => "ANY".into(),
            (HitPolicy::RuleOrder, _) => "RULE ORDER".into(),
            (HitPolicy::Collect, None) => "COLLECT".into(),
            (HitPolicy::Collect, Some(a)) => format!(
                "COLLECT {}",
                match a {
                    Aggregation::Sum => "sum",
                    Aggregation::Min => "min",
                    Aggregation::Max => "max",
                    Aggregation::Count => "count",
                }
            ),
            (HitPolicy::Priority | HitPolicy::OutputOrder, _) => {
                let order = self.priority_order(t);
                match order {
                    Some(order) => {
                        rows.sort_by_key(|r| {
                            r.value
                                .as_ref()
                                .and_then(|v| order.iter().position(|o| feel::equal(o, v) == Some(true)))
                                .unwrap_or(usize::MAX)
                        });
                        notes.push(format!(
                            "{} in the DMN: rows are sorted by the outputValues order ({}), so the first that applies has the highest priority.",
                            t.hit_policy.name(),
                            order.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", ")
                        ));
                        if t.hit_policy == HitPolicy::Priority {
                            "FIRST".into()
                        } else {
                            "RULE ORDER".into()
                        }
                    }
                    None => {
                        self.warn("D014", &t.id, format!("{} table \"{}\" without outputValues: the engine's order of conclusions (most restrictive first) is used", t.hit_policy.name(), self.title_of(d)), None);
                        t.hit_policy.name().to_string()
                    }
                }
            }
        };
        let any_decision_column = columns.iter().any(|c| c.decision);
        if t.hit_policy == HitPolicy::Any {
            if let Some((i, j, example)) = self.conflict(&rows, &columns) {
                let (a, b) = (&rows[i], &rows[j]);
                self.warn(
                    "D005",
                    &t.id,
                    format!(
                        "ANY table of \"{}\": rules {} and {} (rule ids {} and {}) can both apply ({example}) but conclude differently ({} and {}); strict DMN makes that an error",
                        self.title_of(d), i + 1, j + 1, a.id, b.id, a.output, b.output
                    ),
                    Some("following the rule builder's intent, the first rule that applies wins (read as FIRST), as Amsterdam's vergunningcheck client (imtr-client) does".into()),
                );
                notes.push(format!(
                    "ANY in the DMN, but rules {} and {} can both apply with different conclusions ({example}); read as FIRST, the builder's intent.",
                    i + 1,
                    j + 1
                ));
                hit = "FIRST".into();
            }
        }
        // Overlaps the checker cannot see: columns fed by decisions, or a table read as FIRST for
        // its "no hit" last rule (below).
        if t.hit_policy == HitPolicy::Unique && (any_decision_column || self.no_hit.contains_key(&d.name)) {
            if let Some((i, j, example)) = self.overlap(&rows, &columns) {
                let id = rows[j].id.clone();
                self.warn(
                    "D011",
                    &id,
                    format!(
                        "rules {} and {} of UNIQUE table \"{}\" can both apply ({example})",
                        i + 1,
                        j + 1,
                        self.title_of(d)
                    ),
                    Some("make the rules exclusive, or use FIRST".into()),
                );
            }
        }
        if hit == "FIRST" && any_decision_column {
            for j in 1..rows.len() {
                if let Some(i) = (0..j).find(|&i| covers(&rows[i].sets, &rows[j].sets)) {
                    let id = rows[j].id.clone();
                    self.warn(
                        "D015",
                        &id,
                        format!(
                            "rule {} of \"{}\" can never apply: rule {} comes first and takes all its cases",
                            j + 1,
                            self.title_of(d),
                            i + 1
                        ),
                        None,
                    );
                }
            }
        }
        // A gap: the national system gives the default output, or null ("no hit"), when no rule applies.
        let single = matches!(hit.as_str(), "UNIQUE" | "FIRST" | "ANY");
        let mut fallback = None;
        if single {
            if let Some(example) = super::diagnose::find_gap(&rows, &columns) {
                let default = t.outputs.first().and_then(|o| o.default.as_deref()).and_then(|text| {
                    let v = feel::parse_expression(text, &self.names).ok().and_then(|e| literal(&e))?;
                    Some(NoHit { written: value_written(&v, &var.ty_for_rows())?, feel: v })
                });
                let no_hit = default.clone().or_else(|| match var.ty {
                    Ty::Conclusion => Some(NoHit { feel: Value::Null, written: "NietVanToepassing".into() }),
                    Ty::Text => Some(NoHit { feel: Value::Null, written: "\"\"".into() }),
                    _ => None,
                });
                let result = match (&default, &no_hit) {
                    (Some(x), _) => format!("its default output {} is the result", x.written),
                    (None, Some(x)) => {
                        format!("the national system gives no result (null, \"no hit\"), read as {}", x.written)
                    }
                    (None, None) => "the national system gives no result (null), and neither can this ruleset".into(),
                };
                self.warn(
                    "D016",
                    &t.id,
                    format!("no rule of \"{}\" applies {example}: {result}", self.title_of(d)),
                    Some("add a rule for these values, or a default output".into()),
                );
                if let Some(nh) = no_hit {
                    self.gaps.insert(d.name.clone(), nh.clone());
                    fallback = Some(nh);
                }
            }
        }
        if let (Some(nh), true) = (&fallback, self.no_hit.contains_key(&d.name)) {
            notes.push(format!(
                "When no rule applies the result is {} (the last rule), as in the national system.",
                nh.written
            ));
            if hit != "FIRST" {
                notes.push(format!(
                    "{hit} in the DMN; read as FIRST so that the last rule only applies when no other does."
                ));
                hit = "FIRST".into();
            }
            rows.push(Row {
                id: t.id.clone(),
                cells: vec!["-".to_string(); columns.len()],
                sets: vec![CellSet::Any; columns.len()],
                output: nh.written.clone(),
                because: None,
                reference: None,
                value: None,
            });
        }
        if !dropped.is_empty() {
            notes.push(format!(
                "Left out, as they can never apply (see the findings on their cells): {}.",
                dropped.join(", ")
            ));
        }
        if rows.is_empty() {
            self.error(
                "D009",
                &t.id,
                format!("no rule of \"{}\" can ever apply, so it never concludes", self.title_of(d)),
            );
            return;
        }
        // Write.
        let _ = writeln!(self.out, "decision {} {} table {hit} {{", var.ident, quote(title));
        for n in notes {
            let _ = writeln!(self.out, "  // {n}");
        }
        let _ =
            writeln!(self.out, "  inputs {}", columns.iter().map(|c| c.text.as_str()).collect::<Vec<_>>().join(" | "));
        for r in &rows {
            let mut line = format!("  rule {} -> {}", r.cells.join(" | "), r.output);
            if let Some(b) = &r.because {
                let _ = write!(line, " because {}", quote(b));
            }
            if let Some(reference) = &r.reference {
                let _ = write!(line, " ref {}", quote(reference));
            }
            let _ = writeln!(self.out, "{line} // dmn: {}", r.id);
        }
        self.out.push_str("}\n");
    }

    /// The `outputValues` of a PRIORITY / OUTPUT ORDER table, in priority order.
    pub(super) fn priority_order(&self, t: &DecisionTable) -> Option<Vec<Value>> {
        let values = t.outputs.first()?.values.as_deref()?;
        match feel::parse_unary_tests(values, &self.names).ok()? {
            UnaryTests::Tests(tests) => tests
                .iter()
                .map(|t| match t {
                    Test::Expr(e) => literal(e),
                    _ => None,
                })
                .collect(),
            _ => None,
        }
    }

    /// One cell: its text in our language and the set of values it accepts (for the analyses).
    pub(super) fn cell(&mut self, text: &str, col: &Column, element: &str) -> Option<(String, CellSet)> {
        let tests = match feel::parse_unary_tests(text, &self.names) {
            Ok(t) => t,
            Err(err) => {
                self.error("D002", element, format!("input entry does not parse: {err}"));
                return None;
            }
        };
        if tests == UnaryTests::Any {
            return Some(("-".into(), CellSet::Any));
        }
        let list = match &tests {
            UnaryTests::Tests(l) | UnaryTests::Not(l) => l.clone(),
            UnaryTests::Any => Vec::new(),
        };
        let mentions_null = list.iter().any(|t| matches!(t, Test::Expr(Expr::Null) | Test::Compare(_, Expr::Null)));
        let refers_to_names = list.iter().any(test_has_names);
        // An attachment is null until added; a test that is not about null reads "not added" as false.
        let domain_for_cell = col.domain.as_ref().map(|d| {
            d.iter()
                .map(|v| match (&v.feel, &col.ty, mentions_null) {
                    (Value::Null, Some(Ty::Bool), false) => DomainValue { feel: Value::Bool(false), ..v.clone() },
                    _ => v.clone(),
                })
                .collect::<Vec<_>>()
        });
        if let (Some(domain), false) = (&domain_for_cell, refers_to_names) {
            let accepted: Vec<usize> =
                (0..domain.len()).filter(|&k| feel::matches(&tests, &domain[k].feel, &feel::NoEnv)).collect();
            let null_accepted = feel::matches(&tests, &Value::Null, &feel::NoEnv);
            if accepted.is_empty() && col.fixed {
                return self.structural(&tests, col, element, text).map(|w| (w, CellSet::Finite(BTreeSet::new())));
            }
            if accepted.is_empty() {
                if null_accepted && mentions_null {
                    self.warn(
                        "D007",
                        element,
                        format!("`{}` applies only while `{}` has no value; an unanswered question is unknown here, never a value, so this rule never applies", feel::quoted(text), col.name),
                        Some("test the answers instead, or remove the rule".into()),
                    );
                    let all: Vec<String> = domain.iter().flat_map(|v| v.written.clone()).collect();
                    return Some((format!("not({})", all.join(", ")), CellSet::Finite(BTreeSet::new())));
                }
                let possible: Vec<String> = domain.iter().map(|v| v.feel.to_string()).collect();
                let lowered = text.trim().to_lowercase();
                let hint = domain
                    .iter()
                    .find(|v| v.feel.to_string().to_lowercase() == lowered)
                    .map(|v| format!("did you mean {}? Values are compared exactly, including capitals", v.feel));
                // A choice question under `--strict` is left to the checker, which reports the
                // mismatch on the converted text (E008); everything else is reported here.
                let choice_question = !col.decision && matches!(col.ty, Some(Ty::Choice(_)));
                if !(choice_question && self.strict) {
                    let help =
                        if choice_question { hint } else { hint.or_else(|| Some("this rule can never apply".into())) };
                    let message = format!(
                        "`{}` can never match `{}`: its possible values are {}",
                        feel::quoted(text),
                        col.name,
                        possible.join(", ")
                    );
                    self.warn("D006", element, message, help);
                }
                if !self.strict {
                    // The national system runs the file: this cell never matches there.
                    let all: Vec<String> = domain.iter().flat_map(|v| v.written.clone()).collect();
                    return Some((format!("not({})", all.join(", ")), CellSet::Finite(BTreeSet::new())));
                }
                // Written as it is, so the checker reports the mismatch too (E005 / E008 / E012).
                return self.structural(&tests, col, element, text).map(|w| (w, CellSet::Finite(BTreeSet::new())));
            }
            // Every answer passes: no need to ask the question for this cell (a decision column
            // keeps its values, so a decision that gives none of them is not taken for one).
            if accepted.len() == domain.len() && !col.decision {
                return Some(("-".into(), CellSet::Any));
            }
            let written = self.render_accepted(&tests, &accepted, domain, col);
            return Some((written, CellSet::Finite(accepted.into_iter().collect())));
        }
        // `not(null)` (has an answer) is an everyday STTR test; a test that passes on null is not.
        let passes_on_null = match &tests {
            UnaryTests::Tests(l) => {
                l.iter().any(|t| matches!(t, Test::Expr(Expr::Null) | Test::Compare(CmpOp::Eq, Expr::Null)))
            }
            UnaryTests::Not(l) => l.iter().any(|t| matches!(t, Test::Compare(CmpOp::Ne, Expr::Null))),
            UnaryTests::Any => false,
        };
        if mentions_null && passes_on_null {
            self.warn(
                "D007",
                element,
                format!("`{}` applies while `{}` has no value; an unanswered question is unknown here, never a value, so this test is never met", feel::quoted(text), col.name),
                Some("test the answers instead, or remove the rule".into()),
            );
        }
        let written = self.structural(&tests, col, element, text)?;
        // A free-text answer is empty (no answer, null in the national system) or not.
        if col.ty == Some(Ty::Text) && !col.decision {
            match written.as_str() {
                "!= \"\"" => return Some((written, CellSet::Finite([1].into()))),
                "\"\"" => return Some((written, CellSet::Finite([0].into()))),
                _ => {}
            }
        }
        Some((written, numeric_set(&tests)))
    }

    /// The accepted values of a finite column, written as plain values or `not(...)`.
    pub(super) fn render_accepted(
        &self,
        tests: &UnaryTests,
        accepted: &[usize],
        domain: &[DomainValue],
        col: &Column,
    ) -> String {
        // Plain literals keep their order as written.
        if let UnaryTests::Tests(list) = tests {
            let plain: Option<Vec<usize>> = list
                .iter()
                .map(|t| match t {
                    Test::Expr(e) => {
                        literal(e).and_then(|v| domain.iter().position(|d| feel::equal(&d.feel, &v) == Some(true)))
                    }
                    _ => None,
                })
                .collect();
            if let Some(mut order) = plain {
                order.dedup();
                if order.iter().all(|k| accepted.contains(k)) && order.len() == accepted.len() {
                    return order.iter().flat_map(|&k| domain[k].written.clone()).collect::<Vec<_>>().join(", ");
                }
            }
        }
        let rejected: Vec<usize> = (0..domain.len()).filter(|k| !accepted.contains(k)).collect();
        let _ = col;
        if !rejected.is_empty() && rejected.len() < accepted.len() {
            format!("not({})", rejected.iter().flat_map(|&k| domain[k].written.clone()).collect::<Vec<_>>().join(", "))
        } else {
            accepted.iter().flat_map(|&k| domain[k].written.clone()).collect::<Vec<_>>().join(", ")
        }
    }

    /// A cell translated test by test (numbers, free text, cells that refer to other names).
    pub(super) fn structural(&mut self, tests: &UnaryTests, col: &Column, element: &str, text: &str) -> Option<String> {
        let (list, negated) = match tests {
            UnaryTests::Any => return Some("-".into()),
            UnaryTests::Tests(l) => (l, false),
            UnaryTests::Not(l) => (l, true),
        };
        let is_null = |t: &Test| matches!(t, Test::Expr(Expr::Null) | Test::Compare(CmpOp::Eq, Expr::Null));
        let not_null = |t: &Test| matches!(t, Test::Compare(CmpOp::Ne, Expr::Null));
        // An unanswered question is unknown, never null: "has a value" becomes a test every answer
        // passes (so the question is still asked), "is null" one no answer passes.
        let (any_answer, no_answer) = match col.ty {
            Some(Ty::Number) => ("-", "not(< 0, >= 0)"),
            _ => ("!= \"\"", "\"\""),
        };
        let wants_value = (negated && list.iter().any(is_null)) || (!negated && list.iter().any(not_null));
        let rest: Vec<&Test> = list.iter().filter(|t| !is_null(t) && !not_null(t)).collect();
        let mut parts = Vec::new();
        for t in &rest {
            let part = match t {
                _ if t.uses_input_value() => {
                    self.error("D002", element, format!("`{}` tests `?` on `{}`, which has no fixed set of values to check it against; this is not supported", feel::quoted(text), col.name));
                    None
                }
                Test::Compare(op, e) => {
                    let ours = match op {
                        CmpOp::Eq => "==",
                        other => other.symbol(),
                    };
                    self.cell_value(e, col, element, text).map(|v| format!("{ours} {v}"))
                }
                Test::Range(r) => {
                    let lo = self.cell_value(&r.low, col, element, text);
                    let hi = self.cell_value(&r.high, col, element, text);
                    match (lo, hi) {
                        (Some(lo), Some(hi)) => Some(format!(
                            "{}{lo} .. {hi}{}",
                            if r.low_closed { "[" } else { "(" },
                            if r.high_closed { "]" } else { ")" }
                        )),
                        _ => None,
                    }
                }
                Test::Expr(e) => self.cell_value(e, col, element, text),
            };
            parts.push(part?);
        }
        let joined = parts.join(", ");
        Some(match (negated, parts.is_empty(), wants_value) {
            (_, true, true) => any_answer.to_string(),
            (_, true, false) => no_answer.to_string(),
            (true, false, _) => format!("not({joined})"),
            (false, false, _) => joined,
        })
    }

    pub(super) fn cell_value(&mut self, e: &Expr, col: &Column, element: &str, text: &str) -> Option<String> {
        if let Some(v) = literal(e) {
            let ty = col.ty.clone().unwrap_or(Ty::Text);
            if let Some(w) = value_written(&v, &ty) {
                return Some(w);
            }
        }
        if let Expr::List(items) = e {
            let mut out = Vec::new();
            for i in items {
                out.push(self.cell_value(i, col, element, text)?);
            }
            return Some(out.join(", "));
        }
        self.expr(e, element, text)
    }
}

/// What a table gives when no rule applies: its default output, or the national system's "no hit"
/// (null), read as `NietVanToepassing` for conclusions and as the empty text for texts.
#[derive(Debug, Clone)]
pub(super) struct NoHit {
    /// The value as FEEL sees it (null for "no hit"), for the cells of tables that read it.
    pub(super) feel: Value,
    pub(super) written: String,
}

pub(super) struct Column {
    pub(super) text: String,
    pub(super) ty: Option<Ty>,
    pub(super) domain: Option<Vec<DomainValue>>,
    pub(super) decision: bool,
    /// A fixed value: a cell that tests another value is no finding, it just does not apply.
    pub(super) fixed: bool,
    /// The DMN name or expression, for messages.
    pub(super) name: String,
}

pub(super) struct Row {
    pub(super) id: String,
    pub(super) cells: Vec<String>,
    pub(super) sets: Vec<CellSet>,
    pub(super) output: String,
    pub(super) because: Option<String>,
    pub(super) reference: Option<String>,
    /// The output as a FEEL value, for PRIORITY ordering.
    pub(super) value: Option<Value>,
}

pub(super) fn expr_has_names(e: &Expr) -> bool {
    match e {
        Expr::Name(_) => true,
        Expr::Null | Expr::Bool(_) | Expr::Number(_) | Expr::String(_) | Expr::InputValue => false,
        Expr::List(items) | Expr::Call(_, items) => items.iter().any(expr_has_names),
        Expr::Context(entries) => entries.iter().any(|(_, e)| expr_has_names(e)),
        Expr::Range(r) => expr_has_names(&r.low) || expr_has_names(&r.high),
        Expr::Neg(e) | Expr::Path(e, _) => expr_has_names(e),
        Expr::Binary(_, a, b) | Expr::Filter(a, b) => expr_has_names(a) || expr_has_names(b),
        Expr::If(a, b, c) | Expr::Between(a, b, c) => expr_has_names(a) || expr_has_names(b) || expr_has_names(c),
        Expr::In(e, tests) => expr_has_names(e) || tests.iter().any(test_has_names),
    }
}

pub(super) fn test_has_names(t: &Test) -> bool {
    match t {
        Test::Compare(_, e) | Test::Expr(e) => expr_has_names(e),
        Test::Range(r) => expr_has_names(&r.low) || expr_has_names(&r.high),
    }
}

/// A FEEL expression in our language: names, literals, arithmetic, comparisons, and/or/not, if.
pub(super) fn translate(e: &Expr, vars: &BTreeMap<String, Var>) -> Result<String, String> {
    Ok(match e {
        Expr::Bool(b) => b.to_string(),
        Expr::Number(n) => decimal_text(*n),
        Expr::String(s) => quote(s),
        Expr::Null => return Err("`null` has no counterpart (an unanswered question is unknown, not null)".into()),
        Expr::Name(n) => match vars.get(n) {
            Some(v) => v.ident.clone(),
            None => return Err(format!("`{n}` names no inputData or decision")),
        },
        Expr::Neg(inner) => format!("-({})", translate(inner, vars)?),
        Expr::Binary(op, a, b) => {
            let sym = match op {
                feel::BinOp::Add => "+",
                feel::BinOp::Sub => "-",
                feel::BinOp::Mul => "*",
                feel::BinOp::Div => "/",
                feel::BinOp::And => "and",
                feel::BinOp::Or => "or",
                feel::BinOp::Cmp(CmpOp::Eq) => "==",
                feel::BinOp::Cmp(c) => c.symbol(),
                feel::BinOp::Pow => return Err("`**` is not supported".into()),
            };
            format!("({} {sym} {})", translate(a, vars)?, translate(b, vars)?)
        }
        Expr::If(c, t, f) => {
            format!("(if {} then {} else {})", translate(c, vars)?, translate(t, vars)?, translate(f, vars)?)
        }
        Expr::Between(x, lo, hi) => {
            let x = translate(x, vars)?;
            format!("({x} >= {} and {x} <= {})", translate(lo, vars)?, translate(hi, vars)?)
        }
        Expr::Call(name, args) if name == "not" && args.len() == 1 => format!("not ({})", translate(&args[0], vars)?),
        Expr::In(x, tests) => {
            let mut items = Vec::new();
            for t in tests {
                match t {
                    Test::Expr(Expr::List(list)) => {
                        for i in list {
                            items.push(translate(i, vars)?);
                        }
                    }
                    Test::Expr(i) => items.push(translate(i, vars)?),
                    _ => return Err("`in` with comparisons or ranges is not supported".into()),
                }
            }
            format!("{} in [{}]", translate(x, vars)?, items.join(", "))
        }
        Expr::Call(name, _) => return Err(format!("function `{name}` is not supported here")),
        Expr::InputValue => return Err("`?` is only supported in cells of columns with a fixed set of values".into()),
        Expr::List(_) => return Err("lists are only supported as cells".into()),
        Expr::Context(_) => return Err("contexts are not supported".into()),
        Expr::Range(_) => return Err("ranges are only supported as cells".into()),
        Expr::Path(_, f) => return Err(format!("paths (`.{f}`) are not supported")),
        Expr::Filter(..) => return Err("filters are not supported".into()),
    })
}

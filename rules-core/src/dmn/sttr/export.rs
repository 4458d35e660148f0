//! Export: a ruleset -> an STTR file (DMN 1.3 with the toepasbare-regels extensions), the way back
//! from [`super::import`], so an officer can author here and deliver STTR.
//!
//! | rules language | DMN / STTR |
//! |---|---|
//! | `question x: bool / number / text / choice(...)` | `inputData` + `uitv:vraag` (boolean, number, string, list with `uitv:opties`), `help` as `content:toelichting`, `priority` as `inter:prioriteit` |
//! | a question with a unit (`length`, `surface`, ...) | a number question in the base unit (m, m², m³, degrees; percent as a fraction), the unit in the question text |
//! | `input x: location` | `uitv:geoVerwijzing` |
//! | `let x = <constant>` | `uitv:vasteWaarde` |
//! | `let x = <expression>` | a decision with a literal expression |
//! | decision table | decision table with the same hit policy (PRIORITY / OUTPUT ORDER with `outputValues` in the engine's order) |
//! | decision tree | a FIRST table: one column per condition, one rule per conclusion, in order |
//! | `because`, `ref` | `content:conclusieToelichting`, `annotationEntry` |
//! | header `activity` | `bedr:functioneleStructuurRef` of the first decision |
//!
//! What STTR cannot express is left out and marked in the file with an XML comment
//! `<!-- not exported: ... -->` and an X002 / X003 warning: geometry inputs and layers and every
//! decision or definition that uses them (spatial functions, `within`, ...), map (`at`) rules,
//! checks, `extends`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::DmnDiagnostic;
use crate::diagnostics::Severity;
use crate::syntax::ast::{
    Aggregator, BinOp, BranchBody, Cell, CompareOp, DecisionBody, Expr, ExprKind, HitPolicy, Item, Leaf, TypeExpr,
    UnaryOp, UnaryTest,
};
use crate::value::Unit;

/// An exported STTR file.
#[derive(Debug, Clone)]
pub struct Export {
    /// The DMN 1.3 XML.
    pub xml: String,
    /// What was left out (X002, X003 warnings).
    pub diagnostics: Vec<DmnDiagnostic>,
}

impl Export {
    /// Whether everything that decides was exported (no decision or definition left out).
    pub fn complete(&self) -> bool {
        !self.diagnostics.iter().any(|d| d.code == "X002")
    }
}

const NS: &str = "http://toepasbare-regels.omgevingswet.overheid.nl";

fn note(code: &'static str, severity: Severity, message: String) -> DmnDiagnostic {
    DmnDiagnostic { code, severity, message, element: None, position: None, rules_line: None, help: None }
}

/// Export a ruleset (its text; it must check without errors) as an STTR file.
pub fn export(file: &str, text: &str) -> Result<Export, Vec<DmnDiagnostic>> {
    let checked = crate::compile(file, text);
    if checked.ruleset.is_none() {
        return Err(checked
            .diagnostics
            .iter()
            .filter(|d| d.is_error())
            .map(|d| note("X001", Severity::Error, format!("the ruleset does not check: {}: {}", d.code, d.message)))
            .collect());
    }
    let ast = crate::syntax::parse(text).map_err(|d| vec![note("X001", Severity::Error, d.message)])?;
    if ast.header.as_ref().is_some_and(|h| h.extends.is_some()) {
        return Err(vec![note(
            "X001",
            Severity::Error,
            "a ruleset that `extends` another cannot be exported on its own; export the composed rules as one file"
                .into(),
        )]);
    }
    let mut w = Writer::default();
    w.run(&ast);
    Ok(Export { xml: w.out, diagnostics: w.diags })
}

#[derive(Default)]
struct Writer {
    out: String,
    diags: Vec<DmnDiagnostic>,
    /// Identifier -> DMN name of what an expression can refer to.
    names: BTreeMap<String, String>,
    /// Identifiers that cannot be exported (geometry, layers, and what uses them).
    blocked: BTreeSet<String>,
    /// Identifier -> (is a decision, element id), for `informationRequirement`s.
    targets: BTreeMap<String, (bool, String)>,
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn feel_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

fn conclusion_text(c: &str) -> String {
    match c {
        "NeemContactOp" => "NeemContactOpMet".into(),
        other => other.into(),
    }
}

fn number_text(v: f64) -> String {
    let s = format!("{v}");
    if s.contains('e') {
        format!("{v:.12}").trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// The identifiers an expression refers to.
fn refs(e: &Expr, out: &mut BTreeSet<String>) {
    match &e.kind {
        ExprKind::Name(n) => {
            out.insert(n.clone());
        }
        ExprKind::Call(_, args) | ExprKind::List(args) => args.iter().for_each(|a| refs(a, out)),
        ExprKind::Unary(_, a) => refs(a, out),
        ExprKind::Binary(_, a, b) => {
            refs(a, out);
            refs(b, out);
        }
        ExprKind::If(a, b, c) => {
            refs(a, out);
            refs(b, out);
            refs(c, out);
        }
        ExprKind::In(a, items) => {
            refs(a, out);
            items.iter().for_each(|i| refs(i, out));
        }
        _ => {}
    }
}

impl Writer {
    fn run(&mut self, ast: &crate::syntax::ast::File) {
        let header = ast.header.as_ref();
        let title = header.map(|h| h.name.value.clone()).unwrap_or_else(|| "Regels".into());
        let authority = header.and_then(|h| h.authority.as_ref()).map(|a| a.value.clone()).unwrap_or_default();
        let oin = authority
            .strip_prefix("OIN ")
            .and_then(|r| r.split_whitespace().next())
            .filter(|o| o.chars().all(|c| c.is_ascii_digit()))
            .unwrap_or("00000000000000000000")
            .to_string();
        let activity = header.and_then(|h| h.activity.as_ref()).map(|a| a.value.clone());
        let source = header.and_then(|h| h.source.as_ref()).map(|a| a.value.clone());
        let structure = match (&source, &activity) {
            (Some(s), _) if s.starts_with(NS) && s.contains("/id/concept/") => Some(s.clone()),
            (_, Some(a)) => Some(format!("{NS}/{oin}/id/concept/Conclusie{a}")),
            _ => None,
        };

        // What can be referred to, and what cannot be exported.
        for item in &ast.items {
            match item {
                Item::Input(i) => {
                    let geometric =
                        matches!(&i.ty, TypeExpr::Named(t) if matches!(t.name.as_str(), "area" | "point" | "line"));
                    if geometric {
                        self.blocked.insert(i.name.name.clone());
                    }
                    self.names.insert(i.name.name.clone(), i.name.name.clone());
                    self.targets.insert(i.name.name.clone(), (false, format!("input_{}", i.name.name)));
                }
                Item::Layer(l) => {
                    self.blocked.insert(l.name.name.clone());
                }
                Item::Let(l) => {
                    self.names.insert(l.name.name.clone(), l.name.name.clone());
                    let target = if constant(&l.value).is_some() && l.when.is_none() && !l.is_override {
                        (false, format!("input_{}", l.name.name))
                    } else {
                        (true, format!("let_{}", l.name.name))
                    };
                    self.targets.insert(l.name.name.clone(), target);
                }
                Item::Decision(d) => {
                    if let Some(id) = &d.id {
                        self.names.insert(id.name.clone(), d.title.value.clone());
                        self.targets.insert(id.name.clone(), (true, format!("decision_{}", slug(&d.title.value))));
                    }
                }
                _ => {}
            }
        }
        // Anything that uses a blocked name (through any chain of definitions) is blocked too.
        loop {
            let before = self.blocked.len();
            for item in &ast.items {
                let (name, used) = match item {
                    Item::Let(l) => {
                        let mut r = BTreeSet::new();
                        refs(&l.value, &mut r);
                        if let Some(w) = &l.when {
                            refs(w, &mut r);
                        }
                        (l.name.name.clone(), r)
                    }
                    Item::Decision(d) => {
                        let mut r = BTreeSet::new();
                        decision_refs(&d.body, &mut r);
                        (d.id.as_ref().map(|i| i.name.clone()).unwrap_or_else(|| d.title.value.clone()), r)
                    }
                    _ => continue,
                };
                if used.iter().any(|u| self.blocked.contains(u)) {
                    self.blocked.insert(name);
                }
            }
            if self.blocked.len() == before {
                break;
            }
        }

        let _ = writeln!(self.out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
        let _ = writeln!(self.out, "<!-- Written by `rules export-sttr` from the ruleset \"{}\". -->", esc(&title));
        let _ = writeln!(
            self.out,
            "<dmn:definitions xmlns:dmn=\"https://www.omg.org/spec/DMN/20191111/MODEL/\" xmlns:feel=\"https://www.omg.org/spec/DMN/20191111/FEEL/\" \
xmlns:inter=\"{NS}/v1.0/Interactieregel\" xmlns:bedr=\"{NS}/v1.0/Bedrijfsregel\" xmlns:uitv=\"{NS}/v1.0/Uitvoeringsregel\" \
xmlns:content=\"{NS}/v1.0/Content\" namespace=\"{NS}/{oin}\" exporter=\"rules export-sttr\" id=\"_definitions\" name=\"{}\">",
            esc(&title)
        );
        if !authority.is_empty() && !authority.starts_with("OIN ") {
            let _ = writeln!(self.out, "  <dmn:description>{}</dmn:description>", esc(&authority));
        }
        // Questions and fixed values.
        let mut rules = String::new();
        let mut inputs = String::new();
        for item in &ast.items {
            match item {
                Item::Input(i) => self.input(i, &mut rules, &mut inputs),
                Item::Let(l) if l.when.is_none() && !l.is_override => {
                    if let Some(value) = constant(&l.value) {
                        let (ty, v) = value;
                        let rid = format!("uitv_{}", l.name.name);
                        let _ = writeln!(
                            rules,
                            "      <uitv:uitvoeringsregel id=\"{rid}\">\n        <uitv:regelgroepRef href=\"#groep_vragen\"/>\n        <uitv:vasteWaarde><uitv:waardeVraag>{}</uitv:waardeVraag><uitv:waarde>{}</uitv:waarde><uitv:gegevensType>{ty}</uitv:gegevensType></uitv:vasteWaarde>\n      </uitv:uitvoeringsregel>",
                            esc(&l.name.name),
                            esc(&v)
                        );
                        let _ = writeln!(
                            inputs,
                            "  <dmn:inputData id=\"input_{0}\" name=\"{0}\">\n    <dmn:extensionElements><uitv:uitvoeringsregelRef href=\"#{rid}\"/></dmn:extensionElements>\n    <dmn:variable name=\"{0}\" typeRef=\"{ty}\"/>\n  </dmn:inputData>",
                            esc(&l.name.name)
                        );
                    }
                }
                _ => {}
            }
        }
        let _ = writeln!(
            self.out,
            "  <dmn:extensionElements>\n    <inter:regelgroepen>\n      <inter:regelgroep id=\"groep_vragen\"><inter:naam>{}</inter:naam><inter:prioriteit>10</inter:prioriteit></inter:regelgroep>\n    </inter:regelgroepen>\n    <uitv:uitvoeringsregels>\n{rules}    </uitv:uitvoeringsregels>\n  </dmn:extensionElements>",
            esc(&title)
        );
        self.out.push_str(&inputs);
        // Decisions.
        let mut first = true;
        for item in &ast.items {
            match item {
                Item::Let(l) => {
                    if l.is_override || l.when.is_some() {
                        self.left_out(&format!("definition {}", l.name.name), "an override or conditional definition");
                        continue;
                    }
                    if constant(&l.value).is_some() {
                        continue;
                    }
                    if self.blocked.contains(&l.name.name) {
                        self.left_out(&format!("definition {}", l.name.name), "it uses geometry or a layer");
                        continue;
                    }
                    match self.feel(&l.value) {
                        Ok(text) => {
                            let id = format!("let_{}", l.name.name);
                            let _ = writeln!(
                                self.out,
                                "  <dmn:decision id=\"{id}\" name=\"{0}\">\n    <dmn:variable name=\"{0}\"/>\n{1}    <dmn:literalExpression id=\"{id}_expr\"><dmn:text>{2}</dmn:text></dmn:literalExpression>\n  </dmn:decision>",
                                esc(&l.name.name),
                                self.requirements(&l.value),
                                esc(&text)
                            );
                        }
                        Err(why) => self.left_out(&format!("definition {}", l.name.name), &why),
                    }
                }
                Item::Decision(d) => {
                    let key = d.id.as_ref().map(|i| i.name.clone()).unwrap_or_else(|| d.title.value.clone());
                    let what = format!("decision \"{}\"", d.title.value);
                    if self.blocked.contains(&key) {
                        self.left_out(&what, "it uses geometry or a layer");
                        continue;
                    }
                    let activity_ref = if first { structure.clone() } else { None };
                    match self.decision(d, activity_ref.as_deref()) {
                        Ok(xml) => {
                            self.out.push_str(&xml);
                            first = false;
                        }
                        Err(why) => self.left_out(&what, &why),
                    }
                }
                Item::Check(c) => {
                    let msg = format!("check \"{}\": STTR has no checks", c.name.value);
                    let _ = writeln!(self.out, "  <!-- not exported: {} -->", esc(&msg).replace("--", "- -"));
                    self.diags.push(note("X003", Severity::Warning, format!("not exported: {msg}")));
                }
                Item::At(a) => {
                    let msg = format!("map rule \"{}\" (at {}): STTR has no map rules", a.title.value, a.layer.name);
                    let _ = writeln!(self.out, "  <!-- not exported: {} -->", esc(&msg).replace("--", "- -"));
                    self.diags.push(note("X003", Severity::Warning, format!("not exported: {msg}")));
                }
                _ => {}
            }
        }
        self.out.push_str("</dmn:definitions>\n");
    }

    fn left_out(&mut self, what: &str, why: &str) {
        let msg = format!("{what}: {why}");
        let _ = writeln!(self.out, "  <!-- not exported: {} -->", esc(&msg).replace("--", "- -"));
        self.diags.push(note("X002", Severity::Warning, format!("not exported: {msg}")));
    }

    fn input(&mut self, i: &crate::syntax::ast::InputDecl, rules: &mut String, inputs: &mut String) {
        let name = &i.name.name;
        let rid = format!("uitv_{name}");
        let help = i
            .help
            .as_ref()
            .map(|h| {
                format!(
                    "\n        <content:uitvoeringsregelToelichting><content:toelichting><![CDATA[{}]]></content:toelichting></content:uitvoeringsregelToelichting>",
                    h.value.replace("]]>", "]] >")
                )
            })
            .unwrap_or_default();
        let priority =
            i.priority.map(|(p, _)| format!("\n        <inter:prioriteit>{p}</inter:prioriteit>")).unwrap_or_default();
        let (body, type_ref) = match &i.ty {
            TypeExpr::Choice(options, _) => {
                let opts: String = options
                    .iter()
                    .enumerate()
                    .map(|(k, o)| {
                        format!(
                            "<uitv:optie><uitv:sequenceId>{}</uitv:sequenceId><uitv:optieText>{}</uitv:optieText></uitv:optie>",
                            k + 1,
                            esc(&o.value)
                        )
                    })
                    .collect();
                (
                    format!("<uitv:vraag><uitv:gegevensType>list</uitv:gegevensType><uitv:vraagTekst>{}</uitv:vraagTekst><uitv:opties><uitv:optieType>enkelAntwoord</uitv:optieType>{opts}</uitv:opties></uitv:vraag>", esc(&i.label.value)),
                    "string",
                )
            }
            TypeExpr::Named(t) => match t.name.as_str() {
                "location" => (
                    format!("<uitv:geoVerwijzing><uitv:locatie identificatie=\"{}\"/></uitv:geoVerwijzing>", esc(name)),
                    "string",
                ),
                "area" | "point" | "line" => {
                    let msg = format!("input {name}: a geometry ({}) has no STTR question", t.name);
                    let _ = writeln!(inputs, "  <!-- not exported: {} -->", esc(&msg));
                    self.diags.push(note("X002", Severity::Warning, format!("not exported: {msg}")));
                    return;
                }
                other => {
                    let (data, unit) = match other {
                        "bool" => ("boolean", None),
                        "text" => ("string", None),
                        "number" => ("number", None),
                        "length" => ("number", Some("m")),
                        "surface" => ("number", Some("m²")),
                        "volume" => ("number", Some("m³")),
                        "angle" => ("number", Some("graden")),
                        "percent" => ("number", Some("als fractie: 20% is 0,2")),
                        _ => ("string", None),
                    };
                    let label = match unit {
                        Some(u) => format!("{} (in {u})", i.label.value),
                        None => i.label.value.clone(),
                    };
                    (
                        format!(
                            "<uitv:vraag><uitv:gegevensType>{data}</uitv:gegevensType><uitv:vraagTekst>{}</uitv:vraagTekst></uitv:vraag>",
                            esc(&label)
                        ),
                        data,
                    )
                }
            },
        };
        let _ = writeln!(
            rules,
            "      <uitv:uitvoeringsregel id=\"{rid}\">\n        <uitv:regelgroepRef href=\"#groep_vragen\"/>{priority}\n        {body}{help}\n      </uitv:uitvoeringsregel>"
        );
        let _ = writeln!(
            inputs,
            "  <dmn:inputData id=\"input_{0}\" name=\"{0}\">\n    <dmn:extensionElements><uitv:uitvoeringsregelRef href=\"#{rid}\"/></dmn:extensionElements>\n    <dmn:variable name=\"{0}\" typeRef=\"{type_ref}\"/>\n  </dmn:inputData>",
            esc(name)
        );
    }

    /// `informationRequirement`s for the names an expression (or a decision body) uses.
    fn requirements(&self, e: &Expr) -> String {
        let mut r = BTreeSet::new();
        refs(e, &mut r);
        self.requirement_lines(&r)
    }

    fn requirement_lines(&self, used: &BTreeSet<String>) -> String {
        used.iter()
            .filter_map(|n| self.targets.get(n))
            .map(|(decision, id)| {
                let kind = if *decision { "requiredDecision" } else { "requiredInput" };
                format!("    <dmn:informationRequirement><dmn:{kind} href=\"#{id}\"/></dmn:informationRequirement>\n")
            })
            .collect()
    }

    fn decision(&mut self, d: &crate::syntax::ast::Decision, activity: Option<&str>) -> Result<String, String> {
        let id = format!("decision_{}", slug(&d.title.value));
        let mut used = BTreeSet::new();
        decision_refs(&d.body, &mut used);
        let reqs = self.requirement_lines(&used);
        let ext = activity
            .map(|a| {
                format!(
                    "    <dmn:extensionElements><bedr:functioneleStructuurRef href=\"{}\"/></dmn:extensionElements>\n",
                    esc(a)
                )
            })
            .unwrap_or_default();
        let (hit, aggregation, inputs, rows, order) = match &d.body {
            DecisionBody::Table(t) => {
                let (hit, aggregation) = hit_policy(t.hit);
                let inputs = t.inputs.iter().map(|e| self.feel(e)).collect::<Result<Vec<_>, _>>()?;
                let mut rows = Vec::new();
                for r in &t.rules {
                    let cells = r.cells.iter().map(|c| self.cell(c)).collect::<Result<Vec<_>, _>>()?;
                    rows.push((cells, self.leaf(&r.leaf)?));
                }
                let order = matches!(t.hit, HitPolicy::Priority | HitPolicy::OutputOrder)
                    .then(|| priority_values(&t.rules.iter().map(|r| &r.leaf).collect::<Vec<_>>()));
                (hit, aggregation, inputs, rows, order.flatten())
            }
            DecisionBody::Tree(branches) => {
                // A FIRST table: one column per condition, one rule per leaf in order.
                let mut columns: Vec<String> = Vec::new();
                let mut leaves: Vec<(Vec<usize>, &Leaf)> = Vec::new();
                flatten_tree(branches, &mut Vec::new(), &mut columns, &mut leaves, self)?;
                let mut rows = Vec::new();
                for (path, leaf) in leaves {
                    let cells = (0..columns.len())
                        .map(|k| if path.contains(&k) { "true".into() } else { "-".into() })
                        .collect();
                    rows.push((cells, self.leaf(leaf)?));
                }
                if columns.is_empty() {
                    // Only `otherwise`: a literal expression.
                    let (value, _, _) =
                        rows.into_iter().next().map(|(_, leaf)| leaf).ok_or("a decision without conclusions")?;
                    return Ok(format!(
                        "  <dmn:decision id=\"{id}\" name=\"{0}\">\n{ext}    <dmn:variable name=\"{0}\"/>\n{reqs}    <dmn:literalExpression id=\"{id}_expr\"><dmn:text>{1}</dmn:text></dmn:literalExpression>\n  </dmn:decision>\n",
                        esc(&d.title.value),
                        esc(&value)
                    ));
                }
                ("FIRST".to_string(), None, columns, rows, None)
            }
        };
        let mut x = String::new();
        let _ = writeln!(x, "  <dmn:decision id=\"{id}\" name=\"{}\">", esc(&d.title.value));
        x.push_str(&ext);
        let _ = writeln!(x, "    <dmn:variable name=\"{}\"/>", esc(&d.title.value));
        x.push_str(&reqs);
        let agg = aggregation.map(|a| format!(" aggregation=\"{a}\"")).unwrap_or_default();
        let _ = writeln!(x, "    <dmn:decisionTable id=\"{id}_table\" hitPolicy=\"{hit}\"{agg}>");
        for (k, input) in inputs.iter().enumerate() {
            let _ = writeln!(
                x,
                "      <dmn:input id=\"{id}_in{k}\"><dmn:inputExpression><dmn:text>{}</dmn:text></dmn:inputExpression></dmn:input>",
                esc(input)
            );
        }
        let values = order
            .map(|v| format!("<dmn:outputValues><dmn:text>{}</dmn:text></dmn:outputValues>", esc(&v)))
            .unwrap_or_default();
        let _ = writeln!(x, "      <dmn:output id=\"{id}_out\" name=\"{}\">{values}</dmn:output>", esc(&d.title.value));
        for (r, (cells, (value, because, reference))) in rows.iter().enumerate() {
            let rid = format!("{id}_r{}", r + 1);
            let _ = write!(x, "      <dmn:rule id=\"{rid}\">");
            for (k, c) in cells.iter().enumerate() {
                let _ = write!(x, "<dmn:inputEntry id=\"{rid}_i{k}\"><dmn:text>{}</dmn:text></dmn:inputEntry>", esc(c));
            }
            let explanation = because
                .as_ref()
                .map(|b| {
                    format!(
                        "<dmn:extensionElements><content:conclusieToelichting><content:toelichting><![CDATA[{}]]></content:toelichting></content:conclusieToelichting></dmn:extensionElements>",
                        b.replace("]]>", "]] >")
                    )
                })
                .unwrap_or_default();
            let _ = write!(
                x,
                "<dmn:outputEntry id=\"{rid}_o\">{explanation}<dmn:text>{}</dmn:text></dmn:outputEntry>",
                esc(value)
            );
            if let Some(reference) = reference {
                let _ = write!(x, "<dmn:annotationEntry><dmn:text>{}</dmn:text></dmn:annotationEntry>", esc(reference));
            }
            let _ = writeln!(x, "</dmn:rule>");
        }
        let _ = writeln!(x, "    </dmn:decisionTable>\n  </dmn:decision>");
        Ok(x)
    }

    /// A conclusion's value, explanation and reference.
    fn leaf(&self, leaf: &Leaf) -> Result<(String, Option<String>, Option<String>), String> {
        Ok((
            self.feel(&leaf.value)?,
            leaf.because.as_ref().map(|b| b.value.clone()),
            leaf.reference.as_ref().map(|r| r.value.clone()),
        ))
    }

    fn cell(&self, c: &Cell) -> Result<String, String> {
        let Cell::Tests { tests, negated, .. } = c else { return Ok("-".into()) };
        let parts = tests
            .iter()
            .map(|t| {
                Ok(match t {
                    UnaryTest::Equal(e) => self.feel(e)?,
                    UnaryTest::Compare(CompareOp::Eq, e) => self.feel(e)?,
                    UnaryTest::Compare(op, e) => format!("{} {}", op.symbol(), self.feel(e)?),
                    UnaryTest::Interval { low, low_closed, high, high_closed, .. } => format!(
                        "{}{}..{}{}",
                        if *low_closed { "[" } else { "(" },
                        self.feel(low)?,
                        self.feel(high)?,
                        if *high_closed { "]" } else { ")" }
                    ),
                })
            })
            .collect::<Result<Vec<String>, String>>()?;
        let joined = parts.join(", ");
        Ok(if *negated { format!("not({joined})") } else { joined })
    }

    /// An expression in FEEL, or why it cannot be written in STTR.
    fn feel(&self, e: &Expr) -> Result<String, String> {
        Ok(match &e.kind {
            ExprKind::Number { value, unit, .. } => {
                let factor = unit.as_ref().and_then(|u| Unit::parse(&u.name)).map_or(1.0, |u| u.factor);
                number_text(value * factor)
            }
            ExprKind::Str(s) => feel_string(s),
            ExprKind::Bool(b) => b.to_string(),
            ExprKind::Location(l) => feel_string(&l.to_string()),
            ExprKind::Conclusion(c) => feel_string(&conclusion_text(c)),
            ExprKind::Name(n) => match self.names.get(n) {
                Some(dmn) => dmn.clone(),
                None => return Err(format!("`{n}` is a layer or unknown name")),
            },
            ExprKind::Call(f, args) => {
                let a = args.iter().map(|x| self.feel(x)).collect::<Result<Vec<_>, _>>()?;
                match (f.name.as_str(), a.as_slice()) {
                    ("min", [x, y]) => format!("(if {x} < {y} then {x} else {y})"),
                    ("max", [x, y]) => format!("(if {x} > {y} then {x} else {y})"),
                    ("abs", [x]) => format!("(if {x} < 0 then -({x}) else {x})"),
                    (name, _) => return Err(format!("the function `{name}` has no STTR counterpart")),
                }
            }
            ExprKind::Unary(UnaryOp::Not, x) => format!("not({})", self.feel(x)?),
            ExprKind::Unary(UnaryOp::Neg, x) => format!("-({})", self.feel(x)?),
            ExprKind::Binary(BinOp::Spatial(op), ..) => {
                return Err(format!("the spatial test `{}` has no STTR counterpart", op.keyword()))
            }
            ExprKind::Binary(op, a, b) => {
                let sym = match op {
                    BinOp::Compare(CompareOp::Eq) => "=",
                    other => other.symbol(),
                };
                format!("({} {sym} {})", self.feel(a)?, self.feel(b)?)
            }
            ExprKind::If(c, t, f) => format!("(if {} then {} else {})", self.feel(c)?, self.feel(t)?, self.feel(f)?),
            ExprKind::In(x, items) => {
                let items = items.iter().map(|i| self.feel(i)).collect::<Result<Vec<_>, _>>()?;
                format!("({} in [{}])", self.feel(x)?, items.join(", "))
            }
            ExprKind::List(items) => {
                format!("[{}]", items.iter().map(|i| self.feel(i)).collect::<Result<Vec<_>, _>>()?.join(", "))
            }
        })
    }
}

fn slug(title: &str) -> String {
    title.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect()
}

fn decision_refs(body: &DecisionBody, out: &mut BTreeSet<String>) {
    fn branches(bs: &[crate::syntax::ast::Branch], out: &mut BTreeSet<String>) {
        for b in bs {
            if let Some(c) = &b.condition {
                refs(c, out);
            }
            match &b.body {
                BranchBody::Leaf(l) => refs(&l.value, out),
                BranchBody::Nested(n) => branches(n, out),
            }
        }
    }
    match body {
        DecisionBody::Tree(bs) => branches(bs, out),
        DecisionBody::Table(t) => {
            t.inputs.iter().for_each(|e| refs(e, out));
            for r in &t.rules {
                refs(&r.leaf.value, out);
                for c in &r.cells {
                    if let Cell::Tests { tests, .. } = c {
                        for t in tests {
                            match t {
                                UnaryTest::Equal(e) | UnaryTest::Compare(_, e) => refs(e, out),
                                UnaryTest::Interval { low, high, .. } => {
                                    refs(low, out);
                                    refs(high, out);
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// The leaves of a tree in order, each with the conditions on its path (column indices).
fn flatten_tree<'a>(
    branches: &'a [crate::syntax::ast::Branch],
    path: &mut Vec<usize>,
    columns: &mut Vec<String>,
    leaves: &mut Vec<(Vec<usize>, &'a Leaf)>,
    w: &Writer,
) -> Result<(), String> {
    for b in branches {
        let pushed = match &b.condition {
            Some(c) => {
                let text = w.feel(c)?;
                let k = columns.iter().position(|x| *x == text).unwrap_or_else(|| {
                    columns.push(text);
                    columns.len() - 1
                });
                path.push(k);
                true
            }
            None => false,
        };
        match &b.body {
            BranchBody::Leaf(l) => leaves.push((path.clone(), l)),
            BranchBody::Nested(n) => flatten_tree(n, path, columns, leaves, w)?,
        }
        if pushed {
            path.pop();
        }
    }
    Ok(())
}

fn hit_policy(h: HitPolicy) -> (String, Option<&'static str>) {
    match h {
        HitPolicy::Unique => ("UNIQUE".into(), None),
        HitPolicy::First => ("FIRST".into(), None),
        HitPolicy::Priority => ("PRIORITY".into(), None),
        HitPolicy::Any => ("ANY".into(), None),
        HitPolicy::RuleOrder => ("RULE ORDER".into(), None),
        HitPolicy::OutputOrder => ("OUTPUT ORDER".into(), None),
        HitPolicy::Collect(a) => (
            "COLLECT".into(),
            a.map(|a| match a {
                Aggregator::Sum => "SUM",
                Aggregator::Min => "MIN",
                Aggregator::Max => "MAX",
                Aggregator::Count => "COUNT",
            }),
        ),
    }
}

/// `outputValues` for PRIORITY / OUTPUT ORDER in the engine's order: conclusions from most to
/// least restrictive, numbers from large to small.
fn priority_values(leaves: &[&Leaf]) -> Option<String> {
    const ORDER: [&str; 7] = [
        "Verbod",
        "Vergunningplicht",
        "Meldingsplicht",
        "Informatieplicht",
        "NeemContactOp",
        "Toestemmingsvrij",
        "NietVanToepassing",
    ];
    if leaves.iter().all(|l| matches!(l.value.kind, ExprKind::Conclusion(_))) {
        return Some(ORDER.iter().map(|c| feel_string(&conclusion_text(c))).collect::<Vec<_>>().join(","));
    }
    let mut numbers: Vec<f64> = leaves
        .iter()
        .map(|l| match &l.value.kind {
            ExprKind::Number { value, unit, .. } => {
                Some(value * unit.as_ref().and_then(|u| Unit::parse(&u.name)).map_or(1.0, |u| u.factor))
            }
            _ => None,
        })
        .collect::<Option<Vec<_>>>()?;
    numbers.sort_by(|a, b| b.total_cmp(a));
    numbers.dedup();
    Some(numbers.into_iter().map(number_text).collect::<Vec<_>>().join(","))
}

/// A definition that is a constant: its STTR data type and value.
fn constant(e: &Expr) -> Option<(&'static str, String)> {
    match &e.kind {
        ExprKind::Bool(b) => Some(("boolean", b.to_string())),
        ExprKind::Number { value, unit: None, .. } => Some(("number", number_text(*value))),
        ExprKind::Str(s) => Some(("string", s.clone())),
        _ => None,
    }
}

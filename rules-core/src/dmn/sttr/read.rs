//! Read: inputData and their uitvoeringsregels -> questions, inputs, fixed values, caveats.

use super::super::feel::{self, Expr, Names, Test, UnaryTests, Value};
use std::collections::BTreeMap;

use super::super::xml::{self, Definitions, Expression, Logic, RuleKind};
use super::names::{readable, words};
use super::types::{decimal_text, domain_of, prose, quote, DomainValue, Ty, Var};
use super::Converter;

/// A question, input, fixed value or caveat to write, in asking order.
pub(super) struct Declaration {
    /// (group priority, question priority, file order)
    pub(super) order: (i64, i64, usize),
    pub(super) group: Option<String>,
    pub(super) priority: Option<i64>,
    pub(super) lines: Vec<String>,
    /// `question` / `input` declarations take a priority; `let`s do not.
    pub(super) has_priority: bool,
    pub(super) kind: DeclKind,
    /// The input has an error: written as a comment, and the decisions that read it are left out.
    pub(super) failed: bool,
}

pub(super) enum DeclKind {
    Asked { keyword: &'static str, ident: String, ty: String, label: String, help: Option<String> },
    Fixed { ident: String, value: String },
}

impl Converter<'_> {
    pub(super) fn input(&mut self, index: usize) {
        let defs = self.defs;
        let input = &defs.inputs[index];
        let type_ref = input.type_ref.as_deref().map(|t| t.rsplit(':').next().unwrap_or(t).to_string());
        let rule = match &input.execution_rule {
            Some(r) => match defs.execution_rule(r) {
                Some(rule) => Some(rule),
                None => {
                    self.error(
                        "D003",
                        &input.id,
                        format!("inputData \"{}\" refers to uitvoeringsregel {r}, which does not exist", input.name),
                    );
                    None
                }
            },
            None => None,
        };
        let group = rule.and_then(|r| r.group.as_deref()).and_then(|g| defs.groups.iter().find(|x| x.id == g));
        let order = (
            group.and_then(|g| g.priority).unwrap_or(i64::MAX),
            rule.and_then(|r| r.priority).unwrap_or(i64::MAX),
            index,
        );
        let mut help = rule.and_then(|r| r.help.clone());
        if let Some(long) = rule.and_then(|r| r.long_help.as_deref()) {
            help = Some(match help {
                Some(h) => format!("{h}\n\n{long}"),
                None => long.to_string(),
            });
        }
        let source = match rule {
            Some(r) => format!("// dmn: {} (uitvoeringsregel {})", input.id, r.id),
            None => format!("// dmn: {}", input.id),
        };
        let mut lines = vec![source];
        let decl = |kind: DeclKind, lines: Vec<String>, has_priority: bool| Declaration {
            order,
            group: group.map(|g| g.name.clone()),
            priority: rule.and_then(|r| r.priority),
            lines,
            has_priority,
            kind,
            failed: false,
        };
        let kind = rule.map(|r| r.kind.clone());
        let (var, declaration) = match kind {
            Some(RuleKind::Question(q)) => {
                let ident = if readable(&input.name) {
                    self.namer.name_for(&input.name)
                } else {
                    self.namer.name_for_question(&q.text)
                };
                let mut ty = match q.data_type.as_str() {
                    "boolean" => Ty::Bool,
                    "number" | "integer" | "decimal" => Ty::Number,
                    "list" if !q.options.is_empty() => Ty::Choice(q.options.iter().map(|o| o.text.clone()).collect()),
                    "string" | "list" => Ty::Text,
                    "date" | "dateTime" | "time" => {
                        self.warn(
                            "D012",
                            &input.id,
                            format!(
                                "question \"{}\" asks for a {}; the rules language has no dates, so it is read as text",
                                q.text, q.data_type
                            ),
                            None,
                        );
                        Ty::Text
                    }
                    other => {
                        self.error(
                            "D010",
                            &input.id,
                            format!("question \"{}\" has data type \"{other}\", which is not supported", q.text),
                        );
                        Ty::Text
                    }
                };
                if q.multiple {
                    self.error("D010", &input.id, format!("question \"{}\" allows several answers (meerdereAntwoorden), which the rules language cannot express yet", q.text));
                    ty = Ty::Text;
                }
                for o in q.options.iter().filter(|o| o.help.is_some()) {
                    let h = format!("{}: {}", o.text, o.help.as_deref().unwrap_or(""));
                    help = Some(match help {
                        Some(x) => format!("{x}\n\n{h}"),
                        None => h,
                    });
                }
                self.type_ref_mismatch(input, type_ref.as_deref(), &ty);
                let label = if q.text.is_empty() { input.name.clone() } else { q.text.clone() };
                let d = decl(
                    DeclKind::Asked { keyword: "question", ident: ident.clone(), ty: ty.declaration(), label, help },
                    lines,
                    true,
                );
                (Var::input(ident, ty.clone(), domain_of(&ty)), d)
            }
            Some(RuleKind::Location { areas, text }) => {
                let area = areas.first().cloned().unwrap_or_default();
                let ident = match &text {
                    // A name that is an identifier already (as `rules export-sttr` writes them) is kept.
                    _ if input.name.starts_with(|c: char| c.is_ascii_lowercase())
                        && input.name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_') =>
                    {
                        self.namer.name_for(&input.name)
                    }
                    Some(t) => self.namer.name_for_question(t),
                    None => {
                        let tail = area.rsplit_once("gebied").map(|(_, t)| t).unwrap_or(&area);
                        self.namer.unique(&format!("in_gebied_{}", words(tail).join("_")))
                    }
                };
                let label = text.unwrap_or_else(|| format!("Ligt de locatie in het gebied {area}?"));
                lines.push(format!("// Location question: answered ja, nee or deels for area {}.", areas.join(", ")));
                lines.push(
                    "// A host that has this area as a layer answers it from the map: location(plan, <layer>).".into(),
                );
                let declared_bool = type_ref.as_deref() == Some("boolean");
                let mut domain = domain_of(&Ty::Location);
                if declared_bool {
                    self.warn(
                        "D004",
                        &input.id,
                        format!("location question \"{}\" is declared boolean in the DMN, but a location is answered ja, nee or deels", input.name),
                        Some("read as the builder meant it: `true` = ja or deels (the location is in the area, wholly or partly), `false` = nee".into()),
                    );
                    domain = Some(vec![
                        DomainValue { feel: Value::Bool(true), written: vec!["ja".into(), "deels".into()] },
                        DomainValue { feel: Value::Bool(false), written: vec!["nee".into()] },
                    ]);
                }
                let d = decl(
                    DeclKind::Asked { keyword: "input", ident: ident.clone(), ty: "location".into(), label, help },
                    lines,
                    true,
                );
                (Var::input(ident, Ty::Location, domain), d)
            }
            Some(RuleKind::Fixed(v)) | Some(RuleKind::FixedWithCaveat { value: v, .. }) => {
                let ident = if readable(&input.name) {
                    self.namer.name_for(&input.name)
                } else {
                    self.namer.name_for_question(&v.question)
                };
                let (ty, value) = match v.data_type.as_str() {
                    "boolean" => (Ty::Bool, v.value.trim().to_ascii_lowercase()),
                    "number" | "integer" | "decimal" => (Ty::Number, v.value.trim().to_string()),
                    _ => (Ty::Text, quote(&v.value)),
                };
                let valid = match ty {
                    Ty::Bool => value == "true" || value == "false",
                    Ty::Number => feel::parse_decimal(&value).is_some(),
                    _ => true,
                };
                if !valid {
                    self.error(
                        "D009",
                        &input.id,
                        format!("fixed value \"{}\" is not a valid {}", v.value, v.data_type),
                    );
                }
                let value = match ty {
                    Ty::Number => feel::parse_decimal(&value).map(decimal_text).unwrap_or(value),
                    _ => value,
                };
                lines.push(format!("// Vaste waarde: {} is never asked.", quote(&v.question)));
                if let Some(RuleKind::FixedWithCaveat { caveat, .. }) = &rule.map(|r| r.kind.clone()) {
                    let rid = rule.map(|r| r.id.clone()).unwrap_or_default();
                    let title = if v.question.is_empty() { input.name.clone() } else { v.question.clone() };
                    let caveat_ident = self.namer.unique(&format!("voorbehoud_{ident}"));
                    let assumed = match value.as_str() {
                        "true" => "ja".to_string(),
                        "false" => "nee".to_string(),
                        other => other.trim_matches('"').to_string(),
                    };
                    self.caveats.push(format!(
                        "// dmn: {rid} (vasteWaardeVoorbehoud: the answer is assumed, not asked; the caveat is shown with the outcome)\n\
                         decision {caveat_ident} {} {{\n  otherwise -> {} because {}\n}}\n",
                        quote(&format!("Voorbehoud: {title}")),
                        quote(&prose(caveat)),
                        quote(&format!("Aangenomen antwoord: {assumed}.")),
                    ));
                }
                // The value is fixed: the analyses see only that one value.
                let domain =
                    domain_of(&ty).map(|d| d.into_iter().filter(|v| v.written.contains(&value)).collect::<Vec<_>>());
                let d = decl(DeclKind::Fixed { ident: ident.clone(), value }, lines, false);
                let mut var = Var::input(ident, ty.clone(), domain.filter(|d| !d.is_empty()));
                var.fixed = true;
                (var, d)
            }
            Some(RuleKind::Attachment { kind }) => {
                let ident = self.namer.unique(&format!("bijlage_{}", words(&kind).join("_")));
                lines.push(format!(
                    "// Bijlage (attachment) {}: the resident adds it to the application.",
                    quote(&kind)
                ));
                let label = format!("Voegt u de bijlage \"{kind}\" toe?");
                let d = decl(
                    DeclKind::Asked { keyword: "question", ident: ident.clone(), ty: "bool".into(), label, help },
                    lines,
                    true,
                );
                // In the national system an attachment is an upload: null until it is added. So
                // `not(null)` is "added" (true) and `null` is "not added" (false).
                let domain = vec![
                    DomainValue { feel: Value::Bool(true), written: vec!["true".into()] },
                    DomainValue { feel: Value::Null, written: vec!["false".into()] },
                ];
                (Var::input(ident, Ty::Bool, Some(domain)), d)
            }
            other => {
                if let Some(RuleKind::Other(k)) = &other {
                    let rid = rule.map(|r| r.id.clone()).unwrap_or_default();
                    self.warn(
                        "D013",
                        &rid,
                        format!(
                            "uitvoeringsregel of unknown kind <{k}>; inputData \"{}\" is asked as a plain question",
                            input.name
                        ),
                        None,
                    );
                }
                let ident = self.namer.name_for(&input.name);
                let ty = match type_ref.as_deref() {
                    Some("boolean") => Ty::Bool,
                    Some("number") => Ty::Number,
                    Some(t) => match defs.item_definition(t) {
                        Some(item) => self.item_type(item, &input.id),
                        None if t == "string" => Ty::Text,
                        None => {
                            self.error(
                                "D010",
                                &input.id,
                                format!("inputData \"{}\" has type \"{t}\", which is not supported", input.name),
                            );
                            Ty::Text
                        }
                    },
                    None => Ty::Text,
                };
                let label = input.label.clone().filter(|l| readable(l)).unwrap_or_else(|| input.name.clone());
                let d = decl(
                    DeclKind::Asked { keyword: "question", ident: ident.clone(), ty: ty.declaration(), label, help },
                    lines,
                    true,
                );
                (Var::input(ident, ty.clone(), domain_of(&ty)), d)
            }
        };
        self.declarations.push(declaration);
        self.vars.insert(input.name.clone(), var);
    }

    pub(super) fn item_type(&mut self, item: &xml::ItemDefinition, element: &str) -> Ty {
        let base = item.type_ref.as_deref().map(|t| t.rsplit(':').next().unwrap_or(t));
        match base {
            Some("boolean") => Ty::Bool,
            Some("number") => Ty::Number,
            Some("string") => {
                match item.allowed_values.as_deref().map(|v| feel::parse_unary_tests(v, &Names::default())) {
                    Some(Ok(UnaryTests::Tests(tests))) => {
                        let options: Vec<String> = tests
                            .iter()
                            .filter_map(|t| match t {
                                Test::Expr(Expr::String(s)) => Some(s.clone()),
                                _ => None,
                            })
                            .collect();
                        if options.len() == tests.len() && !options.is_empty() {
                            Ty::Choice(options)
                        } else {
                            Ty::Text
                        }
                    }
                    _ => Ty::Text,
                }
            }
            _ => {
                self.error(
                    "D010",
                    element,
                    format!("type \"{}\" (a structure or collection) is not supported", item.name),
                );
                Ty::Text
            }
        }
    }

    pub(super) fn type_ref_mismatch(&mut self, input: &xml::InputData, type_ref: Option<&str>, ty: &Ty) {
        let expected = match ty {
            Ty::Bool => "boolean",
            Ty::Number => "number",
            _ => "string",
        };
        if let Some(t) = type_ref {
            if t != expected && matches!(t, "boolean" | "number" | "string") {
                self.warn(
                    "D004",
                    &input.id,
                    format!("inputData \"{}\" is declared {t}, but its question asks for a {expected}; the question's type is used", input.name),
                    None,
                );
            }
        }
    }
}

/// A binding of a boxed invocation: the parameter, its type and the expression bound to it.
#[derive(Debug, Clone)]
pub(super) struct Binding {
    pub(super) parameter: String,
    pub(super) type_ref: Option<String>,
    /// The FEEL text of the bound expression and its element id.
    pub(super) expression: Option<(String, String)>,
}

/// The model as the mapping step reads it: decisions without an `id` get one from their name, a
/// table with several output columns becomes one decision per column (a Maatregelen file: the
/// measure and its text), and an invocation of a business knowledge model (an aansluitpunt) takes
/// the model's logic, with its bindings kept per decision.
pub(super) fn flatten(mut defs: Definitions) -> (Definitions, BTreeMap<String, Vec<Binding>>) {
    for d in &mut defs.decisions {
        if d.id.is_empty() {
            d.id = format!("decision:{}", d.name.split_whitespace().collect::<Vec<_>>().join("_"));
        }
    }
    let mut bindings = BTreeMap::new();
    let mut decisions = Vec::with_capacity(defs.decisions.len());
    for mut d in std::mem::take(&mut defs.decisions) {
        if let Some(Logic { expression: Expression::Invocation { function, bindings: bound }, id }) = &d.logic {
            let bkm = defs.bkms.iter().find(|b| b.name.trim() == function.trim());
            if let Some(body) = bkm.and_then(|b| b.body.clone()) {
                let params = &bkm.map(|b| b.parameters.clone()).unwrap_or_default();
                let list = params
                    .iter()
                    .map(|(name, type_ref)| Binding {
                        parameter: name.clone(),
                        type_ref: type_ref.clone(),
                        expression: bound.iter().find(|(n, _)| n == name).and_then(|(_, l)| match l {
                            Some(Logic { id, expression: Expression::Literal { text, .. } }) => {
                                Some((text.clone(), if id.is_empty() { d.id.clone() } else { id.clone() }))
                            }
                            _ => None,
                        }),
                    })
                    .collect();
                let _ = id;
                bindings.insert(d.id.clone(), list);
                d.logic = Some(body);
            }
        }
        let columns = match &d.logic {
            Some(Logic { expression: Expression::Table(t), .. }) if t.outputs.len() > 1 => t.clone(),
            _ => {
                decisions.push(d);
                continue;
            }
        };
        for (k, output) in columns.outputs.iter().enumerate() {
            let label = output.name.clone().or(output.label.clone()).unwrap_or_else(|| format!("{}", k + 1));
            let mut table = columns.clone();
            table.outputs = vec![output.clone()];
            for r in &mut table.rules {
                r.output_entries = r.output_entries.get(k).cloned().into_iter().collect();
                if k > 0 {
                    r.annotations.clear();
                }
            }
            let mut part = d.clone();
            part.id = if output.id.is_empty() { format!("{}:{k}", d.id) } else { output.id.clone() };
            part.name = format!("{} ({label})", d.name);
            part.type_ref = output.type_ref.clone();
            part.logic = Some(Logic { id: table.id.clone(), expression: Expression::Table(table) });
            if k > 0 {
                part.activity_ref = None;
            }
            decisions.push(part);
        }
    }
    defs.decisions = decisions;
    (defs, bindings)
}

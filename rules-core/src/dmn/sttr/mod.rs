//! STTR import: a DMN file with the Dutch toepasbare-regels extensions -> a ruleset in our language.
//!
//! The national Omgevingsloket receives municipal rules as STTR files. This module converts one
//! into readable `.rules` text, then runs it through our checker, so the rules a resident answers
//! run on the same three-valued evaluator as hand-written rulesets, and every problem the national
//! system lets through (it validates FEEL syntax only) is reported with the DMN element it is in.
//!
//! | DMN / STTR | rules language |
//! |---|---|
//! | `inputData` + `uitv:vraag` (boolean, number, string, list with options) | `question` of type bool, number, text, `choice(...)` |
//! | `uitv:geoVerwijzing` (area id) | `input x: location` (ja / nee / deels), with the area id in a comment |
//! | `uitv:vasteWaarde` | `let` (never asked) |
//! | `uitv:vasteWaardeVoorbehoud` | `let` plus a `decision "Voorbehoud: ..."` whose outcome is the caveat text |
//! | `uitv:bijlage` | a bool question "Voegt u de bijlage ... toe?" |
//! | `inter:prioriteit`, `inter:regelgroepen` | `priority`, group comments |
//! | `content:toelichting` | `help` |
//! | decision table (UNIQUE, FIRST, ANY, COLLECT, RULE ORDER) | `decision ... table` with the same hit policy |
//! | PRIORITY / OUTPUT ORDER | rows sorted by the `outputValues` order, as FIRST / RULE ORDER |
//! | `content:conclusieToelichting` per row | `because` |
//! | `annotationEntry` with a legal reference | `ref` |
//! | `bedr:functioneleStructuurRef` | header `activity` |
//! | `"NeemContactOpMet"`, `"no hit"` | `NeemContactOp`, `NietVanToepassing` |
//! | a table with several output columns (Maatregelen) | a decision per column |
//! | an invocation of a business knowledge model (aansluitpunt) | the model's logic, parameters bound |
//! | a table with a gap | its default output or the national "no hit" as a last rule (D016) |
//!
//! The steps, one file each: `read` (inputs and their uitvoeringsregels; the model flattened),
//! `map` (decisions, tables, cells, FEEL), `diagnose` (analyses of the rows, diagnostics mapped
//! back), `write` (header and declarations); [`export`] is the way back.
//!
//! Every item of the output is preceded by `// dmn: <element id>` and every table rule ends with
//! one, so a diagnostic on the converted text is reported with the DMN element it came from.
//!
//! ```
//! use rules_core::dmn::sttr::import;
//!
//! let dmn = r##"<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" name="Schuur" id="s">
//!   <inputData id="i_hoog" name="Hoog"><variable name="Hoog" typeRef="feel:boolean"/></inputData>
//!   <decision id="d" name="Conclusie">
//!     <informationRequirement><requiredInput href="#i_hoog"/></informationRequirement>
//!     <decisionTable id="t" hitPolicy="UNIQUE">
//!       <input id="c"><inputExpression typeRef="feel:boolean"><text>Hoog</text></inputExpression></input>
//!       <output id="o"/>
//!       <rule id="r1"><inputEntry id="e1"><text>true</text></inputEntry><outputEntry id="x1"><text>"Vergunningplicht"</text></outputEntry></rule>
//!       <rule id="r2"><inputEntry id="e2"><text>false</text></inputEntry><outputEntry id="x2"><text>"Toestemmingsvrij"</text></outputEntry></rule>
//!     </decisionTable>
//!   </decision>
//! </definitions>"##;
//! let imported = import("schuur.dmn", dmn).unwrap();
//! assert!(imported.text.contains("question hoog: bool \"Hoog\""));
//! assert!(imported.text.contains("-> Vergunningplicht // dmn: r1"));
//! assert!(imported.ruleset.is_some());
//! ```

use std::collections::BTreeMap;
use std::fmt::Write as _;

use thiserror::Error;

use super::feel::Names;
use super::xml::{self, Definitions, Pos, XmlError};
use crate::diagnostics::Severity;
use crate::source::SourceFile;
use crate::Ruleset;
use diagnose::LineMap;
use names::Namer;
use read::Declaration;
use types::Var;

mod diagnose;
pub mod export;
mod map;
mod names;
mod read;
#[cfg(test)]
mod tests;
mod types;
mod write;

/// A problem found while importing, with the DMN element it is about.
#[derive(Debug, Clone, PartialEq)]
pub struct DmnDiagnostic {
    /// `D0xx` for import problems, the checker's `E0xx` / `W0xx` for the converted rules.
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    /// The DMN element id (`inputEntry`, `rule`, `decision`, `inputData`, ...).
    pub element: Option<String>,
    /// Where that element is in the DMN file.
    pub position: Option<Pos>,
    /// The line in the converted rules text, for diagnostics that come from the checker.
    pub rules_line: Option<usize>,
    pub help: Option<String>,
}

impl DmnDiagnostic {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// `file.dmn:12:9: warning[D005]: message [dmn: id]` with the help on a second line.
    pub fn render(&self, file: &str) -> String {
        let mut out = match self.position {
            Some(p) => format!("{file}:{}:{}: {}[{}]: {}", p.line, p.column, self.severity, self.code, self.message),
            None => format!("{file}: {}[{}]: {}", self.severity, self.code, self.message),
        };
        if let Some(e) = &self.element {
            let _ = write!(out, " [dmn: {e}]");
        }
        if let Some(l) = self.rules_line {
            let _ = write!(out, " (converted rules line {l})");
        }
        out.push('\n');
        if let Some(h) = &self.help {
            let _ = writeln!(out, "  = help: {h}");
        }
        out
    }

    pub fn to_json(&self, file: &str) -> serde_json::Value {
        serde_json::json!({
            "file": file,
            "line": self.position.map(|p| p.line),
            "column": self.position.map(|p| p.column),
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "element": self.element,
            "rules_line": self.rules_line,
            "help": self.help,
        })
    }
}

/// Why an STTR file could not be converted at all: it is no DMN file. (A decision that cannot be
/// converted is left out, with its errors in [`Import::diagnostics`]; the others are converted.)
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SttrError {
    #[error(transparent)]
    Xml(#[from] XmlError),
}

impl SttrError {
    /// The diagnostics behind the error (one for an XML error).
    pub fn diagnostics(&self) -> Vec<DmnDiagnostic> {
        match self {
            SttrError::Xml(e) => vec![DmnDiagnostic {
                code: "D001",
                severity: Severity::Error,
                message: e.to_string(),
                element: None,
                position: None,
                rules_line: None,
                help: None,
            }],
        }
    }
}

/// A converted STTR file.
#[derive(Debug, Clone)]
pub struct Import {
    /// The ruleset, formatted.
    pub text: String,
    /// Import problems (D0xx) and the checker's diagnostics mapped to DMN elements, in that order.
    pub diagnostics: Vec<DmnDiagnostic>,
    /// The checked ruleset, when the converted text has no errors.
    pub ruleset: Option<Ruleset>,
    /// The ids of the decisions left out (in file order): those with an error, and those that read
    /// one of them or an input with an error. Each has an error in `diagnostics` and a
    /// `// NOT CONVERTED` comment in `text`.
    pub not_converted: Vec<String>,
}

/// How to import.
#[derive(Debug, Clone, Copy, Default)]
pub struct ImportOptions {
    /// Refuse a file with its own bugs (a boolean compared with "ja", an option spelled differently
    /// from its question) instead of running it as the national system does, where such a cell
    /// never matches. The findings are reported either way.
    pub strict: bool,
}

/// Convert an STTR / DMN file and check the result. `file` names the DMN file in diagnostics.
pub fn import(file: &str, xml_text: &str) -> Result<Import, SttrError> {
    import_with(file, xml_text, &ImportOptions::default())
}

/// [`import`] with options.
pub fn import_with(file: &str, xml_text: &str, options: &ImportOptions) -> Result<Import, SttrError> {
    let (defs, bindings) = read::flatten(xml::read(xml_text)?);
    // A table with a gap gets the national system's "no hit" result; that value can open a gap in
    // a table that reads the decision, so convert again until no new gap appears.
    // A decision with an error is left out, and so is every decision that reads it: found after a
    // pass (decisions are written top first), so convert again with those left out. Both sets only
    // grow, so this ends.
    let mut no_hit: BTreeMap<String, map::NoHit> = BTreeMap::new();
    let mut blocked: BTreeMap<String, String> = BTreeMap::new();
    let mut conv = loop {
        let mut conv = Converter::new(&defs, file);
        conv.strict = options.strict;
        conv.bindings = bindings.clone();
        conv.no_hit = no_hit.clone();
        let before = blocked.len();
        conv.blocked = std::mem::take(&mut blocked);
        conv.run();
        let fresh: Vec<(String, map::NoHit)> =
            conv.gaps.iter().filter(|(k, _)| !no_hit.contains_key(*k)).map(|(k, v)| (k.clone(), v.clone())).collect();
        blocked = conv.readers_of_failed();
        if fresh.is_empty() && blocked.len() == before {
            break conv;
        }
        no_hit.extend(fresh);
    };
    let not_converted: Vec<String> =
        defs.decisions.iter().filter(|d| conv.failed.contains_key(&d.id)).map(|d| d.id.clone()).collect();
    let raw = std::mem::take(&mut conv.out);
    // The formatter gives the canonical layout; the converter's own layout is the fallback.
    let mut text = crate::syntax::print::format_source(&raw).ok().filter(|t| same_tree(&raw, t)).unwrap_or(raw);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let checked = crate::compile(&format!("{file}.rules"), &text);
    let source = SourceFile::new(format!("{file}.rules"), text.clone());
    let map = LineMap::new(&text);
    // The causes first, then the decisions left out because they read one (D017).
    let (mut diagnostics, readers): (Vec<DmnDiagnostic>, Vec<DmnDiagnostic>) =
        std::mem::take(&mut conv.diags).into_iter().partition(|d| d.code != "D017");
    diagnostics.extend(readers);
    for d in &checked.diagnostics {
        let mut mapped = map.map(d, &source, &conv.cells, &defs);
        conv.read_only_by_left_out(&mut mapped, &not_converted);
        diagnostics.push(mapped);
    }
    Ok(Import { text, diagnostics, ruleset: checked.ruleset, not_converted })
}

fn same_tree(a: &str, b: &str) -> bool {
    match (crate::syntax::parse(a), crate::syntax::parse(b)) {
        (Ok(x), Ok(y)) => x.items.len() == y.items.len() && x.comments.len() == y.comments.len(),
        _ => false,
    }
}

struct Converter<'d> {
    defs: &'d Definitions,
    file: String,
    names: Names,
    vars: BTreeMap<String, Var>,
    namer: Namer,
    diags: Vec<DmnDiagnostic>,
    out: String,
    /// Per table rule id: the ids of its input entries, then of its output entry.
    cells: BTreeMap<String, Vec<String>>,
    declarations: Vec<Declaration>,
    caveats: Vec<String>,
    strict: bool,
    /// Per decision id: the bindings of the invocation whose logic it took.
    bindings: BTreeMap<String, Vec<read::Binding>>,
    /// Decisions (by DMN name) whose tables have a gap, with the result they give when no rule applies.
    no_hit: BTreeMap<String, map::NoHit>,
    /// Gaps found in this pass.
    gaps: BTreeMap<String, map::NoHit>,
    /// Decisions (by id) left out because they read one that is not converted (its name).
    blocked: BTreeMap<String, String>,
    /// Decisions (by id, with their DMN name) left out in this pass.
    failed: BTreeMap<String, String>,
    /// Inputs (by id, with their DMN name) with an error: the decisions that read them are left out.
    failed_inputs: BTreeMap<String, String>,
}

impl<'d> Converter<'d> {
    fn new(defs: &'d Definitions, file: &str) -> Converter<'d> {
        let mut names = Names::new(Vec::<String>::new());
        for i in &defs.inputs {
            names.add(&i.name);
        }
        for d in &defs.decisions {
            names.add(&d.name);
        }
        Converter {
            defs,
            file: file.to_string(),
            names,
            vars: BTreeMap::new(),
            namer: Namer::default(),
            diags: Vec::new(),
            out: String::new(),
            cells: BTreeMap::new(),
            declarations: Vec::new(),
            caveats: Vec::new(),
            strict: false,
            bindings: BTreeMap::new(),
            no_hit: BTreeMap::new(),
            gaps: BTreeMap::new(),
            blocked: BTreeMap::new(),
            failed: BTreeMap::new(),
            failed_inputs: BTreeMap::new(),
        }
    }

    fn diag(
        &mut self,
        code: &'static str,
        severity: Severity,
        element: &str,
        message: impl Into<String>,
        help: Option<String>,
    ) {
        let element = (!element.is_empty()).then(|| element.to_string());
        let position = element.as_deref().and_then(|e| self.defs.position(e));
        self.diags.push(DmnDiagnostic {
            code,
            severity,
            message: message.into(),
            element,
            position,
            rules_line: None,
            help,
        });
    }

    fn error(&mut self, code: &'static str, element: &str, message: impl Into<String>) {
        self.diag(code, Severity::Error, element, message, None);
    }

    fn warn(&mut self, code: &'static str, element: &str, message: impl Into<String>, help: Option<String>) {
        self.diag(code, Severity::Warning, element, message, help);
    }

    fn run(&mut self) {
        self.hyphen_names();
        for i in 0..self.defs.inputs.len() {
            let before = self.diags.len();
            self.input(i);
            if self.diags[before..].iter().any(DmnDiagnostic::is_error) {
                let input = &self.defs.inputs[i];
                self.failed_inputs.insert(input.id.clone(), input.name.clone());
                if let Some(d) = self.declarations.last_mut() {
                    d.failed = true;
                }
            }
        }
        for i in 0..self.defs.decisions.len() {
            self.declare_decision(i);
        }
        self.header();
        self.write_declarations();
        for i in self.decision_order() {
            self.decision_or_placeholder(i);
        }
        for c in std::mem::take(&mut self.caveats) {
            self.out.push('\n');
            self.out.push_str(&c);
        }
        for r in &self.defs.execution_rules {
            let used = self.defs.inputs.iter().any(|i| i.execution_rule.as_deref() == Some(r.id.as_str()));
            if !used {
                let id = r.id.clone();
                self.warn(
                    "D013",
                    &id,
                    format!("uitvoeringsregel {id} is not bound to any inputData, so it is never used"),
                    None,
                );
            }
        }
    }
}

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

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use rust_decimal::Decimal;
use thiserror::Error;

use super::feel::{self, CmpOp, Expr, Names, Test, UnaryTests, Value};
use super::xml::{self, Aggregation, DecisionTable, Definitions, Expression, HitPolicy, Pos, RuleKind, XmlError};
use crate::diagnostics::{Diagnostic, Severity};
use crate::source::SourceFile;
use crate::Ruleset;

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

/// Why an STTR file could not be converted at all.
#[derive(Debug, Clone, Error, PartialEq)]
pub enum SttrError {
    #[error(transparent)]
    Xml(#[from] XmlError),
    #[error("the DMN file cannot be converted: {} error{}", .0.iter().filter(|d| d.is_error()).count(), if .0.iter().filter(|d| d.is_error()).count() == 1 { "" } else { "s" })]
    Conversion(Vec<DmnDiagnostic>),
}

impl SttrError {
    /// The diagnostics behind the error (one for an XML error).
    pub fn diagnostics(&self) -> Vec<DmnDiagnostic> {
        match self {
            SttrError::Conversion(d) => d.clone(),
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
}

/// Convert an STTR / DMN file and check the result. `file` names the DMN file in diagnostics.
pub fn import(file: &str, xml_text: &str) -> Result<Import, SttrError> {
    let defs = xml::read(xml_text)?;
    let mut conv = Converter::new(&defs, file);
    conv.run();
    if conv.diags.iter().any(DmnDiagnostic::is_error) {
        return Err(SttrError::Conversion(conv.diags));
    }
    let raw = conv.out.clone();
    // The formatter gives the canonical layout; the converter's own layout is the fallback.
    let mut text = crate::syntax::print::format_source(&raw).ok().filter(|t| same_tree(&raw, t)).unwrap_or(raw);
    if !text.ends_with('\n') {
        text.push('\n');
    }
    let checked = crate::compile(&format!("{file}.rules"), &text);
    let source = SourceFile::new(format!("{file}.rules"), text.clone());
    let map = LineMap::new(&text);
    let mut diagnostics = conv.diags;
    for d in &checked.diagnostics {
        diagnostics.push(map.map(d, &source, &conv.cells, &defs));
    }
    Ok(Import { text, diagnostics, ruleset: checked.ruleset })
}

fn same_tree(a: &str, b: &str) -> bool {
    match (crate::syntax::parse(a), crate::syntax::parse(b)) {
        (Ok(x), Ok(y)) => x.items.len() == y.items.len() && x.comments.len() == y.comments.len(),
        _ => false,
    }
}

// ---------------------------------------------------------------- mapping diagnostics back

/// For each line of the converted text, the DMN id in its `// dmn:` comment.
struct LineMap {
    /// (id, whether the comment trails code on the line)
    lines: Vec<Option<(String, bool)>>,
    text: Vec<String>,
}

impl LineMap {
    fn new(text: &str) -> LineMap {
        let text: Vec<String> = text.lines().map(String::from).collect();
        let mut lines: Vec<Option<(String, bool)>> = text
            .iter()
            .map(|line| {
                line.find("// dmn: ").map(|i| {
                    let id = line[i + 8..].split_whitespace().next().unwrap_or("").to_string();
                    (id, !line[..i].trim().is_empty())
                })
            })
            .collect();
        // A long rule wraps its `because` / `ref` onto continuation lines; its id trails the last.
        for i in 0..text.len() {
            if lines[i].is_some() || !text[i].trim_start().starts_with("rule ") {
                continue;
            }
            let mut k = i + 1;
            while k < text.len() && !text[k].trim_start().starts_with("rule ") && !text[k].trim_start().starts_with('}')
            {
                if let Some((id, true)) = &lines[k] {
                    lines[i] = Some((id.clone(), true));
                    break;
                }
                k += 1;
            }
        }
        LineMap { lines, text }
    }

    fn map(
        &self,
        d: &Diagnostic,
        source: &SourceFile,
        cells: &BTreeMap<String, Vec<String>>,
        defs: &Definitions,
    ) -> DmnDiagnostic {
        let pos = source.position(d.span.start);
        let index = pos.line.saturating_sub(1);
        let mut element = None;
        if let Some(Some((id, true))) = self.lines.get(index) {
            // A table rule: find the cell by counting `|` before the column.
            let line = self.text.get(index).map(String::as_str).unwrap_or("");
            let column: String = line.chars().take(pos.column.saturating_sub(1)).collect();
            let entry = cell_index(&column);
            element = match (cells.get(id), entry) {
                // A diagnostic about the whole rule starts at `rule`.
                _ if column.trim().is_empty() => None,
                (Some(ids), Some(k)) => ids.get(k).cloned(),
                (Some(ids), None) => ids.last().cloned(),
                _ => None,
            }
            .or_else(|| Some(id.clone()));
        }
        if element.is_none() {
            element = self.lines.get(..=index).unwrap_or(&self.lines).iter().rev().find_map(|l| match l {
                Some((id, false)) => Some(id.clone()),
                _ => None,
            });
        }
        let position = element.as_deref().and_then(|e| defs.position(e));
        DmnDiagnostic {
            code: d.code,
            severity: d.severity,
            message: d.message.clone(),
            element,
            position,
            rules_line: Some(pos.line),
            help: d.help.clone(),
        }
    }
}

/// Which cell of a rule line the text before a column ends in: `Some(k)` for input cell k, `None`
/// for the conclusion (after `->`).
fn cell_index(before: &str) -> Option<usize> {
    let mut in_string = false;
    let mut escaped = false;
    let mut bars = 0;
    let mut prev = ' ';
    for c in before.chars() {
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        } else if c == '|' {
            bars += 1;
        } else if c == '>' && prev == '-' {
            return None;
        }
        prev = c;
    }
    Some(bars)
}

// ---------------------------------------------------------------- types of converted values

/// The type of a DMN variable in our language.
#[derive(Debug, Clone, PartialEq)]
enum Ty {
    Bool,
    Number,
    Text,
    Choice(Vec<String>),
    Location,
    Conclusion,
    List,
}

impl Ty {
    fn declaration(&self) -> String {
        match self {
            Ty::Bool => "bool".into(),
            Ty::Number => "number".into(),
            Ty::Text | Ty::List | Ty::Conclusion => "text".into(),
            Ty::Choice(options) => {
                format!("choice({})", options.iter().map(|o| quote(o)).collect::<Vec<_>>().join(", "))
            }
            Ty::Location => "location".into(),
        }
    }
}

/// A value a column can take, as FEEL sees it, and how a cell accepting it is written.
#[derive(Debug, Clone)]
struct DomainValue {
    feel: Value,
    written: Vec<String>,
}

#[derive(Debug, Clone)]
struct Var {
    ident: String,
    ty: Ty,
    /// The type of one table row's conclusion (the element type for list decisions).
    row_ty: Ty,
    /// The finite set of values, when known (bool, options, location, decision outputs).
    domain: Option<Vec<DomainValue>>,
    is_decision: bool,
}

/// The STTR conclusion vocabulary (and the builders' internal `no hit`) -> our conclusions.
fn conclusion(s: &str) -> Option<&'static str> {
    Some(match s {
        "Toestemmingsvrij" => "Toestemmingsvrij",
        "Meldingsplicht" => "Meldingsplicht",
        "Vergunningplicht" => "Vergunningplicht",
        "Informatieplicht" => "Informatieplicht",
        "Verbod" => "Verbod",
        "NeemContactOpMet" | "NeemContactOp" => "NeemContactOp",
        "NietVanToepassing" | "no hit" => "NietVanToepassing",
        _ => return None,
    })
}

/// A text that is almost an STTR conclusion: a typo or a capitalisation away.
fn near_conclusion(s: &str) -> bool {
    const NAMES: [&str; 8] = [
        "Toestemmingsvrij",
        "Meldingsplicht",
        "Vergunningplicht",
        "Informatieplicht",
        "Verbod",
        "NeemContactOpMet",
        "NeemContactOp",
        "NietVanToepassing",
    ];
    NAMES.iter().any(|n| n.eq_ignore_ascii_case(s) || strsim::levenshtein(&n.to_lowercase(), &s.to_lowercase()) <= 3)
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A text for `because` / `help`: trimmed lines, and `{name}` kept literal (not a placeholder).
fn prose(s: &str) -> String {
    let lines: Vec<&str> = s.lines().map(str::trim).collect();
    let joined = lines.join("\n").trim().to_string();
    let mut out = String::with_capacity(joined.len());
    let mut chars = joined.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '{' && chars.peek().is_some_and(|n| n.is_ascii_lowercase() || *n == '_') {
            out.push(' ');
        }
    }
    out
}

fn decimal_text(n: Decimal) -> String {
    n.normalize().to_string()
}

fn value_written(v: &Value, ty: &Ty) -> Option<String> {
    Some(match (v, ty) {
        (Value::String(s), Ty::Conclusion) => match conclusion(s) {
            Some(c) => c.to_string(),
            // Not a conclusion: as a capitalised word the checker says "unknown conclusion, did you
            // mean ...?"; anything else stays a text (a type error).
            None if s.starts_with(|c: char| c.is_ascii_uppercase()) && s.chars().all(|c| c.is_ascii_alphanumeric()) => {
                s.clone()
            }
            None => quote(s),
        },
        (Value::String(s), Ty::Location) if matches!(s.as_str(), "ja" | "nee" | "deels") => s.clone(),
        (Value::String(s), _) => quote(s),
        (Value::Bool(b), _) => b.to_string(),
        (Value::Number(n), _) => decimal_text(*n),
        _ => return None,
    })
}

// ---------------------------------------------------------------- names

const KEYWORDS: [&str; 43] = [
    "ruleset",
    "authority",
    "valid",
    "from",
    "until",
    "source",
    "activity",
    "input",
    "question",
    "layer",
    "let",
    "decision",
    "table",
    "when",
    "otherwise",
    "because",
    "ref",
    "check",
    "show",
    "at",
    "if",
    "then",
    "else",
    "and",
    "or",
    "not",
    "in",
    "true",
    "false",
    "ja",
    "nee",
    "deels",
    "help",
    "intent",
    "range",
    "priority",
    "rule",
    "inputs",
    "within",
    "contains",
    "overlaps",
    "intersects",
    "choice",
];

const STOPWORDS: [&str; 78] = [
    "de", "het", "een", "van", "op", "in", "u", "uw", "is", "zijn", "wordt", "worden", "gaat", "gaan", "te", "aan",
    "of", "en", "met", "voor", "bij", "naar", "dan", "als", "er", "die", "dat", "deze", "dit", "wat", "welk", "welke",
    "hoe", "hoeveel", "wanneer", "waar", "waarop", "ik", "je", "we", "wij", "hij", "zij", "ze", "heeft", "hebben",
    "moet", "moeten", "kan", "kunnen", "mag", "mogen", "zal", "zullen", "ligt", "liggen", "staat", "vanaf", "tot",
    "om", "door", "uit", "over", "onder", "boven", "maken", "gemeten", "ook", "nog", "al", "geen", "niet", "cm", "m",
    "bouwen", "bestaat", "waarin", "deel",
];

fn fold(c: char) -> Option<char> {
    let c = c.to_lowercase().next().unwrap_or(c);
    Some(match c {
        'a'..='z' | '0'..='9' => c,
        'á' | 'à' | 'ä' | 'â' => 'a',
        'é' | 'è' | 'ë' | 'ê' => 'e',
        'í' | 'ì' | 'ï' | 'î' => 'i',
        'ó' | 'ò' | 'ö' | 'ô' => 'o',
        'ú' | 'ù' | 'ü' | 'û' => 'u',
        _ => return None,
    })
}

/// Lower-case ASCII words of a text (`0,3m` stays one word: `0_3m`).
fn words(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let between_digits = matches!(c, ',' | '.')
            && i > 0
            && chars[i - 1].is_ascii_digit()
            && chars.get(i + 1).is_some_and(|n| n.is_ascii_digit());
        if between_digits {
            cur.push('_');
            continue;
        }
        match fold(c) {
            Some(f) => cur.push(f),
            None => {
                if !cur.is_empty() {
                    out.push(std::mem::take(&mut cur));
                }
            }
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// A DMN name that a reader can use as it is (not a generated id).
fn readable(name: &str) -> bool {
    let hexish =
        name.trim_start_matches('_').chars().take(9).filter(|c| c.is_ascii_hexdigit() || *c == '-').count() >= 9;
    !hexish && name.chars().any(char::is_alphabetic)
}

#[derive(Default)]
struct Namer {
    used: BTreeSet<String>,
}

impl Namer {
    fn unique(&mut self, base: &str) -> String {
        let mut base: String = base.trim_matches('_').to_string();
        if base.is_empty() {
            base = "waarde".into();
        }
        if !base.starts_with(|c: char| c.is_ascii_lowercase()) {
            base = format!("v_{base}");
        }
        let taken = |n: &str, used: &BTreeSet<String>| {
            used.contains(n) || KEYWORDS.contains(&n) || crate::builtins::Builtin::lookup(n).is_some()
        };
        let mut name = base.clone();
        let mut k = 2;
        while taken(&name, &self.used) {
            name = format!("{base}_{k}");
            k += 1;
        }
        self.used.insert(name.clone());
        name
    }

    /// From a DMN name: `Plat dak` -> `plat_dak`.
    fn name_for(&mut self, name: &str) -> String {
        self.unique(&words(name).join("_"))
    }

    /// From a question: the first words that carry meaning, up to about 30 characters.
    fn name_for_question(&mut self, text: &str) -> String {
        let mut name = String::new();
        for w in words(text) {
            let meaningful = !STOPWORDS.contains(&w.as_str()) && (w.len() > 1 || w.chars().all(|c| c.is_ascii_digit()));
            if !meaningful {
                continue;
            }
            if !name.is_empty() && name.len() + 1 + w.len() > 30 {
                break;
            }
            if !name.is_empty() {
                name.push('_');
            }
            name.push_str(&w);
        }
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            name = format!("vraag_{name}");
        }
        self.unique(&name)
    }
}

// ---------------------------------------------------------------- the converter

/// A question, input, fixed value or caveat to write, in asking order.
struct Declaration {
    /// (group priority, question priority, file order)
    order: (i64, i64, usize),
    group: Option<String>,
    priority: Option<i64>,
    lines: Vec<String>,
    /// `question` / `input` declarations take a priority; `let`s do not.
    has_priority: bool,
    kind: DeclKind,
}

enum DeclKind {
    Asked { keyword: &'static str, ident: String, ty: String, label: String, help: Option<String> },
    Fixed { ident: String, value: String },
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
            self.input(i);
        }
        for i in 0..self.defs.decisions.len() {
            self.declare_decision(i);
        }
        self.header();
        self.write_declarations();
        for i in self.decision_order() {
            self.decision(i);
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

    fn hyphen_names(&mut self) {
        let hyphenated: Vec<(String, String)> = self
            .defs
            .inputs
            .iter()
            .map(|i| (i.id.clone(), i.name.clone()))
            .chain(self.defs.decisions.iter().map(|d| (d.id.clone(), d.name.clone())))
            .filter(|(_, n)| n.contains('-'))
            .collect();
        if let Some((id, name)) = hyphenated.first() {
            let n = hyphenated.len();
            let (id, name) = (id.clone(), name.clone());
            self.warn(
                "D008",
                &id,
                format!("{n} DMN variable name{} contain `-` (such as `{name}`); strict FEEL reads `a-b` as a subtraction", if n == 1 { "" } else { "s" }),
                Some("names are matched as declared, as DMN engines do; rename them (e.g. with `_`) to be safe in every engine".into()),
            );
        }
    }

    fn header(&mut self) {
        let defs = self.defs;
        let top = defs.decisions.iter().find_map(|d| d.activity_ref.clone());
        let (kind, activity) = match &top {
            Some(href) => {
                let concept = href.rsplit("/id/concept/").next().unwrap_or(href);
                match concept.find("nl.imow") {
                    Some(i) => (concept[..i].to_string(), concept[i..].to_string()),
                    None => (String::new(), concept.to_string()),
                }
            }
            None => (String::new(), String::new()),
        };
        let oin = defs.namespace.trim_end_matches('/').rsplit('/').next().unwrap_or("").to_string();
        let gm = activity.split(['-', '.']).find(|p| p.starts_with("gm") && p.len() == 6).map(String::from);
        let _ = writeln!(
            self.out,
            "// Converted by `rules import-sttr` from {} (DMN {}).",
            self.file,
            defs.version.map(|v| v.name()).unwrap_or("?")
        );
        let _ = writeln!(
            self.out,
            "// Each item is preceded by `// dmn: <id>` naming the DMN element it comes from; table rules end with it."
        );
        let _ = writeln!(
            self.out,
            "// Validity dates are not part of the DMN file (they come with the delivery), so none are set here."
        );
        if !defs.id.is_empty() {
            let _ = writeln!(self.out, "// dmn: {}", defs.id);
        }
        let name = if defs.name.trim().is_empty() { self.file.clone() } else { defs.name.trim().to_string() };
        let _ = writeln!(self.out, "ruleset {} {{", quote(&name));
        let authority = match (oin.is_empty(), gm) {
            (false, Some(gm)) => Some(format!("OIN {oin} ({gm})")),
            (false, None) if oin.chars().all(|c| c.is_ascii_digit()) => Some(format!("OIN {oin}")),
            _ => None,
        };
        if let Some(a) = authority {
            let _ = writeln!(self.out, "  authority {}", quote(&a));
        }
        if let Some(href) = &top {
            let _ = writeln!(self.out, "  source {}", quote(href));
        }
        if !activity.is_empty() {
            if !kind.is_empty() {
                let _ = writeln!(self.out, "  // rule file type: {kind}");
            }
            let _ = writeln!(self.out, "  activity {}", quote(&activity));
        }
        self.out.push_str("}\n");
    }

    // ------------------------------------------------------------ inputs

    fn input(&mut self, index: usize) {
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
                let d = decl(DeclKind::Fixed { ident: ident.clone(), value }, lines, false);
                (Var::input(ident, ty.clone(), domain_of(&ty)), d)
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
                (Var::input(ident, Ty::Bool, domain_of(&Ty::Bool)), d)
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

    fn item_type(&mut self, item: &xml::ItemDefinition, element: &str) -> Ty {
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

    fn type_ref_mismatch(&mut self, input: &xml::InputData, type_ref: Option<&str>, ty: &Ty) {
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

    fn write_declarations(&mut self) {
        let mut decls = std::mem::take(&mut self.declarations);
        decls.sort_by_key(|d| d.order);
        // Keep the DMN priorities when they already give the asking order; renumber otherwise.
        let asked: Vec<&Declaration> = decls.iter().filter(|d| d.has_priority && d.priority.is_some()).collect();
        let consistent = asked.windows(2).all(|w| w[0].priority <= w[1].priority);
        let mut renumbered = BTreeMap::new();
        if !consistent {
            for (k, d) in asked.iter().enumerate() {
                renumbered.insert(d.order, (k as i64 + 1) * 10);
            }
        }
        let mut last_group: Option<String> = None;
        for d in &decls {
            self.out.push('\n');
            if d.group.is_some() && d.group != last_group {
                let g = d.group.clone().unwrap_or_default();
                let prio = self.defs.groups.iter().find(|x| x.name == g).and_then(|x| x.priority);
                let _ = writeln!(
                    self.out,
                    "// Regelgroep {}{}\n",
                    quote(&g),
                    prio.map(|p| format!(" (prioriteit {p})")).unwrap_or_default()
                );
                last_group = d.group.clone();
            }
            for l in &d.lines {
                let _ = writeln!(self.out, "{l}");
            }
            match &d.kind {
                DeclKind::Fixed { ident, value } => {
                    let _ = writeln!(self.out, "let {ident} = {value}");
                }
                DeclKind::Asked { keyword, ident, ty, label, help } => {
                    let priority = renumbered.get(&d.order).copied().or(if d.has_priority { d.priority } else { None });
                    let mut props = Vec::new();
                    if let Some(h) = help {
                        props.push(format!("help {}", quote(&prose(h))));
                    }
                    if let Some(p) = priority {
                        props.push(format!("priority {p}"));
                    }
                    if props.is_empty() {
                        let _ = writeln!(self.out, "{keyword} {ident}: {ty} {}", quote(label));
                    } else {
                        let _ = writeln!(self.out, "{keyword} {ident}: {ty} {} {{", quote(label));
                        for p in props {
                            let _ = writeln!(self.out, "  {p}");
                        }
                        self.out.push_str("}\n");
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------ decisions

    /// Decisions no other decision requires come first (the conclusion), then the rest in file order.
    fn decision_order(&self) -> Vec<usize> {
        let required: BTreeSet<&str> =
            self.defs.decisions.iter().flat_map(|d| d.required_decisions.iter().map(String::as_str)).collect();
        let (top, rest): (Vec<usize>, Vec<usize>) =
            (0..self.defs.decisions.len()).partition(|&i| !required.contains(self.defs.decisions[i].id.as_str()));
        top.into_iter().chain(rest).collect()
    }

    fn title_of(&self, d: &xml::Decision) -> String {
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

    fn declare_decision(&mut self, index: usize) {
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
        self.vars.insert(d.name.clone(), Var { ident, ty, row_ty, domain, is_decision: true });
    }

    /// The type of a decision's result, of one row's conclusion, and the texts it can give.
    fn output_type(&self, d: &xml::Decision) -> (Ty, Ty, Vec<String>) {
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

    fn decision(&mut self, index: usize) {
        let defs = self.defs;
        let d = &defs.decisions[index];
        let Some(var) = self.vars.get(&d.name).cloned() else { return };
        for r in &d.required_inputs {
            if defs.input_by_id(r).is_none() {
                self.error("D003", &d.id, format!("decision \"{}\" requires input {r}, which does not exist", d.name));
            }
        }
        for r in &d.required_decisions {
            if defs.decision_by_id(r).is_none() {
                self.error(
                    "D003",
                    &d.id,
                    format!("decision \"{}\" requires decision {r}, which does not exist", d.name),
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
            self.error("D009", &d.id, format!("decision \"{}\" has no decision logic, so it never concludes", d.name));
            return;
        };
        match &logic.expression {
            Expression::Table(t) => self.table(d, &var, &title, t),
            Expression::Literal { text, .. } => {
                let body = match feel::parse_expression(text, &self.names) {
                    Ok(e) => self.literal_decision(&e, &var, &logic.id, text),
                    Err(err) => {
                        self.error("D002", &logic.id, format!("FEEL expression `{text}` does not parse: {err}"));
                        None
                    }
                };
                if let Some(body) = body {
                    let _ = writeln!(self.out, "decision {} {} {{", var.ident, quote(&title));
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
                    format!("decision \"{}\" uses {what}, which STTR import does not support", d.name),
                );
            }
        }
    }

    /// `if a then x else if b then y else z` -> `when a -> x / when b -> y / otherwise -> z`.
    fn literal_decision(&mut self, e: &Expr, var: &Var, element: &str, text: &str) -> Option<Vec<String>> {
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

    fn output_expr(&mut self, e: &Expr, ty: &Ty, element: &str, text: &str) -> Option<String> {
        if let Some(v) = literal(e) {
            if let Some(w) = value_written(&v, ty) {
                return Some(w);
            }
        }
        if matches!(e, Expr::Null) {
            self.error(
                "D009",
                element,
                format!("`{}` gives no conclusion (null); the rules language has no null", text.trim()),
            );
            return None;
        }
        self.expr(e, element, text)
    }

    /// A FEEL expression in our language, or a D002 error naming the element.
    fn expr(&mut self, e: &Expr, element: &str, text: &str) -> Option<String> {
        match translate(e, &self.vars) {
            Ok(s) => Some(s),
            Err(why) => {
                self.error("D002", element, format!("FEEL `{}` cannot be converted: {why}", text.trim()));
                None
            }
        }
    }

    // ------------------------------------------------------------ tables

    fn table(&mut self, d: &xml::Decision, var: &Var, title: &str, t: &DecisionTable) {
        if t.outputs.len() > 1 {
            self.error("D010", &t.id, format!("decision table of \"{}\" has {} output columns; the rules language has one conclusion per decision", d.name, t.outputs.len()));
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
                        name: input.expression.clone(),
                    }
                }
                Err(err) => {
                    self.error(
                        "D002",
                        &input.id,
                        format!("input expression `{}` does not parse: {err}", input.expression),
                    );
                    return;
                }
            };
            columns.push(col);
        }
        if t.rules.is_empty() {
            self.error("D009", &t.id, format!("decision table of \"{}\" has no rules, so it never concludes", d.name));
            return;
        }
        // Rows.
        let mut rows: Vec<Row> = Vec::new();
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
                    self.error(
                        "D002",
                        &out_entry.id,
                        format!("output entry `{}` does not parse: {err}", out_entry.text),
                    );
                    None
                }
            };
            let (Some(output), true) = (output, ok) else { continue };
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
                        self.warn("D014", &t.id, format!("{} table without outputValues: the engine's order of conclusions (most restrictive first) is used", t.hit_policy.name()), None);
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
                        d.name, i + 1, j + 1, a.id, b.id, a.output, b.output
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
        if t.hit_policy == HitPolicy::Unique && any_decision_column {
            if let Some((i, j, example)) = self.overlap(&rows, &columns) {
                let id = rows[j].id.clone();
                self.warn(
                    "D011",
                    &id,
                    format!("rules {} and {} of UNIQUE table \"{}\" can both apply ({example})", i + 1, j + 1, d.name),
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
                            d.name,
                            i + 1
                        ),
                        None,
                    );
                }
            }
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
    fn priority_order(&self, t: &DecisionTable) -> Option<Vec<Value>> {
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
    fn cell(&mut self, text: &str, col: &Column, element: &str) -> Option<(String, CellSet)> {
        let tests = match feel::parse_unary_tests(text, &self.names) {
            Ok(t) => t,
            Err(err) => {
                self.error("D002", element, format!("input entry `{}` does not parse: {err}", text.trim()));
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
        if let (Some(domain), false) = (&col.domain, refers_to_names) {
            let accepted: Vec<usize> =
                (0..domain.len()).filter(|&k| feel::matches(&tests, &domain[k].feel, &feel::NoEnv)).collect();
            let null_accepted = feel::matches(&tests, &Value::Null, &feel::NoEnv);
            if accepted.is_empty() {
                if null_accepted && mentions_null {
                    self.warn(
                        "D007",
                        element,
                        format!("`{}` applies only while `{}` has no value; an unanswered question is unknown here, never a value, so this rule never applies", text.trim(), col.name),
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
                if col.decision || !matches!(col.ty, Some(Ty::Choice(_))) {
                    self.warn(
                        "D006",
                        element,
                        format!(
                            "`{}` can never match `{}`: its possible values are {}",
                            text.trim(),
                            col.name,
                            possible.join(", ")
                        ),
                        hint.or_else(|| Some("this rule can never apply".into())),
                    );
                }
                // Written as it is, so the checker reports the mismatch too (E005 / E008 / E012).
                return self.structural(&tests, col, element, text).map(|w| (w, CellSet::Finite(BTreeSet::new())));
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
                format!("`{}` applies while `{}` has no value; an unanswered question is unknown here, never a value, so this test is never met", text.trim(), col.name),
                Some("test the answers instead, or remove the rule".into()),
            );
        }
        let written = self.structural(&tests, col, element, text)?;
        Some((written, numeric_set(&tests)))
    }

    /// The accepted values of a finite column, written as plain values or `not(...)`.
    fn render_accepted(&self, tests: &UnaryTests, accepted: &[usize], domain: &[DomainValue], col: &Column) -> String {
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
    fn structural(&mut self, tests: &UnaryTests, col: &Column, element: &str, text: &str) -> Option<String> {
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
            Some(Ty::Number) => ("< 0, >= 0", "not(< 0, >= 0)"),
            _ => ("!= \"\"", "\"\""),
        };
        let wants_value = (negated && list.iter().any(is_null)) || (!negated && list.iter().any(not_null));
        let rest: Vec<&Test> = list.iter().filter(|t| !is_null(t) && !not_null(t)).collect();
        let mut parts = Vec::new();
        for t in &rest {
            let part = match t {
                _ if t.uses_input_value() => {
                    self.error("D002", element, format!("`{}` tests `?` on `{}`, which has no fixed set of values to check it against; this is not supported", text.trim(), col.name));
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

    fn cell_value(&mut self, e: &Expr, col: &Column, element: &str, text: &str) -> Option<String> {
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

    // ------------------------------------------------------------ analyses on the DMN rows

    /// Two rules that can both apply with different conclusions (ANY).
    fn conflict(&self, rows: &[Row], columns: &[Column]) -> Option<(usize, usize, String)> {
        for j in 0..rows.len() {
            for i in 0..j {
                if rows[i].output == rows[j].output {
                    continue;
                }
                if let Some(example) = both_apply(&rows[i].sets, &rows[j].sets, columns) {
                    return Some((i, j, example));
                }
            }
        }
        None
    }

    /// Two rules that can both apply (UNIQUE).
    fn overlap(&self, rows: &[Row], columns: &[Column]) -> Option<(usize, usize, String)> {
        for j in 0..rows.len() {
            for i in 0..j {
                if let Some(example) = both_apply(&rows[i].sets, &rows[j].sets, columns) {
                    return Some((i, j, example));
                }
            }
        }
        None
    }
}

impl Var {
    fn input(ident: String, ty: Ty, domain: Option<Vec<DomainValue>>) -> Var {
        Var { ident, row_ty: ty.clone(), ty, domain, is_decision: false }
    }

    /// The type row conclusions are written in: a list decision's rows conclude its element type.
    fn ty_for_rows(&self) -> Ty {
        self.row_ty.clone()
    }
}

struct Column {
    text: String,
    ty: Option<Ty>,
    domain: Option<Vec<DomainValue>>,
    decision: bool,
    /// The DMN name or expression, for messages.
    name: String,
}

struct Row {
    id: String,
    cells: Vec<String>,
    sets: Vec<CellSet>,
    output: String,
    because: Option<String>,
    reference: Option<String>,
    /// The output as a FEEL value, for PRIORITY ordering.
    value: Option<Value>,
}

/// The values one cell accepts, as far as the analyses can tell.
#[derive(Debug, Clone, PartialEq)]
enum CellSet {
    Any,
    /// Indices into the column's domain.
    Finite(BTreeSet<usize>),
    /// Numeric intervals (lo, lo_closed, hi, hi_closed); `None` bounds are infinite.
    Numeric(Vec<Interval>),
    Unknown,
}

type Interval = (Option<Decimal>, bool, Option<Decimal>, bool);

fn domain_of(ty: &Ty) -> Option<Vec<DomainValue>> {
    let v = |feel: Value, w: &str| DomainValue { feel, written: vec![w.to_string()] };
    Some(match ty {
        Ty::Bool => vec![v(Value::Bool(true), "true"), v(Value::Bool(false), "false")],
        Ty::Location => ["ja", "nee", "deels"].iter().map(|s| v(Value::String(s.to_string()), s)).collect(),
        Ty::Choice(options) => options.iter().map(|o| v(Value::String(o.clone()), &quote(o))).collect(),
        _ => return None,
    })
}

fn literal(e: &Expr) -> Option<Value> {
    match e {
        Expr::Bool(b) => Some(Value::Bool(*b)),
        Expr::Number(n) => Some(Value::Number(*n)),
        Expr::String(s) => Some(Value::String(s.clone())),
        _ => None,
    }
}

fn annotation_text(a: &str) -> String {
    match feel::parse_expression(a, &Names::default()) {
        Ok(Expr::String(s)) => s.trim().to_string(),
        _ => a.trim().trim_matches('"').trim().to_string(),
    }
}

fn expr_has_names(e: &Expr) -> bool {
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

fn test_has_names(t: &Test) -> bool {
    match t {
        Test::Compare(_, e) | Test::Expr(e) => expr_has_names(e),
        Test::Range(r) => expr_has_names(&r.low) || expr_has_names(&r.high),
    }
}

/// Numeric intervals of a cell with constant numbers; `Unknown` otherwise.
fn numeric_set(tests: &UnaryTests) -> CellSet {
    let (list, negated) = match tests {
        UnaryTests::Any => return CellSet::Any,
        UnaryTests::Tests(l) => (l, false),
        UnaryTests::Not(l) => (l, true),
    };
    let mut parts: Vec<Interval> = Vec::new();
    for t in list {
        let num = |e: &Expr| match e {
            Expr::Number(n) => Some(*n),
            _ => None,
        };
        match t {
            Test::Compare(op, e) => {
                let Some(n) = num(e) else { return CellSet::Unknown };
                match op {
                    CmpOp::Lt => parts.push((None, false, Some(n), false)),
                    CmpOp::Le => parts.push((None, false, Some(n), true)),
                    CmpOp::Gt => parts.push((Some(n), false, None, false)),
                    CmpOp::Ge => parts.push((Some(n), true, None, false)),
                    CmpOp::Eq => parts.push((Some(n), true, Some(n), true)),
                    CmpOp::Ne => {
                        parts.push((None, false, Some(n), false));
                        parts.push((Some(n), false, None, false));
                    }
                }
            }
            Test::Range(r) => match (num(&r.low), num(&r.high)) {
                (Some(lo), Some(hi)) => parts.push((Some(lo), r.low_closed, Some(hi), r.high_closed)),
                _ => return CellSet::Unknown,
            },
            Test::Expr(e) => match num(e) {
                Some(n) => parts.push((Some(n), true, Some(n), true)),
                None => return CellSet::Unknown,
            },
        }
    }
    if negated {
        return complement(&parts);
    }
    CellSet::Numeric(parts)
}

fn complement(parts: &[Interval]) -> CellSet {
    // Walk the sorted parts and keep the gaps.
    let mut sorted: Vec<Interval> = parts.to_vec();
    sorted.sort_by(|a, b| match (a.0, b.0) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, _) => std::cmp::Ordering::Less,
        (_, None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) => x.cmp(&y),
    });
    let mut gaps = Vec::new();
    let mut cursor: (Option<Decimal>, bool) = (None, false);
    let mut open_ended = false;
    for p in sorted {
        gaps.push((cursor.0, cursor.1, p.0, !p.1));
        match p.2 {
            None => {
                open_ended = true;
                break;
            }
            Some(hi) => {
                if cursor.0.is_none_or(|c| hi >= c) {
                    cursor = (Some(hi), !p.3);
                }
            }
        }
    }
    if !open_ended {
        gaps.push((cursor.0, cursor.1, None, false));
    }
    CellSet::Numeric(gaps.into_iter().filter(|g| !interval_empty(g)).collect())
}

fn interval_empty(i: &Interval) -> bool {
    match (i.0, i.2) {
        (Some(lo), Some(hi)) => lo > hi || (lo == hi && !(i.1 && i.3)),
        _ => false,
    }
}

fn intersect(a: &Interval, b: &Interval) -> Interval {
    let (lo, lo_closed) = match (a.0, b.0) {
        (None, _) => (b.0, b.1),
        (_, None) => (a.0, a.1),
        (Some(x), Some(y)) if x > y => (a.0, a.1),
        (Some(x), Some(y)) if x < y => (b.0, b.1),
        _ => (a.0, a.1 && b.1),
    };
    let (hi, hi_closed) = match (a.2, b.2) {
        (None, _) => (b.2, b.3),
        (_, None) => (a.2, a.3),
        (Some(x), Some(y)) if x < y => (a.2, a.3),
        (Some(x), Some(y)) if x > y => (b.2, b.3),
        _ => (a.2, a.3 && b.3),
    };
    (lo, lo_closed, hi, hi_closed)
}

/// A value both cells accept, described for a message; `None` when they cannot (or it is unknown).
fn common(a: &CellSet, b: &CellSet, col: &Column) -> Option<Option<String>> {
    let describe = |k: usize| col.domain.as_ref().and_then(|d| d.get(k)).map(|v| v.written.join("/"));
    match (a, b) {
        (CellSet::Unknown, _) | (_, CellSet::Unknown) => None,
        (CellSet::Any, CellSet::Any) => Some(None),
        (CellSet::Any, CellSet::Finite(s)) | (CellSet::Finite(s), CellSet::Any) => {
            s.iter().next().map(|&k| describe(k))
        }
        (CellSet::Finite(x), CellSet::Finite(y)) => x.intersection(y).next().map(|&k| describe(k)),
        (CellSet::Any, CellSet::Numeric(p)) | (CellSet::Numeric(p), CellSet::Any) => {
            p.iter().find(|i| !interval_empty(i)).map(|i| Some(sample(i)))
        }
        (CellSet::Numeric(x), CellSet::Numeric(y)) => x
            .iter()
            .flat_map(|i| y.iter().map(move |j| intersect(i, j)))
            .find(|i| !interval_empty(i))
            .map(|i| Some(sample(&i))),
        _ => None,
    }
}

fn sample(i: &Interval) -> String {
    match (i.0, i.1, i.2) {
        (Some(lo), true, _) => decimal_text(lo),
        (Some(lo), false, Some(hi)) => decimal_text((lo + hi) / Decimal::TWO),
        (Some(lo), false, None) => decimal_text(lo + Decimal::ONE),
        (None, _, Some(hi)) if i.3 => decimal_text(hi),
        (None, _, Some(hi)) => decimal_text(hi - Decimal::ONE),
        (None, _, None) => "0".into(),
    }
}

fn both_apply(a: &[CellSet], b: &[CellSet], columns: &[Column]) -> Option<String> {
    let mut example = Vec::new();
    for ((x, y), col) in a.iter().zip(b).zip(columns) {
        if let Some(v) = common(x, y, col)? {
            example.push(format!("{} = {v}", col.text));
        }
    }
    Some(if example.is_empty() { "for any answers".to_string() } else { format!("when {}", example.join(", ")) })
}

/// Does row `a` accept every case row `b` accepts (for shadowed FIRST rows)?
fn covers(a: &[CellSet], b: &[CellSet]) -> bool {
    a.iter().zip(b).all(|(x, y)| match (x, y) {
        (CellSet::Any, _) => true,
        (CellSet::Finite(p), CellSet::Finite(q)) => q.is_subset(p),
        _ => false,
    })
}

/// A FEEL expression in our language: names, literals, arithmetic, comparisons, and/or/not, if.
fn translate(e: &Expr, vars: &BTreeMap<String, Var>) -> Result<String, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = r#"<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" name="T" id="defs">"#;

    fn dmn(body: &str) -> String {
        format!("{HEAD}{body}</definitions>")
    }

    fn bool_input(id: &str, name: &str) -> String {
        format!(r#"<inputData id="{id}" name="{name}"><variable name="{name}" typeRef="feel:boolean"/></inputData>"#)
    }

    fn table(id: &str, name: &str, hit: &str, inputs: &[&str], rows: &[(&str, &[&str], &str)]) -> String {
        let cols: String = inputs
            .iter()
            .enumerate()
            .map(|(k, i)| {
                format!(r#"<input id="{id}_c{k}"><inputExpression><text>{i}</text></inputExpression></input>"#)
            })
            .collect();
        let rules: String = rows
            .iter()
            .map(|(rid, cells, out)| {
                let entries: String = cells
                    .iter()
                    .enumerate()
                    .map(|(k, c)| format!(r#"<inputEntry id="{rid}_{k}"><text>{c}</text></inputEntry>"#))
                    .collect();
                format!(
                    r#"<rule id="{rid}">{entries}<outputEntry id="{rid}_o"><text>{out}</text></outputEntry></rule>"#
                )
            })
            .collect();
        format!(
            r#"<decision id="{id}" name="{name}"><decisionTable id="{id}_t" hitPolicy="{hit}">{cols}<output id="{id}_out"/>{rules}</decisionTable></decision>"#
        )
    }

    fn codes(i: &Import) -> Vec<&'static str> {
        i.diagnostics.iter().map(|d| d.code).collect()
    }

    #[test]
    fn converts_a_simple_table_and_keeps_ids() {
        let text = dmn(&format!(
            "{}{}",
            bool_input("i1", "Monument"),
            table(
                "d1",
                "Conclusie",
                "UNIQUE",
                &["Monument"],
                &[("r1", &["true"], "\"Vergunningplicht\""), ("r2", &["false"], "\"Toestemmingsvrij\"")]
            )
        ));
        let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
        assert!(i.text.contains("// dmn: i1"), "{}", i.text);
        assert!(i.text.contains("rule false -> Toestemmingsvrij // dmn: r2"), "{}", i.text);
        assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
    }

    #[test]
    fn any_table_whose_rows_disagree_is_reported_and_read_as_first() {
        let text = dmn(&format!(
            "{}{}{}",
            bool_input("i1", "A"),
            bool_input("i2", "B"),
            table(
                "d1",
                "Conclusie",
                "ANY",
                &["A", "B"],
                &[
                    ("r1", &["true", "-"], "\"NeemContactOpMet\""),
                    ("r2", &["-", "true"], "\"Vergunningplicht\""),
                    ("r3", &["false", "false"], "\"Toestemmingsvrij\"")
                ]
            )
        ));
        let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}"));
        let d = i.diagnostics.iter().find(|d| d.code == "D005").expect("D005");
        assert_eq!(d.element.as_deref(), Some("d1_t"));
        assert!(d.message.contains("r1 and r2"), "{}", d.message);
        assert!(i.text.contains("table FIRST"), "{}", i.text);
        assert!(i.text.contains("NeemContactOp"), "{}", i.text);
    }

    #[test]
    fn option_case_mismatch_maps_to_the_input_entry() {
        let text = dmn(&(r##"<extensionElements xmlns:uitv="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Uitvoeringsregel"><uitv:uitvoeringsregels>
            <uitv:uitvoeringsregel id="u1"><uitv:vraag><uitv:gegevensType>list</uitv:gegevensType><uitv:vraagTekst>Op welk dakvlak?</uitv:vraagTekst>
            <uitv:opties><uitv:optie><uitv:optieText>Voorkant</uitv:optieText></uitv:optie><uitv:optie><uitv:optieText>Zijkant</uitv:optieText></uitv:optie></uitv:opties></uitv:vraag></uitv:uitvoeringsregel>
            </uitv:uitvoeringsregels></extensionElements>
            <inputData id="i1" name="Dakvlak"><extensionElements><uitv:uitvoeringsregelRef xmlns:uitv="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Uitvoeringsregel" href="#u1"/></extensionElements><variable name="Dakvlak" typeRef="string"/></inputData>"##.to_string()
            + &table("d1", "Conclusie", "FIRST", &["Dakvlak"], &[("r1", &["\"zijkant\""], "\"Vergunningplicht\""), ("r2", &["-"], "\"Toestemmingsvrij\"")])));
        let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
        let e008 =
            i.diagnostics.iter().find(|d| d.code == "E008").unwrap_or_else(|| panic!("{:?}\n{}", codes(&i), i.text));
        assert_eq!(e008.element.as_deref(), Some("r1_0"), "{e008:?}");
        assert!(e008.help.as_deref().unwrap_or("").contains("Zijkant"));
        assert!(i.ruleset.is_none());
    }

    #[test]
    fn boolean_compared_with_text_is_a_type_error() {
        let text = dmn(&format!(
            "{}{}",
            bool_input("i1", "Monument"),
            table(
                "d1",
                "Conclusie",
                "FIRST",
                &["Monument"],
                &[("r1", &["\"ja\""], "\"Vergunningplicht\""), ("r2", &["-"], "\"Toestemmingsvrij\"")]
            )
        ));
        let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(codes(&i).contains(&"D006"), "{:?}", codes(&i));
        let e =
            i.diagnostics.iter().find(|d| d.code == "E005").unwrap_or_else(|| panic!("{:?}\n{}", codes(&i), i.text));
        assert_eq!(e.element.as_deref(), Some("r1_0"));
    }

    #[test]
    fn unsupported_feel_is_an_error_naming_the_element() {
        let text = dmn(&format!(
            "{}{}",
            bool_input("i1", "A"),
            table(
                "d1",
                "Conclusie",
                "FIRST",
                &["A"],
                &[("r1", &["true"], "\"x\" ** 2"), ("r2", &["-"], "for x in [1] return x")]
            )
        ));
        let err = import("t.dmn", &text).expect_err("unsupported");
        let ds = err.diagnostics();
        assert!(ds.iter().any(|d| d.code == "D002" && d.element.as_deref() == Some("r1_o")), "{ds:?}");
        assert!(
            ds.iter()
                .any(|d| d.code == "D002" && d.element.as_deref() == Some("r2_o") && d.message.contains("for x in")),
            "{ds:?}"
        );
    }

    #[test]
    fn malformed_files_are_errors_not_panics() {
        assert!(matches!(import("x.dmn", "not xml at all"), Err(SttrError::Xml(XmlError::NotXml(_)))));
        assert!(matches!(import("x.dmn", "<definitions/>"), Err(SttrError::Xml(XmlError::NotDmn { .. }))));
        let bad_hit = dmn(r#"<decision id="d" name="D"><decisionTable id="t" hitPolicy="MOSTLY"/></decision>"#);
        assert!(matches!(import("x.dmn", &bad_hit), Err(SttrError::Xml(XmlError::UnknownHitPolicy { .. }))));
        let bad_feel =
            dmn(&format!("{}{}", bool_input("i1", "A"), table("d1", "D", "FIRST", &["A"], &[("r1", &["[1..("], "1")])));
        assert!(
            matches!(import("x.dmn", &bad_feel), Err(SttrError::Conversion(ref d)) if d[0].code == "D002" && d[0].element.as_deref() == Some("r1_0"))
        );
        let no_logic = dmn(r#"<decision id="d" name="D"/>"#);
        assert!(matches!(import("x.dmn", &no_logic), Err(SttrError::Conversion(ref d)) if d[0].code == "D009"));
    }

    #[test]
    fn contains_on_path_strings_expands_to_the_matching_outputs() {
        let body = format!(
            "{}{}{}",
            bool_input("i1", "A"),
            table(
                "p1",
                "Pad 1",
                "UNIQUE",
                &["A"],
                &[("a1", &["true"], "\"Vergunningplicht pad 1_\""), ("a2", &["false"], "\"no hit\"")]
            ),
            table(
                "top",
                "Conclusie",
                "FIRST",
                &["Pad 1"],
                &[
                    ("t1", &["if ?=null then false else contains(?,\"Vergunningplicht\")"], "\"Vergunningplicht\""),
                    ("t2", &["-"], "\"Toestemmingsvrij\"")
                ]
            )
        );
        let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
        assert!(i.text.contains("rule \"Vergunningplicht pad 1_\" -> Vergunningplicht"), "{}", i.text);
        assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
    }

    #[test]
    fn priority_tables_are_sorted_by_output_values() {
        let body = format!(
            "{}<decision id=\"d\" name=\"D\"><decisionTable id=\"t\" hitPolicy=\"PRIORITY\"><input id=\"c\"><inputExpression><text>A</text></inputExpression></input>\
             <output id=\"o\"><outputValues><text>\"Vergunningplicht\",\"Toestemmingsvrij\"</text></outputValues></output>\
             <rule id=\"r1\"><inputEntry id=\"e1\"><text>-</text></inputEntry><outputEntry id=\"x1\"><text>\"Toestemmingsvrij\"</text></outputEntry></rule>\
             <rule id=\"r2\"><inputEntry id=\"e2\"><text>true</text></inputEntry><outputEntry id=\"x2\"><text>\"Vergunningplicht\"</text></outputEntry></rule>\
             </decisionTable></decision>",
            bool_input("i1", "A")
        );
        let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}"));
        let first = i.text.find("// dmn: r2").unwrap_or(usize::MAX);
        let second = i.text.find("// dmn: r1").unwrap_or(0);
        assert!(first < second && i.text.contains("table FIRST"), "{}", i.text);
    }

    #[test]
    fn null_tests_become_answer_tests() {
        let inputs = r#"<inputData id="n" name="N"><variable name="N" typeRef="number"/></inputData>
            <inputData id="s" name="S"><variable name="S" typeRef="string"/></inputData>"#;
        let body = format!(
            "{inputs}{}{}",
            bool_input("b", "B"),
            table(
                "d1",
                "D",
                "FIRST",
                &["N", "S", "B"],
                &[
                    ("r1", &["not(null)", "not(null)", "not(null)"], "1"),
                    ("r2", &["-", "-", "null"], "2"),
                    ("r3", &["-", "-", "-"], "3")
                ]
            )
        );
        let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
        assert!(i.text.contains("rule < 0, >= 0 | != \"\" | true, false"), "{}", i.text);
        assert!(i.text.contains("| not(true, false) -> 2"), "{}", i.text);
        assert_eq!(i.diagnostics.iter().find(|d| d.code == "D007").and_then(|d| d.element.as_deref()), Some("r2_2"));
        assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
    }

    #[test]
    fn names_read_well() {
        let mut n = Namer::default();
        assert_eq!(n.name_for_question("Gaat u een aanbouw maken aan een rijksmonument?"), "aanbouw_rijksmonument");
        assert_eq!(n.name_for_question("Wordt de aanbouw hoger dan 0,3m boven de vloer?"), "aanbouw_hoger_0_3m_vloer");
        assert_eq!(n.name_for_question("Wordt de 2e bouwlaag gebruikt?"), "vraag_2e_bouwlaag_gebruikt");
        assert_eq!(n.name_for("Plat dak"), "plat_dak");
        assert_eq!(n.name_for("Plat dak"), "plat_dak_2");
        assert_eq!(n.name_for("Area"), "area_2");
        assert!(!readable("_6955a83b-e19c-4014-9655-3076879ea74f"));
        assert!(readable("Pad 1"));
        assert_eq!(cell_index("  rule a | \"x|y\" | "), Some(2));
        assert_eq!(cell_index("  rule a | b -> "), None);
    }
}

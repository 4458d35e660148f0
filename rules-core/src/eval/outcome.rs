//! The outcome of an evaluation: the serde contract other programs rely on (see DESIGN.md), and its
//! plain-text rendering for the CLI. Maps are `BTreeMap` so the JSON is byte-stable.

use std::collections::BTreeMap;

use serde::Serialize;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Outcome {
    pub ruleset: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authority: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
    pub decisions: Vec<DecisionOutcome>,
    pub checks: Vec<CheckOutcome>,
    /// Inputs still needed to decide everything, in asking order. The first is the next question.
    pub needed: Vec<Needed>,
    /// Inputs the map answered (`input ... from ...`) because nobody else did, with their value.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub derived: Vec<Derived>,
}

/// A derived input's value: GeoJSON for geometry (in the facts' coordinate system).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Derived {
    pub input: String,
    /// The `from` clause as written (`largest(buildings, parcel)`).
    pub from: String,
    pub value: serde_json::Value,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum DecisionStatus {
    Decided,
    Unknown,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DecisionOutcome {
    pub name: String,
    pub status: DecisionStatus,
    /// The conclusion or value (`"Vergunningplicht"`, `"150 m2"`, `true`); null while unknown.
    pub outcome: serde_json::Value,
    /// The same for people, in Dutch notation (`150 m²`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub display: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// Inputs this decision still waits for, in asking order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed: Vec<String>,
    pub trace: Vec<TraceStep>,
}

/// One branch or table row that was tried.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct TraceStep {
    pub line: usize,
    /// `when height > 5 m`, `otherwise`, or `rule 3`.
    pub step: String,
    /// `true`, `false` or `unknown` (for `otherwise`: `true`).
    pub result: &'static str,
    /// The values the step read, in Dutch notation (`"height": "3,2 m"`, `"roof": "onbekend"`).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub values: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy, Serialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    Fail,
    Unknown,
}

impl CheckStatus {
    pub fn name(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Fail => "fail",
            CheckStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckOutcome {
    pub name: String,
    pub status: CheckStatus,
    /// For a comparison: the measured left-hand side (`"62,5 m²"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub measured: Option<String>,
    /// For a comparison: the limit with its operator (`"<= 50 m²"`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub limit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub because: Option<String>,
    #[serde(rename = "ref", skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
    /// On a failed check with `show`: the geometry to highlight, as GeoJSON.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub geometry: Option<serde_json::Value>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub needed: Vec<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Needed {
    pub input: String,
    /// The question (or label) in Dutch.
    pub question: String,
    /// The declared type (`length`, `bool`, `choice`, `area`, ...).
    #[serde(rename = "type")]
    pub ty: String,
    /// `question` (ask the resident) or `input` (the host supplies it, e.g. from the map).
    pub kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub options: Option<Vec<String>>,
}

impl Outcome {
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or(serde_json::Value::Null)
    }

    /// The outcome for a terminal, layered: conclusion and reason first, then checks, then what is
    /// still needed. With `trace`, each decision's steps follow it.
    pub fn to_text(&self, trace: bool) -> String {
        let mut out = String::new();
        out.push_str(&self.ruleset);
        if let Some(a) = &self.authority {
            out.push_str(&format!(" ({a})"));
        }
        if let Some(d) = &self.date {
            out.push_str(&format!(", {d}"));
        }
        out.push('\n');
        for d in &self.decisions {
            match d.status {
                DecisionStatus::Decided => {
                    out.push_str(&format!("{}: {}\n", d.name, d.display.as_deref().unwrap_or("?")));
                    if let Some(b) = &d.because {
                        out.push_str(&format!("  waarom: {b}\n"));
                    }
                    if let Some(r) = &d.reference {
                        out.push_str(&format!("  regel: {r}\n"));
                    }
                }
                DecisionStatus::Unknown => {
                    out.push_str(&format!("{}: nog niet bekend (nodig: {})\n", d.name, d.needed.join(", ")));
                }
            }
            if trace {
                for s in &d.trace {
                    let values = s.values.iter().map(|(k, v)| format!("{k} = {v}")).collect::<Vec<_>>().join(", ");
                    let values = if values.is_empty() { String::new() } else { format!("  [{values}]") };
                    out.push_str(&format!("    line {}: {} -> {}{values}\n", s.line, s.step, s.result));
                }
            }
        }
        for c in &self.checks {
            let mark = match c.status {
                CheckStatus::Pass => "ok  ",
                CheckStatus::Fail => "FOUT",
                CheckStatus::Unknown => "?   ",
            };
            out.push_str(&format!("[{mark}] {}", c.name));
            if let (Some(m), Some(l)) = (&c.measured, &c.limit) {
                out.push_str(&format!(": {m} (grens {l})"));
            }
            out.push('\n');
            if c.status == CheckStatus::Fail {
                if let Some(b) = &c.because {
                    out.push_str(&format!("       {b}\n"));
                }
            }
        }
        for d in &self.derived {
            out.push_str(&format!("van de kaart: {} = {}\n", d.input, d.from));
        }
        if let Some(first) = self.needed.first() {
            out.push_str(&format!("volgende vraag: {} ({})\n", first.question, first.input));
        }
        out
    }
}

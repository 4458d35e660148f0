//! Which branches and table rules the example cases reach (`rules test --coverage`).

use std::collections::BTreeSet;

use super::outcome::Outcome;
use crate::check::{Body, Branch, Ruleset};

/// A branch or rule no case has taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Uncovered {
    pub line: usize,
    pub what: String,
}

/// Steps taken, keyed by (decision, line, step text) as they appear in traces.
#[derive(Debug, Default)]
pub struct Coverage {
    taken: BTreeSet<(String, usize, String)>,
}

impl Coverage {
    pub fn new(_rs: &Ruleset) -> Coverage {
        Coverage::default()
    }

    /// Record the steps that were taken (result `true`) in an evaluation with trace.
    pub fn record(&mut self, outcome: &Outcome) {
        for d in &outcome.decisions {
            for s in d.trace.iter().filter(|s| s.result == "true") {
                self.taken.insert((d.name.clone(), s.line, s.step.clone()));
            }
        }
    }

    /// Every branch and rule of `rs` not yet taken, in source order. For a ruleset that `extends`
    /// another, only its own file counts: the base file's branches are its own cases' business.
    pub fn unreached(&self, rs: &Ruleset) -> Vec<Uncovered> {
        let mut out = Vec::new();
        let own = |span: crate::source::Span| rs.source.name_at(span.start) == rs.source.name;
        for d in rs.decisions.iter().filter(|d| own(d.span)) {
            match &d.body {
                Body::Tree(branches) => self.branches(rs, &d.title, branches, &mut out),
                Body::Table(t) => {
                    for (i, row) in t.rows.iter().enumerate() {
                        let line = rs.source.position(row.span.start).line;
                        let step = format!("rule {}", i + 1);
                        if !self.taken.contains(&(d.title.clone(), line, step.clone())) {
                            out.push(Uncovered { line, what: format!("decision \"{}\": {step}", d.title) });
                        }
                    }
                }
            }
        }
        out
    }

    fn branches(&self, rs: &Ruleset, decision: &str, branches: &[Branch], out: &mut Vec<Uncovered>) {
        for b in branches {
            let line = rs.source.position(b.span.start).line;
            let step = if b.condition.is_some() { format!("when {}", b.text) } else { "otherwise".to_string() };
            if !self.taken.contains(&(decision.to_string(), line, step.clone())) {
                out.push(Uncovered { line, what: format!("decision \"{decision}\": {step}") });
            }
            if let crate::check::BranchBody::Nested(inner) = &b.body {
                self.branches(rs, decision, inner, out);
            }
        }
    }
}

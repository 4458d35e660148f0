//! Write: the header and the declarations in asking order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::read::{DeclKind, Declaration};
use super::types::{prose, quote};
use super::Converter;

impl Converter<'_> {
    pub(super) fn header(&mut self) {
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

    pub(super) fn write_declarations(&mut self) {
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
    pub(super) fn decision_order(&self) -> Vec<usize> {
        let required: BTreeSet<&str> =
            self.defs.decisions.iter().flat_map(|d| d.required_decisions.iter().map(String::as_str)).collect();
        let (top, rest): (Vec<usize>, Vec<usize>) =
            (0..self.defs.decisions.len()).partition(|&i| !required.contains(self.defs.decisions[i].id.as_str()));
        top.into_iter().chain(rest).collect()
    }
}

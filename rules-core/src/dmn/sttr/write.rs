//! Write: the header and the declarations in asking order.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use super::diagnose::logic_mentions;
use super::read::{DeclKind, Declaration};
use super::types::{prose, quote, Ty};
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
            if d.failed {
                // The officer sees what was meant; the rules that read it are left out too.
                let what = match &d.kind {
                    DeclKind::Fixed { ident, .. } | DeclKind::Asked { ident, .. } => ident,
                };
                let _ = writeln!(self.out, "// NOT CONVERTED: {what} has an error (see the diagnostics), so the decisions that read it are left out.");
                continue;
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

    /// Convert one decision; when it has an error (or reads a decision or input that has one),
    /// leave it out: a `// NOT CONVERTED` comment in its place, and for a top conclusion a decision
    /// that says `NeemContactOp`, so no resident gets an answer the file does not give.
    pub(super) fn decision_or_placeholder(&mut self, index: usize) {
        let d = &self.defs.decisions[index];
        let (out_len, diag_len) = (self.out.len(), self.diags.len());
        if let Some(what) = self.blocked.get(&d.id).cloned() {
            self.error(
                "D017",
                &d.id,
                format!("decision \"{}\" reads \"{what}\", which is not converted, so it is left out too", d.name),
            );
        } else {
            self.decision(index);
        }
        let Some(first) = self.diags[diag_len..].iter().find(|x| x.is_error()).cloned() else { return };
        self.out.truncate(out_len);
        self.failed.insert(d.id.clone(), d.name.clone());
        let _ = writeln!(self.out, "\n// dmn: {}", d.id);
        let _ = writeln!(
            self.out,
            "// NOT CONVERTED: decision {} is left out. {}: {} [dmn: {}]",
            quote(&d.name),
            first.code,
            first.message,
            first.element.as_deref().unwrap_or(&d.id),
        );
        let top = !self.defs.decisions.iter().any(|x| x.required_decisions.contains(&d.id));
        let var = self.vars.get(&d.name);
        if let (true, Some(var)) = (top, var.filter(|v| v.ty == Ty::Conclusion)) {
            let _ = writeln!(
                self.out,
                "decision {} {} {{\n  otherwise -> NeemContactOp because {}\n}}",
                var.ident,
                quote(&self.title_of(d)),
                quote("Dit deel van de regels kon niet worden omgezet. Neem contact op met de gemeente.")
            );
        }
    }

    /// The decisions to leave out in the next pass: those that read (directly or through others)
    /// a decision or input with an error, with the name of what they read. Linear in the
    /// requirements: each left-out element is followed to its readers once.
    pub(super) fn readers_of_failed(&mut self) -> BTreeMap<String, String> {
        let defs = self.defs;
        let mut out = std::mem::take(&mut self.blocked);
        // Left out in this pass (the blocked ones among them) and inputs with an error.
        let mut todo: Vec<(String, String)> =
            self.failed.iter().chain(&self.failed_inputs).map(|(id, name)| (id.clone(), name.clone())).collect();
        // Per required element, the ids of the decisions that require it; and each decision's name.
        let mut readers: BTreeMap<String, Vec<String>> = BTreeMap::new();
        let mut names: BTreeMap<String, String> = BTreeMap::new();
        for d in &defs.decisions {
            names.insert(d.id.clone(), d.name.clone());
            for r in d.required_inputs.iter().chain(&d.required_decisions) {
                match readers.get_mut(r) {
                    Some(list) => list.push(d.id.clone()),
                    None => {
                        readers.insert(r.clone(), vec![d.id.clone()]);
                    }
                }
            }
        }
        while let Some((id, name)) = todo.pop() {
            // A file without requirements: readers found through the names in their FEEL.
            let textual = defs.decisions.iter().filter(|d| {
                d.required_inputs.is_empty()
                    && d.required_decisions.is_empty()
                    && d.logic.as_ref().is_some_and(|l| logic_mentions(l, &name))
            });
            let found: Vec<String> =
                readers.get(&id).into_iter().flatten().cloned().chain(textual.map(|d| d.id.clone())).collect();
            for reader in found {
                if !out.contains_key(&reader) && !self.failed.contains_key(&reader) {
                    out.insert(reader.clone(), name.clone());
                    let reader_name = names.get(&reader).cloned().unwrap_or_default();
                    todo.push((reader, reader_name));
                }
            }
        }
        out
    }
}

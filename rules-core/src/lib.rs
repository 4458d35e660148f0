//! A rules engine for Dutch *toepasbare regels* (the applicable rules of the Omgevingswet).
//!
//! Data flows one way, one module per step:
//! source text -> [`syntax`] (grammar, syntax tree, formatter) -> [`check`] (names, types, units,
//! static analysis; produces a [`Ruleset`]) -> [`eval`] (three-valued evaluation against [`Facts`])
//! -> [`Outcome`] with trace. [`spatial`] holds the geometry functions and knows nothing of the
//! language.
//!
//! ```
//! use rules_core::{compile, evaluate, Facts, Options};
//! use serde_json::json;
//!
//! let checked = compile("voorbeeld.rules", r#"
//! ruleset "Schuur" { authority "Gemeente Voorbeeld" valid from 2024-01-01 }
//! question height: length "Hoe hoog wordt de schuur?"
//! decision "Conclusie" {
//!   when height > 5 m -> Vergunningplicht because "Hoger dan 5 m ({height})."
//!   otherwise -> Toestemmingsvrij because "Niet hoger dan 5 m."
//! }
//! "#);
//! let ruleset = checked.ruleset.expect("no errors");
//!
//! let mut facts = Facts::new(&ruleset);
//! let outcome = evaluate(&ruleset, &facts, &Options::default()).unwrap();
//! assert_eq!(outcome.needed[0].input, "height");          // unknown: ask the height
//!
//! facts.answer(&ruleset, "height", &json!("6 m")).unwrap();
//! let outcome = evaluate(&ruleset, &facts, &Options::default()).unwrap();
//! assert_eq!(outcome.decisions[0].outcome, json!("Vergunningplicht"));
//! assert_eq!(outcome.decisions[0].because.as_deref(), Some("Hoger dan 5 m (6 m)."));
//! ```
#![cfg_attr(not(test), deny(clippy::unwrap_used, clippy::expect_used))]
// A `Diagnostic` is a rich value (message, labels, help) returned once per failed parse or check,
// never in a hot loop: boxing it would only add noise.
#![allow(clippy::result_large_err)]

// The parser pest derives without its `std` feature names `alloc` (see the workspace Cargo.toml).
extern crate alloc;

pub mod builtins;
pub mod case;
pub mod check;
pub mod diagnostics;
pub mod dmn;
pub mod eval;
pub mod json;
pub mod sort;
pub mod source;
pub mod spatial;
pub mod syntax;
pub mod value;

pub use check::{Checked, Ruleset};
pub use diagnostics::{Diagnostic, Severity};
pub use eval::at::{at_point, map_report, AtHit, MapReport, ParcelLayer};
pub use eval::{
    evaluate, evaluate_with, irrelevant_answers, next_question, EvalError, FactError, Facts, Memo, Options, Outcome,
};
pub use source::SourceFile;

/// Parse and check a ruleset. `name` is used in diagnostics (usually the file path).
/// A ruleset that `extends` another needs [`compile_with`].
pub fn compile(name: &str, text: &str) -> Checked {
    compile_with(name, text, &mut |path: &str, _: &str| {
        Err(format!("cannot load \"{path}\": this host does not load base rulesets"))
    })
}

/// Loads the base ruleset named by `extends "path"` in the file called `from`; returns its name
/// (for diagnostics, e.g. the resolved path) and text.
pub type BaseLoader<'a> = dyn FnMut(&str, &str) -> Result<(String, String), String> + 'a;

/// How deep `extends` may nest (national -> bruidsschat -> municipality -> district is 4).
const MAX_EXTENDS_DEPTH: usize = 8;

/// Parse and check a ruleset, loading the rulesets it `extends` through `load`.
///
/// Composition: the result is the base ruleset with this file's declarations added; an
/// `override let` replaces the base definition while this file's validity period holds and its
/// `when` condition is true. Name, authority and activity come from this file, the validity
/// period from the base (outside its own period, the base rules apply).
pub fn compile_with(name: &str, text: &str, load: &mut BaseLoader) -> Checked {
    let failed = |d: Diagnostic, source: SourceFile| Checked { ruleset: None, diagnostics: vec![d], source };
    // The common case, a ruleset that extends nothing, is parsed once.
    match syntax::parse(text) {
        Err(d) => return failed(d, SourceFile::new(name, text)),
        Ok(file) if file.header.as_ref().is_none_or(|h| h.extends.is_none()) => {
            return check::check(&file, SourceFile::new(name, text));
        }
        Ok(_) => {}
    }
    // Collect the chain of files, the root base first.
    let mut chain: Vec<(String, String)> = vec![(name.to_string(), text.to_string())];
    loop {
        let (current_name, current_text) = &chain[0];
        let Ok(file) = syntax::parse(current_text) else { break };
        let current_name = current_name.clone();
        let Some(extends) = file.header.and_then(|h| h.extends) else { break };
        if chain.len() > MAX_EXTENDS_DEPTH {
            return failed(
                Diagnostic::error("E019", extends.span, "`extends` nests too deep (a loop?)"),
                SourceFile::concat(&chain),
            );
        }
        // Every host resolves `extends` relative to the ruleset: an absolute path is refused here,
        // before any host could read it.
        let path = &extends.value;
        if path.starts_with(['/', '\\']) || path.as_bytes().get(1) == Some(&b':') {
            let message = format!("cannot load the base ruleset: \"{path}\" is an absolute path; `extends` takes a path relative to this ruleset");
            return failed(Diagnostic::error("E019", extends.span, message), SourceFile::concat(&chain));
        }
        match load(&extends.value, &current_name) {
            Ok((base_name, _)) if chain.iter().any(|(n, _)| *n == base_name) => {
                let d = Diagnostic::error("E019", extends.span, format!("`extends` makes a loop through {base_name}"));
                return failed(d, SourceFile::concat(&chain));
            }
            // Only a ruleset's text may be quoted in messages: a file that does not even start
            // like one (a password file named by `extends`) is refused without showing it.
            Ok((base_name, base_text)) if !looks_like_ruleset(&base_text) => {
                let d = Diagnostic::error(
                    "E019",
                    extends.span,
                    format!(
                        "cannot load the base ruleset: {base_name} is not a ruleset (it does not start with `ruleset`)"
                    ),
                );
                return failed(d, SourceFile::concat(&chain));
            }
            Ok(base) => chain.insert(0, base),
            Err(message) => {
                // The file naming the base is first in the chain so far: its spans are right as they are.
                let d = Diagnostic::error("E019", extends.span, format!("cannot load the base ruleset: {message}"));
                return failed(d, SourceFile::concat(&chain));
            }
        }
    }
    let source = SourceFile::concat(&chain);
    let mut merged: Option<syntax::ast::File> = None;
    let mut offset = 0;
    for (_, part) in &chain {
        let mut file = match syntax::parse_at(part, offset) {
            Ok(f) => f,
            Err(d) => return failed(d, source.clone()),
        };
        offset += part.len() + 1;
        merged = Some(match merged {
            None => file,
            Some(mut base) => {
                let header = file.header.take();
                let valid = header
                    .as_ref()
                    .map(|h| (h.valid_from.as_ref().map(|d| d.date), h.valid_until.as_ref().map(|d| d.date)));
                for item in &mut file.items {
                    if let syntax::ast::Item::Let(l) = item {
                        if l.is_override {
                            l.valid = valid;
                        }
                    }
                }
                if let (Some(own), Some(base_header)) = (header, base.header.as_mut()) {
                    base_header.name = own.name;
                    base_header.authority = own.authority.or(base_header.authority.take());
                    base_header.source = own.source.or(base_header.source.take());
                    base_header.activity = own.activity.or(base_header.activity.take());
                }
                base.items.extend(file.items);
                base.comments.extend(file.comments);
                base
            }
        });
    }
    match merged {
        Some(file) => check::check(&file, source),
        None => failed(Diagnostic::error("E001", source::Span::default(), "empty ruleset"), source),
    }
}

/// Whether a text starts like a ruleset: `ruleset` after blanks, `//` comments and a byte order mark.
fn looks_like_ruleset(text: &str) -> bool {
    let mut rest = text.trim_start_matches('\u{feff}');
    loop {
        rest = rest.trim_start();
        match rest.strip_prefix("//") {
            Some(comment) => rest = comment.split_once('\n').map_or("", |(_, after)| after),
            None => return rest.starts_with("ruleset"),
        }
    }
}

#[cfg(test)]
mod composition_tests {
    use super::*;
    use serde_json::json;

    const BASE: &str = r#"
ruleset "Basis" { authority "Rijk" valid from 2024-01-01 }
input parcel: area "Perceel"
question height: length "Hoogte?"
let max_height = 5 m
decision "Conclusie" {
  when height > max_height -> Vergunningplicht because "Hoger dan {max_height}."
  otherwise -> Toestemmingsvrij because "Tot {max_height} mag het."
}
"#;

    const MUNICIPAL: &str = r#"
ruleset "Gemeente X" {
  authority "Gemeente X (fictief)"
  valid from 2025-01-01 until 2025-12-31
  extends "basis.rules"
}
layer gemeente: area "Grondgebied"
override let max_height = 6 m when location(parcel, gemeente) == ja
"#;

    fn square(x: f64) -> serde_json::Value {
        json!({"type": "Polygon", "coordinates": [[[x, 400000.0], [x + 10.0, 400000.0], [x + 10.0, 400010.0], [x, 400010.0], [x, 400000.0]]]})
    }

    fn conclusion(parcel_x: f64, date: &str) -> serde_json::Value {
        let checked = compile_with("gemeente.rules", MUNICIPAL, &mut |path: &str, _: &str| {
            assert_eq!(path, "basis.rules");
            Ok(("basis.rules".to_string(), BASE.to_string()))
        });
        let rs = checked.ruleset.unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
        assert_eq!(rs.meta.name, "Gemeente X");
        let mut facts = Facts::new(&rs);
        facts.answer(&rs, "parcel", &square(parcel_x)).unwrap();
        facts.answer(&rs, "height", &json!("5.5 m")).unwrap();
        let area = json!({"type": "FeatureCollection", "features": [
            {"type": "Feature", "id": "x", "properties": {}, "geometry": square(100000.0).as_object().map(|_| json!({"type": "Polygon", "coordinates": [[[99000.0, 399000.0], [101000.0, 399000.0], [101000.0, 401000.0], [99000.0, 401000.0], [99000.0, 399000.0]]]}))}
        ]});
        facts.bind_layer(&rs, "gemeente", &area).unwrap();
        let options = Options { date: syntax::parse_date(date), trace: false, decisions: None };
        evaluate(&rs, &facts, &options).unwrap().decisions[0].outcome.clone()
    }

    #[test]
    fn override_wins_only_inside_its_area_and_period() {
        assert_eq!(conclusion(100000.0, "2025-06-01"), json!("Toestemmingsvrij"), "inside, in period: 6 m");
        assert_eq!(conclusion(150000.0, "2025-06-01"), json!("Vergunningplicht"), "outside the area: 5 m");
        assert_eq!(conclusion(100000.0, "2026-06-01"), json!("Vergunningplicht"), "after the period: 5 m");
        assert_eq!(conclusion(100000.0, "2024-06-01"), json!("Vergunningplicht"), "before the period: 5 m");
    }

    #[test]
    fn diagnostics_point_into_the_right_file() {
        let checked = compile_with(
            "gemeente.rules",
            &format!("{MUNICIPAL}\noverride let hieght = 3 m\n"),
            &mut |_: &str, _: &str| Ok(("basis.rules".to_string(), BASE.to_string())),
        );
        let d = &checked.diagnostics[0];
        assert_eq!(d.code, "E021");
        assert!(d.header(&checked.source).starts_with("gemeente.rules:10:14:"), "{}", d.header(&checked.source));
        let secret = compile_with("g.rules", MUNICIPAL, &mut |_: &str, _: &str| {
            Ok(("basis.rules".to_string(), "root:x:0:0:root:/root:/bin/bash\n".to_string()))
        });
        assert_eq!(secret.diagnostics[0].code, "E019");
        assert!(!secret.source.text.contains("root:x"), "the file is not quoted");
        assert!(looks_like_ruleset("\u{feff}// base\n\n  ruleset \"B\" {}"));
        let missing = compile_with("g.rules", MUNICIPAL, &mut |_: &str, _: &str| Err("no such file".into()));
        assert_eq!(missing.diagnostics[0].code, "E019");
        let header = missing.diagnostics[0].header(&missing.source);
        assert!(header.starts_with("g.rules:5:11:"), "{header}");
    }
}

#[cfg(test)]
mod evaluation_tests {
    use super::*;
    use serde_json::json;

    /// A decision used in another one: once its remaining outcomes exclude a value, comparing with
    /// that value is settled, and the question that could not change anything is not asked.
    #[test]
    fn undecided_decision_compared_with_an_excluded_value() {
        let checked = compile(
            "t.rules",
            r#"
ruleset "T" { authority "A" valid from 2024-01-01 }
question m: choice("a", "b") "M?"
question x: bool "X?"
question y: bool "Y?"
decision c "C" {
  when m == "a" -> NietVanToepassing
  when x -> Vergunningplicht
  otherwise -> Toestemmingsvrij
}
decision "D" {
  when c == NietVanToepassing -> NietVanToepassing
  when y -> Meldingsplicht
  otherwise -> Toestemmingsvrij
}
"#,
        );
        let rs = checked.ruleset.unwrap_or_else(|| panic!("{:?}", checked.diagnostics));
        let mut facts = Facts::new(&rs);
        facts.answer(&rs, "m", &json!("b")).unwrap();
        facts.answer(&rs, "y", &json!(true)).unwrap();
        let outcome = evaluate(&rs, &facts, &Options::default()).unwrap();
        assert_eq!(outcome.decisions[1].outcome, json!("Meldingsplicht"));
        assert_eq!(outcome.decisions[0].outcome, json!(null), "{:#?}", outcome.decisions[0]);
        assert_eq!(outcome.decisions[0].needed, ["x"], "{:#?}", outcome);
        // C is only read by D, and D is decided: `x` cannot change anything, so it is not asked.
        assert!(outcome.needed.is_empty(), "{:#?}", outcome.needed);
    }
}

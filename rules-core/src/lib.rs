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

pub mod builtins;
pub mod case;
pub mod check;
pub mod diagnostics;
pub mod eval;
pub mod source;
pub mod spatial;
pub mod syntax;
pub mod value;

pub use check::{Checked, Ruleset};
pub use diagnostics::{Diagnostic, Severity};
pub use eval::at::{at_point, AtHit};
pub use eval::{evaluate, next_question, EvalError, FactError, Facts, Options, Outcome};
pub use source::SourceFile;

/// Parse and check a ruleset. `name` is used in diagnostics (usually the file path).
pub fn compile(name: &str, text: &str) -> Checked {
    let source = SourceFile::new(name, text);
    match syntax::parse(text) {
        Ok(file) => check::check(&file, source),
        Err(d) => Checked { ruleset: None, diagnostics: vec![d] },
    }
}

//! `rules-sttr-wasm`: the STTR/DMN importer of `rules-core` for the browser, as its own small
//! WebAssembly module (`rules-wasm/sttr` in the npm package).
//!
//! Reading DMN (XML, FEEL with decimals) would add about 140 KB gzipped to the engine module that
//! every resident's browser loads; authors open an STTR file rarely, so the importer is a module of
//! its own that a page loads only then. It gives the same ruleset text and diagnostics as
//! `rules import-sttr`; the text then goes to `Engine.loadRuleset` of `rules-wasm`.
//!
//! ```js
//! import initSttr, { importSttr } from "rules-wasm/sttr";
//! await initSttr();
//! const { text, diagnostics, errors } = importSttr("vergunningcheck.dmn", xml);
//! if (text) engine.loadRuleset("vergunningcheck.dmn.rules", text);
//! // The way back: a ruleset as an STTR file, as `rules export-sttr` writes it.
//! const { xml: dmn, diagnostics: leftOut } = exportSttr("dakkapel.rules", rulesText);
//! ```

use rules_core::dmn::sttr;
use serde_json::{json, Value as Json};
use wasm_bindgen::prelude::*;

// talc rather than the standard library's dlmalloc: the same job in less code (as in rules-wasm).
#[cfg(all(target_arch = "wasm32", not(target_feature = "atomics")))]
#[global_allocator]
static ALLOCATOR: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &str = r#"
/** A problem found while importing, located in the DMN file (D0xx) or mapped back to it from the
 * checker's diagnostics of the converted ruleset. */
export interface DmnDiagnostic {
  severity: "error" | "warning";
  code: string;
  message: string;
  file: string;
  /** The DMN element the problem is about, when known. */
  element?: string | null;
  line?: number | null;
  column?: number | null;
  [key: string]: unknown;
}

/** The result of exportSttr: the STTR file (null when the ruleset does not check), and what was
 * left out (X002, X003) or why nothing was written (X001). */
export interface SttrExport {
  xml: string | null;
  diagnostics: DmnDiagnostic[];
  /** Whether every decision and definition was exported (nothing left out but checks and map rules). */
  complete: boolean;
  rendered: string;
}

/** The result of importSttr: the ruleset text (null when the file could not be converted), the
 * diagnostics, and as `rendered` the text `rules import-sttr` prints for them. */
export interface SttrImport {
  text: string | null;
  diagnostics: DmnDiagnostic[];
  errors: number;
  warnings: number;
  rendered: string;
}
"#;

/// Convert an STTR/DMN file (its XML text) to a ruleset text, as `rules import-sttr FILE` does.
/// `file` names the file in the diagnostics. Never throws for a bad file: the problems come back
/// as diagnostics (`text` is null when the file is no DMN file; a decision that cannot be
/// converted is left out of `text`, marked `// NOT CONVERTED`, with its errors).
#[wasm_bindgen(js_name = importSttr, unchecked_return_type = "SttrImport")]
pub fn import_sttr(file: &str, xml: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&import_json(file, xml).to_string())
}

/// The result of [`import_sttr`] as JSON (plain Rust, tested natively).
pub fn import_json(file: &str, xml: &str) -> Json {
    let (text, diagnostics) = match sttr::import(file, xml) {
        Ok(imported) => (Some(imported.text), imported.diagnostics),
        Err(e) => (None, e.diagnostics()),
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    json!({
        "text": text,
        "diagnostics": diagnostics.iter().map(|d| d.to_json(file)).collect::<Vec<_>>(),
        "errors": errors,
        "warnings": diagnostics.len() - errors,
        "rendered": diagnostics.iter().map(|d| d.render(file)).collect::<String>(),
    })
}

/// Write a ruleset (its text) as an STTR file, as `rules export-sttr FILE` does. Never throws: a
/// ruleset that does not check gives `xml: null` and the reasons as diagnostics.
#[wasm_bindgen(js_name = exportSttr, unchecked_return_type = "SttrExport")]
pub fn export_sttr(file: &str, rules: &str) -> Result<JsValue, JsValue> {
    js_sys::JSON::parse(&export_json(file, rules).to_string())
}

/// The result of [`export_sttr`] as JSON (plain Rust, tested natively).
pub fn export_json(file: &str, rules: &str) -> Json {
    let (xml, complete, diagnostics) = match sttr::export::export(file, rules) {
        Ok(x) => (Some(x.xml.clone()), x.complete(), x.diagnostics),
        Err(d) => (None, false, d),
    };
    json!({
        "xml": xml,
        "diagnostics": diagnostics.iter().map(|d| d.to_json(file)).collect::<Vec<_>>(),
        "complete": complete,
        "rendered": diagnostics.iter().map(|d| d.render(file)).collect::<String>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amsterdam(name: &str) -> String {
        let path = format!("{}/../../rulesets/amsterdam/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn a_real_sttr_file_converts_to_the_text_the_command_prints() {
        let xml = amsterdam("amsterdam_vergunningcheck_geo.dmn");
        let result = import_json("amsterdam_vergunningcheck_geo.dmn", &xml);
        let expected = sttr::import("amsterdam_vergunningcheck_geo.dmn", &xml).expect("converts");
        assert_eq!(result["text"], Json::String(expected.text));
        assert_eq!(result["errors"], 0);
        assert_eq!(result["warnings"].as_u64(), Some(expected.diagnostics.len() as u64));
        // The file's known finding: its location question is declared as a yes/no input (D004).
        assert!(result["rendered"].as_str().unwrap_or("").contains("D004"), "{}", result["rendered"]);
    }

    #[test]
    fn export_gives_what_the_command_writes_and_imports_back() {
        let xml = amsterdam("amsterdam_vergunningcheck_with-conclusion-description.dmn");
        let rules = sttr::import("a.dmn", &xml).expect("converts").text;
        let result = export_json("a.rules", &rules);
        let expected = sttr::export::export("a.rules", &rules).expect("exports");
        assert_eq!(result["xml"], Json::String(expected.xml.clone()));
        assert_eq!(result["complete"], true);
        let back = import_json("back.dmn", &expected.xml);
        assert_eq!(back["errors"], 0, "{}", back["rendered"]);
        let broken = export_json("kapot.rules", "ruleset");
        assert_eq!((broken["xml"].clone(), broken["complete"].clone()), (Json::Null, Json::Bool(false)));
    }

    #[test]
    fn a_broken_file_gives_diagnostics_not_an_exception() {
        let result = import_json("kapot.dmn", "<definitions><decision id=");
        assert_eq!(result["text"], Json::Null);
        assert_eq!(result["errors"], 1);
        assert!(result["rendered"].as_str().unwrap_or("").contains("kapot.dmn"), "{}", result["rendered"]);
    }
}

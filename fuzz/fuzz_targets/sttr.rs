//! STTR / DMN import: XML text -> ruleset text and findings; every finding renders.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rules_core::dmn::sttr;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let diagnostics = match sttr::import("fuzz.dmn", text) {
        Ok(imported) => imported.diagnostics,
        Err(e) => e.diagnostics(),
    };
    for d in &diagnostics {
        let _ = d.render("fuzz.dmn");
    }
});

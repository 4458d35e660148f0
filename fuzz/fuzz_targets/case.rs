//! A case file (JSON) against a real ruleset with geometry and a layer: parse, bind the answers,
//! evaluate, compare with the expectations.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rules_core::{case, compile, evaluate, Ruleset};
use std::sync::OnceLock;

const RULESET: &str = include_str!("../../rulesets/voorbeeld/bijgebouw.rules");
const PARCELS: &str = include_str!("../../data/geo/otterlo_brk_perceel.geojson");
const ROADS: &str = include_str!("../../data/geo/otterlo_bgt_wegdeel.geojson");

fn ruleset() -> &'static Ruleset {
    static RS: OnceLock<Ruleset> = OnceLock::new();
    RS.get_or_init(|| compile("bijgebouw.rules", RULESET).ruleset.expect("the shipped ruleset checks"))
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(cases) = case::parse_cases(text) else { return };
    let rs = ruleset();
    for (i, c) in cases.iter().enumerate() {
        let mut load = |path: &str| -> Result<serde_json::Value, String> {
            let text = match path {
                p if p.ends_with("otterlo_brk_perceel.geojson") => PARCELS,
                p if p.ends_with("otterlo_bgt_wegdeel.geojson") => ROADS,
                p => return Err(format!("{p}: not found")),
            };
            serde_json::from_str(text).map_err(|e| e.to_string())
        };
        if let Ok((facts, options)) = case::facts_for(rs, c, &c.label(i), &mut load) {
            let result = evaluate(rs, &facts, &options);
            let _ = case::verify(c, &result);
        }
    }
});

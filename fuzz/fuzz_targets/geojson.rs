//! GeoJSON from a user: as the drawn plan of a real ruleset (validation, then the spatial checks
//! against a real parcel and road layer) and as a layer of its own.
#![no_main]
use libfuzzer_sys::fuzz_target;
use rules_core::{compile, evaluate, Facts, Options, Ruleset};
use serde_json::{json, Value};
use std::sync::OnceLock;

const RULESET: &str = include_str!("../../rulesets/voorbeeld/bijgebouw.rules");
const ROADS: &str = include_str!("../../data/geo/otterlo_bgt_wegdeel.geojson");

struct Fixture {
    rs: Ruleset,
    base: Facts,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let rs = compile("bijgebouw.rules", RULESET).ruleset.expect("the shipped ruleset checks");
        let mut base = Facts::new(&rs);
        let parcel = json!({"type": "Polygon", "coordinates": [[[181140.0, 456440.0], [181180.0, 456440.0], [181180.0, 456480.0], [181140.0, 456480.0], [181140.0, 456440.0]]]});
        base.answer(&rs, "parcel", &parcel).expect("parcel");
        let roads: Value = serde_json::from_str(ROADS).expect("roads");
        base.bind_layer(&rs, "public_space", &roads).expect("layer");
        for (name, answer) in [("monument", json!(false)), ("on_ground", json!(true)), ("height", json!("2.5 m")), ("roof_use", json!("geen"))] {
            base.answer(&rs, name, &answer).expect("answer");
        }
        Fixture { rs, base }
    })
}

fuzz_target!(|data: &[u8]| {
    let Ok(geometry) = serde_json::from_slice::<Value>(data) else { return };
    let f = fixture();
    let mut facts = f.base.clone();
    if facts.answer(&f.rs, "plan", &geometry).is_ok() {
        let _ = evaluate(&f.rs, &facts, &Options::default());
    }
    let mut facts = f.base.clone();
    if facts.bind_layer(&f.rs, "public_space", &geometry).is_ok() {
        let _ = evaluate(&f.rs, &facts, &Options::default());
    }
});

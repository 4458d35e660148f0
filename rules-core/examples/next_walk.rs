use rules_core::{compile, next_question, Facts};
use serde_json::{json, Value as Json};
use std::path::PathBuf;
use std::time::Instant;

fn main() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rulesets/bruidsschat");
    let text = std::fs::read_to_string(dir.join("bijbehorend-bouwwerk.rules")).unwrap();
    let rs = compile("b.rules", &text).ruleset.unwrap();
    let cases =
        rules_core::case::parse_cases(&std::fs::read_to_string(dir.join("bijbehorend-bouwwerk.cases.json")).unwrap())
            .unwrap();
    let mut load = |path: &str| -> Result<Json, String> {
        let text = std::fs::read_to_string(dir.join(path)).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    let mut seed = 7u64;
    let mut rnd = |n: usize| {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((seed >> 33) as usize) % n
    };
    let (mut total, mut calls, mut max) = (0f64, 0usize, 0f64);
    let mut slow = 0usize;
    let mut asked = 0usize;
    for (k, case) in cases.iter().enumerate() {
        let (facts0, options) = rules_core::case::facts_for(&rs, case, &case.label(k), &mut load).unwrap();
        let mut facts: Facts = facts0.clone();
        // From no answers (the geometry stays), as a resident starts.
        for i in &rs.inputs {
            if i.kind == rules_core::syntax::ast::InputKind::Question {
                let _ = facts.unanswer(&rs, &i.name);
            }
        }
        let _ = next_question(&rs, &facts, &options);
        for _ in 0..40 {
            let t = Instant::now();
            let n = next_question(&rs, &facts, &options);
            let dt = t.elapsed().as_secs_f64() * 1000.0;
            total += dt;
            calls += 1;
            if dt > 1.0 {
                slow += 1;
            }
            if dt > max {
                max = dt;
            }
            let Ok(Some(n)) = n else { break };
            asked += 1;
            let v = match n.ty.as_str() {
                "bool" if n.input == "main_is_original" => json!(true),
                "bool" if n.input == "on_ground" => json!(rnd(5) != 0),
                "bool" => json!(rnd(5) == 0),
                "choice" if rnd(5) != 0 => json!(n
                    .options
                    .as_ref()
                    .unwrap()
                    .iter()
                    .find(|o| ["geen monument", "nee", "geen"].contains(&o.as_str()))
                    .unwrap_or(&n.options.as_ref().unwrap()[0])),
                "choice" => json!(n.options.as_ref().unwrap()[rnd(n.options.as_ref().unwrap().len())]),
                "length" => json!(format!("{} m", [1.0, 2.5, 3.5, 4.5, 6.0][rnd(5)])),
                "angle" => json!(format!("{} deg", [30, 60][rnd(2)])),
                "surface" => json!(format!("{} m2", [0, 20, 200][rnd(3)])),
                other => {
                    eprintln!("stop at {} {other}", n.input);
                    break;
                }
            };
            if let Err(e) = facts.answer(&rs, &n.input, &v) {
                eprintln!("{e}");
                break;
            }
        }
    }
    let _ = &mut max;
    println!(
        "calls {calls}, questions asked {asked}, mean {:.3} ms, max {:.3} ms, over 1 ms {slow}",
        total / calls as f64,
        max
    );
}

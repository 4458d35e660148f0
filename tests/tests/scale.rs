//! Work that grows with the data: big tables (the index, the trace that counts the rows passed
//! over) and `rules batch` over the real Otterlo parcels, with `--compare`.

use rules_core::spatial::{area, parse_features, GeomKind};
use rules_core::{compile, evaluate, Facts, Options};
use rules_tests::{rules, scratch_dir, workspace_root};
use serde_json::{json, Value as Json};

fn codes_table(rows: usize) -> String {
    let mut s = String::from(
        "ruleset \"Codes\" { authority \"Test\" }\nquestion code: text \"Welke code?\"\nquestion big: bool \"Groot?\"\n\
         decision \"Tarief\" table UNIQUE {\n  inputs big | code\n",
    );
    for r in 0..rows {
        s.push_str(&format!("  rule {} | \"C{r}\" -> \"r{r}\"\n", r % 2 == 0));
    }
    s.push_str("  rule - | \"alles\" -> \"joker\"\n}\n");
    s
}

#[test]
fn an_indexed_table_gives_the_same_answers_and_a_short_trace() {
    let rs = compile("codes.rules", &codes_table(400)).ruleset.expect("compiles");
    for (big, code, expect) in
        [(true, "C244", json!("r244")), (false, "C99", json!("r99")), (false, "alles", json!("joker"))]
    {
        let mut facts = Facts::new(&rs);
        facts.answer(&rs, "code", &json!(code)).unwrap();
        facts.answer(&rs, "big", &json!(big)).unwrap();
        let outcome = evaluate(&rs, &facts, &Options { trace: true, ..Options::default() }).unwrap();
        let d = &outcome.decisions[0];
        assert_eq!(d.outcome, expect, "{code}");
        // The matched row, then one step counting the 400 others.
        let steps: Vec<(&str, &str)> = d.trace.iter().map(|s| (s.step.as_str(), s.result)).collect();
        assert_eq!(steps.len(), 2, "{steps:?}");
        assert_eq!(steps[0].1, "true");
        assert_eq!(steps[1], ("400 other rules do not apply", "false"));
    }
    // A code no rule has: no rule applies (R003), the index passes everything over.
    let mut facts = Facts::new(&rs);
    facts.answer(&rs, "code", &json!("C9999")).unwrap();
    facts.answer(&rs, "big", &json!(true)).unwrap();
    assert_eq!(evaluate(&rs, &facts, &Options::default()).unwrap_err().code, "R003");
    // Unknown code: every row whose `big` matches may still apply.
    let mut facts = Facts::new(&rs);
    facts.answer(&rs, "big", &json!(true)).unwrap();
    let outcome = evaluate(&rs, &facts, &Options::default()).unwrap();
    assert_eq!(outcome.decisions[0].needed, ["code"]);
}

fn threshold_ruleset(m2: u32) -> String {
    format!(
        "ruleset \"Groot perceel\" {{ authority \"Test\" }}\ninput parcel: area \"Uw perceel\"\n\
         question height: length \"Hoe hoog?\"\n\
         decision \"Conclusie\" {{\n  when area(parcel) > {m2} m2 -> Vergunningplicht\n  when height > 5 m -> Vergunningplicht\n  \
         otherwise -> Toestemmingsvrij\n}}\n"
    )
}

#[test]
fn batch_rows_and_compare_on_the_otterlo_parcels() {
    let dir = scratch_dir(env!("CARGO_TARGET_TMPDIR"), "batch");
    let (old, new) = (dir.join("old.rules"), dir.join("new.rules"));
    std::fs::write(&old, threshold_ruleset(500)).unwrap();
    std::fs::write(&new, threshold_ruleset(250)).unwrap();
    let parcels = workspace_root().join("data/geo/otterlo_brk_perceel.geojson");
    let (csv, geojson, map) = (dir.join("rows.csv"), dir.join("rows.geojson"), dir.join("change.html"));
    let out = rules()
        .arg("batch")
        .arg(&new)
        .arg("--parcels")
        .arg(&parcels)
        .arg("--compare")
        .arg(&old)
        .arg("--csv")
        .arg(&csv)
        .arg("--geojson")
        .arg(&geojson)
        .arg("--map")
        .arg(&map)
        .arg("--threads")
        .arg("2")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    // What should change, from the parcels' areas computed here.
    let collection: Json = serde_json::from_str(&std::fs::read_to_string(&parcels).unwrap()).unwrap();
    let features = parse_features(&collection, GeomKind::Area).unwrap();
    let changing: Vec<&str> =
        features.iter().filter(|f| (250.0..=500.0).contains(&area(&f.geometry))).map(|f| f.id.as_str()).collect();
    assert!(!changing.is_empty() && changing.len() < features.len());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("{} of {} parcels change conclusion", changing.len(), features.len())),
        "{stdout}"
    );

    // One CSV row per parcel: decided by area, or open on the height.
    let csv = std::fs::read_to_string(&csv).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "id,kadastraleAanduiding,conclusion,branch,line,open,error");
    assert_eq!(lines.len(), features.len() + 1);
    for f in &features {
        let line = lines.iter().find(|l| l.starts_with(&format!("{},", f.id))).unwrap();
        if area(&f.geometry) > 250.0 {
            assert!(line.contains(",Vergunningplicht,when area(parcel) > 250 m2,5,,"), "{line}");
        } else {
            assert!(line.contains(",unknown,,,height,"), "{line}");
        }
    }
    let rows: Json = serde_json::from_str(&std::fs::read_to_string(&geojson).unwrap()).unwrap();
    assert_eq!(rows["features"].as_array().unwrap().len(), features.len());

    // The map: the changed parcels, in WGS84 for the demo, and a page naming them.
    let changed: Json = serde_json::from_str(&std::fs::read_to_string(dir.join("change.geojson")).unwrap()).unwrap();
    let mut ids: Vec<&str> =
        changed["features"].as_array().unwrap().iter().map(|f| f["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    let mut expected = changing.clone();
    expected.sort_unstable();
    assert_eq!(ids, expected);
    let first = &changed["features"][0];
    assert_eq!(
        (first["properties"]["old"].as_str(), first["properties"]["new"].as_str()),
        (Some("unknown"), Some("Vergunningplicht"))
    );
    let lon = first["geometry"]["coordinates"][0][0][0].as_f64().unwrap();
    assert!((5.0..6.5).contains(&lon), "WGS84 longitude, got {lon}");
    let page = std::fs::read_to_string(&map).unwrap();
    assert!(page.contains(&format!("{} van {} percelen", changing.len(), features.len())));
    assert_eq!(page.matches("<path ").count(), changing.len());
}

#[test]
fn batch_refuses_a_bad_plan_size() {
    let out = rules()
        .args(["batch", "rulesets/voorbeeld/bijgebouw.rules", "--parcels", "data/geo/otterlo_brk_perceel.geojson"])
        .args(["--plan", "plan=4xq"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--plan must be INPUT=WxD"));
}

//! The real rulesets under `rulesets/` (bruidsschat, Rijk, Goes, Gemeentestad, the fictional
//! gemeente Voorbeeldstad): they check clean, every example case passes with every branch covered,
//! and the Stip-op-de-kaart (`at`) rules show the real values of the plans at real points.
//!
//! The case-file format has no expectation for `at` rules, so those are tested here: through
//! `rules at --format json` (the CLI contract) and through `rules_core::at_point` (the library).

use rules_core::{at_point, compile, Facts};
use rules_tests::{read, rules, workspace_root};
use serde_json::Value as Json;

/// The rulesets this file is about, each with its minimum number of example cases.
const RULESETS: &[(&str, usize)] = &[
    ("rulesets/bruidsschat/bijbehorend-bouwwerk.rules", 20),
    ("rulesets/bruidsschat/dakkapel.rules", 20),
    ("rulesets/bruidsschat/erfafscheiding.rules", 20),
    ("rulesets/rijk/zonnepanelen.rules", 20),
    ("rulesets/gemeente-voorbeeldstad/boom-kappen.rules", 20),
    ("rulesets/gemeente-voorbeeldstad/bijbehorend-bouwwerk.rules", 10),
];

const GOES: &str = "rulesets/goes/omgevingsplan-kaart.rules";
const GOES_PLAN: &str = "data/geo/goes_bp_stationsomgeving_zuidoost_imro.geojson";
const GOES_MAATVOERING: &str = "rulesets/goes/goes_maatvoering.geojson";
const GEMEENTESTAD: &str = "rulesets/gemeentestad/omgevingsplan-kaart.rules";
const GEMEENTESTAD_GIO: &str = "data/geo/gemeentestad_gio_maximum_bouwhoogte.geojson";

fn stdout_of(args: &[&str]) -> String {
    let out = rules().args(args).output().expect("rules runs");
    let stdout = String::from_utf8(out.stdout).expect("stdout is UTF-8");
    let stderr = String::from_utf8(out.stderr).expect("stderr is UTF-8");
    assert_eq!(out.status.code(), Some(0), "rules {args:?}\nstdout: {stdout}\nstderr: {stderr}");
    stdout
}

#[test]
fn the_rulesets_check_clean() {
    let out = rules().args(["check", "--deny-warnings", "rulesets/"]).output().expect("rules runs");
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{all}");
    assert!(all.trim_end().ends_with("0 errors, 0 warnings"), "{all}");
}

#[test]
fn every_case_passes_and_every_branch_is_covered() {
    for (ruleset, minimum) in RULESETS {
        let cases = ruleset.replace(".rules", ".cases.json");
        let json: Json = serde_json::from_str(&read(&cases)).expect("case file is JSON");
        let n = json.as_array().map_or(1, Vec::len);
        assert!(n >= *minimum, "{cases} has {n} cases, want at least {minimum}");
        let out = stdout_of(&["test", "--coverage", ruleset]);
        assert!(out.contains("coverage: 0 branches or rules not reached"), "{ruleset}:\n{out}");
        assert_eq!(out.lines().last(), Some(format!("{n} passed, 0 failed").as_str()), "{ruleset}:\n{out}");
    }
}

#[test]
fn the_rulesets_are_formatted() {
    let out = rules().args(["fmt", "--check", "rulesets/"]).output().expect("rules runs");
    assert!(
        out.status.success(),
        "rules fmt --check rulesets/ wants changes:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `(title, text)` of every `at` hit of the first ruleset in a `rules at --format json` report.
fn hits(report: &Json) -> Vec<(String, String)> {
    report["rulesets"][0]["rules"]
        .as_array()
        .expect("a list of hits")
        .iter()
        .map(|h| {
            (h["title"].as_str().unwrap_or_default().to_string(), h["text"].as_str().unwrap_or_default().to_string())
        })
        .collect()
}

fn goes_at(point: &str) -> Vec<(String, String)> {
    let plan = |layer: &str| format!("{layer}={GOES_PLAN}");
    let maat = |layer: &str| format!("{layer}={GOES_MAATVOERING}");
    let layers = [
        plan("plangebied"),
        plan("bestemming"),
        plan("dubbelbestemming"),
        plan("bouwvlak"),
        plan("functieaanduiding"),
        plan("bouwaanduiding"),
        maat("max_goothoogte"),
        maat("max_bouwhoogte"),
        maat("max_bebouwing"),
    ];
    let mut args = vec!["at", GOES, "--point", point, "--format", "json"];
    for l in &layers {
        args.push("--layers");
        args.push(l);
    }
    let report: Json = serde_json::from_str(&stdout_of(&args)).expect("rules at prints JSON");
    hits(&report)
}

fn text_of<'a>(hits: &'a [(String, String)], title: &str) -> Vec<&'a str> {
    hits.iter().filter(|(t, _)| t == title).map(|(_, text)| text.as_str()).collect()
}

#[test]
fn goes_a_house_in_a_bouwvlak_shows_its_real_values() {
    // Inside a bouwvlak with bestemming Wonen (artikel 9), bouwaanduiding twee-aaneen and the
    // maatvoering "maximum goothoogte 4 m, maximum bouwhoogte 7 m".
    let h = goes_at("51636.78,390864.43");
    assert_eq!(
        text_of(&h, "Bestemming"),
        ["De bestemming is Wonen. Wat hier mag, staat in artikel 9 van de planregels."]
    );
    assert_eq!(text_of(&h, "Bouwvlak").len(), 1);
    assert_eq!(text_of(&h, "Bouwaanduiding"), ["Bouwaanduiding: twee-aaneen."]);
    assert_eq!(text_of(&h, "Maximale goothoogte"), ["De goot mag hier hoogstens 4 m hoog zijn."]);
    assert_eq!(text_of(&h, "Maximale bouwhoogte"), ["Hier mag u hoogstens 7 m hoog bouwen."]);
    assert!(text_of(&h, "Maximaal bebouwingspercentage").is_empty());
    assert_eq!(
        text_of(&h, "Dubbelbestemming"),
        ["Hier geldt ook de dubbelbestemming Waarde - Archeologie - 2 (artikel 11). Voor graven of bouwen kunnen extra regels gelden."]
    );
    assert_eq!(
        text_of(&h, "Plan"),
        ["Hier geldt het bestemmingsplan Stationsomgeving Zuid-Oost van de gemeente Goes (vastgesteld 2014-02-13). Het is nu een deel van het omgevingsplan."]
    );
}

#[test]
fn goes_a_company_shows_height_and_bebouwingspercentage() {
    // Bedrijf with "specifieke vorm van bedrijf - machinefabriek": at most 6 m and 80%.
    let h = goes_at("51527.58,390836.55");
    assert_eq!(
        text_of(&h, "Bestemming"),
        ["De bestemming is Bedrijf. Wat hier mag, staat in artikel 3 van de planregels."]
    );
    assert_eq!(text_of(&h, "Functieaanduiding"), ["Functieaanduiding: specifieke vorm van bedrijf - machinefabriek."]);
    assert_eq!(text_of(&h, "Maximale bouwhoogte"), ["Hier mag u hoogstens 6 m hoog bouwen."]);
    assert_eq!(
        text_of(&h, "Maximaal bebouwingspercentage"),
        ["Hier mag hoogstens 80% van het bouwvlak bebouwd worden."]
    );
    assert!(text_of(&h, "Maximale goothoogte").is_empty());
    // Another company plot: 10 m and 100%.
    let h = goes_at("51449.01,390877.38");
    assert_eq!(text_of(&h, "Maximale bouwhoogte"), ["Hier mag u hoogstens 10 m hoog bouwen."]);
    assert_eq!(
        text_of(&h, "Maximaal bebouwingspercentage"),
        ["Hier mag hoogstens 100% van het bouwvlak bebouwd worden."]
    );
    // A bouwvlak with three values in one maatvoering: goot 8 m, bouwhoogte 8 m, 15%.
    let h = goes_at("50407.22,390946.61");
    assert_eq!(text_of(&h, "Maximale goothoogte"), ["De goot mag hier hoogstens 8 m hoog zijn."]);
    assert_eq!(text_of(&h, "Maximale bouwhoogte"), ["Hier mag u hoogstens 8 m hoog bouwen."]);
    assert_eq!(
        text_of(&h, "Maximaal bebouwingspercentage"),
        ["Hier mag hoogstens 15% van het bouwvlak bebouwd worden."]
    );
}

#[test]
fn goes_a_garden_outside_the_bouwvlak_has_no_bouwvlak_text() {
    // Wonen with functieaanduiding "erf": no bouwvlak, no maatvoering.
    let h = goes_at("51626.3,390862.42");
    assert_eq!(
        text_of(&h, "Bestemming"),
        ["De bestemming is Wonen. Wat hier mag, staat in artikel 9 van de planregels."]
    );
    assert_eq!(text_of(&h, "Functieaanduiding"), ["Functieaanduiding: erf."]);
    assert!(text_of(&h, "Bouwvlak").is_empty(), "{h:?}");
    assert!(text_of(&h, "Maximale bouwhoogte").is_empty(), "{h:?}");
}

#[test]
fn goes_outside_the_plan_nothing_applies() {
    assert!(goes_at("52600,391200").is_empty());
}

#[test]
fn gemeentestad_shows_the_norm_value_of_the_spot() {
    let layers = format!("maximum_bouwhoogte={GEMEENTESTAD_GIO}");
    let at = |point: &str| {
        let report: Json = serde_json::from_str(&stdout_of(&[
            "at",
            GEMEENTESTAD,
            "--layers",
            &layers,
            "--point",
            point,
            "--format",
            "json",
        ]))
        .expect("rules at prints JSON");
        hits(&report)
    };
    assert_eq!(
        at("138246.66,423829.32"),
        [(
            "Maximale bouwhoogte".to_string(),
            "Hier mag u hoogstens 7 m hoog bouwen (maximum bouwhoogte bedrijfsgebouw, gemeten in meters boven maaiveld). Werkingsgebied: Zuilichem industriegebied 1.".to_string()
        )]
    );
    let h = at("138400.32,424548.86");
    assert_eq!(h.len(), 1, "{h:?}");
    assert!(h[0].1.starts_with("Hier mag u hoogstens 13 m hoog bouwen"), "{h:?}");
    assert!(h[0].1.ends_with("Werkingsgebied: Zuilichem industriegebied 3."), "{h:?}");
    assert!(at("137000,423000").is_empty());
}

#[test]
fn gemeentestad_through_the_library() {
    let checked = compile(GEMEENTESTAD, &read(GEMEENTESTAD));
    assert!(checked.diagnostics.is_empty(), "{:?}", checked.diagnostics);
    let rs = checked.ruleset.expect("the ruleset compiles");
    let mut facts = Facts::new(&rs);
    let gio: Json = serde_json::from_str(&read(GEMEENTESTAD_GIO)).expect("GeoJSON");
    facts.bind_layer(&rs, "maximum_bouwhoogte", &gio).expect("the GIO binds");
    let found = at_point(&rs, &facts, 138_403.38, 424_221.09);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].feature, "EFAAD5E9-B181-4C22-9C3B-B290F4586D82");
    assert!(
        found[0].text.contains("13 m") && found[0].text.contains("Zuilichem industriegebied 4"),
        "{}",
        found[0].text
    );
}

#[test]
fn boom_kappen_marks_the_monumental_trees_on_the_map() {
    let ruleset = "rulesets/gemeente-voorbeeldstad/boom-kappen.rules";
    let monumental = "monumental_trees=data/fictief/voorbeeldstad_monumentale_bomen.geojson";
    let trees = "trees=data/geo/otterlo_bgt_vegetatieobject.geojson";
    let at = |point: &str| {
        let report: Json = serde_json::from_str(&stdout_of(&[
            "at", ruleset, "--layers", monumental, "--layers", trees, "--point", point, "--format", "json",
        ]))
        .expect("rules at prints JSON");
        hits(&report)
    };
    // On the (fictionally) monumental lime behind OTL02 B 2353.
    let h = at("181189.662,456636.541");
    assert_eq!(
        text_of(&h, "Monumentale boom"),
        ["Hier staat een monumentale boom: de Achtertuinlinde, een linde (Tilia). Kappen mag alleen met een vergunning."]
    );
    assert_eq!(text_of(&h, "Boom").len(), 1, "{h:?}");
    // On an ordinary BGT tree 7 m further: a tree, not monumental.
    let h = at("181189.199,456643.823");
    assert!(text_of(&h, "Monumentale boom").is_empty(), "{h:?}");
    assert_eq!(text_of(&h, "Boom").len(), 1, "{h:?}");
}

#[test]
fn the_fictional_data_is_marked_as_fictional() {
    let readme = read("data/fictief/README.md");
    for file in ["voorbeeldstad_monumentale_bomen.geojson", "voorbeeldstad_centrumgebied.geojson"] {
        assert!(readme.contains(file), "data/fictief/README.md does not describe {file}");
        let json: Json = serde_json::from_str(&read(&format!("data/fictief/{file}"))).expect("GeoJSON");
        assert_eq!(json["metadata"]["fictief"], Json::Bool(true), "{file}");
    }
    assert!(workspace_root().join("rulesets/goes/flatten_maatvoering.py").exists());
}

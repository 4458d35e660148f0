//! STTR import: the real Amsterdam files and a fictional file with every supported extension
//! convert, check and evaluate; problems are reported with the DMN element they are in; malformed
//! files give errors, never panics.

use std::path::PathBuf;

use rules_core::case;
use rules_core::dmn::sttr::{import, import_with, DmnDiagnostic, Import, ImportOptions, SttrError};
use rules_core::{evaluate, Facts, Options};
use serde_json::json;

fn root() -> PathBuf {
    rules_tests::workspace_root()
}

fn read(relative: &str) -> String {
    let p = root().join(relative);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

const GEO: &str = "rulesets/amsterdam/amsterdam_vergunningcheck_geo.dmn";
const DAKKAPEL_MONUMENT: &str = "rulesets/amsterdam/amsterdam_vergunningcheck_with-conclusion-description.dmn";
const FICTIONAL: &str = "tests/sttr/dakkapel_voorbeeld.dmn";

fn imported(relative: &str) -> Import {
    import(relative, &read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}: {:?}", e.diagnostics()))
}

fn codes(i: &Import) -> Vec<&'static str> {
    i.diagnostics.iter().map(|d| d.code).collect()
}

fn find<'a>(i: &'a Import, code: &str) -> &'a DmnDiagnostic {
    i.diagnostics.iter().find(|d| d.code == code).unwrap_or_else(|| panic!("no {code} in {:?}\n{}", codes(i), i.text))
}

#[test]
fn geo_file_converts_checks_and_reports_the_boolean_location() {
    let i = imported(GEO);
    assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
    assert!(!i.diagnostics.iter().any(DmnDiagnostic::is_error));
    let d004 = find(&i, "D004");
    assert_eq!(d004.element.as_deref(), Some("input__6955a83b-e19c-4014-9655-3076879ea74f"));
    assert!(d004.position.is_some_and(|p| p.line > 1));
    assert!(i.text.contains("input in_gebied_4: location"), "{}", i.text);
    assert!(i.text.contains("nl.imow-gm0363.gebied.4"), "the comment names the area id");
    assert!(i.text.contains("activity \"nl.imow-gm0363.activiteit.2\""));
    assert!(i.text.contains("rule ja, deels -> Vergunningplicht"), "{}", i.text);
    // Its ANY tables are consistent: no D005.
    assert!(!codes(&i).contains(&"D005"), "{:?}", codes(&i));
    assert!(codes(&i).contains(&"D008"), "hyphenated names are reported");
}

#[test]
fn the_any_table_whose_rows_disagree_is_reported_and_read_as_first() {
    let i = imported(DAKKAPEL_MONUMENT);
    let d005 = find(&i, "D005");
    assert_eq!(d005.element.as_deref(), Some("_6497a6f9-6ef8-40c4-b548-b69f4d6e358a"), "the decision table id");
    assert!(
        d005.message.contains("_c190faa9-6503-4e44-841e-bf35bf9f310b")
            && d005.message.contains("_5412cc86-bcdb-471d-a9ad-82a7141b64f5"),
        "{}",
        d005.message
    );
    // The table is named by the title the officer sees, not by its DMN name.
    assert!(d005.message.starts_with("ANY table of \"Conclusie\": "), "{}", d005.message);
    assert!(i.text.contains("decision conclusie \"Conclusie\" table FIRST"), "{}", i.text);
    assert!(i.text.contains("because \"Uitleg bij Neem Contact Op Met.\""), "{}", i.text);
    let rs = i.ruleset.expect("checks");
    let mut facts = Facts::new(&rs);
    facts.answer(&rs, "gebouw_dakkapel_welstandsvrij", &json!(true)).expect("answer");
    facts.answer(&rs, "dakkapel_dak_gemeentelijk", &json!(true)).expect("answer");
    let o = evaluate(&rs, &facts, &Options::default()).expect("evaluates");
    assert_eq!(o.decisions[0].outcome, json!("NeemContactOp"));
}

#[test]
fn converted_text_is_formatted_stable_and_round_trips() {
    for f in [GEO, DAKKAPEL_MONUMENT, FICTIONAL] {
        let i = imported(f);
        assert_eq!(
            rules_core::syntax::print::format_source(&i.text).as_deref(),
            Ok(i.text.as_str()),
            "{f} is in canonical layout"
        );
        assert_eq!(imported(f).text, i.text, "{f}: conversion is deterministic");
        // Compiling the printed text gives the same ruleset as the import did.
        let again = rules_core::compile("again.rules", &i.text);
        assert_eq!(again.ruleset.is_some(), i.ruleset.is_some());
    }
}

/// The example cases next to the real files, run through the library (as `rules test` does).
#[test]
fn example_cases_walk_every_conclusion() {
    for (dmn, cases_file) in [
        (GEO, "rulesets/amsterdam/amsterdam_vergunningcheck_geo.cases.json"),
        (DAKKAPEL_MONUMENT, "rulesets/amsterdam/amsterdam_vergunningcheck_with-conclusion-description.cases.json"),
    ] {
        let rs = imported(dmn).ruleset.expect("checks");
        let cases = case::parse_cases(&read(cases_file)).expect("case file");
        let mut conclusions = std::collections::BTreeSet::new();
        for (k, c) in cases.iter().enumerate() {
            let label = c.label(k);
            let (facts, options) = case::facts_for(&rs, c, &label, &mut |_| Err("no files".into())).expect("facts");
            let result = evaluate(&rs, &facts, &options);
            let problems = case::verify(c, &result);
            assert!(problems.is_empty(), "{cases_file} {label}: {problems:?}");
            if let Ok(o) = &result {
                if let Some(s) = o.decisions[0].outcome.as_str() {
                    conclusions.insert(s.to_string());
                }
            }
        }
        let expected: &[&str] = if dmn == GEO {
            &["Toestemmingsvrij", "Vergunningplicht"]
        } else {
            &["NeemContactOp", "Toestemmingsvrij", "Vergunningplicht"]
        };
        for c in expected {
            assert!(conclusions.contains(*c), "{cases_file}: no case reaches {c}");
        }
    }
}

#[test]
fn fictional_file_covers_every_extension() {
    let i = imported(FICTIONAL);
    assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
    let t = &i.text;
    // Options, help (with per-option and long help), priorities renumbered across groups.
    assert!(t.contains("question dakvlak: choice(\"Voorkant\", \"Zijkant\", \"Achterkant\")"), "{t}");
    assert!(t.contains("help \"Voorkant: De kant van de voordeur.\""), "{t}");
    assert!(t.contains("help \"Gemeten vanaf de voet van de dakkapel.\\n\\nTel de dakrand mee.\""), "{t}");
    assert!(t.contains("// Regelgroep \"Afmetingen\""), "{t}");
    // Fixed values are lets; the caveat is a check; the attachment a question.
    assert!(t.contains("let illegaal = false"), "{t}");
    assert!(
        t.contains(
            "decision voorbehoud_beschermde_vogel \"Voorbehoud: Nestelt er een beschermde vogel onder het dak?\""
        ),
        "{t}"
    );
    assert!(t.contains("question bijlage_situatieschets: bool"), "{t}");
    // PRIORITY sorted by outputValues, references and explanations per row.
    assert!(t.contains("table FIRST") && t.contains("ref \"/akn/nl/act/bwb/2019/erfgoedwet/art_11\""), "{t}");
    assert!(
        t.contains("COLLECT sum")
            && t.contains("RULE ORDER")
            && t.contains("[0 .. 175)")
            && t.contains("(250 .. 1000]"),
        "{t}"
    );
    // contains(?, ...) on a decision with known outputs becomes the matching values.
    assert!(t.contains("rule \"Vergunningplicht pad 1_\" -> \"Hoger dan 2,5 m\""), "{t}");
    // The numeric gap of the `Pad hoogte` table (above 1000) is reported with its table id and
    // gets the national "no hit" result (an empty path) instead of a runtime error.
    let d016 = find(&i, "D016");
    assert_eq!(d016.element.as_deref(), Some("t_pad"));
    assert!(d016.message.contains("when hoogte_dakkapel > 1000:"), "{}", d016.message);
    assert!(!codes(&i).contains(&"W004"), "{:?}", codes(&i));

    let rs = i.ruleset.expect("checks");
    let answer = |pairs: &[(&str, serde_json::Value)]| {
        let mut f = Facts::new(&rs);
        for (k, v) in pairs {
            f.answer(&rs, k, v).unwrap_or_else(|e| panic!("{k}: {e}"));
        }
        evaluate(&rs, &f, &Options::default()).expect("evaluates")
    };
    let outcome =
        |o: &rules_core::Outcome, name: &str| o.decisions.iter().find(|d| d.name == name).map(|d| d.outcome.clone());
    let o = answer(&[]);
    assert_eq!(o.needed.first().map(|n| n.input.as_str()), Some("in_gebied_stadsgezicht"), "the location comes first");
    let vrij = answer(&[
        ("in_gebied_stadsgezicht", json!("nee")),
        ("monument", json!(false)),
        ("dakvlak", json!("Achterkant")),
        ("hoogte_dakkapel", json!(150)),
        ("bijlage_situatieschets", json!(true)),
    ]);
    assert_eq!(outcome(&vrij, "Conclusie"), Some(json!("Toestemmingsvrij")));
    assert_eq!(outcome(&vrij, "Leges"), Some(json!(50)));
    let caveat = vrij.decisions.iter().find(|d| d.name.starts_with("Voorbehoud")).expect("the caveat is a decision");
    assert!(caveat.outcome.as_str().unwrap_or("").contains("beschermde vogels"), "{caveat:?}");
    assert_eq!(caveat.because.as_deref(), Some("Aangenomen antwoord: nee."));
    let meld = answer(&[
        ("in_gebied_stadsgezicht", json!("nee")),
        ("monument", json!(false)),
        ("dakvlak", json!("Achterkant")),
        ("hoogte_dakkapel", json!(300)),
    ]);
    assert_eq!(outcome(&meld, "Conclusie"), Some(json!("Meldingsplicht")));
    assert_eq!(outcome(&meld, "Paden"), Some(json!(["Hoger dan 2,5 m", "Gecontroleerd"])));
    let monument = answer(&[
        ("in_gebied_stadsgezicht", json!("deels")),
        ("monument", json!(true)),
        ("dakvlak", json!("Voorkant")),
    ]);
    assert_eq!(outcome(&monument, "Conclusie"), Some(json!("Vergunningplicht")));
    assert_eq!(outcome(&monument, "Leges"), Some(json!(275.5)));
}

/// Variants of the fictional file with one real-world mistake each: every mistake is found and
/// reported with the DMN element it is in.
#[test]
fn mistakes_are_reported_with_their_dmn_element() {
    let base = read(FICTIONAL);
    // --strict: a file with its own bugs is refused (without it, it runs as the national system runs it).
    let strict = ImportOptions { strict: true };
    let variant = |from: &str, to: &str| {
        assert!(base.contains(from), "fixture has {from}");
        import_with("variant.dmn", &base.replacen(from, to, 1), &strict)
            .unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()))
    };

    // Option text with the wrong capital: "achterkant" vs the option "Achterkant".
    let i = variant(r#"<dmn:text>"Achterkant"</dmn:text>"#, r#"<dmn:text>"achterkant"</dmn:text>"#);
    let e = find(&i, "E008");
    assert_eq!(e.element.as_deref(), Some("dv_achter_1"), "{e:?}");
    assert!(e.help.as_deref().unwrap_or("").contains("\"Achterkant\""));
    assert!(e.position.is_some());
    assert!(i.ruleset.is_none());

    // A boolean question compared with "ja".
    let i = variant(
        r#"<dmn:inputEntry id="r_monument_2"><dmn:text>true</dmn:text>"#,
        r#"<dmn:inputEntry id="r_monument_2"><dmn:text>"ja"</dmn:text>"#,
    );
    assert_eq!(find(&i, "E005").element.as_deref(), Some("r_monument_2"));
    assert_eq!(find(&i, "D006").element.as_deref(), Some("r_monument_2"));

    // Overlapping rules in a UNIQUE table (read as FIRST for its "no hit" above 1000, so the
    // import reports the overlap itself).
    let i = variant(r#"<dmn:text>&lt;= 250</dmn:text>"#, r#"<dmn:text>&lt;= 300</dmn:text>"#);
    let w = find(&i, "D011");
    assert_eq!(w.element.as_deref(), Some("p_laag"), "{w:?}");
    assert!(w.message.contains("rules 1 and 2"), "{w:?}");

    // A FIRST rule that can never apply: rule 1 takes every height below 175 whatever the sketch.
    let shadowed = base
        .replacen(
            r#"<dmn:inputEntry id="m_laag_2"><dmn:text>true</dmn:text>"#,
            r#"<dmn:inputEntry id="m_laag_2"><dmn:text>-</dmn:text>"#,
            1,
        )
        .replacen(r#"<dmn:text>&gt;= 175</dmn:text>"#, r#"<dmn:text>[0..100]</dmn:text>"#, 1);
    let i = import("variant.dmn", &shadowed).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(find(&i, "W003").element.as_deref(), Some("m_hoog"));

    // A conclusion misspelt.
    let i = variant(
        r#"<dmn:text>"Meldingsplicht"</dmn:text></dmn:outputEntry>"#,
        r#"<dmn:text>"Meldingsplichtig"</dmn:text></dmn:outputEntry>"#,
    );
    assert!(i.ruleset.is_none(), "{:?}", codes(&i));
    assert!(
        i.diagnostics.iter().any(|d| d.is_error() && d.element.as_deref() == Some("r_maten_o")),
        "{:?}",
        i.diagnostics
    );

    // A location compared with a boolean-declared column, and a missing conclusion.
    let i = variant(r#"<dmn:text>"Verbod"</dmn:text>"#, "<dmn:text></dmn:text>");
    assert!(
        i.diagnostics.iter().any(|d| d.code == "D009" && d.element.as_deref() == Some("r_illegaal_o")),
        "{:?}",
        i.diagnostics
    );

    // Unsupported FEEL names the element and the expression.
    let i = variant("&gt;= 175", "&gt;= 175 * Hoogte dakkapel ** 2");
    let d = i.diagnostics.iter().find(|d| d.code == "D002").expect("D002");
    assert_eq!(d.element.as_deref(), Some("m_hoog_1"));
    assert!(d.message.contains("**"), "{}", d.message);
}

#[test]
fn malformed_files_give_errors_not_panics() {
    let base = read(FICTIONAL);
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("not xml", "dit is geen XML".into()),
        ("truncated", base[..base.len() / 2].to_string()),
        (
            "missing namespace",
            base.replace("xmlns:dmn=\"https://www.omg.org/spec/DMN/20191111/MODEL/\"", "xmlns:dmn=\"urn:x\""),
        ),
        ("unknown hit policy", base.replace("hitPolicy=\"UNIQUE\"", "hitPolicy=\"SOMETIMES\"")),
        ("bad FEEL", base.replace("[0..175)", "[0..175")),
        (
            "dangling reference",
            base.replace(
                "href=\"#u_monument\"/></dmn:extensionElements>",
                "href=\"#u_nergens\"/></dmn:extensionElements>",
            ),
        ),
        ("binary", String::from_utf8_lossy(&[0u8, 159, 146, 150, 255, 0, 1]).to_string()),
    ];
    for (what, text) in cases {
        match import("bad.dmn", &text) {
            Err(SttrError::Xml(_)) => {}
            // A decision with an error is left out; the rest converts.
            Ok(i) => {
                assert!(i.diagnostics.iter().any(DmnDiagnostic::is_error), "{what}: no error: {:?}", i.diagnostics)
            }
        }
    }
    // Every error names where it is.
    let i = import("bad.dmn", &base.replace("[0..175)", "[0..175")).unwrap_or_else(|e| panic!("{e}"));
    let d = i.diagnostics.iter().find(|d| d.is_error()).expect("an error");
    assert_eq!((d.code, d.element.as_deref()), ("D002", Some("m_laag_1")));
    assert!(d.render("bad.dmn").starts_with("bad.dmn:"), "{}", d.render("bad.dmn"));
}

#[test]
fn cli_imports_and_runs_a_dmn_directly() {
    let out = rules_tests::rules().args(["import-sttr", GEO]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("decision conclusie \"Conclusie\""));
    assert!(String::from_utf8_lossy(&out.stderr).contains("warning[D004]"));

    let target = std::env::temp_dir().join(format!("rules-sttr-{}.rules", std::process::id()));
    let out =
        rules_tests::rules().args(["import-sttr", FICTIONAL, "-o", &target.to_string_lossy()]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let check = rules_tests::rules().args(["check", &target.to_string_lossy()]).output().expect("runs");
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stderr));
    let _ = std::fs::remove_file(&target);

    let test = rules_tests::rules().args(["test", "rulesets/amsterdam"]).output().expect("runs");
    let stdout = String::from_utf8_lossy(&test.stdout);
    assert_eq!(test.status.code(), Some(0), "{stdout}");
    assert!(stdout.lines().last().is_some_and(|l| l.ends_with(" passed, 0 failed")), "{stdout}");

    let bad = rules_tests::rules().args(["import-sttr", "rulesets/amsterdam/README.md"]).output().expect("runs");
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("D001"), "{}", String::from_utf8_lossy(&bad.stderr));
}

/// Every STTR file type we accept (Conclusie files with paths, Maatregelen, Indieningsvereisten,
/// aansluitpunten, builders' names, files with their own bugs, numbers below zero, the real
/// Amsterdam files), through the command line from the first command to the outcome: import, check
/// the converted rules, follow `next` with answers until nothing is asked, evaluate, and run the
/// file's example cases.
#[test]
fn cli_walks_every_sttr_file_from_import_to_outcome() {
    let dir = rules_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "sttr_walk");
    let mut files = rules_tests::files_ending_with("tests/sttr", ".dmn");
    files.extend(rules_tests::files_ending_with("rulesets/amsterdam", ".dmn"));
    assert!(files.len() >= 10, "{files:?}");
    let text = |b: &[u8]| String::from_utf8_lossy(b).to_string();
    for f in &files {
        let rules = dir.join("converted.rules");
        let out = rules_tests::rules().args(["import-sttr", f, "-o", &rules.to_string_lossy()]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{f}: {}", text(&out.stderr));
        assert!(text(&out.stderr).contains(": 0 errors, "), "{f}: {}", text(&out.stderr));
        let out = rules_tests::rules().args(["check", &rules.to_string_lossy()]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{f}: {}", text(&out.stderr));
        // The questionnaire: each question answered with a value of its type, until none is left.
        let case = dir.join("case.json");
        let mut answers = serde_json::Map::new();
        for _ in 0..40 {
            std::fs::write(&case, json!({ "answers": answers }).to_string()).expect("writes");
            let out = rules_tests::rules()
                .args(["next", f, "--case", &case.to_string_lossy(), "--format", "json"])
                .output()
                .expect("runs");
            assert_eq!(out.status.code(), Some(0), "{f}: {}", text(&out.stderr));
            let q: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
            let Some(input) = q["input"].as_str() else { break };
            assert!(!answers.contains_key(input), "{f}: asks {input} again");
            let value = match q["type"].as_str().unwrap_or("") {
                "bool" => json!(false),
                "location" => json!("nee"),
                "text" => q["options"].get(0).cloned().unwrap_or(json!("een toelichting")),
                t if t.starts_with("choice") => q["options"][0].clone(),
                _ => json!(2),
            };
            answers.insert(input.to_string(), value);
        }
        std::fs::write(&case, json!({ "answers": answers }).to_string()).expect("writes");
        let out = rules_tests::rules().args(["eval", f, "--case", &case.to_string_lossy()]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{f}: {}", text(&out.stderr));
        assert!(text(&out.stdout).lines().count() >= 2, "{f}: {}", text(&out.stdout));
        let cases = f.replace(".dmn", ".cases.json");
        let out = rules_tests::rules().args(["test", &cases]).output().expect("runs");
        assert_eq!(out.status.code(), Some(0), "{f}: {}", text(&out.stdout));
    }
}

/// A file with one decision that cannot be converted: `import-sttr` reports it (exit 1) and still
/// writes the rest, and `eval` runs the rest, the left-out conclusion answering NeemContactOp.
#[test]
fn cli_leaves_out_a_broken_decision_and_runs_the_rest() {
    let dir = rules_tests::scratch_dir(env!("CARGO_TARGET_TMPDIR"), "sttr_broken");
    let file = dir.join("boom_kappen_een_fout.dmn");
    let base = read("tests/sttr/conclusie_boom_kappen.dmn");
    assert!(base.contains("<dmn:text>&gt;= 80</dmn:text></dmn:inputEntry><dmn:inputEntry id=\"d_pad2_r1_i1\">"));
    std::fs::write(&file, base.replacen("<dmn:text>&gt;= 80</dmn:text>", "<dmn:text>&gt;= 80 ** 2</dmn:text>", 1))
        .expect("writes");
    let f = file.to_string_lossy().to_string();
    let out = rules_tests::rules().args(["import-sttr", &f]).output().expect("runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("error[D002]") && stderr.contains("[dmn: d_pad2_r1_i0]"), "{stderr}");
    assert!(stderr.contains("error[D017]: decision \"Conclusie\" reads \"Pad 2\""), "{stderr}");
    assert!(stderr.contains("2 decisions not converted (left out): d_pad2, _conclusie"), "{stderr}");
    assert!(stdout.contains("// NOT CONVERTED: decision \"Pad 2\" is left out. D002:"), "{stdout}");
    assert!(stdout.contains("decision pad_1 \"Pad 1\" table"), "{stdout}");
    let case = dir.join("case.json");
    std::fs::write(&case, r#"{"answers": {"monumentale_boom": true}}"#).expect("writes");
    let out = rules_tests::rules().args(["eval", &f, "--case", &case.to_string_lossy()]).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Conclusie: NeemContactOp") && stdout.contains("Pad 1: Vergunningplicht"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("2 decisions not converted"));
}

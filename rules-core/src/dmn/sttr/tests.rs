//! Unit tests of the conversion on small DMN snippets.

use super::diagnose::cell_index;
use super::names::readable;
use super::*;

const HEAD: &str = r#"<definitions xmlns="http://www.omg.org/spec/DMN/20151101/dmn.xsd" name="T" id="defs">"#;

fn dmn(body: &str) -> String {
    format!("{HEAD}{body}</definitions>")
}

fn bool_input(id: &str, name: &str) -> String {
    format!(r#"<inputData id="{id}" name="{name}"><variable name="{name}" typeRef="feel:boolean"/></inputData>"#)
}

fn table(id: &str, name: &str, hit: &str, inputs: &[&str], rows: &[(&str, &[&str], &str)]) -> String {
    let cols: String = inputs
        .iter()
        .enumerate()
        .map(|(k, i)| format!(r#"<input id="{id}_c{k}"><inputExpression><text>{i}</text></inputExpression></input>"#))
        .collect();
    let rules: String = rows
        .iter()
        .map(|(rid, cells, out)| {
            let entries: String = cells
                .iter()
                .enumerate()
                .map(|(k, c)| format!(r#"<inputEntry id="{rid}_{k}"><text>{c}</text></inputEntry>"#))
                .collect();
            format!(r#"<rule id="{rid}">{entries}<outputEntry id="{rid}_o"><text>{out}</text></outputEntry></rule>"#)
        })
        .collect();
    format!(
        r#"<decision id="{id}" name="{name}"><decisionTable id="{id}_t" hitPolicy="{hit}">{cols}<output id="{id}_out"/>{rules}</decisionTable></decision>"#
    )
}

fn codes(i: &Import) -> Vec<&'static str> {
    i.diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn converts_a_simple_table_and_keeps_ids() {
    let text = dmn(&format!(
        "{}{}",
        bool_input("i1", "Monument"),
        table(
            "d1",
            "Conclusie",
            "UNIQUE",
            &["Monument"],
            &[("r1", &["true"], "\"Vergunningplicht\""), ("r2", &["false"], "\"Toestemmingsvrij\"")]
        )
    ));
    let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
    assert!(i.text.contains("// dmn: i1"), "{}", i.text);
    assert!(i.text.contains("rule false -> Toestemmingsvrij // dmn: r2"), "{}", i.text);
    assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
}

#[test]
fn any_table_whose_rows_disagree_is_reported_and_read_as_first() {
    let text = dmn(&format!(
        "{}{}{}",
        bool_input("i1", "A"),
        bool_input("i2", "B"),
        table(
            "d1",
            "Conclusie",
            "ANY",
            &["A", "B"],
            &[
                ("r1", &["true", "-"], "\"NeemContactOpMet\""),
                ("r2", &["-", "true"], "\"Vergunningplicht\""),
                ("r3", &["false", "false"], "\"Toestemmingsvrij\"")
            ]
        )
    ));
    let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}"));
    let d = i.diagnostics.iter().find(|d| d.code == "D005").expect("D005");
    assert_eq!(d.element.as_deref(), Some("d1_t"));
    assert!(d.message.contains("r1 and r2"), "{}", d.message);
    assert!(i.text.contains("table FIRST"), "{}", i.text);
    assert!(i.text.contains("NeemContactOp"), "{}", i.text);
}

#[test]
fn option_case_mismatch_maps_to_the_input_entry() {
    let text = dmn(&(r##"<extensionElements xmlns:uitv="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Uitvoeringsregel"><uitv:uitvoeringsregels>
        <uitv:uitvoeringsregel id="u1"><uitv:vraag><uitv:gegevensType>list</uitv:gegevensType><uitv:vraagTekst>Op welk dakvlak?</uitv:vraagTekst>
        <uitv:opties><uitv:optie><uitv:optieText>Voorkant</uitv:optieText></uitv:optie><uitv:optie><uitv:optieText>Zijkant</uitv:optieText></uitv:optie></uitv:opties></uitv:vraag></uitv:uitvoeringsregel>
        </uitv:uitvoeringsregels></extensionElements>
        <inputData id="i1" name="Dakvlak"><extensionElements><uitv:uitvoeringsregelRef xmlns:uitv="http://toepasbare-regels.omgevingswet.overheid.nl/v1.0/Uitvoeringsregel" href="#u1"/></extensionElements><variable name="Dakvlak" typeRef="string"/></inputData>"##.to_string()
        + &table("d1", "Conclusie", "FIRST", &["Dakvlak"], &[("r1", &["\"zijkant\""], "\"Vergunningplicht\""), ("r2", &["-"], "\"Toestemmingsvrij\"")])));
    // As the national system runs it: the cell never matches, reported as D006, and the rules run.
    let lenient = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
    let d006 = lenient.diagnostics.iter().find(|d| d.code == "D006").unwrap_or_else(|| panic!("{:?}", codes(&lenient)));
    assert_eq!(d006.element.as_deref(), Some("r1_0"));
    assert!(
        lenient.text.contains("Left out, as they can never apply (see the findings on their cells): r1."),
        "{}",
        lenient.text
    );
    assert!(lenient.ruleset.is_some(), "{:?}", lenient.diagnostics);
    // With --strict the file is refused, with the checker's finding on the cell.
    let i = import_with("t.dmn", &text, &ImportOptions { strict: true })
        .unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
    let e008 = i.diagnostics.iter().find(|d| d.code == "E008").unwrap_or_else(|| panic!("{:?}\n{}", codes(&i), i.text));
    assert_eq!(e008.element.as_deref(), Some("r1_0"), "{e008:?}");
    assert!(e008.help.as_deref().unwrap_or("").contains("Zijkant"));
    assert!(i.ruleset.is_none());
}

#[test]
fn boolean_compared_with_text_is_a_type_error() {
    let text = dmn(&format!(
        "{}{}",
        bool_input("i1", "Monument"),
        table(
            "d1",
            "Conclusie",
            "FIRST",
            &["Monument"],
            &[("r1", &["\"ja\""], "\"Vergunningplicht\""), ("r2", &["-"], "\"Toestemmingsvrij\"")]
        )
    ));
    let lenient = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}"));
    assert!(codes(&lenient).contains(&"D006") && lenient.ruleset.is_some(), "{:?}", codes(&lenient));
    let i = import_with("t.dmn", &text, &ImportOptions { strict: true }).unwrap_or_else(|e| panic!("{e}"));
    assert!(codes(&i).contains(&"D006"), "{:?}", codes(&i));
    let e = i.diagnostics.iter().find(|d| d.code == "E005").unwrap_or_else(|| panic!("{:?}\n{}", codes(&i), i.text));
    assert_eq!(e.element.as_deref(), Some("r1_0"));
}

#[test]
fn unsupported_feel_is_an_error_naming_the_element() {
    let text = dmn(&format!(
        "{}{}",
        bool_input("i1", "A"),
        table(
            "d1",
            "Conclusie",
            "FIRST",
            &["A"],
            &[("r1", &["true"], "\"x\" ** 2"), ("r2", &["-"], "for x in [1] return x")]
        )
    ));
    let i = import("t.dmn", &text).unwrap_or_else(|e| panic!("{e}"));
    let ds = &i.diagnostics;
    assert!(ds.iter().any(|d| d.code == "D002" && d.element.as_deref() == Some("r1_o")), "{ds:?}");
    assert!(
        ds.iter().any(|d| d.code == "D002" && d.element.as_deref() == Some("r2_o") && d.message.contains("for x in")),
        "{ds:?}"
    );
}

#[test]
fn malformed_files_are_errors_not_panics() {
    assert!(matches!(import("x.dmn", "not xml at all"), Err(SttrError::Xml(XmlError::NotXml(_)))));
    assert!(matches!(import("x.dmn", "<definitions/>"), Err(SttrError::Xml(XmlError::NotDmn { .. }))));
    // A decision that cannot be converted is an error naming its element; it is left out.
    let first_error = |text: &str| {
        let i = import("x.dmn", text).unwrap_or_else(|e| panic!("{e}"));
        assert!(!i.not_converted.is_empty(), "{}", i.text);
        i.diagnostics.into_iter().find(DmnDiagnostic::is_error).expect("an error")
    };
    let bad_hit = dmn(r#"<decision id="d" name="D"><decisionTable id="t" hitPolicy="MOSTLY"/></decision>"#);
    let d = first_error(&bad_hit);
    assert!(d.code == "D001" && d.element.as_deref() == Some("d") && d.message.contains("MOSTLY"), "{d:?}");
    let bad_feel =
        dmn(&format!("{}{}", bool_input("i1", "A"), table("d1", "D", "FIRST", &["A"], &[("r1", &["[1..("], "1")])));
    let d = first_error(&bad_feel);
    assert!(d.code == "D002" && d.element.as_deref() == Some("r1_0"), "{d:?}");
    let no_logic = dmn(r#"<decision id="d" name="D"/>"#);
    assert_eq!(first_error(&no_logic).code, "D009");
}

#[test]
fn one_bad_decision_leaves_the_others_converted() {
    // Pad 2 cannot be converted (`**`); the conclusion reads it, so it is left out too and answers
    // NeemContactOp; Pad 1 and Leges, which do not read it, are converted and run.
    let body = format!(
        "{}{}{}{}{}{}",
        bool_input("i1", "Hoog"),
        bool_input("i2", "Breed"),
        bool_input("i3", "Ongebruikt"),
        table(
            "p1",
            "Pad 1",
            "UNIQUE",
            &["Hoog"],
            &[("a1", &["true"], "\"Vergunningplicht\""), ("a2", &["false"], "\"Toestemmingsvrij\"")]
        ),
        r#"<decision id="p2" name="Pad 2"><literalExpression id="l2"><text>if Breed then 2 ** 3 else 1</text></literalExpression></decision>"#,
        table(
            "top",
            "Conclusie",
            "FIRST",
            &["Pad 1", "Pad 2"],
            &[
                ("t1", &["\"Vergunningplicht\"", "-"], "\"Vergunningplicht\""),
                ("t2", &["-", "-"], "\"Toestemmingsvrij\"")
            ]
        ),
    ) + r#"<decision id="leges" name="Leges"><literalExpression id="l3"><text>if Hoog then 100 else 50</text></literalExpression></decision>"#;
    let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(i.not_converted, vec!["p2".to_string(), "top".to_string()], "{}", i.text);
    let d002 = i.diagnostics.iter().find(|d| d.code == "D002").expect("D002");
    assert_eq!(d002.element.as_deref(), Some("l2"));
    let d017 = i.diagnostics.iter().find(|d| d.code == "D017").expect("D017");
    assert_eq!(d017.element.as_deref(), Some("top"));
    assert!(d017.message.contains("\"Pad 2\""), "{}", d017.message);
    assert!(i.text.contains("// NOT CONVERTED: decision \"Pad 2\" is left out. D002:"), "{}", i.text);
    assert!(i.text.contains("otherwise -> NeemContactOp"), "{}", i.text);
    assert!(i.text.contains("decision pad_1 \"Pad 1\" table UNIQUE"), "{}", i.text);
    assert!(i.text.contains("when hoog -> 100"), "{}", i.text);
    assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
    // Breed is read only by Pad 2, which is left out: not "never used", but not asked for that reason.
    let w001 = |id: &str| i.diagnostics.iter().find(|d| d.code == "W001" && d.element.as_deref() == Some(id));
    let breed = w001("i2").expect("W001 on Breed");
    assert_eq!(
        breed.message,
        "question `breed` is read only by decisions that are not converted (\"Pad 2\"), so it is not asked"
    );
    // A question nothing reads is still never used.
    assert_eq!(w001("i3").expect("W001 on Ongebruikt").message, "question `ongebruikt` is never used");
}

#[test]
fn a_gap_names_the_table_as_the_officer_sees_it() {
    // Builders name the top decision `_Conclusie_dummy`; its output column's label is what it is.
    let top = table("top", "_Conclusie_dummy", "UNIQUE", &["Hoog"], &[("t1", &["true"], "\"Vergunningplicht\"")])
        .replace(r#"<output id="top_out"/>"#, r#"<output id="top_out" label="Vergunningcheck aanbouw"/>"#);
    let i = import("t.dmn", &dmn(&format!("{}{top}", bool_input("i1", "Hoog")))).unwrap_or_else(|e| panic!("{e}"));
    let d016 = i.diagnostics.iter().find(|d| d.code == "D016").expect("D016");
    assert!(d016.message.starts_with("no rule of \"Vergunningcheck aanbouw\" applies"), "{}", d016.message);
    assert_eq!(d016.element.as_deref(), Some("top_t"));
}

#[test]
fn contains_on_path_strings_expands_to_the_matching_outputs() {
    let body = format!(
        "{}{}{}",
        bool_input("i1", "A"),
        table(
            "p1",
            "Pad 1",
            "UNIQUE",
            &["A"],
            &[("a1", &["true"], "\"Vergunningplicht pad 1_\""), ("a2", &["false"], "\"no hit\"")]
        ),
        table(
            "top",
            "Conclusie",
            "FIRST",
            &["Pad 1"],
            &[
                ("t1", &["if ?=null then false else contains(?,\"Vergunningplicht\")"], "\"Vergunningplicht\""),
                ("t2", &["-"], "\"Toestemmingsvrij\"")
            ]
        )
    );
    let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
    assert!(i.text.contains("rule \"Vergunningplicht pad 1_\" -> Vergunningplicht"), "{}", i.text);
    assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
}

#[test]
fn priority_tables_are_sorted_by_output_values() {
    let body = format!(
        "{}<decision id=\"d\" name=\"D\"><decisionTable id=\"t\" hitPolicy=\"PRIORITY\"><input id=\"c\"><inputExpression><text>A</text></inputExpression></input>\
         <output id=\"o\"><outputValues><text>\"Vergunningplicht\",\"Toestemmingsvrij\"</text></outputValues></output>\
         <rule id=\"r1\"><inputEntry id=\"e1\"><text>-</text></inputEntry><outputEntry id=\"x1\"><text>\"Toestemmingsvrij\"</text></outputEntry></rule>\
         <rule id=\"r2\"><inputEntry id=\"e2\"><text>true</text></inputEntry><outputEntry id=\"x2\"><text>\"Vergunningplicht\"</text></outputEntry></rule>\
         </decisionTable></decision>",
        bool_input("i1", "A")
    );
    let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}"));
    let first = i.text.find("// dmn: r2").unwrap_or(usize::MAX);
    let second = i.text.find("// dmn: r1").unwrap_or(0);
    assert!(first < second && i.text.contains("table FIRST"), "{}", i.text);
}

#[test]
fn null_tests_become_answer_tests() {
    let inputs = r#"<inputData id="n" name="N"><variable name="N" typeRef="number"/></inputData>
        <inputData id="s" name="S"><variable name="S" typeRef="string"/></inputData>"#;
    let body = format!(
        "{inputs}{}{}",
        bool_input("b", "B"),
        table(
            "d1",
            "D",
            "FIRST",
            &["N", "S", "B"],
            &[
                ("r1", &["not(null)", "not(null)", "not(null)"], "1"),
                ("r2", &["-", "-", "null"], "2"),
                ("r3", &["-", "-", "-"], "3")
            ]
        )
    );
    let i = import("t.dmn", &dmn(&body)).unwrap_or_else(|e| panic!("{e}: {:?}", e.diagnostics()));
    // "Has a value": every answer passes, so the number and the yes/no question need not be asked;
    // a text answer may be empty, which is no value.
    assert!(i.text.contains("rule - | != \"\" | - -> 1"), "{}", i.text);
    // "Has no value" never holds for an answer: the rule is left out (and reported).
    assert!(
        !i.text.contains("-> 2 // dmn: r2")
            && i.text.contains("Left out, as they can never apply (see the findings on their cells): r2."),
        "{}",
        i.text
    );
    assert_eq!(i.diagnostics.iter().find(|d| d.code == "D007").and_then(|d| d.element.as_deref()), Some("r2_2"));
    assert!(i.ruleset.is_some(), "{:?}", i.diagnostics);
}

#[test]
fn names_read_well() {
    let mut n = Namer::default();
    assert_eq!(n.name_for_question("Gaat u een aanbouw maken aan een rijksmonument?"), "aanbouw_rijksmonument");
    assert_eq!(n.name_for_question("Wordt de aanbouw hoger dan 0,3m boven de vloer?"), "aanbouw_hoger_0_3m_vloer");
    assert_eq!(n.name_for_question("Wordt de 2e bouwlaag gebruikt?"), "vraag_2e_bouwlaag_gebruikt");
    assert_eq!(n.name_for("Plat dak"), "plat_dak");
    assert_eq!(n.name_for("Plat dak"), "plat_dak_2");
    assert_eq!(n.name_for("Area"), "area_2");
    assert!(!readable("_6955a83b-e19c-4014-9655-3076879ea74f"));
    assert!(readable("Pad 1"));
    assert_eq!(cell_index("  rule a | \"x|y\" | "), Some(2));
    assert_eq!(cell_index("  rule a | b -> "), None);
}

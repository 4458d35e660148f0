//! STTR files as the Omgevingsloket runs them: one test file per pattern that real files from
//! municipalities and rule builders use (tests/sttr/), each converting with 0 errors and evaluating
//! to the outcome the national system gives (the `.cases.json` next to it); and over every STTR
//! file we have, the promise of native rulesets: no question is asked whose answer cannot change a
//! conclusion.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rules_core::case;
use rules_core::dmn::sttr::{import, import_with, DmnDiagnostic, Import, ImportOptions};
use rules_core::eval::outcome::DecisionStatus;
use rules_core::value::Type;
use rules_core::{evaluate, Facts, Options, Ruleset};
use serde_json::{json, Value as Json};

fn root() -> PathBuf {
    rules_tests::workspace_root()
}

fn read(relative: &str) -> String {
    let p = root().join(relative);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("cannot read {}: {e}", p.display()))
}

fn imported(relative: &str) -> Import {
    import(relative, &read(relative)).unwrap_or_else(|e| panic!("{relative}: {e}: {:?}", e.diagnostics()))
}

fn codes(i: &Import) -> Vec<&'static str> {
    i.diagnostics.iter().map(|d| d.code).collect()
}

fn find<'a>(i: &'a Import, code: &str) -> Vec<&'a DmnDiagnostic> {
    i.diagnostics.iter().filter(|d| d.code == code).collect()
}

/// Every file under rulesets/ and tests/sttr/ whose name ends with `suffix`, relative to the
/// workspace root with forward slashes, sorted.
fn repo_files(suffix: &str) -> Vec<String> {
    let mut out = Vec::new();
    for dir in ["rulesets", "tests/sttr"] {
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e}", d.display())).flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if p.to_string_lossy().ends_with(suffix) {
                    out.push(p.strip_prefix(root()).unwrap_or(&p).to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.sort();
    out
}

/// Every `.dmn` in rulesets/ and tests/sttr/.
fn sttr_files() -> Vec<String> {
    repo_files(".dmn")
}

fn eval_with(rs: &Ruleset, answers: &BTreeMap<String, Json>) -> rules_core::Outcome {
    let mut f = Facts::new(rs);
    for (k, v) in answers {
        f.answer(rs, k, v).unwrap_or_else(|e| panic!("{k} = {v}: {e}"));
    }
    evaluate(rs, &f, &Options::default()).unwrap_or_else(|e| panic!("{}: {}", e.code, e.message))
}

#[test]
fn every_sttr_file_converts_without_errors_and_its_cases_pass() {
    let files = sttr_files();
    assert!(files.len() >= 9, "{files:?}");
    for f in &files {
        let i = imported(f);
        let errors: Vec<&DmnDiagnostic> = i.diagnostics.iter().filter(|d| d.is_error()).collect();
        assert!(errors.is_empty(), "{f}: {errors:?}");
        let rs = i.ruleset.unwrap_or_else(|| panic!("{f} does not check"));
        let cases_file = f.replace(".dmn", ".cases.json");
        assert!(root().join(&cases_file).exists(), "{f} has example cases");
        let cases = case::parse_cases(&read(&cases_file)).expect("case file");
        for (k, c) in cases.iter().enumerate() {
            let label = c.label(k);
            let (facts, options) = case::facts_for(&rs, c, &label, &mut |_| Err("no files".into())).expect("facts");
            let problems = case::verify(c, &evaluate(&rs, &facts, &options));
            assert!(problems.is_empty(), "{cases_file} {label}: {problems:?}");
        }
    }
}

#[test]
fn maatregelen_table_with_two_output_columns_becomes_a_decision_per_column() {
    let i = imported("tests/sttr/maatregelen_boom_kappen.dmn");
    assert!(!codes(&i).contains(&"D010"), "{:?}", codes(&i));
    assert!(
        i.text.contains("decision maatregelen_maatregel \"Maatregelen (maatregel)\" table RULE ORDER"),
        "{}",
        i.text
    );
    assert!(i.text.contains("decision maatregelen_maatregeltekst \"Maatregelen (maatregelTekst)\" table RULE ORDER"));
    assert!(i.text.contains("// dmn: _maatregelen_out1"), "the second column's decision names its output column");
}

#[test]
fn aansluitpunt_invocation_binds_its_parameters() {
    let i = imported("tests/sttr/aansluitpunt_schuur.dmn");
    assert!(i.text.contains("inputs hoogte_schuur / 100 | monument"), "{}", i.text);
    assert!(i.text.contains("-> Toestemmingsvrij // dmn: _ap_r2"), "{}", i.text);
    // A binding that names nothing known is reported at its element.
    let bad = read("tests/sttr/aansluitpunt_schuur.dmn").replace("Hoogte schuur / 100", "Breedte schuur / 100");
    let i = import("bad.dmn", &bad).unwrap_or_else(|e| panic!("{e}"));
    assert!(i.diagnostics.iter().any(|d| d.code == "D002" && d.element.as_deref() == Some("_b_hoogte")));
    assert!(!i.not_converted.is_empty(), "{}", i.text);
}

#[test]
fn names_as_rule_builders_write_them() {
    let i = imported("tests/sttr/namen_bijbehorend_bouwwerk.dmn");
    assert!(i.text.contains("question v_2e_bouwlaag: bool"), "{}", i.text);
    assert!(
        i.text.contains("when (opp_bijbehorend_bouwwerk > 50) or (hoogte_in_m > 5) -> true")
            || i.text.contains("opp_bijbehorend_bouwwerk > 50"),
        "{}",
        i.text
    );
    // The hyphen warning counts only names an expression uses (not the unused "Niet-gebruikte vraag").
    let d008 = find(&i, "D008");
    assert_eq!(d008.len(), 1);
    assert!(
        d008[0].message.starts_with("1 DMN variable name") && d008[0].message.contains("Dak-helling"),
        "{}",
        d008[0].message
    );
}

#[test]
fn a_file_with_its_own_bugs_runs_as_the_national_system_runs_it_unless_strict() {
    let f = "tests/sttr/eigen_fouten_dakkapel.dmn";
    let i = imported(f);
    let d006: Vec<Option<&str>> = find(&i, "D006").iter().map(|d| d.element.as_deref()).collect();
    assert_eq!(d006, [Some("_conclusie_r1_i0"), Some("_conclusie_r3_i1")], "{:?}", i.diagnostics);
    assert!(i.ruleset.is_some());
    let strict = import_with(f, &read(f), &ImportOptions { strict: true }).expect("converts");
    assert!(strict.ruleset.is_none());
    assert!(find(&strict, "E005").iter().any(|d| d.element.as_deref() == Some("_conclusie_r1_i0")));
    assert!(find(&strict, "E008").iter().any(|d| d.element.as_deref() == Some("_conclusie_r3_i1")));
    // The CLI: warnings and exit 0, or with --strict errors and exit 1.
    let out = rules_tests::rules().args(["import-sttr", f]).output().expect("runs");
    assert_eq!(out.status.code(), Some(0));
    let out = rules_tests::rules().args(["import-sttr", "--strict", f]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[E008]"));
}

#[test]
fn gaps_in_tables_fed_by_decisions_get_the_no_hit_or_default_result_and_are_reported() {
    let i = imported("tests/sttr/indieningsvereisten_dakkapel.dmn");
    let d016: Vec<Option<&str>> = find(&i, "D016").iter().map(|d| d.element.as_deref()).collect();
    assert!(d016.contains(&Some("_iv_dt")) && d016.contains(&Some("d_toelichting_dt")), "{:?}", i.diagnostics);
    assert!(find(&i, "D016").iter().any(|d| d.message.contains("default output \"Toelichting ontbreekt\"")));
    let rs = i.ruleset.expect("checks");
    // An empty text answer is no answer: the table's "no hit", then the top table's default.
    let o = eval_with(
        &rs,
        &BTreeMap::from([
            ("bijlage_situatietekening".to_string(), json!(true)),
            ("monument".to_string(), json!(false)),
            ("toelichting_bouwplan".to_string(), json!("")),
        ]),
    );
    let outcome = |name: &str| o.decisions.iter().find(|d| d.name == name).map(|d| d.outcome.clone());
    assert_eq!(outcome("Indieningsvereisten"), Some(json!("Toelichting ontbreekt")));
    assert_eq!(outcome("Toelichting gegeven"), Some(json!("")));
}

/// The cause of the wrong answer: the attachment is an upload in the national system, null until
/// added, and its table tests `not(null)`. Read as "has any answer", `nee` passed that test.
#[test]
fn nee_to_an_attachment_question_does_not_count_it_as_supplied() {
    let i = imported("tests/sttr/indieningsvereisten_dakkapel.dmn");
    assert!(i.text.contains("rule true  -> \"Aangeleverd\" // dmn: d_tekening_r1"), "{}", i.text);
    assert!(i.text.contains("rule false -> \"Ontbreekt\" // dmn: d_tekening_r2"), "{}", i.text);
    assert!(find(&i, "D007").is_empty(), "null on an attachment is a real answer: {:?}", i.diagnostics);
    let rs = i.ruleset.expect("checks");
    for (answer, expected) in [(false, "Ontbreekt"), (true, "Aangeleverd")] {
        let o = eval_with(&rs, &BTreeMap::from([("bijlage_situatietekening".to_string(), json!(answer))]));
        let d = o.decisions.iter().find(|d| d.name == "Situatietekening aanwezig").expect("decision");
        assert_eq!(d.outcome, json!(expected), "answer {answer}");
    }
}

/// Negative numbers parse and compare as numbers; a gap in a number column (also one whose input
/// expression is a calculation without a type) is reported with the interval no rule covers, and
/// those answers get the national "no hit".
#[test]
fn negative_numbers_and_gaps_in_number_columns() {
    let i = imported("tests/sttr/kelder_peil.dmn");
    assert!(i.text.contains("rule [-3 .. -1) -> Toestemmingsvrij"), "{}", i.text);
    assert!(i.text.contains("inputs peil_keldervloer - grondwaterstand"), "{}", i.text);
    let gap = |element: &str| {
        find(&i, "D016")
            .into_iter()
            .find(|d| d.element.as_deref() == Some(element))
            .unwrap_or_else(|| panic!("no D016 on {element}: {:?}", i.diagnostics))
            .message
            .clone()
    };
    assert!(gap("_pad_diepte_dt").contains("when peil_keldervloer in [-1 .. 0):"), "{}", gap("_pad_diepte_dt"));
    assert!(
        gap("_pad_grondwater_dt").contains("when (peil_keldervloer - grondwaterstand) in [0.5 .. 1):"),
        "{}",
        gap("_pad_grondwater_dt")
    );
    assert!(find(&i, "D016").iter().all(|d| d.position.is_some()));
    let rs = i.ruleset.expect("checks");
    for (peil, pad) in [
        (-4.0, "Vergunningplicht"),
        (-3.0, "Toestemmingsvrij"),
        (-1.0, "NietVanToepassing"),
        (-0.25, "NietVanToepassing"),
        (0.0, "Toestemmingsvrij"),
    ] {
        let o = eval_with(&rs, &BTreeMap::from([("peil_keldervloer".to_string(), json!(peil))]));
        let d = o.decisions.iter().find(|d| d.name == "Pad diepte").expect("decision");
        assert_eq!(d.outcome, json!(pad), "peil {peil}");
    }
}

/// Break one decision of every STTR file we have (a cell naming a function that does not exist):
/// that decision and the decisions that read it are left out, with a located error and a
/// `// NOT CONVERTED` comment, a top conclusion left out answers NeemContactOp, and every other
/// decision is converted as before.
#[test]
fn one_broken_decision_leaves_the_rest_of_every_file_converted() {
    use rules_core::dmn::xml::{self, Expression};
    let mut checked = 0;
    for f in sttr_files() {
        let text = read(&f);
        let defs = xml::read(&text).expect("reads");
        // The first decision whose table has a cell to break, in a file with one output per table.
        let single_output = defs.decisions.iter().all(|d| match d.logic.as_ref().map(|l| &l.expression) {
            Some(Expression::Table(t)) => t.outputs.len() <= 1,
            _ => true,
        });
        let target = defs.decisions.iter().filter(|d| !d.id.is_empty()).find_map(|d| {
            match d.logic.as_ref().map(|l| &l.expression) {
                Some(Expression::Table(t)) => {
                    t.rules.first().and_then(|r| r.input_entries.first()).map(|e| (d, e.id.clone()))
                }
                _ => None,
            }
        });
        let (Some((broken, entry)), true) = (target, single_output) else { continue };
        // Replace the cell's text: the `<text>` after the entry's id.
        let at = text.find(&format!("id=\"{entry}\"")).expect("entry in the file");
        let open = at + text[at..].find("text>").expect("text") + 5;
        let close = open + text[open..].find("</").expect("end of text");
        let bad = format!("{}frobnicate(1){}", &text[..open], &text[close..]);
        let i = import(&f, &bad).unwrap_or_else(|e| panic!("{f}: {e}"));
        // Located: the cell's id and its place in the file.
        let error =
            i.diagnostics.iter().find(|d| d.code == "D002").unwrap_or_else(|| panic!("{f}: {:?}", i.diagnostics));
        assert_eq!(error.element.as_deref(), Some(entry.as_str()), "{f}: {error:?}");
        assert!(error.is_error());
        assert!(error.position.is_some() && error.message.contains("frobnicate"), "{f}: {error:?}");
        // Left out: the broken decision and (through requirements) its readers, nothing else.
        let mut expected = vec![broken.id.clone()];
        loop {
            let more: Vec<String> = defs
                .decisions
                .iter()
                .filter(|d| !expected.contains(&d.id) && d.required_decisions.iter().any(|r| expected.contains(r)))
                .map(|d| d.id.clone())
                .collect();
            if more.is_empty() {
                break;
            }
            expected.extend(more);
        }
        let mut got = i.not_converted.clone();
        got.sort();
        expected.sort();
        assert_eq!(got, expected, "{f}");
        for id in &i.not_converted {
            assert!(i.text.contains(&format!("// dmn: {id}\n// NOT CONVERTED: decision ")), "{f}: {id}\n{}", i.text);
            assert!(i.diagnostics.iter().any(|d| d.is_error() && d.element.as_deref().is_some()), "{f}");
        }
        // Every other decision is converted as in the intact file.
        let intact = imported(&f);
        for d in defs.decisions.iter().filter(|d| !d.id.is_empty() && !expected.contains(&d.id)) {
            let block = |t: &str| {
                t.split(&format!("// dmn: {}\n", d.id)).nth(1).map(|b| b.split("\n\n").next().unwrap_or("").to_string())
            };
            assert_eq!(block(&i.text), block(&intact.text), "{f}: {}", d.id);
        }
        // The rest runs; a top conclusion that is left out says NeemContactOp.
        let rs = i.ruleset.unwrap_or_else(|| panic!("{f}: does not check: {:?}", i.diagnostics));
        let o = eval_with(&rs, &BTreeMap::new());
        let conclusion_left_out = defs.decisions.iter().any(|d| {
            expected.contains(&d.id) && d.activity_ref.as_deref().is_some_and(|a| a.contains("/id/concept/Conclusie"))
        });
        if conclusion_left_out {
            assert!(
                o.decisions.iter().any(|d| d.status == DecisionStatus::Decided && d.outcome == json!("NeemContactOp")),
                "{f}: {}",
                i.text
            );
        }
        checked += 1;
    }
    assert!(checked >= 8, "{checked} files checked");
}

#[test]
fn a_decision_without_id_loads() {
    let i = imported("tests/sttr/conclusie_boom_kappen.dmn");
    assert!(i.text.contains("// dmn: decision:Pad_3"), "{}", i.text);
    assert!(i.ruleset.is_some());
}

// ---------------------------------------------------------------- no question that cannot matter

/// A small deterministic generator, so the property runs the same way every time.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n.max(1)
    }
}

/// Answers that reach every branch: the values of finite types, and for numbers every constant of
/// the ruleset with its neighbours.
fn value_sets(rs: &Ruleset) -> BTreeMap<String, Vec<Json>> {
    let mut constants: Vec<f64> = vec![0.0];
    for token in rs.source.text.split(|c: char| !(c.is_ascii_digit() || c == '.')) {
        if let Ok(x) = token.parse::<f64>() {
            for v in [x - 1.0, x, x + 1.0] {
                if v >= 0.0 && !constants.contains(&v) {
                    constants.push(v);
                }
            }
        }
    }
    rs.inputs
        .iter()
        .map(|i| {
            let values = match &i.ty {
                Type::Bool => vec![json!(true), json!(false)],
                Type::Location => vec![json!("ja"), json!("nee"), json!("deels")],
                Type::Text(Some(options)) => options.iter().map(|o| json!(o)).collect(),
                Type::Text(None) => vec![json!(""), json!("een tekst")],
                Type::Num(_) => constants.iter().map(|c| json!(c)).collect(),
                other => panic!("{}: unexpected input type {other:?}", i.name),
            };
            // Only answers the question accepts (a range, a year that is no measure).
            let values = values.into_iter().filter(|v| Facts::new(rs).answer(rs, &i.name, v).is_ok()).collect();
            (i.name.clone(), values)
        })
        .collect()
}

/// The conclusions of the decisions no other decision reads (`None` while unknown).
fn top_conclusions(rs: &Ruleset, answers: &BTreeMap<String, Json>) -> Vec<Option<Json>> {
    let mut f = Facts::new(rs);
    for (k, v) in answers {
        f.answer(rs, k, v).unwrap_or_else(|e| panic!("{k} = {v}: {e}"));
    }
    // A runtime error (a gap the import reported, W004) is an outcome of its own here.
    let o = match evaluate(rs, &f, &Options::default()) {
        Ok(o) => o,
        Err(e) => return vec![Some(json!(e.code))],
    };
    o.decisions
        .iter()
        .enumerate()
        .filter(|(k, _)| !rs.read_by_others.contains(k))
        .map(|(_, d)| (d.status == DecisionStatus::Decided).then(|| d.outcome.clone()))
        .collect()
}

/// Can the answer to `q` change a top conclusion, for some answers to the questions still open?
/// A depth-first search over the open questions, pruned where the three-valued evaluation already
/// decides every top conclusion alike for every answer to `q`.
fn matters(rs: &Ruleset, given: &BTreeMap<String, Json>, q: &str, sets: &BTreeMap<String, Vec<Json>>) -> bool {
    let open: Vec<&String> = sets.keys().filter(|k| *k != q && !given.contains_key(*k)).collect();
    let mut budget = 20_000usize;
    witness(rs, &mut given.clone(), q, &open, sets, &mut budget)
}

fn witness(
    rs: &Ruleset,
    answers: &mut BTreeMap<String, Json>,
    q: &str,
    open: &[&String],
    sets: &BTreeMap<String, Vec<Json>>,
    budget: &mut usize,
) -> bool {
    if *budget < sets[q].len() {
        return true; // cannot tell within the budget: no finding
    }
    *budget -= sets[q].len();
    let outs: Vec<Vec<Option<Json>>> = sets[q]
        .iter()
        .map(|v| {
            let mut a = answers.clone();
            a.insert(q.to_string(), v.clone());
            top_conclusions(rs, &a)
        })
        .collect();
    let decided = outs.iter().all(|o| o.iter().all(Option::is_some));
    let alike = outs.windows(2).all(|w| w[0] == w[1]);
    if decided || open.is_empty() {
        return !alike;
    }
    let (k, rest) = (open[0], &open[1..]);
    for v in &sets[k] {
        answers.insert(k.clone(), v.clone());
        let found = witness(rs, answers, q, rest, sets, budget);
        answers.remove(k);
        if found {
            return true;
        }
    }
    false
}

/// Whether every input of `rs` is a question [`value_sets`] can answer (no geometry, no map
/// layers), so that the search in [`matters`] covers it.
fn answerable(rs: &Ruleset) -> bool {
    rs.layers.is_empty()
        && rs.inputs.iter().all(|i| matches!(i.ty, Type::Bool | Type::Location | Type::Text(_) | Type::Num(_)))
}

/// Every STTR file, converted, and every native ruleset in rulesets/ that [`answerable`] covers.
fn rulesets_without_geometry() -> Vec<(String, Ruleset)> {
    let mut out: Vec<(String, Ruleset)> = sttr_files()
        .into_iter()
        .map(|f| {
            let rs = imported(&f).ruleset.unwrap_or_else(|| panic!("{f} does not check"));
            (f, rs)
        })
        .collect();
    for f in repo_files(".rules") {
        let text = read(&f);
        if rules_core::syntax::parse(&text).is_ok_and(|p| p.header.is_some_and(|h| h.extends.is_some())) {
            continue;
        }
        let rs = rules_core::compile(&f, &text).ruleset.unwrap_or_else(|| panic!("{f} does not check"));
        if answerable(&rs) {
            out.push((f, rs));
        }
    }
    out
}

/// Over every STTR file and every native ruleset without geometry, and random answer orders (some
/// questions answered first, in any order, then the questionnaire follows `next`): every question
/// `next` asks can still change a conclusion.
#[test]
fn next_never_asks_a_question_that_cannot_matter() {
    let mut rng = Lcg(0x5eed);
    let mut violations = Vec::new();
    let all = rulesets_without_geometry();
    assert!(
        all.iter().filter(|(f, _)| f.ends_with(".rules")).count() >= 5,
        "{:?}",
        all.iter().map(|a| &a.0).collect::<Vec<_>>()
    );
    for (f, rs) in all {
        let sets = value_sets(&rs);
        let names: Vec<&String> = sets.keys().collect();
        for _ in 0..6 {
            let mut given: BTreeMap<String, Json> = BTreeMap::new();
            // A few questions answered first, in a random order.
            for _ in 0..rng.next(3) {
                let k = names[rng.next(names.len())];
                let values = &sets[k];
                given.insert(k.clone(), values[rng.next(values.len())].clone());
            }
            loop {
                let mut facts = Facts::new(&rs);
                for (k, v) in &given {
                    facts.answer(&rs, k, v).expect("answer");
                }
                let Ok(Some(next)) = rules_core::next_question(&rs, &facts, &Options::default()) else {
                    break;
                };
                assert!(!given.contains_key(&next.input), "{f}: asks answered {}", next.input);
                if !matters(&rs, &given, &next.input, &sets) {
                    violations.push(format!(
                        "{f}: asks {} although no answer to it can change a conclusion (answers {given:?})",
                        next.input
                    ));
                }
                let values = &sets[&next.input];
                given.insert(next.input.clone(), values[rng.next(values.len())].clone());
            }
        }
    }
    assert!(violations.is_empty(), "{violations:#?}");
}

// ---------------------------------------------------------------- the way back: export-sttr

/// The `ruleset` a case file names (in its first case that has one).
fn named_ruleset(case_file: &Path) -> Option<String> {
    let json: Json = serde_json::from_str(&std::fs::read_to_string(case_file).ok()?).ok()?;
    let cases = match json {
        Json::Array(a) => a,
        one => vec![one],
    };
    cases.iter().find_map(|c| c.get("ruleset").and_then(|r| r.as_str()).map(str::to_string))
}

/// Every case file of rulesets/ and tests/sttr/ with its ruleset (a `.rules` or a `.dmn`).
fn case_files() -> Vec<(String, String)> {
    repo_files(".cases.json")
        .into_iter()
        .map(|rel| {
            let stem = rel.trim_end_matches(".cases.json");
            // As `rules test` finds it: the cases' own `ruleset` field (relative to the
            // case file; `X.map.cases.json` names `X.rules`), else `X.rules` / `X.dmn`.
            let named = named_ruleset(&root().join(&rel)).map(|r| {
                let dir = Path::new(&rel).parent().map(|d| d.to_string_lossy().to_string()).unwrap_or_default();
                if dir.is_empty() {
                    r
                } else {
                    format!("{dir}/{r}")
                }
            });
            let ruleset = named
                .into_iter()
                .chain([format!("{stem}.rules"), format!("{stem}.dmn")])
                .find(|r| root().join(r).exists())
                .unwrap_or_else(|| panic!("no ruleset for {rel}"));
            (rel, ruleset)
        })
        .collect()
}

fn ruleset_text(relative: &str) -> String {
    if relative.ends_with(".dmn") {
        imported(relative).text
    } else {
        read(relative)
    }
}

/// A case answer with a unit (`"3,2 m"`, `"320 cm"`, `"20%"`) as the plain number in the base unit,
/// as the exported number question takes it.
fn base_unit_answer(v: &Json) -> Json {
    let Some(s) = v.as_str() else { return v.clone() };
    let t = s.trim();
    let split = t.find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == '-')).unwrap_or(t.len());
    let (number, unit) = (t[..split].trim().replace(',', "."), t[split..].trim());
    match (number.parse::<f64>(), rules_core::value::Unit::parse(unit)) {
        (Ok(n), Some(u)) if !number.is_empty() => json!(n * u.factor),
        _ => v.clone(),
    }
}

/// import(export(R)) gives the same outcome as R on every shipped example case whose ruleset
/// can be exported completely; the decisions compared are R's (a definition becomes a decision
/// in STTR, so the round trip has more).
#[test]
fn round_trip_through_sttr_keeps_every_example_outcome() {
    let mut compared = 0;
    let mut skipped = Vec::new();
    for (cases_file, ruleset) in case_files() {
        let text = ruleset_text(&ruleset);
        // A ruleset that extends another is exported as the composed rules, not on its own.
        if rules_core::syntax::parse(&text).is_ok_and(|f| f.header.is_some_and(|h| h.extends.is_some())) {
            skipped.push(ruleset.clone());
            continue;
        }
        let original = rules_core::compile(&ruleset, &text).ruleset.unwrap_or_else(|| panic!("{ruleset} checks"));
        let exported =
            rules_core::dmn::sttr::export::export(&ruleset, &text).unwrap_or_else(|e| panic!("{ruleset}: {e:?}"));
        if !exported.complete() {
            skipped.push(ruleset.clone());
            continue;
        }
        let back = import("exported.dmn", &exported.xml).unwrap_or_else(|e| {
            panic!("{ruleset}: the export does not import: {:?}\n{}", e.diagnostics(), exported.xml)
        });
        let back = back.ruleset.unwrap_or_else(|| panic!("{ruleset}: {:?}\n{}", back.diagnostics, back.text));
        let cases = case::parse_cases(&read(&cases_file)).expect("case file");
        for (k, c) in cases.iter().enumerate() {
            if !c.geometry.is_empty() || !c.layers.is_empty() {
                continue;
            }
            let label = c.label(k);
            let (facts, options) =
                case::facts_for(&original, c, &label, &mut |_| Err("no files".into())).expect("facts");
            let before = evaluate(&original, &facts, &options);
            let mut again = Facts::new(&back);
            for (name, v) in &c.answers {
                again
                    .answer(&back, name, &base_unit_answer(v))
                    .unwrap_or_else(|e| panic!("{cases_file} {label}: {name}: {e}"));
            }
            // Validity dates come with an STTR delivery, not in the DMN file.
            if before.as_ref().is_err_and(|e| e.code == "R010") {
                continue;
            }
            let after = evaluate(&back, &again, &Options::default());
            match (before, after) {
                (Ok(b), Ok(a)) => {
                    for d in &b.decisions {
                        let other = a.decisions.iter().find(|x| x.name == d.name);
                        let other = other.unwrap_or_else(|| {
                            panic!("{cases_file} {label}: no decision {} after the round trip", d.name)
                        });
                        assert_eq!(
                            (&d.status, &d.outcome),
                            (&other.status, &other.outcome),
                            "{cases_file} {label}: decision {}\n{}",
                            d.name,
                            exported.xml
                        );
                    }
                }
                (Err(b), Err(a)) => assert_eq!(b.code, a.code, "{cases_file} {label}"),
                (b, a) => panic!("{cases_file} {label}: {:?} vs {:?}", b.map(|_| ()), a.map(|_| ())),
            }
            compared += 1;
        }
    }
    eprintln!("{compared} cases compared; not exported completely or extending another: {skipped:?}");
    assert!(compared >= 40, "{compared} cases compared; skipped {skipped:?}");
}

/// Export of the imported real files reproduces their decision logic: importing the export gives
/// the same rules, rule for rule.
#[test]
fn export_of_the_real_files_reproduces_their_decision_logic() {
    for f in sttr_files() {
        let first = imported(&f);
        let exported = rules_core::dmn::sttr::export::export(&f, &first.text).expect("exports");
        assert!(exported.complete() && exported.diagnostics.is_empty(), "{f}: {:?}", exported.diagnostics);
        let again = import("exported.dmn", &exported.xml).unwrap_or_else(|e| panic!("{f}: {:?}", e.diagnostics()));
        let rules = |t: &str| -> Vec<String> {
            t.lines()
                .filter(|l| l.trim_start().starts_with("rule ") || l.trim_start().starts_with("inputs "))
                .map(|l| {
                    let l = l.split(" // dmn:").next().unwrap_or(l);
                    let l = l.split(" because ").next().unwrap_or(l).split(" ref ").next().unwrap_or(l);
                    l.split_whitespace().collect::<Vec<_>>().join(" ")
                })
                .collect()
        };
        let (a, b) = (rules(&first.text), rules(&again.text));
        assert!(!a.is_empty());
        for r in &a {
            assert!(b.contains(r), "{f}: rule `{r}` is not in the round trip:\n{}", again.text);
        }
    }
}

//! Property tests of the engine's promises (DESIGN.md, "Semantics that matter"):
//!
//! 1. Three-valued evaluation is monotone: a definite outcome on some answers is the outcome on all
//!    answers, and answering more never takes a definite outcome back. Following `needed` asks only
//!    unanswered questions and reaches the full outcome.
//! 2. Re-evaluation is clean: answering, changing and removing answers, then evaluating, is the same
//!    as evaluating fresh facts with the final answers.
//! 3. Unit arithmetic: sums and products of quantities, unit errors (E004), Dutch number notation.
//! 4. The formatter is idempotent and keeps the meaning of a ruleset.
//!
//! Rulesets are generated: 3 to 5 questions (bool, length with a range, choice), 1 to 3 decision
//! trees with nested branches, conditions built from comparisons with `and`/`or`/`not`, leaves that
//! are conclusions or `if` expressions, and always an `otherwise`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use proptest::prelude::*;
use proptest::test_runner::Config;
use rules_core::eval::DecisionStatus;
use rules_core::syntax::print::format_source;
use rules_core::value::{dutch_number, Dim, Value};
use rules_core::{compile, evaluate, Facts, Options, Outcome, Ruleset};
use serde_json::{json, Value as Json};

/// `cases` random cases per property. Failures are not saved to a regressions file: the failure
/// message prints the generated ruleset and answers, which reproduce it.
fn config(cases: u32) -> Config {
    Config { cases, failure_persistence: None, ..Config::default() }
}

// ---------------------------------------------------------------- generated rulesets

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Bool,
    Length,
    Choice,
}

const ROOFS: [&str; 3] = ["plat", "schuin", "dakterras"];
const CONCLUSIONS: [&str; 4] = ["Toestemmingsvrij", "Meldingsplicht", "Vergunningplicht", "Verbod"];
const COMPARE: [&str; 6] = [">", ">=", "<", "<=", "==", "!="];
/// Lengths are answered and compared in half metres from 0 m to 20 m, so ties with thresholds occur.
const HALF_METRES: u32 = 40;

/// An atom is drawn as raw numbers and only made concrete against the questions when rendered,
/// so one strategy serves every combination of question kinds.
#[derive(Debug, Clone)]
struct Atom {
    question: usize,
    other: usize,
    shape: u8,
    op: usize,
    threshold: u32,
    option: usize,
    decision: usize,
}

#[derive(Debug, Clone)]
enum Cond {
    Atom(Atom),
    Not(Box<Cond>),
    And(Box<Cond>, Box<Cond>),
    Or(Box<Cond>, Box<Cond>),
}

#[derive(Debug, Clone)]
enum Leaf {
    Conclusion(usize),
    /// `if cond then A else B`: a leaf whose value itself may be unknown.
    If(Cond, usize, usize),
}

#[derive(Debug, Clone)]
enum Body {
    Leaf(Leaf, bool),
    Nested(Tree),
}

#[derive(Debug, Clone)]
struct Tree {
    whens: Vec<(Cond, Body)>,
    otherwise: Box<Body>,
}

/// A table cell, drawn raw like [`Atom`]: `-`, or a test that fits the column's question.
#[derive(Debug, Clone)]
struct Cell {
    shape: u8,
    low: u32,
    high: u32,
    option: usize,
}

#[derive(Debug, Clone)]
struct Table {
    /// FIRST or PRIORITY. UNIQUE and ANY are left out: overlapping rows make them end in R004/R005
    /// on some answers (see `unique_table_is_not_definite_while_another_row_may_apply`).
    first: bool,
    inputs: Vec<usize>,
    rows: Vec<(Vec<Cell>, usize)>,
    /// The conclusion of the last row, `-` in every cell, so some rule always applies.
    fallback: usize,
}

#[derive(Debug, Clone)]
enum DecisionSpec {
    Tree(Tree),
    Table(Table),
}

#[derive(Debug, Clone)]
struct Spec {
    kinds: Vec<Kind>,
    decisions: Vec<DecisionSpec>,
}

fn kind() -> impl Strategy<Value = Kind> {
    prop_oneof![Just(Kind::Bool), Just(Kind::Length), Just(Kind::Choice)]
}

fn atom() -> impl Strategy<Value = Atom> {
    (0..5usize, 0..5usize, 0..8u8, 0..COMPARE.len(), 0..=HALF_METRES, 0..ROOFS.len(), 0..3usize).prop_map(
        |(question, other, shape, op, threshold, option, decision)| Atom {
            question,
            other,
            shape,
            op,
            threshold,
            option,
            decision,
        },
    )
}

fn cond() -> impl Strategy<Value = Cond> {
    atom().prop_map(Cond::Atom).prop_recursive(3, 8, 2, |inner| {
        prop_oneof![
            inner.clone().prop_map(|c| Cond::Not(Box::new(c))),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| Cond::And(Box::new(a), Box::new(b))),
            (inner.clone(), inner).prop_map(|(a, b)| Cond::Or(Box::new(a), Box::new(b))),
        ]
    })
}

fn leaf() -> impl Strategy<Value = Leaf> {
    prop_oneof![
        3 => (0..CONCLUSIONS.len()).prop_map(Leaf::Conclusion),
        1 => (cond(), 0..CONCLUSIONS.len(), 0..CONCLUSIONS.len()).prop_map(|(c, a, b)| Leaf::If(c, a, b)),
    ]
}

fn body() -> impl Strategy<Value = Body> {
    (leaf(), any::<bool>()).prop_map(|(l, because)| Body::Leaf(l, because)).prop_recursive(2, 12, 3, |inner| {
        (prop::collection::vec((cond(), inner.clone()), 1..3), inner)
            .prop_map(|(whens, otherwise)| Body::Nested(Tree { whens, otherwise: Box::new(otherwise) }))
    })
}

fn tree() -> impl Strategy<Value = Tree> {
    (prop::collection::vec((cond(), body()), 1..5), body())
        .prop_map(|(whens, otherwise)| Tree { whens, otherwise: Box::new(otherwise) })
}

fn cell() -> impl Strategy<Value = Cell> {
    (0..8u8, 0..=HALF_METRES, 0..=HALF_METRES, 0..ROOFS.len()).prop_map(|(shape, low, high, option)| Cell {
        shape,
        low,
        high,
        option,
    })
}

fn table() -> impl Strategy<Value = Table> {
    (
        any::<bool>(),
        prop::collection::vec(0..5usize, 1..=3),
        prop::collection::vec((prop::collection::vec(cell(), 3), 0..CONCLUSIONS.len()), 1..7),
        0..CONCLUSIONS.len(),
    )
        .prop_map(|(first, inputs, rows, fallback)| Table { first, inputs, rows, fallback })
}

fn decision() -> impl Strategy<Value = DecisionSpec> {
    prop_oneof![3 => tree().prop_map(DecisionSpec::Tree), 1 => table().prop_map(DecisionSpec::Table)]
}

fn spec() -> impl Strategy<Value = Spec> {
    (prop::collection::vec(kind(), 3..=5), prop::collection::vec(decision(), 1..=3))
        .prop_map(|(kinds, decisions)| Spec { kinds, decisions })
}

fn metres(half: u32) -> String {
    if half & 1 == 0 {
        format!("{}", half / 2)
    } else {
        format!("{}.5", half / 2)
    }
}

impl Spec {
    fn name(&self, q: usize) -> String {
        format!("q{}", q % self.kinds.len())
    }

    fn kind(&self, q: usize) -> Kind {
        self.kinds[q % self.kinds.len()]
    }

    /// Another question of the same kind as `q`, if there is one.
    fn other_of_kind(&self, q: usize, other: usize, kind: Kind) -> Option<usize> {
        let n = self.kinds.len();
        (0..n).map(|i| (other + i) % n).find(|&i| i != q % n && self.kinds[i] == kind)
    }

    fn atom(&self, a: &Atom, decision: usize) -> String {
        // A reference to an earlier decision, as authors write "when d0 == Vergunningplicht".
        if a.shape == 7 && decision > 0 {
            return format!("d{} == {}", a.decision % decision, CONCLUSIONS[a.option % CONCLUSIONS.len()]);
        }
        let q = self.name(a.question);
        match self.kind(a.question) {
            Kind::Bool => match a.shape % 3 {
                0 => q,
                1 => format!("not {q}"),
                _ => format!("{q} {} {}", if a.op & 1 == 0 { "==" } else { "!=" }, a.threshold & 1 == 0),
            },
            Kind::Length => {
                let op = COMPARE[a.op];
                match (a.shape % 4, self.other_of_kind(a.question, a.other, Kind::Length)) {
                    (1, Some(o)) => format!("{q} + q{o} {op} {} m", metres(a.threshold)),
                    (2, Some(o)) => format!("{q} * q{o} {op} {} m2", a.threshold * 5),
                    (3, _) => format!("{q} - 1 m {op} 250 cm"),
                    _ => format!("{q} {op} {} m", metres(a.threshold)),
                }
            }
            Kind::Choice => match a.shape % 3 {
                0 => format!("{q} == \"{}\"", ROOFS[a.option]),
                1 => format!("{q} != \"{}\"", ROOFS[a.option]),
                _ => format!("{q} in [\"{}\", \"{}\"]", ROOFS[a.option], ROOFS[(a.option + 1) % ROOFS.len()]),
            },
        }
    }

    fn cond(&self, c: &Cond, decision: usize) -> String {
        match c {
            Cond::Atom(a) => self.atom(a, decision),
            Cond::Not(c) => format!("not ({})", self.cond(c, decision)),
            Cond::And(a, b) => format!("({}) and ({})", self.cond(a, decision), self.cond(b, decision)),
            Cond::Or(a, b) => format!("({}) or ({})", self.cond(a, decision), self.cond(b, decision)),
        }
    }

    fn body(&self, out: &mut String, b: &Body, decision: usize, indent: usize) {
        match b {
            Body::Leaf(leaf, because) => {
                let value = match leaf {
                    Leaf::Conclusion(c) => CONCLUSIONS[*c].to_string(),
                    Leaf::If(c, a, b) => {
                        format!("if {} then {} else {}", self.cond(c, decision), CONCLUSIONS[*a], CONCLUSIONS[*b])
                    }
                };
                let _ = write!(out, " -> {value}");
                if *because {
                    let _ = write!(out, " because \"Het antwoord op q0 is {{q0}}.\" ref \"art. {decision}\"");
                }
                out.push('\n');
            }
            Body::Nested(t) => {
                out.push_str(" {\n");
                self.tree(out, t, decision, indent + 2);
                let _ = writeln!(out, "{:indent$}}}", "");
            }
        }
    }

    fn tree(&self, out: &mut String, t: &Tree, decision: usize, indent: usize) {
        for (c, b) in &t.whens {
            let _ = write!(out, "{:indent$}when {}", "", self.cond(c, decision));
            self.body(out, b, decision, indent);
        }
        let _ = write!(out, "{:indent$}otherwise", "");
        self.body(out, &t.otherwise, decision, indent);
    }

    fn cell(&self, c: &Cell, q: usize) -> String {
        if c.shape == 0 {
            return "-".into();
        }
        match self.kind(q) {
            Kind::Bool => format!("{}", c.low & 1 == 0),
            Kind::Length => {
                let (lo, hi) = (c.low.min(c.high), c.low.max(c.high));
                match c.shape % 4 {
                    0 => format!("not([{} m .. {} m])", metres(lo), metres(hi)),
                    1 => format!("< {} m", metres(c.low)),
                    2 => format!("[{} m .. {} m)", metres(lo), metres(hi)),
                    _ => format!(">= {} m, {} m", metres(c.high), metres(c.low)),
                }
            }
            Kind::Choice => match c.shape % 3 {
                0 => format!("\"{}\"", ROOFS[c.option]),
                1 => format!("\"{}\", \"{}\"", ROOFS[c.option], ROOFS[(c.option + 1) % ROOFS.len()]),
                _ => format!("not(\"{}\")", ROOFS[c.option]),
            },
        }
    }

    fn table(&self, out: &mut String, t: &Table) {
        let _ = writeln!(out, " table {} {{", if t.first { "FIRST" } else { "PRIORITY" });
        let inputs: Vec<String> = t.inputs.iter().map(|&q| self.name(q)).collect();
        let _ = writeln!(out, "  inputs {}", inputs.join(" | "));
        for (cells, conclusion) in &t.rows {
            let cells: Vec<String> = t.inputs.iter().zip(cells).map(|(&q, c)| self.cell(c, q)).collect();
            let _ = writeln!(out, "  rule {} -> {}", cells.join(" | "), CONCLUSIONS[*conclusion]);
        }
        let _ = writeln!(
            out,
            "  rule {} -> {} because \"Geen andere regel.\"",
            vec!["-"; t.inputs.len()].join(" | "),
            CONCLUSIONS[t.fallback]
        );
        out.push_str("}\n");
    }

    fn source(&self) -> String {
        let mut s = String::from("ruleset \"Gegenereerd\" {\n  authority \"Proptest\"\n  valid from 2024-01-01\n}\n\n");
        for (i, k) in self.kinds.iter().enumerate() {
            let _ = match k {
                Kind::Bool => writeln!(s, "question q{i}: bool \"Vraag {i}?\""),
                Kind::Length => writeln!(s, "question q{i}: length \"Hoe lang is {i}?\" {{\n  range 0 m .. 20 m\n}}"),
                Kind::Choice => {
                    writeln!(s, "question q{i}: choice(\"plat\", \"schuin\", \"dakterras\") \"Welk dak {i}?\" // dak")
                }
            };
        }
        for (d, decision) in self.decisions.iter().enumerate() {
            let _ = write!(s, "\n// Besluit {d}\ndecision d{d} \"Besluit {d}\"");
            match decision {
                DecisionSpec::Tree(t) => {
                    s.push_str(" {\n");
                    self.tree(&mut s, t, d, 2);
                    s.push_str("}\n");
                }
                DecisionSpec::Table(t) => self.table(&mut s, t),
            }
        }
        s
    }

    /// A full set of answers, drawn from raw numbers.
    fn answers(&self, raw: &[u32]) -> BTreeMap<String, Json> {
        self.kinds
            .iter()
            .enumerate()
            .map(|(i, k)| {
                let r = raw[i % raw.len()];
                let v = match k {
                    Kind::Bool => json!(r & 1 == 0),
                    Kind::Length => json!(format!("{} m", metres(r % (HALF_METRES + 1)))),
                    Kind::Choice => json!(ROOFS[r as usize % ROOFS.len()]),
                };
                (format!("q{i}"), v)
            })
            .collect()
    }
}

fn answer_strategy(kinds: usize) -> impl Strategy<Value = Vec<u32>> {
    prop::collection::vec(0..1_000u32, kinds.max(1))
}

fn build(spec: &Spec) -> Result<Ruleset, TestCaseError> {
    let text = spec.source();
    let checked = compile("generated.rules", &text);
    let errors: Vec<String> =
        checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code, d.message)).collect();
    prop_assert!(errors.is_empty(), "generated ruleset does not compile: {errors:?}\n{text}");
    checked.ruleset.ok_or_else(|| TestCaseError::fail("no ruleset"))
}

fn facts_with<'a>(
    rs: &Ruleset,
    answers: impl IntoIterator<Item = (&'a String, &'a Json)>,
) -> Result<Facts, TestCaseError> {
    let mut facts = Facts::new(rs);
    for (name, value) in answers {
        facts.answer(rs, name, value).map_err(|e| TestCaseError::fail(format!("answer {name} = {value}: {e}")))?;
    }
    Ok(facts)
}

fn eval(rs: &Ruleset, facts: &Facts, trace: bool) -> Result<Outcome, TestCaseError> {
    evaluate(rs, facts, &Options { trace, ..Options::default() })
        .map_err(|e| TestCaseError::fail(format!("evaluation failed: {}: {}\n{}", e.code, e.message, rs.source.text)))
}

/// Whether each decision is read by no other decision. `needed` is about these: a decision that
/// another one reads matters only through that one, so once the reader is decided the questions
/// only the inner decision waits for are no longer asked.
fn top_level(rs: &Ruleset, spec: &Spec) -> Vec<bool> {
    (0..spec.decisions.len()).map(|d| !rs.source.text.contains(&format!("d{d} == "))).collect()
}

/// Per decision: `Some(outcome)` when decided, `None` while unknown.
fn conclusions(o: &Outcome) -> Vec<Option<Json>> {
    o.decisions.iter().map(|d| (d.status == DecisionStatus::Decided).then(|| d.outcome.clone())).collect()
}

// ---------------------------------------------------------------- 1. monotonicity

proptest! {
    #![proptest_config(config(96))]

    /// Every subset of the answers: a decision that is definite on the subset has the outcome it has
    /// on all answers; with all answers every decision is definite; `needed` lists only unanswered
    /// inputs and is empty exactly when every decision is definite.
    #[test]
    fn definite_on_some_answers_means_definite_on_all(spec in spec(), raw in answer_strategy(5)) {
        let rs = build(&spec)?;
        let full_answers = spec.answers(&raw);
        let full = conclusions(&eval(&rs, &facts_with(&rs, &full_answers)?, false)?);
        prop_assert!(full.iter().all(Option::is_some), "all answers given, yet undecided: {full:?}\n{}", rs.source.text);
        let names: Vec<&String> = full_answers.keys().collect();
        let top = top_level(&rs, &spec);
        for mask in 0u32..(1 << names.len()) {
            let subset: Vec<(&String, &Json)> = full_answers.iter().enumerate().filter(|(i, _)| mask & (1 << i) != 0).map(|(_, kv)| kv).collect();
            let outcome = eval(&rs, &facts_with(&rs, subset.iter().copied())?, false)?;
            let partial = conclusions(&outcome);
            for (d, (p, f)) in partial.iter().zip(&full).enumerate() {
                if let Some(p) = p {
                    prop_assert_eq!(Some(p), f.as_ref(), "decision d{} with answers {:?}\n{}", d, subset, rs.source.text);
                }
            }
            for n in &outcome.needed {
                prop_assert!(!subset.iter().any(|(name, _)| **name == n.input), "asks for answered {} (answers {:?})\n{}", n.input, subset, rs.source.text);
            }
            let top_decided = partial.iter().zip(&top).all(|(p, &t)| !t || p.is_some());
            prop_assert_eq!(outcome.needed.is_empty(), top_decided, "needed {:?} vs decisions {:?} with answers {:?}\n{}", outcome.needed.iter().map(|n| &n.input).collect::<Vec<_>>(), partial, subset, rs.source.text);
        }
    }

    /// Answering one question at a time, in any order: once a decision is definite it stays definite
    /// with the same outcome.
    #[test]
    fn answering_more_never_takes_a_definite_outcome_back(
        spec in spec(),
        raw in answer_strategy(5),
        order in Just((0..5usize).collect::<Vec<_>>()).prop_shuffle(),
    ) {
        let rs = build(&spec)?;
        let full_answers = spec.answers(&raw);
        let mut given: BTreeMap<String, Json> = BTreeMap::new();
        let mut before = conclusions(&eval(&rs, &Facts::new(&rs), true)?);
        for q in order.into_iter().filter(|&q| q < spec.kinds.len()) {
            let name = format!("q{q}");
            given.insert(name.clone(), full_answers[&name].clone());
            let now = conclusions(&eval(&rs, &facts_with(&rs, &given)?, true)?);
            for (d, (b, n)) in before.iter().zip(&now).enumerate() {
                if b.is_some() {
                    prop_assert_eq!(b, n, "decision d{} changed after answering {} (answers {:?})\n{}", d, name, given, rs.source.text);
                }
            }
            before = now;
        }
    }

    /// A questionnaire that always answers the next question (`needed[0]`) never asks an answered
    /// question, ends within one question per input, and ends with the full outcome of every
    /// decision that no other decision reads.
    #[test]
    fn following_next_question_reaches_the_full_outcome(spec in spec(), raw in answer_strategy(5)) {
        let rs = build(&spec)?;
        let full_answers = spec.answers(&raw);
        let full = conclusions(&eval(&rs, &facts_with(&rs, &full_answers)?, false)?);
        let mut facts = Facts::new(&rs);
        let mut asked: Vec<String> = Vec::new();
        loop {
            let next = rules_core::next_question(&rs, &facts, &Options::default()).map_err(|e| TestCaseError::fail(e.message))?;
            let Some(next) = next else { break };
            prop_assert!(!asked.contains(&next.input), "asked {} twice ({asked:?})\n{}", next.input, rs.source.text);
            prop_assert!(asked.len() < spec.kinds.len(), "more questions than inputs: {asked:?}");
            facts.answer(&rs, &next.input, &full_answers[&next.input]).map_err(|e| TestCaseError::fail(e.to_string()))?;
            asked.push(next.input);
        }
        let end = conclusions(&eval(&rs, &facts, false)?);
        let top = top_level(&rs, &spec);
        let keep = |c: Vec<Option<Json>>| c.into_iter().zip(&top).filter(|(_, &t)| t).map(|(c, _)| c).collect::<Vec<_>>();
        prop_assert_eq!(keep(end), keep(full), "after asking {:?}\n{}", asked, rs.source.text);
    }
}

// ---------------------------------------------------------------- 2. clean re-evaluation

/// Give (`Some(raw)`) or remove (`None`) the answer to question `q`.
type Step = (usize, Option<u32>);

proptest! {
    #![proptest_config(config(96))]

    /// Answers given, changed and removed (with `null`) on one `Facts`, with evaluations in between,
    /// end in exactly the outcome (trace included) of fresh facts holding the final answers.
    #[test]
    fn changing_answers_reevaluates_cleanly(
        spec in spec(),
        steps in prop::collection::vec((0..5usize, prop::option::weighted(0.7, 0..1_000u32)), 1..14),
    ) {
        let rs = build(&spec)?;
        let mut facts = Facts::new(&rs);
        let mut last: BTreeMap<String, Json> = BTreeMap::new();
        let steps: Vec<Step> = steps.into_iter().filter(|(q, _)| *q < spec.kinds.len()).collect();
        for (q, value) in steps {
            let name = format!("q{q}");
            let json = match value {
                Some(raw) => spec.answers(&[raw; 5])[&name].clone(),
                None => Json::Null,
            };
            facts.answer(&rs, &name, &json).map_err(|e| TestCaseError::fail(e.to_string()))?;
            if json.is_null() { last.remove(&name); } else { last.insert(name, json); }
            eval(&rs, &facts, true)?;
        }
        let reused = eval(&rs, &facts, true)?;
        let fresh = eval(&rs, &facts_with(&rs, &last)?, true)?;
        prop_assert_eq!(reused, fresh, "answers {:?}\n{}", last, rs.source.text);
    }
}

// ---------------------------------------------------------------- 3. units

/// `cents` hundredths as an exact decimal text: 12345 -> "123.45".
fn decimal(cents: u64) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// `units` ten-thousandths as an exact decimal text: 12345 -> "1.2345".
fn decimal4(units: u128) -> String {
    format!("{}.{:04}", units / 10_000, units % 10_000)
}

fn checks_of(text: &str, answers: &[(&str, Json)]) -> Result<Vec<(String, String)>, TestCaseError> {
    let checked = compile("units.rules", text);
    let errors: Vec<String> =
        checked.diagnostics.iter().filter(|d| d.is_error()).map(|d| format!("{}: {}", d.code, d.message)).collect();
    prop_assert!(errors.is_empty(), "{errors:?}\n{text}");
    let rs = checked.ruleset.ok_or_else(|| TestCaseError::fail("no ruleset"))?;
    let mut facts = Facts::new(&rs);
    for (name, v) in answers {
        facts.answer(&rs, name, v).map_err(|e| TestCaseError::fail(e.to_string()))?;
    }
    let o = eval(&rs, &facts, false)?;
    Ok(o.checks.iter().map(|c| (c.name.clone(), c.status.name().to_string())).collect())
}

const UNITS_HEADER: &str = "ruleset \"Eenheden\" { authority \"Proptest\" valid from 2024-01-01 }\n";

proptest! {
    #![proptest_config(config(128))]

    /// `a m + b m == (a+b) m`, in constants, in answers, and with centimetres; `x m * y m` is `(x*y) m2`.
    #[test]
    fn quantities_add_and_multiply_like_their_numbers(a in 0u64..10_000_000, b in 0u64..10_000_000) {
        let (am, bm, sum) = (decimal(a), decimal(b), decimal(a + b));
        let product = decimal4(u128::from(a) * u128::from(b));
        let text = format!(
            "{UNITS_HEADER}question x: length \"X\"\nquestion y: length \"Y\"\nlet som = x + y\nlet opp = x * y\n\
             check \"constanten\" {{ {am} m + {bm} m == {sum} m }}\n\
             check \"centimeters\" {{ {a} cm + {bm} m == {sum} m }}\n\
             check \"antwoorden\" {{ som == {sum} m }}\n\
             check \"verschil\" {{ som - y == x }}\n\
             check \"product\" {{ opp == {product} m2 }}\n\
             check \"product constanten\" {{ {am} m * {bm} m == {product} m2 }}\n"
        );
        let checks = checks_of(&text, &[("x", json!(format!("{am} m"))), ("y", json!(format!("{bm} m")))])?;
        for (name, status) in &checks {
            prop_assert_eq!(status.as_str(), "pass", "check {} with a = {} m, b = {} m\n{}", name, am, bm, text);
        }
        prop_assert_eq!(checks.len(), 6);
    }

    /// A product of two lengths is a surface: it compares with m2, and comparing it with m is E004.
    #[test]
    fn a_length_times_a_length_is_a_surface(x in 0u64..100_000, y in 0u64..100_000, z in 0u64..100_000, op in 0..COMPARE.len()) {
        let op = COMPARE[op];
        let (x, y, z) = (decimal(x), decimal(y), decimal(z));
        let good = format!("{UNITS_HEADER}question h: length \"H\"\nquestion s: surface \"S\"\n\
            check \"c\" {{ {x} m * {y} m {op} {z} m2 }}\ncheck \"d\" {{ h * {y} m {op} s }}\n");
        let checked = compile("good.rules", &good);
        prop_assert!(checked.diagnostics.iter().all(|d| !d.is_error()), "{:?}\n{}", checked.diagnostics, good);
        for bad in [
            format!("{UNITS_HEADER}check \"c\" {{ {x} m * {y} m {op} {z} m }}\n"),
            format!("{UNITS_HEADER}question h: length \"H\"\ncheck \"c\" {{ h * {y} m {op} h }}\n"),
            format!("{UNITS_HEADER}question h: length \"H\"\nlet opp = h * h\ncheck \"c\" {{ opp + h {op} {z} m2 }}\n"),
        ] {
            let checked = compile("bad.rules", &bad);
            prop_assert!(checked.ruleset.is_none(), "accepted a unit mismatch:\n{}", bad);
            prop_assert!(checked.diagnostics.iter().any(|d| d.code == "E004"), "{:?}\n{}", checked.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>(), bad);
        }
    }

    /// Dutch notation (`1.234,5`) read back by dropping the thousands dots and turning the comma
    /// into a point gives the number rounded to two decimals.
    #[test]
    fn dutch_numbers_read_back(cents in -100_000_000_000_000i64..100_000_000_000_000, x in -1.0e9f64..1.0e9) {
        let n = cents as f64 / 100.0;
        let shown = dutch_number(n);
        let back: f64 = shown.replace('.', "").replace(',', ".").parse().map_err(|_| TestCaseError::fail(format!("{shown} does not read back")))?;
        prop_assert_eq!((back * 100.0).round() as i64, cents, "{} shown as {}", n, shown);
        // Groups of three digits between the dots, at most two decimals, no trailing zero.
        let digits = shown.trim_start_matches('-');
        let (int, frac) = digits.split_once(',').unwrap_or((digits, ""));
        let groups: Vec<&str> = int.split('.').collect();
        prop_assert!(!groups[0].is_empty() && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3), "{}", shown);
        prop_assert!(frac.len() <= 2 && !frac.ends_with('0'), "{}", shown);
        prop_assert_eq!(Value::Num(n, Dim::LENGTH).to_dutch(), format!("{shown} m"));

        let shown = dutch_number(x);
        let back: f64 = shown.replace('.', "").replace(',', ".").parse().map_err(|_| TestCaseError::fail(format!("{shown} does not read back")))?;
        prop_assert!((back - x).abs() <= 0.005 + 1e-6, "{} shown as {}", x, shown);
    }
}

// ---------------------------------------------------------------- 4. the formatter

proptest! {
    #![proptest_config(config(96))]

    /// Formatting twice gives the text of formatting once, and the formatted ruleset compiles and
    /// decides like the original.
    #[test]
    fn formatting_is_idempotent_and_keeps_the_meaning(spec in spec(), raw in answer_strategy(5)) {
        let text = spec.source();
        let once = format_source(&text).map_err(|d| TestCaseError::fail(format!("{}: {}\n{text}", d.code, d.message)))?;
        let twice = format_source(&once).map_err(|d| TestCaseError::fail(format!("formatted text does not parse: {}: {}\n{once}", d.code, d.message)))?;
        prop_assert_eq!(&twice, &once, "not idempotent; original:\n{}", text);

        let original = build(&spec)?;
        let checked = compile("formatted.rules", &once);
        prop_assert!(checked.diagnostics.iter().all(|d| !d.is_error()), "{:?}\n{}", checked.diagnostics, once);
        let formatted = checked.ruleset.ok_or_else(|| TestCaseError::fail("no ruleset"))?;
        let answers = spec.answers(&raw);
        let a = eval(&original, &facts_with(&original, &answers)?, true)?;
        let b = eval(&formatted, &facts_with(&formatted, &answers)?, true)?;
        let strip = |o: &Outcome| o.decisions.iter().map(|d| (d.name.clone(), d.outcome.clone(), d.because.clone(), d.reference.clone())).collect::<Vec<_>>();
        prop_assert_eq!(strip(&a), strip(&b), "formatting changed the outcome:\n{}\n---\n{}", text, once);
    }
}

// ---------------------------------------------------------------- known engine bugs

/// A UNIQUE table with overlapping rules (the checker warns W005) is reported as decided while a
/// second rule may still apply; answering that question then makes the same table fail with R004.
/// A definite outcome must not be taken back by more answers, so with only `a` answered the table
/// should be undecided and ask for `b`.
#[test]
fn unique_table_is_not_definite_while_another_row_may_apply() {
    let text = format!(
        "{UNITS_HEADER}question a: bool \"A?\"\nquestion b: bool \"B?\"\n\
         decision \"T\" table UNIQUE {{\n  inputs a | b\n  rule true | - -> Verbod\n  rule - | true -> Verbod\n  rule false | false -> Toestemmingsvrij\n}}\n"
    );
    let rs = compile("unique.rules", &text).ruleset.expect("compiles (with warning W005)");
    let mut facts = Facts::new(&rs);
    facts.answer(&rs, "a", &json!(true)).expect("valid answer");
    let partial = evaluate(&rs, &facts, &Options::default()).expect("evaluates");
    facts.answer(&rs, "b", &json!(true)).expect("valid answer");
    let full = evaluate(&rs, &facts, &Options::default());
    if partial.decisions[0].status == DecisionStatus::Decided {
        assert_eq!(
            full.as_ref().map(|o| o.decisions[0].outcome.clone()).map_err(|e| e.code),
            Ok(partial.decisions[0].outcome.clone()),
            "decided {} with only `a` answered, but answering `b` changes that",
            partial.decisions[0].outcome
        );
    }
}

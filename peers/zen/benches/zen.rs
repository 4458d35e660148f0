//! Our engine and GoRules Zen (`zen-engine`) side by side, on the same decisions with the same
//! answers, in one run:
//! - a 20-branch decision (the 17th branch matches), traced and untraced;
//! - a 5,000-row table keyed by an interval (height) and an option (roof), traced and untraced;
//! - a 5,000-row table keyed by equality on a code, traced and untraced;
//! - load: from text to a decision ready to evaluate (ours: parse + check of the ruleset; Zen:
//!   JSON decoding of the graph + compile).
//!
//! Zen's decisions are decision tables with hit policy FIRST; its cells are Zen expressions
//! equivalent to our conditions. Both sides' results are asserted before timing. Printed at the
//! end: a table of medians and the ratio Zen / ours (above 1: ours is faster).
//!
//! Run with `bash scripts/bench-peers.sh zen` (or `cargo bench` in this folder).

use std::fmt::Write as _;
use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::Criterion;
use futures::executor::block_on;
use rules_core::{compile, evaluate, Facts, Options, Ruleset};
use serde_json::{json, Value as Json};
use zen_engine::model::GraphContent;
use zen_engine::{Decision, EvaluationOptions};

const CONCLUSIONS: [&str; 5] = ["Vergunningplicht", "Meldingsplicht", "Informatieplicht", "Verbod", "NeemContactOp"];
const ROWS: usize = 5_000;

// ---------------------------------------------------------------- the decisions, both ways

/// The condition of branch `b` as our rule text and as a Zen expression.
fn branch(b: usize) -> (String, String) {
    if b == 17 {
        return (
            "height > 3 m and roof == \"schuin\" and on_ground".into(),
            "height > 3 and roof == 'schuin' and on_ground".into(),
        );
    }
    match b % 5 {
        0 => (format!("height > {} m", 30 - b), format!("height > {}", 30 - b)),
        1 => (format!("monument and width > {b} m"), format!("monument and width > {b}")),
        2 => (format!("not on_ground or surface > {} m2", 100 + b), format!("not on_ground or height * width > {}", 100 + b)),
        3 => (
            format!("roof == \"dakterras\" and height > {}.5 m", b % 4),
            format!("roof == 'dakterras' and height > {}.5", b % 4),
        ),
        _ => (format!("width >= {} m and not monument", 20 + b), format!("width >= {} and not monument", 20 + b)),
    }
}

fn twenty_ours() -> String {
    let mut s = String::from(
        "ruleset \"Twintig takken\" { authority \"Benchmark\" valid from 2024-01-01 }\n\
         question height: length \"Hoe hoog?\" { range 0 m .. 30 m }\n\
         question width: length \"Hoe breed?\"\n\
         question on_ground: bool \"Op de grond?\"\n\
         question monument: bool \"Monument?\"\n\
         question roof: choice(\"plat\", \"schuin\", \"dakterras\") \"Welk dak?\"\n\
         let surface = height * width\n\
         decision \"Conclusie\" {\n",
    );
    for b in 1..=20 {
        let concl = CONCLUSIONS[b % CONCLUSIONS.len()];
        let _ = writeln!(s, "  when {} -> {concl}\n       because \"Tak {b}.\" ref \"art. {b}\"", branch(b).0);
    }
    s.push_str("  otherwise -> Toestemmingsvrij because \"Past binnen de regels.\"\n}\n");
    s
}

/// A Zen graph: input -> one decision table (FIRST) -> output.
fn zen_graph(inputs: Json, rules: Vec<Json>) -> Json {
    json!({
        "nodes": [
            { "id": "in", "name": "in", "type": "inputNode", "content": {} },
            { "id": "dt", "name": "dt", "type": "decisionTableNode", "content": {
                "hitPolicy": "first",
                "inputs": inputs,
                "outputs": [
                    { "id": "o1", "name": "Conclusie", "field": "conclusie" },
                    { "id": "o2", "name": "Because", "field": "because" }
                ],
                "rules": rules
            }},
            { "id": "out", "name": "out", "type": "outputNode", "content": {} }
        ],
        "edges": [
            { "id": "e1", "sourceId": "in", "targetId": "dt" },
            { "id": "e2", "sourceId": "dt", "targetId": "out" }
        ]
    })
}

fn twenty_zen() -> Json {
    let mut rules: Vec<Json> = (1..=20)
        .map(|b| {
            let concl = CONCLUSIONS[b % CONCLUSIONS.len()];
            json!({ "_id": format!("r{b}"), "i1": branch(b).1, "o1": format!("'{concl}'"), "o2": format!("'Tak {b}.'") })
        })
        .collect();
    rules.push(json!({ "_id": "r21", "i1": "", "o1": "'Toestemmingsvrij'", "o2": "'Past binnen de regels.'" }));
    // A column without a field: each cell is a whole boolean expression over the input.
    zen_graph(json!([{ "id": "i1", "name": "Tak" }]), rules)
}

fn interval_ours() -> String {
    let mut s = String::from(
        "ruleset \"Grote tabel\" { authority \"Benchmark\" valid from 2024-01-01 }\n\
         question height: length \"Hoe hoog?\" { range 0 m .. 30 m }\n\
         question roof: choice(\"plat\", \"schuin\") \"Welk dak?\"\n\
         question surface: surface \"Hoe groot?\"\n\
         decision \"Tarief\" table FIRST {\n  inputs height | roof | surface\n",
    );
    for r in 0..ROWS {
        let step = r / 2;
        let roof = ["plat", "schuin"][r % 2];
        let concl = CONCLUSIONS[r % CONCLUSIONS.len()];
        let _ = writeln!(s, "  rule [{step} cm .. {} cm) | \"{roof}\" | <= 150 m2 -> {concl} because \"Regel {r}\"", step + 1);
    }
    s.push_str("}\n");
    s
}

fn interval_zen() -> Json {
    let rules = (0..ROWS)
        .map(|r| {
            let step = r / 2;
            let roof = ["plat", "schuin"][r % 2];
            let concl = CONCLUSIONS[r % CONCLUSIONS.len()];
            json!({ "_id": format!("r{r}"), "h": format!("[{step}..{})", step + 1), "k": format!("'{roof}'"),
                    "s": "<= 150", "o1": format!("'{concl}'"), "o2": format!("'Regel {r}'") })
        })
        .collect();
    zen_graph(
        json!([
            { "id": "h", "name": "Height (cm)", "field": "height_cm" },
            { "id": "k", "name": "Roof", "field": "roof" },
            { "id": "s", "name": "Surface", "field": "surface" }
        ]),
        rules,
    )
}

fn code(r: usize) -> String {
    format!("C{r:05}")
}

fn equality_ours() -> String {
    let mut s = String::from(
        "ruleset \"Codes\" { authority \"Benchmark\" valid from 2024-01-01 }\n\
         question code: text \"Welke code?\"\n\
         decision \"Tarief\" table FIRST {\n  inputs code\n",
    );
    for r in 0..ROWS {
        let concl = CONCLUSIONS[r % CONCLUSIONS.len()];
        let _ = writeln!(s, "  rule \"{}\" -> {concl} because \"Regel {r}\"", code(r));
    }
    s.push_str("}\n");
    s
}

fn equality_zen() -> Json {
    let rules = (0..ROWS)
        .map(|r| {
            let concl = CONCLUSIONS[r % CONCLUSIONS.len()];
            json!({ "_id": format!("r{r}"), "c": format!("'{}'", code(r)), "o1": format!("'{concl}'"), "o2": format!("'Regel {r}'") })
        })
        .collect();
    zen_graph(json!([{ "id": "c", "name": "Code", "field": "code" }]), rules)
}

// ---------------------------------------------------------------- set-up and checks

struct Pair {
    name: &'static str,
    ours: (Ruleset, Facts),
    zen: Decision,
    zen_input: Json,
    expect: (&'static str, String),
}

fn ours(text: &str, answers: &[(&str, Json)]) -> (Ruleset, Facts) {
    let checked = compile("peer.rules", text);
    let rs = checked.ruleset.unwrap_or_else(|| panic!("does not compile: {:?}", checked.diagnostics));
    let mut facts = Facts::new(&rs);
    for (name, value) in answers {
        facts.answer(&rs, name, value).expect("a valid answer");
    }
    (rs, facts)
}

fn zen(graph: &Json) -> Decision {
    let content: GraphContent = serde_json::from_value(graph.clone()).expect("a Zen graph");
    let mut decision = Decision::from(Arc::new(content));
    decision.compile();
    decision
}

fn zen_run(d: &Decision, input: &Json, trace: bool) -> Json {
    let options = EvaluationOptions { trace, ..Default::default() };
    let response = block_on(d.evaluate_with_opts(input.clone().into(), options)).expect("Zen evaluates");
    response.result.to_value()
}

fn pairs() -> Vec<Pair> {
    let twenty_concl = CONCLUSIONS[17 % CONCLUSIONS.len()];
    vec![
        Pair {
            name: "decision_20_branches",
            ours: ours(
                &twenty_ours(),
                &[
                    ("height", json!("4 m")),
                    ("width", json!("3 m")),
                    ("on_ground", json!(true)),
                    ("monument", json!(false)),
                    ("roof", json!("schuin")),
                ],
            ),
            zen: zen(&twenty_zen()),
            zen_input: json!({ "height": 4, "width": 3, "on_ground": true, "monument": false, "roof": "schuin" }),
            expect: (twenty_concl, "Tak 17.".into()),
        },
        Pair {
            name: "table_5000_interval",
            ours: ours(
                &interval_ours(),
                &[("height", json!("24.97 m")), ("roof", json!("schuin")), ("surface", json!("80 m2"))],
            ),
            zen: zen(&interval_zen()),
            zen_input: json!({ "height_cm": 2497, "roof": "schuin", "surface": 80 }),
            expect: (CONCLUSIONS[4995 % CONCLUSIONS.len()], "Regel 4995".into()),
        },
        Pair {
            name: "table_5000_equality",
            ours: ours(&equality_ours(), &[("code", json!(code(4321)))]),
            zen: zen(&equality_zen()),
            zen_input: json!({ "code": code(4321) }),
            expect: (CONCLUSIONS[4321 % CONCLUSIONS.len()], "Regel 4321".into()),
        },
    ]
}

fn check(p: &Pair) {
    let (rs, facts) = &p.ours;
    let outcome = evaluate(rs, facts, &Options { trace: true, ..Options::default() }).expect("ours evaluates");
    assert_eq!(outcome.decisions[0].outcome, json!(p.expect.0), "{}: ours", p.name);
    assert_eq!(outcome.decisions[0].because.as_deref(), Some(p.expect.1.as_str()), "{}: ours", p.name);
    for trace in [false, true] {
        let z = zen_run(&p.zen, &p.zen_input, trace);
        assert_eq!(z["conclusie"], json!(p.expect.0), "{}: Zen {z}", p.name);
        assert_eq!(z["because"], json!(p.expect.1), "{}: Zen {z}", p.name);
    }
}

/// Median time per call in µs over `rounds` rounds that each last about `budget`.
fn median_us(rounds: usize, budget: Duration, mut f: impl FnMut()) -> f64 {
    let start = Instant::now();
    f();
    let once = start.elapsed().max(Duration::from_nanos(50));
    let inner = ((budget.as_secs_f64() / once.as_secs_f64()) as usize).clamp(1, 100_000);
    let mut t: Vec<f64> = (0..rounds)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..inner {
                f();
            }
            start.elapsed().as_secs_f64() * 1e6 / inner as f64
        })
        .collect();
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn main() {
    let pairs = pairs();
    pairs.iter().for_each(check);
    let mut c = Criterion::default().configure_from_args().warm_up_time(Duration::from_millis(500));
    for p in &pairs {
        let mut g = c.benchmark_group(p.name);
        g.measurement_time(Duration::from_secs(2));
        let (rs, facts) = &p.ours;
        for trace in [false, true] {
            let label = if trace { "traced" } else { "untraced" };
            let options = Options { trace, ..Options::default() };
            g.bench_function(format!("ours_{label}"), |b| b.iter(|| evaluate(rs, black_box(facts), &options)));
            g.bench_function(format!("zen_{label}"), |b| b.iter(|| zen_run(&p.zen, black_box(&p.zen_input), trace)));
        }
        g.finish();
    }
    let equality_text = equality_ours();
    let equality_graph = serde_json::to_string(&equality_zen()).expect("JSON");
    let mut g = c.benchmark_group("load_5000_rows");
    g.sample_size(10);
    g.bench_function("ours", |b| b.iter(|| compile("peer.rules", black_box(&equality_text))));
    g.bench_function("zen", |b| {
        b.iter(|| {
            let content: GraphContent = serde_json::from_str(black_box(&equality_graph)).expect("a graph");
            let mut d = Decision::from(Arc::new(content));
            d.compile();
            d
        })
    });
    g.finish();

    // One run, interleaved, for the summary.
    let budget = Duration::from_millis(100);
    let mut lines = vec!["| case | ours | Zen | Zen / ours |".to_string(), "|---|---:|---:|---:|".to_string()];
    let mut row = |name: String, a: f64, z: f64| lines.push(format!("| {name} | {} | {} | {:.1}x |", fmt(a), fmt(z), z / a));
    for p in &pairs {
        let (rs, facts) = &p.ours;
        for trace in [false, true] {
            let options = Options { trace, ..Options::default() };
            let a = median_us(5, budget, || drop(black_box(evaluate(rs, facts, &options))));
            let z = median_us(5, budget, || drop(black_box(zen_run(&p.zen, &p.zen_input, trace))));
            row(format!("{} {}", p.name, if trace { "traced" } else { "untraced" }), a, z);
        }
    }
    let a = median_us(5, budget, || drop(black_box(compile("peer.rules", &equality_text))));
    let z = median_us(5, budget, || {
        let content: GraphContent = serde_json::from_str(&equality_graph).expect("a graph");
        let mut d = Decision::from(Arc::new(content));
        d.compile();
        drop(black_box(d));
    });
    row("load 5,000-row table".into(), a, z);
    println!("\n{}", lines.join("\n"));
    c.final_summary();
}

fn fmt(us: f64) -> String {
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.2} µs")
    }
}

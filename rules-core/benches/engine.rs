//! Benchmarks of the engine's hot paths: checking a large ruleset, evaluating a long decision tree
//! (with and without trace), a 5,000-row decision table, and the example ruleset with real geometry.
//!
//! Run with `cargo bench -p rules-core --bench engine`. Every ruleset is generated here,
//! deterministically, and asserted to compile without errors before it is measured.
//!
//! On a busy machine wall-clock figures mostly measure the other processes. With
//! `RULES_BENCH_CPU_TIME=1` (Linux) the benchmarks measure the CPU time of the benchmark thread
//! instead: far less affected by other processes, though a busy shared cache still inflates it.

use std::fmt::Write as _;
use std::hint::black_box;
use std::time::Duration;

mod common;

use criterion::measurement::Measurement;
use criterion::Criterion;
use rules_core::{compile, evaluate, Facts, Options, Ruleset};
use serde_json::json;

// ---------------------------------------------------------------- helpers

/// A tiny deterministic generator (64-bit LCG), so the generated rulesets are the same on every run.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// Compile and insist on zero errors; print the warnings once so they stay visible.
fn compile_ok(name: &str, text: &str) -> Ruleset {
    let checked = compile(name, text);
    let errors: Vec<_> = checked.diagnostics.iter().filter(|d| d.is_error()).collect();
    assert!(errors.is_empty(), "{name} does not compile: {errors:#?}");
    let warnings = checked.diagnostics.len();
    if warnings > 0 {
        eprintln!(
            "{name}: {warnings} warning(s): {:?}",
            checked.diagnostics.iter().map(|d| d.code).collect::<Vec<_>>()
        );
    }
    checked.ruleset.expect("no errors, so a ruleset")
}

const CONCLUSIONS: [&str; 5] = ["Vergunningplicht", "Meldingsplicht", "Informatieplicht", "Verbod", "NeemContactOp"];

// ---------------------------------------------------------------- a realistic 2,000-line ruleset

const LENGTHS: usize = 34;
const BOOLS: usize = 33;
const CHOICES: usize = 33;
/// Groups of four lets: a surface, its maximum (if/else on units), the rest, a margin.
const LET_GROUPS: usize = 25;
const DECISIONS: usize = 40;

/// One branch condition of decision `d`, branch `b`. Each branch of a decision reads other
/// questions, so the static analysis finds no unreachable branches.
fn condition(rng: &mut Lcg, d: usize, b: usize) -> (String, String) {
    let h = (d * 10 + b) % LENGTHS;
    let f = (d * 10 + b) % BOOLS;
    let c = (d * 10 + b) % CHOICES;
    let k = (d * 10 + b) % LET_GROUPS;
    let t = 2 + rng.below(8);
    match rng.below(8) {
        0 => (format!("hoogte_{h} > {t} m"), format!("Onderdeel {h} wordt {{hoogte_{h}}} hoog, meer dan {t} m.")),
        1 => (format!("not flag_{f}"), format!("Onderdeel {f} staat niet op de grond.")),
        2 => (format!("flag_{f} and hoogte_{h} > {t}.5 m"), format!("Op de grond en {{hoogte_{h}}} hoog.")),
        3 => (format!("keuze_{c} == \"dakterras\""), "Een dakterras geeft inkijk bij de buren.".into()),
        4 => (
            format!("keuze_{c} in [\"plat\", \"schuin\"] and not flag_{f}"),
            format!("Dak {{keuze_{c}}} op een onderdeel dat niet op de grond staat."),
        ),
        5 => {
            (format!("opp_{k} > max_{k}"), format!("Het onderdeel is {{opp_{k}}}; zonder vergunning mag {{max_{k}}}."))
        }
        6 => (format!("rest_{k} < 0 m2"), format!("Er is {{rest_{k}}} ruimte over.")),
        _ => {
            (format!("marge_{k} >= 1.5 m or (flag_{f} and hoogte_{h} <= {t} m)"), format!("De marge is {{marge_{k}}}."))
        }
    }
}

fn large_ruleset() -> String {
    let mut rng = Lcg(2024);
    let mut s = String::new();
    s.push_str(
        "// Generated for the benchmark: a large municipal ruleset with many activities.\n\
         ruleset \"Bouwen in de gemeente (benchmark)\" {\n  authority \"Gemeente Voorbeeld\"\n  valid from 2024-01-01 until 2030-12-31\n  \
         source \"Omgevingsplan gemeente Voorbeeld, hoofdstuk 22\"\n  activity \"Bouwwerken bouwen\"\n}\n\n",
    );
    for i in 0..LENGTHS {
        let _ = writeln!(
            s,
            "question hoogte_{i}: length \"Hoe hoog wordt onderdeel {i}?\" {{\n  help \"Meet vanaf het maaiveld tot het hoogste punt.\"\n  range 0 m .. {} m\n  priority {i}\n}}\n",
            20 + i % 10
        );
    }
    for i in 0..BOOLS {
        let _ = writeln!(s, "question flag_{i}: bool \"Staat onderdeel {i} op de grond?\" {{\n  help \"Dus niet op een kelder, een dak of een ander bouwwerk.\"\n}}\n");
    }
    for i in 0..CHOICES {
        let _ = writeln!(
            s,
            "question keuze_{i}: choice(\"plat\", \"schuin\", \"dakterras\") \"Welk dak krijgt onderdeel {i}?\" {{\n  intent \"Een terras op het dak geeft inkijk bij de buren.\"\n  priority {}\n}}\n",
            100 + i
        );
    }
    for k in 0..LET_GROUPS {
        let (a, b) = (k % LENGTHS, (k + 7) % LENGTHS);
        let _ = writeln!(
            s,
            "// Group {k}: the area of part {k}, its maximum (art. 22.36 lid 1 onder a, 4e) and the margin."
        );
        let _ = writeln!(s, "let opp_{k} = hoogte_{a} * hoogte_{b} + 2 m * 50 cm");
        let _ = writeln!(
            s,
            "let max_{k} = if opp_{k} <= 100 m2 then 50% * opp_{k}\n            else if opp_{k} <= 300 m2 then 50 m2 + 20% * (opp_{k} - 100 m2)\n            else min(90 m2 + 10% * (opp_{k} - 300 m2), 150 m2)"
        );
        let _ = writeln!(s, "let rest_{k} = max_{k} - opp_{k}");
        let _ = writeln!(s, "let marge_{k} = hoogte_{b} - hoogte_{a} / 2 + 30 cm\n");
    }
    for d in 0..DECISIONS {
        let branches = 5 + d % 6;
        let _ = writeln!(s, "decision besluit_{d} \"Activiteit {d}\" {{");
        for b in 0..branches {
            let (cond, because) = condition(&mut rng, d, b);
            let conclusion = CONCLUSIONS[(d + b) % CONCLUSIONS.len()];
            if b == 2 {
                // A nested sub-tree, as authors write for "only when ..." rules.
                let f = (d + 3) % BOOLS;
                let _ = writeln!(s, "  when {cond} {{");
                let _ = writeln!(s, "    when flag_{f} -> {conclusion}\n         because \"{because}\" ref \"Omgevingsplan art. 22.{d}, lid {b}\"");
                let _ = writeln!(
                    s,
                    "    otherwise -> Meldingsplicht because \"Meld het bouwwerk vier weken vooraf.\"\n  }}"
                );
            } else {
                let _ = writeln!(s, "  when {cond} -> {conclusion}\n       because \"{because}\"\n       ref \"Omgevingsplan art. 22.{d}, lid {b}\"");
            }
        }
        let _ = writeln!(s, "  otherwise -> Toestemmingsvrij because \"Het bouwwerk past binnen de regels.\" ref \"Omgevingsplan art. 22.{d}\"\n}}\n");
    }
    // Tables over earlier decisions and questions.
    for t in 0..4 {
        let h = t * 5;
        let c = t * 3;
        let _ = writeln!(
            s,
            "decision \"Overzicht {t}\" table {} {{\n  inputs besluit_{t} | hoogte_{h} | keuze_{c}",
            if t % 2 == 0 { "FIRST" } else { "UNIQUE" }
        );
        for (r, concl) in CONCLUSIONS.iter().enumerate() {
            let _ = writeln!(
                s,
                "  rule {concl} | [0 m .. {lim} m) | \"plat\", \"schuin\" -> \"Regel {r}: {concl}, laag\"",
                lim = 3 + r
            );
            let _ = writeln!(
                s,
                "  rule {concl} | [{lim} m .. 40 m] | \"plat\", \"schuin\" -> \"Regel {r}: {concl}, hoog\"",
                lim = 3 + r
            );
            let _ = writeln!(s, "  rule {concl} | - | \"dakterras\" -> \"Regel {r}: {concl}, dakterras\"");
        }
        let _ = writeln!(s, "  rule Toestemmingsvrij | - | - -> \"Geen vergunning nodig.\"\n}}\n");
    }
    for k in 0..LET_GROUPS {
        let _ = writeln!(s, "check \"Oppervlakte {k}\" {{ opp_{k} <= max_{k} because \"Onderdeel {k} is {{opp_{k}}}, meer dan {{max_{k}}}.\" }}");
        let _ = writeln!(s, "check \"Marge {k}\" {{ marge_{k} > 0 m and rest_{k} >= 0 m2 }}");
    }
    // Every question is read somewhere, so the checker reports no unused names.
    for i in 0..LENGTHS {
        let _ = writeln!(s, "check \"Hoogte {i}\" {{ hoogte_{i} <= 15 m }}");
    }
    for i in 0..BOOLS {
        let _ = writeln!(s, "check \"Op de grond {i}\" {{ flag_{i} or keuze_{i} != \"dakterras\" }}");
    }
    s
}

fn bench_check<M: Measurement>(c: &mut Criterion<M>) {
    let text = large_ruleset();
    let lines = text.lines().count();
    assert!((1_900..=2_200).contains(&lines), "the generated ruleset has {lines} lines");
    compile_ok("large.rules", &text);
    eprintln!("large.rules: {lines} lines, {} bytes", text.len());
    let mut g = c.benchmark_group("check");
    g.bench_function("parse_and_check_2000_lines", |b| b.iter(|| compile("large.rules", black_box(&text))));
    // The two halves, to see where the time goes.
    g.bench_function("parse_only_2000_lines", |b| b.iter(|| rules_core::syntax::parse(black_box(&text)).is_ok()));
    let file = rules_core::syntax::parse(&text).expect("parses");
    g.bench_function("check_only_2000_lines", |b| {
        b.iter(|| rules_core::check::check(black_box(&file), rules_core::SourceFile::new("large.rules", text.as_str())))
    });
    g.finish();
}

// ---------------------------------------------------------------- a 20-branch decision

/// Twenty branches over five answered questions; with the answers below only the 17th matches.
fn twenty_branches() -> String {
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
        // Answers: height 4 m, width 3 m, on_ground, no monument, roof "schuin" (surface 12 m2).
        let cond = match b {
            17 => "height > 3 m and roof == \"schuin\" and on_ground".to_string(),
            _ => match b % 5 {
                0 => format!("height > {} m", 30 - b),
                1 => format!("monument and width > {} m", b),
                2 => format!("not on_ground or surface > {} m2", 100 + b),
                3 => format!("roof == \"dakterras\" and height > {}.5 m", b % 4),
                _ => format!("width >= {} m and not monument", 20 + b),
            },
        };
        let concl = CONCLUSIONS[b % CONCLUSIONS.len()];
        let _ = writeln!(s, "  when {cond} -> {concl}\n       because \"Tak {b}: {{height}} hoog, {{width}} breed, {{surface}}.\" ref \"art. {b}\"");
    }
    s.push_str("  otherwise -> Toestemmingsvrij because \"Past binnen de regels.\"\n}\n");
    s
}

fn bench_decision<M: Measurement>(c: &mut Criterion<M>) {
    let rs = compile_ok("twenty.rules", &twenty_branches());
    let mut facts = Facts::new(&rs);
    for (name, value) in [
        ("height", json!("4 m")),
        ("width", json!("3 m")),
        ("on_ground", json!(true)),
        ("monument", json!(false)),
        ("roof", json!("schuin")),
    ] {
        facts.answer(&rs, name, &value).expect("a valid answer");
    }
    let traced = Options { trace: true, ..Options::default() };
    let untraced = Options::default();
    let outcome = evaluate(&rs, &facts, &traced).expect("evaluates");
    assert_eq!(outcome.decisions[0].outcome, json!(CONCLUSIONS[17 % CONCLUSIONS.len()]));
    assert_eq!(outcome.decisions[0].trace.len(), 17, "the 17th branch matches");
    let mut g = c.benchmark_group("eval");
    g.bench_function("decision_20_branches_traced", |b| b.iter(|| evaluate(&rs, black_box(&facts), &traced)));
    g.bench_function("decision_20_branches_untraced", |b| b.iter(|| evaluate(&rs, black_box(&facts), &untraced)));
    g.finish();
}

// ---------------------------------------------------------------- a 5,000-row table

const TABLE_ROWS: usize = 5_000;
const ROOFS: [&str; 2] = ["plat", "schuin"];

/// Rows cover height in 1 cm steps of `[a .. b)` and the roof choice, with a surface test in the
/// third column; the rows are exclusive, so the same rows serve FIRST and UNIQUE.
fn big_table(hit: &str) -> String {
    let mut s = format!(
        "ruleset \"Grote tabel\" {{ authority \"Benchmark\" valid from 2024-01-01 }}\n\
         question height: length \"Hoe hoog?\" {{ range 0 m .. 30 m }}\n\
         question roof: choice(\"plat\", \"schuin\") \"Welk dak?\"\n\
         question surface: surface \"Hoe groot?\"\n\
         decision \"Tarief\" table {hit} {{\n  inputs height | roof | surface\n"
    );
    for r in 0..TABLE_ROWS {
        let step = r / ROOFS.len();
        let (lo, hi) = (step, step + 1);
        let roof = ROOFS[r % ROOFS.len()];
        let concl = CONCLUSIONS[r % CONCLUSIONS.len()];
        let _ = writeln!(s, "  rule [{lo} cm .. {hi} cm) | \"{roof}\" | <= 150 m2 -> {concl} because \"Regel {r}\"");
    }
    s.push_str("}\n");
    s
}

/// Tables on which no column narrows the checker's search, over `height | roof | surface`:
/// every rule accepting everything (`wildcard`), ranges that all meet and none holding another
/// (`overlap`), each range inside the one before (`nested`), a wildcard or a wide range in every
/// column (`wide`), two range columns that each hold half the earlier rules, never the same half
/// (`checker`), and `NeemContactOp` rules alternating with permit rules they all meet (`contact`).
fn degenerate_table(shape: &str, hit: &str) -> String {
    let n = TABLE_ROWS;
    let mut s = format!(
        "ruleset \"Grote tabel\" {{ authority \"Benchmark\" valid from 2024-01-01 }}\n\
         question height: length \"Hoe hoog?\"\n\
         question roof: choice(\"plat\", \"schuin\") \"Welk dak?\"\n\
         question surface: surface \"Hoe groot?\"\n\
         decision \"Tarief\" table {hit} {{\n  inputs height | roof | surface\n"
    );
    for j in 0..n {
        let (cells, conclusion) = match shape {
            "wildcard" => ("- | - | -".to_string(), "Vergunningplicht"),
            "overlap" => (format!("[{j} cm .. {} cm) | - | -", j + n), "Vergunningplicht"),
            "nested" => (format!("[{j} cm .. {} cm) | - | -", 2 * n - j), "Vergunningplicht"),
            "wide" if j % 2 == 1 => (format!("- | - | < {} m2", j + 1), "Vergunningplicht"),
            "wide" => (format!(">= {j} cm | - | -"), "Vergunningplicht"),
            "checker" if j % 2 == 0 => {
                (format!("[0 cm .. {} cm] | - | [{j} m2 .. {j} m2]", 2 * n - j), "Vergunningplicht")
            }
            "checker" => (format!("[{j} cm .. {j} cm] | - | [0 m2 .. {} m2]", 2 * n - j), "Vergunningplicht"),
            _ => (
                format!("[{j} cm .. {} cm) | - | -", j + n),
                if j % 2 == 0 { "NeemContactOp" } else { "Vergunningplicht" },
            ),
        };
        let _ = writeln!(s, "  rule {cells} -> {conclusion} because \"Regel {j}\"");
    }
    s.push_str("}\n");
    s
}

fn bench_table<M: Measurement>(c: &mut Criterion<M>) {
    // The matching row: height 24.97 m is step 2497, roof "schuin" -> row 2 * 2497 + 1 = 4995 (0-based).
    let answers = [("height", json!("24.97 m")), ("roof", json!("schuin")), ("surface", json!("80 m2"))];
    let mut g = c.benchmark_group("eval/table_5000_rows");
    for hit in ["FIRST", "UNIQUE"] {
        let rs = compile_ok("table.rules", &big_table(hit));
        let mut facts = Facts::new(&rs);
        for (name, value) in &answers {
            facts.answer(&rs, name, value).expect("a valid answer");
        }
        let options = Options::default();
        let outcome = evaluate(&rs, &facts, &options).expect("evaluates");
        assert_eq!(outcome.decisions[0].because.as_deref(), Some("Regel 4995"), "{hit}");
        g.bench_function(hit.to_lowercase(), |b| b.iter(|| evaluate(&rs, black_box(&facts), &options)));
    }
    g.finish();
    // Load: parse and check, with the checker's analysis of the rows (W003 shadowed rules in a
    // FIRST table, W005 overlaps in a UNIQUE one), and the equality-keyed table of peers/zen.
    let mut g = c.benchmark_group("load/table_5000_rows");
    g.sample_size(10);
    for hit in ["FIRST", "UNIQUE"] {
        let text = big_table(hit);
        g.bench_function(format!("interval_{}", hit.to_lowercase()), |b| {
            b.iter(|| compile("t.rules", black_box(&text)))
        });
    }
    let mut codes = String::from(
        "ruleset \"Codes\" { authority \"Benchmark\" valid from 2024-01-01 }\n\
         question code: text \"Welke code?\"\n\
         decision \"Tarief\" table FIRST {\n  inputs code\n",
    );
    for r in 0..TABLE_ROWS {
        let _ = writeln!(codes, "  rule \"C{r:05}\" -> {} because \"Regel {r}\"", CONCLUSIONS[r % CONCLUSIONS.len()]);
    }
    codes.push_str("}\n");
    compile_ok("codes.rules", &codes);
    g.bench_function("equality_first", |b| b.iter(|| compile("codes.rules", black_box(&codes))));
    g.bench_function("equality_first_parse_only", |b| b.iter(|| rules_core::syntax::parse(black_box(&codes)).is_ok()));
    // The checker's bounded work per rule where no column narrows its search.
    for shape in ["wildcard", "overlap", "nested", "wide", "checker", "contact"] {
        for hit in ["FIRST", "UNIQUE"] {
            let text = degenerate_table(shape, hit);
            assert!(compile("t.rules", &text).diagnostics.iter().all(|d| !d.is_error()), "{shape} {hit}");
            g.bench_function(format!("{shape}_{}", hit.to_lowercase()), |b| {
                b.iter(|| compile("t.rules", black_box(&text)))
            });
        }
    }
    g.finish();
}

// ---------------------------------------------------------------- the example ruleset with geometry

fn bench_example<M: Measurement>(c: &mut Criterion<M>) {
    let dir = common::rulesets_dir("voorbeeld");
    let (rs, cases) = common::ruleset_and_cases(&dir, "bijgebouw");
    let case = &cases[0];
    let mut load = common::cached_loader(dir, |_, json| json);
    let (facts, options) =
        rules_core::case::facts_for(&rs, case, &case.label(0), &mut load).expect("the case gives facts");
    let first = evaluate(&rs, &facts, &options);
    assert!(rules_core::case::verify(case, &first).is_empty(), "{:?}", rules_core::case::verify(case, &first));

    let mut g = c.benchmark_group("eval");
    // The layer union is cached in the facts after the first evaluation: this is a re-evaluation,
    // as after each answer in the browser.
    g.bench_function("example_bijgebouw", |b| b.iter(|| evaluate(&rs, black_box(&facts), &options)));
    g.finish();
    // From parsed case JSON to outcome: GeoJSON conversion, layer binding and the first union of
    // the road layer, which the previous benchmark reuses.
    let mut g = c.benchmark_group("case");
    g.sample_size(20);
    g.bench_function("example_bijgebouw_facts_and_eval", |b| {
        b.iter(|| {
            let (facts, options) = rules_core::case::facts_for(&rs, case, "bench", &mut load).expect("facts");
            evaluate(&rs, &facts, &options)
        })
    });
    g.finish();
}

/// `next` on every example case of the bruidsschat's bijbehorend bouwwerk (85 cases, real parcels,
/// answers from none to all): what the question flow costs after each answer in the browser.
fn bench_next<M: Measurement>(c: &mut Criterion<M>) {
    let dir = common::rulesets_dir("bruidsschat");
    let (rs, cases) = common::ruleset_and_cases(&dir, "bijbehorend-bouwwerk");
    let mut load = common::cached_loader(dir, |_, json| json);
    let all: Vec<(Facts, Options)> = cases
        .iter()
        .enumerate()
        .map(|(k, case)| rules_core::case::facts_for(&rs, case, &case.label(k), &mut load).expect("facts"))
        .collect();
    // Once each first: the layer unions are cached in the facts, as after the first answer.
    for (facts, options) in &all {
        let _ = rules_core::next_question(&rs, facts, options);
    }
    let mut g = c.benchmark_group("next");
    g.sample_size(20);
    g.bench_function("bijbehorend_bouwwerk_85_cases", |b| {
        b.iter(|| {
            for (facts, options) in &all {
                black_box(rules_core::next_question(&rs, black_box(facts), options).ok());
            }
        })
    });
    g.finish();
}

// ---------------------------------------------------------------- running

fn run<M: Measurement>(c: Criterion<M>) {
    let mut c = c.measurement_time(Duration::from_secs(3)).warm_up_time(Duration::from_secs(1)).configure_from_args();
    bench_check(&mut c);
    bench_decision(&mut c);
    bench_table(&mut c);
    bench_example(&mut c);
    bench_next(&mut c);
}

fn main() {
    #[cfg(target_os = "linux")]
    if std::env::var_os("RULES_BENCH_CPU_TIME").is_some() {
        run(Criterion::default().with_measurement(thread_cpu::ThreadCpuTime));
        Criterion::default().configure_from_args().final_summary();
        return;
    }
    run(Criterion::default());
    Criterion::default().configure_from_args().final_summary();
}

/// CPU time of the calling thread (`CLOCK_THREAD_CPUTIME_ID`), in nanoseconds like `WallTime`.
#[cfg(target_os = "linux")]
mod thread_cpu {
    use criterion::measurement::{Measurement, ValueFormatter, WallTime};

    #[repr(C)]
    struct Timespec {
        tv_sec: i64,
        tv_nsec: i64,
    }

    extern "C" {
        fn clock_gettime(clock: i32, time: *mut Timespec) -> i32;
    }

    const CLOCK_THREAD_CPUTIME_ID: i32 = 3;

    fn now() -> u64 {
        let mut t = Timespec { tv_sec: 0, tv_nsec: 0 };
        // SAFETY: `t` is a valid, writable timespec; the clock id is a constant the kernel knows.
        let rc = unsafe { clock_gettime(CLOCK_THREAD_CPUTIME_ID, &mut t) };
        assert_eq!(rc, 0, "clock_gettime(CLOCK_THREAD_CPUTIME_ID) failed");
        t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64
    }

    pub struct ThreadCpuTime;

    static WALL: WallTime = WallTime;

    impl Measurement for ThreadCpuTime {
        type Intermediate = u64;
        type Value = u64;

        fn start(&self) -> u64 {
            now()
        }

        fn end(&self, start: u64) -> u64 {
            now().saturating_sub(start)
        }

        fn add(&self, a: &u64, b: &u64) -> u64 {
            a + b
        }

        fn zero(&self) -> u64 {
            0
        }

        fn to_f64(&self, value: &u64) -> f64 {
            *value as f64
        }

        fn formatter(&self) -> &dyn ValueFormatter {
            // Nanoseconds, like wall time, so the same formatter fits.
            WALL.formatter()
        }
    }
}

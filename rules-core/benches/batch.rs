//! `rules batch` throughput: the real bruidsschat `bijbehorend-bouwwerk` ruleset for every parcel
//! of a synthetic municipality: the real Otterlo block (11 BRK parcels with their BGT roads,
//! buildings and trees) copied over a 96 x 96 grid: 101,376 parcels, 1.4 M buildings, 2 M trees,
//! 0.5 M road parts. Each parcel is evaluated as `rules batch --plan plan=4x3` does: the main
//! building from the map (`from largest(buildings, parcel)`), a 4 x 3 m plan on a point inside the
//! parcel, the questions answered as for an ordinary house.
//!
//! Measured, in one run: the cost per parcel on one thread (criterion, over the parcels in turn),
//! the same sample of parcels on 1 and on all threads (the speed-up), and the whole municipality on
//! all threads; printed with the estimate for the 10 M Dutch parcels on 16 cores.
//!
//! Run with `cargo bench -p rules-core --bench batch` (needs about 3 GB of memory and a few
//! minutes): the sample is every 25th parcel. `RULES_BATCH_ALL=1` also runs all 101,376 parcels;
//! `RULES_BATCH_GRID=20` builds a smaller municipality.

use std::hash::{Hash, Hasher};
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use criterion::Criterion;
use rayon::prelude::*;
use rules_core::eval::batch::{parcel_row, ParcelRow, ParcelSetup};
use rules_core::spatial::{parse_features, Feature, GeomKind};
use rules_core::{compile, Facts, Ruleset};
use serde_json::{json, Value as Json};

/// One copy of the block per 600 m x 750 m cell (the road extract is 551 m x 711 m).
const CELL: (f64, f64) = (600.0, 750.0);

fn read(name: &str) -> Json {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    serde_json::from_str(&std::fs::read_to_string(&path).expect("the file")).expect("JSON")
}

/// The block's features copied over an `n x n` grid, read once and shifted in memory (no
/// properties: the ruleset reads none).
fn tiled(name: &str, kind: GeomKind, n: usize) -> Vec<Feature> {
    use geo::Translate;
    let block = parse_features(&read(&format!("data/geo/{name}.geojson")), kind).expect("the block's features");
    let mut out = Vec::with_capacity(block.len() * n * n);
    for cell in 0..n * n {
        let (dx, dy) = ((cell % n) as f64 * CELL.0, (cell / n) as f64 * CELL.1);
        for f in &block {
            let mut properties = serde_json::Map::new();
            if let Some(a) = f.properties.get("kadastraleAanduiding") {
                properties.insert("kadastraleAanduiding".into(), a.clone());
            }
            out.push(Feature { id: format!("{}-{cell}", f.id), geometry: f.geometry.translate(dx, dy), properties });
        }
    }
    out
}

fn setup(n: usize) -> (Ruleset, Facts, Vec<Feature>) {
    let text = std::fs::read_to_string(
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../rulesets/bruidsschat/bijbehorend-bouwwerk.rules"),
    )
    .expect("the ruleset");
    let rs = compile("bijbehorend-bouwwerk.rules", &text).ruleset.expect("the ruleset compiles");
    let mut facts = Facts::new(&rs);
    facts.bind_features(&rs, "public_space", tiled("otterlo_bgt_wegdeel", GeomKind::Area, n)).expect("roads");
    facts.bind_features(&rs, "buildings", tiled("otterlo_bgt_pand", GeomKind::Area, n)).expect("buildings");
    facts.bind_features(&rs, "trees", tiled("otterlo_bgt_vegetatieobject", GeomKind::Point, n)).expect("trees");
    let answers = json!({
        "monument": "geen monument", "special_building": false, "own_dwelling": false, "on_ground": true,
        "stadsgezicht": false, "main_is_original": true, "height": 3, "roof_shape": "plat", "roof_use": "geen",
        "upper_living": false, "main_height": 8, "has_upper_floor": true, "upper_floor_level": 2.7,
    });
    for (name, answer) in answers.as_object().expect("an object") {
        // Questions a newer version of the ruleset no longer asks are skipped.
        let _ = facts.answer(&rs, name, answer);
    }
    (rs, facts, tiled("otterlo_brk_perceel", GeomKind::Area, n))
}

fn main() {
    let n: usize = std::env::var("RULES_BATCH_GRID").ok().and_then(|v| v.parse().ok()).unwrap_or(96);
    let built = Instant::now();
    let (rs, facts, parcels) = setup(n);
    let plan = ParcelSetup { parcel_input: "parcel".into(), plan: Some(("plan".into(), 4.0, 3.0)) };
    eprintln!("{} parcels, layers bound and indexed in {:.1} s", parcels.len(), built.elapsed().as_secs_f64());

    let mut c = Criterion::default().configure_from_args().warm_up_time(Duration::from_secs(1));
    let mut g = c.benchmark_group("batch");
    g.measurement_time(Duration::from_secs(5));
    let mut next = 0usize;
    g.bench_function("bruidsschat_parcel", |b| {
        b.iter(|| {
            next = (next + 7919) % parcels.len();
            parcel_row(&rs, black_box(&facts), &plan, &parcels[next])
        })
    });
    g.finish();

    // One run: a sample spread over the municipality on 1 thread and on all, then everything.
    let sample: Vec<&Feature> = parcels.iter().step_by(25).collect();
    let timed = |threads: usize, parcels: &[&Feature]| -> (f64, Vec<ParcelRow>) {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
        let start = Instant::now();
        let rows = pool.install(|| parcels.par_iter().map(|p| parcel_row(&rs, &facts, &plan, p)).collect());
        (start.elapsed().as_secs_f64(), rows)
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let (one, rows) = timed(1, &sample);
    let (all, _) = timed(cores, &sample);
    // What the sample concluded, and a digest of every row: a faster engine must give the same.
    let mut counts = std::collections::BTreeMap::<String, usize>::new();
    let mut digest = std::collections::hash_map::DefaultHasher::new();
    for r in &rows {
        let why = r.branch.as_deref().or(r.error.as_deref()).unwrap_or("-");
        *counts.entry(format!("{} ({why})", r.conclusion)).or_default() += 1;
        (&r.conclusion, &r.branch, &r.line, &r.open, &r.error).hash(&mut digest);
    }
    println!("sample rows: {counts:?}; digest {:016x}", digest.finish());
    // The whole municipality takes minutes; RULES_BATCH_ALL=1 runs it.
    let everything: Vec<&Feature> = parcels.iter().collect();
    let (whole, decided) = if std::env::var_os("RULES_BATCH_ALL").is_some() {
        let (t, rows) = timed(cores, &everything);
        (t, rows.iter().filter(|r| r.conclusion != "unknown").count())
    } else {
        (f64::NAN, 0)
    };
    let per_parcel = one / sample.len() as f64;
    let speedup = one / all;
    // 10 M parcels on 16 cores, at this machine's per-core cost and this speed-up per core.
    let efficiency = speedup / cores as f64;
    let estimate = 10e6 * per_parcel / (16.0 * efficiency);
    println!(
        "batch: {} parcels; sample of {}: 1 thread {:.2} s ({:.0} µs per parcel, {:.0} parcels/s per core), \
         {cores} threads {:.2} s, speed-up {speedup:.2}; all {} parcels on {cores} threads {:.1} s \
         ({:.0} parcels/s, {decided} decided; NaN: not run); estimate for 10 M parcels on 16 cores: {:.1} min",
        parcels.len(),
        sample.len(),
        one,
        per_parcel * 1e6,
        1.0 / per_parcel,
        all,
        parcels.len(),
        whole,
        parcels.len() as f64 / whole,
        estimate / 60.0
    );
    c.final_summary();
}

//! Does the cost of an evaluation depend on how much a layer holds elsewhere? The real bruidsschat
//! `bijbehorend-bouwwerk` ruleset on one of its cases (a shed next to a tree and the parcel
//! boundary, decided: every layer operation runs), once with its layers as they are (the Otterlo
//! block: 53 road parts, 147 buildings, 218 trees) and once with the block copied over a 4x4 grid
//! (16 times as many features, all but the first copy far from the plan). The ratio should be
//! close to 1.
//!
//! Run with `cargo bench -p rules-core --bench layers`; the ratio is printed at the end.

use std::hint::black_box;
use std::time::{Duration, Instant};

mod common;

use criterion::Criterion;
use rules_core::{evaluate, Facts, Options, Ruleset};
use serde_json::Value as Json;

/// The layer files the case binds; the grid copies these.
const LAYER_FILES: [&str; 3] = ["otterlo_bgt_wegdeel", "otterlo_bgt_pand", "otterlo_bgt_vegetatieobject"];
/// One copy of the block per 600 m x 750 m cell (the road extract is 551 m x 711 m).
const CELL: (f64, f64) = (600.0, 750.0);

/// `collection` copied `n x n` times over the grid; the first copy is the original, the others
/// get ids with their cell.
fn tiled(collection: &Json, n: usize) -> Json {
    let mut out = collection.clone();
    let features = collection["features"].as_array().cloned().unwrap_or_default();
    let mut all = Vec::with_capacity(features.len() * n * n);
    for cell in 0..n * n {
        let (dx, dy) = ((cell % n) as f64 * CELL.0, (cell / n) as f64 * CELL.1);
        for f in &features {
            let mut f = f.clone();
            if cell > 0 {
                let id = f["id"].as_str().unwrap_or("").to_string();
                f["id"] = Json::String(format!("{id}-{cell}"));
                if let Some(p) = f["properties"].as_object_mut() {
                    p.remove("lokaalID");
                    p.remove("identificatie");
                }
                shift(&mut f["geometry"]["coordinates"], dx, dy);
            }
            all.push(f);
        }
    }
    out["features"] = Json::Array(all);
    out
}

fn shift(c: &mut Json, dx: f64, dy: f64) {
    match c {
        Json::Array(items) if items.first().is_some_and(Json::is_number) => {
            if let [x, y, ..] = items.as_mut_slice() {
                *x = Json::from(x.as_f64().unwrap_or(0.0) + dx);
                *y = Json::from(y.as_f64().unwrap_or(0.0) + dy);
            }
        }
        Json::Array(items) => items.iter_mut().for_each(|i| shift(i, dx, dy)),
        _ => {}
    }
}

fn setup(n: usize) -> (Ruleset, Facts, Options, usize) {
    let dir = common::rulesets_dir("bruidsschat");
    let (rs, cases) = common::ruleset_and_cases(&dir, "bijbehorend-bouwwerk");
    let case = &cases[6];
    let mut features = 0;
    let mut load = common::cached_loader(dir, |path, json| {
        if !LAYER_FILES.iter().any(|l| path.ends_with(&format!("{l}.geojson"))) {
            return json;
        }
        let json = tiled(&json, n);
        features += json["features"].as_array().map_or(0, Vec::len);
        json
    });
    let (facts, options) = rules_core::case::facts_for(&rs, case, "bench", &mut load).expect("the case gives facts");
    drop(load); // (it counted the features)
    let first = evaluate(&rs, &facts, &options);
    let problems = rules_core::case::verify(case, &first);
    assert!(problems.is_empty(), "{n}x{n}: {problems:?}");
    (rs, facts, options, features)
}

/// Median of `rounds` timings of `f`, each over `inner` calls, in microseconds per call.
fn median_us(rounds: usize, inner: usize, mut f: impl FnMut()) -> f64 {
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
    let mut c = Criterion::default().configure_from_args().warm_up_time(Duration::from_secs(1));
    let block = setup(1);
    let grid = setup(4);
    let mut g = c.benchmark_group("eval/bruidsschat_bijbehorend_bouwwerk");
    g.measurement_time(Duration::from_secs(4));
    g.bench_function("block", |b| b.iter(|| evaluate(&block.0, black_box(&block.1), &block.2)));
    g.bench_function("grid_4x4", |b| b.iter(|| evaluate(&grid.0, black_box(&grid.1), &grid.2)));
    g.finish();
    // One run, both sides interleaved, so machine noise hits both alike.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        a.push(median_us(3, 50, || drop(black_box(evaluate(&block.0, &block.1, &block.2)))));
        b.push(median_us(3, 50, || drop(black_box(evaluate(&grid.0, &grid.1, &grid.2)))));
    }
    a.sort_by(f64::total_cmp);
    b.sort_by(f64::total_cmp);
    let (a, b) = (a[3], b[3]);
    println!(
        "bruidsschat bijbehorend-bouwwerk, traced evaluation: block ({} features) {a:.0} µs, 4x4 grid ({} features) {b:.0} µs, ratio {:.2}",
        block.3,
        grid.3,
        b / a
    );
    c.final_summary();
}

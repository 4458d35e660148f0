//! Benchmarks of the spatial engine (`cargo bench -p rules-core --bench spatial`):
//!
//! - `spatial/point_query_100k/indexed` and `/linear_scan`: Stip op de kaart against 100,000
//!   parcels (the real Otterlo parcels, the whole block translated over a 96 x 95 grid), through
//!   the R-tree and by testing every parcel;
//! - `spatial/binnen_de_lijntjes/achtererf_full_evaluation`: the example ruleset
//!   rulesets/voorbeeld/achtererf.rules on a real parcel: derive the rear yard, every check, and
//!   the violation geometry of the failed ones;
//! - `spatial/derive/rear_yard_2300`: the rear yard of the real corner plot alone.
//!
//! Before criterion runs, the resident memory of the 100,000 indexed parcels is measured
//! (VmRSS from /proc/self/status, Linux); after it, one summary measures the three point query
//! variants in the same run (indexed, linear scan, and `@turf/boolean-point-in-polygon` in Node
//! over the same parcels and points) and prints their medians and ratios. The Node part needs
//! `npm install` in rules-core/benches/turf; without it that line says so.

use std::hint::black_box;
use std::path::Path;
use std::time::Instant;

use criterion::Criterion;
use geo::{Intersects, Point, Translate};
use rules_core::spatial::{derive, parse_features, parse_geometry, Feature, GeomKind, IndexedLayer};
use rules_core::{case, compile, evaluate};
use serde_json::{json, Map, Value};

const ROOT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const PARCELS: usize = 100_000;

fn load(relative: &str) -> Value {
    let text = std::fs::read_to_string(format!("{ROOT}/{relative}")).expect("data file");
    serde_json::from_str(&text).expect("JSON")
}

/// The real Otterlo parcels as a tile, translated over a grid until there are `n` parcels.
/// Properties are what a parcel layer for the widget carries (id, aanduiding, size).
fn synthetic_parcels(n: usize) -> (Vec<Feature>, [f64; 4]) {
    let tile = parse_features(&load("data/geo/otterlo_brk_perceel.geojson"), GeomKind::Area).expect("parcels");
    let (mut min_x, mut min_y, mut max_x, mut max_y) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for f in &tile {
        if let Some(r) = geo::BoundingRect::bounding_rect(&f.geometry) {
            min_x = min_x.min(r.min().x);
            min_y = min_y.min(r.min().y);
            max_x = max_x.max(r.max().x);
            max_y = max_y.max(r.max().y);
        }
    }
    let (w, h) = (max_x - min_x, max_y - min_y);
    let tiles = n.div_ceil(tile.len());
    let columns = (tiles as f64).sqrt().ceil() as usize;
    let mut out = Vec::with_capacity(n);
    'grid: for t in 0..tiles {
        let (dx, dy) = ((t % columns) as f64 * w, (t / columns) as f64 * h);
        for f in &tile {
            if out.len() == n {
                break 'grid;
            }
            let mut properties = Map::new();
            let aanduiding = format!("SYN00 A {}", out.len());
            properties.insert("kadastraleAanduiding".into(), json!(aanduiding));
            properties.insert(
                "kadastraleGrootteWaarde".into(),
                f.properties.get("kadastraleGrootteWaarde").cloned().unwrap_or(Value::Null),
            );
            out.push(Feature { id: format!("syn-{}", out.len()), geometry: f.geometry.translate(dx, dy), properties });
        }
    }
    let rows = tiles.div_ceil(columns);
    (out, [min_x, min_y, min_x + columns as f64 * w, min_y + rows as f64 * h])
}

/// Deterministic query points spread over the grid (a small LCG: no rand dependency).
fn query_points(extent: [f64; 4], n: usize) -> Vec<(f64, f64)> {
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = || {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1_442_695_040_888_963_407);
        (state >> 11) as f64 / (1u64 << 53) as f64
    };
    (0..n)
        .map(|_| (extent[0] + next() * (extent[2] - extent[0]), extent[1] + next() * (extent[3] - extent[1])))
        .collect()
}

fn linear_scan(features: &[Feature], x: f64, y: f64) -> usize {
    let p = Point::new(x, y);
    features.iter().filter(|f| f.geometry.intersects(&p)).count()
}

fn vm_rss_kb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find(|l| l.starts_with("VmRSS:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

/// Median time of one call in µs, over `rounds` rounds of `per_round` calls.
fn time_us(rounds: usize, per_round: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut samples = Vec::with_capacity(rounds);
    let mut i = 0;
    for _ in 0..rounds {
        let start = Instant::now();
        for _ in 0..per_round {
            f(i);
            i += 1;
        }
        samples.push(start.elapsed().as_secs_f64() * 1e6 / per_round as f64);
    }
    median(samples)
}

fn achtererf_case(name: &str) -> (rules_core::Ruleset, rules_core::Facts, rules_core::Options) {
    let text = std::fs::read_to_string(format!("{ROOT}/rulesets/voorbeeld/achtererf.rules")).expect("ruleset");
    let rs = compile("achtererf.rules", &text).ruleset.expect("compiles");
    let cases = case::parse_cases(
        &std::fs::read_to_string(format!("{ROOT}/rulesets/voorbeeld/achtererf.cases.json")).expect("cases"),
    )
    .expect("cases");
    let c = cases.iter().find(|c| c.name.as_deref() == Some(name)).expect("case");
    let mut loader = |p: &str| -> Result<Value, String> {
        let text =
            std::fs::read_to_string(Path::new(ROOT).join("rulesets/voorbeeld").join(p)).map_err(|e| e.to_string())?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    let (facts, options) = case::facts_for(&rs, c, name, &mut loader).expect("facts");
    // Layers are unioned once when first used (the WASM engine does it when a layer is loaded).
    let _ = evaluate(&rs, &facts, &options);
    (rs, facts, options)
}

/// A case whose plan fails several checks, so the violation geometry is computed too.
const FAILING_CASE: &str = "2299: bestaand bijgebouw telt mee, groter plan te groot";

fn benches(c: &mut Criterion, layer: &IndexedLayer, points: &[(f64, f64)]) {
    let mut group = c.benchmark_group("spatial/point_query_100k");
    let mut i = 0;
    group.bench_function("indexed", |b| {
        b.iter(|| {
            let (x, y) = points[i % points.len()];
            i += 1;
            black_box(layer.at(black_box(x), black_box(y), 0.0).len())
        })
    });
    group.sample_size(20);
    let mut i = 0;
    group.bench_function("linear_scan", |b| {
        b.iter(|| {
            let (x, y) = points[i % points.len()];
            i += 1;
            black_box(linear_scan(layer.features(), black_box(x), black_box(y)))
        })
    });
    group.finish();

    let (rs, facts, options) = achtererf_case(FAILING_CASE);
    c.bench_function("spatial/binnen_de_lijntjes/achtererf_full_evaluation", |b| {
        b.iter(|| black_box(evaluate(&rs, &facts, &options).expect("evaluates")))
    });

    let parcels = load("data/geo/otterlo_brk_perceel.geojson");
    let find = |id: &str| {
        parcels["features"]
            .as_array()
            .and_then(|fs| fs.iter().find(|f| f["properties"]["kadastraleAanduiding"] == id))
            .cloned()
    };
    let parcel = parse_geometry(&find("OTL02 B 2300").expect("parcel"), GeomKind::Area).expect("parcel");
    let buildings = load("data/geo/otterlo_bgt_pand.geojson");
    let building = buildings["features"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == "G0228.fe246f4abb8ed6d6e0400a0a35020533"))
        .map(|f| parse_geometry(f, GeomKind::Area).expect("building"))
        .expect("building");
    let roads = parse_geometry(&load("data/geo/otterlo_bgt_wegdeel.geojson"), GeomKind::Area).expect("roads");
    c.bench_function("spatial/derive/rear_yard_2300", |b| {
        b.iter(|| black_box(derive::rear_yard(&parcel, &building, &roads).expect("rear yard")))
    });
}

/// Writes the parcels and points for the peer scripts (once per run).
fn peer_files(layer: &IndexedLayer, points: &[(f64, f64)]) -> Result<(std::path::PathBuf, std::path::PathBuf), String> {
    let tmp = std::env::temp_dir();
    let parcels_file = tmp.join("rules-bench-parcels.geojson");
    let points_file = tmp.join("rules-bench-points.json");
    let features: Vec<Value> = layer
        .features()
        .iter()
        .map(|f| json!({"type": "Feature", "properties": {}, "geometry": rules_core::spatial::to_geojson(&f.geometry)}))
        .collect();
    let write = |path: &Path, v: &Value| std::fs::write(path, v.to_string()).map_err(|e| e.to_string());
    write(&parcels_file, &json!({"type": "FeatureCollection", "features": features}))?;
    write(&points_file, &json!(points.iter().map(|(x, y)| [x, y]).collect::<Vec<_>>()))?;
    Ok((parcels_file, points_file))
}

/// Runs a peer script (`program dir/script PARCELS POINTS`) and reads its JSON line.
fn peer(
    program: &Path,
    dir: &Path,
    script: &str,
    files: &(std::path::PathBuf, std::path::PathBuf),
) -> Result<Value, String> {
    let out = std::process::Command::new(program)
        .current_dir(dir)
        .arg(script)
        .arg(&files.0)
        .arg(&files.1)
        .output()
        .map_err(|e| format!("skipped: cannot run {}: {e}", program.display()))?;
    if !out.status.success() {
        return Err(format!("failed: {}", String::from_utf8_lossy(&out.stderr)));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())
}

/// The same point queries with turf in Node (linear), on the same parcels and points.
fn turf_median_us(files: &(std::path::PathBuf, std::path::PathBuf)) -> Result<(f64, u64), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/turf");
    if !dir.join("node_modules/@turf/boolean-point-in-polygon").exists() {
        return Err(format!("skipped: run `npm install` in {}", dir.display()));
    }
    let v = peer(Path::new("node"), &dir, "point_query.mjs", files)?;
    Ok((v["median_us"].as_f64().unwrap_or(f64::NAN), v["hits"].as_u64().unwrap_or(0)))
}

fn summary(layer: &IndexedLayer, points: &[(f64, f64)]) {
    println!("\n== Spatial summary (one run, same data) ==");
    let indexed = time_us(200, 500, |i| {
        let (x, y) = points[i % points.len()];
        black_box(layer.at(x, y, 0.0).len());
    });
    let linear = time_us(30, 10, |i| {
        let (x, y) = points[i % points.len()];
        black_box(linear_scan(layer.features(), x, y));
    });
    // The best a scan can do: bounding boxes computed beforehand, the exact test only inside one.
    let boxes: Vec<geo::Rect<f64>> =
        layer.features().iter().filter_map(|f| geo::BoundingRect::bounding_rect(&f.geometry)).collect();
    let boxed = time_us(30, 10, |i| {
        let (x, y) = points[i % points.len()];
        let p = Point::new(x, y);
        let hits =
            boxes.iter().zip(layer.features()).filter(|(b, f)| b.intersects(&p) && f.geometry.intersects(&p)).count();
        black_box(hits);
    });
    let sample: Vec<(f64, f64)> = points.iter().copied().take(300).collect();
    let hits: usize = sample.iter().map(|&(x, y)| layer.at(x, y, 0.0).len()).sum();
    println!("point query, {PARCELS} parcels, median per query:");
    println!("  indexed (R-tree)            {indexed:10.2} µs");
    println!("  linear scan (Rust)          {linear:10.2} µs   = {:.0}x the indexed query", linear / indexed);
    println!("  linear scan, boxes cached   {boxed:10.2} µs   = {:.0}x the indexed query", boxed / indexed);
    let files = match peer_files(layer, points) {
        Ok(f) => f,
        Err(e) => return println!("  peers: cannot write their input: {e}"),
    };
    let all_hits: usize = points.iter().map(|&(x, y)| layer.at(x, y, 0.0).len()).sum();
    println!("indexed peers, same {PARCELS} parcels and {} points (scripts in peers/points):", points.len());
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../peers/points");
    if dir.join("node_modules/flatbush").exists() {
        match peer(Path::new("node"), &dir, "query_flatbush.mjs", &files) {
            Ok(v) => {
                let us = v["median_us"].as_f64().unwrap_or(f64::NAN);
                println!(
                    "  flatbush + turf (Node)      {us:10.2} µs   = {:.1}x the indexed query (hits: ours {all_hits}, theirs {})",
                    us / indexed,
                    v["hits"]
                );
            }
            Err(e) => println!("  flatbush + turf (Node): {e}"),
        }
    } else {
        println!("  flatbush + turf (Node): skipped: run `npm install` in {}", dir.display());
    }
    let python = dir.join(".venv/bin/python3");
    if python.exists() {
        match peer(&python, &dir, "query_shapely.py", &files) {
            Ok(v) => {
                let us = v["median_us"].as_f64().unwrap_or(f64::NAN);
                let bulk = v["bulk_us"].as_f64().unwrap_or(f64::NAN);
                println!(
                    "  shapely STRtree (Python)    {us:10.2} µs   = {:.1}x the indexed query (hits: theirs {})",
                    us / indexed,
                    v["hits"]
                );
                println!(
                    "  shapely STRtree, one vectorised call for all points {bulk:10.2} µs per point = {:.1}x",
                    bulk / indexed
                );
            }
            Err(e) => println!("  shapely STRtree (Python): {e}"),
        }
    } else {
        println!("  shapely STRtree (Python): skipped: bash scripts/bench-peers.sh installs it in peers/points/.venv");
    }
    let sample_files = match peer_files(layer, &sample) {
        Ok(f) => f,
        Err(e) => return println!("  turf: {e}"),
    };
    match turf_median_us(&sample_files) {
        Ok((turf, turf_hits)) => {
            println!(
                "  @turf/boolean-point-in-polygon, linear scan, no index (Node) {turf:10.2} µs   = {:.0}x the indexed query",
                turf / indexed
            );
            println!("  (hits on {} points: Rust {hits}, turf {turf_hits})", sample.len());
        }
        Err(e) => println!("  @turf/boolean-point-in-polygon: {e}"),
    }
    let (rs, facts, options) = achtererf_case(FAILING_CASE);
    let full = time_us(50, 20, |_| {
        black_box(evaluate(&rs, &facts, &options).expect("evaluates"));
    });
    println!("Binnen de lijntjes, full evaluation of achtererf.rules on OTL02 B 2299 (rear yard, 5 checks, violation geometry):");
    println!("  {:.3} ms median", full / 1000.0);
}

fn main() {
    let before = vm_rss_kb();
    let (features, extent) = synthetic_parcels(PARCELS);
    let with_features = vm_rss_kb();
    let layer = IndexedLayer::new(features);
    let with_index = vm_rss_kb();
    if let (Some(a), Some(b), Some(c)) = (before, with_features, with_index) {
        println!("memory, {PARCELS} parcels (VmRSS): geometry and properties {:.1} MB, R-tree index {:.1} MB, total {:.1} MB", (b - a) as f64 / 1024.0, (c - b) as f64 / 1024.0, (c - a) as f64 / 1024.0);
    } else {
        println!("memory: /proc/self/status not available on this system");
    }
    let points = query_points(extent, 10_000);

    let mut c = Criterion::default().configure_from_args();
    benches(&mut c, &layer, &points);
    c.final_summary();
    summary(&layer, &points);
}

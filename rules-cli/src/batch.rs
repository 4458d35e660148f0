//! `rules batch`: a ruleset for every parcel of a parcel layer, in parallel, one row per parcel
//! (GeoJSON and CSV); with `--compare OLD.rules`, the parcels whose conclusion changes, as a map
//! page. The rows come from `rules_core::eval::batch`; this file reads, runs and writes.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use rules_core::eval::batch::{parcel_row, ParcelRow, ParcelSetup};
use rules_core::spatial::crs::Crs;
use rules_core::spatial::{self, Feature, GeomKind};
use rules_core::{Facts, Ruleset};
use serde_json::{json, Value as Json};

use crate::{layer_file, load, read, Failure};

#[derive(clap::Args)]
pub struct BatchArgs {
    /// The ruleset file.
    ruleset: PathBuf,
    /// The parcel layer (GeoJSON FeatureCollection of areas, e.g. BRK perceel).
    #[arg(long)]
    parcels: PathBuf,
    /// Layer data: `NAME=FILE.geojson`, a folder with NAME.geojson per declared layer, or a file
    /// NAME.geojson.
    #[arg(long = "layers")]
    layers: Vec<String>,
    /// Answers given for every parcel: a JSON object `{"question": answer, ...}`.
    #[arg(long)]
    answers: Option<PathBuf>,
    /// The area input the parcel goes to.
    #[arg(long, default_value = "parcel")]
    parcel_input: String,
    /// `INPUT=WxD`: a W x D m rectangle centred on a point inside each parcel as that input
    /// (`plan=4x3`: where may a 4 x 3 m shed go without a permit?). Without it the plan is what the
    /// ruleset derives (`from`), or an open question.
    #[arg(long)]
    plan: Option<String>,
    /// Write the rows as GeoJSON (parcel outlines with the row as properties).
    #[arg(long)]
    geojson: Option<PathBuf>,
    /// Write the rows as CSV.
    #[arg(long)]
    csv: Option<PathBuf>,
    /// An older version of the ruleset: report the parcels whose conclusion changes.
    #[arg(long)]
    compare: Option<PathBuf>,
    /// With --compare: write the changed parcels as a map page (HTML) and, next to it, as GeoJSON
    /// (WGS84) for the web demo. Default: compare.html.
    #[arg(long)]
    map: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long)]
    threads: Option<usize>,
}

/// A ruleset with its base facts for the run.
struct Run {
    rs: Ruleset,
    base: Facts,
}

pub fn batch(args: &BatchArgs) -> Result<ExitCode, Failure> {
    let read_json = |file: &Path| -> Result<Json, Failure> {
        serde_json::from_str(&read(file)?).map_err(|e| Failure(format!("{} is not valid JSON: {e}", file.display())))
    };
    let setup =
        ParcelSetup { parcel_input: args.parcel_input.clone(), plan: args.plan.as_deref().map(plan_arg).transpose()? };
    let answers = match &args.answers {
        Some(f) => Some(read_json(f)?),
        None => None,
    };
    let prepare = |path: &Path| -> Result<Run, Failure> {
        let rs = load(path)?;
        let mut base = Facts::new(&rs);
        for layer in &rs.layers {
            if let Some(file) = layer_file(&args.layers, &layer.name)? {
                base.bind_layer(&rs, &layer.name, &read_json(&file)?)
                    .map_err(|e| Failure(format!("{}: {e}", file.display())))?;
            }
        }
        if let Some(Json::Object(map)) = &answers {
            for (name, answer) in map {
                base.answer(&rs, name, answer).map_err(|e| Failure(format!("--answers: {e}")))?;
            }
        } else if answers.is_some() {
            return Err(Failure("--answers must hold a JSON object of answers".into()));
        }
        Ok(Run { rs, base })
    };
    let new = prepare(&args.ruleset)?;
    let old = args.compare.as_deref().map(prepare).transpose()?;
    let parcels = spatial::parse_features(&read_json(&args.parcels)?, GeomKind::Area)
        .map_err(|e| Failure(format!("{}: {e}", args.parcels.display())))?;

    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads.unwrap_or(0)).build()?;
    let bar = progress(parcels.len() * if old.is_some() { 2 } else { 1 });
    let start = Instant::now();
    let rows = |run: &Run| -> Vec<ParcelRow> {
        pool.install(|| {
            parcels
                .par_iter()
                .map(|p| {
                    let row = parcel_row(&run.rs, &run.base, &setup, p);
                    bar.inc(1);
                    row
                })
                .collect()
        })
    };
    let new_rows = rows(&new);
    let old_rows = old.as_ref().map(rows);
    bar.finish_and_clear();
    let seconds = start.elapsed().as_secs_f64();
    let evaluations = parcels.len() * if old.is_some() { 2 } else { 1 };
    eprintln!(
        "{} parcels, {evaluations} evaluations in {seconds:.2} s on {} threads ({:.0} µs per evaluation per thread)",
        parcels.len(),
        pool.current_num_threads(),
        seconds * 1e6 * pool.current_num_threads() as f64 / evaluations.max(1) as f64
    );

    if let Some(path) = &args.geojson {
        std::fs::write(path, rows_geojson(&parcels, &new_rows).to_string())?;
    }
    if let Some(path) = &args.csv {
        std::fs::write(path, rows_csv(&new_rows))?;
    }
    let mut counts = std::collections::BTreeMap::<&str, usize>::new();
    for r in &new_rows {
        *counts.entry(r.conclusion.as_str()).or_default() += 1;
    }
    for (conclusion, n) in &counts {
        println!("{conclusion}: {n}");
    }
    if let (Some(old_rows), Some(old_path)) = (old_rows, &args.compare) {
        let changed: Vec<(&Feature, &ParcelRow, &ParcelRow)> = parcels
            .iter()
            .zip(old_rows.iter().zip(&new_rows))
            .filter(|(_, (o, n))| o.conclusion != n.conclusion)
            .map(|(p, (o, n))| (p, o, n))
            .collect();
        println!(
            "{} of {} parcels change conclusion ({} -> {})",
            changed.len(),
            parcels.len(),
            old_path.display(),
            args.ruleset.display()
        );
        let map = args.map.clone().unwrap_or_else(|| PathBuf::from("compare.html"));
        let collection = changes_geojson(&changed)?;
        std::fs::write(map.with_extension("geojson"), collection.to_string())?;
        let title = format!("{} -> {}", old_path.display(), args.ruleset.display());
        std::fs::write(&map, changes_page(&title, &changed, parcels.len()))?;
        println!("map: {} (GeoJSON: {})", map.display(), map.with_extension("geojson").display());
    }
    Ok(ExitCode::SUCCESS)
}

/// A progress bar on stderr; hidden when stderr is not a terminal (CI logs, pipes).
fn progress(total: usize) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} parcels, {per_sec}, {eta} left") {
        bar.set_style(style);
    }
    bar
}

fn pair(arg: &str, flag: &str, form: &str) -> Result<(String, String), Failure> {
    arg.split_once('=')
        .filter(|(a, b)| !a.is_empty() && !b.is_empty())
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .ok_or_else(|| Failure(format!("{flag} must be {form}, got \"{arg}\"")))
}

fn plan_arg(arg: &str) -> Result<(String, f64, f64), Failure> {
    let (input, size) = pair(arg, "--plan", "INPUT=WxD (metres)")?;
    let bad = || Failure(format!("--plan must be INPUT=WxD with sizes in metres from 0.1 to 1000, got \"{arg}\""));
    let (w, d) = size.split_once(['x', 'X']).ok_or_else(bad)?;
    let (w, d) = (w.trim().parse::<f64>().map_err(|_| bad())?, d.trim().parse::<f64>().map_err(|_| bad())?);
    if !(0.1..=1000.0).contains(&w) || !(0.1..=1000.0).contains(&d) {
        return Err(bad());
    }
    Ok((input, w, d))
}

fn row_properties(r: &ParcelRow) -> Json {
    serde_json::to_value(r).unwrap_or(Json::Null)
}

fn rows_geojson(parcels: &[Feature], rows: &[ParcelRow]) -> Json {
    let features: Vec<Json> = parcels
        .iter()
        .zip(rows)
        .map(|(p, r)| {
            json!({"type": "Feature", "id": r.id, "properties": row_properties(r), "geometry": spatial::to_geojson(&p.geometry)})
        })
        .collect();
    json!({"type": "FeatureCollection", "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}}, "features": features})
}

/// One CSV field, quoted when it holds a comma, quote or line break.
fn field(s: &str) -> String {
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

fn rows_csv(rows: &[ParcelRow]) -> String {
    let mut out = String::from("id,kadastraleAanduiding,conclusion,branch,line,open,error\n");
    for r in rows {
        let line = r.line.map(|l| l.to_string()).unwrap_or_default();
        let _ = writeln!(
            out,
            "{},{},{},{},{},{},{}",
            field(&r.id),
            field(r.kadastrale_aanduiding.as_deref().unwrap_or("")),
            field(&r.conclusion),
            field(r.branch.as_deref().unwrap_or("")),
            line,
            field(&r.open.join(";")),
            field(r.error.as_deref().unwrap_or(""))
        );
    }
    out
}

fn changes_geojson(changed: &[(&Feature, &ParcelRow, &ParcelRow)]) -> Result<Json, Failure> {
    let mut features = Vec::with_capacity(changed.len());
    for (p, old, new) in changed {
        features.push(json!({
            "type": "Feature",
            "id": new.id,
            "properties": {
                "kadastraleAanduiding": new.kadastrale_aanduiding,
                "old": old.conclusion, "new": new.conclusion,
                "oldBranch": old.branch, "newBranch": new.branch,
            },
            "geometry": spatial::to_geojson_in(&p.geometry, Crs::Wgs84),
        }));
    }
    Ok(json!({"type": "FeatureCollection", "features": features}))
}

/// HTML-escapes text from the data and the ruleset.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A self-contained page: the changed parcels drawn as SVG (RD New, north up), coloured by the
/// new conclusion, with a table. No scripts, no tiles: it opens anywhere, also from disk.
fn changes_page(title: &str, changed: &[(&Feature, &ParcelRow, &ParcelRow)], total: usize) -> String {
    let colour = |c: &str| match c {
        "Toestemmingsvrij" => "#2e7d32",
        "Vergunningplicht" => "#c62828",
        "Meldingsplicht" | "Informatieplicht" => "#ef6c00",
        "NietVanToepassing" => "#757575",
        _ => "#1565c0",
    };
    let rings: Vec<Vec<Vec<(f64, f64)>>> =
        changed.iter().map(|(p, _, _)| rings_of(&spatial::to_geojson(&p.geometry))).collect();
    let all = rings.iter().flatten().flatten();
    let (mut min, mut max) = ((f64::INFINITY, f64::INFINITY), (f64::NEG_INFINITY, f64::NEG_INFINITY));
    for (x, y) in all {
        min = (min.0.min(*x), min.1.min(*y));
        max = (max.0.max(*x), max.1.max(*y));
    }
    let mut svg = String::new();
    if min.0.is_finite() {
        let (w, h) = ((max.0 - min.0).max(1.0), (max.1 - min.1).max(1.0));
        let _ = write!(svg, "<svg viewBox=\"0 0 {w:.1} {h:.1}\" width=\"800\" height=\"{:.0}\">", 800.0 * h / w);
        for ((_, old, new), rings) in changed.iter().zip(&rings) {
            let mut d = String::new();
            for ring in rings {
                for (i, (x, y)) in ring.iter().enumerate() {
                    let _ = write!(d, "{}{:.2},{:.2}", if i == 0 { "M" } else { "L" }, x - min.0, max.1 - y);
                }
                d.push('Z');
            }
            let name = new.kadastrale_aanduiding.as_deref().unwrap_or(&new.id);
            let _ = write!(
                svg,
                "<path d=\"{d}\" fill-rule=\"evenodd\" fill=\"{}\" fill-opacity=\"0.6\" stroke=\"#000\" stroke-width=\"{:.2}\"><title>{}: {} -&gt; {}</title></path>",
                colour(&new.conclusion),
                w / 800.0,
                esc(name),
                esc(&old.conclusion),
                esc(&new.conclusion)
            );
        }
        svg.push_str("</svg>");
    }
    let mut table = String::new();
    for (_, old, new) in changed.iter().take(1000) {
        let name = new.kadastrale_aanduiding.as_deref().unwrap_or(&new.id);
        let _ = write!(
            table,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(name),
            esc(&old.conclusion),
            esc(&new.conclusion),
            esc(new.branch.as_deref().unwrap_or(""))
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Wat verandert: {t}</title>\
<style>body{{font-family:sans-serif;margin:1.5em}}svg{{border:1px solid #ccc;max-width:100%;height:auto}}\
td,th{{padding:2px 8px;text-align:left}}</style></head><body>\
<h1>Wat verandert de regelwijziging, en waar?</h1><p>{t}: {n} van {total} percelen krijgen een andere conclusie \
(kleur: de nieuwe conclusie; groen toestemmingsvrij, rood vergunningplicht, blauw nog open).</p>{svg}\
<table><tr><th>Perceel</th><th>Was</th><th>Wordt</th><th>Beslissende regel</th></tr>{table}</table>\
<p>De percelen als GeoJSON (WGS84) staan naast deze pagina, voor de kaart van de demo.</p></body></html>\n",
        t = esc(title),
        n = changed.len()
    )
}

/// The rings of a GeoJSON Polygon or MultiPolygon, as coordinate pairs.
fn rings_of(geometry: &Json) -> Vec<Vec<(f64, f64)>> {
    let ring = |r: &Json| -> Vec<(f64, f64)> {
        r.as_array()
            .map(|pts| pts.iter().filter_map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?))).collect())
            .unwrap_or_default()
    };
    let polygon =
        |p: &Json| -> Vec<Vec<(f64, f64)>> { p.as_array().map(|rs| rs.iter().map(ring).collect()).unwrap_or_default() };
    match geometry["type"].as_str() {
        Some("Polygon") => polygon(&geometry["coordinates"]),
        Some("MultiPolygon") => {
            geometry["coordinates"].as_array().map(|ps| ps.iter().flat_map(polygon).collect()).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}

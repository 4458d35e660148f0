//! `rules`: check, format, test and evaluate toepasbare-regels rulesets.
//!
//! This binary only reads files, calls `rules-core` and prints. Exit codes: 0 ok, 1 rule errors or
//! failing tests, 2 usage or input errors.

mod base;
mod batch;
mod dmn;
mod nl;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use rules_core::case::{self, Case};
use rules_core::json;
use rules_core::{Diagnostic, Ruleset, SourceFile};
use serde_json::Value as Json;

#[derive(Parser)]
#[command(name = "rules", version, about = "Check, format, test and evaluate toepasbare-regels rulesets (*.rules)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// The folder whose rulesets `extends` may name (by default the current folder, or a
    /// ruleset's own folder when it is outside the current one). Absolute paths and `..` out
    /// of it are refused.
    #[arg(long, global = true, value_name = "DIR")]
    root: Option<PathBuf>,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Lang {
    En,
    Nl,
}

#[derive(Subcommand)]
enum Command {
    /// Check rulesets: syntax, names, types and units, unreachable branches, gaps, overlapping rows.
    ///
    /// Prints `file:line:col: error|warning[CODE]: message` with the source line and a caret.
    /// Exits 1 when there is an error (or a warning, with --deny-warnings).
    Check {
        /// Ruleset files (*.rules) or folders to search for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Treat warnings as errors.
        #[arg(long)]
        deny_warnings: bool,
        /// The language of the messages and hints: `en`, or `nl` (the Dutch texts of the
        /// authoring page, docs/diagnostics.nl.json). Codes and positions are the same.
        #[arg(long, value_enum, default_value = "en")]
        lang: Lang,
    },
    /// Format rulesets in the canonical layout, keeping comments.
    Fmt {
        /// Ruleset files (*.rules) or folders to search for them.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Do not write; exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
        /// Print the formatted text instead of writing the file.
        #[arg(long)]
        stdout: bool,
    },
    /// Evaluate a ruleset for the answers and geometry in a case file and print the outcome.
    Eval {
        /// The ruleset file (`.rules`), or an STTR file (`.dmn`), which is imported first.
        ruleset: PathBuf,
        /// A case file (JSON: one case or an array of cases).
        #[arg(long)]
        case: PathBuf,
        /// `json` prints the outcome JSON (decisions, checks, needed).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Evaluation date (YYYY-MM-DD); overrides the case's date.
        #[arg(long)]
        date: Option<String>,
        /// Show the branches and rules tried (text format; JSON always has the trace).
        #[arg(long)]
        trace: bool,
    },
    /// Print the next question to ask for a case: the highest-priority input that can still change
    /// the outcome. Prints nothing (and `null` as JSON) when everything is decided.
    Next {
        /// The ruleset file (`.rules`), or an STTR file (`.dmn`), which is imported first.
        ruleset: PathBuf,
        /// A case file (JSON) with the answers so far.
        #[arg(long)]
        case: PathBuf,
        /// `json` prints the question as JSON (`null` when everything is decided).
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
        /// Only these decisions count (by title or id); all when not given.
        #[arg(long = "decision")]
        decisions: Vec<String>,
    },
    /// Run example cases: `NAME.cases.json` next to `NAME.rules`, or case files given directly.
    ///
    /// Prints one line per case and `N passed, N failed` last. Exits 1 when a case fails.
    Test {
        /// Folders, rulesets or case files.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        /// Also list every branch and table rule that no case reaches (exit 1 if any).
        #[arg(long)]
        coverage: bool,
    },
    /// Stip op de kaart: what the rulesets say at one point: the parcel under it, the `at` texts
    /// of every layer feature there (grouped by ruleset and authority), and the conclusions the
    /// location alone decides.
    At {
        /// Ruleset files.
        #[arg(required = true)]
        rulesets: Vec<PathBuf>,
        /// Layer data: `NAME=FILE.geojson`, a folder with NAME.geojson per declared layer, or a
        /// file NAME.geojson.
        #[arg(long = "layers")]
        layers: Vec<String>,
        /// The point as `X,Y`: RD New metres, or longitude,latitude with `--crs EPSG:4326`.
        #[arg(long, allow_hyphen_values = true)]
        point: String,
        /// Coordinate system of the point and of files without a GeoJSON `crs` member:
        /// EPSG:28992 (RD New, the default) or EPSG:4326 (WGS84).
        #[arg(long, default_value = "EPSG:28992")]
        crs: String,
        /// Cadastral parcels (GeoJSON): the parcel under the point is reported and given to
        /// rulesets with an input `parcel`.
        #[arg(long)]
        parcels: Option<PathBuf>,
        #[arg(long, value_enum, default_value = "text")]
        format: Format,
    },
    /// Evaluate a ruleset for every parcel of a parcel layer, in parallel: one row per parcel with
    /// the conclusion, the deciding branch and the questions still open (GeoJSON, CSV).
    ///
    /// With --compare OLD.rules, also the parcels whose conclusion changes between the two
    /// versions, as a map page. A progress bar shows on stderr when it is a terminal.
    Batch(batch::BatchArgs),
    /// Convert an STTR file (DMN with the Omgevingsloket's toepasbare-regels extensions) to a ruleset.
    ///
    /// Prints the ruleset (or writes it with -o) and reports problems the national system does not
    /// check, each with the DMN element id: type and option mismatches, ANY rules that disagree,
    /// overlapping or unreachable rules, gaps (with the values no rule covers), missing
    /// conclusions. A decision that cannot be converted is left out, marked `// NOT CONVERTED` with
    /// its error (a top conclusion then answers NeemContactOp), and the rest is converted. Exits 1
    /// on errors. `rules eval`, `rules next` and `rules test` also take a `.dmn` directly.
    ImportSttr(dmn::ImportSttrArgs),
    /// Write a ruleset as an STTR file (DMN 1.3 with the toepasbare-regels extensions).
    ///
    /// Questions, fixed values, definitions, decision trees and tables, explanations and references
    /// are exported; what STTR cannot express (geometry inputs and what uses them, map rules,
    /// checks) is left out, marked with an XML comment and reported. A `.dmn` is imported first.
    ExportSttr(dmn::ExportSttrArgs),
    /// Run the DMN TCK conformance tests in a folder (e.g. TestCases/compliance-level-2).
    ///
    /// Prints one line per test case and `N passed, N failed, N skipped` last; --csv writes the
    /// TCK results format. Exits 1 when a model does not load or a case fails.
    Tck(dmn::TckArgs),
}

/// An input problem: printed on stderr, exit code 2.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(root) = cli.root {
        base::set_root(root);
    }
    let result = match cli.command {
        Command::Check { paths, format, deny_warnings, lang } => check(&paths, format, deny_warnings, lang),
        Command::Fmt { paths, check, stdout } => fmt(&paths, check, stdout),
        Command::Eval { ruleset, case, format, date, trace } => eval(&ruleset, &case, format, date, trace),
        Command::Next { ruleset, case, format, decisions } => next(&ruleset, &case, format, decisions),
        Command::Test { paths, coverage } => test(&paths, coverage),
        Command::At { rulesets, layers, point, crs, parcels, format } => {
            at(&rulesets, &layers, &point, &crs, parcels.as_deref(), format)
        }
        Command::Batch(args) => batch::batch(&args),
        Command::ImportSttr(args) => dmn::import_sttr(&args),
        Command::ExportSttr(args) => dmn::export_sttr(&args),
        Command::Tck(args) => dmn::tck(&args),
    };
    match result {
        Ok(code) => code,
        Err(Failure(message)) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn read(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))
}

/// Every `*.rules` file under the given paths, sorted.
fn rules_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, Failure> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut |f| {
                if f.extension().is_some_and(|e| e == "rules") {
                    out.push(f.to_path_buf());
                }
            })?;
        } else if p.exists() {
            out.push(p.clone());
        } else {
            return Err(Failure(format!("{} does not exist", p.display())));
        }
    }
    out.sort();
    Ok(out)
}

fn walk(dir: &Path, visit: &mut dyn FnMut(&Path)) -> Result<(), Failure> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Failure(format!("cannot read folder {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for e in entries {
        if e.is_dir() {
            walk(&e, visit)?;
        } else {
            visit(&e);
        }
    }
    Ok(())
}

fn render(diagnostics: &[Diagnostic], source: &SourceFile, format: Format) -> Vec<Json> {
    let mut json = Vec::new();
    for d in diagnostics {
        match format {
            Format::Text => eprint!("{}", d.render(source)),
            Format::Json => json.push(d.to_json(source)),
        }
    }
    json
}

/// Compile a ruleset file (loading the rulesets it `extends`, relative to it).
fn compile_file(path: &Path) -> Result<rules_core::Checked, Failure> {
    let text = read(path)?;
    let name = path.display().to_string();
    Ok(rules_core::compile_with(&name, &text, &mut |relative: &str, from: &str| base::load(path, relative, from)))
}

/// Compile a ruleset file; on errors print them and fail.
fn load(path: &Path) -> Result<Ruleset, Failure> {
    if path.extension().is_some_and(|e| e == "dmn") {
        return dmn::load(path);
    }
    let checked = compile_file(path)?;
    match checked.ruleset {
        Some(rs) => Ok(rs),
        None => {
            render(&checked.diagnostics, &checked.source, Format::Text);
            let errors = checked.diagnostics.iter().filter(|d| d.is_error()).count();
            Err(Failure(format!("{} has {errors} error{}; run `rules check`", path.display(), plural(errors))))
        }
    }
}

fn check(paths: &[PathBuf], format: Format, deny_warnings: bool, lang: Lang) -> Result<ExitCode, Failure> {
    let files = rules_files(paths)?;
    let dutch = match lang {
        Lang::Nl => Some(nl::Dutch::load().map_err(Failure)?),
        Lang::En => None,
    };
    let (mut errors, mut warnings) = (0, 0);
    let mut json = Vec::new();
    for path in &files {
        let mut checked = compile_file(path)?;
        errors += checked.diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += checked.diagnostics.iter().filter(|d| !d.is_error()).count();
        if let Some(dutch) = &dutch {
            checked.diagnostics = checked.diagnostics.iter().map(|d| dutch.diagnostic(d)).collect();
        }
        json.extend(render(&checked.diagnostics, &checked.source, format));
    }
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&json)?),
        Format::Text => eprintln!(
            "{} file{} checked: {errors} error{}, {warnings} warning{}",
            files.len(),
            plural(files.len()),
            plural(errors),
            plural(warnings)
        ),
    }
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    Ok(if failed { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

fn fmt(paths: &[PathBuf], check_only: bool, stdout: bool) -> Result<ExitCode, Failure> {
    let mut unformatted = 0;
    for path in rules_files(paths)? {
        let text = read(&path)?;
        let formatted = match rules_core::syntax::print::format_source(&text) {
            Ok(f) => f,
            Err(d) => {
                eprint!("{}", d.render(&SourceFile::new(path.display().to_string(), text)));
                return Err(Failure(format!("{} does not parse; not formatted", path.display())));
            }
        };
        if stdout {
            print!("{formatted}");
        } else if formatted != text {
            unformatted += 1;
            if check_only {
                println!("{} is not formatted", path.display());
            } else {
                std::fs::write(&path, formatted)
                    .map_err(|e| Failure(format!("cannot write {}: {e}", path.display())))?;
                println!("formatted {}", path.display());
            }
        }
    }
    Ok(if check_only && unformatted > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

/// Reads JSON files named in a case, relative to the case file, each once.
struct FileLoader {
    base: PathBuf,
    cache: BTreeMap<PathBuf, Json>,
}

impl FileLoader {
    fn new(case_file: &Path) -> FileLoader {
        FileLoader { base: case_file.parent().map(Path::to_path_buf).unwrap_or_default(), cache: BTreeMap::new() }
    }

    fn load(&mut self, relative: &str) -> Result<Json, String> {
        let path = self.base.join(relative);
        if let Some(j) = self.cache.get(&path) {
            return Ok(j.clone());
        }
        let size = std::fs::metadata(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?.len();
        let what = path.display().to_string();
        if let Some(message) = json::too_large(&what, size as usize, json::MAX_LAYER_BYTES) {
            return Err(message);
        }
        let text = std::fs::read_to_string(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let json: Json =
            serde_json::from_str(&text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
        self.cache.insert(path, json.clone());
        Ok(json)
    }
}

fn cases_of(path: &Path) -> Result<Vec<Case>, Failure> {
    let size = std::fs::metadata(path).map_err(|e| Failure(format!("cannot read {}: {e}", path.display())))?.len();
    if let Some(message) = json::too_large(&path.display().to_string(), size as usize, json::MAX_BYTES) {
        return Err(Failure(message));
    }
    case::parse_cases(&read(path)?).map_err(|e| Failure(format!("{}: {e}", path.display())))
}

fn eval(
    ruleset: &Path,
    case_path: &Path,
    format: Format,
    date: Option<String>,
    trace: bool,
) -> Result<ExitCode, Failure> {
    let rs = load(ruleset)?;
    let mut loader = FileLoader::new(case_path);
    let mut outputs = Vec::new();
    let mut failures = 0;
    let cases = cases_of(case_path)?;
    for (i, mut c) in cases.iter().cloned().enumerate() {
        if date.is_some() {
            c.date = date.clone();
        }
        let label = c.label(i);
        let (facts, options) = case::facts_for(&rs, &c, &label, &mut |p| loader.load(p))?;
        match rules_core::evaluate(&rs, &facts, &options) {
            Ok(outcome) => match format {
                Format::Json => outputs.push(outcome.to_json()),
                Format::Text => {
                    if cases.len() > 1 {
                        println!("== {label}");
                    }
                    print!("{}", outcome.to_text(trace));
                }
            },
            Err(e) => {
                // Report it and go on: the other cases' outcomes are still worth having.
                failures += 1;
                let diagnostic = e.to_diagnostic();
                if cases.len() > 1 {
                    eprintln!("== case {label}");
                }
                eprint!("{}", diagnostic.render(&rs.source));
                if format == Format::Json {
                    outputs.push(serde_json::json!({"case": label, "error": diagnostic.to_json(&rs.source)}));
                }
            }
        }
    }
    if format == Format::Json {
        let out = if outputs.len() == 1 { outputs.remove(0) } else { Json::Array(outputs) };
        println!("{}", serde_json::to_string_pretty(&out)?);
    }
    if failures > 0 {
        return Err(Failure(format!("{failures} case{} could not be evaluated", plural(failures))));
    }
    Ok(ExitCode::SUCCESS)
}

fn next(ruleset: &Path, case_path: &Path, format: Format, decisions: Vec<String>) -> Result<ExitCode, Failure> {
    let rs = load(ruleset)?;
    let mut loader = FileLoader::new(case_path);
    let cases = cases_of(case_path)?;
    let Some(c) = cases.first() else { return Err(Failure("the case file holds no case".into())) };
    let (facts, mut options) = case::facts_for(&rs, c, &c.label(0), &mut |p| loader.load(p))?;
    options.trace = false;
    if !decisions.is_empty() {
        for d in &decisions {
            if !rs.decisions.iter().any(|x| &x.title == d || x.id.as_deref() == Some(d.as_str())) {
                return Err(Failure(format!("there is no decision \"{d}\"")));
            }
        }
        options.decisions = Some(decisions);
    }
    let next = rules_core::next_question(&rs, &facts, &options).map_err(|e| {
        eprint!("{}", e.to_diagnostic().render(&rs.source));
        Failure("evaluation failed".into())
    })?;
    match (format, next) {
        (Format::Json, n) => println!("{}", serde_json::to_string_pretty(&n)?),
        (Format::Text, Some(n)) => {
            println!("{} ({}, {})", n.question, n.input, n.ty);
            if let Some(h) = &n.help {
                println!("  {h}");
            }
            if let Some(o) = &n.options {
                println!("  opties: {}", o.join(", "));
            }
        }
        (Format::Text, None) => {}
    }
    Ok(ExitCode::SUCCESS)
}

/// Pairs of (ruleset, case file) found under the paths.
fn test_pairs(paths: &[PathBuf]) -> Result<Vec<(PathBuf, PathBuf)>, Failure> {
    let mut case_files = Vec::new();
    for p in paths {
        if p.is_dir() {
            walk(p, &mut |f| {
                if f.to_string_lossy().ends_with(".cases.json") {
                    case_files.push(f.to_path_buf());
                }
            })?;
        } else if p.extension().is_some_and(|e| e == "rules" || e == "dmn") {
            let cases = p.with_extension("cases.json");
            if !cases.exists() {
                return Err(Failure(format!("{} has no example cases ({} is missing)", p.display(), cases.display())));
            }
            case_files.push(cases);
        } else if p.exists() {
            case_files.push(p.clone());
        } else {
            return Err(Failure(format!("{} does not exist", p.display())));
        }
    }
    case_files.sort();
    case_files.dedup();
    let mut pairs = Vec::new();
    for cf in case_files {
        let cases = cases_of(&cf)?;
        let named = cases.iter().find_map(|c| c.ruleset.clone());
        let ruleset = match named {
            Some(r) => cf.parent().unwrap_or(Path::new(".")).join(r),
            None => {
                let name =
                    cf.file_name().map(|n| n.to_string_lossy().replace(".cases.json", ".rules")).unwrap_or_default();
                dmn::ruleset_beside(cf.with_file_name(name))
            }
        };
        pairs.push((ruleset, cf));
    }
    Ok(pairs)
}

fn test(paths: &[PathBuf], coverage: bool) -> Result<ExitCode, Failure> {
    let (mut passed, mut failed) = (0usize, 0usize);
    let mut uncovered_total = 0usize;
    // Coverage is per ruleset over all its case files (`X.cases.json`, `X.map.cases.json`, ...).
    let mut reached_by_ruleset: Vec<(PathBuf, rules_core::Ruleset, rules_core::eval::coverage::Coverage)> = Vec::new();
    for (ruleset_path, case_path) in test_pairs(paths)? {
        let rs = match load(&ruleset_path) {
            Ok(rs) => rs,
            Err(Failure(m)) => {
                println!("FAIL {}: {m}", ruleset_path.display());
                failed += 1;
                continue;
            }
        };
        let mut loader = FileLoader::new(&case_path);
        let slot = match reached_by_ruleset.iter().position(|(p, _, _)| *p == ruleset_path) {
            Some(i) => i,
            None => {
                let fresh = rules_core::eval::coverage::Coverage::new(&rs);
                reached_by_ruleset.push((ruleset_path.clone(), rs.clone(), fresh));
                reached_by_ruleset.len() - 1
            }
        };
        let reached = &mut reached_by_ruleset[slot].2;
        for (i, c) in cases_of(&case_path)?.iter().enumerate() {
            let label = format!("{} {}", case_path.display(), c.label(i));
            let problems = match case::facts_for(&rs, c, &c.label(i), &mut |p| loader.load(p)) {
                Err(e) => match c.expect.as_ref().and_then(|x| x.get("error")).and_then(Json::as_str) {
                    Some("input") => Vec::new(),
                    _ => vec![e.to_string()],
                },
                Ok((facts, options)) => {
                    let result = rules_core::evaluate(&rs, &facts, &options);
                    if let Ok(o) = &result {
                        reached.record(o);
                    }
                    case::verify(c, &result)
                }
            };
            if problems.is_empty() {
                passed += 1;
                println!("ok   {label}");
            } else {
                failed += 1;
                println!("FAIL {label}");
                for p in problems {
                    println!("       {p}");
                }
            }
        }
    }
    if coverage {
        for (ruleset_path, rs, reached) in &reached_by_ruleset {
            let missing = reached.unreached(rs);
            uncovered_total += missing.len();
            for m in missing {
                println!("uncovered {}:{}: {}", ruleset_path.display(), m.line, m.what);
            }
        }
        println!(
            "coverage: {uncovered_total} branch{} or rule{} not reached",
            if uncovered_total == 1 { "" } else { "es" },
            plural(uncovered_total)
        );
    }
    println!("{passed} passed, {failed} failed");
    Ok(if failed > 0 || uncovered_total > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn at(
    rulesets: &[PathBuf],
    layer_args: &[String],
    point: &str,
    crs: &str,
    parcels: Option<&Path>,
    format: Format,
) -> Result<ExitCode, Failure> {
    use rules_core::spatial::crs::Crs;
    let crs = Crs::parse(crs)?;
    let unit = if crs == Crs::Wgs84 { "longitude,latitude in degrees (WGS84)" } else { "in metres (RD New)" };
    let (x, y) = point
        .split_once(',')
        .and_then(|(x, y)| Some((x.trim().parse::<f64>().ok()?, y.trim().parse::<f64>().ok()?)))
        .ok_or_else(|| Failure(format!("--point must be X,Y {unit}, got \"{point}\"")))?;
    let read_json = |file: &Path| -> Result<Json, Failure> {
        serde_json::from_str(&read(file)?).map_err(|e| Failure(format!("{} is not valid JSON: {e}", file.display())))
    };
    let mut loaded = Vec::new();
    for path in rulesets {
        let rs = load(path)?;
        let mut facts = rules_core::Facts::new(&rs);
        facts.set_crs(crs);
        for layer in &rs.layers {
            if let Some(file) = layer_file(layer_args, &layer.name)? {
                facts
                    .bind_layer(&rs, &layer.name, &read_json(&file)?)
                    .map_err(|e| Failure(format!("{}: {e}", file.display())))?;
            }
        }
        loaded.push((rs, facts));
    }
    // A misspelt NAME= would bind nothing and make every point look free of rules.
    for a in layer_args {
        if let Some((name, _)) = a.split_once('=') {
            if !loaded.iter().any(|(rs, _)| rs.layer_index(name).is_some()) {
                let declared: Vec<&str> =
                    loaded.iter().flat_map(|(rs, _)| rs.layers.iter().map(|l| l.name.as_str())).collect();
                return Err(Failure(format!(
                    "--layers {a}: no ruleset declares a layer `{name}`; the layers are: {}",
                    declared.join(", ")
                )));
            }
        }
    }
    let parcel_layer = match parcels {
        Some(file) => Some(
            rules_core::ParcelLayer::from_geojson(&read_json(file)?, crs)
                .map_err(|e| Failure(format!("{}: {e}", file.display())))?,
        ),
        None => None,
    };
    let pairs: Vec<(&Ruleset, &rules_core::Facts)> = loaded.iter().map(|(rs, f)| (rs, f)).collect();
    let report = rules_core::map_report(&pairs, parcel_layer.as_ref(), x, y, crs, &rules_core::Options::default())?;
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&report)?),
        Format::Text => print!("{}", at_text(&report)),
    }
    Ok(ExitCode::SUCCESS)
}

/// Stip op de kaart for a terminal: the parcel, then per ruleset (authority) its texts and the
/// conclusions the location decides.
fn at_text(report: &rules_core::MapReport) -> String {
    let mut out = String::new();
    if let Some(p) = &report.parcel {
        let name = p.kadastrale_aanduiding.as_deref().unwrap_or(&p.id);
        out.push_str(&format!("Perceel {name} ({} m²)\n", p.area.to_string().replace('.', ",")));
    }
    let mut said = false;
    let mut last_group = String::new();
    for group in &report.rulesets {
        let decided: Vec<_> =
            group.decisions.iter().filter(|d| d.status == rules_core::eval::DecisionStatus::Decided).collect();
        if group.rules.is_empty() && decided.is_empty() && group.error.is_none() {
            continue;
        }
        said = true;
        let header = group.authority.clone().unwrap_or_else(|| group.ruleset.clone());
        if header != last_group {
            out.push_str(&format!("{header}\n"));
            last_group = header;
        }
        for h in &group.rules {
            out.push_str(&format!("  {}: {}\n", h.title, h.text));
            if let Some(i) = &h.intent {
                out.push_str(&format!("    Waarom: {i}\n"));
            }
            if let Some(r) = &h.reference {
                out.push_str(&format!("    ({r})\n"));
            }
        }
        for d in decided {
            let outcome = d.outcome.as_str().map(String::from).unwrap_or_else(|| d.outcome.to_string());
            let activity = group.activity.as_deref().unwrap_or(&group.ruleset);
            out.push_str(&format!("  {activity}, {}: {outcome}\n", d.name));
            if let Some(b) = &d.because {
                out.push_str(&format!("    {b}\n"));
            }
        }
        if let Some(e) = &group.error {
            out.push_str(&format!("  (kon niet worden bepaald: {e})\n"));
        }
    }
    if !said {
        out.push_str("Hier gelden geen regels uit deze regelsets.\n");
    }
    out
}

/// The file for a layer from `NAME=FILE` arguments, folders holding `NAME.geojson`, or a file
/// `NAME.geojson`.
fn layer_file(args: &[String], name: &str) -> Result<Option<PathBuf>, Failure> {
    for a in args {
        if let Some((n, file)) = a.split_once('=') {
            if n == name {
                return Ok(Some(PathBuf::from(file)));
            }
        } else {
            let p = Path::new(a);
            if !p.exists() {
                return Err(Failure(format!("{a} does not exist")));
            }
            let candidate = p.join(format!("{name}.geojson"));
            if p.is_dir() && candidate.exists() {
                return Ok(Some(candidate));
            }
            if p.is_file() && p.file_stem().is_some_and(|s| s == name) {
                return Ok(Some(p.to_path_buf()));
            }
        }
    }
    Ok(None)
}

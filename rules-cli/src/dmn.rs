//! `rules import-sttr` and `rules tck`, and loading a `.dmn` wherever a ruleset is expected.
//!
//! Only file handling and printing live here; the conversion and the TCK logic are in
//! `rules_core::dmn`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use rules_core::dmn::{sttr, tck};
use rules_core::Ruleset;

use super::{read, walk, Failure, Format};

#[derive(Args)]
pub struct ImportSttrArgs {
    /// The STTR file (a DMN 1.1 / 1.2 / 1.3 `.dmn` with the toepasbare-regels extensions).
    file: PathBuf,
    /// Write the ruleset here instead of printing it.
    #[arg(short, long)]
    output: Option<PathBuf>,
    /// `json` prints the diagnostics as JSON on stdout (the ruleset then needs `-o`).
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
    /// Refuse a file with its own bugs (a boolean compared with "ja", an option spelled differently
    /// from its question). Without it such a cell never matches, as in the national system, and
    /// the finding is a warning.
    #[arg(long)]
    strict: bool,
}

#[derive(Args)]
pub struct ExportSttrArgs {
    /// The ruleset (`.rules`), or an STTR file (`.dmn`), which is imported first.
    file: PathBuf,
    /// Write the STTR file here instead of printing it.
    #[arg(short, long)]
    output: Option<PathBuf>,
}

#[derive(Args)]
pub struct TckArgs {
    /// A TCK folder such as `dmn-tck/TestCases/compliance-level-2`: one sub-folder per model,
    /// with its `.dmn` and `*-test-NN.xml` files (the first `.dmn` by name is the model; the
    /// folder's other `.dmn` files are the models it may import).
    dir: PathBuf,
    /// Also write the results in the TCK's CSV format (folder, test file, case id, result, comment).
    #[arg(long)]
    csv: Option<PathBuf>,
}

/// Convert and check a `.dmn` file; on errors print them (mapped to DMN elements) and fail. A
/// decision that could not be converted is left out (a top conclusion answers `NeemContactOp`):
/// its errors are printed and the rest runs.
pub fn load(path: &Path) -> Result<Ruleset, Failure> {
    let text = read(path)?;
    let name = path.display().to_string();
    let imported = match sttr::import(&name, &text) {
        Ok(imported) => imported,
        Err(e) => {
            for d in e.diagnostics() {
                eprint!("{}", d.render(&name));
            }
            return Err(Failure(format!("{name}: {e}")));
        }
    };
    let errors: Vec<&sttr::DmnDiagnostic> = imported.diagnostics.iter().filter(|d| d.is_error()).collect();
    for d in &errors {
        eprint!("{}", d.render(&name));
    }
    match imported.ruleset {
        Some(rs) => {
            if !imported.not_converted.is_empty() {
                eprintln!(
                    "note: {name}: {} decision{} not converted ({}); they are left out, see `rules import-sttr {name}`",
                    imported.not_converted.len(),
                    plural(imported.not_converted.len()),
                    imported.not_converted.join(", ")
                );
            }
            Ok(rs)
        }
        None => Err(Failure(format!(
            "{name} has {} error{}; run `rules import-sttr {name}`",
            errors.len(),
            plural(errors.len())
        ))),
    }
}

/// `X.rules` next to a case file, or `X.dmn` when only that exists.
pub fn ruleset_beside(rules: PathBuf) -> PathBuf {
    let dmn = rules.with_extension("dmn");
    if !rules.exists() && dmn.exists() {
        dmn
    } else {
        rules
    }
}

pub fn import_sttr(args: &ImportSttrArgs) -> Result<ExitCode, Failure> {
    let text = read(&args.file)?;
    let name = args.file.display().to_string();
    let options = sttr::ImportOptions { strict: args.strict };
    let (ruleset_text, diagnostics, left_out) = match sttr::import_with(&name, &text, &options) {
        Ok(imported) => (Some(imported.text), imported.diagnostics, imported.not_converted),
        Err(e) => (None, e.diagnostics(), Vec::new()),
    };
    let errors = diagnostics.iter().filter(|d| d.is_error()).count();
    let warnings = diagnostics.len() - errors;
    match args.format {
        Format::Json => {
            let json: Vec<serde_json::Value> = diagnostics.iter().map(|d| d.to_json(&name)).collect();
            println!("{}", serde_json::to_string_pretty(&json)?);
        }
        Format::Text => {
            for d in &diagnostics {
                eprint!("{}", d.render(&name));
            }
        }
    }
    if let Some(rules) = &ruleset_text {
        match &args.output {
            Some(out) => {
                std::fs::write(out, rules).map_err(|e| Failure(format!("cannot write {}: {e}", out.display())))?;
                eprintln!("wrote {}", out.display());
            }
            None if args.format == Format::Text => print!("{rules}"),
            None => {}
        }
    }
    if args.format == Format::Text {
        eprint!("{name}: {errors} error{}, {warnings} warning{}", plural(errors), plural(warnings));
        match left_out.len() {
            0 => eprintln!(),
            n => eprintln!("; {n} decision{} not converted (left out): {}", plural(n), left_out.join(", ")),
        }
    }
    Ok(if errors > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

pub fn export_sttr(args: &ExportSttrArgs) -> Result<ExitCode, Failure> {
    let name = args.file.display().to_string();
    let mut text = read(&args.file)?;
    if args.file.extension().is_some_and(|e| e == "dmn") {
        text = match sttr::import(&name, &text) {
            // A decision left out would be exported as its placeholder: refuse instead.
            Ok(i) if i.ruleset.is_some() && !i.diagnostics.iter().any(|d| d.is_error()) => i.text,
            Ok(i) => {
                return Err(Failure(format!(
                    "{name} has {} import errors; run `rules import-sttr {name}`",
                    i.diagnostics.iter().filter(|d| d.is_error()).count()
                )))
            }
            Err(e) => return Err(Failure(format!("{name}: {e}; run `rules import-sttr {name}`"))),
        };
    }
    let exported = match sttr::export::export(&name, &text) {
        Ok(x) => x,
        Err(errors) => {
            for d in &errors {
                eprint!("{}", d.render(&name));
            }
            return Ok(ExitCode::from(1));
        }
    };
    for d in &exported.diagnostics {
        eprint!("{}", d.render(&name));
    }
    match &args.output {
        Some(out) => {
            std::fs::write(out, &exported.xml).map_err(|e| Failure(format!("cannot write {}: {e}", out.display())))?;
            eprintln!("wrote {}", out.display());
        }
        None => print!("{}", exported.xml),
    }
    let left_out = exported.diagnostics.len();
    eprintln!("{name}: exported, {left_out} item{} left out", plural(left_out));
    Ok(ExitCode::SUCCESS)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

pub fn tck(args: &TckArgs) -> Result<ExitCode, Failure> {
    if !args.dir.is_dir() {
        return Err(Failure(format!("{} is not a folder", args.dir.display())));
    }
    let level = args.dir.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
    let mut folders: Vec<PathBuf> = std::fs::read_dir(&args.dir)
        .map_err(|e| Failure(format!("cannot read folder {}: {e}", args.dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    folders.sort();
    let mut all = Vec::new();
    let (mut models, mut loaded) = (0, 0);
    for folder in &folders {
        let mut files = Vec::new();
        walk(folder, &mut |f| files.push(f.to_path_buf()))?;
        let Some(model) = files.iter().find(|f| f.extension().is_some_and(|e| e == "dmn")) else { continue };
        let mut tests = Vec::new();
        for f in
            files.iter().filter(|f| f.extension().is_some_and(|e| e == "xml") && f.to_string_lossy().contains("-test-"))
        {
            let stem = f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            tests.push((stem, read(f)?));
        }
        let name =
            format!("{level}/{}", folder.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default());
        // The folder's other models are those the model may import.
        let mut library = Vec::new();
        for f in files.iter().filter(|f| *f != model && f.extension().is_some_and(|e| e == "dmn")) {
            library.push(read(f)?);
        }
        let report = tck::run_folder_with_imports(&name, &read(model)?, &library, &tests);
        models += 1;
        match &report.model_error {
            None => loaded += 1,
            Some(e) => println!("MODEL {name}: does not load: {e}"),
        }
        for p in &report.problems {
            println!("PART {name}: {p}");
        }
        for r in &report.results {
            let word = match r.status {
                tck::Status::Success => "ok  ",
                tck::Status::Skipped => "skip",
                tck::Status::Failure | tck::Status::Error => "FAIL",
            };
            let detail = if r.message.is_empty() { String::new() } else { format!(": {}", r.message) };
            println!("{word} {}/{} {}{detail}", r.folder, r.file, r.id);
        }
        all.extend(report.results);
    }
    if let Some(out) = &args.csv {
        let mut csv: String = all.iter().map(|r| r.csv() + "\n").collect();
        if csv.is_empty() {
            csv.push('\n');
        }
        std::fs::write(out, csv).map_err(|e| Failure(format!("cannot write {}: {e}", out.display())))?;
    }
    let (passed, failed, skipped) = tck::summary(&all);
    let total = passed + failed + skipped;
    let rate = if total == 0 { 0.0 } else { 100.0 * passed as f64 / total as f64 };
    println!("{loaded} of {models} models load; {rate:.1}% of {total} test cases pass");
    println!("{passed} passed, {failed} failed, {skipped} skipped");
    Ok(if failed > 0 || loaded < models { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

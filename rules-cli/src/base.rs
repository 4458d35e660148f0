//! Loading the base rulesets named by `extends "path"`: only `.rules` files inside the root folder
//! (`--root`, by default the current folder, or the ruleset's own folder when it lies outside the
//! current one). A ruleset from elsewhere (an upload checked on a server, say) can then not make
//! the command read, and quote in its messages, any other file on the machine.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The folder given with `--root`, if any (set once, at start-up).
static ROOT: OnceLock<PathBuf> = OnceLock::new();

/// Largest base ruleset read (the largest shipped ruleset is under 100 KB).
const MAX_BASE_BYTES: u64 = 10 * 1024 * 1024;

pub fn set_root(root: PathBuf) {
    let _ = ROOT.set(root);
}

/// The folder the bases of `ruleset` must lie in.
fn root_for(ruleset: &Path) -> Result<PathBuf, String> {
    if let Some(root) = ROOT.get() {
        return root.canonicalize().map_err(|e| format!("--root {}: {e}", root.display()));
    }
    let own = ruleset.canonicalize().map_err(|e| format!("{}: {e}", ruleset.display()))?;
    let folder = own.parent().map(Path::to_path_buf).unwrap_or_default();
    match std::env::current_dir().and_then(|d| d.canonicalize()) {
        Ok(cwd) if own.starts_with(&cwd) => Ok(cwd),
        _ => Ok(folder),
    }
}

/// Loads the base `relative` of the ruleset file `from`: (its name for messages, its text).
pub fn load(ruleset: &Path, relative: &str, from: &str) -> Result<(String, String), String> {
    if Path::new(relative).is_absolute() || relative.starts_with(['/', '\\']) || relative.contains(':') {
        return Err(format!("\"{relative}\" is an absolute path; `extends` takes a path relative to this ruleset"));
    }
    if !relative.ends_with(".rules") {
        return Err(format!("\"{relative}\" is not a ruleset file (*.rules)"));
    }
    let base = Path::new(from).parent().unwrap_or(Path::new(".")).join(relative);
    let root = root_for(ruleset)?;
    let found = base.canonicalize().map_err(|e| format!("{}: {e}", base.display()))?;
    if !found.starts_with(&root) {
        return Err(format!(
            "{} is outside {}, the folder base rulesets must be in (see `rules --root`)",
            base.display(),
            root.display()
        ));
    }
    let size = std::fs::metadata(&found).map_err(|e| format!("{}: {e}", base.display()))?.len();
    if size > MAX_BASE_BYTES {
        return Err(format!("{} is larger than {} MB", base.display(), MAX_BASE_BYTES / (1024 * 1024)));
    }
    let text = std::fs::read_to_string(&found).map_err(|e| format!("{}: {e}", base.display()))?;
    Ok((base.display().to_string(), text))
}

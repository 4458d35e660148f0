//! Helpers shared by the integration tests in `tests/tests/*.rs`.
//!
//! # How the tests find the `rules` binary
//!
//! `env!("CARGO_BIN_EXE_rules")` only exists in the tests of the package that owns the binary
//! (`rules-cli`), and `assert_cmd::Command::cargo_bin("rules")` only finds a binary that some earlier
//! `cargo build` happened to leave in the target folder (possibly a stale one). So [`rules_bin`] runs
//! `cargo build -p rules-cli --bin rules --message-format=json` once per test process (a no-op when
//! nothing changed) and takes the executable's path from Cargo's own report. That works with any
//! target or build folder, and the tests never run an old binary.
//!
//! # Golden files
//!
//! Expected outputs live next to their inputs (`tests/broken/*.expected`, `tests/runtime/*.expected`,
//! `tests/cli/*.outcome.json`). When a message is improved on purpose, regenerate them with
//! `RULES_BLESS=1 cargo test -p rules-tests -- --test-threads=1` (one thread, so no test reads a
//! golden file while another rewrites it) and review the diff like any other change.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

/// The workspace root: every test runs the binary from here, with relative paths.
pub fn workspace_root() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(Path::to_path_buf).unwrap_or_else(|| manifest.to_path_buf())
}

/// The freshly built `rules` binary (see the module docs).
pub fn rules_bin() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(build_rules)
}

fn build_rules() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root()).args([
        "build",
        "--quiet",
        "-p",
        "rules-cli",
        "--bin",
        "rules",
        "--message-format=json",
    ]);
    if !cfg!(debug_assertions) {
        cmd.arg("--release");
    }
    let output = cmd.output().expect("cannot run cargo to build the `rules` binary");
    assert!(
        output.status.success(),
        "building the `rules` binary failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "rules")
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .expect("cargo did not report the `rules` executable")
}

/// `rules ARGS...`, run from the workspace root.
pub fn rules() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(rules_bin());
    cmd.current_dir(workspace_root());
    cmd
}

/// Whether golden files should be rewritten instead of compared (`RULES_BLESS=1`).
pub fn bless() -> bool {
    std::env::var_os("RULES_BLESS").is_some_and(|v| v != "0")
}

/// Files in `dir` (relative to the workspace root) whose name ends with `suffix`, sorted, as
/// workspace-relative paths with `/` separators (the form the CLI prints back).
pub fn files_ending_with(dir: &str, suffix: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(workspace_root().join(dir))
        .unwrap_or_else(|e| panic!("cannot read {dir}: {e}"))
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|name| name.ends_with(suffix))
        .map(|name| format!("{dir}/{name}"))
        .collect();
    out.sort();
    out
}

/// Read a workspace-relative file.
pub fn read(relative: &str) -> String {
    std::fs::read_to_string(workspace_root().join(relative)).unwrap_or_else(|e| panic!("cannot read {relative}: {e}"))
}

/// Compare `actual` with the golden file `relative`, or rewrite it when blessing.
/// Returns a description of the difference, if any.
pub fn compare_golden(relative: &str, actual: &str) -> Option<String> {
    let path = workspace_root().join(relative);
    if bless() {
        std::fs::write(&path, actual).unwrap_or_else(|e| panic!("cannot write {relative}: {e}"));
        return None;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    (expected != actual).then(|| {
        format!(
            "{relative} differs (run `RULES_BLESS=1 cargo test -p rules-tests -- --test-threads=1` if the change is intended)\n--- expected\n{expected}--- actual\n{actual}"
        )
    })
}

/// A fresh, empty scratch folder for one test under `base` (pass `env!("CARGO_TARGET_TMPDIR")`,
/// which Cargo only gives to integration tests).
pub fn scratch_dir(base: &str, test_name: &str) -> PathBuf {
    let dir = Path::new(base).join("rules-tests").join(test_name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("cannot create {}: {e}", dir.display()));
    dir
}

/// One `file:line:col: severity[CODE]: message` header line of a diagnostic.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Header {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub severity: String,
    pub code: String,
    pub message: String,
}

impl Header {
    /// Parse a header line for `file`; `None` for any other line.
    pub fn parse(file: &str, line: &str) -> Option<Header> {
        let rest = line.strip_prefix(file)?.strip_prefix(':')?;
        let (l, rest) = rest.split_once(':')?;
        let (c, rest) = rest.split_once(": ")?;
        let (severity, rest) = rest.split_once('[')?;
        let (code, message) = rest.split_once("]: ")?;
        let code_ok = code.len() == 4
            && matches!(code.as_bytes()[0], b'E' | b'W' | b'R')
            && code[1..].bytes().all(|b| b.is_ascii_digit());
        if !code_ok || !matches!(severity, "error" | "warning") {
            return None;
        }
        Some(Header {
            file: file.to_string(),
            line: l.parse().ok()?,
            column: c.parse().ok()?,
            severity: severity.to_string(),
            code: code.to_string(),
            message: message.to_string(),
        })
    }
}

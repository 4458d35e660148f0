#!/usr/bin/env bash
# Runs every check and test of the project on a fresh machine. Installs what it needs itself.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== toolchain"
rustup component add rustfmt clippy >/dev/null 2>&1 || true
cargo --version

echo "== format and lints"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== build"
cargo build --workspace --locked

echo "== unit, integration and property tests"
cargo test --workspace --locked

echo "== shipped rulesets: no warnings, formatted, every example case passes, every branch covered"
./target/debug/rules check --deny-warnings rulesets/
./target/debug/rules fmt --check rulesets/
./target/debug/rules test --coverage rulesets/
bash scripts/test-web.sh

echo "== fuzz smoke"
# Each fuzz target for a few seconds (building them costs about 6 CPU-minutes). cargo-fuzz is
# installed from crates.io when missing (about 3 minutes); it needs a nightly toolchain, and
# without one the smoke is skipped (and says so). RULES_FUZZ_SMOKE=0 skips it.
if [[ "${RULES_FUZZ_SMOKE:-1}" == "0" ]]; then
  echo "skipped: RULES_FUZZ_SMOKE=0"
elif ! rustup run nightly rustc --version >/dev/null 2>&1; then
  echo "skipped: no nightly toolchain (rustup toolchain install nightly), which cargo-fuzz needs"
else
  cargo +nightly fuzz --help >/dev/null 2>&1 || cargo install cargo-fuzz --version 0.13.2 --locked
  bash scripts/fuzz.sh 15 ruleset case geojson sttr feel
fi

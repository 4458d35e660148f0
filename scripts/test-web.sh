#!/usr/bin/env bash
# The browser side of CI: builds the WASM package and the web demo, then runs (node --test)
#   - the parity test: every example case gives byte-identical outcome JSON natively and in WASM,
#   - the end-to-end tests of the demo in headless Chromium (Debian's chromium + playwright-core).
# Installs what it needs: the wasm32 target, wasm-bindgen-cli (pinned), npm packages, chromium.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== web: tools"
rustup target list --installed 2>/dev/null | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown
if [[ ! -x /usr/bin/chromium ]]; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || { echo "cannot install chromium with apt-get" >&2; exit 2; }
fi
(cd rules-wasm && npm ci --no-audit --no-fund --loglevel=error)
(cd web-demo && npm ci --no-audit --no-fund --loglevel=error)

echo "== web: WASM package (rules-wasm/build.sh)"
bash rules-wasm/build.sh

echo "== web: the rules command for the parity test"
cargo build --locked -p rules-cli

echo "== web: demo site"
node web-demo/build.mjs

echo "== web: parity (native == WASM) and browser end-to-end tests"
rm -rf tests/e2e/output
RULES_BIN="$PWD/target/debug/rules" node --test --test-concurrency=1 tests/e2e/

#!/usr/bin/env bash
# The main job: build everything (the `rules` command, the WASM package, the npm packages and the
# web demo), check the bundled rulesets, and serve the demo with the bundled rulesets and the real
# Otterlo data on http://127.0.0.1:PORT (PORT=8080 unless set). Stop it with Ctrl+C.
set -euo pipefail
cd "$(dirname "$0")/.."
port="${PORT:-8080}"

command -v node >/dev/null || { echo "run.sh needs Node.js 20 or newer (apt-get install nodejs npm)" >&2; exit 2; }

echo "== build the rules command"
cargo build --release --locked -p rules-cli
echo "== rules check rulesets/"
./target/release/rules check rulesets/ web-demo/rulesets/

echo "== npm packages"
(cd rules-wasm && npm ci --no-audit --no-fund --loglevel=error)
(cd web-demo && npm ci --no-audit --no-fund --loglevel=error)

echo "== WASM package"
bash rules-wasm/build.sh

echo "== web demo"
node web-demo/build.mjs

echo "== serving the demo"
exec node web-demo/serve.mjs "$port"

#!/usr/bin/env bash
# Performance figures, rerunnable: our engine next to its peers, and the scale benchmarks.
# Not part of CI (it builds zen-engine, installs flatbush/turf and shapely, and takes minutes).
#
#   bash scripts/bench-peers.sh [points|zen|layers|batch|all]   (default: all)
#
# points  point queries on 100,000 parcels: ours (R-tree) vs flatbush + turf (Node) and shapely's
#         STRtree (Python), plus the linear turf scan for reference (rules-core/benches/spatial.rs)
# zen     GoRules Zen side by side: 20-branch decision, 5,000-row interval and equality tables,
#         traced and untraced, and load (peers/zen, its own workspace)
# layers  bruidsschat bijbehorend-bouwwerk on the Otterlo block vs a 4x4 grid of it
# batch   `rules batch` throughput on a synthetic municipality of 101,376 parcels
set -euo pipefail
cd "$(dirname "$0")/.."
what="${1:-all}"
run() { [[ "$what" == all || "$what" == "$1" ]]; }

if run points; then
  (cd peers/points && npm install --no-audit --no-fund --silent)
  (cd rules-core/benches/turf && npm install --no-audit --no-fund --silent)
  if [[ ! -x peers/points/.venv/bin/python3 ]]; then python3 -m venv peers/points/.venv; fi
  peers/points/.venv/bin/pip install --quiet shapely
  cargo bench -p rules-core --bench spatial
fi
if run zen; then
  CARGO_TARGET_DIR="$PWD/target/peers" cargo bench --manifest-path peers/zen/Cargo.toml
fi
if run layers; then
  cargo bench -p rules-core --bench layers
fi
if run batch; then
  cargo bench -p rules-core --bench batch
fi

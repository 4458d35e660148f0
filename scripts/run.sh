#!/usr/bin/env bash
# The main job: build the `rules` command, check the bundled rulesets and walk the example ruleset
# on real Otterlo parcels (Stip op de kaart, the next question, a full evaluation with trace).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --locked -p rules-cli
rules=./target/release/rules
example=rulesets/voorbeeld/bijgebouw.rules

echo "== rules check rulesets/"
$rules check rulesets/

echo
echo "== Stip op de kaart: a point on the road next to parcel OTL02 B 2626"
$rules at $example --layers public_space=data/geo/otterlo_bgt_wegdeel.geojson --point 181190,456455

echo
echo "== Toepasbare regels: nothing answered yet, what is the next question?"
$rules next $example --case scripts/examples/start.json

echo
echo "== Binnen de lijntjes: a shed drawn 0.52 m from the road, all questions answered"
$rules eval $example --case scripts/examples/near-road.json --trace

echo
echo "== All example cases"
$rules test rulesets/

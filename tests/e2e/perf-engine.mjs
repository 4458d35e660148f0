// The engine part of a plan change in WASM (Node, the demo's session API, no browser): the real bruidsschat
// bijbehorend bouwwerk on parcel OTL02 B 2626 with the Otterlo layers; a 4 x 3 m plan moved 130
// times, the first 30 as warm-up. Each change does what the demo does (web-demo/src/js/drawing.js):
// give the plan, evaluate with trace, and find the answers that no longer matter (one probe per
// answer). A benchmark, not a test (not run by node --test: no .test.).
// Usage: node tests/e2e/perf-engine.mjs [ROOT] (after bash rules-wasm/build.sh; ROOT: the checkout
// whose rules-wasm/pkg to measure, default this one).
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
const root = process.argv[2] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { initSync, Engine } = await import(root + "/rules-wasm/pkg/rules_wasm.js");
initSync({ module: fs.readFileSync(root + "/rules-wasm/pkg/rules_wasm_bg.wasm") });
const read = (p) => JSON.parse(fs.readFileSync(root + "/" + p, "utf8"));
const engine = new Engine();
engine.loadLayer("public_space", read("data/geo/otterlo_bgt_wegdeel.geojson"));
engine.loadLayer("buildings", read("data/geo/otterlo_bgt_pand.geojson"));
engine.loadLayer("trees", read("data/geo/otterlo_bgt_vegetatieobject.geojson"));
engine.loadRuleset("bb", fs.readFileSync(root + "/rulesets/bruidsschat/bijbehorend-bouwwerk.rules", "utf8"));
const parcel = read("data/geo/otterlo_brk_perceel.geojson").features.find((f) => f.properties.kadastraleAanduiding === "OTL02 B 2626").geometry;
const answers = { parcel, monument: "geen monument", special_building: false, own_dwelling: false, on_ground: true,
  stadsgezicht: false, main_is_original: true, height: "3 m", roof_shape: "plat", roof_use: "geen", upper_living: false,
  main_height: "8 m", has_upper_floor: true, upper_floor_level: "2.7 m", existing_unmapped: "0 m2", welstandsvrij: "nee", inner_wall: false };
const session = engine.start("bb", { date: "2025-06-01", answers });
const times = [];
const parts = { answer: [], outcome: [], irrelevant: [] };
let last;
for (let i = 0; i < 130; i++) {
  const x = 181159.082 + (i % 7) * 1.5 - 4, y = 456453.946 + (i % 5) * 1.5 - 8;
  const plan = { type: "Polygon", coordinates: [[[x, y], [x + 4, y], [x + 4, y + 3], [x, y + 3], [x, y]]] };
  const t0 = performance.now();
  session.answer("plan", plan);
  const t1 = performance.now();
  last = session.outcome();
  const t2 = performance.now();
  session.irrelevant();
  const t3 = performance.now();
  times.push(t3 - t0);
  if (i >= 30) {
    parts.answer.push(t1 - t0);
    parts.outcome.push(t2 - t1);
    parts.irrelevant.push(t3 - t2);
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1].toFixed(2);
const s = times.slice(30).sort((a, b) => a - b);
console.log(`plan change (answer + outcome + irrelevant), n=${s.length}: median ${s[s.length >> 1].toFixed(2)} ms, p95 ${s[Math.ceil(0.95 * s.length) - 1].toFixed(2)} ms; last: ${last.decisions[0].outcome}`);
console.log(`  of which (medians): answer ${median(parts.answer)} ms, outcome ${median(parts.outcome)} ms, irrelevant ${median(parts.irrelevant)} ms`);

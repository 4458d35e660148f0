// Performance of the demo in headless Chromium, measured in the page with the Performance API
// (a benchmark, not a pass/fail test): 100 map clicks on real Otterlo parcels and 100 plan edits by
// dragging a corner of a drawn plan, on the real bruidsschat `bijbehorend-bouwwerk` with every
// question answered (so each edit also finds which answers no longer matter, as the page does). For each it reports the engine part (WASM calls, measures
// "stip-op-de-kaart-engine" and "plan-check-engine") and the time until the page has painted the
// result ("stip-op-de-kaart", "plan-check"): median, p95 and max in ms. A drag step is checked in
// an animation frame and measured until that frame is painted, one measure per step (letting go
// of the corner checks nothing again, so it is not measured).
// Usage: node tests/e2e/perf.mjs (after node web-demo/build.mjs); N=... changes the count.
// Writes tests/e2e/output/perf.json.
import fs from "node:fs";
import path from "node:path";
import { start, output, clickMap, startActivity, answer } from "./browser.mjs";

const N = Number(process.env.N ?? 100);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1].toFixed(2) };
};
const count = (page, name) => page.evaluate((n) => performance.getEntriesByName(n).length, name);
const durations = (page, name) => page.evaluate((n) => performance.getEntriesByName(n).map((e) => e.duration), name);

const browser = await start();
const page = await browser.page();

// Clicks on a 10 x 10 grid over the Otterlo parcels, roads and gardens: every click is a new place.
for (let i = 0; i < N; i++) {
  const x = 181100 + (i % 10) * 12;
  const y = 456400 + Math.floor(i / 10) * 12;
  const before = await count(page, "stip-op-de-kaart");
  await clickMap(page, x, y, { zoom: 17 });
  await page.waitForFunction((n) => performance.getEntriesByName("stip-op-de-kaart").length > n, before);
}

// A plan on parcel OTL02 B 2626 (bruidsschat bijbehorend bouwwerk), every question answered, then
// drags of its third corner.
const ANSWERS = { monument: "geen monument", special_building: false, own_dwelling: false, on_ground: true, stadsgezicht: false,
  main_is_original: true, height: "3 m", roof_shape: "plat", roof_use: "geen", upper_living: false, main_height: "8 m",
  has_upper_floor: true, upper_floor_level: "2,7 m", existing_unmapped: "0 m2", welstandsvrij: "nee", inner_wall: false,
  visible_from_public: "nee" };
await startActivity(page, "rulesets/bruidsschat/bijbehorend-bouwwerk.rules", { example: "", parcel: "OTL02 B 2626" });
await page.locator("[data-tools=plan] [data-action=place-typed]").click(); // 4 x 3 m, typed
for (let step = 0; step < 40; step++) {
  const card = page.locator("[data-testid=question]");
  await page.waitForTimeout(0);
  if ((await card.count()) === 0) break;
  const name = await card.getAttribute("data-input");
  if (!(name in ANSWERS)) throw new Error(`perf.mjs has no answer for ${name}`);
  await answer(page, name, ANSWERS[name]);
}
const answered = await page.evaluate(() => Object.keys(window.demo.state.session.answers()).length);
console.log(`bijbehorend bouwwerk: ${answered} answers given, conclusion ${await page.evaluate(() => window.demo.state.outcome?.decisions[0]?.outcome)}`);
if (!(await page.locator("[data-vertex='2']").count())) await page.locator(".from-map[data-input=plan] [data-action=change], [data-input=plan] [data-action=change]").first().click();
await page.waitForSelector("[data-vertex='2']");
await page.evaluate(() => performance.clearMeasures("plan-check"));
await page.evaluate(() => performance.clearMeasures("plan-check-engine"));
// The answered questions make the page long: the map back in view, centred on the plan.
await page.evaluate(() => {
  window.scrollTo(0, 0);
  const pts = window.demo.state.shapes.plan;
  window.demo.view(pts.reduce((s, p) => s + p[0], 0) / pts.length, pts.reduce((s, p) => s + p[1], 0) / pts.length, 19);
});
for (let i = 0; i < N; i++) {
  const v = await page.locator("[data-vertex='2']").boundingBox();
  const cx = v.x + v.width / 2;
  const cy = v.y + v.height / 2;
  const before = await count(page, "plan-check");
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + (i % 2 ? -6 : 6), cy + (i % 3 ? 4 : -4), { steps: 2 });
  await page.waitForFunction((n) => performance.getEntriesByName("plan-check").length > n, before);
  await page.mouse.up();
}

const result = {
  stip_op_de_kaart_engine_ms: stats(await durations(page, "stip-op-de-kaart-engine")),
  stip_op_de_kaart_painted_ms: stats(await durations(page, "stip-op-de-kaart")),
  plan_check_engine_ms: stats(await durations(page, "plan-check-engine")),
  plan_check_painted_ms: stats(await durations(page, "plan-check")),
  errors: page.errors,
  chromium: "headless, /usr/bin/chromium",
};
await browser.close();

fs.mkdirSync(output, { recursive: true });
fs.writeFileSync(path.join(output, "perf.json"), JSON.stringify(result, null, 2));
const line = (label, s) => console.log(`${label}: median ${s.median} ms, p95 ${s.p95} ms, max ${s.max} ms (n=${s.n})`);
line("click -> engine done     ", result.stip_op_de_kaart_engine_ms);
line("click -> rules painted   ", result.stip_op_de_kaart_painted_ms);
line("plan edit -> engine done ", result.plan_check_engine_ms);
line("plan edit -> checks shown", result.plan_check_painted_ms);
if (result.errors.length) console.log("page errors:", result.errors);

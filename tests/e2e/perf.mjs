// Performance of the demo in headless Chromium, measured in the page with the Performance API
// (not a pass/fail test): 100 map clicks (click -> rules rendered, "stip-op-de-kaart") and 100
// plan edits by dragging a corner (edit -> checks rendered, "plan-check"). Prints median and p95
// and writes tests/e2e/output/perf.json. Usage: node tests/e2e/perf.mjs (after building the demo).
import fs from "node:fs";
import path from "node:path";
import { start, output } from "./browser.mjs";

const N = Number(process.env.N ?? 100);
const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, median: +q(0.5).toFixed(2), p95: +q(0.95).toFixed(2), max: +s[s.length - 1].toFixed(2) };
};

const browser = await start();
const page = await browser.page();
await page.evaluate(() => window.demo.view(181195, 456560, 14));
const map = await page.locator("#map").boundingBox();

// 100 clicks spread over the parcels (a grid over the area, so every click is a new place).
for (let i = 0; i < N; i++) {
  const x = 181150 + (i % 10) * 10;
  const y = 456440 + Math.floor(i / 10) * 30;
  const p = await page.evaluate(([x, y]) => window.demo.toContainer(x, y), [x, y]);
  const before = await page.evaluate(() => performance.getEntriesByName("stip-op-de-kaart").length);
  await page.mouse.click(map.x + p.x, map.y + p.y);
  await page.waitForFunction((n) => performance.getEntriesByName("stip-op-de-kaart").length > n, before);
}
const clicks = await page.evaluate(() => performance.getEntriesByName("stip-op-de-kaart").map((e) => e.duration));

// A plan on parcel OTL02 B 2626, then 100 drags of one corner.
await page.evaluate(() => window.demo.view(181159, 456454, 17));
const p = await page.evaluate(() => window.demo.toContainer(181159.082, 456453.946));
await page.mouse.click(map.x + p.x, map.y + p.y);
await page.getByRole("button", { name: /^Bijgebouw bouwen:/ }).click();
await page.locator("[data-action=rectangle]").click();
await page.waitForSelector("[data-vertex='2']");
await page.evaluate(() => performance.clearMeasures("plan-check"));
for (let i = 0; i < N; i++) {
  const v = await page.locator("[data-vertex='2']").boundingBox();
  const cx = v.x + v.width / 2;
  const cy = v.y + v.height / 2;
  const before = await page.evaluate(() => performance.getEntriesByName("plan-check").length);
  await page.mouse.move(cx, cy);
  await page.mouse.down();
  await page.mouse.move(cx + (i % 2 ? -6 : 6), cy + (i % 3 ? 4 : -4), { steps: 2 });
  await page.waitForFunction((n) => performance.getEntriesByName("plan-check").length > n, before);
  await page.mouse.up();
}
const edits = await page.evaluate(() => performance.getEntriesByName("plan-check").map((e) => e.duration));
await browser.close();

const result = { stip_op_de_kaart_ms: stats(clicks), plan_check_ms: stats(edits), chromium: "headless, /usr/bin/chromium" };
fs.mkdirSync(output, { recursive: true });
fs.writeFileSync(path.join(output, "perf.json"), JSON.stringify(result, null, 2));
console.log(`click -> rules rendered: median ${result.stip_op_de_kaart_ms.median} ms, p95 ${result.stip_op_de_kaart_ms.p95} ms (n=${result.stip_op_de_kaart_ms.n})`);
console.log(`plan edit -> checks rendered: median ${result.plan_check_ms.median} ms, p95 ${result.plan_check_ms.p95} ms (n=${result.plan_check_ms.n})`);

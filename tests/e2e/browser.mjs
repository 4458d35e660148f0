// Shared set-up for the browser tests: the demo server on a free port, and headless Chromium
// (Debian's /usr/bin/chromium) driven by playwright-core, with the flags from TOOLCHAIN.md; and
// what a resident does, for every test to use the same way: a page visited (browser.visit), a
// parcel found by search, an activity started, a question answered, a shape drawn, axe-core.
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
export const output = path.join(root, "tests/e2e/output");
const require = createRequire(path.join(root, "web-demo/package.json"));
const { chromium } = require("playwright-core");
const { serve } = await import(path.join(root, "web-demo/serve.mjs"));

export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

export async function start() {
  if (!fs.existsSync(path.join(root, "web-demo/dist/index.html"))) throw new Error("web-demo/dist is missing: run node web-demo/build.mjs");
  const server = await serve(0);
  const base = `http://127.0.0.1:${server.address().port}/`;
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), "rules-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? "/usr/bin/chromium",
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
    locale: "nl-NL",
  });
  const browser = {
    base,
    context,
    /** A new page at `url`; `setup(page)` runs before it loads (request routes, init scripts). */
    async page(url = "index.html", viewport, setup) {
      const page = await context.newPage();
      if (viewport) await page.setViewportSize(viewport);
      if (setup) await setup(page);
      const errors = [];
      page.on("pageerror", (e) => errors.push(e.message));
      page.errors = errors;
      await page.goto(base + url);
      await page.waitForSelector("body[data-ready=true]", { timeout: 20000 });
      return page;
    },
    /**
     * Opens a page (options: url, viewport, setup as for `page`), runs `fn(page)` with a
     * screenshot on failure, asserts that nothing threw on the page, and closes it.
     */
    async visit(name, fn, { url, viewport, setup } = {}) {
      const page = await browser.page(url, viewport, setup);
      try {
        await withScreenshot(page, name, async () => {
          await fn(page);
          assert.deepEqual(page.errors, [], "errors on the page");
        });
      } finally {
        await page.close();
      }
    },
    async close() {
      await context.close();
      server.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
  return browser;
}

/** Runs a browser test; on failure a screenshot goes to tests/e2e/output/<name>.png. */
export async function withScreenshot(page, name, fn) {
  try {
    await fn();
  } catch (e) {
    fs.mkdirSync(output, { recursive: true });
    const file = path.join(output, `${name.replace(/[^a-z0-9]+/gi, "-")}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch(() => {});
    e.message += `\n(screenshot: ${path.relative(root, file)})`;
    throw e;
  }
}

/**
 * Click the map at RD New coordinates (centring the view there first: in the middle of the part of
 * the map that is seen, above the phone's bottom sheet when that covers the map's centre).
 */
export async function clickMap(page, x, y, { zoom = 16, center = true, api = "demo" } = {}) {
  // What the page does after its last paint (a focus move, a scroll into view) happens first, so
  // the map does not move between measuring the point and clicking it.
  await page.evaluate(() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done))));
  // A zoom still animating (after a search, say) would drop the view asked for below.
  await page.waitForFunction((a) => !window[a].map.isMoving(), api);
  if (center) {
    await page.evaluate(
      ([a, x, y, z]) => {
        window[a].view(x, y, z);
        const sheet = document.querySelector("#panel");
        const m = document.querySelector("#map").getBoundingClientRect();
        if (!sheet || getComputedStyle(sheet).position !== "fixed" || !window[a].map) return;
        const seenBottom = Math.min(m.bottom, sheet.getBoundingClientRect().top);
        const dy = m.top + m.height / 2 - (m.top + Math.max(seenBottom - m.top, 0) / 2);
        if (dy > 0) window[a].map.panBy([0, dy], { animate: false });
      },
      [api, x, y, zoom],
    );
    const [now, max] = await page.evaluate((a) => [window[a].map.getZoom(), window[a].map.getMaxZoom()], api);
    assert.equal(now, Math.min(zoom, max), "the map took the zoom asked for");
  }
  // A resident scrolls the map into view before clicking it; a click outside the window is lost.
  const at = await page.evaluate(
    ([a, x, y]) => {
      const map = document.querySelector("#map");
      const p = window[a].toContainer(x, y);
      let box = map.getBoundingClientRect();
      const seen = (b) => b.top + p.y >= 0 && b.top + p.y < innerHeight && b.left + p.x >= 0 && b.left + p.x < innerWidth;
      if (!seen(box)) {
        scrollBy(0, box.top + p.y - innerHeight / 2);
        box = map.getBoundingClientRect();
      }
      const cx = box.left + p.x;
      const cy = box.top + p.y;
      const hit = document.elementFromPoint(cx, cy);
      const covered = !hit || !map.contains(hit) || Boolean(hit.closest(".leaflet-control-container"));
      return { cx, cy, covered: covered ? (hit?.outerHTML ?? "nothing").slice(0, 120) : null };
    },
    [api, x, y],
  );
  assert.equal(at.covered, null, `the map point (${x}, ${y}) is covered on screen`);
  await page.mouse.click(at.cx, at.cy);
}

// ------------------------------------------------------------------ what a resident does

/** Chooses a voorbeeldgemeente under the map ("" = only the national rules). */
export async function chooseExample(page, example) {
  await page.locator("#example-select").selectOption(example);
}

/**
 * Types `text` in "Zoek uw adres of perceel", chooses the suggestion that contains `option` with
 * the arrow keys and Enter, and waits until the place card shows it.
 */
export async function searchPlace(page, text, option = text) {
  const input = page.locator("#search-input");
  await input.fill(text);
  const options = page.locator("[data-testid=search-option]");
  await options.filter({ hasText: option }).first().waitFor();
  const index = await options.evaluateAll((els, t) => els.findIndex((e) => e.textContent.includes(t)), option);
  for (let i = 0; i <= index; i++) await input.press("ArrowDown");
  await input.press("Enter");
  const shown = option.replace(/^Perceel /, "");
  await page.waitForFunction((t) => document.querySelector("[data-testid=where]")?.textContent.includes(t), shown);
}

/**
 * Starts an activity: the voorbeeldgemeente (when given), the parcel found by search (`parcel`,
 * its kadastrale aanduiding) or a click on the map (`at`, RD), then the activity's button; waits
 * for its check.
 */
export async function startActivity(page, rulesetId, { example, parcel, at } = {}) {
  if (example !== undefined) await chooseExample(page, example);
  if (parcel) await searchPlace(page, parcel, `Perceel ${parcel}`);
  else if (at) {
    await clickMap(page, ...at);
    await page.waitForSelector("[data-testid=where]");
  }
  await page.locator(`.activities button[data-ruleset="${rulesetId}"]`).click();
  await page.waitForFunction((id) => window.demo.state.rulesetId === id && document.querySelector("#check-title"), rulesetId);
}

/**
 * Answers the question of input `name`: a choice by its label (true/false as Ja/Nee), anything
 * else typed; then "Volgende" (or "Bewaar"), and waits until another question, the conclusion or
 * a refusal next to the question shows.
 */
export async function answer(page, name, value) {
  const card = page.locator(`[data-testid=question][data-input=${name}]`);
  await card.waitFor();
  const text = typeof value === "boolean" ? (value ? "ja" : "nee") : String(value);
  if (await card.locator("input[type=radio]").count()) await card.getByLabel(text.charAt(0).toUpperCase() + text.slice(1), { exact: true }).check();
  else await card.locator("input[type=text]").fill(text);
  await card.getByRole("button", { name: /Volgende|Bewaar/ }).click();
  await page.waitForFunction(
    (n) => document.querySelector("[data-testid=question]")?.getAttribute("data-input") !== n || document.querySelector("[data-testid=question] .error-text"),
    name,
  );
}

/**
 * Draws input `name` on the map with its own tool: an area or line corner by corner, then "Klaar
 * met tekenen"; a point with one click. A drawn input's tools are opened again first.
 */
export async function draw(page, name, points, { zoom = 17 } = {}) {
  const tools = page.locator(`[data-tools=${name}]`);
  if ((await tools.count()) === 0) await page.locator(`.from-map[data-input=${name}] [data-action=change]`).click();
  await tools.waitFor();
  if ((await tools.getAttribute("data-type")) === "point") {
    await clickMap(page, ...points[0], { zoom });
    return;
  }
  await tools.locator("[data-action=draw]").click();
  for (const [x, y] of points) await clickMap(page, x, y, { zoom });
  await tools.locator("[data-action=draw]").click(); // "Klaar met tekenen"
}

const AXE = path.join(root, "web-demo/node_modules/axe-core/axe.min.js");

/**
 * axe-core's violations on the page as it is now (WCAG 2.x A and AA rules and best practices),
 * as short lines "rule: target" (empty when there are none).
 */
export async function axeViolations(page) {
  if (!(await page.evaluate(() => Boolean(window.axe)))) await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => (await window.axe.run(document, { resultTypes: ["violations"] })).violations);
  return violations.flatMap((v) => v.nodes.map((n) => `${v.id}: ${n.target.join(" ")} (${v.help})`));
}

/** Asserts that axe-core finds nothing on the page as it is now; `where` names that state. */
export async function assertNoAxe(page, where) {
  assert.deepEqual(await axeViolations(page), [], `axe-core violations ${where}`);
}

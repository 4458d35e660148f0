// Shared set-up for the browser tests: the demo server on a free port, and headless Chromium
// (Debian's /usr/bin/chromium) driven by playwright-core, with the flags from TOOLCHAIN.md.
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
  return {
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
    async close() {
      await context.close();
      server.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
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

/** Click the map at RD New coordinates (centring the view there first). */
export async function clickMap(page, x, y, { zoom = 16, center = true, api = "demo" } = {}) {
  if (center) await page.evaluate(([a, x, y, z]) => window[a].view(x, y, z), [api, x, y, zoom]);
  const box = await page.locator("#map").boundingBox();
  const p = await page.evaluate(([a, x, y]) => window[a].toContainer(x, y), [api, x, y]);
  await page.mouse.click(box.x + p.x, box.y + p.y);
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

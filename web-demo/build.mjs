// Assembles the static site in web-demo/dist/: the pages (src/), Leaflet (vendored from
// node_modules), the WASM package (rules-wasm/pkg, built by rules-wasm/build.sh), the map data and
// a manifest of the bundled rulesets with the layers each one is bound to. No bundler needed.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { diagnosticsPage } from "./diagnostics-page.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, "..");
const dist = path.join(here, "dist");
const config = JSON.parse(fs.readFileSync(path.join(here, "demo.config.json"), "utf8"));

function copy(from, to) {
  fs.mkdirSync(path.dirname(to), { recursive: true });
  fs.cpSync(from, to, { recursive: true });
}

function walk(dir, suffix, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) walk(p, suffix, out);
    else if (e.name.endsWith(suffix)) out.push(p);
  }
  return out;
}

const pkg = path.join(root, "rules-wasm/pkg");
if (!fs.existsSync(path.join(pkg, "rules_wasm_bg.wasm"))) {
  console.error("rules-wasm/pkg is missing: run bash rules-wasm/build.sh first");
  process.exit(2);
}

fs.rmSync(dist, { recursive: true, force: true });
copy(path.join(here, "src"), dist);
// The language reference, and its codes as a page with an anchor per code: the authoring page
// links each diagnostic to its explanation. The Dutch texts (also `rules check --lang nl`).
copy(path.join(root, "docs/language.md"), path.join(dist, "docs/language.md"));
copy(path.join(root, "docs/diagnostics.nl.json"), path.join(dist, "diagnostics.nl.json"));
fs.writeFileSync(
  path.join(dist, "docs/diagnostics.html"),
  diagnosticsPage(fs.readFileSync(path.join(root, "docs/language.md"), "utf8"), JSON.parse(fs.readFileSync(path.join(root, "docs/diagnostics.nl.json"), "utf8"))),
);
const leaflet = path.join(here, "node_modules/leaflet/dist");
for (const f of ["leaflet.js", "leaflet.css", "images"]) copy(path.join(leaflet, f), path.join(dist, "vendor/leaflet", f));
copy(path.join(here, "node_modules/leaflet/LICENSE"), path.join(dist, "vendor/leaflet/LICENSE"));
for (const f of ["rules_wasm.js", "rules_wasm_bg.wasm", "rules_wasm.d.ts", "rules_sttr.js", "rules_sttr_bg.wasm", "rules_sttr.d.ts", "package.json"]) copy(path.join(pkg, f), path.join(dist, "pkg", f));

// Data: every map layer, under a flat name in dist/data/.
const dataFiles = new Map(); // absolute source path -> "data/<name>"
function dataUrl(abs) {
  if (!dataFiles.has(abs)) {
    const url = `data/${path.basename(abs)}`;
    copy(abs, path.join(dist, url));
    dataFiles.set(abs, url);
  }
  return dataFiles.get(abs);
}
const mapLayers = config.map_layers.map((l) => ({ ...l, file: dataUrl(path.resolve(here, l.file)) }));

// Rulesets: text, plus layer bindings from their example cases (and the config's defaults).
const rulesets = [];
for (const dir of config.rulesets) {
  // STTR/DMN files (.dmn) are left out: the browser build reads rulesets only (see rules-wasm).
  for (const file of walk(path.resolve(here, dir), ".rules")) {
    const id = path.relative(root, file).split(path.sep).join("/");
    const layers = {};
    const casesFile = file.replace(/\.rules$/, ".cases.json");
    let cases = null;
    if (fs.existsSync(casesFile)) {
      cases = fs.readFileSync(casesFile, "utf8");
      const parsed = JSON.parse(cases);
      for (const c of Array.isArray(parsed) ? parsed : [parsed]) {
        for (const [name, ref] of Object.entries(c.layers ?? {})) {
          const f = typeof ref === "string" ? ref : ref?.file;
          if (f) layers[name] = dataUrl(path.resolve(path.dirname(casesFile), f));
        }
      }
    }
    const text = fs.readFileSync(file, "utf8");
    // The version a saved session records: a digest of the text (any change makes a new one).
    const version = crypto.createHash("sha256").update(text).digest("hex").slice(0, 16);
    rulesets.push({ id, text, version, layers, cases });
  }
}
const bindings = {};
for (const [name, layer] of Object.entries(config.bindings)) {
  const l = mapLayers.find((m) => m.name === layer);
  if (l) bindings[name] = l.file;
}
for (const r of rulesets) for (const [name, url] of Object.entries(r.layers)) bindings[name] ??= url;

const sizes = fs.existsSync(path.join(pkg, "sizes.json")) ? JSON.parse(fs.readFileSync(path.join(pkg, "sizes.json"), "utf8")) : null;
// The fictional example municipalities (chosen with "Kies een voorbeeldgemeente"), by ruleset path.
const examples = config.examples ?? [];
// Online (PDOK background map on by default, addresses from the PDOK Locatieserver): only when
// the site is built for it (DEMO_ONLINE=1 or "online": true in demo.config.json).
const online = process.env.DEMO_ONLINE === "1" || config.online === true;
// Where each data file comes from (path from the repository root): the authoring page writes
// it into the example cases it saves, so that `rules test` finds the file too.
const sources = Object.fromEntries([...dataFiles].map(([abs, url]) => [url, path.relative(root, abs).split(path.sep).join("/")]));
const manifest = { title: config.title, start: config.start, online, locatieserver: config.locatieserver, tiles: config.tiles, map_layers: mapLayers, bindings, sources, rulesets, examples, wasm: sizes };
fs.writeFileSync(path.join(dist, "manifest.json"), JSON.stringify(manifest, null, 1));
console.log(`web-demo: built ${path.relative(root, dist)} with ${rulesets.length} rulesets and ${dataFiles.size} data files`);

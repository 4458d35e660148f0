// Loads the demo: the WASM engine, the manifest (bundled rulesets and data), and the map data,
// and binds every layer to the engine.
import * as firstCopy from "../pkg/rules_wasm.js";
import { toLatLng } from "./rd.js";
import { guardedEngine } from "./guard.js";

const WASM_URL = new URL("../pkg/rules_wasm_bg.wasm", import.meta.url);
let compiled = null;
let copies = 0;

/** A module instance of its own: the first import, then fresh copies of the JS glue (a new
 * module record per URL) over the one compiled WebAssembly module. */
async function freshModule() {
  compiled ??= await WebAssembly.compileStreaming(fetch(WASM_URL));
  const mod = copies++ === 0 ? firstCopy : await import(`../pkg/rules_wasm.js?instance=${copies}`);
  mod.initSync({ module: compiled });
  return mod;
}

/** A guarded engine (see guard.js) on its own instance, set up by `setup(engine)`. */
export function newEngine(setup) {
  return guardedEngine(
    async () => {
      const engine = new (await freshModule()).Engine();
      setup(engine);
      return engine;
    },
    (e) => {
      console.warn("rules engine restarted after a trap:", e);
      window.dispatchEvent(new CustomEvent("engine-restarted", { detail: String(e?.message ?? e) }));
    },
  );
}

/* global L */
export async function loadDemo() {
  const manifest = await fetch("manifest.json").then((r) => r.json());
  tryEdited(manifest);
  const files = new Set([...manifest.map_layers.map((l) => l.file), ...Object.values(manifest.bindings)]);
  const texts = new Map(
    await Promise.all([...files].map(async (f) => [f, await fetch(f).then((r) => r.text())])),
  );
  const collections = {};
  for (const l of manifest.map_layers) collections[l.name] = JSON.parse(texts.get(l.file));
  const loadLayers = (target) => {
    for (const l of manifest.map_layers) target.loadLayer(l.name, texts.get(l.file));
    for (const [name, file] of Object.entries(manifest.bindings)) {
      if (!manifest.map_layers.some((l) => l.name === name)) target.loadLayer(name, texts.get(file));
    }
  };
  let rulesets = [];
  let problems = [];
  const engine = await newEngine((target) => {
    loadLayers(target);
    for (const r of manifest.rulesets) target.addSource(r.id, r.text);
    rulesets = [];
    problems = [];
    for (const r of manifest.rulesets) {
      try {
        rulesets.push(target.loadRuleset(r.id, r.text));
      } catch (e) {
        problems.push({ id: r.id, message: e.message });
      }
    }
  });
  return { newEngine, engine, manifest, collections, rulesets, problems, loadLayers };
}

/** "Probeer als inwoner" on the authoring page opens this page with `?probeer`: the ruleset being
 * edited there (kept in local storage) replaces the bundled one of the same id for this visit. */
function tryEdited(manifest) {
  if (!new URLSearchParams(location.search).has("probeer")) return;
  try {
    const trial = JSON.parse(localStorage.getItem("regels-probeer:v1") ?? "null");
    if (typeof trial?.id !== "string" || typeof trial?.text !== "string") return;
    const bundled = manifest.rulesets.find((r) => r.id === trial.id);
    if (bundled) bundled.text = trial.text;
    else manifest.rulesets.unshift({ id: trial.id, text: trial.text, layers: {}, cases: null });
  } catch {
    // no trial: the bundled rules
  }
}

/** Draws the data layers (non-interactive: a click always goes to the map). */
export function drawLayers(map, manifest, collections) {
  const overlays = {};
  for (const l of manifest.map_layers) {
    const layer = L.geoJSON(collections[l.name], {
      interactive: false,
      style: () => ({ className: l.class }),
      pointToLayer: (_f, latlng) => L.circleMarker(latlng, { radius: 3, className: l.class, interactive: false }),
      coordsToLatLng: (c) => toLatLng(c),
    }).addTo(map);
    overlays[l.label] = layer;
  }
  return overlays;
}

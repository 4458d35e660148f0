// Loads the demo: the WASM engine, the manifest (bundled rulesets and data), and the map data,
// and binds every layer to the engine.
import init, { Engine } from "../pkg/rules_wasm.js";
import { toLatLng } from "./rd.js";

/* global L */
export async function loadDemo() {
  const [manifest] = await Promise.all([
    fetch("manifest.json").then((r) => r.json()),
    init({ module_or_path: new URL("../pkg/rules_wasm_bg.wasm", import.meta.url) }),
  ]);
  const files = new Set([...manifest.map_layers.map((l) => l.file), ...Object.values(manifest.bindings)]);
  const texts = new Map(
    await Promise.all([...files].map(async (f) => [f, await fetch(f).then((r) => r.text())])),
  );
  const engine = new Engine();
  const collections = {};
  for (const l of manifest.map_layers) collections[l.name] = JSON.parse(texts.get(l.file));
  const loadLayers = (target) => {
    for (const l of manifest.map_layers) target.loadLayer(l.name, texts.get(l.file));
    for (const [name, file] of Object.entries(manifest.bindings)) {
      if (!manifest.map_layers.some((l) => l.name === name)) target.loadLayer(name, texts.get(file));
    }
  };
  loadLayers(engine);
  for (const r of manifest.rulesets) engine.addSource(r.id, r.text);
  const rulesets = [];
  const problems = [];
  for (const r of manifest.rulesets) {
    try {
      rulesets.push(engine.loadRuleset(r.id, r.text));
    } catch (e) {
      problems.push({ id: r.id, message: e.message });
    }
  }
  return { Engine, engine, manifest, collections, rulesets, problems, loadLayers };
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

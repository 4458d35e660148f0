// The residents' page: wires the flows together. Stip op de kaart (stip.js: a click chooses a
// place), Toepasbare regels (questions.js: one question at a time) and Binnen de lijntjes
// (drawing.js: the tools of the input being asked), plus saving a session (Droog oefenen).
// All rule work happens in the WASM engine; these modules only show its answers.
/* global L */
import { h } from "./dom.js";
import { makeMap, tileLayer, toLatLng, toRd } from "./rd.js";
import { loadDemo, drawLayers } from "./data.js";
import { state, ctx, $, rulesetInfo, showStatus } from "./state.js";
import { onPlaceClick, renderStip, setupExampleSelect } from "./stip.js";
import { startActivity, hooks } from "./questions.js";
import { handleClick } from "./drawing.js";
import { setupSessions, renderPractice, restoreFromHash } from "./session.js";

let map;

// ------------------------------------------------------------------ start-up

async function main() {
  let demo;
  try {
    demo = await loadDemo();
  } catch (e) {
    showStatus(`De regels konden niet worden geladen: ${e.message}`, true);
    throw e;
  }
  ctx.demo = demo;
  map = makeMap($("map"), demo.manifest);
  ctx.map = map;
  drawLayers(map, demo.manifest, demo.collections);
  ctx.layers = {
    selected: L.layerGroup().addTo(map),
    derived: L.layerGroup().addTo(map),
    plan: L.layerGroup().addTo(map),
    violations: L.layerGroup().addTo(map),
    marker: L.layerGroup().addTo(map),
  };
  hooks.afterRender = renderPractice;
  setupSessions({
    state,
    showStatus,
    rulesetInfo,
    showPoint: (point) => {
      map.setView(toLatLng([point.x, point.y]), Math.max(map.getZoom(), 15));
      onPlaceClick(point);
    },
    startActivity,
    practiceBox: () => $("practice"),
  });
  setupTiles();
  setupParcelSelect();
  setupExampleSelect();
  map.on("click", (e) => onMapClick(toRd(e.latlng)));
  $("map").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target === $("map")) {
      e.preventDefault();
      onMapClick(toRd(map.getCenter()));
    }
  });
  const n = demo.rulesets.length;
  showStatus(
    `${n} regelset${n === 1 ? "" : "s"} geladen. Klik op de kaart om te zien welke regels daar gelden.` +
      (demo.problems.length ? ` (${demo.problems.length} regelset(s) met fouten niet geladen)` : ""),
  );
  renderStip();
  renderPractice();
  // For tests and the performance script: the map in RD metres.
  window.demo = {
    map,
    state,
    engine: demo.engine,
    rulesets: demo.rulesets,
    examples: demo.manifest.examples ?? [],
    view: (x, y, zoom) => map.setView(toLatLng([x, y]), zoom ?? map.getZoom(), { animate: false }),
    toContainer: (x, y) => map.latLngToContainerPoint(toLatLng([x, y])),
  };
  restoreFromHash(location.hash);
  document.body.dataset.ready = "true";
}

/** A click on the map draws or picks for the input being asked, or else chooses a place. */
function onMapClick(point) {
  if (handleClick(point)) return;
  onPlaceClick(point);
}

function setupTiles() {
  const tiles = ctx.demo.manifest.tiles;
  if (!tiles?.url) {
    $("tiles").closest("label").hidden = true;
    return;
  }
  $("tiles-label").textContent = tiles.label;
  let layer = null;
  const toggle = (on) => {
    if (on && !layer) layer = tileLayer(tiles).addTo(map).bringToBack();
    if (!on && layer) {
      layer.remove();
      layer = null;
    }
    localStorage.setItem("tiles", on ? "1" : "0");
  };
  $("tiles").checked = localStorage.getItem("tiles") === "1";
  toggle($("tiles").checked);
  $("tiles").addEventListener("change", (e) => toggle(e.target.checked));
}

function setupParcelSelect() {
  const select = $("parcel-select");
  const parcels = ctx.demo.collections.parcels?.features ?? [];
  const named = parcels
    .map((f) => ({ f, name: f.properties?.kadastraleAanduiding ?? String(f.id) }))
    .sort((a, b) => a.name.localeCompare(b.name, "nl", { numeric: true }));
  for (const { f, name } of named) select.append(h("option", { value: String(f.id) }, name));
  select.addEventListener("change", () => {
    const f = parcels.find((p) => String(p.id) === select.value);
    if (!f) return;
    const [x, y] = f.properties?.plaatscoordinaten ?? centroid(f.geometry);
    map.setView(toLatLng([x, y]), Math.max(map.getZoom(), 15));
    onPlaceClick({ x, y });
  });
}

function centroid(g) {
  const ring = g.type === "Polygon" ? g.coordinates[0] : g.coordinates[0][0];
  const n = ring.length - 1;
  return [ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n, ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n];
}

main();

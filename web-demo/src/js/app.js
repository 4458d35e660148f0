// The residents' page: wires the flows together. Stip op de kaart (stip.js: a click chooses a
// place), Toepasbare regels (questions.js: one question at a time) and Binnen de lijntjes
// (drawing.js: the tools of the input being asked), plus saving a session (Droog oefenen).
// All rule work happens in the WASM engine; these modules only show its answers.
/* global L */
import { h, clear, today } from "./dom.js";
import { makeMap, tileLayer, toLatLng, toRd } from "./rd.js";
import { loadDemo, drawLayers } from "./data.js";
import { state, ctx, $, rulesetInfo, showStatus } from "./state.js";
import { onPlaceClick, renderStip, setupExampleSelect } from "./stip.js";
import { startActivity, hooks } from "./questions.js";
import { handleClick } from "./drawing.js";

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
  if (location.hash.startsWith("#sessie=")) restore(decodeSession(location.hash.slice(8)));
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

// ------------------------------------------------------------------ Droog oefenen: save and load

function snapshot() {
  if (!state.session) return null;
  const answers = { ...state.session.answers() };
  delete answers.parcel;
  delete answers.plan;
  return { v: 1, ruleset: state.rulesetId, date: today(), point: state.point, answers, plan: state.plan };
}

function encodeSession(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(s));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function decodeSession(text) {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    showStatus("De opgeslagen sessie in de link kon niet worden gelezen.", true);
    return null;
  }
}

function restore(saved) {
  if (!saved || !rulesetInfo(saved.ruleset)) {
    if (saved) showStatus("De opgeslagen sessie hoort bij een regelset die hier niet is geladen.", true);
    return;
  }
  if (saved.point) {
    map.setView(toLatLng([saved.point.x, saved.point.y]), Math.max(map.getZoom(), 15));
    onPlaceClick(saved.point);
  }
  startActivity(saved.ruleset, saved);
  showStatus("Uw opgeslagen sessie is weer geopend.");
}

function renderPractice() {
  const box = clear($("practice"));
  const section = h("section", { "aria-labelledby": "practice-title" }, h("h2", { id: "practice-title" }, "Droog oefenen"));
  box.append(section);
  const fileInput = h("input", { type: "file", id: "session-file", accept: ".json,application/json", class: "visually-hidden" });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    try {
      restore(JSON.parse(await file.text()));
    } catch {
      showStatus("Dit bestand is geen opgeslagen sessie.", true);
    }
  });
  const s = snapshot();
  section.append(
    h("p", {}, s ? "Bewaar uw antwoorden en tekening, en open ze later weer." : "Open een sessie die u eerder hebt bewaard."),
    h(
      "div",
      { class: "actions" },
      s ? h("button", { type: "button", onclick: saveFile, "data-action": "save-file" }, "Bewaar als bestand") : null,
      s ? h("button", { type: "button", class: "secondary", onclick: saveLink, "data-action": "save-link" }, "Maak een link") : null,
      h("label", { for: "session-file", class: "button secondary" }, "Open een bestand"),
      fileInput,
    ),
    h("p", { id: "link-out", class: "muted" }),
  );
}

function saveFile() {
  const blob = new Blob([JSON.stringify(snapshot(), null, 2)], { type: "application/json" });
  const a = h("a", { href: URL.createObjectURL(blob), download: "mijn-vergunningcheck.json" });
  document.body.append(a);
  a.click();
  a.remove();
}

function saveLink() {
  const hash = `#sessie=${encodeSession(snapshot())}`;
  history.replaceState(null, "", hash);
  const url = location.href;
  $("link-out").textContent = `De link staat nu in de adresbalk. Bewaar die als bladwijzer: ${url.length > 90 ? `${url.slice(0, 90)}…` : url}`;
  navigator.clipboard?.writeText(url).catch(() => {});
}

main();

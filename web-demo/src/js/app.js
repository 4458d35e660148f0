// The residents' page: wires the flows together. Stip op de kaart (stip.js: a click chooses a
// place), Toepasbare regels (questions.js: one question at a time) and Binnen de lijntjes
// (drawing.js: the tools of the input being asked), the outcome (outcome.js), the address search
// (search.js) and keeping the work (session.js: autosave, link, file).
// All rule work happens in the WASM engine; these modules only show its answers.
/* global L */
import { makeMap, tileLayer, toLatLng, toRd } from "./rd.js";
import { loadDemo, drawLayers } from "./data.js";
import { state, ctx, $, rulesetInfo, showStatus } from "./state.js";
import { onPlaceClick, renderStip, setupExampleSelect } from "./stip.js";
import { startActivity, hooks } from "./questions.js";
import { handleClick, toggleDrawing } from "./drawing.js";
import { setupSessions, renderPractice, restoreFromHash, autosave } from "./session.js";
import { setupSearch } from "./search.js";
import { renderLegend, drawDataExtent } from "./legend.js";
import { setupSheet } from "./sheet.js";

let map;

// ------------------------------------------------------------------ start-up

async function main() {
  let demo;
  try {
    demo = await loadDemo();
  } catch (e) {
    showStatus("De regels konden niet worden geladen. Laad de pagina opnieuw; lukt het dan niet, probeer het later nog eens.", true);
    throw e;
  }
  ctx.demo = demo;
  map = makeMap($("map"), demo.manifest);
  ctx.map = map;
  drawLayers(map, demo.manifest, demo.collections);
  drawDataExtent(map, demo.collections);
  ctx.layers = {
    selected: L.layerGroup().addTo(map),
    derived: L.layerGroup().addTo(map),
    plan: L.layerGroup().addTo(map),
    violations: L.layerGroup().addTo(map),
    marker: L.layerGroup().addTo(map),
  };
  hooks.afterRender = () => {
    // (Nothing in "Bewaren" changes while a corner is dragged; it is saved when let go.)
    if (state.dragging) return;
    renderPractice();
    autosave();
  };
  setupSessions({
    state,
    showStatus,
    rulesetInfo,
    rulesetVersion: (id) => demo.manifest.rulesets.find((r) => r.id === id)?.version,
    showPoint: (point) => {
      map.setView(toLatLng([point.x, point.y]), Math.max(map.getZoom(), 15));
      onPlaceClick(point);
    },
    startActivity: (id, saved) => {
      const dropped = startActivity(id, saved);
      renderStip(); // the activity list folds away
      return dropped;
    },
    practiceBox: () => $("practice"),
    resumeBox: () => $("resume"),
  });
  setupTiles();
  setupSearch({
    parcels: demo.collections.parcels?.features ?? [],
    online: demo.manifest.online && demo.manifest.locatieserver?.url ? demo.manifest.locatieserver : null,
    say: showStatus,
    choose: (point, label) => {
      map.setView(toLatLng([point.x, point.y]), Math.max(map.getZoom(), 16));
      onPlaceClick(point, { label, announce: true });
    },
  });
  setupExampleSelect();
  renderLegend(demo.manifest);
  setupPrint();
  setupSheet();
  $("map-done").addEventListener("click", () => {
    if (state.drawing) toggleDrawing(state.drawing, { fromMap: true });
  });
  map.on("click", (e) => onMapClick(toRd(e.latlng), false));
  $("map").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target === $("map")) {
      e.preventDefault();
      onMapClick(toRd(map.getCenter()), true);
    }
  });
  showStatus(
    "Zoek uw adres of perceel, of klik op de kaart op uw huis. U ziet dan welke regels daar gelden." +
      (demo.problems.length ? ` (Een deel van de regels kon niet worden geladen: ${demo.problems.length}.)` : ""),
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
function onMapClick(point, byKeyboard) {
  if (handleClick(point)) return;
  onPlaceClick(point, { announce: true, keepFocus: byKeyboard });
}

/**
 * The printed map is smaller than the screen's: before printing, the map takes its print size
 * and shows the plan (or else the chosen parcel) whole; after, it goes back.
 */
function setupPrint() {
  let before = null;
  const fit = (printing) => {
    map.invalidateSize({ animate: false });
    if (printing) {
      before ??= { center: map.getCenter(), zoom: map.getZoom() };
      const plan = state.plan.length >= 3 ? L.latLngBounds(state.plan.map((p) => toLatLng(p))) : null;
      const parcel = state.parcel ? L.geoJSON(state.parcel.geometry, { coordsToLatLng: (c) => toLatLng(c) }).getBounds() : null;
      const bounds = plan && parcel ? parcel.extend(plan) : plan ?? parcel;
      if (bounds?.isValid()) map.fitBounds(bounds, { padding: [20, 20], animate: false, maxZoom: 17 });
    } else if (before) {
      map.setView(before.center, before.zoom, { animate: false });
      before = null;
    }
  };
  window.addEventListener("beforeprint", () => fit(true));
  window.addEventListener("afterprint", () => fit(false));
  matchMedia("print").addEventListener("change", (e) => fit(e.matches));
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
  };
  // On by default on a site built to be online; the resident's own choice is remembered.
  const chosen = localStorage.getItem("tiles");
  $("tiles").checked = chosen === null ? Boolean(ctx.demo.manifest.online) : chosen === "1";
  toggle($("tiles").checked);
  $("tiles").addEventListener("change", (e) => {
    localStorage.setItem("tiles", e.target.checked ? "1" : "0");
    toggle(e.target.checked);
  });
}

main();

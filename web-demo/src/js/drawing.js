// Binnen de lijntjes: drawing on the map. Each geometry input has the tools of its type: an area
// (click corners, drag them, place a rectangle by typing its size), a line (click points, or
// type its length), a point (click a spot or a feature on the map). A drawing goes to the input
// that is being asked; the engine checks it at once, and a drawing it refuses is explained in
// Dutch at the drawing while the checks go back to "Nog onbekend".
/* global L */
import { h, on, afterPaint, afterThisFrame } from "./dom.js";
import { toLatLng, toRd } from "./rd.js";
import { state, ctx, inputInfo, fmtNumber, round, polygonArea, lineLength } from "./state.js";
import { evaluateSession, renderSession, refresh, hooks } from "./questions.js";
import { isPhone, sheetForDrawing } from "./sheet.js";

const MIN_POINTS = { area: 3, line: 2, point: 1 };
const DRAW_LABEL = { area: "Teken op de kaart", line: "Teken de lijn op de kaart" };

/** The drawn geometry of an input as GeoJSON, or null while it is not complete. */
export function geometryOf(name) {
  const input = inputInfo(name);
  const pts = state.shapes[name] ?? [];
  if (!input || pts.length < MIN_POINTS[input.type]) return null;
  if (input.type === "point") return { type: "Point", coordinates: pts[0] };
  if (input.type === "line") return { type: "LineString", coordinates: pts };
  return { type: "Polygon", coordinates: [[...pts, pts[0]]] };
}

/** What a map click does while drawing or picking; false when the click is for Stip op de kaart. */
export function handleClick(point) {
  if (!state.session) return false;
  const p = [round(point.x), round(point.y)];
  if (state.drawing) {
    state.shapes[state.drawing] = [...(state.shapes[state.drawing] ?? []), p];
    setShape(state.drawing);
    const n = state.shapes[state.drawing].length;
    say(`${inputInfo(state.drawing)?.type === "line" ? "Punt" : "Hoek"} ${n} gezet.`);
    return true;
  }
  // A point that is being asked takes the click itself (the tree: click on it).
  const asked = state.editing ?? state.outcome?.needed?.[0]?.input;
  const name = state.picking ?? (inputInfo(asked)?.type === "point" && inputInfo(asked)?.kind === "input" ? asked : null);
  if (!name) return false;
  const input = inputInfo(name);
  const layer = pickLayer(input);
  if (input.type !== "point" && layer) {
    // "Kies een ander gebouw": the feature under the click.
    const hit = safe(() => ctx.demo.engine.featuresAt(layer, point, 0)[0]);
    if (!hit) {
      state.drawError = { input: name, text: "Hier staat geen gebouw op de kaart. Klik op een gebouw, of teken het zelf." };
      refresh();
      return true;
    }
    state.picking = null;
    state.shapes[name] = outerRing(hit.geometry);
    setShape(name);
    return true;
  }
  state.picking = null;
  state.shapes[name] = [p];
  setShape(name);
  return true;
}

function safe(fn) {
  try {
    return fn();
  } catch {
    return null;
  }
}

/** The layer a derived input picks its feature from (`largest(buildings, ...)`), if any. */
export function pickLayer(input) {
  return /^(?:largest|nearest)\(\s*(\w+)/.exec(input?.from ?? "")?.[1] ?? null;
}

function outerRing(g) {
  const ring = g.type === "Polygon" ? g.coordinates[0] : g.type === "MultiPolygon" ? g.coordinates[0][0] : [];
  return ring.slice(0, -1).map(([x, y]) => [x, y]);
}

/** The drawing of `name` changed: redraw it and let the engine check it. */
export function setShape(name, t0 = performance.now()) {
  drawShapes();
  submit(name, t0);
}

/**
 * Give the drawing to the engine; a refused one is taken back, with the reason in Dutch. `inFrame`:
 * called from an animation frame callback, so the change is painted at the end of this frame.
 */
export function submit(name, t0 = performance.now(), { inFrame = false } = {}) {
  if (!state.session) return;
  const engineStart = performance.now();
  const geometry = geometryOf(name);
  // The outcome with the drawing in place, evaluated once: a drawing the engine refuses, on
  // reading (a self-intersection) or on evaluating (a building off the parcel), is taken back.
  let outcome = null;
  try {
    state.session.answer(name, geometry);
    outcome = state.session.outcome();
    if (state.drawError?.input === name) state.drawError = null;
  } catch (e) {
    safe(() => state.session.answer(name, null));
    state.drawError = { input: name, text: drawingError(e) };
  }
  evaluateSession(outcome);
  performance.measure("plan-check-engine", { start: engineStart });
  renderSession();
  const painted = () => performance.measure("plan-check", { start: t0 });
  if (inFrame) afterThisFrame(painted);
  else afterPaint(painted);
}

/** The engine's reason for refusing a drawing, for a resident. */
export function drawingError(e) {
  const m = e?.message ?? String(e);
  if (/does not lie on the parcel/.test(m)) return "Dit gebouw ligt niet op uw perceel; kies het gebouw op uw perceel of teken het zelf.";
  if (/intersects itself|overlap or share an edge/.test(m)) return "De lijnen van uw tekening kruisen elkaar; verplaats een hoek.";
  if (/encloses no area|distinct points|at least/.test(m)) return "Uw tekening heeft geen oppervlakte of lengte; zet de hoeken verder uit elkaar.";
  if (/vertices; the limit/.test(m)) return "Uw tekening heeft te veel hoeken; teken haar eenvoudiger.";
  if (/look like|outside|not a finite/.test(m)) return "Uw tekening ligt buiten het gebied van de kaart; teken haar opnieuw.";
  return "Deze tekening kan niet worden gebruikt; teken haar opnieuw.";
}

// ------------------------------------------------------------------ the tools of one input

/** The tools for the input being asked (or changed): only its type's tools. */
export function toolsFor(input) {
  const box = h("div", { class: "tools", "data-tools": input.name, "data-type": input.type });
  const pts = state.shapes[input.name] ?? [];
  const drawing = state.drawing === input.name;
  const layer = pickLayer(input);
  const actions = h("div", { class: "actions" });
  if (input.type === "point") {
    const picking = state.picking === input.name;
    actions.append(
      h("button", { type: "button", "data-action": "pick-point", "aria-pressed": String(picking), onclick: () => startPicking(input.name) }, picking ? "Klik nu op de kaart…" : "Klik op de kaart"),
      h("button", { type: "button", class: "secondary", "data-action": "map-centre", onclick: () => handleClickForced(input.name, toRd(ctx.map.getCenter())) }, "Kies het midden van de kaart"),
    );
  } else {
    actions.append(
      h(
        "button",
        { type: "button", onclick: () => toggleDrawing(input.name), "aria-pressed": String(drawing), "data-action": "draw" },
        drawing ? "Klaar met tekenen" : pts.length ? "Opnieuw tekenen" : DRAW_LABEL[input.type],
      ),
    );
    if (layer && input.type === "area") {
      actions.append(h("button", { type: "button", class: "secondary", "data-action": "pick-feature", onclick: () => startPicking(input.name) }, "Kies een ander gebouw op de kaart"));
    }
    if (pts.length) actions.append(h("button", { type: "button", class: "secondary", onclick: () => clearShape(input.name), "data-action": "clear" }, "Wis tekening"));
  }
  box.append(actions);
  if (drawing) {
    const n = MIN_POINTS[input.type];
    box.append(
      h(
        "p",
        { class: "draw-help" },
        input.type === "line"
          ? `Klik op de kaart om punten van de lijn te zetten (${pts.length} gezet, minstens ${n}). Klik daarna op 'Klaar met tekenen'.`
          : `Klik op de kaart om hoeken te zetten (${pts.length} gezet, minstens ${n}). Klik daarna op 'Klaar met tekenen'. Sleep een hoek om hem te verplaatsen. Met het toetsenbord: schuif de kaart met de pijltjes en druk op Enter om een hoek in het midden te zetten; of typ hieronder de maten.`,
      ),
    );
  }
  if (state.picking === input.name && input.type !== "point") box.append(h("p", { class: "draw-help" }, "Klik op de kaart op het gebouw."));
  if (state.picking === input.name && input.type === "point") box.append(h("p", { class: "draw-help" }, "Klik op de kaart op de plek."));
  if (state.drawError?.input === input.name) box.append(h("p", { class: "error-text", "data-testid": "drawing-error" }, state.drawError.text));
  const off = offParcel(input.name);
  if (off) box.append(h("p", { class: "error-text", "data-testid": "off-parcel" }, off));
  if (input.type !== "point") box.append(typedMeasurements(input));
  if (pts.length >= MIN_POINTS[input.type] && input.type !== "point") box.append(nudges(input.name));
  return box;
}

/** A short line saying what was drawn. */
export function shapeText(input) {
  const pts = state.shapes[input.name] ?? [];
  if (pts.length < MIN_POINTS[input.type]) return "nog niet getekend";
  if (input.type === "area") return `getekend, ${fmtNumber(polygonArea(pts))} m²`;
  if (input.type === "line") return `getekend, ${fmtNumber(lineLength(pts))} m lang`;
  return "aangeklikt op de kaart";
}

function handleClickForced(name, point) {
  state.picking = name;
  handleClick(point);
}

function startPicking(name) {
  state.drawing = null;
  state.picking = state.picking === name ? null : name;
  refresh();
}


/**
 * Starts or ends drawing `name`. On a phone the map comes into view while drawing (with the
 * floating "Klaar met tekenen" on it), and the check again when done.
 */
export function toggleDrawing(name, { fromMap = false } = {}) {
  state.picking = null;
  if (state.drawing !== name) {
    state.drawing = name;
    state.shapes[name] = [];
    state.editing = name;
    setShape(name);
    if (isPhone()) afterPaint(() => document.querySelector(".map-wrap")?.scrollIntoView({ block: "start" }));
  } else {
    state.drawing = null;
    if (state.editing === name) state.editing = null;
    setShape(name);
    if (fromMap || isPhone()) {
      afterPaint(() => {
        const line = document.querySelector(`.from-map[data-input="${CSS.escape(name)}"]`) ?? document.getElementById("check-title");
        if (isPhone()) line?.scrollIntoView({ block: "start" });
        if (fromMap) (line?.querySelector("[data-action=change]") ?? document.getElementById("check-title"))?.focus({ preventScroll: true });
      });
    }
  }
}

function clearShape(name) {
  state.shapes[name] = [];
  state.drawing = null;
  setShape(name);
}

function moveShape(name, dx, dy) {
  state.shapes[name] = state.shapes[name].map(([x, y]) => [round(x + dx), round(y + dy)]);
  setShape(name);
}

function nudges(name) {
  const nudge = (dx, dy, label) =>
    h("button", { type: "button", class: "secondary", onclick: () => moveShape(name, dx, dy), "aria-label": label }, { "0,1": "↑", "0,-1": "↓", "-1,0": "←", "1,0": "→" }[`${Math.sign(dx)},${Math.sign(dy)}`]);
  return h(
    "div",
    {},
    h("p", { class: "muted", style: "margin:.25rem 0" }, "Schuif de tekening 50 cm:"),
    h("div", { class: "nudge" }, h("span"), nudge(0, 0.5, "Schuif naar boven"), h("span"), nudge(-0.5, 0, "Schuif naar links"), h("span"), nudge(0.5, 0, "Schuif naar rechts"), h("span"), nudge(0, -0.5, "Schuif naar beneden"), h("span")),
  );
}

// ------------------------------------------------------------------ typed measurements

/**
 * The keyboard alternative to dragging: a rectangle of width x depth (or a line of a length)
 * along the back of the parcel (the side farthest from the road), at a typed distance from it.
 */
function typedMeasurements(input) {
  const id = (k) => `${input.name}-${k}`;
  const field = (k, label, value) =>
    h("div", { class: "quantity" }, h("label", { for: id(k) }, label), h("input", { type: "text", inputmode: "decimal", id: id(k), value, autocomplete: "off" }), h("span", {}, "m"));
  const area = input.type === "area";
  const form = h(
    "form",
    { class: "typed", "data-typed": input.name },
    h("p", { class: "muted", style: "margin:.25rem 0" }, area ? "Of typ de maten: het bouwwerk komt achter op uw perceel." : "Of typ de maten: de lijn komt langs de achterkant van uw perceel."),
    area ? field("width", "Breedte", "4") : field("width", "Lengte", "5"),
    area ? field("depth", "Diepte", "3") : null,
    field("distance", "Afstand tot de perceelgrens", "1"),
    h("div", { class: "actions" }, h("button", { type: "submit", class: "secondary", "data-action": "place-typed" }, "Zet op de kaart")),
  );
  on(form, "submit", (e) => {
    e.preventDefault();
    const num = (k) => Number(String(form.querySelector(`#${CSS.escape(id(k))}`)?.value ?? "").replace(",", "."));
    const [w, d, a] = [num("width"), area ? num("depth") : 0, num("distance")];
    if (!(w > 0) || (area && !(d > 0)) || !(a >= 0)) {
      state.drawError = { input: input.name, text: "Vul de maten in als getallen in meters, bijvoorbeeld 4 of 2,5." };
      refresh();
      return;
    }
    const shape = placeAtBack(w, d, a, area);
    if (!shape) {
      state.drawError = { input: input.name, text: "Kies eerst uw perceel op de kaart." };
      refresh();
      return;
    }
    state.drawing = null;
    state.shapes[input.name] = shape;
    setShape(input.name);
  });
  return form;
}

function placeAtBack(width, depth, distance, area) {
  const g = state.parcel?.geometry;
  if (!g) return null;
  const ring = outerRing(g);
  const roads = (ctx.demo.collections.roads?.features ?? []).flatMap((f) => outerRing(f.geometry));
  const [cx, cy] = ring.reduce(([sx, sy], [x, y]) => [sx + x / ring.length, sy + y / ring.length], [0, 0]);
  // The back: the longest edges far from the road (edges shorter than 2 m are corners).
  let best = null;
  for (let i = 0; i < ring.length; i++) {
    const a = ring[i];
    const b = ring[(i + 1) % ring.length];
    const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
    if (len < 2) continue;
    const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const near = roads.reduce((m, r) => Math.min(m, Math.hypot(r[0] - mid[0], r[1] - mid[1])), Infinity);
    const score = Number.isFinite(near) ? near : len;
    if (!best || score > best.score) best = { a, b, len, mid, score };
  }
  if (!best) return null;
  const u = [(best.b[0] - best.a[0]) / best.len, (best.b[1] - best.a[1]) / best.len];
  let n = [-u[1], u[0]];
  if ((cx - best.mid[0]) * n[0] + (cy - best.mid[1]) * n[1] < 0) n = [-n[0], -n[1]];
  const at = (s, t) => [round(best.mid[0] + u[0] * s + n[0] * t), round(best.mid[1] + u[1] * s + n[1] * t)];
  const half = width / 2;
  if (!area) return [at(-half, distance), at(half, distance)];
  return [at(-half, distance), at(half, distance), at(half, distance + depth), at(-half, distance + depth)];
}

// ------------------------------------------------------------------ off the parcel

/** "Uw tekening ligt (deels) buiten uw perceel", by the drawn points. */
export function offParcel(name) {
  const pts = state.shapes[name] ?? [];
  const g = state.parcel?.geometry;
  if (!g || !pts.length || inputInfo(name)?.type === "point" || name !== "plan") return null;
  const rings = g.type === "Polygon" ? [g.coordinates] : g.coordinates;
  const inside = (p) => rings.some((poly) => contains(poly[0], p) && !poly.slice(1).some((hole) => contains(hole, p)));
  const outside = pts.filter((p) => !inside(p)).length;
  if (!outside) return null;
  return outside === pts.length ? "Uw tekening ligt buiten uw perceel. Teken op uw eigen perceel." : "Uw tekening ligt deels buiten uw perceel.";
}

function contains(ring, [x, y]) {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i];
    const [xj, yj] = ring[j];
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}

// ------------------------------------------------------------------ on the map

/** Moves one corner with the arrow keys: 50 cm a press, 10 cm with Shift. */
function moveVertex(name, i, key, shift) {
  const step = shift ? 0.1 : 0.5;
  const [dx, dy] = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] }[key];
  const [x, y] = state.shapes[name][i];
  state.shapes[name][i] = [round(x + dx), round(y + dy)];
  setShape(name);
  const where = { ArrowLeft: "naar links", ArrowRight: "naar rechts", ArrowUp: "naar boven", ArrowDown: "naar beneden" }[key];
  say(`Hoek ${i + 1} is ${shift ? "10" : "50"} cm ${where} geschoven.`);
}

/** A short message in the status line (read out by screen readers). */
function say(text) {
  const status = document.getElementById("status");
  if (!status) return;
  status.textContent = text;
  status.classList.remove("error");
}

let wasDrawing = false;
/** The floating "Klaar met tekenen" on the map: shown while drawing (and the phone's sheet small). */
function syncMapDone() {
  if (Boolean(state.drawing) !== wasDrawing) {
    wasDrawing = Boolean(state.drawing);
    sheetForDrawing(wasDrawing);
  }
  const done = document.getElementById("map-done");
  if (!done) return;
  const hadFocus = document.activeElement === done;
  done.hidden = !state.drawing;
  const n = (state.shapes[state.drawing] ?? []).length;
  done.textContent = state.drawing ? `Klaar met tekenen (${n} ${n === 1 ? "punt" : "punten"} gezet)` : "Klaar met tekenen";
  if (hadFocus && done.hidden) document.getElementById("check-title")?.focus({ preventScroll: true });
}

/** Draws every drawn input (vertices draggable) and what the map answered (dashed). */
export function drawShapes() {
  syncMapDone();
  const { layers } = ctx;
  // A corner moved by keyboard keeps focus when the corners are drawn again.
  const focused = document.activeElement?.dataset?.vertex !== undefined ? { shape: document.activeElement.dataset.shape, vertex: document.activeElement.dataset.vertex } : null;
  layers.plan.clearLayers();
  layers.derived.clearLayers();
  for (const d of state.outcome?.derived ?? []) {
    if (d.value?.type && d.value.type !== "Point") {
      L.geoJSON(d.value, { interactive: false, style: { className: "map-derived" }, coordsToLatLng: (c) => toLatLng(c) }).addTo(layers.derived);
    } else if (d.value?.type === "Point") {
      L.circleMarker(toLatLng(d.value.coordinates), { radius: 9, className: "map-derived", interactive: false }).addTo(layers.derived);
    }
  }
  for (const [name, pts] of Object.entries(state.shapes)) {
    const input = inputInfo(name);
    if (!input || !pts.length) continue;
    if (input.type === "point") {
      L.marker(toLatLng(pts[0]), { icon: L.divIcon({ className: "vertex point", iconSize: [16, 16] }), keyboard: false, interactive: false, alt: input.label }).addTo(layers.plan);
      continue;
    }
    const latlngs = pts.map(toLatLng);
    const shape = (input.type === "area" && pts.length >= 3 ? L.polygon(latlngs, { className: "map-plan", interactive: false }) : L.polyline(latlngs, { className: "map-plan", interactive: false })).addTo(layers.plan);
    pts.forEach((p, i) => {
      const vertex = L.marker(toLatLng(p), {
        draggable: true,
        keyboard: true,
        title: `Hoek ${i + 1}`,
        alt: `Hoek ${i + 1} van de tekening`,
        icon: L.divIcon({ className: "vertex", iconSize: [16, 16] }),
      }).addTo(layers.plan);
      const el = vertex.getElement();
      el?.setAttribute("data-vertex", String(i));
      el?.setAttribute("data-shape", name);
      el?.setAttribute("aria-label", `Hoek ${i + 1} van de tekening. Verschuif met de pijltjestoetsen (Shift: 10 cm).`);
      el?.addEventListener("keydown", (e) => {
        if (!["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown"].includes(e.key)) return;
        e.preventDefault();
        e.stopPropagation();
        moveVertex(name, i, e.key, e.shiftKey);
      });
      if (focused && focused.shape === name && focused.vertex === String(i)) el?.focus({ preventScroll: true });
      // A drag step is checked once per frame, and the panel patched with what changed; letting
      // go saves the work (and checks a step the last frame had not checked yet).
      let frame = null;
      vertex.on("drag", (e) => {
        const q = toRd(e.latlng);
        state.shapes[name][i] = [q.x, q.y];
        shape.setLatLngs(state.shapes[name].map(toLatLng));
        if (frame !== null) return;
        const t0 = performance.now();
        frame = requestAnimationFrame(() => {
          frame = null;
          submit(name, t0, { inFrame: true });
        });
      });
      vertex.on("dragstart", () => {
        state.dragging = true;
      });
      vertex.on("dragend", () => {
        state.dragging = false;
        // (The corner and the outline are already where they were dragged to.) A step not yet
        // checked is checked now; else only what waited for the drag's end: saving.
        if (frame === null) return hooks.afterRender();
        cancelAnimationFrame(frame);
        frame = null;
        submit(name);
      });
      vertex.on("click", () => {
        if (state.drawing === name && i === 0 && pts.length >= 3) toggleDrawing(name);
      });
    });
  }
}

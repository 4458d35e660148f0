// The page's one state object and the shared handles (engine, map, map layers). The flows
// (stip.js, questions.js, drawing.js) read and change it; app.js wires them together.
export const state = {
  point: null, // {x, y} of the last click that chose a place
  parcel: null, // FeatureHit of the parcel under it
  placeLabel: null, // the address the resident searched for, if any
  hits: [],
  example: "", // the chosen voorbeeldgemeente ("" = only the national rules)
  pendingParcel: null, // another parcel clicked during a check, waiting for "use this one?"
  pendingDiscard: null, // {kind: "activity"|"example", value}: waiting for "throw away your work?"
  rulesetId: null,
  session: null,
  shapes: {}, // vertices [[x, y], ...] per drawn input (open ring for areas)
  drawing: null, // name of the input whose vertices map clicks add
  dragging: false, // a corner is being dragged (the session is saved when it is let go)
  picking: null, // name of the input a map click picks a feature or spot for
  drawError: null, // {input, text}: a drawing the engine refused
  editing: null, // name of the input being changed
  history: [], // answered question names, in order
  outcome: null,
  error: null,
};
// `plan` is the drawn plan's vertices (what a saved session keeps).
Object.defineProperty(state, "plan", {
  get: () => state.shapes.plan ?? [],
  set: (v) => {
    state.shapes.plan = v;
  },
  enumerable: true,
});

export const ctx = { demo: null, map: null, layers: null };

export const $ = (id) => document.getElementById(id);

export function rulesetInfo(id) {
  return ctx.demo.rulesets.find((r) => r.id === id);
}

export function inputInfo(name) {
  return rulesetInfo(state.rulesetId)?.inputs.find((i) => i.name === name);
}

export function showStatus(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

// One formatter each, made once: toLocaleString makes a new one on every call (slow, and the
// checks format their figures on every step of a drag).
const NUMBER = new Intl.NumberFormat("nl-NL", { maximumFractionDigits: 2 });
const DATE = new Intl.DateTimeFormat("nl-NL", { day: "numeric", month: "long", year: "numeric" });

/** 2.5 -> "2,5" (at most two decimals). */
export function fmtNumber(n) {
  return NUMBER.format(Number(n));
}

/** A date as "6 december 2026". */
export function fmtDate(date) {
  return DATE.format(date);
}

export const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
export const round = (n) => Math.round(n * 100) / 100;
export const unitText = (u) => ({ m: "meter", m2: "m²", m3: "m³", deg: "graden", "%": "procent" })[u] ?? u ?? "";

export function polygonArea(ring) {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a / 2);
}

export function lineLength(points) {
  let l = 0;
  for (let i = 1; i < points.length; i++) l += Math.hypot(points[i][0] - points[i - 1][0], points[i][1] - points[i - 1][1]);
  return l;
}

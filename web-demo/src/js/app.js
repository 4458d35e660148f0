// The residents' page: Stip op de kaart, Toepasbare regels (one question at a time) and Binnen
// de lijntjes (draw the plan, checks update live), plus saving a session (Droog oefenen).
// All rule work happens in the WASM engine; this file only shows its answers.
/* global L */
import { h, clear, limitText, CONCLUSIONS, today, afterPaint } from "./dom.js";
import { makeMap, tileLayer, toLatLng, toRd } from "./rd.js";
import { loadDemo, drawLayers } from "./data.js";
import { setupSessions, renderPractice, restoreFromHash } from "./session.js";

const $ = (id) => document.getElementById(id);
const state = {
  point: null, // {x, y} of the last click
  parcel: null, // FeatureHit of the parcel under it
  hits: [],
  rulesetId: null,
  session: null,
  plan: [], // vertices [[x, y], ...] of the drawn plan (open ring)
  drawing: false,
  editing: null, // name of the question being changed
  history: [], // answered question names, in order
  outcome: null,
  error: null,
};
let demo, map, layers;

// ------------------------------------------------------------------ start-up

async function main() {
  try {
    demo = await loadDemo();
  } catch (e) {
    showStatus(`De regels konden niet worden geladen: ${e.message}`, true);
    throw e;
  }
  map = makeMap($("map"), demo.manifest);
  drawLayers(map, demo.manifest, demo.collections);
  layers = {
    selected: L.layerGroup().addTo(map),
    plan: L.layerGroup().addTo(map),
    violations: L.layerGroup().addTo(map),
    marker: L.layerGroup().addTo(map),
  };
  setupTiles();
  setupParcelSelect();
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
  setupSessions({
    state,
    showStatus,
    rulesetInfo,
    showPoint: (point) => {
      map.setView(toLatLng([point.x, point.y]), Math.max(map.getZoom(), 15));
      onMapClick(point);
    },
    startActivity,
    practiceBox: () => $("practice"),
  });
  renderStip();
  renderPractice();
  // For tests and the performance script: the map in RD metres.
  window.demo = {
    map,
    state,
    engine: demo.engine,
    view: (x, y, zoom) => map.setView(toLatLng([x, y]), zoom ?? map.getZoom(), { animate: false }),
    toContainer: (x, y) => map.latLngToContainerPoint(toLatLng([x, y])),
  };
  restoreFromHash(location.hash);
  document.body.dataset.ready = "true";
}

function showStatus(text, error = false) {
  const s = $("status");
  s.textContent = text;
  s.classList.toggle("error", error);
}

function setupTiles() {
  const tiles = demo.manifest.tiles;
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
  const parcels = demo.collections.parcels?.features ?? [];
  const named = parcels
    .map((f) => ({ f, name: f.properties?.kadastraleAanduiding ?? String(f.id) }))
    .sort((a, b) => a.name.localeCompare(b.name, "nl", { numeric: true }));
  for (const { f, name } of named) select.append(h("option", { value: String(f.id) }, name));
  select.addEventListener("change", () => {
    const f = parcels.find((p) => String(p.id) === select.value);
    if (!f) return;
    const [x, y] = f.properties?.plaatscoordinaten ?? centroid(f.geometry);
    map.setView(toLatLng([x, y]), Math.max(map.getZoom(), 15));
    onMapClick({ x, y });
  });
}

function centroid(g) {
  const ring = g.type === "Polygon" ? g.coordinates[0] : g.coordinates[0][0];
  const n = ring.length - 1;
  return [ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n, ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n];
}

// ------------------------------------------------------------------ Stip op de kaart

function onMapClick(point) {
  const t0 = performance.now();
  if (state.drawing) {
    addVertex([point.x, point.y]);
    return;
  }
  state.point = point;
  try {
    state.hits = demo.engine.at(point);
    state.parcel = demo.engine.featuresAt("parcels", point)[0] ?? null;
  } catch (e) {
    showStatus(`Deze plek kan niet worden bekeken: ${e.message}`, true);
    return;
  }
  // Engine part alone (rules and parcel at the point), beside the click-to-paint time below.
  performance.measure("stip-op-de-kaart-engine", { start: t0 });
  layers.marker.clearLayers();
  L.marker(toLatLng([point.x, point.y]), {
    icon: L.divIcon({ className: "click-marker", iconSize: [16, 16] }),
    keyboard: false,
    interactive: false,
  }).addTo(layers.marker);
  drawSelectedParcel();
  // A running check follows the parcel the resident points at (the map answers `parcel`).
  if (state.session && state.parcel && hasInput("parcel")) {
    const current = state.session.answers().parcel;
    if (!current || JSON.stringify(current) !== JSON.stringify(state.parcel.geometry)) answer("parcel", state.parcel.geometry, false);
  }
  renderStip();
  afterPaint(() => performance.measure("stip-op-de-kaart", { start: t0 }));
}

function drawSelectedParcel() {
  layers.selected.clearLayers();
  if (!state.parcel) return;
  L.geoJSON(state.parcel.geometry, {
    interactive: false,
    style: { className: "map-selected" },
    coordsToLatLng: (c) => toLatLng(c),
  }).addTo(layers.selected);
}

function rulesetInfo(id) {
  return demo.rulesets.find((r) => r.id === id);
}

function renderStip() {
  const box = clear($("stip"));
  const section = h("section", { "aria-labelledby": "stip-title" }, h("h2", { id: "stip-title" }, "Wat geldt hier?"));
  box.append(section);
  if (!state.point) {
    section.append(h("p", {}, "Klik op de kaart op uw huis of perceel. U ziet dan welke regels daar gelden en wat u kunt controleren."));
    return;
  }
  const p = state.parcel;
  const where = p
    ? `Perceel ${p.properties.kadastraleAanduiding ?? p.id}` +
      (p.properties.kadastraleGrootteWaarde ? ` · ${fmtNumber(p.properties.kadastraleGrootteWaarde)} m²` : "")
    : "Geen perceel op deze plek";
  section.append(h("p", { class: "where", "data-testid": "where" }, where, h("br"), h("span", { class: "muted" }, `Punt: x ${fmtNumber(state.point.x)}, y ${fmtNumber(state.point.y)} (RD)`)));

  const groups = new Map();
  for (const hit of state.hits) {
    const key = hit.authority ?? hit.ruleset;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(hit);
  }
  if (groups.size === 0) section.append(h("p", {}, "Op deze plek gelden geen regels uit de kaartlagen. De regels voor bouwen op uw perceel kunt u hieronder controleren."));
  for (const [authority, hits] of groups) {
    const list = h("ul", { class: "hits" });
    for (const hit of hits) {
      const info = demo.rulesets.find((r) => r.name === hit.ruleset);
      const layerDecl = info?.layers.find((l) => l.name === hit.layer);
      list.append(
        h(
          "li",
          { "data-testid": "hit" },
          h(
            "details",
            {},
            h("summary", {}, h("span", { class: "title" }, hit.title), ": ", hit.text),
            h(
              "div",
              { class: "details" },
              hit.intent ? h("p", { class: "intent" }, h("strong", {}, "Waarom deze regel? "), hit.intent) : null,
              h(
                "dl",
                { class: "facts" },
                hit.ref ? [h("dt", {}, "Regel"), h("dd", {}, hit.ref)] : null,
                [h("dt", {}, "Regelset"), h("dd", {}, hit.ruleset)],
                info?.source ? [h("dt", {}, "Bron"), h("dd", {}, info.source)] : null,
                info?.valid_from ? [h("dt", {}, "Geldig"), h("dd", {}, `vanaf ${info.valid_from}${info.valid_until ? ` tot en met ${info.valid_until}` : ""}`)] : null,
                [h("dt", {}, "Kaartlaag"), h("dd", {}, layerDecl?.label ?? hit.layer)],
                [h("dt", {}, "Object"), h("dd", {}, hit.feature)],
                hit.distance > 0 ? [h("dt", {}, "Afstand"), h("dd", {}, `${fmtNumber(hit.distance)} m`)] : null,
              ),
            ),
          ),
        ),
      );
    }
    section.append(h("h3", { class: "authority" }, authority), list);
  }

  const activities = demo.rulesets.filter((r) => r.decisions.length > 0);
  if (activities.length) {
    const list = h("div", { class: "activities" });
    for (const r of activities) {
      list.append(
        h(
          "button",
          { type: "button", class: "secondary", "data-ruleset": r.id, onclick: () => startActivity(r.id) },
          `${r.activity ?? r.name}: wat moet ik doen?`,
          activities.filter((o) => (o.activity ?? o.name) === (r.activity ?? r.name)).length > 1 ? h("span", { class: "muted" }, ` (${r.authority ?? r.name})`) : null,
        ),
      );
    }
    section.append(h("h3", {}, "Wat wilt u hier doen?"), list);
  }
}

// ------------------------------------------------------------------ Toepasbare regels

function hasInput(name) {
  return rulesetInfo(state.rulesetId)?.inputs.some((i) => i.name === name);
}

function startActivity(id, saved = null) {
  state.session?.free();
  state.rulesetId = id;
  state.editing = null;
  state.history = [];
  state.error = null;
  state.plan = saved?.plan ?? [];
  state.drawing = false;
  const info = rulesetInfo(id);
  const answers = {};
  if (state.parcel && info.inputs.some((i) => i.name === "parcel")) answers.parcel = state.parcel.geometry;
  try {
    state.session = demo.engine.start(id, { date: saved?.date ?? today(), answers });
    for (const [name, value] of Object.entries(saved?.answers ?? {})) {
      state.session.answer(name, value);
      state.history.push(name);
    }
    if (state.plan.length >= 3) state.session.check(planGeometry());
  } catch (e) {
    state.error = e.message;
  }
  drawPlan();
  refresh();
  $("check").querySelector("h2")?.focus();
}

/** Give an answer; a refused one is shown next to the question. */
function answer(name, value, fromForm = true) {
  try {
    state.session.answer(name, value);
    state.error = null;
    state.history = state.history.filter((n) => n !== name);
    if (value !== null) state.history.push(name);
    if (fromForm) state.editing = null;
  } catch (e) {
    state.error = dutchError(e, name);
  }
  refresh();
}

function dutchError(e, name) {
  const input = rulesetInfo(state.rulesetId)?.inputs.find((i) => i.name === name);
  if (/outside the allowed range/.test(e.message) && input?.range_text) {
    return `Vul een waarde in tussen ${input.range_text[0]} en ${input.range_text[1]}.`;
  }
  if (/not a number|unknown unit|expected/.test(e.message)) return `Vul een getal in${input?.unit ? ` in ${unitText(input.unit)}` : ""}, bijvoorbeeld 2,5.`;
  if (/geometry/.test(e.message)) return `De tekening klopt niet: ${e.message}`;
  return `Dit antwoord kan niet worden gebruikt (${e.message}).`;
}

function refresh() {
  if (!state.session) return;
  evaluateSession();
  renderSession();
}

/** The engine part of a refresh: the outcome (with trace) and the answers that no longer matter. */
function evaluateSession() {
  try {
    state.outcome = state.session.outcome();
    state.irrelevant = state.session.irrelevant();
  } catch (e) {
    state.outcome = null;
    state.error = e.message;
  }
}

function renderSession() {
  renderCheck();
  drawViolations();
  renderPractice();
}

function renderCheck() {
  const box = clear($("check"));
  if (!state.session) return;
  const info = rulesetInfo(state.rulesetId);
  const section = h(
    "section",
    { "aria-labelledby": "check-title" },
    h("h2", { id: "check-title", tabindex: "-1" }, info.activity ?? info.name),
    h("p", { class: "muted" }, `${info.name}. ${info.authority ?? ""}`),
  );
  box.append(section);
  const outcome = state.outcome;
  if (!outcome) {
    section.append(h("p", { class: "error-text", role: "alert" }, state.error ?? "Er ging iets mis."));
    return;
  }
  const needed = outcome.needed;
  const irrelevant = new Set(state.irrelevant ?? []);
  const answers = state.session.answers();

  // What the map answered (correctable).
  const mapInputs = info.inputs.filter((i) => i.kind === "input");
  if (mapInputs.length) {
    const list = h("div", {});
    for (const input of mapInputs) list.append(mapInputLine(input, answers));
    section.append(h("h3", {}, "Uit de kaart"), list);
  }

  // One question at a time: the one being changed, or the next one needed.
  const editing = state.editing && info.inputs.find((i) => i.name === state.editing);
  const next = editing ?? (needed[0] ? info.inputs.find((i) => i.name === needed[0].input) : null);
  if (next && next.kind === "question") section.append(questionCard(next, answers[next.name], Boolean(editing)));
  else if (next) section.append(inputCard(next));
  else if (state.error) section.append(h("p", { class: "error-text", role: "alert" }, state.error));

  // Answers given that still matter; the ones that no longer matter disappear.
  const given = info.inputs.filter((i) => i.kind === "question" && i.name in answers);
  const shown = given.filter((i) => !irrelevant.has(i.name));
  if (shown.length) {
    const list = h("ul", { class: "plain answers" });
    for (const q of shown) {
      list.append(
        h(
          "li",
          { "data-question": q.name },
          h("span", {}, h("span", { class: "q" }, q.label), h("br"), h("span", { class: "a" }, answerText(q, answers[q.name]))),
          h("button", { type: "button", class: "link", onclick: () => edit(q.name), "aria-label": `Wijzig: ${q.label}` }, "Wijzig"),
        ),
      );
    }
    section.append(h("h3", {}, "Uw antwoorden"), list);
    if (state.history.length && !editing) {
      const last = [...state.history].reverse().find((n) => shown.some((q) => q.name === n));
      if (last) section.append(h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", onclick: () => edit(last) }, "Vorige vraag")));
    }
  }
  const hidden = given.filter((i) => irrelevant.has(i.name));
  if (hidden.length) {
    section.append(
      h("p", { class: "muted", "data-testid": "not-needed" }, `${hidden.length} antwoord${hidden.length === 1 ? " doet" : "en doen"} nu niet meer mee: ${hidden.map((q) => q.label).join(" ")}`),
    );
  }

  renderConclusion(section, outcome);
  renderChecks(section, outcome);
}

function mapInputLine(input, answers) {
  const value = answers[input.name];
  if (input.name === "parcel") {
    const text = value && state.parcel ? `Perceel ${state.parcel.properties.kadastraleAanduiding ?? state.parcel.id}` : "Nog geen perceel gekozen";
    return h(
      "p",
      { class: "from-map", "data-input": "parcel" },
      h("span", { class: "badge" }, "kaart"),
      `${input.label}: ${text}. `,
      h("span", { class: "muted" }, "Klik op de kaart op een ander perceel om dit te veranderen."),
    );
  }
  if (input.type === "area") {
    const text = state.plan.length >= 3 ? `getekend, ${fmtNumber(polygonArea(state.plan))} m²` : "nog niet getekend";
    return h(
      "div",
      { class: "from-map", "data-input": input.name },
      h("p", { style: "margin:0" }, h("span", { class: "badge" }, "tekening"), `${input.label}: ${text}.`),
      planTools(input),
    );
  }
  return h("p", { class: "from-map" }, h("span", { class: "badge" }, "kaart"), `${input.label}: ${value === undefined ? "nog niet bekend" : "bekend"}`);
}

function inputCard(input) {
  if (input.name === "parcel") {
    return h("div", { class: "card", "data-testid": "question", "data-input": input.name }, h("p", { class: "question" }, input.label), h("p", { class: "help" }, input.help ?? "Klik op de kaart op uw perceel, of kies het perceel in de lijst onder de kaart."));
  }
  return h(
    "div",
    { class: "card", "data-testid": "question", "data-input": input.name },
    h("p", { class: "question" }, input.label),
    h("p", { class: "help" }, input.help ?? "Teken het op de kaart."),
    h("p", {}, "Gebruik de knoppen hierboven bij 'Uit de kaart' om te tekenen."),
  );
}

function questionCard(q, current, editing) {
  const id = `q-${q.name}`;
  const errorId = `${id}-error`;
  const form = h("form", { class: "card", "data-testid": "question", "data-input": q.name, novalidate: true });
  const fieldset = h("fieldset", { "aria-describedby": state.error ? errorId : null });
  const legend = h("legend", {}, q.label);
  fieldset.append(legend);
  if (q.help) fieldset.append(h("p", { class: "help" }, q.help));
  let read;
  const choices = q.type === "bool" ? [["ja", true], ["nee", false]] : q.type === "location" ? [["ja", "ja"], ["nee", "nee"], ["deels", "deels"]] : q.options?.map((o) => [o, o]);
  if (choices) {
    choices.forEach(([label, value], i) => {
      const rid = `${id}-${i}`;
      const checked = current !== undefined && (current === value || (q.type === "bool" && current === (value ? "ja" : "nee")));
      fieldset.append(h("div", { class: "choice" }, h("input", { type: "radio", name: id, id: rid, value: String(i), checked }), h("label", { for: rid }, capital(label))));
    });
    read = () => {
      const picked = form.querySelector(`input[name="${id}"]:checked`);
      return picked ? choices[Number(picked.value)][1] : undefined;
    };
  } else {
    const numeric = q.unit || q.type === "number";
    const shown = typeof current === "string" ? current.replace(/\s*[a-z%²]+$/i, "") : current ?? "";
    const input = h("input", { type: "text", id, name: q.name, value: String(shown), inputmode: numeric ? "decimal" : null, autocomplete: "off", "aria-describedby": q.range_text ? `${id}-range` : null });
    fieldset.append(h("label", { for: id, class: "muted" }, numeric ? `Antwoord in ${unitText(q.unit)}` : "Antwoord"));
    fieldset.append(h("div", { class: "quantity" }, input, q.unit ? h("span", {}, unitText(q.unit)) : null));
    if (q.range_text) fieldset.append(h("p", { class: "muted", id: `${id}-range` }, `Tussen ${q.range_text[0]} en ${q.range_text[1]}.`));
    read = () => {
      const raw = input.value.trim();
      if (!raw) return undefined;
      return q.unit && /^[-+]?[\d.,]+$/.test(raw) ? `${raw} ${q.unit}` : raw;
    };
  }
  if (q.intent) fieldset.append(h("details", {}, h("summary", {}, "Waarom vragen we dit?"), h("p", {}, q.intent)));
  form.append(fieldset);
  if (state.error) form.append(h("p", { class: "error-text", id: errorId, role: "alert" }, state.error));
  form.append(
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, editing ? "Bewaar" : "Volgende"),
      editing ? h("button", { type: "button", class: "secondary", onclick: () => { state.editing = null; state.error = null; refresh(); } }, "Annuleren") : null,
    ),
  );
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const value = read();
    if (value === undefined) {
      state.error = "Kies of vul eerst een antwoord in.";
      renderCheck();
      return;
    }
    answer(q.name, value);
    afterPaint(() => document.querySelector("[data-testid=question] input, [data-testid=question] legend, .conclusion")?.focus?.());
  });
  return form;
}

function edit(name) {
  state.editing = name;
  state.error = null;
  renderCheck();
  document.querySelector(`[data-testid=question] input`)?.focus();
}

function renderConclusion(section, outcome) {
  const [main, ...rest] = outcome.decisions;
  if (!main) return;
  if (main.status !== "decided") {
    section.append(h("p", { class: "muted", "data-testid": "progress" }, `Nog ${outcome.needed.length} ${outcome.needed.length === 1 ? "vraag" : "vragen"} tot de conclusie.`));
    return;
  }
  const [verdict, kind] = CONCLUSIONS[main.outcome] ?? [main.display ?? String(main.outcome), "info"];
  const box = h(
    "div",
    { class: `conclusion ${kind}`, "data-testid": "conclusion", "data-outcome": String(main.outcome), tabindex: "-1" },
    h("p", { class: "verdict" }, verdict),
    h("p", {}, h("strong", {}, `${main.name}: `), main.display ?? String(main.outcome)),
    main.because ? h("p", {}, h("strong", {}, "Waarom? "), main.because) : null,
    main.ref ? h("p", { class: "muted" }, `Regel: ${main.ref}`) : null,
  );
  const steps = rest.filter((d) => d.status === "decided" && typeof d.outcome === "string" && !(d.outcome in CONCLUSIONS));
  if (steps.length) box.append(h("h3", {}, "Wat moet u nu doen?"), ...steps.map((d) => h("p", { "data-testid": "next-step" }, d.display ?? d.outcome)));
  if (main.trace?.length) {
    box.append(
      h(
        "details",
        {},
        h("summary", {}, "Hoe komen we hierop?"),
        h(
          "ol",
          { class: "trace" },
          main.trace.map((s) =>
            h(
              "li",
              {},
              h("code", {}, s.step),
              ` — ${{ true: "klopt", false: "klopt niet", unknown: "nog onbekend" }[s.result] ?? s.result}`,
              s.values ? h("span", { class: "muted" }, ` (${Object.entries(s.values).map(([k, v]) => `${k} = ${v}`).join(", ")})`) : null,
            ),
          ),
        ),
      ),
    );
  }
  section.append(box);
}

function renderChecks(section, outcome) {
  if (!outcome.checks.length) return;
  const list = h("ul", { class: "plain checks", "data-testid": "checks" });
  for (const c of outcome.checks) {
    const verdict = { pass: "Past", fail: "Past niet", unknown: "Nog onbekend" }[c.status];
    list.append(
      h(
        "li",
        { "data-status": c.status, "data-check": c.name },
        h("span", { class: "verdict" }, verdict),
        h("span", { class: "name" }, c.name),
        c.measured ? h("div", { class: "measure" }, `Gemeten: ${c.measured} · toegestaan: ${limitText(c.limit)}`) : null,
        c.status === "fail" && c.because ? h("div", {}, c.because) : null,
        c.status === "fail" && c.geometry ? h("div", { class: "muted" }, "Het deel dat niet past is rood op de kaart.") : null,
      ),
    );
  }
  section.append(h("h3", {}, "Binnen de lijntjes"), list);
}

// ------------------------------------------------------------------ Binnen de lijntjes

function planTools(input) {
  const heightQ = rulesetInfo(state.rulesetId)?.inputs.find((i) => i.name === "height" && i.kind === "question");
  const tools = h("div", {});
  tools.append(
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", onclick: toggleDrawing, "aria-pressed": String(state.drawing), "data-action": "draw" }, state.drawing ? "Klaar met tekenen" : state.plan.length ? "Opnieuw tekenen" : "Teken op de kaart"),
      h("button", { type: "button", class: "secondary", onclick: placeRectangle, "data-action": "rectangle" }, "Zet een rechthoek van 4 × 3 m neer"),
      state.plan.length ? h("button", { type: "button", class: "secondary", onclick: clearPlan, "data-action": "clear" }, "Wis tekening") : null,
    ),
  );
  if (state.drawing) {
    tools.append(h("p", { class: "draw-help" }, `Klik op de kaart om hoeken te zetten (${state.plan.length} gezet). Klik daarna op 'Klaar met tekenen'. Sleep een hoek om hem te verplaatsen.`));
  }
  if (state.plan.length >= 3) {
    const nudge = (dx, dy, label) => h("button", { type: "button", class: "secondary", onclick: () => movePlan(dx, dy), "aria-label": label }, { "0,1": "↑", "0,-1": "↓", "-1,0": "←", "1,0": "→" }[`${Math.sign(dx)},${Math.sign(dy)}`]);
    tools.append(
      h("p", { class: "muted", style: "margin:.25rem 0" }, "Schuif de tekening 50 cm:"),
      h("div", { class: "nudge" }, h("span"), nudge(0, 0.5, "Schuif naar boven"), h("span"), nudge(-0.5, 0, "Schuif naar links"), h("span"), nudge(0.5, 0, "Schuif naar rechts"), h("span"), nudge(0, -0.5, "Schuif naar beneden"), h("span")),
    );
  }
  if (heightQ) {
    const id = "plan-height";
    const answers = state.session.answers();
    const current = typeof answers.height === "string" ? answers.height.replace(/\s*m$/, "") : answers.height ?? "";
    const field = h("input", { type: "text", inputmode: "decimal", id, value: String(current), autocomplete: "off" });
    field.addEventListener("change", () => {
      const raw = field.value.trim();
      answer("height", raw ? `${raw} m` : null, false);
    });
    tools.append(h("div", { class: "quantity", style: "margin-top:.5rem" }, h("label", { for: id }, `${heightQ.label}`), field, h("span", {}, "meter")));
  }
  return tools;
}

function toggleDrawing() {
  if (!state.drawing) {
    state.plan = [];
    state.drawing = true;
    setPlan();
  } else {
    state.drawing = false;
    setPlan();
  }
}

function placeRectangle() {
  const [x, y] = state.parcel?.properties?.plaatscoordinaten ?? (state.point ? [state.point.x, state.point.y] : [demo.manifest.start.x, demo.manifest.start.y]);
  const x0 = Math.round(x * 10) / 10 - 2;
  const y0 = Math.round(y * 10) / 10 - 1.5;
  state.plan = [[x0, y0], [x0 + 4, y0], [x0 + 4, y0 + 3], [x0, y0 + 3]];
  state.drawing = false;
  setPlan();
}

function clearPlan() {
  state.plan = [];
  state.drawing = false;
  setPlan();
}

function movePlan(dx, dy) {
  state.plan = state.plan.map(([x, y]) => [round(x + dx), round(y + dy)]);
  setPlan();
}

function addVertex(p) {
  state.plan.push(p);
  setPlan();
}

function planGeometry() {
  if (state.plan.length < 3) return null;
  return { type: "Polygon", coordinates: [[...state.plan, state.plan[0]]] };
}

/** The plan changed: redraw it and check it again. */
function setPlan(t0 = performance.now()) {
  drawPlan();
  liveCheck(t0);
}

let planShape = null;
function drawPlan() {
  layers.plan.clearLayers();
  planShape = null;
  if (!state.plan.length) return;
  const latlngs = state.plan.map(toLatLng);
  planShape = (state.plan.length >= 3 ? L.polygon(latlngs, { className: "map-plan", interactive: false }) : L.polyline(latlngs, { className: "map-plan", interactive: false })).addTo(layers.plan);
  state.plan.forEach((p, i) => {
    const vertex = L.marker(toLatLng(p), {
      draggable: true,
      keyboard: true,
      title: `Hoek ${i + 1}`,
      alt: `Hoek ${i + 1} van de tekening`,
      icon: L.divIcon({ className: "vertex", iconSize: [16, 16] }),
    }).addTo(layers.plan);
    vertex.getElement()?.setAttribute("data-vertex", String(i));
    let pending = null;
    vertex.on("drag", (e) => {
      const t0 = pending ?? performance.now();
      const q = toRd(e.latlng);
      state.plan[i] = [q.x, q.y];
      planShape.setLatLngs(state.plan.map(toLatLng));
      if (pending !== null) return;
      pending = t0;
      requestAnimationFrame(() => {
        pending = null;
        liveCheck(t0);
      });
    });
    vertex.on("dragend", () => setPlan());
    vertex.on("click", () => {
      if (state.drawing && i === 0 && state.plan.length >= 3) toggleDrawing();
    });
  });
}

/** While dragging: check again and redraw the verdicts, without rebuilding the vertices. */
function liveCheck(t0) {
  if (!state.session) return;
  const engineStart = performance.now();
  try {
    state.session.check(planGeometry());
    state.error = null;
  } catch (e) {
    state.error = dutchError(e, "plan");
  }
  evaluateSession();
  // Engine part alone (check + outcome), beside the edit-to-paint time below.
  performance.measure("plan-check-engine", { start: engineStart });
  renderSession();
  afterPaint(() => performance.measure("plan-check", { start: t0 }));
}

function drawViolations() {
  layers.violations.clearLayers();
  for (const c of state.outcome?.checks ?? []) {
    if (c.status !== "fail" || !c.geometry) continue;
    L.geoJSON(c.geometry, { interactive: false, style: { className: "violation" }, coordsToLatLng: (co) => toLatLng(co) }).addTo(layers.violations);
  }
}

// ------------------------------------------------------------------ small helpers

function answerText(q, value) {
  if (q.type === "bool") return value === true || value === "ja" ? "Ja" : "Nee";
  if (typeof value === "string") return capital(value.replace(/(\d)\.(\d)/g, "$1,$2").replace(/m2$/, "m²"));
  return String(value);
}
const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);
const round = (n) => Math.round(n * 100) / 100;
const unitText = (u) => ({ m: "meter", m2: "m²", m3: "m³", deg: "graden", "%": "procent" })[u] ?? u ?? "";
function fmtNumber(n) {
  return Number(n).toLocaleString("nl-NL", { maximumFractionDigits: 2 });
}
function polygonArea(ring) {
  let a = 0;
  for (let i = 0; i < ring.length; i++) {
    const [x1, y1] = ring[i];
    const [x2, y2] = ring[(i + 1) % ring.length];
    a += x1 * y2 - x2 * y1;
  }
  return Math.abs(a / 2);
}

main();

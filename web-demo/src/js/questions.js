// Toepasbare regels: an activity walked one question at a time. What the map answers (the
// parcel, and derived inputs such as the main building) is shown as "van de kaart" with a way to
// correct it; a geometry input that is asked gets its drawing tools (drawing.js); the conclusion
// comes with the reason, the next step and the checks of Binnen de lijntjes.
/* global L */
import { h, clear, patch, on, today, afterPaint, keepFocus } from "./dom.js";
import { toLatLng } from "./rd.js";
import { state, ctx, $, rulesetInfo, inputInfo, fmtNumber, capital, unitText, polygonArea, showStatus } from "./state.js";
import { toolsFor, shapeText, submit, drawShapes, geometryOf, pickLayer, drawingError } from "./drawing.js";
import { renderConclusion, renderChecks } from "./outcome.js";
import { exampleOf } from "./place.js";
import { termHelp } from "./terms.js";
import { isPhone } from "./sheet.js";

/** Set by app.js: what else to redraw after the check panel (the save buttons). */
export const hooks = { afterRender: () => {} };

function hasInput(name) {
  return rulesetInfo(state.rulesetId)?.inputs.some((i) => i.name === name);
}

function ringOf(g) {
  if (g?.type === "Polygon") return g.coordinates[0].slice(0, -1);
  if (g?.type === "LineString") return g.coordinates;
  if (g?.type === "Point") return [g.coordinates];
  return null;
}

/** Start an activity (a ruleset id) on the chosen place, or reopen a saved session. */
export function startActivity(id, saved = null) {
  state.session?.free();
  state.session = null;
  state.rulesetId = id;
  // A saved session of an example municipality reopens with that municipality chosen.
  if (exampleOf(id) && state.example !== exampleOf(id)) {
    state.example = exampleOf(id);
    if ($("example-select")) $("example-select").value = state.example;
  }
  state.editing = null;
  state.history = [];
  state.error = null;
  state.drawError = null;
  state.drawing = null;
  state.picking = null;
  state.shapes = {};
  if (saved?.plan?.length) state.shapes.plan = saved.plan;
  const answers = {};
  if (state.parcel && hasInput("parcel")) answers.parcel = state.parcel.geometry;
  // Saved answers the rules (perhaps changed since) no longer take: left out and reported.
  const dropped = [];
  try {
    state.session = ctx.demo.engine.start(id, { date: saved?.date ?? today(), answers });
    for (const [name, value] of Object.entries(saved?.answers ?? {})) {
      const input = inputInfo(name);
      if (!input) {
        dropped.push({ name, label: `een vraag die niet meer wordt gesteld (${name.replace(/_/g, " ")})` });
        continue;
      }
      try {
        state.session.answer(name, value);
      } catch {
        dropped.push({ name, label: input.label });
        continue;
      }
      if (input.kind === "input" && ringOf(value)) state.shapes[name] = ringOf(value);
      else state.history.push(name);
    }
  } catch (e) {
    console.warn(e);
    state.error = "Deze controle kan hier niet worden gestart. Kies een ander perceel, of begin opnieuw.";
  }
  if (state.session && geometryOf("plan")) submit("plan");
  else refresh();
  drawShapes();
  // Focus to the check; brought into view after the caller has folded the activity list above it
  // (scrolling at once would scroll to where the heading was before the fold); on a phone to the
  // top of the sheet.
  const title = $("check").querySelector("h2");
  title?.focus({ preventScroll: true });
  afterPaint(() => {
    if (!title?.isConnected) return;
    title.scrollIntoView({ block: isPhone() ? "start" : "nearest" });
    // (A reopened session lists its answers first: the question to answer must show too.)
    if (isPhone()) document.querySelector("#check [data-testid=question], #check .conclusion")?.scrollIntoView({ block: "nearest" });
  });
  return dropped;
}

/** Close the running activity (another example municipality was chosen). */
export function stopActivity() {
  state.session?.free();
  state.session = null;
  state.rulesetId = null;
  state.outcome = null;
  state.shapes = {};
  state.drawing = null;
  state.picking = null;
  clear($("check"));
  drawShapes();
  drawViolations();
  hooks.afterRender();
}

/** Give an answer; a refused one is shown next to the question. */
export function answer(name, value, fromForm = true) {
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
  const input = inputInfo(name);
  if (/outside the allowed range/.test(e.message) && input?.range_text) {
    return `Vul een waarde in tussen ${input.range_text[0]} en ${input.range_text[1]}.`;
  }
  if (/geometry/.test(e.message)) return drawingError(e);
  if (/not a number|unknown unit|expected/.test(e.message)) return `Vul een getal in${input?.unit ? ` in ${unitText(input.unit)}` : ""}, bijvoorbeeld 2,5.`;
  return "Dit antwoord kan niet worden gebruikt. Probeer een ander antwoord.";
}

export function refresh() {
  if (!state.session) return;
  evaluateSession();
  renderSession();
}

/**
 * The engine part of a refresh: the outcome with trace (`outcome` when the caller has just
 * evaluated it) and the answers that no longer matter.
 */
export function evaluateSession(outcome = null) {
  try {
    state.outcome = outcome ?? state.session.outcome();
    state.irrelevant = state.session.irrelevant();
  } catch (e) {
    state.outcome = null;
    state.error = "Deze controle kan nu niet worden uitgevoerd. Probeer een andere tekening of een ander antwoord.";
    console.warn(e);
  }
}

let derivedShown = "";
export function renderSession() {
  renderCheck();
  drawViolations();
  // The map's own answers (dashed) change with the parcel, not while a plan is dragged.
  const derived = JSON.stringify(state.outcome?.derived ?? []);
  if (derived !== derivedShown) {
    derivedShown = derived;
    drawShapes();
  }
  hooks.afterRender();
}

// The panel is built anew and patched in (dom.js: only what changed is touched).
function renderCheck() {
  const restoreFocus = keepFocus($("check"));
  const box = h("div");
  if (!state.session) {
    patch($("check"), box);
    return;
  }
  buildCheck(box);
  patch($("check"), box);
  restoreFocus($("check-title"));
  sayNewError();
}

function buildCheck(box) {
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
    section.append(h("p", { class: "error-text" }, state.error ?? "Er ging iets mis."));
    return;
  }
  const needed = outcome.needed;
  const irrelevant = new Set(state.irrelevant ?? []);
  const answers = state.session.answers();

  // What the map answered and what was drawn (each correctable).
  const mapInputs = info.inputs.filter((i) => i.kind === "input");
  if (mapInputs.length) {
    const list = h("div", {});
    for (const input of mapInputs) list.append(mapInputLine(input, answers, outcome));
    section.append(h("h3", {}, "Uit de kaart"), list);
  }

  // One question at a time: the one being changed, or the next one needed.
  const editing = state.editing && info.inputs.find((i) => i.name === state.editing);
  const next = editing ?? (needed[0] ? info.inputs.find((i) => i.name === needed[0].input) : null);
  if (next && next.kind === "question") section.append(questionCard(next, answers[next.name], Boolean(editing)));
  else if (next) section.append(inputCard(next, Boolean(editing)));
  else if (state.error) section.append(h("p", { class: "error-text" }, state.error));

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
      // (data-previous: a patch keeps this button only while it goes to the same question.)
      if (last) section.append(h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", "data-action": "previous", "data-previous": last, onclick: () => edit(last) }, "Vorige vraag")));
    }
  }
  const hidden = given.filter((i) => irrelevant.has(i.name));
  if (hidden.length) {
    section.append(
      h("p", { class: "muted", "data-testid": "not-needed" }, `${hidden.length} antwoord${hidden.length === 1 ? " doet" : "en doen"} nu niet meer mee: ${hidden.map((q) => q.label).join(" ")}`),
    );
  }

  renderConclusion(section, outcome, info);
  renderChecks(section, outcome);
  section.append(termHelp(section.textContent));
}

// The panel is redrawn after every step, so its error texts are not live regions (they would be
// read out again each time): a new error is said once, in the status line.
let errorSaid = null;
function sayNewError() {
  const text = state.drawError?.text ?? state.error ?? null;
  if (text && text !== errorSaid) showStatus(text, true);
  else if (!text && errorSaid) showStatus("");
  errorSaid = text;
}

function derivedText(input, value) {
  if (value?.type === "Polygon" || value?.type === "MultiPolygon") {
    const ring = value.type === "Polygon" ? value.coordinates[0] : value.coordinates[0][0];
    const kind = input.from?.startsWith("largest") ? "het grootste gebouw op uw perceel" : "van de kaart";
    return `${kind}, ${fmtNumber(polygonArea(ring.slice(0, -1)))} m²`;
  }
  if (value?.type === "Point") return input.from?.startsWith("nearest") ? "de boom op de kaart die het dichtst bij uw klik staat" : "van de kaart";
  return "van de kaart";
}

function mapInputLine(input, answers, outcome) {
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
  const change = (label) => h("button", { type: "button", class: "link", "data-action": "change", onclick: () => edit(input.name), "aria-label": `${label}: ${input.label}` }, label);
  const derived = outcome.derived?.find((d) => d.input === input.name);
  if (derived && value === undefined) {
    return h(
      "div",
      { class: "from-map", "data-input": input.name, "data-source": "map" },
      h("p", { style: "margin:0" }, h("span", { class: "badge" }, "van de kaart"), `${input.label}: ${derivedText(input, derived.value)}. `, change(pickLayer(input) && input.type === "area" ? "Klopt niet? Kies of teken het zelf" : "Klopt niet? Wijzig")),
    );
  }
  const drawn = (state.shapes[input.name] ?? []).length > 0;
  const line = h(
    "div",
    { class: "from-map", "data-input": input.name, "data-source": drawn ? "drawing" : "none" },
    h(
      "p",
      { style: "margin:0" },
      h("span", { class: "badge" }, drawn ? "tekening" : "nog open"),
      `${input.label}: ${value === undefined && !drawn ? "nog niet bekend" : shapeText(input)}. `,
      drawn ? change("Wijzig tekening") : null,
      drawn && input.from ? h("button", { type: "button", class: "link", "data-action": "use-map", onclick: () => useMap(input.name) }, "Gebruik weer de kaart") : null,
    ),
  );
  if (input.name === "plan" && drawn) line.append(heightField(answers));
  return line;
}

function useMap(name) {
  state.shapes[name] = [];
  state.editing = null;
  submit(name);
  drawShapes();
}

/** The height entered right beside the plan: checks follow while drawing. */
function heightField(answers) {
  const heightQ = rulesetInfo(state.rulesetId)?.inputs.find((i) => i.name === "height" && i.kind === "question");
  if (!heightQ) return null;
  const id = "plan-height";
  const current = typeof answers.height === "string" ? answers.height.replace(/\s*m$/, "") : answers.height ?? "";
  const field = h("input", { type: "text", inputmode: "decimal", id, value: String(current), autocomplete: "off" });
  on(field, "change", () => {
    const raw = field.value.trim();
    answer("height", raw ? `${raw} m` : null, false);
  });
  return h("div", { class: "quantity", style: "margin-top:.5rem" }, h("label", { for: id }, heightQ.label), field, h("span", {}, "meter"));
}

function inputCard(input, editing) {
  if (input.name === "parcel") {
    return h("div", { class: "card", "data-testid": "question", "data-input": input.name }, h("p", { class: "question" }, input.label), h("p", { class: "help" }, input.help ?? "Klik op de kaart op uw perceel, of kies het perceel in de lijst onder de kaart."));
  }
  const ask = { area: "Teken het op de kaart.", line: "Teken de lijn op de kaart.", point: "Klik op de kaart op de plek." }[input.type] ?? "";
  return h(
    "div",
    { class: "card", "data-testid": "question", "data-input": input.name, "data-type": input.type },
    h("p", { class: "question" }, input.label),
    h("p", { class: "help" }, input.help ?? ask),
    ["area", "line", "point"].includes(input.type) ? toolsFor(input) : null,
    editing
      ? h("div", { class: "actions" }, h("button", { type: "button", class: "secondary", "data-action": "done", onclick: () => doneEditing() }, "Klaar"))
      : null,
  );
}

function doneEditing() {
  const name = state.editing;
  state.editing = null;
  state.picking = null;
  if (state.drawing) {
    state.drawing = null;
    submit(name);
    drawShapes();
  } else refresh();
}

function questionCard(q, current, editing) {
  const id = `q-${q.name}`;
  const errorId = `${id}-error`;
  const form = h("form", { class: "card", "data-testid": "question", "data-input": q.name, novalidate: true });
  const fieldset = h("fieldset", { "aria-describedby": state.error ? errorId : null });
  fieldset.append(h("legend", {}, q.label));
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
  if (state.error) form.append(h("p", { class: "error-text", id: errorId }, state.error));
  form.append(
    h(
      "div",
      { class: "actions" },
      h("button", { type: "submit" }, editing ? "Bewaar" : "Volgende"),
      editing
        ? h("button", { type: "button", class: "secondary", onclick: () => { state.editing = null; state.error = null; refresh(); } }, "Annuleren")
        : null,
    ),
  );
  on(form, "submit", (e) => {
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
  document.querySelector(`[data-testid=question] input, [data-testid=question] button`)?.focus();
}

let violationsShown = "";
/** The parts of the plan that do not fit, red on the map; redrawn only when they change. */
function drawViolations() {
  const failing = (state.outcome?.checks ?? []).filter((c) => c.status === "fail" && c.geometry);
  const key = JSON.stringify(failing.map((c) => c.geometry));
  if (key === violationsShown) return;
  violationsShown = key;
  ctx.layers.violations.clearLayers();
  for (const c of failing) {
    L.geoJSON(c.geometry, { interactive: false, style: { className: "violation" }, coordsToLatLng: (co) => toLatLng(co) }).addTo(ctx.layers.violations);
  }
}

function answerText(q, value) {
  if (q.type === "bool") return value === true || value === "ja" ? "Ja" : "Nee";
  if (typeof value === "string") {
    const text = capital(value.replace(/(\d)\.(\d)/g, "$1,$2").replace(/m2$/, "m²"));
    // Under a metre, also in centimetres: "0,9 m (90 cm)".
    const m = /^0,(\d{1,2}) m$/.exec(text);
    return m ? `${text} (${Number(m[1].padEnd(2, "0"))} cm)` : text;
  }
  return String(value);
}

// "Probeer als inwoner": the edited ruleset run through the residents' page (the same widget, in
// a frame) on the place the officer clicked; "Bewaar als voorbeeld" turns that walk into a case of
// the ruleset's example cases; and coverage: the branches of the edited ruleset that no example
// case reaches, listed with a button that puts the cursor on them.
import { h, clear, today } from "./dom.js";

/** Where the residents' page finds the ruleset to try (see data.js). */
export const TRIAL_KEY = "regels-probeer:v1";

let page = null;
let point = null;

/** `page`: what authoring.js shares (demo, doc, text(), setCases, runCases, jumpTo, drawMarks, layerSources). */
export function setupTry(shared) {
  page = shared;
  window.addEventListener("authoring-point", (e) => {
    point = e.detail;
  });
  document.getElementById("try").addEventListener("click", tryAsResident);
  document.getElementById("close-try").addEventListener("click", () => {
    document.getElementById("try-box").hidden = true;
    document.getElementById("try-frame").removeAttribute("src");
    document.getElementById("try").focus();
  });
  document.getElementById("keep-case").addEventListener("click", keepCase);
  document.addEventListener("cases-run", (e) => showCoverage(e.detail));
}

/** A session link (as session.js encodes one): base64url of the JSON. */
function sessionHash(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(s));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function tryAsResident() {
  const status = document.getElementById("try-status");
  const box = document.getElementById("try-box");
  box.hidden = false;
  if (page.doc.diagnostics.some((d) => d.severity === "error")) {
    status.textContent = "Los eerst de fouten op: een inwoner kan regels met fouten niet gebruiken.";
    return;
  }
  if (!point) {
    status.textContent = "Klik eerst op de kaart op een perceel. Daarna kunt u de regels daar proberen.";
    return;
  }
  try {
    localStorage.setItem(TRIAL_KEY, JSON.stringify({ id: page.doc.id, text: page.text() }));
  } catch {
    status.textContent = "De bewerkte regels kunnen niet aan de pagina voor inwoners worden doorgegeven (de opslag van de browser staat uit).";
    return;
  }
  const session = { v: 1, ruleset: page.doc.id, date: today(), point, answers: {}, plan: [] };
  status.textContent = "Hieronder ziet u de pagina voor inwoners met uw bewerkte regels. Beantwoord de vragen tot de conclusie.";
  const frame = document.getElementById("try-frame");
  frame.src = `index.html?probeer=1&t=${Date.now()}#sessie=${sessionHash(session)}`;
  box.scrollIntoView({ block: "nearest" });
}

/** `from` (a folder path) -> `to` (a path from the same root): a relative path. */
function relative(fromDir, to) {
  const a = fromDir ? fromDir.split("/") : [];
  const b = to.split("/");
  while (a.length && b.length > 1 && a[0] === b[0]) {
    a.shift();
    b.shift();
  }
  return [...a.map(() => ".."), ...b].join("/");
}

/** The resident's walk in the frame as a case: answers, drawn geometry, layers, what came out. */
export function walkAsCase(resident, info, sources, rulesetId) {
  const state = resident.state;
  const outcome = state.session.outcome();
  const answers = {};
  const geometry = {};
  for (const [name, value] of Object.entries(state.session.answers())) {
    if (value && typeof value === "object" && typeof value.type === "string") geometry[name] = value;
    else answers[name] = value;
  }
  const dir = rulesetId.includes("/") ? rulesetId.slice(0, rulesetId.lastIndexOf("/")) : "";
  const layers = {};
  for (const l of info.layers) {
    const source = sources[l.name];
    if (source) layers[l.name] = relative(dir, source);
  }
  const expect = {};
  // As `rules test` reads them: an undecided decision is expected to stay "unknown".
  for (const d of outcome.decisions) expect[d.name] = d.status === "decided" ? d.outcome : "unknown";
  if (outcome.checks?.length) expect.checks = Object.fromEntries(outcome.checks.map((c) => [c.name, c.status]));
  const first = outcome.decisions[0];
  const where = state.parcel?.properties?.kadastraleAanduiding ?? (state.point ? `x ${Math.round(state.point.x)}, y ${Math.round(state.point.y)}` : "");
  return {
    name: `proef ${where}: ${first?.display ?? first?.outcome ?? "onbeslist"}`.trim(),
    date: today(),
    answers,
    geometry,
    layers,
    expect,
    note: "Bewaard met 'Bewaar als voorbeeld' op de pagina Regels schrijven.",
  };
}

function keepCase() {
  const status = document.getElementById("try-status");
  const resident = document.getElementById("try-frame").contentWindow?.demo;
  if (!resident?.state?.session) {
    status.textContent = "Er is nog geen wandeling om te bewaren: beantwoord eerst de vragen.";
    return;
  }
  const info = resident.rulesets.find((r) => r.id === page.doc.id);
  if (!info || resident.state.rulesetId !== page.doc.id) {
    status.textContent = "De wandeling hoort niet bij de regels in het tekstvak. Klik opnieuw op 'Probeer als inwoner'.";
    return;
  }
  const c = walkAsCase(resident, info, page.layerSources(), page.doc.id);
  let cases = [];
  try {
    const parsed = page.doc.cases ? JSON.parse(page.doc.cases) : [];
    cases = Array.isArray(parsed) ? parsed : [parsed];
  } catch {
    cases = [];
  }
  cases.push(c);
  page.setCases(JSON.stringify(cases, null, 2) + "\n");
  status.textContent = `Bewaard als voorbeeld "${c.name}". De voorbeelden zijn opnieuw getest: zie onder het tekstvak.`;
  page.runCases();
}

/** The branches of the open ruleset's decisions (its own text): [{line, text}] in order. */
export function branchesOf(text) {
  const out = [];
  let depth = 0;
  let decisionDepth = null;
  text.split("\n").forEach((raw, i) => {
    const line = raw.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/\/\/.*$/, "");
    if (decisionDepth === null && /^\s*decision\b/.test(line)) decisionDepth = depth;
    else if (decisionDepth !== null && /^\s*(when\b|otherwise\b)/.test(line)) out.push({ line: i + 1, text: raw.trim() });
    for (const ch of line) {
      if (ch === "{") depth++;
      else if (ch === "}") {
        depth--;
        if (decisionDepth !== null && depth === decisionDepth) decisionDepth = null;
      }
    }
  });
  return out;
}

/** After the cases ran: the branches no case takes, from each case's trace. */
function showCoverage(results) {
  const box = clear(document.getElementById("coverage"));
  if (!results || !page.doc.cases) return;
  let outcomes;
  try {
    const json = JSON.parse(page.demo.engine.evaluateCases(page.doc.id, page.text(), page.doc.cases, page.load));
    outcomes = Array.isArray(json) ? json : [json];
  } catch {
    return; // a case that cannot run is reported with the cases already
  }
  const taken = new Set();
  for (const o of outcomes) for (const d of o.decisions ?? []) for (const s of d.trace ?? []) if (s.result === "true") taken.add(s.line);
  const unreached = branchesOf(page.text()).filter((b) => !taken.has(b.line));
  page.doc.unreached = unreached.map((b) => b.line);
  page.drawMarks();
  box.append(h("h2", {}, unreached.length ? `Dekking: ${unreached.length} ${unreached.length === 1 ? "tak" : "takken"} zonder voorbeeld` : "Dekking: elk voorbeeld samen bereikt elke tak"));
  if (!unreached.length) return;
  box.append(h("p", {}, "Geen voorbeeld komt bij deze takken. Voeg een voorbeeld toe dat er wel komt (bijvoorbeeld met 'Probeer als inwoner' en 'Bewaar als voorbeeld')."));
  const list = h("ul", { class: "plain coverage" });
  for (const b of unreached) {
    list.append(h("li", { class: "unreached", "data-line": b.line }, h("button", { type: "button", class: "link", onclick: () => page.jumpTo(b.line, 1, b.line, (page.text().split("\n")[b.line - 1] ?? "").length + 1) }, `regel ${b.line}: ${b.text}`)));
  }
  box.append(list);
}

// What a change does where: the edited ruleset against the saved version over every bundled
// parcel (the per-parcel logic of `rules batch`, in the browser for the demo's small area), with
// the parcels whose conclusion changes drawn on the map and listed with the branch that decides.
// And delivery: the edited ruleset exported as an STTR file by the on-demand STTR module.
/* global L */
import { h, clear, today } from "./dom.js";
import { toLatLng } from "./rd.js";
import * as store from "./authoring-store.js";

let page = null;
let changedLayer = null;
let engine = null;

/** Plan put on every parcel, as `rules batch --plan 4x3`: a standard shed in the parcel's middle. */
const PLAN = { width: 4, depth: 3 };

export function setupCompare(shared) {
  page = shared;
  document.getElementById("compare").addEventListener("click", () => compare());
  document.getElementById("export-sttr").addEventListener("click", exportSttr);
}

/** A fresh engine with the map layers and the bundled bases (built once). */
async function compareEngine() {
  engine ??= await page.demo.newEngine((e) => {
    page.demo.loadLayers(e);
    for (const r of page.demo.manifest.rulesets) e.addSource(r.id, r.text);
  });
  return engine;
}

function interiorPoint(f) {
  const given = f.properties?.plaatscoordinaten;
  if (Array.isArray(given) && given.length === 2) return given;
  const ring = f.geometry.type === "Polygon" ? f.geometry.coordinates[0] : f.geometry.coordinates[0][0];
  const n = ring.length - 1;
  return [ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n, ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n];
}

function rectangle([x, y], w, d) {
  const [a, b] = [w / 2, d / 2];
  return { type: "Polygon", coordinates: [[[x - a, y - b], [x + a, y - b], [x + a, y + b], [x - a, y + b], [x - a, y - b]]] };
}

/** The answers every parcel gets: those of the first example case (not its geometry). */
function sharedAnswers() {
  try {
    const parsed = page.doc.cases ? JSON.parse(page.doc.cases) : [];
    const first = Array.isArray(parsed) ? parsed[0] : parsed;
    return { ...(first?.answers ?? {}) };
  } catch {
    return {};
  }
}

/** One parcel's row: conclusion (or "open"), the branch that decided and its line. */
function row(e, id, info, parcel, answers) {
  const given = { ...answers };
  if (info.inputs.some((i) => i.name === "parcel")) given.parcel = parcel.geometry;
  if (info.inputs.some((i) => i.name === "plan" && i.type === "area")) given.plan = rectangle(interiorPoint(parcel), PLAN.width, PLAN.depth);
  for (const name of Object.keys(given)) if (!info.inputs.some((i) => i.name === name)) delete given[name];
  try {
    const session = e.start(id, { date: today(), answers: given });
    const outcome = session.outcome();
    session.free();
    const d = outcome.decisions[0];
    const step = d?.trace?.find((s) => s.result === "true");
    return { conclusion: d?.status === "decided" ? String(d.display ?? d.outcome) : "open", branch: step?.step ?? null, line: step?.line ?? null };
  } catch (err) {
    return { conclusion: "fout", branch: err.message, line: null };
  }
}

/** Compare the editor's text with the saved version over every parcel; returns the changed rows. */
export async function compare() {
  const status = document.getElementById("compare-status");
  const list = clear(document.getElementById("compare-list"));
  changedLayer?.remove();
  if (page.doc.diagnostics.some((d) => d.severity === "error")) {
    status.textContent = "Los eerst de fouten op: dan kunt u vergelijken.";
    return [];
  }
  const e = await compareEngine();
  const id = page.doc.id;
  const savedId = id.replace(/\.rules$/, "") + ".opgeslagen.rules";
  let edited, saved;
  try {
    edited = e.loadRuleset(id, page.text());
    saved = e.loadRuleset(savedId, store.savedText(id, page.doc.original));
  } catch (err) {
    status.textContent = `De opgeslagen versie heeft fouten en kan niet worden vergeleken: ${err.message.split("\n")[0]}`;
    return [];
  }
  if (!edited.inputs.some((i) => i.name === "parcel")) {
    status.textContent = "Deze regels vragen niet om een perceel: er is niets per perceel te vergelijken.";
    return [];
  }
  const answers = sharedAnswers();
  const parcels = page.demo.collections.parcels?.features ?? [];
  const changed = [];
  for (const f of parcels) {
    const before = row(e, savedId, saved, f, answers);
    const after = row(e, id, edited, f, answers);
    if (before.conclusion !== after.conclusion || before.branch !== after.branch) changed.push({ feature: f, before, after });
  }
  e.removeRuleset(savedId);
  const name = (f) => f.properties?.kadastraleAanduiding ?? String(f.id);
  status.textContent =
    `${parcels.length} percelen vergeleken (met een bouwwerk van ${PLAN.width} bij ${PLAN.depth} meter in het midden` +
    `${Object.keys(answers).length ? " en de antwoorden van het eerste voorbeeld" : ""}). ` +
    (changed.length ? `Op ${changed.length} ${changed.length === 1 ? "perceel" : "percelen"} verandert de uitkomst: rood op de kaart.` : "Op geen enkel perceel verandert de uitkomst.");
  changedLayer = L.geoJSON(
    { type: "FeatureCollection", features: changed.map((c) => c.feature) },
    { interactive: false, style: () => ({ className: "map-changed" }), coordsToLatLng: (c) => toLatLng(c) },
  ).addTo(page.map);
  for (const c of changed) {
    const why = c.after.line ? ` (regel ${c.after.line}: ${c.after.branch})` : "";
    list.append(h("li", { "data-testid": "changed-parcel", "data-parcel": name(c.feature) }, `${name(c.feature)}: ${c.before.conclusion} → ${c.after.conclusion}${why}`));
  }
  return changed;
}

/** Export the editor's text as an STTR file (the on-demand module) and offer it as a download. */
async function exportSttr() {
  const status = clear(document.getElementById("export-status"));
  const stem = page.doc.id.split("/").pop().replace(/\.rules$/, "");
  status.append("Het STTR-bestand wordt gemaakt ...");
  try {
    const sttr = await page.sttrModule();
    const result = sttr.exportSttr(`${stem}.rules`, page.text());
    clear(status);
    if (!result.xml && result.diagnostics.some((d) => /\bE019\b/.test(`${d.code} ${d.message}`))) {
      status.append(h("p", {}, "Deze regels bouwen voort op een andere regelset (extends). STTR kent dat niet: exporteer de basisregelset, of schrijf de regels in één bestand."));
      return null;
    }
    if (!result.xml) {
      status.append(h("p", {}, "Er is geen STTR-bestand gemaakt:"), h("ul", {}, result.diagnostics.map((d) => h("li", { "data-code": d.code }, `${d.code}: ${d.message}`))));
      return null;
    }
    store.download(`${stem}.dmn`, result.xml, "application/xml");
    status.append(
      h("p", {}, `${stem}.dmn is gemaakt (in uw map Downloads).` + (result.complete ? " Alle besluiten zitten erin." : " Niet alles kon mee:")),
      result.diagnostics.length ? h("ul", {}, result.diagnostics.map((d) => h("li", { "data-code": d.code }, `${d.code}: ${d.message}`))) : null,
    );
    return result;
  } catch (err) {
    clear(status).append(`Het STTR-bestand kon niet worden gemaakt: ${err.message}`);
    return null;
  }
}

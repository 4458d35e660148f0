// Stip op de kaart: a click chooses a place; the panel lists the rules that apply there (one
// coherent set, see place.js) and the activities that can be checked. Clicking another parcel in
// the middle of a check asks first, before "Uw perceel" changes.
/* global L */
import { h, clear, afterPaint } from "./dom.js";
import { toLatLng } from "./rd.js";
import { state, ctx, $, rulesetInfo, showStatus, fmtNumber } from "./state.js";
import { activities, examples, shownHits, exampleOf } from "./place.js";
import { startActivity, stopActivity, answer } from "./questions.js";

const parcelName = (p) => p.properties?.kadastraleAanduiding ?? String(p.id);

/** A click that chooses a place (not one that draws). */
export function onPlaceClick(point) {
  const t0 = performance.now();
  let hits;
  let parcel;
  try {
    hits = ctx.demo.engine.at(point);
    parcel = ctx.demo.engine.featuresAt("parcels", point)[0] ?? null;
  } catch {
    showStatus("Deze plek kan niet worden bekeken. Klik op een andere plek op de kaart.", true);
    return;
  }
  performance.measure("stip-op-de-kaart-engine", { start: t0 });
  const checking = state.session && rulesetInfo(state.rulesetId)?.inputs.some((i) => i.name === "parcel");
  if (checking && state.parcel && parcel && parcel.id !== state.parcel.id) {
    // Mid-check: ask before the parcel of the check changes.
    state.pendingParcel = { point, parcel, hits };
    renderStip();
    afterPaint(() => document.querySelector("[data-testid=parcel-confirm] button")?.focus());
    return;
  }
  choosePlace(point, parcel, hits);
  afterPaint(() => performance.measure("stip-op-de-kaart", { start: t0 }));
}

function choosePlace(point, parcel, hits) {
  state.pendingParcel = null;
  state.point = point;
  state.hits = hits;
  state.parcel = parcel;
  ctx.layers.marker.clearLayers();
  L.marker(toLatLng([point.x, point.y]), {
    icon: L.divIcon({ className: "click-marker", iconSize: [16, 16] }),
    keyboard: false,
    interactive: false,
  }).addTo(ctx.layers.marker);
  drawSelectedParcel();
  // A running check follows the parcel the resident chose (the map answers `parcel`).
  if (state.session && state.parcel && rulesetInfo(state.rulesetId)?.inputs.some((i) => i.name === "parcel")) {
    const current = state.session.answers().parcel;
    if (!current || JSON.stringify(current) !== JSON.stringify(state.parcel.geometry)) answer("parcel", state.parcel.geometry, false);
  }
  renderStip();
}

function drawSelectedParcel() {
  ctx.layers.selected.clearLayers();
  if (!state.parcel) return;
  L.geoJSON(state.parcel.geometry, { interactive: false, style: { className: "map-selected" }, coordsToLatLng: (c) => toLatLng(c) }).addTo(ctx.layers.selected);
}

/** "Kies een voorbeeldgemeente": the fictional municipalities are chosen, never guessed from the map. */
export function setupExampleSelect() {
  const select = $("example-select");
  if (!select) return;
  for (const e of examples()) select.append(h("option", { value: e.id }, e.label));
  select.addEventListener("change", () => {
    state.example = select.value;
    if (state.rulesetId && exampleOf(state.rulesetId) && exampleOf(state.rulesetId) !== state.example) stopActivity();
    renderStip();
  });
}

export function renderStip() {
  const box = clear($("stip"));
  const section = h("section", { "aria-labelledby": "stip-title" }, h("h2", { id: "stip-title" }, "Wat geldt hier?"));
  box.append(section);
  const example = examples().find((e) => e.id === state.example);
  section.append(
    h(
      "p",
      { class: "muted", "data-testid": "rules-source" },
      example ? `Landelijke regels, en de regels van de ${example.label}: een verzonnen gemeente op de kaart van Otterlo.` : "Landelijke regels (Rijk en bruidsschat). Kies onder de kaart een voorbeeldgemeente om ook gemeentelijke regels te zien.",
    ),
  );
  if (state.pendingParcel) section.append(parcelConfirm());
  if (!state.point) {
    section.append(h("p", {}, "Klik op de kaart op uw huis of perceel. U ziet dan welke regels daar gelden en wat u kunt controleren."));
    return;
  }
  const p = state.parcel;
  const where = p
    ? `Perceel ${parcelName(p)}` + (p.properties.kadastraleGrootteWaarde ? ` · ${fmtNumber(p.properties.kadastraleGrootteWaarde)} m²` : "")
    : "Geen perceel op deze plek";
  section.append(h("p", { class: "where", "data-testid": "where" }, where, h("br"), h("span", { class: "muted" }, `Punt: x ${fmtNumber(state.point.x)}, y ${fmtNumber(state.point.y)} (RD)`)));

  const hits = shownHits(state.hits);
  if (!p && !hits.length) {
    section.append(h("p", { "data-testid": "no-data" }, "Voor deze plek hebben we geen kaartgegevens: er ligt geen perceel en er gelden geen regels uit de kaart. Klik op een perceel in Otterlo."));
    return;
  }
  const groups = new Map();
  for (const hit of hits) {
    const key = hit.authority ?? hit.ruleset;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(hit);
  }
  if (groups.size === 0) section.append(h("p", {}, "Op deze plek gelden geen regels uit de kaartlagen. De regels voor bouwen op uw perceel kunt u hieronder controleren."));
  for (const [authority, list] of groups) {
    const ul = h("ul", { class: "hits" });
    for (const hit of list) ul.append(hitItem(hit));
    section.append(h("h3", { class: "authority" }, authority), ul);
  }

  const offered = activities();
  if (offered.length) {
    const list = h("div", { class: "activities" });
    for (const { activity, ruleset } of offered) {
      list.append(
        h(
          "button",
          { type: "button", class: "secondary", "data-ruleset": ruleset.id, onclick: () => startActivity(ruleset.id) },
          `${activity}: wat moet ik doen?`,
          h("span", { class: "muted" }, ` (${ruleset.authority ?? ruleset.name})`),
        ),
      );
    }
    section.append(h("h3", {}, "Wat wilt u hier doen?"), list);
  }
}

function parcelConfirm() {
  const { parcel, point, hits } = state.pendingParcel;
  return h(
    "div",
    { class: "card", role: "alertdialog", "aria-labelledby": "parcel-confirm-text", "data-testid": "parcel-confirm" },
    h("p", { id: "parcel-confirm-text" }, `U klikte op perceel ${parcelName(parcel)}. Wilt u de controle voortzetten voor dat perceel in plaats van perceel ${parcelName(state.parcel)}? Uw antwoorden blijven staan.`),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", "data-action": "use-parcel", onclick: () => choosePlace(point, parcel, hits) }, `Ja, gebruik perceel ${parcelName(parcel)}`),
      h("button", { type: "button", class: "secondary", "data-action": "keep-parcel", onclick: () => { state.pendingParcel = null; renderStip(); } }, `Nee, blijf bij perceel ${parcelName(state.parcel)}`),
    ),
  );
}

function hitItem(hit) {
  const info = ctx.demo.rulesets.find((r) => r.name === hit.ruleset);
  const layerDecl = info?.layers.find((l) => l.name === hit.layer);
  return h(
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
          [h("dt", {}, "Regelset"), h("dd", {}, [hit.ruleset, ...hit.also].join("; "))],
          info?.source ? [h("dt", {}, "Bron"), h("dd", {}, info.source)] : null,
          info?.valid_from ? [h("dt", {}, "Geldig"), h("dd", {}, `vanaf ${info.valid_from}${info.valid_until ? ` tot en met ${info.valid_until}` : ""}`)] : null,
          [h("dt", {}, "Kaartlaag"), h("dd", {}, layerDecl?.label ?? hit.layer)],
          [h("dt", {}, "Object"), h("dd", {}, hit.feature)],
          hit.distance > 0 ? [h("dt", {}, "Afstand"), h("dd", {}, `${fmtNumber(hit.distance)} m`)] : null,
        ),
      ),
    ),
  );
}

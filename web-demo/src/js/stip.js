// Stip op de kaart: a click chooses a place; the panel lists the rules that apply there (one
// coherent set, see place.js) and the activities that can be checked. Clicking another parcel in
// the middle of a check asks first, before "Uw perceel" changes.
/* global L */
import { h, clear, afterPaint, refLink, keepFocus } from "./dom.js";
import { toLatLng } from "./rd.js";
import { state, ctx, $, rulesetInfo, showStatus, fmtNumber } from "./state.js";
import { activities, examples, shownHits, exampleOf } from "./place.js";
import { startActivity, stopActivity, answer } from "./questions.js";
import { hasWork, forget } from "./session.js";
import { termHelp } from "./terms.js";
import { isPhone, openSheet } from "./sheet.js";


const parcelName = (p) => p.properties?.kadastraleAanduiding ?? String(p.id);

/**
 * A click that chooses a place (not one that draws). opts.announce: say in the status line what
 * was found and, on a phone, scroll to it; opts.label: what the resident searched for;
 * opts.keepFocus: the resident works the map with the keyboard (focus stays there).
 */
export function onPlaceClick(point, opts = {}) {
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
    state.pendingParcel = { point, parcel, hits, label: opts.label && !opts.label.startsWith("Perceel") ? opts.label : null };
    renderStip();
    openSheet();
    afterPaint(() => document.querySelector("[data-testid=parcel-confirm] button")?.focus());
    return;
  }
  // An address found by the search is shown with the parcel (a parcel's own name is not repeated).
  state.placeLabel = opts.label && !opts.label.startsWith("Perceel") ? opts.label : null;
  choosePlace(point, parcel, hits);
  afterPaint(() => performance.measure("stip-op-de-kaart", { start: t0 }));
  if (opts.announce) {
    const n = shownHits(hits).length;
    showStatus(
      parcel
        ? `${opts.label && !opts.label.startsWith("Perceel") ? `${opts.label}: ` : ""}perceel ${parcelName(parcel)} gekozen. ${n === 0 ? "Op de kaart staan hier geen extra regels" : n === 1 ? "Op de kaart staat hier 1 regel" : `Op de kaart staan hier ${n} regels`}; hieronder staat wat u kunt controleren.`
        : "Hier hebben we geen gegevens. Deze demo heeft alleen kaartgegevens van een deel van Otterlo.",
    );
    if (opts.label) afterPaint(() => $("stip-title")?.focus({ preventScroll: isPhone() }));
    if (isPhone() && !opts.keepFocus) {
      openSheet();
      afterPaint(() => $("stip").scrollIntoView({ block: "start" }));
    }
  }
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
    const next = select.value;
    const stops = state.rulesetId && exampleOf(state.rulesetId) && exampleOf(state.rulesetId) !== next;
    if (stops && hasWork()) {
      // Ask first: the running check belongs to the municipality chosen before.
      select.value = state.example;
      state.pendingDiscard = { kind: "example", value: next };
      renderStip();
      afterPaint(() => document.querySelector("[data-testid=discard-confirm] button")?.focus());
      return;
    }
    setExample(next);
  });
}

function setExample(value) {
  state.example = value;
  $("example-select").value = value;
  if (state.rulesetId && exampleOf(state.rulesetId) && exampleOf(state.rulesetId) !== state.example) {
    stopActivity();
    forget();
  }
  renderStip();
}

/** An activity button: starts it, after asking when that would throw away the running check. */
function chooseActivity(id) {
  if (state.session && state.rulesetId !== id && hasWork()) {
    state.pendingDiscard = { kind: "activity", value: id };
    renderStip();
    afterPaint(() => document.querySelector("[data-testid=discard-confirm] button")?.focus());
    return;
  }
  state.pendingDiscard = null;
  startActivity(id);
  renderStip();
}

function discardConfirm() {
  const { kind, value } = state.pendingDiscard;
  const running = rulesetInfo(state.rulesetId);
  const runningName = running?.activity ?? running?.name ?? "uw controle";
  const what =
    kind === "activity"
      ? `U bent bezig met: ${runningName}. Als u nu iets anders controleert, gaan uw antwoorden en tekening verloren.`
      : `U bent bezig met: ${runningName}. Die controle hoort bij de voorbeeldgemeente die u eerst koos. Als u een andere kiest, gaan uw antwoorden en tekening verloren.`;
  const yes = () => {
    state.pendingDiscard = null;
    if (kind === "activity") {
      startActivity(value);
      renderStip();
    } else setExample(value);
  };
  const no = () => {
    state.pendingDiscard = null;
    renderStip();
    $("check-title")?.focus();
  };
  return h(
    "div",
    { class: "card", role: "alertdialog", "aria-labelledby": "discard-text", "data-testid": "discard-confirm" },
    h("p", { id: "discard-text" }, what, " Tip: bewaar ze eerst als bestand (onderaan)."),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", "data-action": "discard", onclick: yes }, "Ja, begin opnieuw"),
      h("button", { type: "button", class: "secondary", "data-action": "keep", onclick: no }, `Nee, ga verder met ${runningName.toLowerCase()}`),
    ),
  );
}

export function renderStip() {
  const restoreFocus = keepFocus($("stip"));
  const box = clear($("stip"));
  renderStipInto(box);
  restoreFocus($("stip-title"));
}

function renderStipInto(box) {
  const section = h("section", { "aria-labelledby": "stip-title" }, h("h2", { id: "stip-title", tabindex: "-1" }, "Wat geldt hier?"));
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
  if (state.pendingDiscard) section.append(discardConfirm());
  if (!state.point) {
    section.append(h("p", {}, "Klik op de kaart op uw huis of perceel. U ziet dan welke regels daar gelden en wat u kunt controleren."));
    return;
  }
  const p = state.parcel;
  const where = p
    ? `Perceel ${parcelName(p)}` + (p.properties.kadastraleGrootteWaarde ? ` · ${fmtNumber(p.properties.kadastraleGrootteWaarde)} m²` : "")
    : "Geen perceel op deze plek";
  section.append(h("p", { class: "where", "data-testid": "where" }, state.placeLabel ? [h("strong", {}, state.placeLabel), h("br")] : null, where));

  const hits = shownHits(state.hits);
  if (!p && !hits.length) {
    section.append(h("p", { "data-testid": "no-data" }, "Hier hebben we geen gegevens: er ligt geen perceel en er gelden geen regels uit de kaart. Deze demo heeft alleen kaartgegevens van een deel van Otterlo. Klik op een perceel binnen dat gebied."));
    return;
  }
  const groups = new Map();
  for (const hit of hits) {
    const key = hit.authority ?? hit.ruleset;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(hit);
  }
  if (groups.size === 0) section.append(h("p", {}, "Op de kaart staan voor deze plek geen extra regels. De regels voor bouwen op uw perceel kunt u hieronder controleren."));
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
          { type: "button", class: "secondary", "data-ruleset": ruleset.id, "aria-current": ruleset.id === state.rulesetId ? "true" : null, onclick: () => chooseActivity(ruleset.id) },
          `${activity}: wat moet ik doen?`,
          h("span", { class: "muted" }, ` (${ruleset.authority ?? ruleset.name})`),
        ),
      );
    }
    // Once an activity is chosen, the list folds away (the check is what matters now).
    if (state.session) section.append(h("details", { class: "more-activities" }, h("summary", {}, "Iets anders controleren"), list));
    else section.append(h("h3", {}, "Wat wilt u hier doen?"), list);
  }
  section.append(termHelp(section.textContent));
  section.append(
    h(
      "details",
      { class: "vakmensen" },
      h("summary", {}, "Voor vakmensen"),
      h("p", { class: "muted" }, `Punt in RD-coördinaten (EPSG:28992): x ${fmtNumber(state.point.x)}, y ${fmtNumber(state.point.y)}.`),
    ),
  );
}

function parcelConfirm() {
  const { parcel, point, hits, label } = state.pendingParcel;
  return h(
    "div",
    { class: "card", role: "alertdialog", "aria-labelledby": "parcel-confirm-text", "data-testid": "parcel-confirm" },
    h("p", { id: "parcel-confirm-text" }, `U klikte op perceel ${parcelName(parcel)}. Wilt u de controle voortzetten voor dat perceel in plaats van perceel ${parcelName(state.parcel)}? Uw antwoorden blijven staan.`),
    h(
      "div",
      { class: "actions" },
      h("button", { type: "button", "data-action": "use-parcel", onclick: () => { state.placeLabel = label; choosePlace(point, parcel, hits); } }, `Ja, gebruik perceel ${parcelName(parcel)}`),
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
          hit.ref ? [h("dt", {}, "Regel"), h("dd", {}, refLink(hit.ref))] : null,
          info?.source ? [h("dt", {}, "Bron"), h("dd", {}, info.source)] : null,
          info?.valid_from ? [h("dt", {}, "Geldig"), h("dd", {}, `vanaf ${info.valid_from}${info.valid_until ? ` tot en met ${info.valid_until}` : ""}`)] : null,
          hit.distance > 0 ? [h("dt", {}, "Afstand"), h("dd", {}, `${fmtNumber(hit.distance)} m`)] : null,
        ),
        h(
          "details",
          { class: "vakmensen" },
          h("summary", {}, "Voor vakmensen"),
          h(
            "dl",
            { class: "facts" },
            [h("dt", {}, "Regelset"), h("dd", {}, [hit.ruleset, ...hit.also].join("; "))],
            [h("dt", {}, "Kaartlaag"), h("dd", {}, layerDecl?.label ?? hit.layer)],
            [h("dt", {}, "Object"), h("dd", {}, hit.feature)],
          ),
        ),
      ),
    ),
  );
}

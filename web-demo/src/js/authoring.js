// The authoring page for permit officers: an editor with the same diagnostics as `rules check`
// (in Dutch, from the WASM checker; `extends` finds the bundled base rulesets and any opened
// folder), a map preview, the example cases, and keeping the work (draft, save, folder, diff).
// Trying the rules as a resident, cases from a walk and coverage: authoring-try.js. Comparing with
// the saved version over the parcels and STTR export: authoring-compare.js.
/* global L */
import { h, clear, afterPaint } from "./dom.js";
import { makeMap, toLatLng, toRd } from "./rd.js";
import { loadDemo, drawLayers } from "./data.js";
import { loadCatalogue, dutch, severityText, docsUrl } from "./authoring-nl.js";
import * as store from "./authoring-store.js";
import { setupTry } from "./authoring-try.js";
import { setupCompare } from "./authoring-compare.js";

const $ = (id) => document.getElementById(id);
const EMPTY = 'ruleset "Nieuwe regels" {\n  authority "Gemeente Voorbeeld"\n  valid from 2025-01-01\n}\n';

/** What the editor holds: the ruleset id, its bundled or opened text, and its cases (JSON text). */
export const doc = { id: "nieuw.rules", original: EMPTY, cases: null, diagnostics: [], unreached: [] };
let demo, preview, map, marker, lastPoint = null, timer = null;

/** Ruleset texts not in the bundle, by id: converted from STTR, or from an opened folder. */
const extra = new Map();

async function main() {
  [demo] = await Promise.all([loadDemo(), loadCatalogue()]);
  preview = await demo.newEngine((engine) => {
    demo.loadLayers(engine);
    for (const r of demo.manifest.rulesets) engine.addSource(r.id, r.text);
    for (const [id, r] of extra) engine.addSource(id, r.text);
  });
  map = makeMap($("map"), demo.manifest);
  drawLayers(map, demo.manifest, demo.collections);
  marker = L.layerGroup().addTo(map);
  map.on("click", (e) => showAt(toRd(e.latlng)));
  $("map").addEventListener("keydown", (e) => {
    if (e.key === "Enter" && e.target === $("map")) showAt(toRd(map.getCenter()));
  });

  const select = $("ruleset-select");
  for (const r of demo.manifest.rulesets) select.append(h("option", { value: r.id }, r.id));
  select.append(h("option", { value: "nieuw.rules" }, "Een lege regelset"));
  select.addEventListener("change", () => open(select.value));
  const source = $("source");
  source.addEventListener("scroll", syncBackdrop);
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(edited, 120);
  });
  for (const ev of ["keyup", "click", "select"]) source.addEventListener(ev, showCursor);
  source.addEventListener("keydown", (e) => {
    // Tab inserts two spaces; Escape then Tab leaves the editor (keyboard users are not trapped).
    if (e.key === "Tab" && !e.shiftKey && !source.dataset.escape) {
      e.preventDefault();
      source.setRangeText("  ", source.selectionStart, source.selectionEnd, "end");
      source.dispatchEvent(new Event("input"));
    }
    source.dataset.escape = e.key === "Escape" ? "1" : "";
  });
  $("run-cases").addEventListener("click", runCases);
  $("save").addEventListener("click", save);
  $("revert").addEventListener("click", revert);
  $("folder").addEventListener("change", (e) => openFolder(e.target.files));
  $("sttr-file").addEventListener("change", (e) => openSttr(e.target.files?.[0]));

  const api = { demo, preview, map, doc, text: () => $("source").value, load: loadCases, setCases, runCases, lineOf, jumpTo, drawMarks, sttrModule: sttrImporter, bindingFiles, layerSources };
  setupTry(api);
  setupCompare(api);

  // The ruleset open when the page was left (with its draft), or the shed example.
  const last = store.lastOpened();
  const first = demo.manifest.rulesets.find((r) => r.id.endsWith("voorbeeld/bijgebouw.rules")) ?? demo.manifest.rulesets[0];
  const start = last && (known(last) || last === "nieuw.rules") ? last : first?.id ?? "nieuw.rules";
  select.value = start;
  open(start);
  window.authoring = { map, check, showAt, doc, engine: demo.engine, checkedText: null, preview: () => preview.rulesets().map((r) => r.id), view: (x, y, z) => map.setView(toLatLng([x, y]), z ?? map.getZoom(), { animate: false }), toContainer: (x, y) => map.latLngToContainerPoint(toLatLng([x, y])) };
  document.body.dataset.ready = "true";
}

function known(id) {
  return extra.has(id) || demo.manifest.rulesets.some((r) => r.id === id);
}

/** Open a ruleset in the editor: its draft when there is one, else its text. */
function open(id) {
  const bundled = extra.get(id) ?? demo.manifest.rulesets.find((r) => r.id === id) ?? { text: EMPTY, cases: null };
  if (doc.id !== id) unload(doc.id);
  doc.id = id;
  doc.original = bundled.text;
  const kept = store.kept(id);
  doc.cases = kept?.cases ?? bundled.cases ?? null;
  const restored = kept?.draft !== undefined && kept.draft !== store.savedText(id, bundled.text);
  $("source").value = kept?.draft ?? store.savedText(id, bundled.text);
  store.keepCurrent(id);
  $("keep-status").textContent = restored
    ? `Uw concept van ${new Date(kept.at).toLocaleString("nl-NL")} is teruggezet. Het is nog niet opgeslagen.`
    : "";
  $("run-cases").disabled = !doc.cases;
  clear($("cases"));
  clear($("export-status"));
  check();
}

/** Take a ruleset off the map preview; its text stays known as a base for `extends`. */
function unload(id) {
  preview.removeRuleset(id);
  const known = extra.get(id) ?? demo.manifest.rulesets.find((r) => r.id === id);
  if (known) preview.addSource(id, store.kept(id)?.draft ?? known.text);
}

/** After an edit: keep the draft, check. */
function edited() {
  store.keepDraft(doc.id, $("source").value, doc.original);
  check();
}

function counted(errors, warnings) {
  return `${errors} ${errors === 1 ? "fout" : "fouten"}, ${warnings} ${warnings === 1 ? "waarschuwing" : "waarschuwingen"}`;
}

function showCursor() {
  const s = $("source");
  const before = s.value.slice(0, s.selectionStart);
  const line = before.split("\n").length;
  const column = before.length - before.lastIndexOf("\n");
  $("cursor").textContent = `Regel ${line}, kolom ${column}`;
}

function check() {
  const t0 = performance.now();
  const text = $("source").value;
  // An edited base counts for the rulesets that extend it (opened after it in this visit).
  demo.engine.addSource(doc.id, text);
  preview.addSource(doc.id, text);
  // Every diagnostic, as `rules check --format json` gives it for this id (bases found by path).
  const diagnostics = demo.engine.diagnostics(doc.id, text);
  doc.diagnostics = diagnostics;
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  $("diag-summary").textContent =
    errors + warnings === 0 ? "Geen fouten of waarschuwingen." : `${counted(errors, warnings)}.`;
  const list = clear($("diagnostics"));
  for (const d of diagnostics) list.append(diagnosticItem(d));
  showDiff();
  doc.unreached = [];
  drawMarks();
  if (errors === 0) {
    try {
      preview.loadRuleset(doc.id, text);
      for (const r of preview.rulesets()) if (r.id !== doc.id) unload(r.id);
    } catch (e) {
      $("diag-summary").textContent = `De regels kunnen niet aan de kaartlagen worden gekoppeld: ${e.message}`;
    }
    if (lastPoint) showAt(lastPoint);
  }
  if (window.authoring) window.authoring.checkedText = text;
  document.dispatchEvent(new CustomEvent("rules-checked", { detail: { errors, warnings } }));
  afterPaint(() => performance.measure("authoring-check", { start: t0 }));
}

/** One diagnostic: where, fout/waarschuwing, code, the Dutch text, "Bedoelt u ...?", the link. */
function diagnosticItem(d) {
  const nl = dutch(d);
  const file = d.file && d.file !== doc.id ? ` in ${d.file}` : "";
  return h(
    "li",
    { class: d.severity, "data-code": d.code, "data-line": d.line, "data-column": d.column, "data-file": d.file },
    h(
      "button",
      { type: "button", onclick: () => jump(d) },
      h("span", { class: "where" }, `regel ${d.line}, kolom ${d.column}${file}`),
      ` ${severityText(d)} ${d.code}: ${nl.text}`,
      nl.suggestion ? h("span", { class: "suggestion" }, ` Bedoelt u ${nl.suggestion}?`) : null,
      nl.hint ? ` Tip: ${nl.hint}` : null,
      nl.english || nl.englishHint ? h("span", { class: "muted", lang: "en" }, ` (${[nl.english, nl.englishHint].filter(Boolean).join("; ")})`) : null,
    ),
    h("a", { href: docsUrl(d.code), class: "doc-link", target: "_blank", rel: "noopener" }, `Uitleg bij ${d.code}`),
  );
}

/**
 * Mark lines in the editor: a layer of the same lines behind the transparent textarea (same font,
 * padding and scroll), lines with an error or warning of this file and branches no case reaches.
 */
export function drawMarks() {
  const s = $("source");
  const back = $("backdrop");
  const style = getComputedStyle(s);
  for (const p of ["fontFamily", "fontSize", "lineHeight", "paddingTop", "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth", "borderRightWidth", "borderBottomWidth", "borderLeftWidth", "tabSize", "letterSpacing"]) back.style[p] = style[p];
  const kind = new Map();
  for (const line of doc.unreached ?? []) kind.set(line, "mark-unreached");
  for (const d of doc.diagnostics) {
    if (d.file && d.file !== doc.id) continue;
    for (let l = d.line; l <= Math.max(d.line, d.end_line ?? d.line); l++) {
      if (kind.get(l) !== "mark-error") kind.set(l, d.severity === "error" ? "mark-error" : "mark-warning");
    }
  }
  clear(back).append(...s.value.split("\n").map((text, i) => h("div", { class: kind.get(i + 1), "data-line": kind.has(i + 1) ? i + 1 : null }, text || "\u200b")));
  syncBackdrop();
}

function syncBackdrop() {
  const s = $("source");
  $("backdrop").scrollTop = s.scrollTop;
  $("backdrop").scrollLeft = s.scrollLeft;
}

/** Put the cursor on a diagnostic (columns in UTF-16 units, as a textarea counts). */
function jump(d) {
  if (d.file && d.file !== doc.id) return; // in the base ruleset: shown, not in this editor
  jumpTo(d.line, d.utf16_column, d.end_line, d.end_utf16_column);
}

/** Offset of line `n` (1-based) in the editor. */
function lineOf(n) {
  const lines = $("source").value.split("\n");
  let offset = 0;
  for (let i = 0; i < n - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  return offset;
}

function jumpTo(line, column = 1, endLine = line, endColumn = column) {
  const s = $("source");
  const start = lineOf(line) + column - 1;
  s.focus();
  s.setSelectionRange(start, Math.max(start, lineOf(endLine) + endColumn - 1));
  showCursor();
}

// ------------------------------------------------------------------ keeping the work

function fileName(id) {
  return id.split("/").pop() || "regels.rules";
}

function save() {
  const text = $("source").value;
  store.download(fileName(doc.id), text);
  store.markSaved(doc.id, text);
  const bundled = extra.get(doc.id) ?? demo.manifest.rulesets.find((r) => r.id === doc.id);
  const casesName = fileName(doc.id).replace(/\.rules$/, ".cases.json");
  const withCases = doc.cases && doc.cases !== (bundled?.cases ?? null);
  if (withCases) store.download(casesName, doc.cases, "application/json");
  $("keep-status").textContent = `Opgeslagen als ${fileName(doc.id)}${withCases ? ` en ${casesName}` : ""} (in uw map Downloads).`;
  showDiff();
}

function revert() {
  const saved = store.savedText(doc.id, doc.original);
  $("source").value = saved;
  store.dropDraft(doc.id);
  $("keep-status").textContent = "De opgeslagen versie staat weer in het tekstvak.";
  check();
}

/** The lines that differ from the saved version. */
function showDiff() {
  const saved = store.savedText(doc.id, doc.original);
  const lines = store.diffLines(saved, $("source").value).filter((l) => l.kind !== "same");
  const box = $("diff-box");
  $("diff-summary").textContent = lines.length
    ? `Verschil met de opgeslagen versie: ${lines.length} ${lines.length === 1 ? "regel" : "regels"}`
    : "Geen verschil met de opgeslagen versie";
  $("revert").disabled = lines.length === 0;
  const list = clear($("diff"));
  for (const l of lines) {
    list.append(h("li", { class: `diff-${l.kind}`, "data-kind": l.kind }, h("span", { class: "where" }, `${l.kind === "add" ? "+" : "−"} regel ${l.line}`), " ", l.text));
  }
  box.dataset.changed = String(lines.length);
}

/** Open a folder: its rulesets (with cases) join the list and serve as bases for `extends`. */
async function openFolder(files) {
  if (!files?.length) return;
  const { rulesets, skipped } = await store.readFolder(files);
  const select = $("ruleset-select");
  for (const r of rulesets) {
    if (!extra.has(r.id) && !demo.manifest.rulesets.some((m) => m.id === r.id)) select.append(h("option", { value: r.id }, `${r.id} (uit uw map)`));
    extra.set(r.id, r);
    demo.engine.addSource(r.id, r.text);
    preview.addSource(r.id, r.text);
  }
  if (rulesets.length) {
    // A folder file of the same path as a bundled one replaces it in the editor.
    const bundled = demo.manifest.rulesets.find((m) => m.id === rulesets[0].id);
    if (bundled) Object.assign(bundled, { text: rulesets[0].text, cases: rulesets[0].cases });
    select.value = rulesets[0].id;
    open(rulesets[0].id);
  }
  $("keep-status").textContent =
    `${rulesets.length} ${rulesets.length === 1 ? "regelset" : "regelsets"} geopend uit uw map.` +
    (skipped.length ? ` Niet geopend: ${skipped.join(", ")}.` : "");
}

// ------------------------------------------------------------------ STTR import

/** The STTR module is a WebAssembly module of its own, loaded the first time it is needed. */
let sttrModule = null;
async function sttrImporter() {
  if (!sttrModule) {
    sttrModule = import("../pkg/rules_sttr.js").then(async (m) => {
      await m.default({ module_or_path: new URL("../pkg/rules_sttr_bg.wasm", import.meta.url) });
      return m;
    });
  }
  return sttrModule;
}

/** Convert an STTR file in the browser and open the result in the editor, with what the import found. */
async function openSttr(file) {
  if (!file) return;
  const status = $("sttr-status");
  const list = clear($("sttr-diagnostics"));
  status.textContent = `${file.name} wordt omgezet ...`;
  try {
    const [importer, xml] = await Promise.all([sttrImporter(), file.text()]);
    const result = importer.importSttr(file.name, xml);
    const found = counted(result.errors, result.warnings);
    // A decision with an error is left out (marked NOT CONVERTED in the text); the rest is converted.
    status.textContent = !result.text
      ? `${file.name} kan niet worden omgezet (${found}).`
      : result.errors
        ? `${file.name} is gedeeltelijk omgezet (${found} bij het omzetten): beslissingen met een fout zijn weggelaten en staan als NOT CONVERTED in de regelset hieronder.`
        : `${file.name} is omgezet naar een regelset (${found} bij het omzetten). U ziet de regelset hieronder.`;
    for (const d of result.diagnostics) {
      const where = d.line ? `regel ${d.line}, kolom ${d.column} van ${file.name}` : file.name;
      list.append(h("li", { class: d.severity, "data-code": d.code }, h("span", { class: "where" }, where), ` ${severityText(d)} ${d.code}: ${d.message}`, d.help ? h("span", { class: "muted" }, ` (tip: ${d.help})`) : null));
    }
    if (result.text) {
      const id = `${file.name}.rules`;
      const select = $("ruleset-select");
      if (!extra.has(id)) select.append(h("option", { value: id }, `${file.name} (omgezet uit STTR)`));
      extra.set(id, { id, text: result.text, cases: null });
      select.value = id;
      open(id);
    }
  } catch (e) {
    status.textContent = `${file.name} kan niet worden gelezen: ${e.message}`;
  }
}

// ------------------------------------------------------------------ map preview and cases

function showAt(point) {
  lastPoint = point;
  marker.clearLayers();
  L.circleMarker(toLatLng([point.x, point.y]), { radius: 7, className: "click-marker", interactive: false }).addTo(marker);
  const box = clear($("preview"));
  let hits = [];
  try {
    hits = preview.rulesets().length ? preview.at(point) : [];
  } catch (e) {
    box.append(h("p", { class: "error-text" }, e.message));
    return;
  }
  box.append(h("h2", {}, `Wat de bewerkte regels hier zeggen (x ${Math.round(point.x)}, y ${Math.round(point.y)})`));
  if (!preview.rulesets().length) box.append(h("p", {}, "Los eerst de fouten op: dan ziet u hier wat de regels zeggen."));
  else if (!hits.length) box.append(h("p", {}, "Hier zegt geen 'at'-regel iets. Klik op een andere plek, bijvoorbeeld op een weg of bij een boom."));
  const list = h("ul", { class: "hits" });
  for (const hit of hits) list.append(h("li", { "data-testid": "preview-hit" }, h("details", { open: true }, h("summary", {}, h("span", { class: "title" }, hit.title), ": ", hit.text), h("div", { class: "details" }, hit.ref ? `Regel: ${hit.ref}. ` : "", `Kaartlaag ${hit.layer}, object ${hit.feature}.`))));
  box.append(list);
  window.dispatchEvent(new CustomEvent("authoring-point", { detail: point }));
}

/** The map data file a case names (by its file name), read from the site. */
function loadCases(p) {
  const name = p.split("/").pop();
  const file = bindingFiles().get(name);
  if (!file) throw new Error(`${p} is niet beschikbaar in de browser`);
  const req = new XMLHttpRequest();
  req.open("GET", file, false);
  req.send();
  return req.responseText;
}

/** Map data files of the site by file name. */
function bindingFiles() {
  const files = new Map(demo.manifest.map_layers.map((l) => [l.file.split("/").pop(), l.file]));
  for (const f of Object.values(demo.manifest.bindings)) files.set(f.split("/").pop(), f);
  return files;
}

/** Layer name -> the data file bound to it, as a path from the repository root. */
function layerSources() {
  const out = {};
  for (const [name, url] of Object.entries(demo.manifest.bindings)) if (demo.manifest.sources?.[url]) out[name] = demo.manifest.sources[url];
  for (const l of demo.manifest.map_layers) out[l.name] ??= demo.manifest.sources?.[l.file];
  return out;
}

/** New example cases (JSON text) for the open ruleset; kept with the draft. */
function setCases(cases) {
  doc.cases = cases;
  store.keepCases(doc.id, cases);
  $("run-cases").disabled = !cases;
}

/** Run the example cases against the editor's text: [{name, passed, problems}] or null. */
function runCases() {
  if (!doc.cases) return null;
  const box = clear($("cases"));
  try {
    const results = demo.engine.testCases(doc.id, $("source").value, doc.cases, loadCases);
    const passed = results.filter((r) => r.passed).length;
    box.append(h("h2", {}, `Voorbeelden: ${passed} goed, ${results.length - passed} fout`));
    const list = h("ul", { class: "plain" });
    for (const r of results) list.append(h("li", { "data-passed": String(r.passed) }, `${r.passed ? "✔" : "✘"} ${r.name}`, r.problems.length ? h("ul", {}, r.problems.map((p) => h("li", {}, p))) : null));
    box.append(list);
    document.dispatchEvent(new CustomEvent("cases-run", { detail: results }));
    return results;
  } catch (e) {
    box.append(h("p", { class: "error-text" }, e.message));
    return null;
  }
}

main();

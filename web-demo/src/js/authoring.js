// The authoring preview for permit officers: an editor with live diagnostics from the WASM
// checker (line, column, code, message, help) and a map preview of the edited rules.
/* global L */
import { h, clear, afterPaint } from "./dom.js";
import { makeMap, toLatLng, toRd } from "./rd.js";
import { loadDemo, drawLayers } from "./data.js";

const $ = (id) => document.getElementById(id);
let EDITOR_ID = "nieuw.rules";
let demo, preview, map, marker, lastPoint = null, timer = null, current = null;

async function main() {
  demo = await loadDemo();
  preview = await demo.newEngine((engine) => {
    demo.loadLayers(engine);
    for (const r of demo.manifest.rulesets) engine.addSource(r.id, r.text);
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
  select.append(h("option", { value: "" }, "Een lege regelset"));
  select.addEventListener("change", () => open(select.value));
  const source = $("source");
  source.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(check, 120);
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
  $("sttr-file").addEventListener("change", (e) => openSttr(e.target.files?.[0]));
  const first = demo.manifest.rulesets.find((r) => r.id.endsWith("voorbeeld/bijgebouw.rules")) ?? demo.manifest.rulesets[0];
  select.value = first?.id ?? "";
  open(first?.id ?? "");
  window.authoring = { map, check, showAt, view: (x, y, z) => map.setView(toLatLng([x, y]), z ?? map.getZoom(), { animate: false }), toContainer: (x, y) => map.latLngToContainerPoint(toLatLng([x, y])) };
  document.body.dataset.ready = "true";
}

/** Ruleset texts converted from STTR files in this visit, by editor id. */
const imports = new Map();

function open(id) {
  const imported = imports.get(id);
  current = imported ? null : demo.manifest.rulesets.find((r) => r.id === id) ?? null;
  const next = imported ? id : current?.id ?? "nieuw.rules";
  if (EDITOR_ID !== next) preview.removeRuleset(EDITOR_ID);
  EDITOR_ID = next;
  $("source").value = imported ?? current?.text ?? 'ruleset "Nieuwe regels" {\n  authority "Gemeente Voorbeeld"\n  valid from 2025-01-01\n}\n';
  $("run-cases").disabled = !current?.cases;
  clear($("cases"));
  if (!imported) {
    $("sttr-status").textContent = "";
    clear($("sttr-diagnostics"));
  }
  check();
}

/** The STTR importer is a WebAssembly module of its own, loaded the first time it is needed. */
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
    status.textContent = result.text
      ? `${file.name} is omgezet naar een regelset (${found} bij het omzetten). U ziet de regelset hieronder.`
      : `${file.name} kan niet worden omgezet (${found}).`;
    for (const d of result.diagnostics) {
      const where = d.line ? `regel ${d.line}, kolom ${d.column} van ${file.name}` : file.name;
      list.append(h("li", { class: d.severity, "data-code": d.code }, h("span", { class: "where" }, where), ` ${d.severity === "error" ? "fout" : "waarschuwing"} ${d.code}: ${d.message}`, d.help ? h("span", { class: "muted" }, ` (tip: ${d.help})`) : null));
    }
    if (result.text) {
      const id = `${file.name}.rules`;
      const select = $("ruleset-select");
      if (!imports.has(id)) select.append(h("option", { value: id }, `${file.name} (omgezet uit STTR)`));
      imports.set(id, result.text);
      select.value = id;
      open(id);
    }
  } catch (e) {
    status.textContent = `${file.name} kan niet worden gelezen: ${e.message}`;
  }
}

/** "1 fout, 2 waarschuwingen". */
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
  const diagnostics = demo.engine.diagnostics(EDITOR_ID, text);
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  $("diag-summary").textContent =
    errors + warnings === 0 ? "Geen fouten of waarschuwingen." : `${counted(errors, warnings)}.`;
  const list = clear($("diagnostics"));
  for (const d of diagnostics) {
    list.append(
      h(
        "li",
        { class: d.severity, "data-code": d.code, "data-line": d.line, "data-column": d.column },
        h(
          "button",
          { type: "button", onclick: () => jump(d) },
          h("span", { class: "where" }, `regel ${d.line}, kolom ${d.column}`),
          ` ${d.severity === "error" ? "fout" : "waarschuwing"} ${d.code}: ${d.message}`,
          d.help ? h("span", { class: "muted" }, ` (tip: ${d.help})`) : null,
        ),
      ),
    );
  }
  if (errors === 0) {
    try {
      preview.loadRuleset(EDITOR_ID, text);
      for (const r of preview.rulesets()) if (r.id !== EDITOR_ID) preview.removeRuleset(r.id);
    } catch (e) {
      $("diag-summary").textContent = `De regels kunnen niet aan de kaartlagen worden gekoppeld: ${e.message}`;
    }
    if (lastPoint) showAt(lastPoint);
  }
  afterPaint(() => performance.measure("authoring-check", { start: t0 }));
}

/** Put the cursor on a diagnostic (columns in UTF-16 units, as a textarea counts). */
function jump(d) {
  const s = $("source");
  const lines = s.value.split("\n");
  let offset = 0;
  for (let i = 0; i < d.line - 1 && i < lines.length; i++) offset += lines[i].length + 1;
  let end = 0;
  for (let i = 0; i < d.end_line - 1 && i < lines.length; i++) end += lines[i].length + 1;
  s.focus();
  s.setSelectionRange(offset + d.utf16_column - 1, Math.max(offset + d.utf16_column - 1, end + d.end_utf16_column - 1));
  showCursor();
}

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
}

function runCases() {
  if (!current?.cases) return;
  const base = current.id.split("/").slice(0, -1).join("/");
  const box = clear($("cases"));
  const files = new Map(demo.manifest.map_layers.map((l) => [l.file.split("/").pop(), l.file]));
  try {
    const results = demo.engine.testCases(EDITOR_ID, $("source").value, current.cases, (p) => {
      const name = p.split("/").pop();
      const file = files.get(name) ?? Object.values(demo.manifest.bindings).find((f) => f.endsWith(name));
      if (!file) throw new Error(`${p} is not available in the browser (base ${base})`);
      const req = new XMLHttpRequest();
      req.open("GET", file, false);
      req.send();
      return req.responseText;
    });
    const passed = results.filter((r) => r.passed).length;
    box.append(h("h2", {}, `Voorbeelden: ${passed} goed, ${results.length - passed} fout`));
    const list = h("ul", { class: "plain" });
    for (const r of results) list.append(h("li", {}, `${r.passed ? "✔" : "✘"} ${r.name}`, r.problems.length ? h("ul", {}, r.problems.map((p) => h("li", {}, p))) : null));
    box.append(list);
  } catch (e) {
    box.append(h("p", { class: "error-text" }, e.message));
  }
}

main();

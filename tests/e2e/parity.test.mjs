// Native == WASM: every shipped example case (rulesets/**/*.cases.json, and the demo's own
// web-demo/rulesets/**/*.cases.json) is evaluated by the `rules` command (`rules eval --format
// json`) and by the WASM build, and the outputs are compared byte for byte. Each case is also
// walked through the browser API (Engine.start + Session.answer + outcomeJson), the path the web
// demo takes, with the same result. Errors must carry the command's message. STTR files are
// converted by the importer module (rules-wasm/sttr) and by `rules import-sttr`, with the same text.
//
// Needs: rules-wasm/pkg (bash rules-wasm/build.sh) and the `rules` binary (RULES_BIN, default
// target/debug/rules).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { initSync, Engine } = await import(path.join(root, "rules-wasm/pkg/rules_wasm.js"));
initSync({ module: fs.readFileSync(path.join(root, "rules-wasm/pkg/rules_wasm_bg.wasm")) });
const sttr = await import(path.join(root, "rules-wasm/pkg/rules_sttr.js"));
sttr.initSync({ module: fs.readFileSync(path.join(root, "rules-wasm/pkg/rules_sttr_bg.wasm")) });

const rulesBin = process.env.RULES_BIN || path.join(root, "target/debug/rules");
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "rules-parity-"));

function walk(dir, out = []) {
  if (!fs.existsSync(dir)) return out;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) walk(p, out);
    else if (entry.name.endsWith(".cases.json")) out.push(p);
  }
  return out;
}

const caseFiles = [...walk(path.join(root, "rulesets")), ...walk(path.join(root, "web-demo/rulesets"))];

/** Every ruleset text by its path from the root: the bases that rulesets `extends`. */
function sources(dir, out = []) {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) sources(p, out);
    else if (entry.name.endsWith(".rules")) out.push([path.relative(root, p), fs.readFileSync(p, "utf8")]);
  }
  return out;
}
const allSources = [...sources(path.join(root, "rulesets")), ...sources(path.join(root, "web-demo/rulesets"))];
function newEngine() {
  const engine = new Engine();
  for (const [id, text] of allSources) engine.addSource(id, text);
  return engine;
}

/** A file reference of a case, made absolute so the case can be copied elsewhere. */
function absolute(caseDir, ref) {
  if (typeof ref === "string") return path.resolve(caseDir, ref);
  if (ref && typeof ref === "object" && typeof ref.file === "string") return { ...ref, file: path.resolve(caseDir, ref.file) };
  return ref;
}

const jsonCache = new Map();
function readJson(p) {
  if (!jsonCache.has(p)) jsonCache.set(p, fs.readFileSync(p, "utf8"));
  return jsonCache.get(p);
}

/** `{"file", "feature"}` -> that feature's geometry, as the case module resolves it. */
function resolveGeometry(caseDir, g) {
  if (!g || typeof g !== "object" || typeof g.file !== "string") return g;
  const collection = JSON.parse(readJson(path.resolve(caseDir, g.file)));
  if (g.feature === undefined) return collection;
  const wanted = String(g.feature);
  const f = collection.features.find((f) => {
    const p = f.properties || {};
    return [f.id, p.identificatie, p.lokaalID, p.kadastraleAanduiding].some((v) => v !== undefined && String(v) === wanted);
  });
  assert.ok(f, `${g.file} has no feature ${wanted}`);
  return f;
}

let compared = 0;

for (const caseFile of caseFiles) {
  const caseDir = path.dirname(caseFile);
  const raw = JSON.parse(fs.readFileSync(caseFile, "utf8"));
  const cases = Array.isArray(raw) ? raw : [raw];
  const named = cases.find((c) => c.ruleset)?.ruleset;
  // As `rules test` finds it: the named ruleset, else X.rules, else X.dmn beside X.cases.json.
  const stem = caseFile.replace(/\.cases\.json$/, "");
  const rulesetPath = named ? path.join(caseDir, named) : fs.existsSync(`${stem}.rules`) ? `${stem}.rules` : `${stem}.dmn`;
  const rulesetName = path.relative(root, rulesetPath);
  // The engine module reads rulesets, not DMN XML: an STTR file goes through the importer module
  // (or `rules import-sttr`) first, and both must give the same ruleset text.
  let rulesetText = fs.readFileSync(rulesetPath, "utf8");
  if (rulesetPath.endsWith(".dmn")) {
    const converted = spawnSync(rulesBin, ["import-sttr", rulesetName], { cwd: root, encoding: "utf8" });
    assert.equal(converted.status, 0, `rules import-sttr ${rulesetName} failed: ${converted.stderr}`);
    const imported = sttr.importSttr(rulesetName, rulesetText);
    test(`parity: importSttr ${rulesetName} gives the text and findings of rules import-sttr`, () => {
      assert.equal(imported.errors, 0);
      assert.equal(imported.text, converted.stdout);
      assert.equal(imported.rendered + `${rulesetName}: 0 errors, ${imported.warnings} warning${imported.warnings === 1 ? "" : "s"}\n`, converted.stderr);
    });
    rulesetText = converted.stdout;
  }
  const load = (p) => readJson(path.resolve(caseDir, p));

  cases.forEach((c, i) => {
    const label = `${path.relative(root, caseFile)} ${c.name ?? `#${i + 1}`}`;
    test(`parity: ${label}`, () => {
      // The command, on this case alone (file references made absolute).
      const single = { ...c, geometry: {}, layers: {} };
      for (const [k, v] of Object.entries(c.geometry ?? {})) single.geometry[k] = absolute(caseDir, v);
      for (const [k, v] of Object.entries(c.layers ?? {})) single.layers[k] = absolute(caseDir, v);
      const tmpCase = path.join(tmp, `case-${compared}-${i}.json`);
      fs.writeFileSync(tmpCase, JSON.stringify(single, null, 2));
      const native = spawnSync(rulesBin, ["eval", rulesetName, "--case", tmpCase, "--format", "json"], {
        cwd: root,
        encoding: "utf8",
      });
      assert.ok(native.status !== null, `cannot run ${rulesBin}: ${native.error}`);
      const engine = newEngine();
      let wasm;
      let wasmError;
      try {
        wasm = engine.evaluateCases(rulesetName, rulesetText, JSON.stringify(c), load);
      } catch (e) {
        wasmError = e;
      }
      if (native.status === 0) {
        assert.equal(wasmError, undefined, `WASM failed where the command succeeded: ${wasmError?.message}`);
        assert.equal(wasm + "\n", native.stdout, "outcome JSON differs between native and WASM");
      } else {
        assert.ok(wasmError, `the command failed (${native.stderr.trim()}) but WASM succeeded`);
        assertSameMessage(wasmError.message, native.stderr);
      }
      compared++;

      // The same case through the session API the web demo uses.
      if (native.status !== 0) return;
      const api = newEngine();
      for (const [name, ref] of Object.entries(c.layers ?? {})) {
        const file = typeof ref === "string" ? ref : ref?.file;
        api.loadLayer(name, file ? load(file) : ref);
      }
      api.loadRuleset(rulesetName, rulesetText);
      const answers = { ...(c.answers ?? {}) };
      for (const [k, g] of Object.entries(c.geometry ?? {})) answers[k] = resolveGeometry(caseDir, g);
      const session = api.start(rulesetName, { date: c.date, answers });
      assert.equal(session.outcomeJson() + "\n", native.stdout, "session outcome differs from the command's");
      session.free();
      api.free();
      engine.free();
    });
  });
}

test("every shipped case was compared", () => {
  assert.ok(caseFiles.length > 0, "no *.cases.json found under rulesets/");
  console.log(`# parity: ${compared} cases from ${caseFiles.length} case files compared native == WASM`);
  assert.ok(compared > 0);
});

const sizes = JSON.parse(fs.readFileSync(path.join(root, "rules-wasm/pkg/sizes.json"), "utf8"));
const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
for (const [module, s] of [["engine", sizes], ["STTR importer", sizes.sttr]]) {
  test(`wasm size, ${module}: raw ${kb(s.raw)}, optimised ${kb(s.optimised)}, gzipped ${kb(s.gzipped)}`, () => {
    assert.ok(
      s.gzipped <= sizes.budget_gzipped,
      `the gzipped ${module} module is ${s.gzipped} bytes, over the budget of ${sizes.budget_gzipped}; see rules-wasm/README.md ("Size")`,
    );
  });
}

/**
 * Same message and location: every header line (file:line:col: error[CODE]: message) and every help
 * text of the WASM error is in what the command prints. The excerpt under a header is drawn by miette
 * in the command and in a plainer frame in WASM (built without miette, for size).
 */
function assertSameMessage(wasmMessage, cliOutput) {
  const explain = `WASM error message is not what the command prints.\nWASM:\n${wasmMessage}\nCLI:\n${cliOutput}`;
  const cliLines = cliOutput.split("\n");
  const headers = wasmMessage.split("\n").filter((l) => /^\S.*:\d+:\d+: (error|warning)\[/.test(l));
  assert.ok(headers.length > 0, explain);
  for (const header of headers) assert.ok(cliLines.includes(header), explain);
  for (const help of wasmMessage.split("\n").filter((l) => l.includes("= help: "))) {
    assert.ok(cliOutput.includes(`help: ${help.split("= help: ")[1]}`), explain);
  }
}

test("errors are thrown with the command's message and location", () => {
  const engine = new Engine();
  const bad = 'ruleset "x" { }\nquestion h: length "Hoe hoog?"\nlet a = h > 2 m2\n';
  const file = path.join(tmp, "bad.rules");
  fs.writeFileSync(file, bad);
  const native = spawnSync(rulesBin, ["check", file], { encoding: "utf8" });
  assert.equal(native.status, 1);
  let error;
  try {
    engine.loadRuleset(file, bad);
  } catch (e) {
    error = e;
  }
  assert.ok(error instanceof Error, "loadRuleset must throw an Error");
  assert.equal(error.code, "E004");
  assert.equal(error.line, 3);
  assertSameMessage(error.message.split("\n").slice(1).join("\n"), native.stderr);
  const diagnostic = engine.diagnostics(file, bad).find((d) => d.code === "E004");
  assert.ok(diagnostic, "diagnostics() lists the unit error");
  assert.equal(diagnostic.line, 3);
  assert.equal(diagnostic.column, 9);
});

test("big tables get the same warnings in the browser as from `rules check` (W003, W005, W006 at any size)", () => {
  const head = 'ruleset "T" { authority "T" valid from 2024-01-01 }\nquestion k: choice("a", "b", "c") "K?"\nquestion h: length "H?" { range 0 m .. 10000 m }\nquestion code: text "Code?"\n';
  const table = (hit, inputs, n, row) =>
    `${head}decision "D" table ${hit} {\n  inputs ${inputs}\n${Array.from({ length: n }, (_, j) => `  rule ${row(j)} because "r${j}"`).join("\n")}\n}\n`;
  const tables = {
    // Every rule meets every other: the pairwise comparison took 45 s in WASM.
    "unique-overlapping": table("UNIQUE", "k | h", 3000, (j) => `- | [${j % 97} m .. ${5000 + j} m] -> Vergunningplicht`),
    // Over 2,000 rules, where the browser's pairwise analysis used to stop.
    "first-shadowed": table("FIRST", "k | h", 2500, (j) => `${j % 3 ? "-" : '"a"'} | [0 m .. ${5000 - j} m] -> Vergunningplicht`),
    "first-contact": table("FIRST", "k | h", 2500, (j) => `- | [${j} m .. ${j + 3000} m) -> ${j % 2 ? "Vergunningplicht" : "NeemContactOp"}`),
    // Keyed by a free-text code: different codes never meet (no W006).
    "first-codes": table("FIRST", "code", 2500, (j) => `"C${j}" -> ${j % 2 ? "Vergunningplicht" : "NeemContactOp"}`),
  };
  const engine = new Engine();
  for (const [name, text] of Object.entries(tables)) {
    const file = path.join(tmp, `${name}.rules`);
    fs.writeFileSync(file, text);
    const native = spawnSync(rulesBin, ["check", "--format", "json", file], { encoding: "utf8", maxBuffer: 1 << 26 });
    const expected = JSON.parse(native.stdout);
    const shown = (ds) => ds.map((d) => `${d.line}:${d.column} ${d.code} ${d.message}`);
    assert.deepEqual(shown(engine.diagnostics(file, text)), shown(expected), name);
    const codes = new Set(expected.map((d) => d.code));
    const want = { "unique-overlapping": "W005", "first-shadowed": "W003", "first-contact": "W006", "first-codes": null }[name];
    if (want) assert.ok(codes.has(want), `${name}: ${want} expected, got ${[...codes]}`);
    else assert.equal(expected.filter((d) => d.code === "W006").length, 0, `${name}: no W006`);
  }
});

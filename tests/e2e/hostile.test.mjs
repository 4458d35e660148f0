// The hostile catalogue (tests/hostile/catalogue.json) in WebAssembly, through the built rules-wasm
// package: every entry marked "wasm" gives the expected error (with its code) or result, and never
// traps. WebAssembly has a 1 MB stack and no stack probe, so this is where the depth limits are
// measured: the "at-limit" entries are the deepest inputs allowed, and they must run here.
// Each entry gets a fresh instance, so one trap cannot hide behind another.
//
// Needs: rules-wasm/pkg (bash rules-wasm/build.sh).
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { catalogue, sttr_file: sttrFile } = JSON.parse(fs.readFileSync(path.join(root, "tests/hostile/catalogue.json"), "utf8"));
const compiled = new WebAssembly.Module(fs.readFileSync(path.join(root, "rules-wasm/pkg/rules_wasm_bg.wasm")));
const keep = []; // engines stay referenced: freeing one of a trapped instance would trap again
let copies = 0;

async function freshEngine() {
  const mod = await import(`${path.join(root, "rules-wasm/pkg/rules_wasm.js")}?instance=${copies++}`);
  mod.initSync({ module: compiled });
  const engine = new mod.Engine();
  keep.push(engine);
  return engine;
}

/** Builds a text from catalogue parts (see the catalogue's "about"). */
function build(parts) {
  let out = "";
  for (const part of parts) {
    if (typeof part === "string") out += part;
    else if ("repeat" in part) out += part.repeat.repeat(part.times);
    else {
      const numbers = Array.from({ length: part.count }, (_, k) => k + 1);
      if (part.reverse) numbers.reverse();
      for (const i of numbers) out += part.numbered.replaceAll("{i}", String(i)).replaceAll("{prev}", String(i - 1));
    }
  }
  return out;
}

function caseText(entry) {
  if (typeof entry.case === "string") return entry.case;
  if (Array.isArray(entry.case)) return build(entry.case);
  return JSON.stringify(entry.case);
}

let compiledSttr = null; // compiled once, instantiated per entry as the engine is

/** An STTR entry through a fresh instance of the on-demand importer (rules-wasm/sttr). */
async function importSttr(entry) {
  const sttr = await import(`${path.join(root, "rules-wasm/pkg/rules_sttr.js")}?instance=${copies++}`);
  compiledSttr ??= new WebAssembly.Module(fs.readFileSync(path.join(root, "rules-wasm/pkg/rules_sttr_bg.wasm")));
  sttr.initSync({ module: compiledSttr });
  const result = sttr.importSttr(`hostile/${entry.name}.dmn`, sttrFile.head + build(entry.dmn) + sttrFile.tail);
  const error = result.diagnostics.find((d) => d.severity === "error");
  return error ? { code: error.code, message: result.rendered } : "ok";
}

/** Runs one entry: "ok", or the error ({ code, message }); a trap is returned as { trap }. */
async function runEntry(entry) {
  if (entry.kind === "sttr") {
    try {
      return await importSttr(entry);
    } catch (e) {
      if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return { trap: e.message };
      throw e;
    }
  }
  const engine = await freshEngine();
  const id = `hostile/${entry.name}.rules`;
  const text = build(entry.ruleset);
  try {
    if (entry.kind === "case") {
      // As `rules test` reads a case file: parsed strictly, answers bound, evaluated.
      const results = engine.testCases(id, text, caseText(entry), () => null);
      return { code: null, message: JSON.stringify(results) };
    }
    engine.loadRuleset(id, text);
    const session = engine.start(id, { date: "2025-01-01" });
    session.answer("h", "3 m");
    session.outcome();
    return "ok";
  } catch (e) {
    if (e instanceof WebAssembly.RuntimeError || e instanceof RangeError) return { trap: e.message };
    return { code: e.code ?? null, message: String(e.message) };
  }
}

for (const entry of catalogue.filter((e) => e.wasm && !e.ignore)) {
  test(`hostile in WebAssembly: ${entry.name}`, async () => {
    const result = await runEntry(entry);
    assert.ok(!result?.trap, `${entry.name} trapped: ${result?.trap}`);
    const expect = entry.expect;
    if (expect.exit === 0) {
      assert.equal(result, "ok", `${entry.name}: ${JSON.stringify(result).slice(0, 400)}`);
      return;
    }
    assert.notEqual(result, "ok", `${entry.name} was accepted`);
    if (expect.code) assert.equal(result.code, expect.code, result.message.slice(0, 400));
    if (expect.code && expect.line) assert.match(result.message, new RegExp(`:${expect.line}:${expect.column ?? ""}`), result.message.slice(0, 400));
    for (const text of [expect.message, expect.stderr].filter(Boolean)) {
      assert.ok(result.message.includes(text), `${entry.name}: ${JSON.stringify(text)} not in ${result.message.slice(0, 400)}`);
    }
    if (expect.stderr_lacks) assert.ok(!result.message.includes(expect.stderr_lacks), result.message.slice(0, 400));
    assert.ok(result.message.split("\n").every((l) => l.length <= 400), "no line echoes a whole hostile input");
  });
}

// The widget never reuses a trapped WebAssembly instance (web-demo/src/js/guard.js): a trap is
// reported as "restarted", the engine is replaced, and sessions of the old instance are refused.
// The trap here is a real one, from a tiny WebAssembly module that executes `unreachable`.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { guardedEngine, isTrap, RESTARTED, STALE } = await import(path.join(root, "web-demo/src/js/guard.js"));

// (module (func (export "trap") unreachable))
const TRAP_WASM = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 7, 8, 1, 4, 116, 114, 97, 112, 0, 0, 10, 5, 1, 3, 0, 0, 11]);

class FakeSession {
  constructor(engine) {
    this.engine = engine;
  }
  outcome() {
    return `outcome of engine ${this.engine.id}`;
  }
  free() {}
}
class FakeEngine {
  static made = 0;
  constructor() {
    this.id = ++FakeEngine.made;
    this.trap = new WebAssembly.Instance(new WebAssembly.Module(TRAP_WASM)).exports.trap;
  }
  check(text) {
    if (text === "deep") this.trap();
    if (text === "bad") throw new Error("t.rules has 1 error");
    return `checked on engine ${this.id}`;
  }
  start() {
    return new FakeSession(this);
  }
}

test("a trap replaces the instance; errors the engine throws do not", async () => {
  const restarts = [];
  const engine = await guardedEngine(async () => new FakeEngine(), (e) => restarts.push(e));
  assert.equal(engine.check("ok"), "checked on engine 1");
  assert.throws(() => engine.check("bad"), /1 error/, "an ordinary error passes through");
  const session = engine.start();
  assert.equal(session.outcome(), "outcome of engine 1");

  assert.throws(() => engine.check("deep"), (e) => e.message === RESTARTED && /unreachable/.test(e.trap));
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(restarts.length, 1, "the page is told");
  assert.equal(engine.check("ok"), "checked on engine 2", "the next call runs on a fresh instance");
  assert.throws(() => session.outcome(), new RegExp(STALE.slice(0, 30)), "a session of the trapped instance is not used");
  assert.equal(engine.start().outcome(), "outcome of engine 2");
});

test("what counts as a trap", () => {
  let trap;
  try {
    new FakeEngine().trap();
  } catch (e) {
    trap = e;
  }
  assert.ok(isTrap(trap));
  assert.ok(isTrap(new RangeError("Maximum call stack size exceeded")));
  assert.ok(!isTrap(new Error("t.rules has 1 error")));
  assert.ok(!isTrap(new RangeError("Invalid array length")));
  assert.ok(!isTrap(new Error("t.rules: warning: this branch is unreachable")));
});

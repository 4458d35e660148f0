// Never reuse a trapped engine. When WebAssembly traps (a fault the engine could not turn into an
// error: a stack overflow, a bug), the instance's memory is left mid-operation and every later call
// on it may trap or answer wrongly. This wrapper notices a trap, says so in the error it throws
// for that call, and replaces the whole instance: a fresh copy of the module with every ruleset
// text and layer loaded again. Sessions started on the old instance are refused from then on,
// with a message to start again, rather than run on broken memory.

/** Whether an exception is a WebAssembly trap rather than an error the engine threw. */
export function isTrap(e) {
  return (
    (typeof WebAssembly !== "undefined" && e instanceof WebAssembly.RuntimeError) ||
    (e instanceof RangeError && /call stack/i.test(e.message)) ||
    (e instanceof Error && /recursive use of an object detected/.test(e.message))
  );
}

export const RESTARTED =
  "De rekenmodule van deze pagina liep vast en is opnieuw gestart. Uw laatste stap is niet uitgevoerd; probeer het nog eens.";
export const STALE = "De rekenmodule is opnieuw gestart sinds u hieraan begon. Begin opnieuw met deze activiteit.";

/**
 * An engine that replaces itself after a trap.
 *   create(): a fresh engine on a fresh module instance, fully loaded (async)
 *   onRestart(error): told after each replacement (e.g. to show a message)
 * Returns a Proxy with the engine's methods; objects it returns that have methods (sessions) are
 * guarded too, and tied to the instance they came from. While the new instance loads, calls fail
 * with the message that the engine is restarting.
 */
export async function guardedEngine(create, onRestart = () => {}) {
  let generation = 0;
  let current = await create();

  async function restart(error) {
    generation++;
    current = null;
    current = await create();
    onRestart(error);
  }

  function call(target, method, args, born) {
    if (born !== generation || current === null) throw new Error(current === null ? RESTARTED : STALE);
    try {
      const result = method.apply(target, args);
      return typeof result === "object" && result !== null && typeof result.free === "function" ? wrap(result, generation) : result;
    } catch (e) {
      if (!isTrap(e)) throw e;
      restart(e).catch(() => {});
      const error = new Error(RESTARTED);
      error.trap = String(e?.message ?? e);
      throw error;
    }
  }

  function wrap(object, born) {
    return new Proxy(object, {
      get(target, key) {
        const value = Reflect.get(target, key);
        if (typeof value !== "function") return value;
        if (key === "free") return () => (born === generation ? value.call(target) : undefined);
        return (...args) => call(target, value, args, born);
      },
    });
  }

  return new Proxy(
    {},
    {
      get(_, key) {
        if (key === "generation") return generation;
        const target = current;
        if (target === null) return () => call(null, null, [], -1);
        const value = Reflect.get(target, key);
        if (typeof value !== "function") return value;
        return (...args) => call(target, value, args, generation);
      },
    },
  );
}

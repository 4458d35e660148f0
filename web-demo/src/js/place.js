// One coherent set of rules per place. National rules (the bruidsschat, the Rijk) apply
// everywhere; rules bound to map layers (a zoning plan) only where their features are; the
// fictional example municipalities only when the resident chooses one ("Kies een
// voorbeeldgemeente"), and then their activity replaces the national one of the same kind.
import { state, ctx } from "./state.js";

/** The example municipalities of the demo (demo.config.json `examples`). */
export function examples() {
  return ctx.demo.manifest.examples ?? [];
}

/** The example municipality a ruleset belongs to, or null for national and real rules. */
export function exampleOf(rulesetId) {
  return examples().find((e) => e.rulesets.some((prefix) => rulesetId.startsWith(prefix)))?.id ?? null;
}

function applies(rulesetId) {
  const ex = exampleOf(rulesetId);
  return !ex || ex === state.example;
}

/** One ruleset per activity here, in the order of the manifest: a municipality's before the national one. */
export function activities() {
  const groups = new Map();
  for (const r of ctx.demo.rulesets) {
    if (!r.decisions.length || !applies(r.id)) continue;
    const key = r.activity ?? r.name;
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(r);
  }
  return [...groups].map(([activity, list]) => ({ activity, ruleset: list.find((r) => exampleOf(r.id)) ?? list[0] }));
}

/**
 * The `at` texts to show: only of rulesets that apply here and were not replaced by a
 * municipality's own, each text once (a ruleset that extends another repeats its texts).
 */
export function shownHits(hits) {
  const offered = new Set(activities().map((a) => a.ruleset.id));
  const byName = new Map(ctx.demo.rulesets.map((r) => [r.name, r]));
  const seen = new Map();
  for (const hit of hits) {
    const info = byName.get(hit.ruleset);
    if (info && (!applies(info.id) || (info.decisions.length && !offered.has(info.id)))) continue;
    const key = `${hit.title}\n${hit.text}`;
    if (seen.has(key)) seen.get(key).also.push(hit.ruleset);
    else seen.set(key, { ...hit, also: [] });
  }
  return [...seen.values()];
}

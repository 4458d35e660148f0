// Session links and files (web-demo/src/js/session.js) as untrusted input: every field checked,
// with a Dutch message, and a size limit. Runs in node without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { validateSession, decodeSession, encodeSession, dutchDate, SessionError, MAX_LINK_CHARS } = await import(path.join(root, "web-demo/src/js/session.js"));

const GOOD = {
  v: 1,
  ruleset: "voorbeeld/bijgebouw.rules",
  date: "2031-03-01",
  point: { x: 181159.082, y: 456453.946 },
  answers: { monument: false, height: "2,5 m", roof_use: "geen", count: 3 },
  plan: [[181152, 456460], [181160, 456460], [181160, 456467]],
};
const loaded = (id) => id === GOOD.ruleset;

test("a good session passes unchanged, through a link too", () => {
  assert.deepEqual(validateSession(GOOD, loaded), GOOD);
  assert.deepEqual(validateSession(decodeSession(encodeSession(GOOD)), loaded), GOOD);
  const euro = { ...GOOD, answers: { note: "één € ✓" } };
  assert.deepEqual(decodeSession(encodeSession(euro)), euro, "non-ASCII text survives the link");
  assert.equal(dutchDate("2031-03-01"), "1 maart 2031");
});

test("a session records the version of its rules; a bad version is refused", () => {
  const versioned = { ...GOOD, version: "0123456789abcdef" };
  assert.deepEqual(validateSession(versioned, loaded), versioned);
  assert.equal("version" in validateSession(GOOD, loaded), false, "an older session without a version still opens");
  for (const version of [7, "", "ZZZ", "a".repeat(65), "<script>"]) {
    assert.throws(() => validateSession({ ...GOOD, version }, loaded), (e) => e instanceof SessionError && /versie van de regels .* ongeldig/.test(e.message), String(version));
  }
});

test("every bad field is refused with a Dutch message naming it", () => {
  const cases = [
    ["not an object", "tekst", /geen opgeslagen sessie/],
    ["an unknown field", { ...GOOD, extra: 1 }, /onbekend onderdeel \("extra"\)/],
    ["another version", { ...GOOD, v: 2 }, /andere versie/],
    ["no ruleset", { ...GOOD, ruleset: 7 }, /niet bij welke regels/],
    ["a ruleset not loaded", { ...GOOD, ruleset: "elders.rules" }, /niet is geladen/],
    ["no date", { ...GOOD, date: undefined }, /datum .* ongeldig \("geen"\)/],
    ["an impossible date", { ...GOOD, date: "2031-02-30" }, /datum .* ongeldig/],
    ["a date with text", { ...GOOD, date: "2031-03-01T00:00" }, /datum .* ongeldig/],
    ["a point with text coordinates", { ...GOOD, point: { x: "181159", y: 456453 } }, /punt op de kaart .* ongeldig/],
    ["a point outside the Netherlands", { ...GOOD, point: { x: 1e308, y: 456453 } }, /punt op de kaart/],
    ["a plan that is a string", { ...GOOD, plan: "vierkant" }, /tekening .* ongeldig/],
    ["a plan vertex with text", { ...GOOD, plan: [[181152, "x"]] }, /hoekpunt/],
    ["a plan of a million vertices", { ...GOOD, plan: Array(1_000_001).fill([181152, 456460]) }, /tekening/],
    ["answers that are a list", { ...GOOD, answers: [1, 2] }, /antwoorden .* ongeldig/],
    ["an answer to a bad name", { ...GOOD, answers: { "__proto__x;": 1 } }, /onbekende vraag/],
    ["an answer of 10,000 characters", { ...GOOD, answers: { height: "9".repeat(10_000) } }, /antwoord op "height"/],
    ["a deeply nested answer", { ...GOOD, answers: { plan2: JSON.parse("[".repeat(50) + "]".repeat(50)) } }, /antwoord op "plan2"/],
    ["too many answers", { ...GOOD, answers: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`q${i}`, true])) }, /te veel antwoorden/],
  ];
  for (const [what, raw, message] of cases) {
    assert.throws(() => validateSession(raw, loaded), (e) => e instanceof SessionError && message.test(e.message), what);
  }
});

test("damaged and oversized links are refused before anything is parsed", () => {
  assert.throws(() => decodeSession("a".repeat(MAX_LINK_CHARS + 1)), /te lang/);
  assert.throws(() => decodeSession("abc<script>"), /beschadigd/);
  assert.deepEqual(decodeSession("e30"), {}, "`{}` decodes; the validation refuses it");
  assert.throws(() => validateSession(decodeSession("e30"), loaded), /andere versie/);
  assert.throws(() => decodeSession("_-_-"), /beschadigd/);
  assert.throws(() => decodeSession(encodeSession("x").slice(0, 2) + "@"), /beschadigd/);
});

// Dutch diagnostics for the authoring page. The checker (the engine, and `rules check`) speaks
// English; this page shows each diagnostic in Dutch from one catalogue (diagnostics.nl.json, keyed
// on the stable codes), with "Bedoelt u ...?" when the checker has a suggestion and a link to the
// explanation of the code from docs/language.md. A message the catalogue does not know is shown
// with the code's Dutch title and the checker's own words.

let catalogue = {};

/** Fetch the catalogue once; the page works (in English) without it. */
export async function loadCatalogue() {
  try {
    catalogue = await fetch("diagnostics.nl.json").then((r) => (r.ok ? r.json() : {}));
  } catch {
    catalogue = {};
  }
  return catalogue;
}

/** Use a catalogue already read (for tests in Node, which has no page to fetch from). */
export function setCatalogue(c) {
  catalogue = c;
}

/** Where a code is explained: its row of the Diagnostics table of docs/language.md (built by build.mjs). */
export const docsUrl = (code) => `docs/diagnostics.html#${code}`;

/** The checker's suggestion in its help text ("did you mean `x`?"), or null. */
export function suggestion(help) {
  const m = /did you mean (`[^`]*`|"[^"]*"|\S+?)\?/.exec(help ?? "");
  return m ? m[1] : null;
}

/** `pattern`/`template` pairs: the first that matches `text`, filled in (captures through the terms). */
function translate(pairs, text) {
  const terms = catalogue._terms ?? {};
  for (const [pattern, template] of pairs ?? []) {
    const m = new RegExp(pattern).exec(text ?? "");
    if (m) return template.replace(/\$(\d)/g, (_, i) => terms[m[Number(i)]] ?? m[Number(i)] ?? "");
  }
  return null;
}

/** A diagnostic in Dutch: {text, english, suggestion, hint, englishHint}. */
export function dutch(d) {
  const entry = catalogue[d.code] ?? {};
  const text = translate(entry.patterns, d.message);
  const hint = d.help ? translate(catalogue._help, d.help) : null;
  return {
    text: text ?? entry.title ?? d.message,
    // The checker's own words, when the Dutch text does not carry them.
    english: text ? null : d.message,
    suggestion: suggestion(d.help),
    hint: hint || null,
    englishHint: d.help && hint === null ? d.help : null,
  };
}

/** "fout" or "waarschuwing". */
export const severityText = (d) => (d.severity === "error" ? "fout" : "waarschuwing");

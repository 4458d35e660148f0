// Short explanations of the legal terms residents meet on the page ("?" per term), at B1 level.
// Shown next to a text that uses the term, folded (a <details>), once per place on the page.
import { h } from "./dom.js";

export const TERMS = [
  [/bijbehorend(e)? bouwwerk/i, "Wat is een bijbehorend bouwwerk?", "Een bouwwerk dat bij uw huis hoort en op hetzelfde perceel staat: een aanbouw, uitbouw, schuur, garage of overkapping."],
  [/achtererf/i, "Wat is het achtererfgebied?", "Het deel van uw erf achter uw huis. Naast uw huis hoort het er ook bij, vanaf 1 meter achter de voorkant. Daar mag u vaak zonder vergunning bouwen."],
  [/bruidsschat/i, "Wat is de bruidsschat?", "Regels die het Rijk in 2024 aan elke gemeente heeft meegegeven. Ze staan nu in het omgevingsplan van de gemeente. De gemeente mag ze later veranderen."],
  [/omgevingsplan/i, "Wat is het omgevingsplan?", "Het plan van de gemeente met de regels voor de hele gemeente: wat u waar mag bouwen en wat u met uw grond mag doen."],
];

/** A "?" explanation for each term the texts use (none when no term is used). */
export function termHelp(...texts) {
  const all = texts.filter(Boolean).join(" ");
  const found = TERMS.filter(([re]) => re.test(all));
  if (!found.length) return null;
  return h(
    "div",
    { class: "terms", "data-testid": "terms" },
    found.map(([, question, answer]) => h("details", { class: "term" }, h("summary", {}, h("span", { class: "q-mark", "aria-hidden": "true" }, "?"), question), h("p", {}, answer))),
  );
}

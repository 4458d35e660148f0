// The outcome of a check, for a resident to act on: the verdict in plain Dutch with the reason and
// the next step, the rule with a link to its public text, "Afdrukken of bewaar als PDF", the way
// to the Omgevingsloket, and the checks of Binnen de lijntjes. Internal codes and the trace sit
// behind "Voor vakmensen". A new verdict is announced once (the only live region besides the
// status line) and, on a phone, scrolled into view.
import { h, CONCLUSIONS, refLink, limitText } from "./dom.js";
import { state, $, fmtNumber, fmtDate } from "./state.js";
import { offParcel } from "./drawing.js";
import { isPhone } from "./sheet.js";

/** The public site where residents apply for a permit or make a notification. */
export const OMGEVINGSLOKET = "https://omgevingswet.overheid.nl/";

const LOKET = {
  Vergunningplicht: "Vraag de vergunning aan in het Omgevingsloket",
  Meldingsplicht: "Doe de melding in het Omgevingsloket",
  Informatieplicht: "Geef de informatie door via het Omgevingsloket",
  NeemContactOp: "Naar het Omgevingsloket",
};


/** Engine figures with three or more decimals ("2,351 m") rounded to two for residents. */
export function plainFigures(text) {
  return String(text).replace(/(\d+)[,.](\d{3,})(?=\s*(m|m²|m³|%|graden|°)?)/g, (_, int, dec) =>
    fmtNumber(`${int}.${dec}`),
  );
}

function verdictOf(main) {
  let [verdict, kind] = CONCLUSIONS[main.outcome] ?? [main.display ?? String(main.outcome), "info"];
  // Rules that do not apply because the drawing is off the parcel: say that, not "gelden hier niet".
  const off = offParcel("plan");
  if (main.outcome === "NietVanToepassing" && off) [verdict, kind] = [off, "warn"];
  return [verdict, kind];
}

export function renderConclusion(section, outcome, info) {
  const [main, ...rest] = outcome.decisions;
  if (!main) return announce(null);
  if (main.status !== "decided") {
    section.append(h("p", { class: "muted", "data-testid": "progress" }, `Nog ${outcome.needed.length} ${outcome.needed.length === 1 ? "vraag" : "vragen"} tot de conclusie.`));
    return announce(null);
  }
  const [verdict, kind] = verdictOf(main);
  const parcel = state.parcel?.properties?.kadastraleAanduiding;
  const when = fmtDate(new Date());
  const box = h(
    "div",
    { class: `conclusion ${kind}`, "data-testid": "conclusion", "data-outcome": String(main.outcome), tabindex: "-1" },
    h("p", { class: "verdict" }, verdict),
    h("p", { class: "muted", "data-testid": "print-summary" }, `${info.activity ?? info.name}${state.placeLabel ? `, ${state.placeLabel}` : ""}${parcel ? `, perceel ${parcel}` : ""}. Gecontroleerd op ${when}.`),
    main.because ? h("p", { "data-testid": "because" }, h("strong", {}, "Waarom? "), plainFigures(main.because)) : null,
    main.ref ? h("p", { class: "muted", "data-testid": "ref" }, "Regel: ", refLink(main.ref)) : null,
  );
  const steps = rest.filter((d) => d.status === "decided" && typeof d.outcome === "string" && !(d.outcome in CONCLUSIONS));
  if (steps.length) box.append(h("h3", {}, "Wat moet u nu doen?"), ...steps.map((d) => h("p", { "data-testid": "next-step" }, d.display ?? d.outcome)));
  const loket = LOKET[main.outcome];
  box.append(
    h(
      "div",
      { class: "actions no-print" },
      h("button", { type: "button", class: "secondary", "data-action": "print", onclick: () => window.print() }, "Afdrukken of bewaar als PDF"),
      loket ? h("a", { class: "button", href: OMGEVINGSLOKET, "data-testid": "omgevingsloket" }, loket) : null,
    ),
  );
  box.append(vakmensen(main, info));
  section.append(box);
  announce(box, verdict, `Uitkomst: ${verdict}.${main.because ? ` ${plainFigures(main.because)}` : ""}`);
}

/** Internal names, codes and the engine's trace: for professionals, folded away. */
function vakmensen(main, info) {
  return h(
    "details",
    { class: "vakmensen" },
    h("summary", {}, "Voor vakmensen"),
    h(
      "dl",
      { class: "facts" },
      [h("dt", {}, "Regelset"), h("dd", {}, `${info.name} (${state.rulesetId})`)],
      [h("dt", {}, main.name), h("dd", {}, main.display ?? String(main.outcome))],
      [h("dt", {}, "Code"), h("dd", {}, String(main.outcome))],
    ),
    main.trace?.length
      ? [
          h("p", {}, "Hoe komen we hierop (stap voor stap):"),
          h(
            "ol",
            { class: "trace" },
            main.trace.map((s) =>
              h(
                "li",
                {},
                h("code", {}, s.step),
                ` — ${{ true: "klopt", false: "klopt niet", unknown: "nog onbekend" }[s.result] ?? s.result}`,
                s.values ? h("span", { class: "muted" }, ` (${Object.entries(s.values).map(([k, v]) => `${k} = ${v}`).join(", ")})`) : null,
              ),
            ),
          ),
        ]
      : null,
  );
}

let announced = "";
/**
 * Says a new verdict once (aria-live) and, on a phone, brings it into view. Keyed on the verdict:
 * a reason whose figures change while a corner is dragged is not read out again and again.
 */
function announce(box, verdict = "", text = "") {
  const live = $("result-live");
  if (verdict === announced) return;
  announced = verdict;
  if (live) live.textContent = text;
  // (The conclusion as it is on the page: the panel is patched, `box` may be its new version.)
  if (box && isPhone() && !state.drawing && !state.dragging) requestAnimationFrame(() => document.querySelector("#check [data-testid=conclusion]")?.scrollIntoView({ block: "start" }));
}

export function renderChecks(section, outcome) {
  if (!outcome.checks.length) return;
  const list = h("ul", { class: "plain checks", "data-testid": "checks" });
  for (const c of outcome.checks) {
    const verdict = { pass: "Past", fail: "Past niet", unknown: "Nog onbekend" }[c.status];
    list.append(
      h(
        "li",
        { "data-status": c.status, "data-check": c.name },
        h("span", { class: "verdict" }, verdict),
        h("span", { class: "name" }, c.name),
        c.measured ? h("div", { class: "measure" }, `Gemeten: ${plainFigures(c.measured)} · toegestaan: ${plainFigures(limitText(c.limit))}`) : null,
        c.status === "fail" && c.because ? h("div", {}, plainFigures(c.because)) : null,
        c.status === "fail" && c.geometry ? h("div", { class: "muted" }, "Het deel dat niet past is rood op de kaart.") : null,
      ),
    );
  }
  section.append(h("h3", {}, "Binnen de lijntjes"), list);
}

// Droog oefenen: saving a session (answers, drawn plan, date) as a file or a link, and opening one
// again. The page hands in the few hooks this needs (setupSessions); everything else stays here.
import { h, clear, today } from "./dom.js";

let page = null;

/**
 * hooks: {
 *   state,                       the page state (session, rulesetId, point, plan)
 *   showStatus(text, error),     the status line
 *   rulesetInfo(id),             manifest entry of a loaded ruleset, or undefined
 *   showPoint(point),            centre the map on {x, y} and select what is there
 *   startActivity(id, saved),    start the ruleset with saved answers, plan and date
 *   practiceBox(),               the element the Droog oefenen section goes in
 * }
 */
export function setupSessions(hooks) {
  page = hooks;
}

/** The current session as a plain object, or null when no ruleset is started. */
export function snapshot() {
  const state = page.state;
  if (!state.session) return null;
  const answers = { ...state.session.answers() };
  delete answers.parcel;
  delete answers.plan;
  return { v: 1, ruleset: state.rulesetId, date: today(), point: state.point, answers, plan: state.plan };
}

export function encodeSession(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(s));
  return btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

export function decodeSession(text) {
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    page.showStatus("De opgeslagen sessie in de link kon niet worden gelezen.", true);
    return null;
  }
}

/** Opens the session in a `#sessie=...` address, if there is one. */
export function restoreFromHash(hash) {
  if (hash.startsWith("#sessie=")) restore(decodeSession(hash.slice(8)));
}

export function restore(saved) {
  if (!saved || !page.rulesetInfo(saved.ruleset)) {
    if (saved) page.showStatus("De opgeslagen sessie hoort bij een regelset die hier niet is geladen.", true);
    return;
  }
  if (saved.point) page.showPoint(saved.point);
  page.startActivity(saved.ruleset, saved);
  page.showStatus("Uw opgeslagen sessie is weer geopend.");
}

export function renderPractice() {
  const box = clear(page.practiceBox());
  const section = h("section", { "aria-labelledby": "practice-title" }, h("h2", { id: "practice-title" }, "Droog oefenen"));
  box.append(section);
  const fileInput = h("input", { type: "file", id: "session-file", accept: ".json,application/json", class: "visually-hidden" });
  fileInput.addEventListener("change", async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    try {
      restore(JSON.parse(await file.text()));
    } catch {
      page.showStatus("Dit bestand is geen opgeslagen sessie.", true);
    }
  });
  const s = snapshot();
  section.append(
    h("p", {}, s ? "Bewaar uw antwoorden en tekening, en open ze later weer." : "Open een sessie die u eerder hebt bewaard."),
    h(
      "div",
      { class: "actions" },
      s ? h("button", { type: "button", onclick: saveFile, "data-action": "save-file" }, "Bewaar als bestand") : null,
      s ? h("button", { type: "button", class: "secondary", onclick: saveLink, "data-action": "save-link" }, "Maak een link") : null,
      h("label", { for: "session-file", class: "button secondary" }, "Open een bestand"),
      fileInput,
    ),
    h("p", { id: "link-out", class: "muted" }),
  );
}

function saveFile() {
  const blob = new Blob([JSON.stringify(snapshot(), null, 2)], { type: "application/json" });
  const a = h("a", { href: URL.createObjectURL(blob), download: "mijn-vergunningcheck.json" });
  document.body.append(a);
  a.click();
  a.remove();
}

function saveLink() {
  const hash = `#sessie=${encodeSession(snapshot())}`;
  history.replaceState(null, "", hash);
  const url = location.href;
  document.getElementById("link-out").textContent = `De link staat nu in de adresbalk. Bewaar die als bladwijzer: ${url.length > 90 ? `${url.slice(0, 90)}…` : url}`;
  navigator.clipboard?.writeText(url).catch(() => {});
}

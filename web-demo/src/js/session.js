// Keeping the work: the session (answers, drawn plan, date, ruleset version) is saved on this
// computer and in the address after every change, can be saved as a file, and opens again from a
// link, a file or the autosave. The page hands in the few hooks this needs (setupSessions).
//
// A link or file can come from anyone, so it is read as untrusted input: a size limit, every field
// checked (with a Dutch message naming what is wrong), and nothing happens on the page until the
// whole session is known to be good. A session carries the date it was made on; opening it on
// another day asks first with which date to evaluate, and an outcome for another date than today
// says so, because rules change over time.
//
// Opening a session (a shared link, a file, an earlier one) never destroys the work saved in this
// browser: the resident's own session moves to "Eerder bewaard op deze computer", from where it
// opens again with one button (and the one open then moves there in turn). Nor does a second tab:
// before it saves over the session another tab saved, that one moves there (keepOtherTab).
import { h, clear, patch, on, today, keepFocus } from "./dom.js";
import { openSheet } from "./sheet.js";

/** Longest `#sessie=` text read (a session with a drawn plan is 1 to 3 KB). */
export const MAX_LINK_CHARS = 20000;
/** Largest session file opened. */
export const MAX_FILE_BYTES = 200000;
const MAX_ANSWERS = 200;
const MAX_TEXT = 2000;
const MAX_VERTICES = 1000;
const MAX_DEPTH = 8;
// RD New, as the engine accepts it (metres).
const RD = { x: [-7000, 300000], y: [289000, 629000] };

/** A session that cannot be opened; the message is for the resident (Dutch). */
export class SessionError extends Error {}

let page = null;
/** A saved session waiting for the resident to choose its date. */
let pending = null;
/** The session opened from a link or file, and the date it runs on. */
let opened = null;
/** localStorage key of the autosaved session. */
export const AUTOSAVE_KEY = "vergunningcheck-sessie";
/** localStorage key of the sessions kept when another one was opened ("Eerder bewaard"). */
export const EARLIER_KEY = "vergunningcheck-eerder";
/** How many earlier sessions are kept (the oldest goes first). */
export const MAX_EARLIER = 5;
/** localStorage key: the tab that wrote the autosave last. */
export const AUTOSAVE_TAB_KEY = "vergunningcheck-sessie-tab";
/**
 * This tab's id (kept over a reload: sessionStorage is per tab). Two tabs of the page save to the
 * same autosave; before one writes over the other's session, that goes under "Eerder bewaard".
 */
const TAB = (() => {
  try {
    const id = sessionStorage.getItem("vergunningcheck-tab") ?? Math.random().toString(36).slice(2);
    sessionStorage.setItem("vergunningcheck-tab", id);
    return id;
  } catch {
    return Math.random().toString(36).slice(2);
  }
})();
/**
 * "Probeer als inwoner" of the authoring page (`?probeer`): a trial of rules being edited, kept
 * only in its address; it must not replace (or push out of "Eerder bewaard") a resident's work.
 */
const TRIAL = typeof location !== "undefined" && new URLSearchParams(location.search).has("probeer");

/**
 * hooks: {
 *   state,                       the page state (session, rulesetId, point, plan)
 *   showStatus(text, error),     the status line
 *   rulesetInfo(id),             manifest entry of a loaded ruleset, or undefined
 *   showPoint(point),            centre the map on {x, y} and select what is there
 *   startActivity(id, saved),    start the ruleset with saved answers, plan and date; returns
 *                                the saved answers it could not use ([{name, label}])
 *   rulesetVersion(id),          the version (a digest of the text) of a loaded ruleset
 *   practiceBox(),               the element the "Bewaren" section goes in
 *   resumeBox(),                 the element the "verder gaan?" question goes in
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
  const date = opened && opened.session === state.session ? opened.date : today();
  const s = { v: 1, ruleset: state.rulesetId, date, point: state.point, answers, plan: state.plan };
  const version = page.rulesetVersion?.(state.rulesetId);
  if (version) s.version = version;
  return s;
}

/**
 * Keeps the work: the current session in localStorage and in the address (`#sessie=`), after
 * every change, so a reload, a bookmark or a shared link opens it as it is now.
 */
export function autosave() {
  // At most ten writes a second (browsers refuse too many address changes; a corner moved with a
  // held arrow key redraws 30 times a second), the last change always written. A corner being
  // dragged is written when it is let go.
  if (page?.state.dragging) return;
  const wait = lastSave + 100 - Date.now();
  clearTimeout(saveTimer);
  if (wait > 0) {
    saveTimer = setTimeout(autosave, wait);
    return;
  }
  lastSave = Date.now();
  saveNow();
}

let lastSave = 0;
let saveTimer = null;
/** Whether the autosave holds this page's session (written or opened here), not an earlier visit's. */
let ownsAutosave = false;
/** What this tab wrote to the autosave last (since then, another tab's write there is kept). */
let written = null;
if (typeof window !== "undefined") {
  // A change waiting for its write is written before the page goes (reload, closing the tab).
  window.addEventListener("pagehide", () => {
    if (saveTimer !== null) saveNow();
  });
}

function saveNow() {
  saveTimer = null;
  if (pending || !page) return;
  const s = snapshot();
  if (!s) return;
  const encoded = encodeSession(s);
  if (TRIAL) {
    if (encoded.length <= MAX_LINK_CHARS && location.hash !== `#sessie=${encoded}`) history.replaceState(null, "", `#sessie=${encoded}`);
    return;
  }
  if (!ownsAutosave) {
    // The first write of this page: a session saved here before (offered, not opened) is kept.
    ownsAutosave = true;
    if (keepStored(canonical(s))) {
      clear(page.resumeBox());
      renderPractice();
    }
  }
  keepOtherTab();
  try {
    localStorage.setItem(AUTOSAVE_KEY, encoded);
    localStorage.setItem(AUTOSAVE_TAB_KEY, TAB);
    written = encoded;
  } catch {
    // Storage full or refused (private mode): the link in the address still keeps the work.
  }
  if (encoded.length > MAX_LINK_CHARS) {
    // Too long for a link: an older link left in the address would open older work on a reload.
    if (location.hash.startsWith("#sessie=")) history.replaceState(null, "", location.pathname + location.search);
  } else if (location.hash !== `#sessie=${encoded}`) history.replaceState(null, "", `#sessie=${encoded}`);
}

/**
 * Before this tab writes the autosave again: a session another tab wrote there since goes under
 * "Eerder bewaard" (once: an older copy of that tab's session there is replaced), and this tab's
 * own copy there (put there by the other tab) goes, as the autosave holds its newer work now. (The
 * first write of a tab keeps what it finds there as before, with keepStored: not when it is the
 * session this tab opened.)
 */
function keepOtherTab() {
  let owner, text;
  try {
    owner = localStorage.getItem(AUTOSAVE_TAB_KEY);
    text = localStorage.getItem(AUTOSAVE_KEY);
  } catch {
    return;
  }
  const earlier = readEarlier();
  let list = earlier.filter((e) => e.tab !== TAB);
  const other = written && owner && owner !== TAB && text ? canonicalText(text) : null;
  let s = null;
  try {
    s = other ? decodeSession(other) : null;
  } catch {
    s = null; // (too long to read back: not kept, as keepText cannot either)
  }
  // (Not when the other tab only opened this tab's session and changed nothing.)
  if (holdsWork(s) && other !== canonicalText(written)) {
    list = [{ text: other, kept: today(), tab: owner }, ...list.filter((e) => e.tab !== owner && e.text !== other)];
  }
  if (JSON.stringify(list) === JSON.stringify(earlier)) return;
  writeEarlier(list);
  renderPractice();
}

/** The resident stopped (or chose to start again): nothing is kept. */
export function forget() {
  clearTimeout(saveTimer);
  saveTimer = null;
  try {
    if (!TRIAL) localStorage.removeItem(AUTOSAVE_KEY);
  } catch {
    // nothing kept anyway
  }
  if (location.hash.startsWith("#sessie=")) history.replaceState(null, "", location.pathname + location.search);
}

/** Whether the running session holds work a resident would not want to lose. */
export function hasWork() {
  const s = page.state;
  return Boolean(s.session && (s.history.length || s.plan.length || Object.values(s.shapes).some((p) => p.length)));
}

export function encodeSession(s) {
  const bytes = new TextEncoder().encode(JSON.stringify(s));
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** The object in a link's `#sessie=` text; throws a SessionError. */
export function decodeSession(text) {
  if (text.length > MAX_LINK_CHARS) {
    throw new SessionError(`Deze link is te lang (meer dan ${MAX_LINK_CHARS.toLocaleString("nl-NL")} tekens) en is niet geopend.`);
  }
  if (!/^[A-Za-z0-9_-]*$/.test(text)) throw new SessionError("Deze link is beschadigd: er staan tekens in die er niet in horen.");
  try {
    const b64 = text.replace(/-/g, "+").replace(/_/g, "/");
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw new SessionError("Deze link is beschadigd en kon niet worden gelezen.");
  }
}

const isObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
const inRange = (n, [lo, hi]) => typeof n === "number" && Number.isFinite(n) && n >= lo && n <= hi;
const shown = (s) => JSON.stringify(String(s).slice(0, 40));

function validDate(s) {
  const m = typeof s === "string" && /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}

function depth(v) {
  if (typeof v !== "object" || v === null) return 0;
  let deepest = 0;
  for (const x of Object.values(v)) {
    deepest = Math.max(deepest, depth(x));
    if (deepest > MAX_DEPTH) break;
  }
  return deepest + 1;
}

/**
 * Every field of a saved session checked; returns a clean copy or throws a SessionError with a
 * Dutch message. `hasRuleset(id)` says whether that ruleset is loaded on this page.
 */
export function validateSession(raw, hasRuleset) {
  const fail = (message) => {
    throw new SessionError(message);
  };
  if (!isObject(raw)) fail("Dit is geen opgeslagen sessie.");
  for (const key of Object.keys(raw)) {
    if (!["v", "ruleset", "version", "date", "point", "answers", "plan"].includes(key)) fail(`De opgeslagen sessie heeft een onbekend onderdeel (${shown(key)}).`);
  }
  if (raw.v !== 1) fail("Deze sessie is bewaard met een andere versie van deze pagina en kan niet worden geopend.");
  if (typeof raw.ruleset !== "string" || raw.ruleset.length === 0 || raw.ruleset.length > 200) fail("De opgeslagen sessie zegt niet bij welke regels hij hoort.");
  if (!hasRuleset(raw.ruleset)) fail("De opgeslagen sessie hoort bij een regelset die hier niet is geladen.");
  if (raw.version !== undefined && (typeof raw.version !== "string" || !/^[0-9a-f]{1,64}$/.test(raw.version))) fail("De versie van de regels in de opgeslagen sessie is ongeldig.");
  if (!validDate(raw.date)) fail(`De datum in de opgeslagen sessie is ongeldig (${shown(raw.date ?? "geen")}).`);
  let point = null;
  if (raw.point !== undefined && raw.point !== null) {
    if (!isObject(raw.point) || !inRange(raw.point.x, RD.x) || !inRange(raw.point.y, RD.y)) {
      fail("Het punt op de kaart in de opgeslagen sessie is ongeldig: het moet een plaats in Nederland zijn.");
    }
    point = { x: raw.point.x, y: raw.point.y };
  }
  const answers = {};
  if (raw.answers !== undefined) {
    if (!isObject(raw.answers)) fail("De antwoorden in de opgeslagen sessie zijn ongeldig.");
    const entries = Object.entries(raw.answers);
    if (entries.length > MAX_ANSWERS) fail(`De opgeslagen sessie heeft te veel antwoorden (meer dan ${MAX_ANSWERS}).`);
    for (const [name, value] of entries) {
      if (!/^[a-z_][A-Za-z0-9_]{0,99}$/.test(name)) fail(`De opgeslagen sessie heeft een antwoord op een onbekende vraag (${shown(name)}).`);
      const ok =
        value === null ||
        typeof value === "boolean" ||
        (typeof value === "number" && Number.isFinite(value)) ||
        (typeof value === "string" && value.length <= MAX_TEXT) ||
        (typeof value === "object" && depth(value) <= MAX_DEPTH);
      if (!ok) fail(`Het antwoord op ${shown(name)} in de opgeslagen sessie is ongeldig.`);
      answers[name] = value;
    }
  }
  const plan = [];
  if (raw.plan !== undefined && raw.plan !== null) {
    if (!Array.isArray(raw.plan) || raw.plan.length > MAX_VERTICES) fail("De tekening in de opgeslagen sessie is ongeldig.");
    for (const p of raw.plan) {
      if (!Array.isArray(p) || p.length !== 2 || !inRange(p[0], RD.x) || !inRange(p[1], RD.y)) {
        fail("De tekening in de opgeslagen sessie is ongeldig: een hoekpunt ligt niet in Nederland.");
      }
      plan.push([p[0], p[1]]);
    }
  }
  const clean = { v: 1, ruleset: raw.ruleset, date: raw.date, point, answers, plan };
  if (raw.version !== undefined) clean.version = raw.version;
  return clean;
}

/** `2031-03-01` -> `1 maart 2031`. */
export function dutchDate(iso) {
  const [y, m, d] = iso.split("-").map(Number);
  return new Date(y, m - 1, d).toLocaleDateString("nl-NL", { day: "numeric", month: "long", year: "numeric" });
}

/**
 * Opens the session in a `#sessie=...` address, if there is one; without one, offers to go on
 * with the session saved on this computer. Never throws.
 */
export function restoreFromHash(hash) {
  if (!hash.startsWith("#sessie=")) {
    offerResume();
    return;
  }
  try {
    restore(decodeSession(hash.slice(8)));
  } catch (e) {
    failed(e);
    offerResume();
  }
}

if (typeof window !== "undefined") {
  // A link pasted into the address bar of an open page changes only the part after "#".
  window.addEventListener("hashchange", () => {
    if (page && location.hash.startsWith("#sessie=")) restoreFromHash(location.hash);
  });
  // Another tab kept a session under "Eerder bewaard" (or took one out): the list here follows.
  window.addEventListener("storage", (e) => {
    if (page && e.key === EARLIER_KEY) renderPractice();
  });
}

function failed(e) {
  openSheet();
  const text = e instanceof SessionError ? e.message : "De opgeslagen sessie kon niet worden geopend.";
  page.showStatus(`${text} U kunt gewoon opnieuw beginnen: zoek uw adres of klik op de kaart.`, true);
  // A link that cannot be opened is not kept in the address (a reload would fail again).
  if (location.hash.startsWith("#sessie=")) history.replaceState(null, "", location.pathname + location.search);
}

/** "U was nog bezig": the session saved on this computer, offered (never opened unasked). */
function offerResume() {
  if (TRIAL) return;
  let saved;
  try {
    const text = localStorage.getItem(AUTOSAVE_KEY);
    if (!text) return;
    saved = validateSession(decodeSession(text), (id) => Boolean(page.rulesetInfo(id)));
  } catch {
    forget();
    return;
  }
  const info = page.rulesetInfo(saved.ruleset);
  openSheet();
  const box = clear(page.resumeBox());
  const close = () => clear(page.resumeBox());
  box.append(
    h(
      "div",
      { class: "card", role: "group", "aria-labelledby": "resume-text", "data-testid": "resume" },
      h("p", { id: "resume-text" }, `U was nog bezig met: ${info?.activity ?? info?.name ?? "een controle"}. Wilt u verder gaan waar u was?`),
      h(
        "div",
        { class: "actions" },
        h("button", { type: "button", "data-action": "resume", onclick: () => { close(); restore(saved); } }, "Ja, ga verder"),
        h("button", { type: "button", class: "secondary", "data-action": "start-over", onclick: () => { close(); forget(); page.showStatus("U begint opnieuw."); } }, "Nee, begin opnieuw"),
      ),
    ),
  );
}

/** Checks a saved session; on another date than today, asks first which date to use. */
export function restore(raw) {
  let saved;
  try {
    saved = validateSession(raw, (id) => Boolean(page.rulesetInfo(id)));
  } catch (e) {
    failed(e);
    return;
  }
  if (saved.date !== today()) {
    pending = saved;
    openSheet();
    renderPractice();
    page.showStatus(`Deze sessie is bewaard met de datum ${dutchDate(saved.date)}. Kies hieronder met welke datum u de uitkomst wilt zien.`);
    page.practiceBox().querySelector("[data-action=session-today]")?.focus();
    return;
  }
  open(saved);
}

/**
 * Opens a checked session. `source` is the session as it came in (before the resident chose
 * another date): the copy of it under "Eerder bewaard", if any, is no longer needed there.
 */
function open(saved, source = saved) {
  pending = null;
  openSheet();
  clear(page.resumeBox());
  const kept = keepOwn(source);
  try {
    if (saved.point) page.showPoint(saved.point);
    const dropped = page.startActivity(saved.ruleset, saved) ?? [];
    opened = { session: page.state.session, date: saved.date };
    autosave(); // again, now with the date chosen (the first write ran before it was known)
    // (With own work put aside, the session opened may be someone else's: not "uw".)
    let text = kept ? "De sessie die u opende, staat nu op het scherm." : "Uw opgeslagen sessie is weer geopend.";
    if (saved.date !== today()) text += ` Let op: de uitkomst geldt voor ${dutchDate(saved.date)}, niet voor vandaag.`;
    const changed = saved.version && saved.version !== page.rulesetVersion?.(saved.ruleset);
    const list = dropped.map((d) => d.label).join("; ");
    if (changed) {
      text += " De regels zijn veranderd sinds u deze sessie bewaarde.";
      text += dropped.length
        ? ` ${dropped.length === 1 ? "Dit antwoord geldt" : "Deze antwoorden gelden"} niet meer: ${list}. Beantwoord de vragen opnieuw.`
        : " Uw antwoorden gelden nog; kijk de uitkomst goed na.";
    } else if (dropped.length) {
      text += ` ${dropped.length === 1 ? "Dit antwoord" : "Deze antwoorden"} uit de sessie ${dropped.length === 1 ? "kon" : "konden"} niet worden gebruikt: ${list}. Beantwoord de vragen opnieuw.`;
    }
    if (kept) text += ` Wat u eerder deed (${kept}) is niet weg: dat staat onder "Eerder bewaard op deze computer".`;
    page.showStatus(text);
  } catch (e) {
    failed(e);
  }
  renderPractice();
}

// ------------------------------------------------------------------ "Eerder bewaard"

/** The same session, as one text (field order fixed by validateSession), or null if it is not one. */
function canonical(raw) {
  try {
    return encodeSession(validateSession(raw, (id) => Boolean(page.rulesetInfo(id))));
  } catch {
    return null;
  }
}

/** The same for a saved text (`#sessie=` form), or null. */
function canonicalText(text) {
  try {
    return canonical(decodeSession(text));
  } catch {
    return null;
  }
}

/** Whether a decoded session (or null) holds work to keep: a session started but not yet answered or drawn does not. */
function holdsWork(s) {
  return Boolean(s && (Object.keys(s.answers).length || s.plan.length));
}

/** The sessions kept on this computer, newest first: [{text, kept: "2026-12-06"}]. */
export function readEarlier() {
  try {
    const list = JSON.parse(localStorage.getItem(EARLIER_KEY) ?? "[]");
    if (!Array.isArray(list)) return [];
    return list.filter((e) => isObject(e) && typeof e.text === "string" && e.text.length <= MAX_LINK_CHARS * 10 && validDate(e.kept)).slice(0, MAX_EARLIER);
  } catch {
    return [];
  }
}

function writeEarlier(list) {
  try {
    if (list.length) localStorage.setItem(EARLIER_KEY, JSON.stringify(list.slice(0, MAX_EARLIER)));
    else localStorage.removeItem(EARLIER_KEY);
  } catch {
    // Storage refused: the list stays as it was.
  }
}

/** "Schuur of tuinhuis bouwen, 2 antwoorden, met tekening" for a saved session. */
function describe(s) {
  const info = page.rulesetInfo(s.ruleset);
  const n = Object.keys(s.answers).length;
  const parts = [info?.activity ?? info?.name ?? "een controle"];
  parts.push(n === 1 ? "1 antwoord" : `${n} antwoorden`);
  if (s.plan.length) parts.push("met tekening");
  return parts.join(", ");
}

/**
 * Before `incoming` replaces the session of this browser: the own session (the one on the page,
 * or else the autosave) goes under "Eerder bewaard", unless it is the same session or holds no
 * work; a copy of `incoming` there is taken out. Returns the description of what was kept, or null.
 */
function keepOwn(incoming) {
  if (TRIAL) return null;
  const coming = canonical(incoming);
  ownsAutosave = true;
  if (!page.state.session) return keepStored(coming);
  const own = hasWork() ? canonical(snapshot()) : null;
  return keepText(own, coming);
}

/** The autosave of an earlier visit under "Eerder bewaard", unless it is `coming`. */
function keepStored(coming) {
  let own = null;
  let tab = null;
  try {
    const text = localStorage.getItem(AUTOSAVE_KEY);
    own = text ? canonical(decodeSession(text)) : null;
    tab = localStorage.getItem(AUTOSAVE_TAB_KEY);
  } catch {
    own = null;
  }
  return keepText(own, coming, tab);
}

/** `tab`: the tab that saved `own`, if it was saved by one (keepOtherTab replaces it then). */
function keepText(own, coming, tab = null) {
  let list = readEarlier().filter((e) => e.text !== coming && e.text !== own);
  let kept = null;
  const s = own && own !== coming ? decodeSession(own) : null;
  if (holdsWork(s)) {
    list = [{ text: own, kept: today(), ...(tab ? { tab } : {}) }, ...list];
    kept = describe(s);
  }
  writeEarlier(list);
  return kept;
}

/** Opens a session kept under "Eerder bewaard"; the one open now takes its place there. */
function openEarlier(text) {
  try {
    restore(decodeSession(text));
  } catch (e) {
    failed(e);
  }
}

function removeEarlier(text) {
  writeEarlier(readEarlier().filter((e) => e.text !== text));
  page.showStatus("De bewaarde sessie is verwijderd.");
  renderPractice();
}

function earlierList() {
  const rows = [];
  readEarlier().forEach((e, i) => {
    if (e.tab === TAB) return; // (this tab's own work, on the screen here: kept by another tab)
    let s;
    try {
      s = validateSession(decodeSession(e.text), (id) => Boolean(page.rulesetInfo(id)));
    } catch {
      return; // (a ruleset no longer on this page, or damaged: not offered)
    }
    const id = `earlier-${i}`;
    rows.push(
      h(
        "li",
        { "data-earlier": String(i), "data-testid": "earlier-session" },
        h("p", { id }, `${capital(describe(s))}. Opzij gezet op ${dutchDate(e.kept)}.`),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", "data-action": "open-earlier", "aria-describedby": id, onclick: () => openEarlier(e.text) }, "Ga hiermee verder"),
          h("button", { type: "button", class: "secondary", "data-action": "remove-earlier", "aria-describedby": id, onclick: () => removeEarlier(e.text) }, "Verwijder"),
        ),
      ),
    );
  });
  if (!rows.length) return null;
  return h(
    "div",
    { class: "earlier", "data-testid": "earlier" },
    h("h3", { id: "earlier-title" }, "Eerder bewaard op deze computer"),
    h("p", { class: "muted" }, `Hier staat werk dat u eerder op deze computer deed. U kunt er later mee verder gaan. We bewaren de laatste ${MAX_EARLIER}.`),
    h("ul", { class: "plain", "aria-labelledby": "earlier-title" }, rows),
  );
}

const capital = (s) => s.charAt(0).toUpperCase() + s.slice(1);

export function renderPractice() {
  const restoreFocus = keepFocus(page.practiceBox());
  const fresh = h("div");
  renderPracticeInto(fresh);
  patch(page.practiceBox(), fresh);
  restoreFocus(document.getElementById("practice-title"));
}

function renderPracticeInto(box) {
  const section = h("section", { "aria-labelledby": "practice-title" }, h("h2", { id: "practice-title", tabindex: "-1" }, "Bewaren en later verder gaan"));
  box.append(section);
  if (pending) {
    const saved = pending;
    section.append(
      h(
        "div",
        { class: "card", role: "group", "aria-labelledby": "session-date-question", "data-testid": "session-date-question" },
        h("p", { id: "session-date-question" }, `Deze sessie is bewaard met de datum ${dutchDate(saved.date)}. Regels kunnen op een andere datum anders zijn. Met welke datum wilt u de uitkomst zien?`),
        h(
          "div",
          { class: "actions" },
          h("button", { type: "button", "data-action": "session-today", onclick: () => open({ ...saved, date: today() }, saved) }, `Vandaag (${dutchDate(today())})`),
          h("button", { type: "button", class: "secondary", "data-action": "session-saved-date", onclick: () => open(saved) }, `De bewaarde datum (${dutchDate(saved.date)})`),
        ),
      ),
    );
  }
  const s = snapshot();
  if (s && s.date !== today()) {
    section.append(h("p", { class: "error-text", "data-testid": "session-date" }, `Let op: deze uitkomst geldt voor ${dutchDate(s.date)}, niet voor vandaag.`));
  }
  const fileInput = h("input", { type: "file", id: "session-file", accept: ".json,application/json", class: "visually-hidden" });
  on(fileInput, "change", async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    if (file.size > MAX_FILE_BYTES) {
      page.showStatus(`Dit bestand is te groot voor een opgeslagen sessie (meer dan ${MAX_FILE_BYTES / 1000} kB).`, true);
      return;
    }
    let raw;
    try {
      raw = JSON.parse(await file.text());
    } catch {
      page.showStatus("Dit bestand is geen opgeslagen sessie.", true);
      return;
    }
    restore(raw);
  });
  section.append(
    h("p", {}, s ? "Uw antwoorden en tekening worden op deze computer bewaard, en de link in de adresbalk opent ze weer. U kunt ze ook als bestand bewaren." : "Open een sessie die u eerder als bestand hebt bewaard."),
    h(
      "div",
      { class: "actions" },
      s ? h("button", { type: "button", onclick: saveFile, "data-action": "save-file" }, "Bewaar als bestand") : null,
      s ? h("button", { type: "button", class: "secondary", onclick: saveLink, "data-action": "save-link" }, "Kopieer de link") : null,
      h("label", { for: "session-file", class: "button secondary" }, "Open een bestand"),
      fileInput,
    ),
    h("p", { id: "link-out", class: "muted" }),
    earlierList(),
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
  const encoded = encodeSession(snapshot());
  const out = document.getElementById("link-out");
  if (encoded.length > MAX_LINK_CHARS) {
    out.textContent = "Deze sessie is te groot voor een link. Bewaar hem als bestand.";
    return;
  }
  history.replaceState(null, "", `#sessie=${encoded}`);
  const url = location.href;
  out.textContent = `De link staat nu in de adresbalk. Bewaar die als bladwijzer: ${url.length > 90 ? `${url.slice(0, 90)}…` : url}`;
  navigator.clipboard?.writeText(url).catch(() => {});
}

import { lawLinks } from "./laws.js";

// Builds DOM nodes. Every text goes in as a text node (textContent), never as HTML: texts come
// from rulesets and data, and must not be able to inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") on(el, key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

// Elements with event listeners: `patch` keeps or replaces them whole, never patches inside them
// (their listeners may hold on to the nodes within). One is kept when equal to its new version, so
// what its listener does must show in its attributes or text (or its card's data-input).
const listened = new WeakSet();

/** addEventListener, noted for `patch`: every listener in a panel that is patched goes on this way. */
export function on(el, type, fn) {
  el.addEventListener(type, fn);
  listened.add(el);
  return el;
}

/**
 * Makes the children of `box` look like those of `fresh` (built anew with h()), touching only
 * what differs: a node equal to its new version is kept as it is, so the browser restyles and
 * lays out only what changed (a corner being dragged changes a few figures, not the panel), and
 * focus, scroll position and a screen reader's place stay. Children are matched by tag and key
 * (data-check, data-question, data-input, data-testid or id), else in order.
 */
export function patch(box, fresh) {
  const olds = new Map();
  for (const n of box.childNodes) {
    const k = patchKey(n);
    if (!olds.has(k)) olds.set(k, []);
    olds.get(k).push(n);
  }
  const wanted = [...fresh.childNodes].map((n) => {
    const old = olds.get(patchKey(n))?.shift();
    if (!old) return n;
    if (old.isEqualNode(n)) return old;
    if (old.nodeType === Node.TEXT_NODE) {
      old.data = n.data;
      return old;
    }
    if (old.nodeType !== Node.ELEMENT_NODE || listened.has(old) || listened.has(n) || !sameAttributes(old, n)) return n;
    patch(old, n);
    return old;
  });
  // Into place, in order; what is left of the old children goes.
  wanted.forEach((n, i) => {
    if (box.childNodes[i] !== n) box.insertBefore(n, box.childNodes[i] ?? null);
  });
  while (box.childNodes.length > wanted.length) box.lastChild.remove();
  return box;
}

const KEYS = ["data-check", "data-question", "data-input", "data-testid", "id"];
/** What an old child and a new one are matched by: their tag and first key attribute. */
function patchKey(n) {
  if (n.nodeType !== Node.ELEMENT_NODE) return `#${n.nodeType}`;
  const name = KEYS.map((a) => n.getAttribute(a)).find((v) => v !== null);
  return `${n.tagName}|${name ?? ""}`;
}

function sameAttributes(a, b) {
  if (a.attributes.length !== b.attributes.length) return false;
  for (const { name, value } of a.attributes) if (b.getAttribute(name) !== value) return false;
  return true;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** `<= 150 m²` -> `ten hoogste 150 m²` (limits as the checks report them). */
export function limitText(limit) {
  if (!limit) return "";
  const m = /^(<=|>=|<|>|==|!=)\s*(.*)$/.exec(limit);
  if (!m) return limit;
  const words = { "<=": "ten hoogste", ">=": "ten minste", "<": "minder dan", ">": "meer dan", "==": "precies", "!=": "niet" };
  return `${words[m[1]]} ${m[2]}`;
}

/** Conclusions in plain Dutch (B1), with a CSS class per kind. */
export const CONCLUSIONS = {
  Toestemmingsvrij: ["Geen vergunning nodig", "ok"],
  Meldingsplicht: ["U moet dit melden", "warn"],
  Informatieplicht: ["U moet de gemeente informeren", "warn"],
  Vergunningplicht: ["U hebt een vergunning nodig", "stop"],
  Verbod: ["Dit mag niet", "stop"],
  NeemContactOp: ["Neem contact op met de gemeente", "warn"],
  NietVanToepassing: ["Deze regels gelden hier niet", "info"],
};

export function today() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
}

/** After the DOM is updated and painted: for the Performance API measures. */
export function afterPaint(fn) {
  requestAnimationFrame(() => setTimeout(fn, 0));
}

/**
 * The same, called from an animation frame callback: this frame paints the change, and a task
 * queued now runs after it (afterPaint would wait for the frame after).
 */
export function afterThisFrame(fn) {
  setTimeout(fn, 0);
}

/**
 * Keeps keyboard focus on "the same control" across a re-render of `box`: call before clearing it,
 * and call the function it returns after. The control is found again by its id, or by its action
 * (data-action, data-ruleset, aria-label) within its card (data-input, data-tools, data-question);
 * when it is gone, focus goes to `fallback` (the section heading) instead of the page body.
 */
export function keepFocus(box) {
  const el = document.activeElement;
  if (!el || el === document.body || !box.contains(el)) return () => {};
  let selector = null;
  if (el.id) selector = `#${CSS.escape(el.id)}`;
  else {
    const scope = el.closest("[data-input],[data-tools],[data-question]");
    const scopeSel = scope
      ? ["data-tools", "data-question", "data-input"].filter((a) => scope.hasAttribute(a)).map((a) => `[${a}="${CSS.escape(scope.getAttribute(a))}"]`)[0] ?? ""
      : "";
    for (const attr of ["data-action", "data-ruleset", "aria-label"]) {
      if (el.hasAttribute(attr)) {
        selector = `${scopeSel} ${el.tagName.toLowerCase()}[${attr}="${CSS.escape(el.getAttribute(attr))}"]`.trim();
        break;
      }
    }
  }
  return (fallback) => {
    if (document.activeElement && document.activeElement !== document.body && box.contains(document.activeElement)) return;
    const again = selector ? box.querySelector(selector) : null;
    const target = again ?? fallback;
    target?.focus({ preventScroll: true });
  };
}

/** A rule reference, with a link per source it cites to its public text (laws.js). */
export function refLink(ref) {
  const links = lawLinks(ref);
  if (!links.length) return ref;
  const out = h("span", {}, ref);
  for (const l of links) out.append(" ", h("a", { href: l.href, "data-testid": "law-link" }, `(${l.text})`));
  return out;
}

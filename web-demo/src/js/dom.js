// Builds DOM nodes. Every text goes in as a text node (textContent), never as HTML: texts come
// from rulesets and data, and must not be able to inject markup.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "class") el.className = value;
    else if (key === "text") el.textContent = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(el.dataset, value);
    else el.setAttribute(key, value === true ? "" : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
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

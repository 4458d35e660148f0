// "Zoek uw adres of perceel": a combobox (WAI-ARIA 1.2 pattern: the input keeps focus, the
// arrow keys move through the suggestions, Enter chooses). Offline it searches the bundled data
// (the parcels' kadastrale aanduiding and perceelnummer); on a site built to be online it also
// asks the PDOK Locatieserver (suggest, then lookup for the RD point of the chosen address).
import { h, clear } from "./dom.js";

const MAX_SUGGESTIONS = 8;

/** Offline: parcels whose aanduiding ("OTL02 B 2626") or number ("2626") matches the words typed. */
export function searchParcels(parcels, query) {
  const words = query.toLowerCase().replace(/[^a-z0-9 ]/g, " ").split(/\s+/).filter(Boolean);
  if (!words.length) return [];
  const out = [];
  for (const f of parcels) {
    const p = f.properties ?? {};
    const name = p.kadastraleAanduiding ?? String(f.id);
    const hay = `${name} ${p.kadastraleGemeenteWaarde ?? ""} perceel ${p.perceelnummer ?? ""}`.toLowerCase();
    if (!words.every((w) => hay.includes(w))) continue;
    const point = p.plaatscoordinaten ?? centroid(f.geometry);
    const size = p.kadastraleGrootteWaarde ? `, ${Number(p.kadastraleGrootteWaarde).toLocaleString("nl-NL")} m²` : "";
    out.push({ label: `Perceel ${name}`, detail: `${p.kadastraleGemeenteWaarde ?? ""}${size}`.replace(/^, /, ""), point: { x: point[0], y: point[1] } });
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, "nl", { numeric: true })).slice(0, MAX_SUGGESTIONS);
}

function centroid(g) {
  const ring = g.type === "Polygon" ? g.coordinates[0] : g.coordinates[0][0];
  const n = ring.length - 1;
  return [ring.slice(0, n).reduce((s, p) => s + p[0], 0) / n, ring.slice(0, n).reduce((s, p) => s + p[1], 0) / n];
}

/** `POINT(181159.1 456453.9)` -> {x, y}, or null. */
export function parsePoint(wkt) {
  const m = /^POINT\(\s*([-\d.]+)\s+([-\d.]+)\s*\)$/.exec(String(wkt ?? "").trim());
  if (!m) return null;
  const [x, y] = [Number(m[1]), Number(m[2])];
  return Number.isFinite(x) && Number.isFinite(y) ? { x, y } : null;
}

/** Online: the Locatieserver's address suggestions (documented suggest API, no key). */
async function suggestOnline(base, query, signal) {
  const url = `${base}/suggest?q=${encodeURIComponent(query)}&fq=${encodeURIComponent("type:(adres OR weg OR postcode OR perceel)")}&rows=${MAX_SUGGESTIONS}`;
  const res = await fetch(url, { signal });
  if (!res.ok) throw new Error(`suggest ${res.status}`);
  const docs = (await res.json())?.response?.docs ?? [];
  return docs
    .filter((d) => typeof d?.id === "string" && typeof d?.weergavenaam === "string")
    .map((d) => ({ label: d.weergavenaam.slice(0, 200), detail: { adres: "adres", weg: "straat", postcode: "postcode", perceel: "perceel" }[d.type] ?? "", id: d.id }));
}

async function lookupOnline(base, id) {
  const res = await fetch(`${base}/lookup?id=${encodeURIComponent(id)}&fl=${encodeURIComponent("id,weergavenaam,centroide_rd")}`);
  if (!res.ok) throw new Error(`lookup ${res.status}`);
  return parsePoint((await res.json())?.response?.docs?.[0]?.centroide_rd);
}

/**
 * Wires the search box. opts: { parcels, online: {url} | null, choose(point, label), say(text, error) }
 */
export function setupSearch(opts) {
  const input = document.getElementById("search-input");
  const list = document.getElementById("search-list");
  const help = document.getElementById("search-help");
  if (!input || !list) return;
  if (opts.online) help.textContent = "Bijvoorbeeld 6731 AB 12, een straatnaam, of een perceelnummer zoals 2626.";
  let items = [];
  let active = -1;
  let controller = null;
  let typed = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const show = () => {
    clear(list);
    items.forEach((item, i) => {
      list.append(
        h(
          "li",
          { id: `search-option-${i}`, role: "option", "aria-selected": String(i === active), "data-testid": "search-option", onmousedown: (e) => e.preventDefault(), onclick: () => pick(i) },
          h("span", { class: "label" }, item.label),
          item.detail ? h("span", { class: "muted" }, ` ${item.detail}`) : null,
        ),
      );
    });
    list.hidden = items.length === 0;
    input.setAttribute("aria-expanded", String(items.length > 0));
    if (active >= 0) input.setAttribute("aria-activedescendant", `search-option-${active}`);
    else input.removeAttribute("aria-activedescendant");
  };

  async function update() {
    const query = input.value.trim();
    const mine = ++typed;
    controller?.abort();
    items = query.length >= 2 ? searchParcels(opts.parcels, query) : [];
    active = -1;
    show();
    if (!opts.online || query.length < 3) {
      if (query.length >= 2 && !items.length) {
        // A postcode, or a word (a street or place name): the bundled map data has no addresses
        // or street names (BRK parcels and BGT roads without names), so only online finds them.
        const address = /^\d{4}\s?[a-z]{2}\b|[a-z]{3,}/i.test(query);
        opts.say(
          address && !opts.online
            ? "Zoeken op adres of straatnaam kan in deze demo alleen met internet: de kaart zonder internet heeft geen adressen. Zoek op het perceelnummer (bijvoorbeeld 2626), of klik op de kaart op uw huis."
            : `Niets gevonden voor "${query.slice(0, 60)}". Probeer een perceelnummer, of klik op de kaart.`,
        );
      }
      return;
    }
    controller = new AbortController();
    try {
      const found = await suggestOnline(opts.online.url, query, controller.signal);
      if (mine !== typed) return;
      items = [...found, ...items].slice(0, MAX_SUGGESTIONS);
      show();
      if (!items.length) opts.say(`Niets gevonden voor "${query.slice(0, 60)}".`);
    } catch (e) {
      if (e.name === "AbortError" || mine !== typed) return;
      opts.say("Adressen zoeken lukt nu niet (geen verbinding). U kunt wel een perceelnummer zoeken of op de kaart klikken.", true);
    }
  }

  async function pick(i) {
    const item = items[i];
    if (!item) return;
    close();
    input.value = item.label;
    let point = item.point ?? null;
    if (!point && item.id) {
      try {
        point = await lookupOnline(opts.online.url, item.id);
      } catch {
        point = null;
      }
    }
    if (!point) {
      opts.say("Deze plek kon niet worden gevonden. Probeer het nog eens, of klik op de kaart.", true);
      return;
    }
    opts.choose(point, item.label);
  }

  input.addEventListener("input", () => update());
  input.addEventListener("keydown", (e) => {
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      if (!items.length) return;
      e.preventDefault();
      active = e.key === "ArrowDown" ? (active + 1) % items.length : (active - 1 + items.length) % items.length;
      show();
    } else if (e.key === "Enter") {
      e.preventDefault();
      if (items.length) pick(active >= 0 ? active : 0);
    } else if (e.key === "Escape") {
      close();
    }
  });
  // Close a moment after focus leaves (a click on an option lands first), but not when focus has
  // come back in the meantime: a fast Tab through the field must not close the list typed after it.
  input.addEventListener("blur", () => setTimeout(() => document.activeElement !== input && close(), 150));
}

// "Wat staat er op de kaart?": a legend of the drawn layers, with the same classes as the map
// (so the swatch is what the map shows), plus what the page draws itself.
import { h, clear } from "./dom.js";

// Plain names for the layers of the demo data (the manifest's labels name the registers).
const PLAIN = {
  parcels: "Percelen (eigendom volgens het Kadaster)",
  buildings: "Gebouwen",
  roads: "Wegen en stoepen",
  trees: "Bomen",
  zoning: "Bestemmingen (verzonnen, alleen bij een voorbeeldgemeente)",
};

const OWN = [
  ["map-selected", "area", "Het perceel dat u koos"],
  ["map-plan", "area", "Wat u tekent"],
  ["map-derived", "area", "Wat de kaart zelf invult (gestreept)"],
  ["violation", "area", "Het deel dat niet past"],
];

export function renderLegend(manifest) {
  const list = document.getElementById("legend-list");
  if (!list) return;
  clear(list);
  const ns = "http://www.w3.org/2000/svg";
  const rows = [...manifest.map_layers.map((l) => [l.class, l.kind, PLAIN[l.name] ?? l.label]), ...OWN];
  for (const [cls, kind, text] of rows) {
    const svg = document.createElementNS(ns, "svg");
    for (const [k, v] of Object.entries({ class: "swatch", width: "22", height: "16", viewBox: "0 0 22 16", "aria-hidden": "true" })) svg.setAttribute(k, v);
    const shape = document.createElementNS(ns, kind === "point" ? "circle" : "rect");
    const at = kind === "point" ? { cx: "11", cy: "8", r: "5" } : { x: "2", y: "2", width: "18", height: "12" };
    for (const [k, v] of Object.entries({ ...at, class: cls })) shape.setAttribute(k, v);
    svg.append(shape);
    list.append(h("li", {}, svg, text));
  }
  // On a phone the legend starts closed, so the map stays in view.
  if (matchMedia("(max-width: 860px)").matches) document.getElementById("legend")?.removeAttribute("open");
}

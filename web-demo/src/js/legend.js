// "Wat staat er op de kaart?": a legend of the drawn layers, with the same classes as the map
// (so the swatch is what the map shows), plus what the page draws itself.
/* global L */
import { h, clear } from "./dom.js";
import { toLatLng } from "./rd.js";

// Plain names for the layers of the demo data (the manifest's labels name the registers).
const PLAIN = {
  parcels: "Percelen (eigendom volgens het Kadaster)",
  buildings: "Gebouwen",
  roads: "Wegen en stoepen",
  trees: "Bomen",
  zoning: "Bestemmingen (verzonnen; ze gelden alleen bij een voorbeeldgemeente)",
};

const OWN = [
  ["data-extent", "line", "Grens van het gebied met gegevens"],
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
    const shape = document.createElementNS(ns, { point: "circle", line: "line" }[kind] ?? "rect");
    const at = { point: { cx: "11", cy: "8", r: "5" }, line: { x1: "1", y1: "8", x2: "21", y2: "8" } }[kind] ?? { x: "2", y: "2", width: "18", height: "12" };
    for (const [k, v] of Object.entries({ ...at, class: cls })) shape.setAttribute(k, v);
    svg.append(shape);
    list.append(h("li", {}, svg, text));
  }
  // On a phone the legend starts closed, so the map stays in view.
  if (matchMedia("(max-width: 860px)").matches) document.getElementById("legend")?.removeAttribute("open");
}

/** A dashed outline around the bundled data: outside it the demo has no data. */
export function drawDataExtent(map, collections) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const visit = (c) => {
    if (typeof c[0] === "number") {
      minX = Math.min(minX, c[0]);
      minY = Math.min(minY, c[1]);
      maxX = Math.max(maxX, c[0]);
      maxY = Math.max(maxY, c[1]);
    } else c.forEach(visit);
  };
  for (const name of ["parcels", "buildings", "roads"]) for (const f of collections[name]?.features ?? []) if (f.geometry) visit(f.geometry.coordinates);
  if (!Number.isFinite(minX)) return;
  L.rectangle([toLatLng([minX, minY]), toLatLng([maxX, maxY])], { className: "data-extent", interactive: false, fill: false }).addTo(map);
}

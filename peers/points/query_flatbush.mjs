// Point queries the way a JavaScript map widget with an index does them: a flatbush index over the
// parcels' bounding boxes, then @turf/boolean-point-in-polygon on the candidates. Same parcels and
// points as the Rust side (written by `cargo bench -p rules-core --bench spatial`).
// Prints one JSON line: {"median_us", "hits", "queries", "build_ms"}.
//
//   node query_flatbush.mjs PARCELS.geojson POINTS.json
import { readFileSync } from "node:fs";
import Flatbush from "flatbush";
import { booleanPointInPolygon } from "@turf/boolean-point-in-polygon";
import { point } from "@turf/helpers";

const [parcelsFile, pointsFile] = process.argv.slice(2);
const parcels = JSON.parse(readFileSync(parcelsFile, "utf8")).features;
const points = JSON.parse(readFileSync(pointsFile, "utf8"));

function bbox(geometry) {
  let [minX, minY, maxX, maxY] = [Infinity, Infinity, -Infinity, -Infinity];
  const polygons = geometry.type === "Polygon" ? [geometry.coordinates] : geometry.coordinates;
  for (const polygon of polygons) {
    for (const [x, y] of polygon[0]) {
      minX = Math.min(minX, x); minY = Math.min(minY, y); maxX = Math.max(maxX, x); maxY = Math.max(maxY, y);
    }
  }
  return [minX, minY, maxX, maxY];
}

const built = process.hrtime.bigint();
const index = new Flatbush(parcels.length);
for (const f of parcels) index.add(...bbox(f.geometry));
index.finish();
const buildMs = Number(process.hrtime.bigint() - built) / 1e6;

function query([x, y]) {
  const p = point([x, y]);
  let found = 0;
  for (const i of index.search(x, y, x, y)) {
    if (booleanPointInPolygon(p, parcels[i])) found++;
  }
  return found;
}

// Warm up the JIT, then time batches of queries (one query is below the timer's resolution).
for (let i = 0; i < 2000; i++) query(points[i % points.length]);
const batch = 100;
const times = [];
let hits = 0;
for (let start = 0; start + batch <= points.length; start += batch) {
  const t = process.hrtime.bigint();
  for (let i = start; i < start + batch; i++) hits += query(points[i]);
  times.push(Number(process.hrtime.bigint() - t) / 1000 / batch);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ median_us: times[Math.floor(times.length / 2)], hits, queries: points.length, build_ms: buildMs }));

// The JavaScript side of `cargo bench -p rules-core --bench spatial`: the same point queries on the
// same 100,000 parcels with @turf/boolean-point-in-polygon, the usual choice in a JS map widget.
// Turf has no index of its own here, so every query tests every parcel (bounding box first, as
// booleanPointInPolygon does). Prints one JSON line: {"median_us": ..., "hits": ...}.
//
//   node point_query.mjs PARCELS.geojson POINTS.json
import { readFileSync } from "node:fs";
import { booleanPointInPolygon } from "@turf/boolean-point-in-polygon";
import { point } from "@turf/helpers";

const [parcelsFile, pointsFile] = process.argv.slice(2);
const parcels = JSON.parse(readFileSync(parcelsFile, "utf8")).features;
const points = JSON.parse(readFileSync(pointsFile, "utf8")).map(([x, y]) => point([x, y]));

function query(p) {
  let found = 0;
  for (const f of parcels) {
    if (booleanPointInPolygon(p, f)) found++;
  }
  return found;
}

// Warm up the JIT, then time each query on its own.
for (let i = 0; i < 20; i++) query(points[i % points.length]);
const times = [];
let hits = 0;
for (const p of points) {
  const start = process.hrtime.bigint();
  hits += query(p);
  times.push(Number(process.hrtime.bigint() - start) / 1000);
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ median_us: times[Math.floor(times.length / 2)], hits, queries: points.length }));

"""Point queries with shapely's STRtree (GEOS), as a Python GIS service would do them: the same
parcels and points as the Rust side (written by `cargo bench -p rules-core --bench spatial`).

Prints one JSON line: {"median_us", "hits", "queries", "build_ms", "bulk_us"}: median_us per
point queried one at a time (tree.query(point, predicate="intersects")), bulk_us per point when all
points go to GEOS in one vectorised call.

    python3 query_shapely.py PARCELS.geojson POINTS.json
"""
import json
import sys
import time

import shapely
from shapely import STRtree

parcels_file, points_file = sys.argv[1], sys.argv[2]
with open(parcels_file) as f:
    features = json.load(f)["features"]
with open(points_file) as f:
    coords = json.load(f)

geometries = [shapely.geometry.shape(feature["geometry"]) for feature in features]
started = time.perf_counter()
tree = STRtree(geometries)
tree.query(shapely.points(coords[0]))  # the tree is built lazily on the first query
build_ms = (time.perf_counter() - started) * 1e3
points = shapely.points(coords)

for p in points[:2000]:
    tree.query(p, predicate="intersects")
batch = 100
times, hits = [], 0
for start in range(0, len(points) - batch + 1, batch):
    t = time.perf_counter()
    for p in points[start:start + batch]:
        hits += len(tree.query(p, predicate="intersects"))
    times.append((time.perf_counter() - t) * 1e6 / batch)
times.sort()

t = time.perf_counter()
bulk = tree.query(points, predicate="intersects")
bulk_us = (time.perf_counter() - t) * 1e6 / len(points)

print(json.dumps({"median_us": times[len(times) // 2], "hits": hits, "queries": len(points),
                  "build_ms": build_ms, "bulk_us": bulk_us, "bulk_hits": int(bulk.shape[1])}))

#!/usr/bin/env python3
"""Writes goes_maatvoering.geojson: the maatvoeringen of the real Goes zoning plan, one feature per value.

An IMRO Maatvoering carries its values as a list (`maatvoeringInfo`: [{waarde, waardeType}, ...]).
A layer attribute in the rules language must be a single text, number or yes/no, so this script
splits each Maatvoering into one feature per value, with `waardeType` and `waarde` as plain
attributes. Geometry and ids come unchanged from the real file; nothing is invented.

Usage (from the repository root): python3 rulesets/goes/flatten_maatvoering.py
"""
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "..", "data", "geo", "goes_bp_stationsomgeving_zuidoost_imro.geojson")
TARGET = os.path.join(HERE, "goes_maatvoering.geojson")

with open(SOURCE, encoding="utf-8") as f:
    plan = json.load(f)
features = []
for feature in plan["features"]:
    props = feature["properties"]
    if props.get("imro_type") != "Maatvoering":
        continue
    for i, info in enumerate(props["maatvoeringInfo"]):
        features.append({
            "type": "Feature",
            "id": "%s#%d" % (props["gml_id"], i + 1),
            "properties": {
                "imro_type": "Maatvoering",
                "gml_id": props["gml_id"],
                "naam": props["naam"],
                "waardeType": info["waardeType"],
                "waarde": info["waarde"],
            },
            "geometry": feature["geometry"],
        })
out = {
    "type": "FeatureCollection",
    "name": "goes_maatvoering",
    "metadata": {
        "source": "Derived by rulesets/goes/flatten_maatvoering.py from data/geo/goes_bp_stationsomgeving_zuidoost_imro.geojson "
                  "(bestemmingsplan Stationsomgeving Zuid-Oost, gemeente Goes, NL.IMRO.0664.BPBS02-VG99): "
                  "each Maatvoering split into one feature per maatvoeringInfo value; geometry and values unchanged.",
        "license": plan.get("metadata", {}).get("license", ""),
    },
    "features": features,
}
with open(TARGET, "w", encoding="utf-8") as f:
    json.dump(out, f, ensure_ascii=False, indent=1)
    f.write("\n")
print("%d features written to %s" % (len(features), TARGET))

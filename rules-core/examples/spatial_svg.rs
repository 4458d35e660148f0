//! Draws the pictures of docs/language.md ("Spatial functions") from the real Otterlo data:
//! `cargo run -p rules-core --example spatial_svg` writes docs/img/*.svg and prints the measures.

use std::fmt::Write as _;

use geo::{polygon, BoundingRect, Coord, Geometry};
use rules_core::spatial::derive::{coverage, rear_yard, zone_from};
use rules_core::spatial::{self, area, parse_features, parse_geometry, GeomKind};
use serde_json::Value;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/geo/");

fn load(file: &str) -> Value {
    let text = std::fs::read_to_string(format!("{DATA}{file}")).expect("data file");
    serde_json::from_str(&text).expect("JSON")
}

fn feature(collection: &Value, id: &str) -> Value {
    collection["features"]
        .as_array()
        .and_then(|fs| fs.iter().find(|f| f["id"] == id || f["properties"]["kadastraleAanduiding"] == id))
        .cloned()
        .unwrap_or_else(|| panic!("no feature {id}"))
}

fn area_of(collection: &Value, id: &str) -> Geometry {
    parse_geometry(&feature(collection, id), GeomKind::Area).expect("valid")
}

/// (parcel, main building) of the real parcels the docs and tests use.
pub const PLOTS: &[(&str, &str)] = &[
    ("OTL02 B 2351", "G0228.fe246f4abb7ad6d6e0400a0a35020533"),
    ("OTL02 B 2352", "G0228.fe246f4abb7bd6d6e0400a0a35020533"),
    ("OTL02 B 2353", "G0228.fe246f4abb76d6d6e0400a0a35020533"),
    ("OTL02 B 2354", "G0228.fe246f4abb77d6d6e0400a0a35020533"),
    ("OTL02 B 2298", "G0228.fe246f4abb90d6d6e0400a0a35020533"),
    ("OTL02 B 2299", "G0228.fe246f4abb8fd6d6e0400a0a35020533"),
    ("OTL02 B 2300", "G0228.fe246f4abb8ed6d6e0400a0a35020533"),
    ("OTL02 B 2626", "G0228.fe246f4a5147d6d6e0400a0a35020533"),
];

struct Svg {
    min: Coord<f64>,
    max: Coord<f64>,
    scale: f64,
    body: String,
}

impl Svg {
    fn new(around: &Geometry, margin: f64) -> Svg {
        let r = around.bounding_rect().expect("not empty");
        let min = Coord { x: r.min().x - margin, y: r.min().y - margin };
        let max = Coord { x: r.max().x + margin, y: r.max().y + margin };
        Svg { min, max, scale: 480.0 / (max.x - min.x).max(max.y - min.y), body: String::new() }
    }
    fn pt(&self, c: Coord<f64>) -> (f64, f64) {
        ((c.x - self.min.x) * self.scale, (self.max.y - c.y) * self.scale)
    }
    fn path(&self, g: &Geometry) -> String {
        let mut d = String::new();
        let mut ring = |coords: &mut dyn Iterator<Item = Coord<f64>>, close: bool| {
            for (i, c) in coords.enumerate() {
                let (x, y) = self.pt(c);
                let _ = write!(d, "{}{x:.1},{y:.1} ", if i == 0 { "M" } else { "L" });
            }
            if close {
                d.push_str("Z ");
            }
        };
        match g {
            Geometry::Polygon(p) => {
                for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                    ring(&mut r.coords().copied(), true);
                }
            }
            Geometry::MultiPolygon(mp) => {
                for p in mp {
                    for r in std::iter::once(p.exterior()).chain(p.interiors()) {
                        ring(&mut r.coords().copied(), true);
                    }
                }
            }
            Geometry::LineString(l) => ring(&mut l.coords().copied(), false),
            Geometry::MultiLineString(ml) => {
                for l in ml {
                    ring(&mut l.coords().copied(), false);
                }
            }
            Geometry::Line(l) => ring(&mut [l.start, l.end].into_iter(), false),
            _ => {}
        }
        d
    }
    fn draw(&mut self, g: &Geometry, style: &str) {
        let d = self.path(g);
        let _ = writeln!(self.body, r#"<path d="{d}" {style}/>"#);
    }
    /// Writes the picture with its caption below it, in lines of at most `width` characters.
    fn save(&self, name: &str, title: &str) {
        let (w, h) = ((self.max.x - self.min.x) * self.scale, (self.max.y - self.min.y) * self.scale);
        let per_line = ((w / 6.6) as usize).max(20);
        let mut lines: Vec<String> = vec![String::new()];
        for word in title.split(' ') {
            let current = lines.last_mut().expect("one line");
            if !current.is_empty() && current.len() + word.len() + 1 > per_line {
                lines.push(word.to_string());
            } else {
                if !current.is_empty() {
                    current.push(' ');
                }
                current.push_str(word);
            }
        }
        let caption: String = lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let y = h + 16.0 + 15.0 * i as f64;
                format!("<text x=\"6\" y=\"{y:.0}\" font-family=\"sans-serif\" font-size=\"12\">{l}</text>\n")
            })
            .collect();
        let total = h + 8.0 + 15.0 * lines.len() as f64;
        let svg = format!(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w:.0}\" height=\"{total:.0}\" viewBox=\"0 0 {w:.0} {total:.0}\">\n<title>{title}</title>\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n{}{caption}</svg>\n",
            self.body
        );
        let path = format!("{}/../docs/img/{name}", env!("CARGO_MANIFEST_DIR"));
        std::fs::write(&path, svg).expect("write svg");
        println!("wrote {path}");
    }
}

fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Geometry {
    Geometry::Polygon(polygon![(x: x0, y: y0), (x: x1, y: y0), (x: x1, y: y1), (x: x0, y: y1)])
}

fn main() {
    let parcels = load("otterlo_brk_perceel.geojson");
    let buildings = load("otterlo_bgt_pand.geojson");
    // Public space as rulesets/voorbeeld/achtererf.rules declares it: BGT wegdeel without driveways.
    let mut public = load("otterlo_bgt_wegdeel.geojson");
    if let Some(fs) = public["features"].as_array_mut() {
        fs.retain(|f| f["properties"]["function"] != "inrit");
    }
    let roads = parse_geometry(&public, GeomKind::Area).expect("roads");
    let all_buildings = parse_geometry(&buildings, GeomKind::Area).expect("buildings");
    let trees: Vec<Geometry> = parse_features(&load("otterlo_bgt_vegetatieobject.geojson"), GeomKind::Point)
        .expect("trees")
        .into_iter()
        .map(|f| f.geometry)
        .collect();
    std::fs::create_dir_all(format!("{}/../docs/img", env!("CARGO_MANIFEST_DIR"))).expect("docs/img");
    for (parcel_id, building_id) in PLOTS {
        let parcel = area_of(&parcels, parcel_id);
        let building = area_of(&buildings, building_id);
        match rear_yard(&parcel, &building, &roads) {
            Ok(y) => {
                let existing = coverage(&y.area, &[&all_buildings]);
                println!(
                    "{parcel_id}: parcel {:.2} m2, building {:.2} m2, rear yard {:.2} m2, fronts {}, existing annexes {existing:.2} m2",
                    area(&parcel),
                    area(&building),
                    area(&y.area),
                    y.fronts.len()
                );
                for f in &y.fronts {
                    println!("    front inward ({:.3}, {:.3}) line {:?}", f.inward.x, f.inward.y, f.line);
                }
                if let Ok(dir) = std::env::var("REAR_YARD_DIR") {
                    let path = format!("{dir}/{}.geojson", parcel_id.replace(' ', "_"));
                    std::fs::write(path, spatial::to_geojson(&y.area).to_string()).expect("write");
                }
            }
            Err(e) => println!("{parcel_id}: {e}"),
        }
    }

    // rear_yard on the corner plot OTL02 B 2300, with front lines and the existing shed.
    let (parcel_id, building_id) = ("OTL02 B 2300", "G0228.fe246f4abb8ed6d6e0400a0a35020533");
    let parcel = area_of(&parcels, parcel_id);
    let building = area_of(&buildings, building_id);
    if let Ok(y) = rear_yard(&parcel, &building, &roads) {
        let mut svg = Svg::new(&parcel, 6.0);
        let view = rect(svg.min.x, svg.min.y, svg.max.x, svg.max.y);
        svg.draw(&spatial::intersection(&roads, &view), r##"fill="#dddddd" stroke="#999999""##);
        svg.draw(&spatial::intersection(&all_buildings, &view), r##"fill="#e8c0c0" stroke="#996666""##);
        svg.draw(&y.area, r##"fill="#9fd79f" fill-opacity="0.7" stroke="#2e7d32" stroke-width="2""##);
        svg.draw(&parcel, r##"fill="none" stroke="#1f4e9c" stroke-width="2""##);
        svg.draw(&building, r##"fill="#f3dcdc" stroke="black""##);
        for f in &y.fronts {
            for w in &f.facades {
                svg.draw(&Geometry::Line(*w), r##"stroke="#d32f2f" stroke-width="4""##);
            }
            svg.draw(
                &spatial::intersection(&Geometry::Line(f.line), &spatial::buffer(&parcel, 2.0)),
                r##"stroke="#2e7d32" stroke-dasharray="6 4" stroke-width="2""##,
            );
        }
        svg.save(
            "rear_yard.svg",
            "rear_yard: OTL02 B 2300 (hoekperceel): voorgevels rood, lijnen 1 m erachter, achtererfgebied groen",
        );
    }

    // front_line on OTL02 B 2353 (terraced house, street on the east).
    let (parcel_id, building_id) = ("OTL02 B 2353", "G0228.fe246f4abb76d6d6e0400a0a35020533");
    let parcel = area_of(&parcels, parcel_id);
    let building = area_of(&buildings, building_id);
    if let Ok(y) = rear_yard(&parcel, &building, &roads) {
        let mut svg = Svg::new(&parcel, 6.0);
        let view = rect(svg.min.x, svg.min.y, svg.max.x, svg.max.y);
        svg.draw(&spatial::intersection(&roads, &view), r##"fill="#dddddd" stroke="#999999""##);
        svg.draw(&parcel, r##"fill="none" stroke="#1f4e9c" stroke-width="2""##);
        svg.draw(&building, r##"fill="#e8c0c0" stroke="black""##);
        for f in &y.fronts {
            for w in &f.facades {
                svg.draw(&Geometry::Line(*w), r##"stroke="#d32f2f" stroke-width="5""##);
            }
        }
        svg.save("front_line.svg", "front_line: OTL02 B 2353, de gevels die naar de openbare weg (oost) kijken");
    }

    // zone_from(main building, 4 m) on OTL02 B 2626, with a plan partly beyond it.
    let (parcel_id, building_id) = ("OTL02 B 2626", "G0228.fe246f4a5147d6d6e0400a0a35020533");
    let parcel = area_of(&parcels, parcel_id);
    let building = area_of(&buildings, building_id);
    let zone = zone_from(&building, 4.0);
    let plan = rect(181165.0, 456460.0, 181173.0, 456466.0);
    let mut svg = Svg::new(&parcel, 4.0);
    svg.draw(&parcel, r##"fill="none" stroke="#1f4e9c" stroke-width="2""##);
    svg.draw(&spatial::intersection(&zone, &parcel), r##"fill="#ffe082" fill-opacity="0.7" stroke="#f9a825""##);
    svg.draw(&building, r##"fill="#e8c0c0" stroke="black""##);
    svg.draw(&plan, r##"fill="#90caf9" fill-opacity="0.6" stroke="#1565c0" stroke-width="2""##);
    svg.draw(&spatial::difference(&plan, &zone), r##"fill="#ef5350" fill-opacity="0.8" stroke="#b71c1c""##);
    println!("zone_from: plan {:.2} m2, beyond 4 m {:.2} m2", area(&plan), area(&spatial::difference(&plan, &zone)));
    svg.save(
        "zone_from.svg",
        "zone_from(main_building, 4 m): OTL02 B 2626, geel; het deel van het plan verder dan 4 m rood",
    );

    // coverage on OTL02 B 2299: existing shed plus a plan, within the rear yard.
    let (parcel_id, building_id) = ("OTL02 B 2299", "G0228.fe246f4abb8fd6d6e0400a0a35020533");
    let parcel = area_of(&parcels, parcel_id);
    let building = area_of(&buildings, building_id);
    if let Ok(y) = rear_yard(&parcel, &building, &roads) {
        let mut svg = Svg::new(&parcel, 4.0);
        let view = rect(svg.min.x, svg.min.y, svg.max.x, svg.max.y);
        svg.draw(&y.area, r##"fill="#c8e6c9" stroke="#2e7d32""##);
        svg.draw(&parcel, r##"fill="none" stroke="#1f4e9c" stroke-width="2""##);
        let covered = spatial::intersection(&all_buildings, &y.area);
        svg.draw(&spatial::intersection(&all_buildings, &view), r##"fill="#e8c0c0" stroke="#996666""##);
        svg.draw(&covered, r##"fill="#8d6e63" stroke="black""##);
        println!("coverage 2299: existing {:.2} m2", coverage(&y.area, &[&all_buildings]));
        svg.save(
            "coverage.svg",
            "coverage(rear_yard, buildings): OTL02 B 2299, bestaand bijgebouw in het achtererfgebied (bruin)",
        );
    }
    let _ = trees;
}

// Every resident journey finishes: one end-to-end walk per activity the start screen offers, in
// headless Chromium. The list of activities comes from the bundled rulesets (every ruleset with a
// decision), so a new ruleset without a walk here fails. Each walk chooses the example
// municipality it belongs to, clicks a real parcel (or tree), starts the activity, answers every
// question through the form, draws every geometry that is asked with the tool of its type (area,
// line, point), and checks the conclusion, the reason and the next step. Answers and geometry
// come from one of the ruleset's own example cases, so the walk and `rules test` agree.
// Plus: a self-intersecting plan, a click outside the data, and a parcel change mid-check.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { start, clickMap, assertNoAxe, chooseExample, startActivity, answer, draw, root } from "./browser.mjs";

const manifest = JSON.parse(fs.readFileSync(path.join(root, "web-demo/dist/manifest.json"), "utf8"));
const parcels = JSON.parse(fs.readFileSync(path.join(root, "data/geo/otterlo_brk_perceel.geojson"), "utf8"));

// One walk per activity ruleset: the example municipality to choose ("" = national rules only),
// the case whose answers and geometry the resident gives, where to click first, and what the
// conclusion, its reason and the next step say.
const WALKS = {
  "rulesets/bruidsschat/bijbehorend-bouwwerk.rules": {
    example: "",
    cases: "rulesets/bruidsschat/bijbehorend-bouwwerk.map.cases.json",
    name: "OTL02 B 2626: aanbouw van 32 m2 tegen de zijgevel, 3 m hoog",
    because: /binnen de regels|past/i,
    next: /geen vergunning aan te vragen|niets/i,
  },
  "rulesets/bruidsschat/dakkapel.rules": {
    example: "",
    cases: "rulesets/bruidsschat/dakkapel.cases.json",
    name: "alles binnen de maten: vergunningvrij",
    parcel: "OTL02 B 2626",
    because: /.+/,
    next: /.+/,
  },
  "rulesets/bruidsschat/erfafscheiding.rules": {
    example: "",
    cases: "rulesets/bruidsschat/erfafscheiding.map.cases.json",
    name: "schutting 1,8 m achter in de tuin op de zuidgrens (OTL02 B 2626)",
    because: /.+/,
    next: /.+/,
  },
  "rulesets/rijk/zonnepanelen.rules": {
    example: "",
    cases: "rulesets/rijk/zonnepanelen.cases.json",
    name: "schuin dak, binnen de randen en op het dak: vergunningvrij",
    parcel: "OTL02 B 2626",
    because: /.+/,
    next: /.+/,
  },
  "rulesets/voorbeeld/bijgebouw.rules": {
    example: "voorbeeldgemeente",
    cases: "rulesets/voorbeeld/bijgebouw.cases.json",
    name: "schuur achter in de tuin past",
    because: /past binnen de regels/,
    next: /geen vergunning aan te vragen/i,
  },
  "rulesets/voorbeeld/achtererf.rules": {
    example: "gemeente-voorbeeld",
    cases: "rulesets/voorbeeld/achtererf.map.cases.json",
    name: "2351 rijtjeshuis: schuur achterin past",
    because: /Het bouwwerk past/,
    next: /geen vergunning aan te vragen/i,
  },
  "rulesets/gemeente-voorbeeldstad/bijbehorend-bouwwerk.rules": {
    example: "voorbeeldstad",
    cases: "rulesets/gemeente-voorbeeldstad/bijbehorend-bouwwerk.map.cases.json",
    name: "centrumgebied, 2025: 29 m2 past ook onder de regel van Voorbeeldstad",
    because: /.+/,
    next: /.+/,
  },
  "rulesets/gemeente-voorbeeldstad/boom-kappen.rules": {
    example: "voorbeeldstad",
    cases: "rulesets/gemeente-voorbeeldstad/boom-kappen.map.cases.json",
    name: "klik 1,6 m naast de Achtertuinlinde",
    at: [181191.0, 456637.5],
    because: /monumentale boom/,
    next: /omgevingsvergunning/,
  },
  "rulesets/bruidsschat/carport.rules": {
    example: "",
    cases: "rulesets/bruidsschat/carport.cases.json",
    name: "OTL02 B 2626: overkapping achter in de tuin, 3,01 m met plat dak: vergunning",
    because: /3,01 m hoog met een plat dak\. Daar mag dat hoogstens 3 m zijn/,
    next: /Vraag een omgevingsvergunning aan/,
  },
  "rulesets/bruidsschat/dakraam.rules": {
    example: "",
    cases: "rulesets/bruidsschat/dakraam.cases.json",
    name: "lichtkoepel 0,5 m hoog 0,49 m van de rand: vergunning",
    parcel: "OTL02 B 2626",
    because: /0,49 m van de rand/,
    next: /Vraag een omgevingsvergunning aan/,
  },
  "rulesets/bruidsschat/kozijnen-gevel.rules": {
    example: "",
    cases: "rulesets/bruidsschat/kozijnen-gevel.cases.json",
    name: "doorbraak in de dragende achtergevel voor een schuifpui: melding",
    parcel: "OTL02 B 2626",
    because: /opening in een dragende muur/,
    next: /Meld de verbouwing/,
  },
  "rulesets/bruidsschat/mantelzorgwoning.rules": {
    example: "",
    cases: "rulesets/bruidsschat/mantelzorgwoning.cases.json",
    name: "OTL02 B 2626: zadeldak van 55,1 graden: vergunning",
    because: /55,1° steil/,
    next: /Vraag een omgevingsvergunning aan/,
  },
  "rulesets/bruidsschat/zwembad-vijver.rules": {
    example: "",
    cases: "rulesets/bruidsschat/zwembad-vijver.cases.json",
    name: "vijver in de tuin: vrij",
    parcel: "OTL02 B 2626",
    because: /omgevingsplan het op die plek toestaat/,
    next: /geen vergunning aan te vragen/,
  },
  "rulesets/gemeente-voorbeeldstad/uitweg.rules": {
    example: "voorbeeldstad",
    cases: "rulesets/gemeente-voorbeeldstad/uitweg.cases.json",
    name: "OTL02 B 2353: nieuwe uitrit van de voortuin over de stoep: vergunning",
    parcel: "OTL02 B 2353",
    because: /nieuwe uitrit naar de weg/,
    next: /Vraag een vergunning aan bij de gemeente/,
  },
  "rulesets/rijk/slopen.rules": {
    example: "",
    cases: "rulesets/rijk/slopen.cases.json",
    name: "10,01 m3 sloopafval: melding",
    parcel: "OTL02 B 2626",
    because: /10,01 m³/,
    next: /sloopmelding/,
  },
  "rulesets/rijk/warmtepomp.rules": {
    example: "",
    cases: "rulesets/rijk/warmtepomp.cases.json",
    name: "41 dB(A) op de grens: mag niet",
    parcel: "OTL02 B 2626",
    because: /41 dB\(A\) op de perceelsgrens/,
    next: /stillere unit/,
  },
  "web-demo/rulesets/fictief/boom-kappen.rules": {
    example: "gemeente-voorbeeld",
    cases: "web-demo/rulesets/fictief/boom-kappen.cases.json",
    name: "dikke gezonde boom: vergunning",
    at: [181189.662, 456636.541],
    because: /80 cm of meer/,
    next: /omgevingsvergunning/,
  },
};

// Real Otterlo data.
const PARCEL_2626 = "OTL02 B 2626";
const OUTSIDE = [181600, 456900]; // east of the extract: no parcel, no map rules
const SELF_INTERSECTING = [[181152, 456460], [181160, 456467], [181160, 456460], [181152, 456467]]; // a bow tie

// Rulesets with a decision of their own or from the ruleset they extend. (The first test checks
// this list against what the engine loaded and the page offers.)
const activityRulesets = manifest.rulesets.filter((r) => /^decision\b|^\s*extends\s/m.test(r.text)).map((r) => r.id);

let browser;
before(async () => {
  browser = await start();
});
after(async () => {
  await browser?.close();
});

function readCase(walk) {
  const file = path.join(root, walk.cases);
  const all = JSON.parse(fs.readFileSync(file, "utf8"));
  const c = (Array.isArray(all) ? all : [all]).find((x) => x.name.startsWith(walk.name));
  assert.ok(c, `no case "${walk.name}" in ${walk.cases}`);
  const geometry = {};
  for (const [name, g] of Object.entries(c.geometry ?? {})) {
    if (g.file) {
      const fc = JSON.parse(fs.readFileSync(path.resolve(path.dirname(file), g.file), "utf8"));
      const f = fc.features.find((x) => [x.id, x.properties?.identificatie, x.properties?.lokaalID, x.properties?.kadastraleAanduiding].includes(g.feature));
      assert.ok(f, `feature ${g.feature} not found`);
      geometry[name] = f.geometry;
    } else geometry[name] = g;
  }
  return { ...c, geometry };
}

/** A point inside a parcel: its BRK label point. */
function parcelPoint(name) {
  const f = parcels.features.find((p) => p.properties.kadastraleAanduiding === name);
  assert.ok(f, `parcel ${name}`);
  return f.properties.plaatscoordinaten;
}

function parcelNameOf(geometry) {
  const key = JSON.stringify(geometry);
  return parcels.features.find((p) => JSON.stringify(p.geometry) === key)?.properties.kadastraleAanduiding;
}

/** The vertices of a GeoJSON geometry as the resident clicks them (no closing vertex). */
function vertices(g) {
  if (g.type === "Polygon") return g.coordinates[0].slice(0, -1);
  if (g.type === "MultiPolygon") return g.coordinates[0][0].slice(0, -1);
  if (g.type === "LineString") return g.coordinates;
  if (g.type === "Point") return [g.coordinates];
  throw new Error(`cannot draw a ${g.type}`);
}

/** Answer and draw whatever is asked, until no question is left. */
async function walkThrough(page, c) {
  const infos = await page.evaluate(() => window.demo.rulesets);
  const asked = [];
  for (let step = 0; step < 40; step++) {
    const card = page.locator("[data-testid=question]");
    if ((await card.count()) === 0) return asked;
    const name = await card.getAttribute("data-input");
    const rulesetId = await page.evaluate(() => window.demo.state.rulesetId);
    const info = infos.find((r) => r.id === rulesetId).inputs.find((i) => i.name === name);
    asked.push(name);
    if (info.kind === "input") {
      assert.ok(c.geometry[name], `the walk is asked to draw ${name}, but the case has no geometry for it`);
      assert.ok(["area", "line", "point"].includes(info.type), `${name} is ${info.type}`);
      await draw(page, name, vertices(c.geometry[name]));
      await page.waitForFunction(
        (n) => document.querySelector("[data-testid=question]")?.getAttribute("data-input") !== n || document.querySelector("[data-testid=question] .error-text"),
        name,
      );
    } else {
      assert.ok(name in (c.answers ?? {}), `the walk is asked "${info.label}" (${name}), but the case does not answer it`);
      await answer(page, name, c.answers[name]);
    }
    const error = page.locator("[data-testid=question] .error-text");
    if (await error.count()) throw new Error(`${name}: ${await error.first().innerText()}`);
  }
  throw new Error(`no conclusion after 40 steps: ${asked.join(", ")}`);
}

test("the start screen offers exactly the activities that have a walk, one per kind per place", async () => {
  await browser.visit("journeys-offered", async (page) => {
    const loaded = (await page.evaluate(() => window.demo.rulesets)).filter((r) => r.decisions.length).map((r) => r.id);
    assert.deepEqual([...loaded].sort(), [...activityRulesets].sort(), "the rulesets with decisions, as the engine loaded them");
    const missing = activityRulesets.filter((id) => !WALKS[id]);
    assert.deepEqual(missing, [], `rulesets with decisions but no walk in tests/e2e/journeys.test.mjs: ${missing.join(", ")}`);
    const offered = new Set();
    for (const example of ["", ...manifest.examples.map((e) => e.id)]) {
      await chooseExample(page, example);
      await clickMap(page, ...parcelPoint(PARCEL_2626));
      await page.waitForSelector("[data-testid=where]");
      const buttons = await page.locator(".activities button").evaluateAll((bs) => bs.map((b) => [b.dataset.ruleset, b.textContent]));
      const kinds = buttons.map(([, text]) => text.split(":")[0]);
      assert.equal(new Set(kinds).size, kinds.length, `one activity per kind (${example || "landelijk"}): ${kinds.join(" | ")}`);
      for (const [id] of buttons) {
        // National rules are offered everywhere; an example municipality's only when it is chosen.
        assert.ok([example, ""].includes(WALKS[id]?.example), `${id} is offered with "${example}", its walk chooses "${WALKS[id]?.example}"`);
        offered.add(id);
      }
    }
    assert.deepEqual([...offered].sort(), [...activityRulesets].sort(), "every activity ruleset is offered somewhere, and only those");
  });
});

for (const id of activityRulesets) {
  test(`journey: ${id}`, async () => {
    const walk = WALKS[id];
    assert.ok(walk, `no walk for ${id}: add one to WALKS in tests/e2e/journeys.test.mjs`);
    const c = readCase(walk);
    await browser.visit(`journey-${id}`, async (page) => {
      // A parcel found by search (which lands on its label point, as a click there would), or a
      // click on the map for what is not a parcel (a tree).
      const where = walk.at ? { at: walk.at } : { parcel: walk.parcel ?? parcelNameOf(c.geometry.parcel) };
      await startActivity(page, id, { example: walk.example, ...where });
      const asked = await walkThrough(page, c);
      const conclusion = page.locator("[data-testid=conclusion]");
      await conclusion.waitFor();
      const expected = c.expect.Conclusie;
      assert.equal(await conclusion.getAttribute("data-outcome"), expected, `asked: ${asked.join(", ")}`);
      const because = await conclusion.locator("[data-testid=because]").innerText();
      assert.match(because, walk.because);
      // (The case's own reason has exact measurements; a drawing clicked on the map is within 2 cm.)
      const next = await conclusion.locator("[data-testid=next-step]").allInnerTexts();
      assert.ok(next.length > 0, "a next step is shown");
      assert.match(next.join("\n"), walk.next);
      // What the map answered is shown as such.
      for (const d of await page.evaluate(() => window.demo.state.outcome.derived ?? [])) {
        assert.match(await page.locator(`[data-input=${d.input}][data-source=map]`).innerText(), /van de kaart/);
      }
      await assertNoAxe(page, "at the conclusion");
    });
  });
}

test("journey: the main building comes from the map and can be corrected by drawing it", async () => {
  await browser.visit("journey-main-building", async (page) => {
    await startActivity(page, "rulesets/bruidsschat/bijbehorend-bouwwerk.rules", { parcel: PARCEL_2626 });
    const line = page.locator("[data-input=main_building][data-source=map]");
    assert.match(await line.innerText(), /van de kaart.*het grootste gebouw op uw perceel, [\d.,]+ m²/s);
    assert.ok((await page.locator("path.map-derived").count()) > 0, "the derived building is drawn on the map");
    // "Klopt niet?": the main building's tools replace the plan's; draw it yourself.
    await line.locator("[data-action=change]").click();
    const card = page.locator("[data-testid=question][data-input=main_building]");
    await card.waitFor();
    assert.equal(await page.locator("[data-tools]").count(), 1, "only the tools of the input being asked");
    // A building off the parcel is refused, in Dutch.
    await card.locator("[data-action=pick-feature]").click();
    await clickMap(page, 181170.35, 456491.44, { zoom: 17 });
    assert.match(await page.locator("[data-testid=drawing-error]").innerText(), /ligt niet op uw perceel/);
    // Pick a building of the map (the house itself, as a correction the resident confirms).
    await page.locator("[data-testid=question][data-input=main_building] [data-action=pick-feature]").click();
    await clickMap(page, 181170, 456452, { zoom: 17 });
    await page.waitForSelector("[data-input=main_building][data-source=drawing]");
    assert.match(await page.locator(".from-map[data-input=main_building]").innerText(), /getekend, 178,59 m²/);
    // Back to the map's answer, then draw it yourself.
    await page.getByRole("button", { name: "Gebruik weer de kaart" }).click();
    await page.waitForSelector("[data-input=main_building][data-source=map]");
    await page.locator(".from-map[data-input=main_building] [data-action=change]").click();
    await card.waitFor();
    await draw(page, "main_building", [[181170, 456455], [181180, 456455], [181180, 456465], [181170, 456465]]);
    await page.waitForSelector("[data-input=main_building][data-source=drawing]");
    // (Clicked corners land within about 2 cm: 100 m² give or take half a square metre.)
    assert.match(await page.locator(".from-map[data-input=main_building]").innerText(), /tekening.*(99,\d+|100(,\d+)?) m²/s);
  });
});

test("a self-intersecting plan is refused in Dutch at the drawing and the checks go back to unknown", async () => {
  await browser.visit("journey-self-intersecting", async (page) => {
    await startActivity(page, "rulesets/voorbeeld/bijgebouw.rules", { example: "voorbeeldgemeente", parcel: PARCEL_2626 });
    // First a plan that fits: its checks pass.
    await draw(page, "plan", [[181152, 456460], [181160, 456460], [181160, 456467], [181152, 456467]]);
    await page.waitForSelector("[data-check='Op uw perceel'][data-status=pass]");
    // Then redraw it as a bow tie.
    await draw(page, "plan", SELF_INTERSECTING);
    const message = page.locator("[data-testid=drawing-error]");
    await message.waitFor();
    assert.equal(await message.innerText(), "De lijnen van uw tekening kruisen elkaar; verplaats een hoek.");
    const statuses = await page.locator("[data-check]").evaluateAll((els) => els.map((e) => e.dataset.status));
    assert.ok(!statuses.includes("pass"), `no check may still say it fits: ${statuses}`);
    assert.ok(statuses.includes("unknown"));
    assert.doesNotMatch(await page.locator("#check").innerText(), /intersects|ring|exterior/i, "no English engine text");
  });
});

test("a click outside the data says there is nothing there, and offers no activity", async () => {
  await browser.visit("journey-outside", async (page) => {
    await clickMap(page, ...OUTSIDE, { zoom: 14 });
    await page.waitForSelector("[data-testid=no-data]");
    assert.match(await page.locator("[data-testid=where]").innerText(), /Geen perceel op deze plek/);
    assert.equal(await page.locator(".activities button").count(), 0);
  });
});

test("clicking another parcel mid-check asks before 'Uw perceel' changes", async () => {
  await browser.visit("journey-parcel-change", async (page) => {
    await startActivity(page, "rulesets/bruidsschat/bijbehorend-bouwwerk.rules", { parcel: PARCEL_2626 });
    await clickMap(page, ...parcelPoint("OTL02 B 2353"));
    const confirm = page.locator("[data-testid=parcel-confirm]");
    await confirm.waitFor();
    assert.match(await page.locator("[data-input=parcel]").innerText(), /OTL02 B 2626/);
    await confirm.locator("[data-action=keep-parcel]").click();
    assert.match(await page.locator("[data-input=parcel]").innerText(), /OTL02 B 2626/);
    await clickMap(page, ...parcelPoint("OTL02 B 2353"));
    await page.locator("[data-testid=parcel-confirm] [data-action=use-parcel]").click();
    await page.waitForFunction(() => /OTL02 B 2353/.test(document.querySelector("[data-input=parcel]")?.textContent));
  });
});

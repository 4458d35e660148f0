// The links behind "Regel: ..." (web-demo/src/js/laws.js): every source a bundled ruleset cites
// links the article of the right national regulation on wetten.overheid.nl, the omgevingsplan
// links "Regels op de kaart", and fictional sources link nothing. Runs in node without a browser.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { lawLinks, REGELS_OP_DE_KAART } = await import(path.join(root, "web-demo/src/js/laws.js"));

const jci = (bwb, artikel) => `https://wetten.overheid.nl/jci1.3:c:${bwb}&artikel=${artikel}`;
const BBL = "BWBR0041297";
const OW = "BWBR0037885";

test("the articles of the notes on the law: each reference links its own article", () => {
  const cases = [
    // Dakkapel: the technical exception of Bbl 2.27 lid 2 onder a, and the bruidsschat.
    ["Omgevingsplan (bruidsschat) art. 22.27; Bbl art. 2.27 lid 2 onder a", [REGELS_OP_DE_KAART, jci(BBL, "2.27")]],
    // Erfafscheiding higher than 2 m: Bbl 2.26 onder c.
    ["Bbl art. 2.26 onder c; Omgevingsplan (bruidsschat) art. 22.26", [jci(BBL, "2.26"), REGELS_OP_DE_KAART]],
    // Higher than 5 m: Bbl 2.25. The spatial freedoms of the Rijk: Bbl 2.29, their exceptions 2.30.
    ["Omgevingsplan (bruidsschat) art. 22.27; Bbl art. 2.25", [REGELS_OP_DE_KAART, jci(BBL, "2.25")]],
    ["Bbl art. 2.29 onder r", [jci(BBL, "2.29")]],
    ["Omgevingswet art. 5.1; Bbl art. 2.30", [jci(OW, "5.1"), jci(BBL, "2.30")]],
    // The rijksmonumentenactiviteit.
    ["Omgevingswet art. 5.1 lid 1 onder b (rijksmonumentenactiviteit)", [jci(OW, "5.1")]],
    // Slopen: the sloopmelding.
    ["Bbl art. 7.10 lid 1 en lid 2 onder b", [jci(BBL, "7.10")]],
    // Two articles of one regulation: each; a second lid is no article.
    ["Bbl art. 2.27 en 2.29", [jci(BBL, "2.27"), jci(BBL, "2.29")]],
    ["Bbl art. 7.9 en 7.10 lid 1", [jci(BBL, "7.9"), jci(BBL, "7.10")]],
    ["Bbl art. 7.10 lid 1 en 2", [jci(BBL, "7.10")]],
    ["Bbl art. 2.29, 2.30 en 2.31", [jci(BBL, "2.29"), jci(BBL, "2.30"), jci(BBL, "2.31")]],
    // A book of the Burgerlijk Wetboek.
    ["Burgerlijk Wetboek art. 5:50", ["https://wetten.overheid.nl/jci1.3:c:BWBR0005288&boek=5&artikel=50"]],
    // No article, or one in an annex: the regulation itself.
    ["Bbl, melding van een bouwactiviteit aan de draagconstructie", ["https://wetten.overheid.nl/BWBR0041297/"]],
    ["Bor bijlage II art. 1 (mantelzorg)", ["https://wetten.overheid.nl/BWBR0027464/"]],
    // A real zoning plan by its IMRO id; the transition article that keeps it in force.
    ["Omgevingswet art. 22.1 onder a; NL.IMRO.0664.BPBS02-VG99", [jci(OW, "22.1"), "https://www.ruimtelijkeplannen.nl/?planidn=NL.IMRO.0664.BPBS02-VG99"]],
    // Fictional sources have no public text.
    ["APV Voorbeeldstad (fictief) art. 2:12", []],
    ["Omgevingsplan Voorbeeld (fictief), hoofdstuk 4", []],
  ];
  for (const [ref, hrefs] of cases) assert.deepEqual(lawLinks(ref).map((l) => l.href), hrefs, ref);
  assert.deepEqual(lawLinks("Bbl art. 2.29"), [{ href: jci(BBL, "2.29"), text: "lees artikel 2.29 van het Besluit bouwwerken leefomgeving" }]);
});

test("every reference in the bundled rulesets: a national article is linked by its own number", () => {
  const files = [];
  const walk = (dir) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(".rules")) files.push(p);
    }
  };
  walk(path.join(root, "rulesets"));
  walk(path.join(root, "web-demo/rulesets"));
  let checked = 0;
  for (const file of files) {
    for (const [, ref] of fs.readFileSync(file, "utf8").matchAll(/\b(?:ref|source) "([^"]*)"/g)) {
      const links = lawLinks(ref);
      for (const part of ref.split(";")) {
        const national = /^\s*(Bbl|Bal|Omgevingswet)\b[^(]*?\bart\. (\d+\.\d+)/.exec(part);
        if (!national || /fictief/.test(part)) continue;
        const bwb = { Bbl: BBL, Bal: "BWBR0041330", Omgevingswet: OW }[national[1]];
        assert.ok(links.some((l) => l.href === jci(bwb, national[2])), `${path.relative(root, file)}: "${ref}" links ${national[1]} art. ${national[2]}`);
        checked++;
      }
      if (/fictief/.test(ref)) assert.ok(links.every((l) => !/fictief/.test(l.text)), ref);
      for (const l of links) assert.match(l.href, /^https:\/\/(wetten|omgevingswet)\.overheid\.nl\/|^https:\/\/www\.ruimtelijkeplannen\.nl\//, ref);
    }
  }
  assert.ok(checked > 50, `only ${checked} national references found`);
});

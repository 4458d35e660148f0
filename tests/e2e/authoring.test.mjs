// The permit officer's journey on the authoring page (Regels schrijven), in headless Chromium:
// the page's checker equals `rules check --format json` for every shipped ruleset (extends
// resolved against the bundled bases), Dutch diagnostics, keeping the work (draft after a reload,
// save, diff), trying the edited rules as a resident, a walk saved as a case, the parcels a change
// affects, and STTR export that imports back with the same outcomes.
//
// Needs: web-demo/dist (node web-demo/build.mjs) and the `rules` binary (RULES_BIN).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { spawnSync } from "node:child_process";
import { start, withScreenshot, clickMap, root } from "./browser.mjs";

const rulesBin = process.env.RULES_BIN || path.join(root, "target/debug/rules");
const manifest = JSON.parse(fs.readFileSync(path.join(root, "web-demo/dist/manifest.json"), "utf8"));
const MUNICIPAL = "rulesets/gemeente-voorbeeldstad/bijbehorend-bouwwerk.rules";
const SHED = "rulesets/voorbeeld/bijgebouw.rules";
const PARCEL_2626 = [181159.082, 456453.946];

let browser;
before(async () => {
  browser = await start();
});
after(async () => {
  await browser?.close();
});

/** `rules check --format json FILE`, run from the repository root as the page names files. */
function cliDiagnostics(id) {
  const out = spawnSync(rulesBin, ["check", "--format", "json", id], { cwd: root, encoding: "utf8" });
  assert.ok(out.stdout, `rules check ${id} printed nothing: ${out.stderr}`);
  return JSON.parse(out.stdout);
}

/** A page with no drafts from earlier tests. */
async function freshPage() {
  const page = await browser.page("authoring.html");
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.waitForSelector("body[data-ready=true]");
  return page;
}

async function openRuleset(page, id) {
  await page.locator("#ruleset-select").selectOption(id);
  await page.waitForFunction((id) => window.authoring.doc.id === id, id);
}

async function setSource(page, text) {
  await page.locator("#source").fill(text);
  await page.waitForFunction((t) => window.authoring.checkedText === t, text);
}

test("Parity: for every shipped ruleset the page's diagnostics equal `rules check --format json`", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-parity", async () => {
    assert.ok(manifest.rulesets.length >= 19);
    for (const r of manifest.rulesets) {
      await openRuleset(page, r.id);
      const shown = await page.evaluate(() => window.authoring.doc.diagnostics);
      assert.deepEqual(shown, cliDiagnostics(r.id), r.id);
      // Each one is listed on the page, errors and warnings alike.
      assert.equal(await page.locator("#diagnostics li").count(), shown.length, r.id);
    }
    assert.deepEqual(page.errors, []);
  });
  await page.close();
});

test("Regels schrijven: the municipal example that extends the bruidsschat checks without false errors", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-extends", async () => {
    // The base first (as an officer who looks at the bruidsschat), then the municipal ruleset.
    await openRuleset(page, "rulesets/bruidsschat/bijbehorend-bouwwerk.rules");
    await openRuleset(page, MUNICIPAL);
    assert.doesNotMatch(await page.locator("#diag-summary").innerText(), /gekoppeld/);
    assert.deepEqual(await page.evaluate(() => window.authoring.preview()), [MUNICIPAL]);
    assert.match(await page.locator("#source").inputValue(), /extends "\.\.\/bruidsschat\/bijbehorend-bouwwerk\.rules"/);
    assert.equal(await page.locator("#diagnostics li.error").count(), 0);
    assert.equal(await page.locator("#diagnostics li[data-code=E019]").count(), 0);
    assert.deepEqual(await page.evaluate(() => window.authoring.doc.diagnostics), cliDiagnostics(MUNICIPAL));
    // STTR has no `extends`: the export says so instead of failing with a checker message.
    await page.locator("#export-sttr").click();
    await page.waitForFunction(() => /bouwen voort op een andere regelset/.test(document.querySelector("#export-status").textContent));
  });
  await page.close();
});

test("Regels schrijven: an error in Dutch with 'Bedoelt u', fixed; the draft survives a reload; save and diff", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-keep", async () => {
    await openRuleset(page, SHED);
    const original = await page.locator("#source").inputValue();
    assert.match(await page.locator("#diff-summary").innerText(), /Geen verschil/);
    // A misspelt name: Dutch text, the code, the suggestion and the link to its explanation.
    const typo = original.replace("when height > 5 m", "when hieght > 5 m");
    await setSource(page, typo);
    const item = page.locator("#diagnostics li[data-code=E002]");
    await item.waitFor();
    const text = await item.innerText();
    assert.match(text, /fout E002: De naam `hieght` is nergens gedeclareerd\./);
    assert.match(text, /Bedoelt u `height`\?/);
    assert.equal(await item.locator("a").getAttribute("href"), "docs/diagnostics.html#E002");
    // Its line is marked in the editor.
    const line = Number(await item.getAttribute("data-line"));
    assert.deepEqual(await page.locator("#backdrop .mark-error").evaluateAll((l) => l.map((x) => Number(x.dataset.line))), [line]);
    assert.match(await page.locator("#diag-summary").innerText(), /^1 fout/);
    // A unit error: the kinds of value in Dutch, and the hint too.
    await setSource(page, original.replace("when height > 5 m", "when height > 5 m2"));
    const units = await page.locator("#diagnostics li[data-code=E004]").innerText();
    assert.match(units, /fout E004: De eenheden passen niet bij elkaar in een vergelijking: een lengte \(m\) en een oppervlakte \(m2\)\./);
    assert.match(units, /Tip: m2 is een oppervlakte \(m2\); een vergelijking heeft een lengte \(m\) nodig\./);
    // The linked explanation is on the site: the row of docs/language.md's table, with the Dutch title.
    const docs = await browser.context.newPage();
    await docs.goto(browser.base + "docs/diagnostics.html#E002");
    const row = docs.locator("tr#E002");
    assert.match(await row.innerText(), /E002\s+Deze naam is niet bekend\.\s+unknown name/);
    assert.equal(await docs.locator("tr").count(), 1 + [...fs.readFileSync(path.join(root, "docs/language.md"), "utf8").matchAll(/^\| [EW]\d{3} \|/gm)].length);
    await docs.close();

    // Fixed, with a changed threshold: no errors, the diff shows the one changed line.
    const edited = original.replace("when height > 5 m", "when height > 4 m");
    await setSource(page, edited);
    assert.equal(await page.locator("#diagnostics li.error").count(), 0);
    assert.match(await page.locator("#diff-summary").innerText(), /2 regels/);
    assert.deepEqual(await page.locator("#diff li").evaluateAll((l) => l.map((x) => x.dataset.kind)), ["del", "add"]);

    // Reload: the draft is back, and says so.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.locator("#source").inputValue(), edited);
    assert.equal(await page.locator("#ruleset-select").inputValue(), SHED);
    assert.match(await page.locator("#keep-status").innerText(), /concept .* is teruggezet/);

    // Save: the file is downloaded with the edited text; the diff is then empty.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#save").click()]);
    assert.equal(download.suggestedFilename(), "bijgebouw.rules");
    assert.equal(fs.readFileSync(await download.path(), "utf8"), edited);
    await page.waitForFunction(() => /Geen verschil/.test(document.querySelector("#diff-summary").textContent));
    // After another reload the saved text is what the page holds.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    assert.equal(await page.locator("#source").inputValue(), edited);
    assert.deepEqual(page.errors, []);
  });
  await page.close();
});

test("Regels schrijven: open a folder of rulesets and cases; its rulesets serve as bases for extends", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-folder", async () => {
    // A folder with a base ruleset and a municipal one that extends it, chosen in the file dialog.
    const folder = fs.mkdtempSync(path.join(os.tmpdir(), "regels-map-"));
    const mine = path.join(folder, "mijnmap");
    fs.mkdirSync(path.join(mine, "basis"), { recursive: true });
    fs.mkdirSync(path.join(mine, "gemeente"), { recursive: true });
    fs.writeFileSync(path.join(mine, "basis/schuur.rules"), 'ruleset "Basis" { authority "Rijk" valid from 2024-01-01 }\nquestion height: length "Hoe hoog?"\ndecision "Conclusie" {\n  when height > 3 m -> Vergunningplicht\n  otherwise -> Toestemmingsvrij\n}\n');
    fs.writeFileSync(path.join(mine, "gemeente/schuur.rules"), 'ruleset "Eigen" { authority "Gemeente Proef" extends "../basis/schuur.rules" }\n');
    fs.writeFileSync(path.join(mine, "gemeente/schuur.cases.json"), JSON.stringify([{ name: "laag", answers: { height: "2 m" }, expect: { Conclusie: "Toestemmingsvrij" } }]));
    await page.locator("#folder").setInputFiles(mine);
    await page.waitForFunction(() => /2 regelsets geopend/.test(document.querySelector("#keep-status").textContent));
    await openRuleset(page, "mijnmap/gemeente/schuur.rules");
    assert.equal(await page.locator("#diagnostics li.error").count(), 0);
    // Its cases came with it and pass.
    await page.locator("#run-cases").click();
    assert.match(await page.locator("#cases h2").innerText(), /1 goed, 0 fout/);
    fs.rmSync(folder, { recursive: true, force: true });
  });
  await page.close();
});

test("Probeer als inwoner: the edited rules in the residents' widget to a conclusion; the walk saved as a case passes", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-try", async () => {
    const id = "rulesets/bruidsschat/dakraam.rules";
    await openRuleset(page, id);
    const original = await page.locator("#source").inputValue();
    const edited = original.replace('"Het gebouw is een rijksmonument. Voor een dakraam heeft u een vergunning nodig."', '"Rijksmonument (bewerkt): vraag een vergunning aan."');
    assert.notEqual(edited, original);
    await setSource(page, edited);
    await clickMap(page, ...PARCEL_2626, { api: "authoring" });
    // A resident's own session saved in this browser (same site): the trial must leave it alone.
    await page.evaluate(() => localStorage.setItem("vergunningcheck-sessie", "eyJ2IjoxfQ"));
    await page.locator("#try").click();
    const frame = page.frameLocator("#try-frame");
    const card = frame.locator("[data-testid=question][data-input=monument]");
    await card.waitFor({ timeout: 20000 });
    await card.getByLabel("Rijksmonument", { exact: true }).check();
    await card.getByRole("button", { name: /Volgende|Bewaar/ }).click();
    const conclusion = frame.locator("[data-testid=conclusion]");
    await conclusion.waitFor();
    assert.equal(await conclusion.getAttribute("data-outcome"), "Vergunningplicht");
    assert.match(await conclusion.innerText(), /Rijksmonument \(bewerkt\)/);
    const kept = await page.evaluate(() => [localStorage.getItem("vergunningcheck-sessie"), localStorage.getItem("vergunningcheck-eerder")]);
    assert.deepEqual(kept, ["eyJ2IjoxfQ", null], "the trial neither overwrote nor moved the resident's own session");

    // The walk as an example case: added to the cases and run at once, passing.
    await page.locator("#keep-case").click();
    await page.waitForSelector("#cases li[data-passed]");
    const saved = page.locator("#cases li", { hasText: "proef" });
    assert.equal(await saved.getAttribute("data-passed"), "true", await saved.innerText());
    const cases = JSON.parse(await page.evaluate(() => window.authoring.doc.cases));
    const mine = cases.at(-1);
    assert.equal(mine.answers.monument, "rijksmonument");
    assert.equal(mine.expect.Conclusie, "Vergunningplicht");
    // Every case passes, and the coverage lists branches no case reaches, with their lines.
    assert.equal(await page.locator("#cases li[data-passed=false]").count(), 0);
    const unreached = await page.locator("#coverage li.unreached").evaluateAll((l) => l.map((x) => Number(x.dataset.line)));
    const lines = edited.split("\n");
    for (const n of unreached) assert.match(lines[n - 1], /^\s*(when|otherwise)\b/);
    assert.ok(!unreached.includes(lines.findIndex((l) => l.includes('when monument == "rijksmonument"')) + 1), "the walked branch is covered");
    // The same lines are marked in the editor.
    const marked = await page.locator("#backdrop .mark-unreached").evaluateAll((l) => l.map((x) => Number(x.dataset.line)));
    assert.deepEqual(marked, unreached);
    assert.deepEqual(page.errors, []);
  });
  await page.close();
});

async function answerIn(frame, name, value) {
  const card = frame.locator(`[data-testid=question][data-input=${name}]`);
  await card.waitFor();
  if (/^[\d,]+$/.test(value)) await card.locator("input[type=text]").fill(value);
  else await card.getByLabel(value.charAt(0).toUpperCase() + value.slice(1), { exact: true }).check();
  await card.getByRole("button", { name: /Volgende|Bewaar/ }).click();
}

test("Probeer als inwoner with a plan: the clicked parcel, the plan check, and the walk as a passing case with its geometry", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-try-plan", async () => {
    await openRuleset(page, SHED);
    const before = JSON.parse(await page.evaluate(() => window.authoring.doc.cases)).length;
    await clickMap(page, ...PARCEL_2626, { api: "authoring" });
    await page.locator("#try").click();
    await page.waitForFunction(() => document.getElementById("try-frame").contentWindow?.document?.body?.dataset.ready === "true", null, { timeout: 20000 });
    const frame = page.frame({ url: /index\.html\?probeer/ });
    assert.ok(frame, "the residents' page is in the frame");
    // The parcel comes from the click on the authoring map.
    await frame.locator("[data-input=parcel].from-map").waitFor();
    assert.match(await frame.locator("[data-input=parcel].from-map").innerText(), /OTL02 B 2626/);
    // The plan by its measures (4 x 3 m, at the back of the parcel), as a resident can type them.
    await frame.locator("[data-tools=plan] [data-action=place-typed]").click();
    await answerIn(frame, "monument", "nee");
    await answerIn(frame, "on_ground", "ja");
    await answerIn(frame, "height", "2,5");
    await answerIn(frame, "roof_use", "geen");
    const conclusion = frame.locator("[data-testid=conclusion]");
    await conclusion.waitFor();
    assert.equal(await conclusion.getAttribute("data-outcome"), "Toestemmingsvrij");

    await page.locator("#keep-case").click();
    await page.waitForSelector("#cases li[data-passed]");
    const cases = JSON.parse(await page.evaluate(() => window.authoring.doc.cases));
    assert.equal(cases.length, before + 1);
    const mine = cases.at(-1);
    assert.deepEqual(Object.keys(mine.geometry).sort(), ["parcel", "plan"]);
    assert.equal(mine.layers.public_space, "../../data/geo/otterlo_bgt_wegdeel.geojson");
    assert.equal(mine.expect.Conclusie, "Toestemmingsvrij");
    assert.equal(mine.expect.checks["Op uw perceel"], "pass");
    assert.equal(await page.locator("#cases li[data-passed=false]").count(), 0, await page.locator("#cases").innerText());
    assert.equal(await page.locator("#cases li[data-passed=true]").count(), cases.length);
    assert.deepEqual(page.errors, []);
  });
  await page.close();
});

test("What changes where: a changed threshold shows the parcels whose conclusion changes on the map", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-compare", async () => {
    await openRuleset(page, SHED);
    await page.locator("#compare").click();
    await page.waitForFunction(() => /percelen vergeleken/.test(document.querySelector("#compare-status").textContent));
    assert.match(await page.locator("#compare-status").innerText(), /Op geen enkel perceel/);
    const original = await page.locator("#source").inputValue();
    await setSource(page, original.replace("when road_distance <= 1 m", "when road_distance <= 25 m"));
    await page.locator("#compare").click();
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=changed-parcel]").length > 0);
    const changed = await page.locator("[data-testid=changed-parcel]").allInnerTexts();
    for (const c of changed) assert.match(c, /→ Vergunningplicht \(regel \d+: when road_distance <= 25 m\)/);
    assert.equal(await page.locator("#map path.map-changed").count(), changed.length);
  });
  await page.close();
});

test("Deliver: export as STTR from the page; the file imports back with the same outcomes", async () => {
  const page = await freshPage();
  await withScreenshot(page, "authoring-export", async () => {
    const id = "rulesets/bruidsschat/dakkapel.rules";
    await openRuleset(page, id);
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("#export-sttr").click()]);
    assert.equal(download.suggestedFilename(), "dakkapel.dmn");
    const file = await download.path();
    const xml = fs.readFileSync(file, "utf8");
    assert.match(xml, /<dmn:definitions/);
    const cases = manifest.rulesets.find((r) => r.id === id).cases;
    const original = await page.locator("#source").inputValue();
    // Import the exported file on the page.
    const dmn = path.join(path.dirname(file), "dakkapel.dmn");
    fs.copyFileSync(file, dmn);
    await page.locator("#sttr-file").setInputFiles(dmn);
    await page.waitForFunction(() => /is omgezet/.test(document.querySelector("#sttr-status").textContent));
    const imported = await page.locator("#source").inputValue();
    // Every example case: the same conclusion from the original and from the re-imported rules.
    // Every example case: the same decisions (by name) from the original and the re-imported rules.
    // As docs/sttr.md says: STTR has no units (an answer with a unit goes in its base unit, a
    // percentage as a fraction), and cases before the ruleset's validity are not compared.
    const outcomes = await page.evaluate(([original, imported, cases]) => {
      const plain = (v) => {
        const m = typeof v === "string" && /^(-?[\d.,]+)\s*(mm|cm|m|m2|m²|m3|m³|deg|°|%)$/.exec(v.trim());
        if (!m) return v;
        const n = Number(m[1].replace(",", "."));
        return n * ({ mm: 0.001, cm: 0.01, "%": 0.01 }[m[2]] ?? 1);
      };
      const run = (text, c) => {
        try {
          return JSON.parse(window.authoring.engine.evaluateCases("a.rules", text, JSON.stringify([c]), () => ({ type: "FeatureCollection", features: [] }))).decisions;
        } catch (e) {
          return `fout: ${e.message}`;
        }
      };
      const rows = [];
      for (const c of JSON.parse(cases)) {
        const before = run(original, c);
        if (typeof before === "string" && /R010/.test(before)) continue;
        const answers = Object.fromEntries(Object.entries(c.answers ?? {}).map(([k, v]) => [k, plain(v)]));
        const after = run(imported, { ...c, answers });
        const pick = (ds) => (typeof ds === "string" ? ds : Object.fromEntries(ds.map((d) => [d.name, [d.status, d.outcome]])));
        const b = pick(before);
        const a = pick(after);
        rows.push([c.name, b, typeof a === "string" || typeof b === "string" ? a : Object.fromEntries(Object.keys(b).map((k) => [k, a[k]]))]);
      }
      return rows;
    }, [original, imported, cases]);
    assert.ok(outcomes.length >= 5, `${outcomes.length} cases compared`);
    for (const [name, before, after] of outcomes) assert.deepEqual(after, before, name);
    assert.deepEqual(page.errors, []);
  });
  await page.close();
});

test("Regels schrijven: every control has an accessible name", async () => {
  const page = await freshPage();
  const unnamed = await page.evaluate(() =>
    [...document.querySelectorAll("button, input, select, textarea, iframe")]
      .filter((el) => {
        if (el.type === "hidden" || el.closest(".leaflet-control-container")) return false;
        return !(el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim() || el.title);
      })
      .map((el) => el.id),
  );
  assert.deepEqual(unnamed, []);
  await page.close();
});

test("Dutch diagnostics: every code in docs/language.md has a Dutch text, and every pattern is a valid expression", () => {
  const docs = fs.readFileSync(path.join(root, "docs/language.md"), "utf8");
  const codes = [...docs.matchAll(/^\| ([EW]\d{3}) \|/gm)].map((m) => m[1]);
  assert.ok(codes.length >= 30, `${codes.length} codes in the table`);
  const nl = JSON.parse(fs.readFileSync(path.join(root, "docs/diagnostics.nl.json"), "utf8"));
  assert.deepEqual(codes.filter((c) => !nl[c]?.title), [], "codes without a Dutch title");
  for (const [code, entry] of Object.entries(nl)) {
    if (code.startsWith("_")) continue;
    assert.ok(codes.includes(code), `${code} is not in the table of docs/language.md`);
    for (const [pattern, template] of entry.patterns ?? []) {
      assert.doesNotThrow(() => new RegExp(pattern), `${code}: ${pattern}`);
      assert.ok(template.length > 0);
    }
  }
});

test("Dutch diagnostics: every message the broken examples give (tests/broken, all codes) has a Dutch text", () => {
  const out = spawnSync(rulesBin, ["check", "--format", "json", "tests/broken"], { cwd: root, encoding: "utf8" });
  const all = JSON.parse(out.stdout);
  const nl = JSON.parse(fs.readFileSync(path.join(root, "docs/diagnostics.nl.json"), "utf8"));
  const known = (pairs, text) => (pairs ?? []).some(([p]) => new RegExp(p).test(text));
  assert.ok(all.length >= 40, `${all.length} diagnostics`);
  assert.deepEqual(all.filter((d) => !known(nl[d.code]?.patterns, d.message)).map((d) => `${d.code} ${d.message}`), []);
  // Hints too, except a function's signature (written as in the rules language).
  const hints = all.filter((d) => d.help && !/^\w+\(.*\): /.test(d.help) && !known(nl._help, d.help));
  assert.deepEqual(hints.map((d) => `${d.code} ${d.help}`), []);
});

test("Dutch diagnostics: `rules check --lang nl` and the page give the same Dutch text for every broken example", async () => {
  const { setCatalogue, dutch } = await import(path.join(root, "web-demo/src/js/authoring-nl.js"));
  setCatalogue(JSON.parse(fs.readFileSync(path.join(root, "docs/diagnostics.nl.json"), "utf8")));
  const run = (...args) => JSON.parse(spawnSync(rulesBin, ["check", "--format", "json", ...args, "tests/broken"], { cwd: root, encoding: "utf8" }).stdout);
  const english = run();
  const nl = run("--lang", "nl");
  assert.equal(nl.length, english.length);
  english.forEach((d, i) => {
    const page = dutch(d);
    assert.equal(nl[i].message, page.english ? `${page.text} (${d.message})` : page.text, `${d.code} ${d.message}`);
    assert.equal(nl[i].code, d.code);
    assert.equal(nl[i].line, d.line);
    if (page.suggestion) assert.match(nl[i].help, new RegExp(`^bedoelt u ${page.suggestion.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\?`));
    else if (page.hint) assert.equal(nl[i].help, page.hint);
  });
});

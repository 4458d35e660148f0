// End-to-end tests of the web demo in headless Chromium: what a resident and a permit officer do.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { start, clickMap, assertNoAxe, chooseExample, startActivity, answer, draw } from "./browser.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

let browser;
before(async () => {
  browser = await start();
});
after(async () => {
  await browser?.close();
});

// Real Otterlo data: parcel OTL02 B 2626 (967 m²) with a road in front of it.
const PARCEL_2626 = [181159.082, 456453.946];
const ROAD = [181190, 456455];
const FITS = [[181152, 456460], [181160, 456460], [181160, 456467], [181152, 456467]]; // 56 m², far from the road
const NEAR_ROAD = [[181178, 456444], [181184.8, 456444], [181184.8, 456450], [181178, 456450]]; // 0,52 m from the road

// The shed example of the fictional "Voorbeeldgemeente", on parcel 2626 found by search.
async function openActivity(page, ruleset = "rulesets/voorbeeld/bijgebouw.rules", example = "voorbeeldgemeente") {
  await startActivity(page, ruleset, { example, parcel: "OTL02 B 2626" });
}

const drawPlan = (page, vertices) => draw(page, "plan", vertices, { zoom: 18 });

/**
 * Drags corner 2 of the plan towards the road in 8 steps (the view on the plan's first corner,
 * where the corner and the target are both on the map), until the road check fails; then lets go.
 */
async function dragCornerToRoad(page) {
  await page.evaluate(() => window.demo.view(181152, 456460, 18));
  const box = await page.locator("[data-vertex='1']").boundingBox();
  const target = await page.evaluate(() => window.demo.toContainer(181186, 456447));
  const map = await page.locator("#map").boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await page.mouse.down();
  await page.mouse.move(map.x + target.x, map.y + target.y, { steps: 8 });
  await page.waitForSelector("[data-check='Afstand tot de weg'][data-status=fail]");
  await page.mouse.up();
}

test("Stip op de kaart: a click on a real parcel lists the rules that apply there, grouped by authority", async () => {
  await browser.visit("stip-op-de-kaart", async (page) => {
    // The fictional municipality with the fictional zoning plan, chosen explicitly.
    await chooseExample(page, "gemeente-voorbeeld");
    await clickMap(page, ...PARCEL_2626);
    await page.waitForSelector("[data-testid=where]");
    assert.match(await page.locator("[data-testid=where]").innerText(), /OTL02 B 2626/);
    const zoning = page.locator("[data-testid=hit]", { hasText: "Hier geldt de bestemming" });
    assert.match(await zoning.innerText(), /Bestemming: Hier geldt de bestemming Wonen\. U mag hier tot 10 m hoog bouwen\./);
    assert.match(await page.locator("#stip").innerText(), /Gemeente Voorbeeld \(fictieve bomenregels en bestemmingen\)/);
    // One-line summary expands to details with the legal reference.
    assert.equal(await zoning.locator("dl.facts").first().isVisible(), false);
    await zoning.locator("summary").first().click();
    assert.match(await zoning.innerText(), /Regel\s+Omgevingsplan Voorbeeld \(fictief\), hoofdstuk 4/);
    assert.match(await zoning.innerText(), /Waarom deze regel\? De bestemming zegt waarvoor grond en gebouwen gebruikt mogen worden\./);
    // The activities that can be checked here.
    assert.ok(await page.getByRole("button", { name: /^Aanbouw, uitbouw of schuur bouwen:/ }).isVisible());

    // On the road: the municipality's own `at` rule, once (not the national text it replaces).
    await clickMap(page, ...ROAD);
    await page.waitForFunction(() => /Dit is openbaar gebied/.test(document.querySelector("#stip").textContent));
    const text = await page.locator("#stip").innerText();
    assert.match(text, /Openbaar gebied: Dit is openbaar gebied\. Hier mag u niet bouwen\./);
    assert.match(text, /Gemeente Voorbeeld \(fictief\), naar de bruidsschat/);
    assert.equal((text.match(/Openbaar gebied:/g) ?? []).length, 1, "one text per rule, one rule per place");

    // Without an example municipality: the national rules only, the fictional texts are gone.
    await chooseExample(page, "");
    await page.waitForFunction(() => !/Gemeente Voorbeeld/.test(document.querySelector("#stip").textContent));
    assert.match(await page.locator("#stip").innerText(), /Omgevingsplan \(bruidsschat\)/);
    await assertNoAxe(page, "with the rules of a place");
  });
});

test("Toepasbare regels: the example activity is walked to a conclusion, answers can be changed", async () => {
  await browser.visit("toepasbare-regels", async (page) => {
    await openActivity(page);
    // The parcel comes from the map, shown as such; the plan is asked first.
    assert.match(await page.locator("[data-input=parcel].from-map").innerText(), /kaart.*OTL02 B 2626/s);
    await page.locator("[data-testid=question][data-input=plan]").waitFor();
    await drawPlan(page, FITS);
    await answer(page, "monument", "nee");
    await answer(page, "on_ground", "ja");
    // Help text is shown with the question.
    assert.match(await page.locator("[data-testid=question][data-input=height]").innerText(), /Meet vanaf de grond/);
    await answer(page, "height", "2,5");
    await answer(page, "roof_use", "geen");
    const conclusion = page.locator("[data-testid=conclusion]");
    await conclusion.waitFor();
    assert.equal(await conclusion.getAttribute("data-outcome"), "Toestemmingsvrij");
    const text = await conclusion.innerText();
    assert.match(text, /Geen vergunning nodig/);
    assert.match(text, /Waarom\? Het bijgebouw past binnen de regels: [\d,]+ m² van de toegestane 150 m², 2,5 m hoog\./);
    assert.match(text, /U hoeft geen vergunning aan te vragen/);
    assert.equal(await page.locator("[data-testid=question]").count(), 0, "no question is asked once everything is decided");

    // Change an earlier answer: a monument needs a permit, and the later answers no longer matter.
    await page.getByRole("button", { name: "Wijzig: Is uw huis een monument?" }).click();
    await answer(page, "monument", "ja");
    await page.waitForSelector("[data-testid=conclusion][data-outcome=Vergunningplicht]");
    assert.match(await page.locator("[data-testid=conclusion]").innerText(), /Uw huis is een monument/);
    const answered = await page.locator(".answers li").allInnerTexts();
    assert.equal(answered.length, 1, `only the monument answer still matters, got ${answered}`);
    assert.match(await page.locator("[data-testid=not-needed]").innerText(), /3 antwoorden doen nu niet meer mee/);

    // Back to "nee": the earlier answers count again and the conclusion returns.
    await page.getByRole("button", { name: "Wijzig: Is uw huis een monument?" }).click();
    await answer(page, "monument", "nee");
    await page.waitForSelector("[data-testid=conclusion][data-outcome=Toestemmingsvrij]");
    // A refused answer is explained in Dutch next to the question.
    await page.getByRole("button", { name: "Wijzig: Hoe hoog wordt het bijgebouw?" }).click();
    await answer(page, "height", "25");
    assert.match(await page.locator("[data-testid=question] .error-text").innerText(), /Vul een waarde in tussen 0 m en 20 m/);
    await assertNoAxe(page, "after changing an answer");
  });
});

test("Binnen de lijntjes: a plan that does not fit is highlighted, one that fits is not", async () => {
  await browser.visit("binnen-de-lijntjes", async (page) => {
    await openActivity(page);
    await drawPlan(page, NEAR_ROAD);
    const road = page.locator("[data-check='Afstand tot de weg']");
    await road.waitFor();
    assert.equal(await road.getAttribute("data-status"), "fail");
    assert.match(await road.innerText(), /Gemeten: 0,5\d* m · toegestaan: meer dan 1 m/);
    assert.ok((await page.locator("path.violation").count()) > 0, "the part too close to the road is highlighted");

    // Redraw where it fits: every check passes and nothing is highlighted.
    await drawPlan(page, FITS);
    await page.waitForSelector("[data-check='Afstand tot de weg'][data-status=pass]");
    assert.equal(await page.locator("[data-check='Op uw perceel']").getAttribute("data-status"), "pass");
    assert.match(await page.locator("[data-check=Oppervlakte]").innerText(), /Gemeten: 5[56](,\d+)? m² · toegestaan: ten hoogste 150 m²/);
    assert.equal(await page.locator("path.violation").count(), 0);

    // Drag a corner off the parcel (towards the road): the checks follow while dragging.
    await dragCornerToRoad(page);
    assert.ok((await page.locator("path.violation").count()) > 0);

    // The height entered with the plan answers the height question.
    await page.getByLabel("Hoe hoog wordt het bijgebouw?").fill("6");
    await page.getByLabel("Hoe hoog wordt het bijgebouw?").press("Tab");
    await page.waitForSelector("[data-check=Hoogte][data-status=fail]");
    assert.match(await page.locator("[data-check=Hoogte]").innerText(), /Gemeten: 6 m · toegestaan: ten hoogste 5 m/);
    await assertNoAxe(page, "with a plan that does not fit");
  });
});

test("Binnen de lijntjes: a dragged corner updates only the checks that changed, with the engine's statuses", async () => {
  await browser.visit("binnen-de-lijntjes-slepen", async (page) => {
    await openActivity(page);
    await drawPlan(page, FITS);
    await page.waitForSelector("[data-check='Afstand tot de weg'][data-status=pass]");
    // The panel as it is before the drag: its nodes, and what each check item says.
    const before = await page.evaluate(() => {
      window.keptNodes = { title: document.getElementById("check-title"), items: [...document.querySelectorAll("[data-check]")] };
      window.liveTexts = [];
      new MutationObserver(() => window.liveTexts.push(document.getElementById("result-live").textContent)).observe(document.getElementById("result-live"), { childList: true, characterData: true, subtree: true });
      return Object.fromEntries([...document.querySelectorAll("[data-check]")].map((li) => [li.dataset.check, `${li.dataset.status} ${li.innerText}`]));
    });

    // Corner 2 dragged in steps towards the road, as in the test above.
    await dragCornerToRoad(page);
    await page.waitForFunction(() => !window.demo.state.dragging);
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0))));

    const after = await page.evaluate(() => {
      const items = [...document.querySelectorAll("[data-check]")];
      return {
        shown: Object.fromEntries(items.map((li) => [li.dataset.check, `${li.dataset.status} ${li.innerText}`])),
        statuses: Object.fromEntries(items.map((li) => [li.dataset.check, li.dataset.status])),
        engine: Object.fromEntries(window.demo.state.outcome.checks.map((c) => [c.name, c.status])),
        kept: Object.fromEntries(items.map((li) => [li.dataset.check, window.keptNodes.items.includes(li)])),
        titleKept: window.keptNodes.title === document.getElementById("check-title"),
        liveTexts: window.liveTexts,
      };
    });
    // The statuses shown are the engine's for the plan as it was let go.
    assert.deepEqual(after.statuses, after.engine);
    assert.equal(after.statuses["Afstand tot de weg"], "fail");
    assert.match(after.shown["Afstand tot de weg"], /Past niet/);
    // What did not change kept its node (patched, not rebuilt); what changed says the new thing.
    const unchanged = Object.keys(before).filter((name) => before[name] === after.shown[name]);
    const changed = Object.keys(before).filter((name) => before[name] !== after.shown[name]);
    assert.ok(unchanged.length > 0 && changed.includes("Afstand tot de weg"), `unchanged ${unchanged}, changed ${changed}`);
    for (const name of unchanged) assert.ok(after.kept[name], `the unchanged check "${name}" was rebuilt`);
    assert.ok(after.titleKept, "the panel's heading was rebuilt");
    // The verdict is said at most once per change, not on every step of the drag.
    assert.ok(after.liveTexts.every((t, i) => t !== after.liveTexts[i - 1]), `said again: ${after.liveTexts}`);
    assert.ok(after.liveTexts.length <= 2, `said ${after.liveTexts.length} times: ${after.liveTexts}`);
  });
});

test("Droog oefenen: a session saved as a link opens again with its answers and plan", async () => {
  await browser.visit("droog-oefenen", async (page) => {
    await openActivity(page);
    await drawPlan(page, FITS);
    await answer(page, "monument", "nee");
    await answer(page, "on_ground", "ja");
    await page.locator("[data-action=save-link]").click();
    // (The address as the page has it now: page.url() follows it only after a navigation event.)
    const url = await page.evaluate(() => location.href);
    assert.match(url, /#sessie=/);

    await browser.visit("droog-oefenen-reload", async (again) => {
      await again.waitForSelector("#check-title");
      assert.equal(await again.locator("[data-testid=question]").getAttribute("data-input"), "height");
      const answered = await again.locator(".answers li").allInnerTexts();
      assert.equal(answered.length, 2);
      assert.match(await again.locator("[data-check=Oppervlakte]").innerText(), /5[56](,\d+)? m²/);
      assert.match(await again.locator("[data-input=parcel].from-map").innerText(), /OTL02 B 2626/);
    }, { url: url.slice(browser.base.length) });

    // The same session as a file: download, then open it on a fresh page.
    const [download] = await Promise.all([page.waitForEvent("download"), page.locator("[data-action=save-file]").click()]);
    const file = await download.path();
    await browser.visit("droog-oefenen-file", async (fresh) => {
      await fresh.setInputFiles("#session-file", file);
      await fresh.waitForSelector("[data-testid=question][data-input=height]");
      assert.equal(await fresh.locator(".answers li").count(), 2);
    });
  });
});

test("Droog oefenen: a link made on another day asks, in Dutch and by keyboard, which date to evaluate on", async () => {
  const { decodeSession, encodeSession } = await import(path.join(root, "web-demo/src/js/session.js"));
  let address, code;
  await browser.visit("droog-oefenen-datum-save", async (page) => {
    await openActivity(page);
    await drawPlan(page, FITS);
    await answer(page, "monument", "nee");
    await page.locator("[data-action=save-link]").click();
    [address, code] = (await page.evaluate(() => location.href)).slice(browser.base.length).split("#sessie=");
  });
  // The same session, as if saved on 1 January 2025.
  const link = `${address}#sessie=${encodeSession({ ...decodeSession(code), date: "2025-01-01" })}`;

  await browser.visit("droog-oefenen-datum", async (saved) => {
    const question = saved.locator("[data-testid=session-date-question]");
    await question.waitFor();
    assert.match(await question.innerText(), /bewaard met de datum 1 januari 2025\..*Met welke datum wilt u de uitkomst zien\?/s);
    // Nothing is evaluated before the resident chooses; "Vandaag" has the focus.
    assert.equal(await saved.locator("#check-title").count(), 0);
    assert.equal(await saved.evaluate(() => document.activeElement?.dataset.action), "session-today");
    await saved.keyboard.press("Tab");
    assert.equal(await saved.evaluate(() => document.activeElement?.innerText), "De bewaarde datum (1 januari 2025)");
    await saved.keyboard.press("Enter");
    await saved.waitForSelector("#check-title");
    assert.match(await saved.locator("[data-testid=session-date]").innerText(), /geldt voor 1 januari 2025, niet voor vandaag/);
    assert.equal(await saved.locator(".answers li").count(), 1);
    assert.match(await saved.locator("[data-check=Oppervlakte]").innerText(), /5[56](,\d+)? m²/);
  }, { url: link });

  // Enter on the focused "Vandaag": today's rules, and no notice about another date.
  await browser.visit("droog-oefenen-vandaag", async (today) => {
    await today.locator("[data-testid=session-date-question]").waitFor();
    await today.keyboard.press("Enter");
    await today.waitForSelector("#check-title");
    assert.equal(await today.locator("[data-testid=session-date]").count(), 0);
    assert.equal(await today.locator("[data-testid=session-date-question]").count(), 0);
    assert.equal(await today.locator(".answers li").count(), 1);
  }, { url: link });
});

test("Regels schrijven: an error typed in the editor is shown with line and column", async () => {
  await browser.visit("authoring", async (page) => {
    assert.match(await page.locator("#diag-summary").innerText(), /Geen fouten of waarschuwingen/);
    const source = await page.locator("#source").inputValue();
    const line = source.split("\n").findIndex((l) => l.includes("when height > 5 m")) + 1;
    await page.locator("#source").fill(source.replace("when height > 5 m", "when height > 5 m2"));
    const diagnostic = page.locator(".diagnostics li[data-code=E004]");
    await diagnostic.waitFor();
    assert.equal(Number(await diagnostic.getAttribute("data-line")), line);
    assert.match(await diagnostic.innerText(), new RegExp(`regel ${line}, kolom \\d+ fout E004`));
    assert.match(await page.locator("#diag-summary").innerText(), /1 fout/);
    // Clicking the diagnostic puts the cursor there.
    await diagnostic.locator("button").click();
    assert.match(await page.locator("#cursor").innerText(), new RegExp(`Regel ${line},`));

    // Fixed again: the map preview shows what the edited rules say at a point.
    await page.locator("#source").fill(source.replace('"Dit is openbaar gebied. Hier mag u niet bouwen."', '"Openbaar gebied: niet bouwen (bewerkt)."'));
    await page.waitForFunction(() => /Geen fouten/.test(document.querySelector("#diag-summary").textContent));
    await clickMap(page, 181190, 456455, { api: "authoring" });
    await page.waitForSelector("[data-testid=preview-hit]");
    assert.match(await page.locator("#preview").innerText(), /niet bouwen \(bewerkt\)/);
    await assertNoAxe(page, "in the editor");
  }, { url: "authoring.html" });
});

test("Regels schrijven: a real STTR file is converted in the browser and opened in the editor", async () => {
  await browser.visit("authoring-sttr", async (page) => {
    const file = path.join(root, "rulesets/amsterdam/amsterdam_vergunningcheck_geo.dmn");
    await page.locator("#sttr-file").setInputFiles(file);
    await page.waitForFunction(() => /is omgezet/.test(document.querySelector("#sttr-status").textContent));
    assert.match(await page.locator("#sttr-status").innerText(), /0 fouten, 2 waarschuwingen/);
    // The file's finding, located in the DMN file: its location question is declared yes/no.
    const finding = page.locator("#sttr-diagnostics li[data-code=D004]").first();
    assert.match(await finding.innerText(), /regel \d+, kolom \d+ van amsterdam_vergunningcheck_geo\.dmn waarschuwing D004/);
    // The converted ruleset is in the editor, checked without errors, and can be chosen again.
    const source = await page.locator("#source").inputValue();
    assert.match(source, /^ruleset "/m);
    assert.match(source, /\/\/ dmn: /);
    await page.waitForFunction(() => /Geen fouten|^0 fouten/.test(document.querySelector("#diag-summary").textContent));
    assert.equal(await page.locator("#ruleset-select").inputValue(), "amsterdam_vergunningcheck_geo.dmn.rules");
    await assertNoAxe(page, "after an STTR conversion");
  }, { url: "authoring.html" });
});

test("Phone-sized screen: map and panel are usable without sideways scrolling", async () => {
  await browser.visit("phone", async (page) => {
    await chooseExample(page, "gemeente-voorbeeld");
    await clickMap(page, ...PARCEL_2626);
    await page.waitForSelector("[data-testid=hit]");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px too wide`);
    const map = await page.locator("#map").boundingBox();
    assert.ok(map.height > 300 && map.width >= 380, `map is ${map.width}x${map.height}`);
    // Every control has an accessible name.
    const unnamed = await page.evaluate(() =>
      [...document.querySelectorAll("button, input, select, textarea")].filter((el) => {
        if (el.type === "hidden" || el.closest(".leaflet-control-container")) return false;
        const label = el.labels?.length || el.getAttribute("aria-label") || el.textContent.trim() || el.title;
        return !label;
      }).length,
    );
    assert.equal(unnamed, 0);
  }, { viewport: { width: 390, height: 844 } });
});

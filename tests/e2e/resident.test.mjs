// A resident on their own, in headless Chromium: find the house (offline over the bundled data;
// online through the PDOK Locatieserver, its answers served by request routing), a phone from
// search to conclusion and its bottom sheet, the keyboard alone from search to a printed outcome, a reload that keeps
// the work, ask before throwing work away, a damaged link, a session of older rules, and the
// print view; a shared link that keeps the resident's own session. axe-core checks every state
// these tests visit, at every step of the walk from search to the printed outcome.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { start, clickMap, assertNoAxe, chooseExample, searchPlace, startActivity, answer, root } from "./browser.mjs";

const PHONE = { width: 390, height: 844 };
const FIXTURES = path.join(root, "tests/e2e/fixtures");

let browser;
before(async () => {
  browser = await start();
});
after(async () => {
  await browser?.close();
});

/**
 * Whether the element's top lies inside the viewport and inside every box that scrolls it (the
 * phone's bottom sheet): as the resident sees it now.
 */
async function inViewport(locator) {
  return locator.evaluate((el) => {
    const r = el.getBoundingClientRect();
    // (1 px of leeway: scrolling to an element can leave it a fraction of a pixel above the top.)
    let seen = r.height > 0 && r.top >= -1 && r.left >= -1 && r.top < window.innerHeight && r.right <= window.innerWidth + 1;
    for (let box = el.parentElement; seen && box; box = box.parentElement) {
      if (!/(auto|scroll|hidden)/.test(getComputedStyle(box).overflowY)) continue;
      const b = box.getBoundingClientRect();
      seen = r.top >= b.top - 1 && r.top < b.bottom;
    }
    return seen;
  });
}

/** Presses Tab (Shift+Tab with back) until the focused element matches `selector`. */
async function tabTo(page, selector, { back = false, max = 60 } = {}) {
  for (let i = 0; i < max; i++) {
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
    await page.keyboard.press(back ? "Shift+Tab" : "Tab");
  }
  throw new Error(`Tab never reached ${selector}; focus is on ${await page.evaluate(() => document.activeElement?.outerHTML.slice(0, 120))}`);
}

const focused = (page, selector) => page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector);

const BIJGEBOUW = "rulesets/voorbeeld/bijgebouw.rules";

async function startBijgebouw(page) {
  await startActivity(page, BIJGEBOUW, { example: "voorbeeldgemeente", parcel: "OTL02 B 2626" });
  await page.waitForSelector("[data-testid=question][data-input=plan]");
}

async function typedPlan(page) {
  await page.locator("[data-typed=plan] [data-action=place-typed]").click();
  await page.waitForSelector("[data-testid=question][data-input=monument]");
}

/** The session autosaved in this browser (decoded), or null. */
const autosaved = (page) =>
  page.evaluate(() => {
    const text = localStorage.getItem("vergunningcheck-sessie");
    return text && JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0))));
  });

/** Waits until the autosave (localStorage and the address) holds `answers`. */
async function savedWith(page, answers) {
  await page.waitForFunction((want) => {
    const text = localStorage.getItem("vergunningcheck-sessie");
    if (!text || location.hash !== `#sessie=${text}`) return false;
    const s = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(text.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0))));
    // (null: the answer is not in the saved session)
    return Object.entries(want).every(([k, v]) => (v === null ? !(k in s.answers) : JSON.stringify(s.answers[k]) === JSON.stringify(v)));
  }, answers);
}

test("address search offline: a parcel number finds the parcel in the bundled data", async () => {
  await browser.visit("search-offline", async (page) => {
    await assertNoAxe(page, "on the start page");
    await page.locator("#search-input").fill("2626");
    const options = page.locator("[data-testid=search-option]");
    await options.first().waitFor();
    assert.deepEqual(await options.allInnerTexts(), ["Perceel OTL02 B 2626 Otterlo, 967 m²"]);
    assert.equal(await page.locator("#search-input").getAttribute("aria-expanded"), "true");
    await assertNoAxe(page, "with suggestions open");
    await page.locator("#search-input").press("ArrowDown");
    assert.equal(await page.locator("#search-input").getAttribute("aria-activedescendant"), "search-option-0");
    await page.locator("#search-input").press("Enter");
    await page.waitForSelector("[data-testid=where]");
    assert.match(await page.locator("[data-testid=where]").innerText(), /Perceel OTL02 B 2626 · 967 m²/);
    assert.match(await page.locator("#status").innerText(), /perceel OTL02 B 2626 gekozen/);
    assert.ok(await focused(page, "#stip-title"), "focus goes to what was found");
    // The words of the code in another order, and something that is not there.
    await page.locator("#search-input").fill("otterlo b 2353");
    assert.match(await page.locator("[data-testid=search-option]").first().innerText(), /OTL02 B 2353/);
    await page.locator("#search-input").fill("9999");
    await page.waitForFunction(() => /Niets gevonden voor "9999"/.test(document.querySelector("#status").textContent));
    assert.equal(await page.locator("[data-testid=search-option]").count(), 0);
    // The bundled data has no addresses or street names: said so, in the help and on a search.
    assert.match(await page.locator("#search-help").innerText(), /adres of straatnaam zoeken kan in deze demo alleen met internet/);
    const said = (re) => page.waitForFunction((r) => new RegExp(r).test(document.querySelector("#status").textContent), re.source);
    for (const query of ["Dorpsstraat", "6731 AB 12"]) {
      await page.locator("#search-input").fill("9999");
      await said(/Niets gevonden voor "9999"/);
      await page.locator("#search-input").fill(query);
      await said(/Zoeken op adres of straatnaam kan in deze demo alleen met internet/);
    }
    await assertNoAxe(page, "after a search");
  });
});

test("address search online: PDOK Locatieserver suggest and lookup (a response in the documented format, served by request routing)", async () => {
  const suggest = fs.readFileSync(path.join(FIXTURES, "locatieserver-suggest.json"), "utf8");
  const lookup = fs.readFileSync(path.join(FIXTURES, "locatieserver-lookup.json"), "utf8");
  const asked = [];
  // The site as built to be online (DEMO_ONLINE=1): the same manifest with `online` on.
  const online = (p) =>
    p.route("**/manifest.json", async (route) => {
      const res = await route.fetch();
      await route.fulfill({ response: res, json: { ...(await res.json()), online: true } });
    });
  const setup = async (p) => {
    await online(p);
    await p.route("https://api.pdok.nl/**", (route) => {
      const url = new URL(route.request().url());
      asked.push(`${url.pathname.split("/").pop()}?${url.search}`);
      route.fulfill({ contentType: "application/json", body: url.pathname.endsWith("/suggest") ? suggest : lookup });
    });
    await p.route("https://service.pdok.nl/**", (route) => route.fulfill({ status: 404, body: "" }));
  };
  await browser.visit("search-online", async (page) => {
    assert.ok(await page.locator("#tiles").isChecked(), "the PDOK background map is on by default when online");
    await page.locator("#search-input").fill("Otterlo 2626");
    const options = page.locator("[data-testid=search-option]");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=search-option]").length >= 2);
    const texts = await options.allInnerTexts();
    assert.match(texts[0], /Voorbeeldweg 1, 6731ZZ Otterlo adres/, "the Locatieserver's address first");
    assert.ok(texts.some((t) => /Perceel OTL02 B 2626/.test(t)), "the bundled parcel too");
    await assertNoAxe(page, "with online suggestions");
    await page.locator("#search-input").press("ArrowDown");
    await page.locator("#search-input").press("Enter");
    await page.waitForSelector("[data-testid=where]");
    assert.match(await page.locator("[data-testid=where]").innerText(), /^Voorbeeldweg 1, 6731ZZ Otterlo\s+Perceel OTL02 B 2626/, "the address, and the parcel its RD point lies on");
    assert.ok(asked[0].startsWith("suggest?") && /q=Otterlo(\+|%20)2626/.test(asked[0]), asked[0]);
    assert.ok(asked.some((a) => a.startsWith("lookup?") && /id=adr-/.test(a)), asked.join(" | "));
    await assertNoAxe(page, "with an address found online");
  }, { setup });

  // Offline with the service down: a Dutch message, and the parcels still found.
  const disconnected = async (p) => {
    await online(p);
    await p.route("https://api.pdok.nl/**", (route) => route.abort("internetdisconnected"));
    await p.route("https://service.pdok.nl/**", (route) => route.abort("internetdisconnected"));
  };
  await browser.visit("search-online-down", async (down) => {
    await down.locator("#search-input").fill("2626 Otterlo");
    await down.waitForFunction(() => /Adressen zoeken lukt nu niet/.test(document.querySelector("#status").textContent));
    assert.match(await down.locator("[data-testid=search-option]").first().innerText(), /OTL02 B 2626/);
    await assertNoAxe(down, "with the address service down");
  }, { setup: disconnected });
});

test("phone: from search to conclusion, the result in view after each step, the map in view while drawing", async () => {
  await browser.visit("phone-flow", async (page) => {
    // A tap on the map: what is there is scrolled into view and said in the status line.
    await clickMap(page, 181202.04, 456706.351);
    await page.waitForFunction(() => /OTL02 B 2298/.test(document.querySelector("[data-testid=where]")?.textContent));
    await page.waitForFunction(() => document.querySelector("[data-testid=where]").getBoundingClientRect().top < window.innerHeight);
    assert.ok(await inViewport(page.locator("[data-testid=where]")), "the place tapped is scrolled into view");
    assert.match(await page.locator("#status").innerText(), /perceel OTL02 B 2298 gekozen/);
    await assertNoAxe(page, "on a phone with the place card of a tap");
    await page.evaluate(() => window.scrollTo(0, 0));
    await chooseExample(page, "voorbeeldgemeente");
    await searchPlace(page, "2626", "Perceel OTL02 B 2626");
    await page.waitForFunction(() => document.querySelector("[data-testid=where]").getBoundingClientRect().top < window.innerHeight);
    assert.ok(await inViewport(page.locator("[data-testid=where]")), "what was found is scrolled into view");
    await assertNoAxe(page, "on a phone after the search");
    await page.locator('.activities button[data-ruleset="rulesets/voorbeeld/bijgebouw.rules"]').click();
    const card = page.locator("[data-testid=question][data-input=plan]");
    await card.waitFor();
    // The activity list folds away once one is chosen.
    assert.equal(await page.locator(".more-activities").getAttribute("open"), null);
    assert.equal(await page.locator(".activities button").first().isVisible(), false);
    // Drawing: the map comes into view with a floating "Klaar met tekenen" on it.
    await card.locator("[data-action=draw]").click();
    await page.waitForFunction(() => Math.abs(document.querySelector(".map-wrap").getBoundingClientRect().top) < 5);
    assert.ok(await inViewport(page.locator("#map-done")), "the floating Klaar is in view");
    // (The plan's middle in the middle of the map, so every corner is on a 390 px wide screen.)
    await page.evaluate(() => window.demo.view(181156, 456463.5, 17));
    for (const [x, y] of [[181152, 456460], [181160, 456460], [181160, 456467], [181152, 456467]]) await clickMap(page, x, y, { center: false });
    assert.match(await page.locator("#status").innerText(), /^Hoek 4 gezet\.$/);
    await assertNoAxe(page, "on a phone while drawing");
    await page.locator("#map-done").click();
    assert.equal(await page.locator("#map-done").isVisible(), false);
    await page.waitForSelector("[data-testid=question][data-input=monument]");
    // (Scrolled back after the next paint: waited for, not assumed.)
    await page.waitForFunction(() => {
      const r = document.querySelector(".from-map[data-input=plan]").getBoundingClientRect();
      return r.height > 0 && r.top >= -1 && r.top < window.innerHeight;
    });
    assert.ok(await inViewport(page.locator(".from-map[data-input=plan]")), "back at the check after drawing");
    for (const [name, value] of [["monument", "nee"], ["on_ground", "ja"], ["height", "2,5"], ["roof_use", "geen"]]) {
      await page.locator(`[data-testid=question][data-input=${name}]`).waitFor();
      await assertNoAxe(page, `on a phone at the question ${name}`);
      await answer(page, name, value);
    }
    const conclusion = page.locator("[data-testid=conclusion]");
    await conclusion.waitFor();
    await page.waitForFunction(() => {
      const r = document.querySelector("[data-testid=conclusion] .verdict").getBoundingClientRect();
      return r.top >= -1 && r.bottom <= window.innerHeight + 1;
    });
    assert.ok(await inViewport(conclusion.locator(".verdict")), "the conclusion is inside the viewport");
    assert.match(await page.locator("#result-live").textContent(), /^Uitkomst: Geen vergunning nodig\./);
    await assertNoAxe(page, "on a phone at the conclusion");
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `page is ${overflow}px too wide`);
  }, { viewport: PHONE });
});

/** A first visit: nothing saved in this browser (so no "U was nog bezig" offer at the start). */
const firstVisit = (p) => p.addInitScript(() => sessionStorage.getItem("cleared") || (localStorage.clear(), sessionStorage.setItem("cleared", "1")));

test("phone: the explanation is a bottom sheet over the map, made small and big with its button (keyboard too), small while drawing", async () => {
  await browser.visit("phone-sheet", async (page) => {
    const sheet = page.locator("#panel");
    const toggle = page.getByRole("button", { name: "Uitleg en vragen" });
    const expanded = async () => (await toggle.getAttribute("aria-expanded")) === "true";
    const geometry = () =>
      page.evaluate(() => {
        const r = document.querySelector("#panel").getBoundingClientRect();
        const m = document.querySelector("#map").getBoundingClientRect();
        const mid = document.elementFromPoint(m.left + m.width / 2, m.top + m.height / 2);
        return {
          position: getComputedStyle(document.querySelector("#panel")).position,
          top: r.top,
          bottom: r.bottom,
          height: r.height,
          inner: window.innerHeight,
          mapCentreFree: Boolean(mid?.closest("#map")),
          overflow: document.documentElement.scrollWidth - window.innerWidth,
        };
      });
    // At the start of a first visit: the map first, the sheet small at the bottom, the map's
    // centre not under it.
    let g = await geometry();
    assert.equal(g.position, "fixed");
    assert.ok(Math.abs(g.bottom - g.inner) < 1 && g.height < 150, `small sheet at the bottom: ${JSON.stringify(g)}`);
    assert.equal(await expanded(), false);
    assert.ok(g.mapCentreFree, "the map's centre is not under the sheet");
    assert.equal(await toggle.getAttribute("aria-controls"), "panel");
    await assertNoAxe(page, "on a phone with the sheet small");
    // A place found: the sheet is big and shows it.
    await chooseExample(page, "voorbeeldgemeente");
    await searchPlace(page, "2626", "Perceel OTL02 B 2626");
    await page.waitForFunction(() => document.querySelector("#sheet-toggle").getAttribute("aria-expanded") === "true");
    g = await geometry();
    assert.ok(g.height > 300 && g.top > 200, `big sheet with the map above it: ${JSON.stringify(g)}`);
    await page.waitForFunction(() => {
      const w = document.querySelector("[data-testid=where]").getBoundingClientRect();
      const p = document.querySelector("#panel").getBoundingClientRect();
      return w.top >= p.top && w.bottom <= p.bottom;
    });
    assert.ok(await inViewport(page.locator("[data-testid=where]")), "the place card is on screen, in the sheet");
    await assertNoAxe(page, "on a phone with the sheet big");
    // Its button, by keyboard (the first control of the sheet, before the place card's title that
    // has focus now): small, and big again.
    await tabTo(page, "#sheet-toggle", { back: true });
    await page.keyboard.press("Enter");
    assert.equal(await expanded(), false);
    assert.ok((await geometry()).height < 150);
    await page.keyboard.press("Enter");
    assert.equal(await expanded(), true);
    // Small, then Tab into it: it opens, so the focused control is seen.
    await page.keyboard.press("Enter");
    await page.keyboard.press("Tab");
    assert.ok(await page.evaluate(() => document.querySelector("#panel").contains(document.activeElement)));
    assert.equal(await expanded(), true, "focus in the sheet opens it");
    // The map worked by keyboard: the sheet goes small, and Enter on the centre chooses a place
    // (said in the status line; focus and the sheet stay as they are, the centre free).
    await tabTo(page, "#map", { back: true });
    assert.equal(await expanded(), false, "the sheet is small while the map has keyboard focus");
    assert.ok((await geometry()).mapCentreFree);
    await page.evaluate(() => window.demo.view(181202.04, 456706.351, 17));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /OTL02 B 2298/.test(document.querySelector("[data-testid=where]")?.textContent));
    assert.ok(await focused(page, "#map"));
    await page.evaluate(() => window.demo.view(181159.082, 456453.946, 17));
    await page.keyboard.press("Enter");
    await page.waitForFunction(() => /OTL02 B 2626/.test(document.querySelector("[data-testid=where]")?.textContent));
    assert.match(await page.locator("#status").innerText(), /perceel OTL02 B 2626 gekozen/);
    assert.equal(await expanded(), false);
    assert.ok(
      await page.evaluate(() => {
        const s = document.querySelector("#status").getBoundingClientRect();
        const handle = document.querySelector("#sheet-toggle").getBoundingClientRect();
        return s.top >= handle.bottom - 1 && s.top + 10 < document.querySelector("#panel").getBoundingClientRect().bottom;
      }),
      "the status line shows at the top of the small sheet",
    );
    await toggle.click();
    assert.equal(await expanded(), true);
    // An activity: the question to answer shows in the sheet (its top below the sheet's button).
    await page.locator(".activities button[data-ruleset=\"rulesets/voorbeeld/bijgebouw.rules\"]").click();
    await page.waitForFunction(() => {
      const q = document.querySelector("[data-testid=question][data-input=plan]")?.getBoundingClientRect();
      const handle = document.querySelector("#sheet-toggle").getBoundingClientRect();
      return q && q.top >= handle.bottom - 1 && q.top + 40 < window.innerHeight;
    });
    // Drawing: small, the floating Klaar not under it; big again when done.
    await page.locator("[data-testid=question][data-input=plan] [data-action=draw]").click();
    await page.waitForFunction(() => document.querySelector("#sheet-toggle").getAttribute("aria-expanded") === "false");
    const done = await page.locator("#map-done").boundingBox();
    assert.ok(done.y + done.height <= (await geometry()).top, "Klaar met tekenen is above the sheet");
    await assertNoAxe(page, "on a phone while drawing, the sheet small");
    await page.locator("#map-done").click();
    await page.waitForFunction(() => document.querySelector("#sheet-toggle").getAttribute("aria-expanded") === "true");
    g = await geometry();
    assert.ok(g.overflow <= 0, `page is ${g.overflow}px too wide`);
    // On a wide screen there is no sheet: the panel is the column beside the map.
    await page.setViewportSize({ width: 1280, height: 800 });
    assert.equal((await geometry()).position, "static");
    assert.equal(await toggle.isVisible(), false);
  }, { viewport: PHONE, setup: firstVisit });
});

test("keyboard only: from search to a printed outcome, focus kept, corners moved with the arrow keys", async () => {
  const setup = (p) =>
    p.addInitScript(() => {
      window.print = () => {
        window.printed = (window.printed ?? 0) + 1;
      };
    });
  await browser.visit("keyboard-only", async (page) => {
    const clicks = [];
    await page.exposeFunction("noteMouse", (t) => clicks.push(t));
    await page.evaluate(() => ["mousedown", "pointerdown"].forEach((t) => document.addEventListener(t, (e) => e.isTrusted && window.noteMouse(t), true)));
    const kb = page.keyboard;
    // The example municipality, with the keyboard.
    await tabTo(page, "#example-select");
    await kb.press("ArrowDown");
    await page.waitForFunction(() => document.querySelector("#example-select").value === "voorbeeldgemeente");
    // Search, choose with arrow and Enter.
    await tabTo(page, "#search-input", { back: true });
    await kb.type("2626");
    await page.locator("[data-testid=search-option]").first().waitFor();
    await kb.press("ArrowDown");
    await kb.press("Enter");
    await page.waitForSelector("[data-testid=where]");
    assert.ok(await focused(page, "#stip-title"));
    await assertNoAxe(page, "with the place card of the parcel found");
    // The activity.
    await tabTo(page, '.activities button[data-ruleset="rulesets/voorbeeld/bijgebouw.rules"]');
    await kb.press("Enter");
    await page.waitForSelector("[data-testid=question][data-input=plan]");
    assert.ok(await focused(page, "#check-title"), "focus moves to the check");
    await assertNoAxe(page, "at the first question (the plan)");
    // The plan by typed measurements; focus stays in the check (not the page body).
    await tabTo(page, "#plan-width");
    await kb.press("Control+A");
    await kb.type("4");
    await tabTo(page, "[data-action=place-typed]");
    await kb.press("Enter");
    await page.waitForSelector("[data-testid=question][data-input=monument]");
    assert.ok(await page.evaluate(() => document.activeElement !== document.body), "focus is not dropped to the page body");
    // "Wijzig tekening" and back: the draw button keeps focus across the re-render.
    await tabTo(page, ".from-map[data-input=plan] [data-action=change]", { back: true });
    await kb.press("Enter");
    await page.waitForSelector("[data-tools=plan]");
    await assertNoAxe(page, "with the drawing tools open");
    await tabTo(page, "[data-tools=plan] [data-action=clear]");
    // A corner of the plan, moved with the arrow keys.
    await tabTo(page, "[data-vertex='0']", { back: true });
    const before = await page.evaluate(() => window.demo.state.shapes.plan[0]);
    await kb.press("ArrowRight");
    await kb.press("Shift+ArrowUp");
    const after = await page.evaluate(() => window.demo.state.shapes.plan[0]);
    assert.deepEqual([Math.round((after[0] - before[0]) * 100), Math.round((after[1] - before[1]) * 100)], [50, 10]);
    assert.ok(await focused(page, "[data-vertex='0']"), "the corner keeps focus after it is redrawn");
    assert.match(await page.locator("#status").innerText(), /Hoek 1 is 10 cm naar boven geschoven/);
    await assertNoAxe(page, "with a corner focused");
    await tabTo(page, "[data-testid=question][data-input=plan] [data-action=done]");
    await kb.press("Enter");
    await page.waitForSelector("[data-testid=question][data-input=monument]");
    // The questions: a radio chosen with the arrow keys, a number typed.
    for (const [name, keys] of [["monument", ["ArrowDown"]], ["on_ground", [" "]], ["height", ["2", ",", "5"]], ["roof_use", [" "]]]) {
      await tabTo(page, `[data-testid=question][data-input=${name}] input`);
      await assertNoAxe(page, `at the question ${name}`);
      for (const k of keys) await kb.press(k);
      await tabTo(page, `[data-testid=question][data-input=${name}] button[type=submit]`);
      await kb.press("Enter");
      await page.waitForFunction((n) => document.querySelector("[data-testid=question]")?.getAttribute("data-input") !== n, name);
    }
    const conclusion = page.locator("[data-testid=conclusion]");
    await conclusion.waitFor();
    assert.equal(await conclusion.getAttribute("data-outcome"), "Toestemmingsvrij");
    await assertNoAxe(page, "at the conclusion");
    await tabTo(page, "[data-action=print]");
    await kb.press("Enter");
    await page.waitForFunction(() => window.printed === 1);
    assert.equal(await page.evaluate(() => window.printed), 1, "Afdrukken opens the print dialog once");
    await page.emulateMedia({ media: "print" });
    await assertNoAxe(page, "in the print view");
    await page.emulateMedia({ media: "screen" });
    assert.deepEqual(clicks, [], "no mouse events");
  }, { setup });
});

test("the work is kept: a reload restores the session, a new visit offers it, switching asks first", async () => {
  await browser.visit("keep-work", async (page) => {
    await startBijgebouw(page);
    await typedPlan(page);
    await answer(page, "monument", "nee");
    await savedWith(page, { monument: false });
    // Reload mid-flow: the same question, answer and plan.
    await page.reload();
    await page.waitForSelector("body[data-ready=true]");
    await page.waitForSelector("[data-testid=question][data-input=on_ground]");
    assert.equal(await page.locator(".answers li").count(), 1);
    assert.match(await page.locator(".from-map[data-input=plan]").innerText(), /getekend, 12 m²/);
    assert.match(await page.locator("[data-input=parcel].from-map").innerText(), /OTL02 B 2626/);
    await assertNoAxe(page, "after a reload");

    // Another activity would throw the work away: asked first.
    await page.locator(".more-activities summary").click();
    await page.locator(".activities button:not([aria-current])").first().click();
    const confirm = page.locator("[data-testid=discard-confirm]");
    await confirm.waitFor();
    assert.match(await confirm.innerText(), /gaan uw antwoorden en tekening verloren/);
    await assertNoAxe(page, "asking before discarding");
    await confirm.locator("[data-action=keep]").click();
    assert.equal(await page.evaluate(() => window.demo.state.rulesetId), "rulesets/voorbeeld/bijgebouw.rules");
    assert.equal(await page.locator(".answers li").count(), 1);
    // Another example municipality, too.
    await chooseExample(page, "voorbeeldstad");
    await confirm.waitFor();
    assert.equal(await page.locator("#example-select").inputValue(), "voorbeeldgemeente", "nothing changes before the answer");
    await confirm.locator("[data-action=keep]").click();
    assert.ok(await page.locator("[data-testid=question][data-input=on_ground]").isVisible());

    // A new visit without the link: offered, not opened unasked.
    await browser.visit("keep-work-new-visit", async (fresh) => {
      const resume = fresh.locator("[data-testid=resume]");
      await resume.waitFor();
      assert.match(await resume.innerText(), /U was nog bezig met: [^.]+\. Wilt u verder gaan waar u was\?/);
      assert.equal(await fresh.locator("#check-title").count(), 0);
      await assertNoAxe(fresh, "offering the saved session");
      await resume.locator("[data-action=resume]").click();
      await fresh.waitForSelector("[data-testid=question][data-input=on_ground]");
    });
    // An answer under a metre reads in centimetres too.
    await answer(page, "on_ground", "ja");
    await answer(page, "height", "0,9");
    assert.match(await page.locator(".answers li[data-question=height]").innerText(), /0,9 m \(90 cm\)/);
  });
});

/** A `#sessie=` link of an object. */
const link = (obj) => `index.html#sessie=${Buffer.from(JSON.stringify(obj)).toString("base64url")}`;
const GOOD = {
  v: 1,
  ruleset: "rulesets/voorbeeld/bijgebouw.rules",
  date: new Date().toISOString().slice(0, 10),
  point: { x: 181159.082, y: 456453.946 },
  answers: { monument: false },
  plan: [[181152, 456460], [181160, 456460], [181160, 456467], [181152, 456467]],
};

test("a damaged or hostile link gives a Dutch message, never an error on the page", async () => {
  const damaged = [
    ["cut off", link(GOOD).slice(0, -7) + "%%%", /beschadigd/],
    ["not base64", "index.html#sessie=abc<def", /beschadigd/],
    ["truncated JSON", `index.html#sessie=${Buffer.from('{"v":1,"ruleset":"rul').toString("base64url")}`, /beschadigd/],
    ["a plan of text", link({ ...GOOD, plan: [["a", "b"]] }), /tekening .* ongeldig/],
    ["a plan of one repeated corner", link({ ...GOOD, plan: [[181152, 456460], [181152, 456460], [181152, 456460]] }), null],
    ["a geometry answer that is not one", link({ ...GOOD, answers: { main_building: { type: "Polygon", coordinates: "x" } } }), /niet worden gebruikt/],
    ["an unknown ruleset", link({ ...GOOD, ruleset: "elders.rules" }), /niet is geladen/],
  ];
  for (const [what, url, message] of damaged) {
    // (The link is read before the page says it is ready: nothing is left to wait for.)
    await browser.visit(`damaged-link-${what}`, async (page) => {
      if (message) assert.match(await page.locator("#status").innerText(), message, what);
      assert.doesNotMatch(await page.locator("body").innerText(), /undefined|TypeError|Error:/, what);
      if (what === "cut off") await assertNoAxe(page, "with a damaged link message");
    }, { url });
  }
});

test("a session opened on its saved date keeps that date in the address (a reload does not change it)", async () => {
  await browser.visit("saved-date-kept", async (page) => {
    await page.locator("[data-action=session-saved-date]").click();
    await page.waitForSelector("#check-title");
    await page.waitForFunction(() => JSON.parse(atob(location.hash.slice(8).replace(/-/g, "+").replace(/_/g, "/"))).date === "2025-01-01", null, { timeout: 3000 });
    await page.reload();
    await page.waitForSelector("[data-testid=session-date-question]");
    await assertNoAxe(page, "asking which date");
  }, { url: link({ ...GOOD, date: "2025-01-01" }) });
});

test("a session saved under older rules says which answers no longer apply", async () => {
  const old = { ...GOOD, version: "0123456789abcdef", answers: { monument: false, basement_depth: "2 m", height: "2,5 m" } };
  await browser.visit("old-version", async (page) => {
    await page.waitForSelector("#check-title");
    const status = await page.locator("#status").innerText();
    assert.match(status, /De regels zijn veranderd sinds u deze sessie bewaarde\. Dit antwoord geldt niet meer: een vraag die niet meer wordt gesteld \(basement depth\)\./);
    assert.equal(await page.locator(".answers li").count(), 2, "the answers that still apply are kept");
    // Saved again, it records the version of today's rules.
    const saved = await page.evaluate(() => JSON.parse(atob(location.hash.slice(8).replace(/-/g, "+").replace(/_/g, "/"))));
    assert.match(saved.version, /^[0-9a-f]{16}$/);
    assert.notEqual(saved.version, old.version);
    await assertNoAxe(page, "saying which answers no longer apply");
  }, { url: link(old) });
});

test("a shared link keeps the resident's own session under 'Eerder bewaard'; one button brings it back", async () => {
  const shared = { ...GOOD, answers: { monument: false, on_ground: true, height: "2,5 m" } };
  // The resident's own work in this browser: a plan and one answer.
  await browser.visit("shared-link-own", async (page) => {
    await page.evaluate(() => localStorage.clear());
    await startBijgebouw(page);
    await typedPlan(page);
    await answer(page, "monument", "nee");
    await savedWith(page, { monument: false });
  });
  await browser.visit("shared-link-open", async (page) => {
    // Someone's link: it opens as the current session, and says where the own work went.
    await page.waitForSelector("[data-testid=question][data-input=roof_use]");
    assert.equal(await page.locator(".answers li").count(), 3);
    assert.match(await page.locator("#status").innerText(), /^De sessie die u opende, staat nu op het scherm\. Wat u eerder deed \([^)]*1 antwoord, met tekening\) is niet weg: dat staat onder "Eerder bewaard op deze computer"\./);
    const earlier = page.locator("[data-testid=earlier-session]");
    assert.equal(await earlier.count(), 1);
    assert.match(await earlier.innerText(), /1 antwoord, met tekening\. Opzij gezet op \d+ \w+ \d{4}\./);
    assert.equal((await autosaved(page)).answers.height, "2,5 m", "the shared session is the current one");
    await assertNoAxe(page, "with a session kept under 'Eerder bewaard'");
    // A reload opens the link again, and keeps the own session once (not twice).
    await page.reload();
    await page.waitForSelector("[data-testid=question][data-input=roof_use]");
    assert.equal(await page.locator("[data-testid=earlier-session]").count(), 1);
    // Back to the own session: its plan and answer; the shared one now waits under "Eerder bewaard".
    await earlier.locator("[data-action=open-earlier]").click();
    await page.waitForSelector("[data-testid=question][data-input=on_ground]");
    assert.equal(await page.locator(".answers li").count(), 1);
    assert.match(await page.locator(".from-map[data-input=plan]").innerText(), /getekend, 12 m²/);
    assert.match(await earlier.innerText(), /3 antwoorden, met tekening/);
    assert.match(await page.locator("#status").innerText(), /\(Aanbouw, uitbouw of schuur bouwen, 3 antwoorden, met tekening\) is niet weg/);
    await savedWith(page, { monument: false, height: null });
    assert.equal((await autosaved(page)).answers.height, undefined, "the own session is the current one again");
    assert.ok(await page.evaluate(() => document.activeElement !== document.body), "focus is not dropped to the page body");
  }, { url: link(shared) });

  // A damaged link still offers the own session; a new activity started without it keeps it too.
  await browser.visit("shared-link-damaged", async (page) => {
    assert.match(await page.locator("#status").innerText(), /beschadigd/);
    await page.locator("[data-testid=resume]").waitFor();
    await startActivity(page, "rulesets/bruidsschat/dakkapel.rules", { example: "", parcel: "OTL02 B 2626" });
    await answer(page, "monument", "geen monument");
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=earlier-session]").length === 2);
    assert.equal(await page.locator("[data-testid=resume]").count(), 0, "the offer is gone once its session is kept");
    assert.match(await page.locator("[data-testid=earlier]").innerText(), /1 antwoord, met tekening[\s\S]*3 antwoorden, met tekening/);
    assert.equal((await autosaved(page)).ruleset, "rulesets/bruidsschat/dakkapel.rules");
    // Removing one is the resident's own choice.
    await page.locator("[data-testid=earlier-session]").first().locator("[data-action=remove-earlier]").click();
    assert.equal(await page.locator("[data-testid=earlier-session]").count(), 1);
    await assertNoAxe(page, "after removing a kept session");
  }, { url: "index.html#sessie=abc<def" });
});

test("two tabs: one does not silently save over the other's session; it is kept under 'Eerder bewaard'", async () => {
  const earlier = (page) => page.evaluate(() => JSON.parse(localStorage.getItem("vergunningcheck-eerder") ?? "[]"));
  const decode = (text) => JSON.parse(Buffer.from(text, "base64url").toString());
  await browser.visit("two-tabs-first", async (first) => {
    await first.evaluate(() => localStorage.clear());
    await startBijgebouw(first);
    await typedPlan(first);
    await answer(first, "monument", "nee");
    await savedWith(first, { monument: false });

    await browser.visit("two-tabs-second", async (second) => {
      // A second tab starts other work: the first tab's session is kept before it is saved over.
      await startActivity(second, "rulesets/bruidsschat/dakkapel.rules", { example: "", parcel: "OTL02 B 2626" });
      await answer(second, "monument", "geen monument");
      await second.waitForFunction(() => document.querySelectorAll("[data-testid=earlier-session]").length === 1);
      assert.equal((await autosaved(second)).ruleset, "rulesets/bruidsschat/dakkapel.rules");
      assert.match(await second.locator("[data-testid=earlier-session]").innerText(), /1 antwoord, met tekening/);

      // The first tab goes on: the second tab's session is kept in turn, and the first tab's
      // older copy goes (the autosave holds its newer work); it does not list its own work.
      await answer(first, "on_ground", "ja");
      await savedWith(first, { monument: false, on_ground: true });
      let kept = await earlier(first);
      assert.deepEqual(kept.map((e) => decode(e.text).ruleset), ["rulesets/bruidsschat/dakkapel.rules"]);
      await first.waitForFunction(() => document.querySelectorAll("[data-testid=earlier-session]").length === 1);
      assert.match(await first.locator("[data-testid=earlier-session]").innerText(), /Dakkapel|1 antwoord/);
      assert.doesNotMatch(await first.locator("[data-testid=earlier]").innerText(), /2 antwoorden/);

      // And back: the second tab saves again, the first tab's latest work is what is kept, once.
      await second.locator("[data-testid=earlier-session]").waitFor({ state: "detached" });
      await answer(second, "special_building", "nee");
      await second.waitForFunction(() => document.querySelectorAll("[data-testid=earlier-session]").length === 1);
      kept = await earlier(second);
      assert.equal(kept.length, 1);
      assert.deepEqual(decode(kept[0].text).answers, { monument: false, on_ground: true });
      assert.match(await second.locator("[data-testid=earlier-session]").innerText(), /2 antwoorden, met tekening/);
      await assertNoAxe(second, "with the other tab's session kept");
    });
  });
});

test("print: summary, map with the plan and reasons on the page; search, forms and buttons left out", async () => {
  await browser.visit("print", async (page) => {
    await startBijgebouw(page);
    await typedPlan(page);
    await answer(page, "monument", "ja");
    const conclusion = page.locator("[data-testid=conclusion]");
    await conclusion.waitFor();
    assert.equal(await conclusion.getAttribute("data-outcome"), "Vergunningplicht");
    const loket = page.locator("[data-testid=omgevingsloket]");
    assert.equal(await loket.innerText(), "Vraag de vergunning aan in het Omgevingsloket");
    assert.equal(await loket.getAttribute("href"), "https://omgevingswet.overheid.nl/");
    assert.equal(await page.locator(".vakmensen .trace").isVisible(), false, "the trace is behind 'Voor vakmensen'");
    // The rule behind the verdict links its article (laws.js; every reference is checked in laws.test.mjs).
    const law = conclusion.locator("[data-testid=ref] [data-testid=law-link]");
    assert.equal(await law.getAttribute("href"), "https://wetten.overheid.nl/jci1.3:c:BWBR0041297&artikel=2.29");
    assert.equal(await law.innerText(), "(lees artikel 2.29 van het Besluit bouwwerken leefomgeving)");
    await page.emulateMedia({ media: "print" });
    for (const sel of ["[data-testid=conclusion] .verdict", "[data-testid=print-summary]", "[data-testid=because]", "#map", ".from-map[data-input=plan]", "path.map-plan"]) {
      assert.ok(await page.locator(sel).first().isVisible(), `${sel} is printed`);
    }
    for (const sel of ["#search-input", ".map-tools", "#practice", "[data-action=print]", "[data-testid=omgevingsloket]", ".leaflet-control-zoom", ".vakmensen"]) {
      assert.equal(await page.locator(sel).first().isVisible(), false, `${sel} is not printed`);
    }
    const map = await page.locator("#map").boundingBox();
    assert.ok(map.height > 250 && map.width > 500, `the map is printed at ${map.width}x${map.height}`);
    // The whole plan and parcel are on the printed map.
    await page.waitForFunction(() => {
      const m = document.querySelector("#map").getBoundingClientRect();
      return [...document.querySelectorAll("path.map-plan, path.map-selected")].every((p) => {
        const r = p.getBoundingClientRect();
        return r.width > 0 && r.left >= m.left && r.right <= m.right && r.top >= m.top && r.bottom <= m.bottom;
      });
    }, null, { timeout: 3000 });
    await assertNoAxe(page, "in the print view");
    const pdf = await page.pdf({ format: "A4" });
    assert.ok(pdf.length > 10000, "a PDF is made");
    await page.emulateMedia({ media: "screen" });
  });
});

test("map chrome for residents: a legend, Dutch zoom buttons, plain texts with a '?' per term", async () => {
  await browser.visit("legend", async (page) => {
    const legend = await page.locator("#legend-list").innerText();
    for (const word of ["Percelen", "Gebouwen", "Wegen", "Bomen", "Wat u tekent", "niet past", "gebied met gegevens"]) assert.ok(legend.includes(word), `${word} in the legend`);
    assert.equal(await page.locator("path.data-extent").count(), 1, "the edge of the data is drawn");
    assert.equal(await page.locator(".leaflet-control-zoom-in").getAttribute("title"), "Inzoomen");
    assert.equal(await page.locator(".leaflet-control-zoom-out").getAttribute("title"), "Uitzoomen");
    assert.doesNotMatch(await page.locator("#status").innerText(), /regelset|geladen/);
    await clickMap(page, 181159.082, 456453.946);
    await page.waitForSelector("[data-testid=where]");
    assert.doesNotMatch(await page.locator("#stip").innerText(), /RD|Kaartlaag|Object|Droog oefenen/);
    // A "?" per legal term the texts use, folded.
    const term = page.locator("#stip .term", { hasText: "Wat is de bruidsschat?" });
    await term.locator("summary").click();
    assert.match(await term.innerText(), /Regels die het Rijk in 2024 aan elke gemeente heeft meegegeven/);
    await chooseExample(page, "gemeente-voorbeeld");
    await page.locator('.activities button[data-ruleset="rulesets/voorbeeld/achtererf.rules"]').click();
    await page.waitForSelector("#check-title");
    for (const q of ["Wat is een bijbehorend bouwwerk?", "Wat is het achtererfgebied?"]) assert.ok(await page.locator("#check .term", { hasText: q }).isVisible(), q);
    await assertNoAxe(page, "with term explanations");
    await clickMap(page, 181600, 456900, { zoom: 14 });
    await page.waitForSelector("[data-testid=no-data]");
    assert.match(await page.locator("[data-testid=no-data]").innerText(), /^Hier hebben we geen gegevens/);
    await assertNoAxe(page, "outside the data");
  });
});

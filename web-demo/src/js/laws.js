// Where the public text of a rule reference is. A reference in a ruleset ("Omgevingsplan
// (bruidsschat) art. 22.27; Bbl art. 2.27 lid 2 onder a") cites one or more sources, separated by
// ";". Each national source gets a link to its article on wetten.overheid.nl (the Juriconnect
// address `jci1.3:c:<BWB id>&artikel=<nr>`, which always opens the version in force), or to the
// whole regulation when no article is named; the omgevingsplan (the bruidsschat and the
// municipality's own rules, different per municipality) gets the Omgevingsloket's "Regels op de
// kaart", where each municipality's plan can be read; a zoning plan named by its IMRO id gets its
// page on ruimtelijkeplannen.nl. A fictional source gets no link (it has no public text). Pure (no
// DOM), so the links of every bundled ruleset can be checked in node.

/** The national regulations the rulesets cite: how a reference names them, their BWB id. */
export const LAWS = [
  { re: /\bBbl\b|Besluit bouwwerken leefomgeving/, bwb: "BWBR0041297", name: "het Besluit bouwwerken leefomgeving" },
  { re: /\bBal\b|Besluit activiteiten leefomgeving/, bwb: "BWBR0041330", name: "het Besluit activiteiten leefomgeving" },
  { re: /\bOmgevingswet\b/, bwb: "BWBR0037885", name: "de Omgevingswet" },
  { re: /\bBor\b|Besluit omgevingsrecht/, bwb: "BWBR0027464", name: "het Besluit omgevingsrecht (tot 2024)" },
  { re: /\bBurgerlijk Wetboek\b|\bBW\b/, bwb: "BWBR0005288", name: "het Burgerlijk Wetboek", book: "5" },
];

export const REGELS_OP_DE_KAART = "https://omgevingswet.overheid.nl/regels-op-de-kaart";

/**
 * The links of a reference: [{ href, text }], one per source it cites (in the order cited),
 * none for a fictional source or one without a public text.
 */
export function lawLinks(ref) {
  const links = [];
  for (const part of String(ref ?? "").split(";")) {
    if (/fictief|voorbeeld/i.test(part)) continue;
    // The omgevingsplan first: "Omgevingsplan (bruidsschat) art. 22.27 (Bor bijlage II ...)" is
    // the bruidsschat article (the old Bor place is only said for comparison).
    if (/^\s*omgevingsplan\b/i.test(part)) {
      links.push({ href: REGELS_OP_DE_KAART, text: "lees het omgevingsplan van uw gemeente in Regels op de kaart" });
      continue;
    }
    // A zoning plan named by its IMRO id: the plan itself, on ruimtelijkeplannen.nl.
    const imro = /\bNL\.IMRO\.[0-9A-Za-z.-]*[0-9A-Za-z]/.exec(part);
    if (imro) {
      links.push({ href: `https://www.ruimtelijkeplannen.nl/?planidn=${imro[0]}`, text: "lees het bestemmingsplan op ruimtelijkeplannen.nl" });
      continue;
    }
    const law = LAWS.find((l) => l.re.test(part));
    if (!law) continue;
    // The articles named after the law's name: "Bbl art. 2.27 lid 2" -> 2.27; "art. 5:50" -> 50 of
    // book 5; "art. 2.26 en 2.29" -> both (a further article has a dot or colon in its number, so
    // "lid 2 en 3" names no article).
    const after = part.slice(part.search(law.re));
    const m = /\bart(?:ikelen|ikel|\.)?\s+(\d+(?:[.:]\d+)?[a-z]?)/i.exec(after);
    const inAnnex = /\bbijlage\b/i.test(after.slice(0, m ? m.index : undefined));
    if (!m || inAnnex) {
      const href = `https://wetten.overheid.nl/${law.bwb}/`;
      if (!links.some((l) => l.href === href)) links.push({ href, text: `lees de tekst van ${law.name}` });
      continue;
    }
    const more = [...after.slice(m.index + m[0].length).matchAll(/(?:^|[\s,])(\d+[.:]\d+[a-z]?)\b/g)].map((x) => x[1]);
    for (const article of [m[1], ...more]) {
      const nr = law.book ? article.replace(new RegExp(`^${law.book}:`), "") : article;
      const href = `https://wetten.overheid.nl/jci1.3:c:${law.bwb}${law.book ? `&boek=${law.book}` : ""}&artikel=${nr}`;
      if (!links.some((l) => l.href === href)) links.push({ href, text: `lees artikel ${article} van ${law.name}` });
    }
  }
  return links;
}

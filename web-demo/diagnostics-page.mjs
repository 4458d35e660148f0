// The explanation of the diagnostic codes for the authoring page: the "Diagnostics" section of
// docs/language.md (its table, one row per code, and the notes under it) as one small HTML page
// with an anchor per code (`diagnostics.html#E004`), each with its Dutch title from
// docs/diagnostics.nl.json. Built by build.mjs; the page links each diagnostic here.

const escape = (s) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
/** Markdown inline code and links, enough for this section. */
const inline = (s) =>
  escape(s)
    .replace(/`([^`]+)`/g, "<code>$1</code>")
    .replace(/\[([^\]]+)\]\(#([a-z0-9-]+)\)/g, '<a href="language.md#$2">$1</a>');

export function diagnosticsPage(languageMd, catalogue) {
  const start = languageMd.indexOf("\n## Diagnostics");
  if (start < 0) throw new Error("docs/language.md has no ## Diagnostics section");
  const end = languageMd.indexOf("\n## ", start + 5);
  const section = languageMd.slice(start, end < 0 ? undefined : end).split("\n");
  const rows = [];
  const before = [];
  const after = [];
  for (const line of section) {
    const m = /^\| ([EW]\d{3}) \| (.*) \|$/.exec(line);
    if (m) rows.push({ code: m[1], meaning: m[2] });
    else if (!line.startsWith("|") && !line.startsWith("#")) (rows.length ? after : before).push(line);
  }
  if (rows.length === 0) throw new Error("docs/language.md: no codes in the Diagnostics table");
  const paragraphs = (lines) =>
    lines.join("\n").split(/\n\s*\n/).map((p) => p.trim()).filter(Boolean).map((p) => `<p lang="en">${inline(p.replace(/\n/g, " "))}</p>`).join("\n    ");
  const body = rows
    .map(({ code, meaning }) => {
      const nl = catalogue[code]?.title ?? "";
      return `<tr id="${code}"><th scope="row"><a href="#${code}">${code}</a></th><td>${escape(nl)}</td><td lang="en">${inline(meaning)}</td></tr>`;
    })
    .join("\n");
  return `<!doctype html>
<html lang="nl">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Meldingen van de controle: uitleg per code</title>
  <link rel="stylesheet" href="../css/style.css">
  <style>main { padding: 1rem; max-width: 60rem; } table { border-collapse: collapse; } th, td { text-align: left; vertical-align: top; padding: .3rem .5rem; border-bottom: 1px solid #ccc; } tr:target { background: #fff4d6; }</style>
</head>
<body>
  <header class="top"><h1>Meldingen van de controle</h1><nav aria-label="Pagina's"><a href="../authoring.html">Terug naar Regels schrijven</a></nav></header>
  <main>
    <p>Elke melding heeft een vaste code. Hieronder staat per code wat die betekent: in het Nederlands, en in de woorden van de taalbeschrijving (<a href="language.md">docs/language.md</a>, Engels).</p>
    ${paragraphs(before)}
    <table>
      <thead><tr><th scope="col">Code</th><th scope="col">Betekenis</th><th scope="col">In docs/language.md</th></tr></thead>
      <tbody>
${body}
      </tbody>
    </table>
    ${paragraphs(after)}
  </main>
</body>
</html>
`;
}

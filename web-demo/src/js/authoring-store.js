// Keeping the officer's work on the authoring page: a draft per ruleset in the browser's local
// storage (restored after a reload), the last saved version (what "Opslaan" downloaded, or the
// bundled text), saving as a file, opening a folder of rulesets and cases, and a line diff against
// the saved version. Nothing here checks rules: the page does that with the engine.

const KEY = "regels-schrijven:v1";
/** Largest folder file read (the largest shipped ruleset is under 100 KB). */
const MAX_FILE_BYTES = 2_000_000;
/** Longest texts the diff compares line by line (it costs lines x lines). */
const MAX_DIFF_LINES = 3000;

/** { current: id, docs: { id: { draft, saved, cases, at } } } */
function read() {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? "null");
    return v && typeof v === "object" && v.docs && typeof v.docs === "object" ? v : { current: null, docs: {} };
  } catch {
    return { current: null, docs: {} };
  }
}

function write(store) {
  try {
    localStorage.setItem(KEY, JSON.stringify(store));
    return true;
  } catch {
    return false; // storage full or off: the page keeps working without drafts
  }
}

/** What is kept for a ruleset id: {draft, saved, cases, at} or undefined. */
export function kept(id) {
  return read().docs[id];
}

/** The ruleset open when the page was left. */
export function lastOpened() {
  return read().current;
}

/** Keep the editor's text as the draft of `id` (and remember it is the open one). */
export function keepDraft(id, text, saved) {
  const store = read();
  const doc = store.docs[id] ?? {};
  store.docs[id] = { ...doc, draft: text, saved: doc.saved ?? saved, at: new Date().toISOString() };
  store.current = id;
  return write(store);
}

/** Remember `id` as the open ruleset without a draft. */
export function keepCurrent(id) {
  const store = read();
  store.current = id;
  write(store);
}

/** The version last saved: kept, or else the given (bundled) text. */
export function savedText(id, fallback) {
  return read().docs[id]?.saved ?? fallback;
}

/** Mark `text` as saved: the diff then compares with it. */
export function markSaved(id, text) {
  const store = read();
  store.docs[id] = { ...(store.docs[id] ?? {}), draft: text, saved: text, at: new Date().toISOString() };
  store.current = id;
  write(store);
}

/** Keep the example cases (JSON text) of `id`. */
export function keepCases(id, cases) {
  const store = read();
  store.docs[id] = { ...(store.docs[id] ?? {}), cases };
  write(store);
}

/** Forget the draft: the saved version is the text again. */
export function dropDraft(id) {
  const store = read();
  if (store.docs[id]) delete store.docs[id].draft;
  write(store);
}

/** Offer a text as a file download. */
export function download(name, text, type = "text/plain") {
  const url = URL.createObjectURL(new Blob([text], { type: `${type};charset=utf-8` }));
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * The rulesets and cases of a chosen folder (an <input webkitdirectory> file list): [{id, text,
 * cases}] by path in the folder, and the files skipped with why.
 */
export async function readFolder(files) {
  const byPath = new Map();
  const skipped = [];
  for (const f of files) {
    const path = f.webkitRelativePath || f.name;
    if (!path.endsWith(".rules") && !path.endsWith(".cases.json")) continue;
    if (f.size > MAX_FILE_BYTES) {
      skipped.push(`${path} (groter dan 2 MB)`);
      continue;
    }
    byPath.set(path, await f.text());
  }
  const rulesets = [];
  for (const [path, text] of byPath) {
    if (!path.endsWith(".rules")) continue;
    rulesets.push({ id: path, text, cases: byPath.get(path.replace(/\.rules$/, ".cases.json")) ?? null });
  }
  rulesets.sort((a, b) => a.id.localeCompare(b.id));
  return { rulesets, skipped };
}

/**
 * A line diff: [{kind: "same" | "add" | "del", line, text}], `line` the line number in the new
 * text (added, same) or in the old one (deleted). Longest common subsequence, after trimming the
 * common start and end; texts too long to compare give one "del" and "add" block.
 */
export function diffLines(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const out = [];
  for (let i = 0; i < start; i++) out.push({ kind: "same", line: i + 1, text: a[i] });
  const n = endA - start;
  const m = endB - start;
  if (n > MAX_DIFF_LINES || m > MAX_DIFF_LINES) {
    for (let i = start; i < endA; i++) out.push({ kind: "del", line: i + 1, text: a[i] });
    for (let j = start; j < endB; j++) out.push({ kind: "add", line: j + 1, text: b[j] });
  } else {
    // lcs[i][j]: the longest common subsequence of a[start+i..endA] and b[start+j..endB].
    const lcs = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
    for (let i = n - 1; i >= 0; i--) {
      for (let j = m - 1; j >= 0; j--) {
        lcs[i][j] = a[start + i] === b[start + j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
      }
    }
    let i = 0;
    let j = 0;
    while (i < n || j < m) {
      if (i < n && j < m && a[start + i] === b[start + j]) {
        out.push({ kind: "same", line: start + j + 1, text: b[start + j] });
        i++;
        j++;
      } else if (i < n && (j === m || lcs[i + 1][j] >= lcs[i][j + 1])) {
        out.push({ kind: "del", line: start + i + 1, text: a[start + i] });
        i++;
      } else {
        out.push({ kind: "add", line: start + j + 1, text: b[start + j] });
        j++;
      }
    }
  }
  for (let j = endB; j < b.length; j++) out.push({ kind: "same", line: j + 1, text: b[j] });
  return out;
}

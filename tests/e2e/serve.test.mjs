// The demo server (web-demo/serve.mjs) against hostile requests: bad paths get 400, paths out of
// its root 403 (also through a symbolic link), and no request stops it. Needs only node.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");
const { serve } = await import(path.join(root, "web-demo/serve.mjs"));

/** A raw HTTP request (no client-side normalisation of the path): [status, body]. */
function raw(port, request) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, "127.0.0.1", () => socket.write(request));
    let data = "";
    socket.on("data", (d) => (data += d));
    socket.on("end", () => resolve([Number(/^HTTP\/1\.1 (\d+)/.exec(data)?.[1]), data.split("\r\n\r\n")[1] ?? ""]));
    socket.on("error", reject);
    socket.setTimeout(5000, () => reject(new Error("no answer")));
  });
}
const get = (port, target) => raw(port, `GET ${target} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);

test("the demo server refuses bad and escaping paths and keeps running", async () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "serve-"));
  const site = path.join(tmp, "site");
  fs.mkdirSync(site);
  fs.writeFileSync(path.join(site, "index.html"), "<p>demo</p>");
  fs.writeFileSync(path.join(tmp, "secret.txt"), "geheim");
  fs.symlinkSync(path.join(tmp, "secret.txt"), path.join(site, "link.txt"));
  const server = await serve(0, "127.0.0.1", site);
  const { port } = server.address();
  try {
    assert.deepEqual(await get(port, "/"), [200, "<p>demo</p>"]);
    for (const [target, status] of [
      ["/%00", 400],
      ["/index.html%00.png", 400],
      ["/%0d%0aSet-Cookie:x", 400],
      ["/..%5csecret.txt", 400],
      ["/%E0%A4%A", 400],
      ["/..%2fsecret.txt", 403],
      ["/%2e%2e%2fsecret.txt", 403],
      ["/../secret.txt", 404], // the URL parser already takes `..` off: not found in the root
      ["/link.txt", 403],
      ["/nothing-here", 404],
    ]) {
      const [got, body] = await get(port, target);
      assert.equal(got, status, `${target}: ${got} ${body}`);
      assert.doesNotMatch(body, /geheim/, target);
    }
    assert.equal((await raw(port, "POST / HTTP/1.1\r\nhost: x\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"))[0], 405);
    assert.equal((await raw(port, "GARBAGE\r\n\r\n"))[0], 400);
    assert.deepEqual(await get(port, "/index.html"), [200, "<p>demo</p>"], "still serving after all that");
  } finally {
    server.close();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
});

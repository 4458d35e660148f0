// A tiny static server for web-demo/dist on 127.0.0.1 (correct MIME types, application/wasm
// included). Usage: node serve.mjs [PORT]  (PORT 0 picks a free one). Prints the URL.
import http from "node:http";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), "dist");
const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".geojson": "application/geo+json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
  ".ts": "text/plain; charset=utf-8",
  ".txt": "text/plain; charset=utf-8",
  ".md": "text/plain; charset=utf-8",
};

/**
 * The file under `root` that a request path names, or an HTTP status: 400 for a path that cannot
 * name a file (bad escapes, NUL and other control characters, backslashes), 403 for one that
 * leaves the root (`..`, or a link pointing out of it).
 */
export function resolvePath(root, url) {
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(url, "http://x").pathname);
  } catch {
    return 400;
  }
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\\]/.test(pathname)) return 400;
  if (pathname.endsWith("/")) pathname += "index.html";
  const file = path.normalize(path.join(root, pathname));
  if (!file.startsWith(root + path.sep)) return 403;
  return file;
}

export function serve(port = 0, host = "127.0.0.1", root = dist) {
  const realRoot = fs.realpathSync(root);
  const fail = (res, status, text) => {
    if (!res.headersSent) res.writeHead(status, { "content-type": "text/plain; charset=utf-8", "content-length": Buffer.byteLength(text) });
    res.end(text);
  };
  const server = http.createServer((req, res) => {
    // A bad request gets an answer; nothing a client sends may stop the server.
    try {
      if (req.method !== "GET" && req.method !== "HEAD") return fail(res, 405, "alleen GET en HEAD");
      const file = resolvePath(realRoot, req.url);
      if (file === 400) return fail(res, 400, "ongeldig pad");
      if (file === 403) return fail(res, 403, "geen toegang");
      fs.realpath(file, (err, real) => {
        if (err) return fail(res, 404, "niet gevonden");
        if (!real.startsWith(realRoot + path.sep)) return fail(res, 403, "geen toegang");
        fs.readFile(real, (err, body) => {
          if (err) return fail(res, 404, "niet gevonden");
          res.writeHead(200, {
            "content-type": types[path.extname(real)] ?? "application/octet-stream",
            "content-length": body.length,
            "cache-control": "no-cache",
            "x-content-type-options": "nosniff",
          });
          res.end(req.method === "HEAD" ? undefined : body);
        });
      });
    } catch {
      fail(res, 500, "serverfout");
    }
  });
  // Malformed HTTP: answer 400 and close that connection only.
  server.on("clientError", (_err, socket) => {
    if (socket.writable) socket.end("HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n");
    else socket.destroy();
  });
  return new Promise((resolve) => server.listen(port, host, () => resolve(server)));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const port = Number(process.argv[2] ?? process.env.PORT ?? 8080);
  const server = await serve(port);
  const { port: actual } = server.address();
  console.log(`Demo: http://127.0.0.1:${actual}/   (regels schrijven: http://127.0.0.1:${actual}/authoring.html)`);
  console.log("Stop with Ctrl+C.");
}

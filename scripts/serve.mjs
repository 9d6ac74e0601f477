#!/usr/bin/env node
// Serves dist/ (the built page) on http://localhost:8080, or PORT.
// Static files only, GET and HEAD, nothing outside dist/.
//   node scripts/serve.mjs [--root DIR] [--port N] [--host H]
import { createServer } from "node:http";
import { createReadStream, existsSync } from "node:fs";
import { stat } from "node:fs/promises";
import { extname, join, normalize, resolve, sep, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const TYPES = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".wasm": "application/wasm",
  ".txt": "text/plain; charset=utf-8",
  ".csv": "text/csv; charset=utf-8",
};

// Starts the server; resolves with {server, url} once it listens.
export function serve({ root, port = 8080, host = "localhost" } = {}) {
  const base = resolve(root);
  const server = createServer(async (req, res) => {
    const send = (status, text) => {
      res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
      res.end(req.method === "HEAD" ? undefined : text);
    };
    if (req.method !== "GET" && req.method !== "HEAD") return send(405, "method not allowed\n");
    let path;
    try {
      path = decodeURIComponent(new URL(req.url, "http://localhost").pathname);
    } catch {
      return send(400, "bad request\n");
    }
    if (path.includes("\0")) return send(400, "bad request\n");
    let file = normalize(join(base, path));
    if (file !== base && !file.startsWith(base + sep)) return send(403, "forbidden\n");
    try {
      let info = await stat(file);
      if (info.isDirectory()) {
        if (!path.endsWith("/")) {
          res.writeHead(301, { location: `${path}/` });
          return res.end();
        }
        file = join(file, "index.html");
        info = await stat(file);
      }
      res.writeHead(200, {
        "content-type": TYPES[extname(file).toLowerCase()] || "application/octet-stream",
        "content-length": info.size,
        "cache-control": "no-cache",
        "x-content-type-options": "nosniff",
      });
      if (req.method === "HEAD") return res.end();
      createReadStream(file).pipe(res);
    } catch {
      send(404, "not found\n");
    }
  });
  return new Promise((resolvePromise, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      const address = server.address();
      const shownHost = host === "127.0.0.1" || host === "::1" ? "localhost" : host;
      resolvePromise({ server, url: `http://${shownHost}:${address.port}/` });
    });
  });
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        root: { type: "string", default: join(repo, "dist") },
        port: { type: "string", default: process.env.PORT || "8080" },
        host: { type: "string", default: process.env.HOST || "localhost" },
      },
    }));
  } catch (error) {
    console.error(
      `serve: ${error.message}; usage: node scripts/serve.mjs [--root DIR] [--port N] [--host H]`,
    );
    process.exit(2);
  }
  const root = resolve(values.root);
  const port = Number(values.port);
  const host = values.host;
  if (!/^\d+$/.test(values.port) || port > 65535) {
    console.error(`serve: --port must be an integer in [0, 65535]; got '${values.port}'`);
    process.exit(2);
  }
  if (!existsSync(join(root, "index.html"))) {
    console.error(`serve: ${join(root, "index.html")} is missing; run \`npm run build\` first.`);
    process.exit(1);
  }
  serve({ root, port, host })
    .then(({ url }) => {
      console.log(`BatchNorm Lab: serving ${root}`);
      console.log(`Open ${url}  (single file: ${url}batchnorm-lab.html)`);
      console.log("Press Ctrl+C to stop.");
    })
    .catch((error) => {
      console.error(
        error.code === "EADDRINUSE"
          ? `serve: port ${port} is in use; set PORT to another one (PORT=8081 npm run serve).`
          : `serve: ${error.message}`,
      );
      process.exit(1);
    });
}

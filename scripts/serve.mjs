#!/usr/bin/env node
// Serves dist/ (the built page) with Vite's preview server on
// http://localhost:8080 (or PORT), under the strict Content Security Policy
// the page is built to meet.
//   node scripts/serve.mjs [--root DIR] [--port N] [--host H]
import { existsSync } from "node:fs";
import { join, resolve, dirname, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { preview } from "vite";

const repo = resolve(dirname(fileURLToPath(import.meta.url)), "..");

// What a strict site would send: scripts only from the page's origin (and
// WebAssembly compilation), no inline scripts or styles, no eval.
export const CSP = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "worker-src 'self' blob:",
  "connect-src 'self'",
].join("; ");

// Starts the server; resolves with {server, url, close()} once it listens.
export async function serve({ root = join(repo, "dist"), port = 8080, host = "localhost" } = {}) {
  const headers = {
    "content-security-policy": CSP,
    "cache-control": "no-cache",
    "x-content-type-options": "nosniff",
  };
  const server = await preview({
    configFile: false,
    root: repo,
    logLevel: "silent",
    // A missing file is a 404, not the index page (no single-page fallback).
    appType: "mpa",
    build: { outDir: relative(repo, resolve(root)) },
    preview: { port, host, strictPort: true, headers, open: false },
  });
  const address = server.httpServer.address();
  const shownHost = host === "127.0.0.1" || host === "::1" ? "localhost" : host;
  return {
    server: server.httpServer,
    url: `http://${shownHost}:${address.port}/`,
    close: () => server.close(),
  };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: {
      root: { type: "string", default: join(repo, "dist") },
      port: { type: "string", default: process.env.PORT || "8080" },
      host: { type: "string", default: process.env.HOST || "localhost" },
    },
  });
  const root = resolve(values.root);
  const port = Number(values.port);
  if (!existsSync(join(root, "index.html"))) {
    console.error(`serve: ${join(root, "index.html")} is missing; run \`npm run build\` first.`);
    process.exit(1);
  }
  serve({ root, port, host: values.host })
    .then(({ url }) => {
      console.log(`BatchNorm Lab: serving ${root}`);
      console.log(`Open ${url}  (single file: ${url}batchnorm-lab.html)`);
      console.log("Press Ctrl+C to stop.");
    })
    .catch((error) => {
      console.error(
        error.code === "EADDRINUSE" || /already in use/.test(error.message)
          ? `serve: port ${port} is in use; set PORT to another one (PORT=8081 npm run serve).`
          : `serve: ${error.message}`,
      );
      process.exit(1);
    });
}

// How the site build's worker gets the module: the .wasm file streamed (never the base64 copy) on
// a plain page; the base64 classic script where the fetch fails or cannot work (a sandboxed frame
// without same-origin); the bytes first when the server does not say application/wasm. Every
// page here runs under the server's strict Content Security Policy.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { fileEnv, openPage, waitFinished, articleText, assertClean, dist } from "./helpers.mjs";

const env = fileEnv();

const wasmFile = readdirSync(join(dist, "assets")).find((f) => /^batchnorm_lab-\w+\.wasm$/.test(f));
const isWasm = (url) => new URL(url).pathname.endsWith(".wasm");
const isWasmScript = (url) => new URL(url).pathname.endsWith(".wasm.js");

async function expectedOutput() {
  const { page, context } = await openPage(env, `${env.singleFileUrl}?steps=40&seed=5`);
  await waitFinished(page);
  const text = await articleText(page);
  await context.close();
  return text;
}

test("the site has the module as a .wasm file and no base64 copy in its scripts", () => {
  assert.ok(wasmFile, "dist/assets/batchnorm_lab-*.wasm");
  const bytes = readFileSync(join(dist, "assets", wasmFile));
  assert.deepEqual([...bytes.subarray(0, 4)], [0x00, 0x61, 0x73, 0x6d], "wasm magic");
  const script = readFileSync(join(dist, "assets", `${wasmFile}.js`), "utf8");
  assert.ok(script.includes(bytes.toString("base64")), "the fallback script holds the same bytes");
  for (const f of readdirSync(join(dist, "assets")).filter((f) => /\.js$/.test(f))) {
    if (f.endsWith(".wasm.js")) continue;
    const text = readFileSync(join(dist, "assets", f), "utf8");
    assert.ok(!/[A-Za-z0-9+/]{20000}/.test(text), `${f} holds no long base64 run`);
  }
});

test("a plain page streams the .wasm and never fetches the base64 script", async () => {
  const expected = await expectedOutput();
  const { page, log, context } = await openPage(env, `${env.base}?steps=40&seed=5`);
  await waitFinished(page);
  assert.equal(await articleText(page), expected, "same output as the single file");
  assert.equal(log.requests.filter(isWasm).length, 1, "one fetch of the .wasm");
  assert.deepEqual(log.requests.filter(isWasmScript), [], "no fallback script");
  assertClean(assert, log);
  await context.close();
});

test("a failed .wasm fetch falls back to the base64 script, same output", async () => {
  const expected = await expectedOutput();
  const { page, log, context } = await openPage(env, "about:blank");
  await context.route(/\.wasm$/, (route) => route.abort("connectionrefused"));
  await page.goto(`${env.base}?steps=40&seed=5`);
  await waitFinished(page);
  assert.equal(await articleText(page), expected);
  assert.equal(log.requests.filter(isWasmScript).length, 1, "the fallback script was loaded");
  const failed = log.failed.filter((f) => !/\.wasm net::ERR_CONNECTION_REFUSED$/.test(f));
  assert.equal(failed.length, 0, `only the refused .wasm failed: ${log.failed}`);
  assertClean(assert, { ...log, failed });
  await context.close();
});

test("a .wasm served as application/octet-stream is compiled from its bytes", async () => {
  const { page, log, context } = await openPage(env, "about:blank");
  const bytes = readFileSync(join(dist, "assets", wasmFile));
  await context.route(/\.wasm$/, (route) =>
    route.fulfill({ status: 200, contentType: "application/octet-stream", body: bytes }),
  );
  await page.goto(`${env.base}?steps=40&seed=5`);
  await waitFinished(page);
  assert.match(await articleText(page), /Computed by BatchNorm2d/);
  assert.deepEqual(log.requests.filter(isWasmScript), [], "no fallback script");
  assertClean(assert, log);
  await context.close();
});

test("a missing module says which files it tried", async () => {
  const { page, log, context } = await openPage(env, "about:blank");
  await context.route(/\.wasm(\.js)?$/, (route) => route.fulfill({ status: 404, body: "" }));
  await page.goto(`${env.base}?steps=40&seed=5`);
  await page.waitForFunction(() => document.documentElement.dataset.status === "failed", null, {
    timeout: 60000,
  });
  const notice = await page.locator("#notices").textContent();
  assert.match(notice, /batchnorm_lab-\w+\.wasm \(HTTP 404\)/);
  assert.match(notice, /batchnorm_lab-\w+\.wasm\.js/);
  assert.deepEqual(log.pageErrors, []);
  await context.close();
});

test("in <iframe sandbox=allow-scripts> (an opaque origin) the worker loads the base64 script", async () => {
  const expected = await expectedOutput();
  const { page, log, context } = await openPage(env, "about:blank");
  await context.route(`${env.base}sandbox-host.html`, (route) =>
    route.fulfill({
      status: 200,
      contentType: "text/html",
      body: `<!doctype html><title>host</title><iframe sandbox="allow-scripts" src="index.html?steps=40&seed=5" width="900" height="700"></iframe>`,
    }),
  );
  await page.goto(`${env.base}sandbox-host.html`);
  const frame = page.frames().find((f) => f !== page.mainFrame());
  await frame.waitForFunction(() => document.documentElement.dataset.status === "finished", null, {
    timeout: 60000,
  });
  assert.equal(
    await frame.evaluate(
      () => document.querySelector('[data-testid="article-output"]').textContent,
    ),
    expected,
  );
  assert.equal(log.requests.filter(isWasmScript).length, 1, "the fallback script");
  assert.deepEqual(log.requests.filter(isWasm), [], "no doomed .wasm fetch");
  assertClean(assert, log);
  await context.close();
});

test("the folder opened from disk hands over to the single file beside it, same link", async () => {
  const expected = await expectedOutput();
  const url = `${pathToFileURL(join(dist, "index.html")).href}?steps=40&seed=5`;
  const { page, log, context } = await openPage(env, url);
  await page.waitForURL(/batchnorm-lab\.html\?steps=40&seed=5$/);
  await waitFinished(page);
  assert.equal(await articleText(page), expected);
  assert.deepEqual(log.pageErrors, []);
  assert.deepEqual(log.consoleErrors, []);
  await context.close();
});

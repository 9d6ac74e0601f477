// Shared by the browser tests: Debian's Chromium driven by playwright-core,
// the project's server for dist/ (with its strict Content Security Policy),
// and a page wrapper that records console errors, page errors, CSP
// violations, dialogs and every request that leaves the page's origin.
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join, resolve, dirname } from "node:path";
import { before, after } from "node:test";
import { fileURLToPath, pathToFileURL } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../../scripts/serve.mjs";

export const repo = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
export const dist = join(repo, "dist");
export const screenshotDir = join(repo, "tests/browser/screenshots");

// Debian's chromium-headless-shell when it is there: the same Blink and V8 without the full
// browser's shell, and half the CPU time for the browser suite on this machine (lenses.test.mjs:
// 27 CPU-s with /usr/bin/chromium, 13 with the shell). The page measurements of the bench keep
// the full browser (PAGE_CHROMIUM): that is what readers run.
export const PAGE_CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
const SHELL = "/usr/bin/chromium-headless-shell";
export const CHROMIUM = process.env.CHROMIUM_PATH || (existsSync(SHELL) ? SHELL : PAGE_CHROMIUM);
export const CHROMIUM_FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-dev-shm-usage",
];

export function requireBuild() {
  for (const file of ["index.html", "batchnorm-lab.html"]) {
    if (!existsSync(join(dist, file))) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` before the browser tests`);
    }
  }
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} is missing: apt-get install -y chromium-headless-shell (or chromium, or set CHROMIUM_PATH)`,
    );
  }
}

// One browser and one server for a test file.
// browserPath: another Chromium than the suite's (a test of what the headless shell does not do
// as the browser does).
export async function setup({ browserPath = CHROMIUM } = {}) {
  requireBuild();
  // playwright-core gives each launch a fresh, temporary profile.
  const browser = await chromium.launch({
    executablePath: browserPath,
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  const server = await serve({ root: dist, port: 0, host: "127.0.0.1" });
  const base = `http://127.0.0.1:${server.server.address().port}/`;
  return {
    browser,
    base,
    singleFileUrl: pathToFileURL(join(dist, "batchnorm-lab.html")).href,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

// The browser and server of a test file, started before its tests and closed
// after them: env.base, env.browser, ... are there once the tests run. Each
// file has its own (a server on a free port), so files can run side by side.
export function fileEnv() {
  const env = {};
  before(async () => {
    Object.assign(env, await setup());
  });
  after(async () => {
    await env.close?.();
  });
  return env;
}

// axe-core's accessibility violations on the page, one line each: in `scope`
// (a selector) or the whole document; `serious`: only the serious and critical
// ones. Evaluated through the DevTools protocol: an inline <script> would be
// refused by the page's Content Security Policy.
const axeSource = readFileSync(
  createRequire(import.meta.url).resolve("axe-core/axe.min.js"),
  "utf8",
);
export async function axeViolations(page, { scope = null, serious = false } = {}) {
  // Evaluating axe's 550 kB takes about 0.2 s of CPU: once per document is enough.
  if (!(await page.evaluate(() => typeof window.axe === "object"))) await page.evaluate(axeSource);
  const result = await page.evaluate(
    (s) => window.axe.run(s ?? document, { resultTypes: ["violations"] }),
    scope,
  );
  return result.violations
    .filter((v) => !serious || v.impact === "serious" || v.impact === "critical")
    .map(
      (v) =>
        `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`,
    );
}

// How far the page scrolls sideways, in px (0 or less: nothing sticks out).
export function sidewaysOverflow(page) {
  return page.evaluate(
    () => document.documentElement.scrollWidth - document.documentElement.clientWidth,
  );
}

// A fresh context and page with everything recorded in `log`.
// reducedMotion: "reduce" by default, so that a run at the default speed
// ("auto") is drawn at once, as for a reader who asked for less motion,
// instead of being played over WATCH_SECONDS (about 4 s a page, the most of
// the suite's time). A test of the pacing itself, or of anything seen while a
// run plays, passes reducedMotion: "no-preference".
export async function openPage(
  env,
  url,
  {
    width = 1280,
    height = 900,
    colorScheme = "light",
    permissions = [],
    reducedMotion = "reduce",
  } = {},
) {
  const context = await env.browser.newContext({
    viewport: { width, height },
    colorScheme,
    reducedMotion,
    acceptDownloads: true,
  });
  if (permissions.length) await context.grantPermissions(permissions, { origin: env.base });
  // Every Content Security Policy violation in any frame becomes a console
  // error (which assertClean refuses) and is kept in window.__cspViolations.
  await context.addInitScript(() => {
    window.__cspViolations = [];
    document.addEventListener("securitypolicyviolation", (e) => {
      const v = `${e.effectiveDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`;
      window.__cspViolations.push(v);
      console.error(`CSP violation: ${v}`);
    });
  });
  const page = await context.newPage();
  const log = {
    consoleErrors: [],
    pageErrors: [],
    dialogs: [],
    foreignRequests: [],
    requests: [],
    failed: [],
  };
  // about:blank stands for a page that the test builds on the server's origin.
  const pageUrl = new URL(url === "about:blank" ? env.base : url);
  const allowed = (u) => {
    const r = new URL(u);
    if (r.protocol === "data:" || r.protocol === "blob:") return true;
    if (pageUrl.protocol === "file:")
      return r.protocol === "file:" && r.pathname === pageUrl.pathname;
    return r.origin === pageUrl.origin;
  };
  page.on("console", (msg) => {
    if (msg.type() === "error") log.consoleErrors.push(msg.text());
  });
  page.on("pageerror", (error) => log.pageErrors.push(String(error)));
  page.on("dialog", async (dialog) => {
    log.dialogs.push(dialog.message());
    await dialog.dismiss();
  });
  context.on("request", (request) => {
    log.requests.push(request.url());
    if (!allowed(request.url())) log.foreignRequests.push(request.url());
  });
  context.on("requestfailed", (request) =>
    log.failed.push(`${request.url()} ${request.failure()?.errorText}`),
  );
  context.on("response", (response) => {
    if (response.status() >= 400) log.failed.push(`${response.url()} HTTP ${response.status()}`);
  });
  await page.goto(url);
  return { context, page, log };
}

// Waits until the run has finished (the page sets data-status on <html>).
export async function waitFinished(page, timeout = 60000) {
  await page.waitForFunction(() => document.documentElement.dataset.status === "finished", null, {
    timeout,
  });
}

export function articleText(page) {
  return page.locator('[data-testid="article-output"]').textContent();
}

export function assertClean(assert, log, { allowConsoleErrors = [] } = {}) {
  const errors = log.consoleErrors.filter((e) => !allowConsoleErrors.some((re) => re.test(e)));
  assert.deepEqual(errors, [], "console errors");
  assert.deepEqual(log.pageErrors, [], "uncaught page errors");
  assert.deepEqual(log.dialogs, [], "dialogs");
  assert.deepEqual(log.foreignRequests, [], "requests outside the page's origin");
  assert.deepEqual(log.failed, [], "failed requests");
}

// Pictures for people to look at after a UI change: tests/browser/screenshots/<name>.png, of
// the whole page (a Page) or of one element (a Locator). Taken only under `npm run screenshots`
// (BNLAB_SCREENSHOTS=1): no test reads them, and their 89 pictures cost about 20 s of CPU and
// 13 s of the browser suite's time (docs/toolchain-notes.md).
export const TAKING_SCREENSHOTS = process.env.BNLAB_SCREENSHOTS === "1";
export async function screenshot(target, name) {
  if (!TAKING_SCREENSHOTS) return null;
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  const isPage = typeof target.goto === "function";
  await target.screenshot(isPage ? { path, fullPage: true } : { path });
  return path;
}

export function fixtures() {
  return JSON.parse(readFileSync(join(repo, "tests/fixtures/experiments.json"), "utf8"));
}

// The article's config as the page writes it into the link.
export const ARTICLE_QUERY = Object.freeze({
  seed: "21",
  batch: "20",
  channels: "3",
  height: "1",
  width: "1",
  steps: "2000",
  momentum: "0.1",
  eps: "0.00001",
});

// The query string for a fixture's config, as the page writes it.
export function queryFor(config) {
  const q = new URLSearchParams();
  for (const k of ["seed", "batch", "channels", "height", "width", "steps", "momentum", "eps"]) {
    q.set(k, k === "momentum" && config[k] === null ? "none" : String(config[k]));
  }
  return q.toString();
}

// Opens each link (a query string) in one of `pages` pages side by side (most
// of the wait is a worker starting) and calls `check(outcome, link, page, log)`
// once its run is going: outcome {status, notices (the notice list's lines),
// search (the address's query after the page rewrote it)}; status "timeout (S: P)"
// if no run started in time, with the page's status S and progress line P then.
// `log` holds only this link's records.
export async function openLinks(env, links, check, { pages = 3, timeout = 60000 } = {}) {
  let taken = 0;
  await Promise.all(
    Array.from({ length: pages }, async () => {
      const { page, log, context } = await openPage(env, env.base);
      await waitFinished(page);
      while (taken < links.length) {
        const link = links[taken++];
        for (const list of Object.values(log)) list.length = 0;
        await page.goto(env.base + link);
        let outcome;
        try {
          // "idle" too: a link with autoplay=0 is started paused and reset at once, to wait
          // for Run; the poll can miss the short "paused" between.
          await page.waitForFunction(
            () =>
              ["running", "paused", "finished", "failed", "idle"].includes(
                document.documentElement.dataset.status,
              ),
            null,
            { timeout },
          );
          outcome = await page.evaluate(() => ({
            status: document.documentElement.dataset.status,
            notices: document.querySelector("#notices").hidden
              ? []
              : [...document.querySelectorAll("#notice-list li")].map((li) => li.textContent),
            search: location.search,
          }));
        } catch {
          // What the page was doing, for the report: its status and progress line.
          const where = await page
            .evaluate(() => {
              const progress = document.querySelector("#progress-text")?.textContent ?? "";
              return `${document.documentElement.dataset.status}: ${progress.trim()}`;
            })
            .catch((error) => `not readable: ${error.message}`);
          outcome = { status: `timeout (${where})`, notices: [], search: "" };
        }
        await check(outcome, link, page, log);
      }
      await context.close();
    }),
  );
}

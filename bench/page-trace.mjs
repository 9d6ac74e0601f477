// One first visit of a link in headless Chromium, traced: when the page's status changed, what the
// page and its worker fetched, and the main thread's and the worker's tasks over 5 ms with their
// costliest parts, in ms from navigation start (wall time, and CPU time where the trace has it).
// Where bench/page-metrics.mjs says how long the first data takes, this says where the time goes.
//
//   node bench/page-trace.mjs [--dist DIR] [--query '?steps=100']     (run `npm run build` first)
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const FIRST_DATA = "batchnorm-lab:first-data"; // set by web/src/render-loop.js
const CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "blink.user_timing",
  "v8",
  "v8.wasm",
  "loading",
];

function statusRecorder() {
  window.__status = [];
  const watch = () =>
    new MutationObserver(() =>
      window.__status.push([document.documentElement.dataset.status, performance.now()]),
    ).observe(document.documentElement, { attributes: true, attributeFilter: ["data-status"] });
  if (document.documentElement) watch();
  else document.addEventListener("readystatechange", watch, { once: true });
}

export async function pageTrace({ dist = path.join(root, "dist"), query = "" } = {}) {
  const { PAGE_CHROMIUM, CHROMIUM_FLAGS } = await import("../tests/browser/helpers.mjs");
  const { chromium } = await import("playwright-core");
  const { serve } = await import("../scripts/serve.mjs");
  const server = await serve({ root: dist, port: 0, host: "127.0.0.1" });
  const browser = await chromium.launch({
    executablePath: PAGE_CHROMIUM,
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript(statusRecorder);
    const page = await context.newPage();
    await browser.startTracing(page, { categories: CATEGORIES });
    await page.goto(`http://localhost:${server.server.address().port}/${query}`);
    await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, FIRST_DATA, {
      timeout: 60000,
    });
    const { traceEvents: events } = JSON.parse(await browser.stopTracing());
    const visit = await page.evaluate((m) => {
      const nav = performance.getEntriesByType("navigation")[0];
      return {
        firstData: performance.getEntriesByName(m)[0].startTime,
        domContentLoaded: nav.domContentLoadedEventEnd,
        status: window.__status,
      };
    }, FIRST_DATA);
    return { ...visit, ...summarize(events, visit.firstData) };
  } finally {
    await browser.close();
    await server.close();
  }
}

function summarize(events, firstData) {
  const script = events.find(
    (e) => e.name === "EvaluateScript" && /\/assets\/index-/.test(e.args?.data?.url ?? ""),
  );
  if (!script) throw new Error("the trace has no evaluation of assets/index-*.js");
  const nav = events.find(
    (e) =>
      e.pid === script.pid &&
      e.tid === script.tid &&
      e.name === "navigationStart" &&
      /^http/.test(e.args?.data?.documentLoaderURL ?? ""),
  );
  const names = new Map();
  for (const e of events) if (e.name === "thread_name") names.set(`${e.pid}:${e.tid}`, e.args.name);
  const at = (ts) => Math.round((ts - nav.ts) / 1000);
  const end = nav.ts + (firstData + 50) * 1000;
  const threads = [...names]
    .filter(([key, name]) => key === `${nav.pid}:${nav.tid}` || /^DedicatedWorker/.test(name))
    .filter(([key]) => key.startsWith(`${nav.pid}:`));
  const tasks = {};
  for (const [key, name] of threads) {
    const mine = events.filter(
      (e) => `${e.pid}:${e.tid}` === key && e.ph === "X" && e.ts >= nav.ts && e.ts < end,
    );
    tasks[name] = mine
      .filter((e) => e.name === "RunTask" && e.dur > 5000)
      .map((t) => {
        const parts = mine
          .filter(
            (e) =>
              e !== t &&
              e.name !== "RunTask" &&
              !e.name.startsWith("ThreadController") &&
              e.ts >= t.ts &&
              e.ts + e.dur <= t.ts + t.dur &&
              e.dur > 3000,
          )
          .sort((a, b) => b.dur - a.dur)
          .slice(0, 4)
          .map((e) => {
            const url = e.args?.data?.url ? `(${e.args.data.url.replace(/.*\//, "")})` : "";
            return `${e.name}${url} ${Math.round(e.dur / 1000)}`;
          });
        return {
          at: at(t.ts),
          wall: Math.round(t.dur / 1000),
          cpu: Math.round((t.tdur ?? 0) / 1000),
          parts,
        };
      });
  }
  const requests = new Map();
  for (const e of events) {
    if (e.pid !== nav.pid || e.ts < nav.ts) continue;
    const d = e.args?.data ?? {};
    if (e.name === "ResourceSendRequest" && /^http/.test(d.url ?? "")) {
      requests.set(d.requestId, {
        file: d.url.replace(/.*\//, "") || "/",
        thread: names.get(`${e.pid}:${e.tid}`),
        sent: at(e.ts),
      });
    }
    if (e.name === "ResourceFinish" && requests.has(d.requestId)) {
      requests.get(d.requestId).finished = at(e.ts);
    }
  }
  return { requests: [...requests.values()], tasks };
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: { dist: { type: "string" }, query: { type: "string", default: "" } },
  });
  const dist = values.dist ? path.resolve(values.dist) : undefined;
  pageTrace({ dist, query: values.query })
    .then((r) => {
      const ms = (v) => `${Math.round(v)} ms`;
      console.log(
        `first data ${ms(r.firstData)}; DOMContentLoaded ${ms(r.domContentLoaded)}; status ` +
          r.status.map(([s, t]) => `${s} ${ms(t)}`).join(", "),
      );
      for (const q of r.requests) {
        console.log(`  fetch ${q.file} (${q.thread}): ${q.sent} -> ${q.finished ?? "?"} ms`);
      }
      for (const [thread, list] of Object.entries(r.tasks)) {
        console.log(`${thread}: tasks over 5 ms (at, wall, CPU; costliest parts, ms)`);
        for (const t of list) {
          console.log(`  ${t.at} ms: ${t.wall} ms, CPU ${t.cpu} ms; ${t.parts.join(", ")}`);
        }
      }
    })
    .catch((error) => {
      console.error(`page-trace: ${error.message}`);
      process.exitCode = 1;
    });
}

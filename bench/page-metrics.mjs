// The page's metrics in headless Chromium (issue 11): first data charted, main-thread long tasks
// during a 100,000-step run, and the bytes the default link transfers, gzipped. Serves the built
// dist/ with the project's server (scripts/serve.mjs) on localhost; builds nothing.
//
//   node bench/page-metrics.mjs [--runs N] [--dist DIR]     (npm run bench runs it at its end)
import { existsSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { gzipSync } from "node:zlib";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const DIST = path.join(root, "dist");

export const TARGETS = { firstDataMs: 500, longestTaskMs: 50, transferGzipBytes: 150000 };
const FIRST_DATA = "batchnorm-lab:first-data"; // set by web/src/render-loop.js
const LONG_RUN_STEPS = 100000;

// Before any page script: long tasks and the page's status changes (data-status on <html>), with
// their times from navigation start.
function recorder() {
  window.__metrics = { longTasks: [], status: [] };
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      window.__metrics.longTasks.push({ start: e.startTime, duration: e.duration });
    }
  }).observe({ type: "longtask", buffered: true });
  const watch = () => {
    let last = "";
    new MutationObserver(() => {
      const s = document.documentElement.dataset.status || "";
      if (s !== last) window.__metrics.status.push([s, performance.now()]);
      last = s;
    }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-status"] });
  };
  if (document.documentElement) watch();
  else document.addEventListener("readystatechange", watch, { once: true });
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2 : NaN;
};

// One page in a fresh context (nothing cached): navigation, until `done` holds in the page.
async function visit(browser, url, done, timeout, arg = null, { trace = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(recorder);
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  try {
    if (trace) await browser.startTracing(page, { categories: TRACE_CATEGORIES });
    await page.goto(url);
    await page.waitForFunction(done, arg, { timeout });
    const tasks = trace ? mainThreadTasks(JSON.parse(await browser.stopTracing())) : null;
    return await page.evaluate(
      ([mark, tasks]) => {
        const nav = performance.getEntriesByType("navigation")[0];
        return {
          firstData: performance.getEntriesByName(mark)[0]?.startTime ?? NaN,
          domContentLoaded: nav?.domContentLoadedEventEnd ?? NaN,
          ...window.__metrics,
          tasks,
          errors: [],
        };
      },
      [FIRST_DATA, tasks],
    );
  } catch (error) {
    return { firstData: NaN, longTasks: [], status: [], errors: [...errors, error.message] };
  } finally {
    await context.close();
  }
}

// On a loaded machine a task's wall time counts the time its thread waited for a core; the
// trace also gives the CPU time the main thread spent in it ("tdur").
const TRACE_CATEGORIES = [
  "devtools.timeline",
  "disabled-by-default-devtools.timeline",
  "blink.user_timing",
];

// The page's main-thread tasks over 50 ms from a Chromium trace: [{start, duration, cpu}] in ms
// from navigation start (the thread that evaluated assets/index-*.js).
function mainThreadTasks({ traceEvents: events }) {
  const script = events.find(
    (e) => e.name === "EvaluateScript" && /\/assets\/index-/.test(e.args?.data?.url ?? ""),
  );
  if (!script) return [];
  const mine = events.filter((e) => e.pid === script.pid && e.tid === script.tid);
  const nav = mine.find((e) => e.name === "navigationStart");
  if (!nav) return [];
  const runs = mine.filter((e) => e.name === "RunTask" && e.ph === "X");
  // Top-level tasks only (a nested message loop runs tasks inside a task).
  const top = runs.filter(
    (e) => !runs.some((p) => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur),
  );
  return top
    .filter((e) => e.dur > 50000)
    .map((e) => ({
      start: (e.ts - nav.ts) / 1000,
      duration: e.dur / 1000,
      cpu: (e.tdur ?? NaN) / 1000,
    }));
}

const statusAt = (m, name) => m.status.find(([s]) => s === name)?.[1] ?? NaN;

// Long tasks that overlap [from, to].
function tasksIn(m, from, to) {
  const inside = (t) => t.start + t.duration > from && t.start < to;
  const list = m.longTasks.filter(inside);
  const traced = (m.tasks ?? []).filter(inside);
  return {
    count: list.length,
    longest: Math.max(0, ...list.map((t) => t.duration)),
    // From the trace, when there is one: the most CPU time any long task took.
    longestCpu: m.tasks ? Math.max(0, ...traced.map((t) => t.cpu)) : NaN,
  };
}

export async function pageMetrics({ runs = 3, dist = DIST } = {}) {
  for (const file of ["index.html"]) {
    if (!existsSync(path.join(dist, file))) {
      throw new Error(`dist/${file} is missing: run \`npm run build\` first`);
    }
  }
  // The test suite's Chromium and flags; loaded here, as playwright-core is, only when the page is measured.
  const { PAGE_CHROMIUM, CHROMIUM_FLAGS } = await import("../tests/browser/helpers.mjs");
  if (!existsSync(PAGE_CHROMIUM))
    throw new Error(`${PAGE_CHROMIUM} is missing (or set CHROMIUM_PATH)`);
  const { chromium } = await import("playwright-core");
  const { serve } = await import("../scripts/serve.mjs");
  const server = await serve({ root: dist, port: 0, host: "127.0.0.1" });
  // What the default link fetched (page, worker and module included): every answered path.
  const fetched = new Map();
  server.server.on("request", (req, res) =>
    res.on("finish", () => {
      if (res.statusCode === 200) fetched.set(new URL(req.url, "http://x").pathname, true);
    }),
  );
  const base = `http://localhost:${server.server.address().port}/`;
  const browser = await chromium.launch({
    executablePath: PAGE_CHROMIUM,
    args: CHROMIUM_FLAGS,
    headless: true,
  });
  const load = os.loadavg();
  try {
    const firstVisits = [];
    for (let i = 0; i < runs; i++) {
      firstVisits.push(
        await visit(
          browser,
          base,
          (mark) => performance.getEntriesByName(mark).length > 0,
          60000,
          FIRST_DATA,
        ),
      );
    }
    const finished = () => document.documentElement.dataset.status === "finished";
    const longRuns = {};
    for (const speed of ["auto", "max"]) {
      const query = `?steps=${LONG_RUN_STEPS}${speed === "max" ? "&speed=max" : ""}`;
      const m = await visit(browser, base + query, finished, 300000, null, { trace: true });
      const from = statusAt(m, "running");
      const to = statusAt(m, "finished");
      longRuns[speed] = {
        link: query,
        runSeconds: (to - from) / 1000,
        ...tasksIn(m, from, to),
        load: tasksIn(m, 0, from),
        // The five costliest traced tasks, ms from the run's start.
        costliest: (m.tasks ?? [])
          .filter((t) => t.start + t.duration > from && t.start < to)
          .sort((a, b) => b.cpu - a.cpu)
          .slice(0, 5)
          .map((t) => ({ ...t, start: t.start - from })),
        errors: m.errors,
      };
    }
    // A first visit ends at its first data; the long runs load the same page to its end, so a
    // file fetched later (none is) still counts.
    const transfer = [...fetched.keys()].sort().map((p) => {
      const file = path.join(dist, decodeURIComponent(p === "/" ? "/index.html" : p));
      const bytes = readFileSync(file);
      return { path: p, bytes: bytes.length, gzip: gzipSync(bytes, { level: 9 }).length };
    });
    const firstData = firstVisits.map((m) => m.firstData);
    return {
      date: new Date().toISOString(),
      load,
      chromium: browser.version(),
      firstDataMs: median(firstData),
      firstDataRunsMs: firstData,
      firstVisit: firstVisits.map((m) => ({
        domContentLoaded: m.domContentLoaded,
        status: m.status,
        loadLongestTask: tasksIn(m, 0, m.firstData).longest,
        errors: m.errors,
      })),
      longRuns,
      transfer,
      transferGzipBytes: transfer.reduce((s, f) => s + f.gzip, 0),
      transferBytes: transfer.reduce((s, f) => s + f.bytes, 0),
    };
  } finally {
    await browser.close();
    await server.close();
  }
}

const ms = (v) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "n/a");
const kB = (v) => `${(v / 1000).toFixed(1)} kB`; // kB = 1,000 bytes, as the target
const met = (ok) => (ok ? "met" : "not met");

export function pageText(r) {
  const auto = r.longRuns.auto;
  const max = r.longRuns.max;
  const rows = [
    ["page metric (headless Chromium, localhost, fresh context)", "measured", "target", ""],
    [
      `first data charted after navigation (median of ${r.firstDataRunsMs.length})`,
      ms(r.firstDataMs),
      `~${TARGETS.firstDataMs} ms`,
      met(r.firstDataMs <= TARGETS.firstDataMs * 1.2),
    ],
    [
      `longest main-thread task, ${auto.link} (${auto.count} over 50 ms)`,
      ms(auto.longest),
      `<= ${TARGETS.longestTaskMs} ms`,
      met(auto.longest <= TARGETS.longestTaskMs && !auto.errors.length),
    ],
    [
      "  the most CPU time in one of those tasks (Chromium trace)",
      ms(auto.longestCpu),
      `<= ${TARGETS.longestTaskMs} ms`,
      met(auto.longestCpu <= TARGETS.longestTaskMs),
    ],
    [
      `  same, ${max.link} (${max.count} over 50 ms)`,
      ms(max.longest),
      `<= ${TARGETS.longestTaskMs} ms`,
      met(max.longest <= TARGETS.longestTaskMs && !max.errors.length),
    ],
    [
      `the default link's files, gzip -9 (${r.transfer.length} files)`,
      kB(r.transferGzipBytes),
      `<= ${kB(TARGETS.transferGzipBytes)}`,
      met(r.transferGzipBytes <= TARGETS.transferGzipBytes),
    ],
  ];
  const width = rows[0].map((_, c) => Math.max(...rows.map((row) => row[c].length)));
  const lines = rows.map((row) =>
    row
      .map((cell, c) => (c === 0 ? cell.padEnd(width[c]) : cell.padStart(width[c])))
      .join("  ")
      .trimEnd(),
  );
  lines.push("");
  for (const f of r.transfer) {
    lines.push(`  ${f.path.padEnd(44)} ${kB(f.bytes).padStart(9)}  gzip ${kB(f.gzip).padStart(8)}`);
  }
  const first = r.firstVisit[0];
  lines.push(
    "",
    `first visit: DOMContentLoaded ${ms(first?.domContentLoaded)}; status ` +
      (first?.status ?? []).map(([s, t]) => `${s || "-"} ${ms(t)}`).join(", ") +
      `; longest task before the first data ${ms(first?.loadLongestTask)}`,
    `long runs: auto ${auto.runSeconds.toFixed(1)} s, max ${max.runSeconds.toFixed(1)} s; the ` +
      `most CPU in one task: auto ${ms(auto.longestCpu)}, max ${ms(max.longestCpu)}, while ` +
      `loading ${ms(auto.load.longestCpu)} (longest wall time while loading ${ms(auto.load.longest)})`,
    `Chromium ${r.chromium}; load average ${r.load.map((v) => v.toFixed(2)).join(", ")}`,
  );
  const errors = [...r.firstVisit.flatMap((v) => v.errors), ...auto.errors, ...max.errors];
  if (errors.length) lines.push(`errors: ${errors.join("; ")}`);
  return lines.join("\n");
}

const isMain = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const { values } = parseArgs({
    options: { runs: { type: "string", default: "3" }, dist: { type: "string", default: DIST } },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1 || runs > 50) {
    console.error(`page-metrics: --runs needs an integer in [1, 50], got '${values.runs}'`);
    process.exit(2);
  }
  pageMetrics({ runs, dist: path.resolve(values.dist) })
    .then((r) => {
      console.log(pageText(r));
      console.log(JSON.stringify(r));
    })
    .catch((error) => {
      console.error(`page-metrics: ${error.message}`);
      process.exitCode = 1;
    });
}

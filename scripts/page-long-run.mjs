// Issue 12's long run in the page: the article's config for a million steps
// at full speed in headless Chromium, with the memory of every Chromium
// process (proportional set size: the page, its worker and the wasm heap
// live in the renderer)
// and the page's JavaScript heap sampled as it goes. Prints one line per
// sample and a JSON summary; exits 1 if the run does not finish or the page
// logs an error. Needs `npm run build`. Usage:
//   node scripts/page-long-run.mjs [--steps 1000000] [--every 5]
import { readdirSync, readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { chromium } from "playwright-core";
import { serve } from "./serve.mjs";
import { dist, PAGE_CHROMIUM } from "../tests/browser/helpers.mjs";

const { values: opts } = parseArgs({
  options: {
    steps: { type: "string", default: "1000000" },
    every: { type: "string", default: "5" },
  },
});
const steps = Number(opts.steps);
const everyMs = Number(opts.every) * 1000;

// A switch no other Chromium on the machine has, to find this browser's
// process tree in /proc.
const marker = `--bnlab-long-run=${process.pid}`;

function processes() {
  const all = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8");
      // Proportional set size: shared pages split between the processes
      // sharing them, so the sum over the tree counts each page once.
      const pss = /Pss:\s+(\d+) kB/.exec(readFileSync(`/proc/${name}/smaps_rollup`, "utf8"));
      all.push({ pid: Number(name), ppid, cmdline, pssKiB: pss ? Number(pss[1]) : 0 });
    } catch {
      // The process ended while it was read.
    }
  }
  return all;
}

// Memory of the browser started here and all its descendants, KiB (PSS).
function browserPssKiB() {
  const all = processes();
  const tree = new Set(all.filter((p) => p.cmdline.includes(marker)).map((p) => p.pid));
  for (let grown = true; grown;) {
    grown = false;
    for (const p of all) {
      if (!tree.has(p.pid) && tree.has(p.ppid)) {
        tree.add(p.pid);
        grown = true;
      }
    }
  }
  return all.filter((p) => tree.has(p.pid)).reduce((sum, p) => sum + p.pssKiB, 0);
}

const browser = await chromium.launch({
  executablePath: PAGE_CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", marker],
  headless: true,
});
const server = await serve({ root: dist, port: 0, host: "127.0.0.1" });
const base = `http://127.0.0.1:${server.server.address().port}/`;
const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
const errors = [];
page.on("pageerror", (e) => errors.push(String(e)));
page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
const cdp = await page.context().newCDPSession(page);
await cdp.send("Performance.enable");

const started = Date.now();
await page.goto(`${base}?steps=${steps}&speed=max`);
const samples = [];
let status = "";
for (;;) {
  await new Promise((r) => setTimeout(r, everyMs));
  const state = await page.evaluate(() => ({
    status: document.documentElement.dataset.status,
    progress:
      Number(document.querySelector("#progress")?.value ?? 0) /
      Number(document.querySelector("#progress")?.max || 1),
  }));
  const { metrics } = await cdp.send("Performance.getMetrics");
  const jsHeap = metrics.find((m) => m.name === "JSHeapUsedSize")?.value ?? 0;
  const sample = {
    seconds: Math.round((Date.now() - started) / 1000),
    status: state.status,
    progress: state.progress,
    pssMiB: Math.round(browserPssKiB() / 1024),
    pageJsHeapMiB: Math.round(jsHeap / 1048576),
  };
  samples.push(sample);
  console.log(JSON.stringify(sample));
  status = state.status;
  if (status === "finished" || status === "failed" || Date.now() - started > 3600e3) break;
}
const finished = await page.evaluate(() => document.querySelector("#progress-text")?.textContent);
await browser.close();
await server.close();

const running = samples.filter((s) => s.progress > 0.05);
const pss = running.map((s) => s.pssMiB);
const summary = {
  steps,
  status,
  seconds: samples.at(-1)?.seconds,
  progressText: finished,
  samples: samples.length,
  pssMiB: { afterFivePercent: pss[0], max: Math.max(...pss), last: pss.at(-1) },
  pageJsHeapMiB: { max: Math.max(...samples.map((s) => s.pageJsHeapMiB)) },
  errors,
};
console.log(JSON.stringify(summary, null, 1));
process.exit(status === "finished" && errors.length === 0 ? 0 : 1);

// First data of the default link from several builds, visited in turn (A, B, C, A, B, C, ...)
// in one headless Chromium, each visit in a fresh context: on a shared, loaded machine the
// alternation puts the builds under the same load, which two page-metrics runs in a row do not.
//
//   node bench/page-ab.mjs --visits N DIST_A DIST_B [...]     (built dist/ directories)
//   node bench/page-ab.mjs --trace --visits N DIST_A DIST_B [...]
//     (each visit traced by bench/page-trace.mjs, in a browser of its own: also the most CPU time
//     the main thread spent in one task after the page's script was evaluated, up to the first
//     data; the first charts' setup is in that span)
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const FIRST_DATA = "batchnorm-lab:first-data"; // set by web/src/render-loop.js
const { values, positionals } = parseArgs({
  options: { visits: { type: "string", default: "5" }, trace: { type: "boolean", default: false } },
  allowPositionals: true,
});
const visits = Number(values.visits);
if (!Number.isInteger(visits) || visits < 1 || positionals.length < 1) {
  console.error("usage: node bench/page-ab.mjs [--trace] --visits N DIST_A [DIST_B ...]");
  process.exit(2);
}
const dirs = positionals.map((d) => path.resolve(d));
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};
const fmt = (l) => l.map((v) => v.toFixed(2)).join(", ");
if (values.trace) {
  const { pageTrace } = await import("./page-trace.mjs");
  const before = os.loadavg();
  const first = dirs.map(() => []);
  const cpu = dirs.map(() => []);
  for (let i = 0; i < visits; i++) {
    for (const [k, dist] of dirs.entries()) {
      const r = await pageTrace({ dist });
      const tasks = r.tasks.CrRendererMain ?? [];
      const script = tasks.findIndex((t) =>
        t.parts.some((p) => p.startsWith("EvaluateScript(index-")),
      );
      first[k].push(Math.round(r.firstData));
      cpu[k].push(Math.max(0, ...tasks.slice(script + 1).map((t) => t.cpu)));
    }
  }
  for (const [k, dir] of dirs.entries()) {
    console.log(`${dir}: first data median ${median(first[k])} ms (${first[k].join(", ")})`);
    console.log(
      `  most CPU in one main-thread task after the script, to the first data: median ` +
        `${median(cpu[k])} ms (${cpu[k].join(", ")})`,
    );
  }
  console.log(`load average before ${fmt(before)}, after ${fmt(os.loadavg())}`);
  process.exit(0);
}
const { PAGE_CHROMIUM, CHROMIUM_FLAGS } = await import("../tests/browser/helpers.mjs");
const { chromium } = await import("playwright-core");
const { serve } = await import("../scripts/serve.mjs");
const servers = [];
for (const root of dirs) servers.push(await serve({ root, port: 0, host: "127.0.0.1" }));
const browser = await chromium.launch({
  executablePath: PAGE_CHROMIUM,
  args: CHROMIUM_FLAGS,
  headless: true,
});
const before = os.loadavg();
const times = dirs.map(() => []);
try {
  for (let i = 0; i < visits; i++) {
    for (const [k, server] of servers.entries()) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      const page = await context.newPage();
      await page.goto(`http://localhost:${server.server.address().port}/`);
      await page.waitForFunction((m) => performance.getEntriesByName(m).length > 0, FIRST_DATA, {
        timeout: 60000,
      });
      times[k].push(
        await page.evaluate(
          (m) => Math.round(performance.getEntriesByName(m)[0].startTime),
          FIRST_DATA,
        ),
      );
      await context.close();
    }
  }
} finally {
  await browser.close();
  for (const server of servers) await server.close();
}
for (const [k, dir] of dirs.entries()) {
  console.log(`${dir}: first data median ${median(times[k])} ms (${times[k].join(", ")})`);
}
console.log(`load average before ${fmt(before)}, after ${fmt(os.loadavg())}`);

// First data of the default link from several builds, visited in turn (A, B, C, A, B, C, ...)
// in one headless Chromium, each visit in a fresh context: on a shared, loaded machine the
// alternation puts the builds under the same load, which two page-metrics runs in a row do not.
//
//   node bench/page-ab.mjs --visits N DIST_A DIST_B [...]     (built dist/ directories)
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";

const FIRST_DATA = "batchnorm-lab:first-data"; // set by web/src/render-loop.js
const { values, positionals } = parseArgs({
  options: { visits: { type: "string", default: "5" } },
  allowPositionals: true,
});
const visits = Number(values.visits);
if (!Number.isInteger(visits) || visits < 1 || positionals.length < 1) {
  console.error("usage: node bench/page-ab.mjs --visits N DIST_A [DIST_B ...]");
  process.exit(2);
}
const { CHROMIUM, CHROMIUM_FLAGS } = await import("../tests/browser/helpers.mjs");
const { chromium } = await import("playwright-core");
const { serve } = await import("../scripts/serve.mjs");
const dirs = positionals.map((d) => path.resolve(d));
const servers = [];
for (const root of dirs) servers.push(await serve({ root, port: 0, host: "127.0.0.1" }));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
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
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return (s[(s.length - 1) >> 1] + s[s.length >> 1]) / 2;
};
for (const [k, dir] of dirs.entries()) {
  console.log(`${dir}: first data median ${median(times[k])} ms (${times[k].join(", ")})`);
}
const fmt = (l) => l.map((v) => v.toFixed(2)).join(", ");
console.log(`load average before ${fmt(before)}, after ${fmt(os.loadavg())}`);

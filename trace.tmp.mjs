import { chromium } from "playwright-core";
import { serve } from "./scripts/serve.mjs";
import { readFileSync } from "node:fs";
const server = await serve({ root: process.env.ROOT || "dist", port: 0, host: "127.0.0.1" });
const base = `http://localhost:${server.server.address().port}/`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu","--disable-dev-shm-usage"], headless: true });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
await browser.startTracing(page, { path: "/tmp/pm/trace.json", categories: ["devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "blink.user_timing"] });
await page.goto(base + (process.argv[2] || ""));
await page.waitForFunction(() => document.documentElement.dataset.status === "finished", null, { timeout: 300000 });
await page.waitForTimeout(500);
await browser.stopTracing();
await browser.close(); await server.close();
const events = JSON.parse(readFileSync("/tmp/pm/trace.json", "utf8")).traceEvents;
const threads = new Map(events.filter(e => e.name === "thread_name").map(e => [e.pid + ":" + e.tid, e.args.name]));
const main = events.filter(e => threads.get(e.pid + ":" + e.tid) === "CrRendererMain");
const marks = main.filter(e => e.cat?.includes("user_timing") || e.name === "navigationStart");
const nav = main.find(e => e.name === "navigationStart")?.ts ?? main[0].ts;
const tasks = main.filter(e => e.name === "RunTask" && e.dur > 50000).sort((a, b) => a.ts - b.ts);
for (const t of tasks) {
  const inside = main.filter(e => e.ts >= t.ts && e.ts + (e.dur || 0) <= t.ts + t.dur && e !== t && e.dur > 3000 && e.ph === "X");
  const top = inside.filter(e => !inside.some(p => p !== e && p.ts <= e.ts && p.ts + p.dur >= e.ts + e.dur && p.dur > e.dur)).slice(0, 8);
  console.log(`task at ${((t.ts - nav) / 1000).toFixed(0)} ms: ${(t.dur / 1000).toFixed(0)} ms`);
  for (const e of top) {
    const d = e.args?.data || {};
    console.log(`   ${(e.dur / 1000).toFixed(1)} ms ${e.name} ${d.functionName || ""} ${(d.url || "").split("/").pop()}:${d.lineNumber ?? ""} ${d.type || ""}`);
    const kids = inside.filter(k => k !== e && k.ts >= e.ts && k.ts + k.dur <= e.ts + e.dur && k.dur > 5000).slice(0, 6);
    for (const k of kids) { const kd = k.args?.data || {}; console.log(`       ${(k.dur / 1000).toFixed(1)} ms ${k.name} ${kd.functionName || ""} ${(kd.url || "").split("/").pop()}:${kd.lineNumber ?? ""}`); }
  }
}

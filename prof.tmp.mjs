import { chromium } from "playwright-core";
import { serve } from "./scripts/serve.mjs";
import { writeFileSync } from "node:fs";
const server = await serve({ root: process.env.ROOT || "dist", port: 0, host: "127.0.0.1" });
const base = `http://localhost:${server.server.address().port}/`;
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--headless","--no-sandbox","--disable-gpu","--disable-dev-shm-usage"], headless: true });
const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
const page = await context.newPage();
const cdp = await context.newCDPSession(page);
await cdp.send("Profiler.enable");
await cdp.send("Profiler.setSamplingInterval", { interval: 500 });
await cdp.send("Profiler.start");
await page.goto(base + (process.argv[2] || ""));
await page.waitForFunction(() => document.documentElement.dataset.status === "finished", null, { timeout: 300000 });
const { profile } = await cdp.send("Profiler.stop");
// self time per function
const self = new Map(); const byId = new Map(profile.nodes.map(n => [n.id, n]));
const dt = profile.timeDeltas; 
for (let i = 0; i < profile.samples.length; i++) { const n = byId.get(profile.samples[i]); const k = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.split("/").pop()}:${n.callFrame.lineNumber}:${n.callFrame.columnNumber}`; self.set(k, (self.get(k) || 0) + (dt[i] || 0) / 1000); }
const rows = [...self].sort((a, b) => b[1] - a[1]).slice(0, 40);
for (const [k, v] of rows) console.log(v.toFixed(1).padStart(8), k);
writeFileSync("/tmp/pm/profile.cpuprofile", JSON.stringify(profile));
await browser.close(); await server.close();

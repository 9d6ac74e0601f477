// The page's boot (web/src/main.js, engine-boot.js): the worker starts with the script, the link's
// config goes to it right behind init and runs at once at the link's pace, which the worker
// resolves from the steps; no other request before the run's first chunk. Read from the messages
// the page posts (recorded before its script runs), not from timings.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileEnv, waitFinished } from "./helpers.mjs";

const env = fileEnv();

// A fresh page whose posts to its worker are recorded in window.__posted, with the first chunk's
// arrival marked among them.
async function openRecorded(query, { reducedMotion = "no-preference" } = {}) {
  const context = await env.browser.newContext({
    viewport: { width: 1280, height: 900 },
    reducedMotion,
  });
  await context.addInitScript(() => {
    window.__posted = [];
    const post = Worker.prototype.postMessage;
    Worker.prototype.postMessage = function (msg, ...rest) {
      if (msg && msg.type !== "ping") window.__posted.push(JSON.parse(JSON.stringify(msg)));
      if (!this.__recorded) {
        this.__recorded = true;
        this.addEventListener("message", (e) => {
          if (e.data?.type === "chunk" && !window.__posted.some((m) => m.type === "(chunk)"))
            window.__posted.push({ type: "(chunk)" });
          // The start's reply: the pace the worker resolved.
          if (e.data?.runId !== undefined && "speed" in e.data && e.data.id !== undefined)
            window.__paces = [...(window.__paces ?? []), e.data.speed];
        });
      }
      return post.call(this, msg, ...rest);
    };
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => m.type() === "error" && errors.push(m.text()));
  await page.goto(env.base + query);
  return { page, context, errors };
}

test("the default link: init, then start with run and pace, then the first chunk; nothing between", async () => {
  const { page, context, errors } = await openRecorded("");
  await waitFinished(page);
  const posted = await page.evaluate(() => window.__posted);
  const types = posted.map((m) => m.type);
  assert.deepEqual(types.slice(0, 3), ["init", "start", "(chunk)"]);
  const start = posted[1];
  assert.equal(start.run, true);
  assert.equal(start.resolve, true);
  assert.deepEqual(start.pace, { speed: "auto", reducedMotion: false });
  assert.ok(!types.includes("setSpeed") && !types.includes("resume"), types.join(" "));
  // The article's 2,000 steps at the auto pace: 500 steps/s, as the speed menu shows.
  assert.equal(await page.inputValue("#speed"), "auto");
  assert.match(await page.textContent("#progress-text"), /Done: 2,000 of 2,000 steps/);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the pace the worker resolves: the link's speed, reduced motion; autoplay=0 waits", async () => {
  // The worker's reply gives the pace back (null: as fast as possible); no setSpeed follows.
  const paceOf = async (query, options) => {
    const { page, context, errors } = await openRecorded(query, options);
    await page.waitForFunction(() => window.__posted.some((m) => m.type === "(chunk)"));
    const { paces, setSpeeds } = await page.evaluate(() => ({
      paces: window.__paces,
      setSpeeds: window.__posted.filter((m) => m.type === "setSpeed").length,
    }));
    assert.equal(setSpeeds, 0, `${query}: no setSpeed`);
    assert.deepEqual(errors, []);
    await context.close();
    return paces;
  };
  assert.deepEqual(await paceOf(""), [500]);
  assert.deepEqual(await paceOf("?steps=300&speed=30"), [30]);
  assert.deepEqual(await paceOf("?steps=300", { reducedMotion: "reduce" }), [null]);
  assert.deepEqual(await paceOf("?steps=10"), [null]);
  const { page, context, errors } = await openRecorded("?autoplay=0");
  await page.waitForFunction(() => document.documentElement.dataset.status === "idle");
  const posted = await page.evaluate(() =>
    window.__posted.map((m) => (m.type === "start" ? [m.type, m.run] : [m.type])),
  );
  assert.deepEqual(posted.slice(0, 3), [["init"], ["start", false], ["reset"]]);
  assert.match(await page.textContent("#progress-text"), /Ready\. Press Run\./);
  assert.deepEqual(errors, []);
  await context.close();
});

test("the first charts are built one per task, and the run's status follows them", async () => {
  // The batches of DOM mutations that an observer receives (at each microtask checkpoint): the
  // canvases each batch touched (Chart.js styles the canvas it takes; the statistic charts also
  // get data-markers) and when the status changed, in order; and "(task)" wherever a new task
  // began through scheduler.yield or a timer, the two ways the page yields. A batch can end
  // inside a task (at a microtask checkpoint), so the charts are in separate tasks only if such
  // a marker comes between them.
  const context = await env.browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(() => {
    window.__batches = [];
    const mark = () => window.__batches.push(["(task)"]);
    if (globalThis.scheduler?.yield) {
      const yieldNow = scheduler.yield.bind(scheduler);
      scheduler.yield = () => yieldNow().then(mark);
    }
    const timer = window.setTimeout;
    window.setTimeout = (fn, ...rest) =>
      timer(typeof fn === "function" ? (...args) => (mark(), fn(...args)) : fn, ...rest);
    new MutationObserver((records) => {
      const batch = [];
      for (const r of records) {
        const el = r.target;
        if (el.localName === "canvas" && el.id.startsWith("chart-")) batch.push(el.id);
        if (el === document.documentElement && r.attributeName === "data-status")
          batch.push(`status:${el.dataset.status}`);
      }
      if (batch.length) window.__batches.push([...new Set(batch)]);
    }).observe(document, { attributes: true, subtree: true });
  });
  const page = await context.newPage();
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  await page.goto(env.base + "?steps=300");
  await waitFinished(page);
  const batches = await page.evaluate(() => window.__batches);
  const charts = ["chart-mean", "chart-variance", "chart-distance"];
  const first = (id) => batches.findIndex((b) => b.includes(id));
  const at = charts.map(first);
  assert.ok(
    at.every((i) => i >= 0),
    JSON.stringify(batches),
  );
  // One chart per task: no batch that first touches a chart touches another one first, and a
  // new task began between one chart and the next.
  assert.equal(new Set(at).size, 3, JSON.stringify(batches));
  assert.ok(at[0] < at[1] && at[1] < at[2], JSON.stringify(batches));
  const taskBetween = (from, to) => batches.slice(from + 1, to).some((b) => b.includes("(task)"));
  assert.ok(taskBetween(at[0], at[1]) && taskBetween(at[1], at[2]), JSON.stringify(batches));
  // Running only once the three charts are there.
  const running = batches.findIndex((b) => b.includes("status:running"));
  assert.ok(running > at[2], JSON.stringify(batches));
  assert.deepEqual(errors, []);
  await context.close();
});

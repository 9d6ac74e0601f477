// The page under the strict Content Security Policy, a worker that cannot
// start, one that goes silent or hangs, and a few hundred hostile links.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileEnv, openPage, waitFinished, assertClean } from "./helpers.mjs";
import { CSP } from "../../scripts/serve.mjs";

const env = fileEnv();

const status = (page) => page.evaluate(() => document.documentElement.dataset.status);

test("the server sends the strict CSP and the page runs under it without a violation", async () => {
  const { page, log, context } = await openPage(env, env.base, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  const response = await page.request.get(env.base);
  assert.equal(response.headers()["content-security-policy"], CSP);
  assert.match(CSP, /script-src 'self' 'wasm-unsafe-eval'; style-src 'self'/);
  await waitFinished(page);
  // Everything that draws or writes: another run, the log scale, copies, a PNG.
  await page.fill("#f-steps", "50");
  await page.press("#f-steps", "Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("steps") === "50");
  await waitFinished(page);
  await page.click("label[for=dist-var]");
  await page.click("#share-details > summary");
  await page.click("#copy-link");
  // The embed dialog's live preview: the page framed in itself.
  await page.click("#copy-embed");
  await page
    .frameLocator("#embed-preview")
    .locator("html[data-status=finished]")
    .waitFor({ timeout: 30000 });
  await page.click("#embed-copy");
  await page.keyboard.press("Escape");
  const [png] = await Promise.all([page.waitForEvent("download"), page.click("#dl-png")]);
  assert.match(png.suggestedFilename(), /\.png$/);
  assert.deepEqual(await page.evaluate(() => window.__cspViolations), []);
  assertClean(assert, log);

  // The listener does see a violation: an inline script is refused.
  await page.evaluate(() => {
    const s = document.createElement("script");
    s.textContent = "window.__inlineRan = true;";
    document.body.append(s);
  });
  await page.waitForFunction(() => window.__cspViolations.length > 0);
  assert.equal(await page.evaluate(() => window.__inlineRan), undefined);
  assert.match((await page.evaluate(() => window.__cspViolations))[0], /^script-src/);
  await context.close();
});

test("a worker that cannot start is retried a few times, then a message says why", async () => {
  // The page served with a policy that refuses WebAssembly (issue 12's crash
  // loop): every worker fails to compile the module.
  const { page, log, context } = await openPage(env, "about:blank");
  let workers = 0;
  await context.route(env.base, async (route) => {
    const response = await route.fetch();
    const headers = {
      ...response.headers(),
      "content-security-policy": CSP.replace(" 'wasm-unsafe-eval'", ""),
    };
    await route.fulfill({ response, headers });
  });
  page.on("worker", () => workers++);
  // The back-off between restarts (0.2, 1 and 3 s) is jumped over on
  // Playwright's clock (see the silent-worker tests below).
  await context.clock.install();
  await page.goto(env.base);
  const failed = page.waitForFunction(
    () => document.documentElement.dataset.status === "failed",
    null,
    { timeout: 30000 },
  );
  for (let i = 0; i < 20 && workers < 4; i++) {
    await page.waitForTimeout(100);
    await page.clock.fastForward(400);
  }
  await failed;
  const text = await page.locator("#notices").textContent();
  assert.match(text, /failed 4 times in a row and was not restarted again/);
  assert.match(text, /WebAssembly/);
  assert.match(await page.locator("#progress-text").textContent(), /Stopped/);
  assert.equal(await page.isDisabled("#btn-run"), true);
  assert.equal(workers, 4, "the first worker and three restarts");
  for (let i = 0; i < 10; i++) await page.clock.fastForward(500);
  await page.waitForTimeout(300);
  assert.equal(workers, 4, "no restart after giving up");
  assertClean(assert, log, { allowConsoleErrors: [/WebAssembly|wasm|CSP violation/i] });
  await context.close();
});

for (const [how, stop] of [
  ["closes itself", () => self.close()],
  [
    "hangs",
    () =>
      setTimeout(() => {
        for (;;);
      }),
  ],
]) {
  test(`a worker that ${how} is noticed, reported and replaced`, async () => {
    // Playwright's clock stands in for the page's own (timers, performance.now)
    // and lets time flow as usual, so the 15 s of silence the heartbeat waits
    // for can be jumped over instead of waited for.
    const { page, log, context } = await openPage(env, "about:blank");
    await context.clock.install();
    await page.goto(`${env.base}?steps=300`);
    await waitFinished(page);
    const [worker] = page.workers();
    await worker.evaluate(stop);
    // Past the 15 s of silence, in steps of less than the heartbeat's second:
    // each jump fires the due heartbeat once, and a reply from a live worker
    // (none here) would come in between.
    for (let waited = 0; waited <= 16000; waited += 800) await page.clock.fastForward(800);
    await page.locator("#notices").waitFor({ state: "visible", timeout: 40000 });
    const text = await page.locator("#notices").textContent();
    assert.match(text, /stopped unexpectedly and was restarted/);
    assert.match(text, /stopped answering/);
    await page.waitForFunction(() => document.documentElement.dataset.status === "idle");
    await page.click("#btn-run");
    await waitFinished(page);
    assertClean(assert, log);
    await context.close();
  });
}

test("the first worker dies after init's reply, before start's: the link's run plays on the next", async () => {
  const { page, log, context } = await openPage(env, "about:blank", {
    reducedMotion: "no-preference",
  });
  await context.addInitScript(() => {
    window.__statuses = [];
    new MutationObserver(() => {
      const s = document.documentElement.dataset.status;
      if (s && window.__statuses.at(-1) !== s) window.__statuses.push(s);
    }).observe(document, { attributes: true, subtree: true, attributeFilter: ["data-status"] });
    // The first worker: its first start is held back, and once it has answered init it fails
    // (terminated, with the error event a crash gives), so the start was never answered.
    const RealWorker = window.Worker;
    let made = 0;
    window.Worker = class extends RealWorker {
      constructor(...args) {
        super(...args);
        if (made++ > 0) return;
        const post = this.postMessage.bind(this);
        this.postMessage = (message, ...rest) => {
          if (message?.type !== "start") return post(message, ...rest);
          this.addEventListener("message", (event) => {
            if (!event.data?.fields) return; // init's reply names the grammar's fields
            setTimeout(() => {
              this.terminate();
              this.onerror?.(new ErrorEvent("error", { message: "killed by the test" }));
            });
          });
        };
      }
    };
  });
  await page.goto(`${env.base}?steps=300`);
  await waitFinished(page);
  const statuses = await page.evaluate(() => window.__statuses);
  // Started twice (the first start was never answered); the second plays and finishes, never
  // shown as idle in between (the restart's "idle once the next worker is up" came too late).
  assert.equal(statuses.filter((s) => s === "starting").length, 2, JSON.stringify(statuses));
  assert.deepEqual(statuses.slice(statuses.lastIndexOf("starting")), [
    "starting",
    "running",
    "finished",
  ]);
  const text = await page.locator("#notices").textContent();
  assert.match(text, /stopped unexpectedly and was restarted/);
  assert.match(text, /killed by the test/);
  assert.doesNotMatch(text, /Press Run/, "the link's run plays again without a press");
  assertClean(assert, log);
  await context.close();
});

test("a worker that cannot be constructed at first: a notice, and the link's run on the next", async () => {
  // The first worker fails inside the engine's constructor, before main.js has given the
  // engine its handlers (engine-boot.js keeps the call for them).
  const { page, log, context } = await openPage(env, "about:blank");
  await context.addInitScript(() => {
    const RealWorker = window.Worker;
    let made = 0;
    window.Worker = class extends RealWorker {
      constructor(...args) {
        if (made++ === 0) throw new Error("refused by the test");
        super(...args);
      }
    };
  });
  await page.goto(`${env.base}?steps=300`);
  await waitFinished(page);
  const text = await page.locator("#notices").textContent();
  assert.match(text, /stopped unexpectedly and was restarted/);
  assert.match(text, /the worker could not be created \(refused/);
  assert.doesNotMatch(text, /Press Run/, "the link's run plays again without a press");
  assertClean(assert, log);
  await context.close();
});

// The view fields that pace a run, checked on the page's own clock: autoplay=0 waits, speed=N
// plays at N steps a second (and skips), the first visit plays the article's run in a few
// seconds and reduced motion draws it at once. `npm run test:browser` runs this file alone,
// after the others, so that their load cannot make a paced run late.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileEnv, openPage, waitFinished, assertClean } from "./helpers.mjs";

const env = fileEnv();

const visible = (page, selector) => page.locator(selector).first().isVisible();

test("autoplay=0 waits for Run; speed=N plays at N steps per second", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=40&autoplay=0`);
  await page.waitForFunction(() => document.documentElement.dataset.status === "idle");
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(await page.evaluate(() => document.documentElement.dataset.status), "idle");
  await page.click("#btn-run");
  await waitFinished(page);
  assert.equal(new URL(page.url()).searchParams.get("autoplay"), "0", "kept in the link");
  assertClean(assert, log);
  await context.close();

  const slow = await openPage(env, `${env.base}?steps=2000&speed=200`);
  await slow.page.waitForFunction(() => document.documentElement.dataset.status === "running");
  const t0 = Date.now();
  await slow.page.waitForTimeout(1000);
  const done = await slow.page.evaluate(() => document.querySelector("#progress").value);
  assert.ok(done > 50 && done < 600, `${done} steps after ~1 s at 200 steps/s`);
  assert.equal(await slow.page.locator("#speed").inputValue(), "200");
  // Skippable: the rest at once.
  await slow.page.click("#btn-skip");
  await waitFinished(slow.page, 20000);
  assert.ok(Date.now() - t0 < 9000, "skipped, not played to the end");
  assertClean(assert, slow.log);
  await slow.context.close();
});

test("the first visit plays the article's run in a few seconds; reduced motion draws it at once", async () => {
  const { page, log, context } = await openPage(env, env.base, { reducedMotion: "no-preference" });
  await page.waitForFunction(() => document.documentElement.dataset.status === "running");
  const t0 = Date.now();
  // Watchable: the progress is seen in the middle of the run, frame by frame
  // (drawn at once, it would jump past it), rather than read at a fixed 1.2 s,
  // which a loaded machine can delay; the time to the end is checked below.
  await page.waitForFunction(
    () => {
      const done = document.querySelector("#progress").value;
      return done > 100 && done < 1900;
    },
    null,
    { polling: "raf", timeout: 9000 },
  );
  assert.equal(await visible(page, "#btn-skip"), true);
  await waitFinished(page, 20000);
  const took = Date.now() - t0;
  assert.ok(took > 2000 && took < 9000, `played in ${took} ms`);
  assert.equal(await visible(page, "#btn-skip"), false);
  assertClean(assert, log);
  await context.close();

  const context2 = await env.browser.newContext({ reducedMotion: "reduce" });
  const page2 = await context2.newPage();
  await page2.goto(env.base);
  await page2.waitForFunction(() =>
    /running|finished/.test(document.documentElement.dataset.status),
  );
  const start = Date.now();
  await waitFinished(page2, 20000);
  assert.ok(Date.now() - start < 2500, `drawn at once, not played: ${Date.now() - start} ms`);
  await context2.close();
});

// The view link fields in the page: theme forcing, panels and their order,
// controls, frame-height, unknown fields; channel focus; the distance chart.
// (autoplay, speed and the first visit's watchable run: pacing.test.mjs.)
import { test } from "node:test";
import assert from "node:assert/strict";
import { fileEnv, openPage, waitFinished, assertClean } from "./helpers.mjs";

const env = fileEnv();

const visible = (page, selector) => page.locator(selector).first().isVisible();
const bg = (page) =>
  page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

test("theme=dark and theme=light force the theme whatever the OS says; auto follows it", async () => {
  const cases = [
    ["theme=dark", "light", "rgb(13, 17, 23)"],
    ["theme=light", "dark", "rgb(244, 246, 248)"],
    ["theme=auto", "dark", "rgb(13, 17, 23)"],
    ["", "light", "rgb(244, 246, 248)"],
  ];
  for (const [field, colorScheme, expected] of cases) {
    const { page, log, context } = await openPage(env, `${env.base}?steps=20&${field}`, {
      colorScheme,
    });
    await waitFinished(page);
    assert.equal(await bg(page), expected, `${field} with the OS in ${colorScheme}`);
    assertClean(assert, log);
    await context.close();
  }
});

test("panels= shows the named panels in its order; controls= hides run controls", async () => {
  const { page, log, context } = await openPage(
    env,
    `${env.base}?steps=20&embed=1&panels=output,mean&controls=run`,
  );
  await waitFinished(page);
  assert.equal(await visible(page, "#chart-mean"), true);
  assert.equal(await visible(page, "#chart-variance"), false);
  assert.equal(await visible(page, "#chart-distance"), false);
  assert.equal(await visible(page, "#article-output"), true);
  assert.equal(await visible(page, "#config-form"), false);
  assert.equal(await visible(page, ".lesson"), false);
  const outputTop = (await page.locator(".output").boundingBox()).y;
  const chartTop = (await page.locator("#chart-mean").boundingBox()).y;
  assert.ok(outputTop < chartTop, "output before the chart, as listed");
  assert.equal(await visible(page, "#btn-run"), true);
  assert.equal(await visible(page, "#btn-pause"), false);
  assert.equal(await visible(page, "#speed"), false);
  assertClean(assert, log);
  await context.close();
  const none = await openPage(env, `${env.base}?steps=20&embed=1&panels=mean&controls=none`);
  await waitFinished(none.page);
  assert.equal(await visible(none.page, "#btn-run"), false);
  assertClean(assert, none.log);
  await none.context.close();
});

test("frame-height=N: the embedded page is exactly N px tall, charts fill what is left", async () => {
  for (const width of [360, 800]) {
    const { page, log, context } = await openPage(
      env,
      `${env.base}?steps=50&embed=1&panels=mean&controls=run&frame-height=480`,
      { width, height: 480 },
    );
    await waitFinished(page);
    const m = await page.evaluate(() => ({
      doc: document.documentElement.scrollHeight,
      app: document.getElementById("app").scrollHeight,
      appBox: document.getElementById("app").clientHeight,
      chart: document.getElementById("chart-mean").getBoundingClientRect().height,
      wide: document.documentElement.scrollWidth,
    }));
    assert.equal(m.doc, 480, `page height at ${width} px`);
    assert.ok(m.app <= m.appBox + 1, `nothing cut at ${width} px: ${m.app} > ${m.appBox}`);
    assert.ok(m.chart > (width < 500 ? 200 : 280), `the chart gets the room: ${m.chart}`);
    assert.ok(m.wide <= width, `no horizontal overflow at ${width} px`);
    assertClean(assert, log);
    await context.close();
  }
});

test("unknown and bad view fields get a visible notice naming them", async () => {
  const { page, log, context } = await openPage(
    env,
    `${env.base}?steps=20&colour=red&theme=blue&panels=charts,lenses&speed=fast`,
  );
  await waitFinished(page);
  const text = await page.locator("#notices").textContent();
  assert.match(text, /colour/);
  assert.match(text, /theme must be light, dark or auto/);
  assert.match(text, /panels must be a comma-separated list/);
  assert.match(text, /speed must be auto, max/);
  assertClean(assert, log);
  await context.close();
});

test("one focused channel: the picker moves the focus, the lesson follows it", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=100&speed=max`);
  await waitFinished(page);
  const buttons = page.locator("#channel-picker button");
  assert.equal(await buttons.count(), 3);
  assert.equal(await buttons.nth(0).getAttribute("aria-pressed"), "true");
  await buttons.nth(2).click();
  assert.equal(await buttons.nth(2).getAttribute("aria-pressed"), "true");
  assert.match(await page.locator(".lesson-run").textContent(), /channel 2 after step 100/);
  // The distance chart: log-log, both statistics.
  assert.equal(await page.locator("#chart-distance").getAttribute("data-statistic"), "mean");
  await page.click("label[for=dist-var]");
  await page.waitForFunction(
    () => document.querySelector("#chart-distance").dataset.statistic === "var",
  );
  assertClean(assert, log);
  await context.close();
});

test("Copy embed code asks panels, theme and size, and previews the embed live", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=30&seed=4`, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await waitFinished(page);
  await page.click("#share-details > summary");
  await page.click("#copy-embed");
  await page.locator("#embed-dialog").waitFor({ state: "visible" });
  const code = () => page.locator("#embed-code").inputValue();
  assert.match(
    await code(),
    /^<iframe src="[^"]*seed=4[^"]*embed=1&amp;panels=mean&amp;controls=run&amp;theme=light&amp;frame-height=480"/,
  );
  await page.check('input[name="panel"][value="output"]');
  await page.selectOption("#embed-theme", "dark");
  assert.match(
    await code(),
    /panels=mean,output&amp;controls=run&amp;theme=dark&amp;frame-height=(\d+)"/,
  );
  const height = Number((await code()).match(/ height="(\d+)"/)[1]);
  assert.ok(height > 480, "taller with the output");
  // The preview is the embed itself, at that height.
  const preview = page.frameLocator("#embed-preview");
  await preview.locator("html[data-status=finished]").waitFor({ timeout: 30000 });
  assert.equal(await preview.locator("html").getAttribute("data-theme"), "dark");
  const box = await page.locator("#embed-preview").boundingBox();
  assert.equal(Math.round(box.height), height);
  await page.selectOption("#embed-form-kind", "element");
  assert.match(await code(), /^<script src="[^"]+\/embed\.js"><\/script>\n<batchnorm-lab seed="4"/);
  await page.click("#embed-copy");
  await page.waitForFunction(() =>
    /Copied/.test(document.querySelector("#embed-status").textContent),
  );
  assert.equal(await page.evaluate(() => navigator.clipboard.readText()), await code());
  // Each preview change replaces the preview iframe, which may abort its page's,
  // assets' or worker's loads mid-way (on a loaded machine, often): a cancelled load
  // of the page's own origin, no request leaving the page and no failure.
  const own = (r) => r.startsWith("blob:") || r.startsWith(env.base);
  log.failed = log.failed.filter((r) => !(own(r) && / net::ERR_ABORTED$/.test(r)));
  assertClean(assert, log);
  await context.close();
});

test("Copy link in the single file warns that it is a file:// address", async () => {
  const { page, log, context } = await openPage(env, `${env.singleFileUrl}?steps=20`);
  await waitFinished(page);
  await page.click("#share-details > summary");
  await page.click("#copy-link");
  await page.waitForFunction(() =>
    /file:\/\/ address/.test(document.querySelector("#share-status").textContent),
  );
  assertClean(assert, log);
  await context.close();
});

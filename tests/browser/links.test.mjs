// Embed mode, and links that are broken or hostile.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fileEnv,
  openPage,
  waitFinished,
  articleText,
  assertClean,
  fixtures,
  ARTICLE_QUERY,
} from "./helpers.mjs";

const env = fileEnv();

test("embed=1: no visible h1, compact, and the height is posted to the parent", async () => {
  const c = fixtures().cases.find((x) => x.name === "momentum_0.5");
  const src = `./?seed=${c.config.seed}&batch=10&channels=3&height=1&width=1&steps=100&momentum=0.5&eps=0.00001&embed=1`;
  const host = `<!doctype html><html lang="en"><head><title>host</title><link rel="icon" href="data:,"></head><body>
    <h1>A tutorial</h1>
    <iframe id="lab" src="${src}" title="BatchNorm Lab" style="width:720px;height:300px;border:0"></iframe>
    <script>
      window.heights = [];
      addEventListener("message", (e) => {
        if (e.data && e.data.type === "batchnorm-lab:height") {
          window.heights.push(e.data.height);
          document.getElementById("lab").style.height = e.data.height + "px";
        }
      });
    </script></body></html>`;
  const { page, log, context } = await openPage(env, "about:blank");
  await page.route(`${env.base}host.html`, (route) =>
    route.fulfill({ status: 200, contentType: "text/html", body: host }),
  );
  await page.goto(`${env.base}host.html`);
  const frame = page.frameLocator("#lab");
  await frame.locator("html[data-status=finished]").waitFor({ state: "attached", timeout: 60000 });
  assert.equal(
    await frame.locator('[data-testid="article-output"]').textContent(),
    c.article_stdout,
  );
  assert.equal(await frame.locator("h1").isVisible(), false, "no visible h1 in embed mode");
  assert.equal(await frame.locator("#settings").getAttribute("open"), null, "settings folded");
  await page.waitForFunction(() => window.heights.length > 0);
  const heights = await page.evaluate(() => window.heights);
  const last = heights[heights.length - 1];
  const actual = await frame
    .locator("#app")
    .evaluate((el) => Math.ceil(el.getBoundingClientRect().height));
  assert.ok(last > 300, `posted height ${last}`);
  assert.ok(Math.abs(last - actual) <= 2, `posted ${last}, content is ${actual}`);
  // Opening the settings makes it taller: a new height is posted.
  await frame.locator("#settings > summary").click();
  await page.waitForFunction((h) => window.heights[window.heights.length - 1] > h + 100, last);
  // The full page link drops embed=1.
  const full = await frame.locator("#open-full").getAttribute("href");
  assert.equal(new URL(full).searchParams.get("embed"), null);
  assert.equal(new URL(full).searchParams.get("momentum"), "0.5");
  assertClean(assert, log);
  await context.close();
});

test("the page alone keeps its h1 (not embedded)", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=10`);
  await waitFinished(page);
  assert.equal(await page.locator("h1").isVisible(), true);
  assertClean(assert, log);
  await context.close();
});

test("hostile and broken links fall back to defaults with messages, inject nothing", async () => {
  const hostile =
    "?seed=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E&batch=-5&steps=1e99&momentum=javascript:alert(1)" +
    "&eps=%3Cscript%3Ealert(2)%3C%2Fscript%3E&channels=3&width=%22%3E%3Csvg%20onload%3Dalert(3)%3E";
  const { page, log, context } = await openPage(env, env.base + hostile);
  await waitFinished(page);
  // Every bad parameter is named in a visible message.
  const notices = page.locator("#notices");
  assert.equal(await notices.isVisible(), true);
  const text = await notices.textContent();
  for (const field of ["seed", "batch", "steps", "momentum", "eps", "width"]) {
    assert.match(text, new RegExp(`“${field}”`), `message names ${field}`);
  }
  assert.match(text, /<img src=x onerror=alert\(1\)>/, "the bad value is shown as text");
  // ...and nothing was parsed as HTML.
  assert.equal(await page.locator("img").count(), 0);
  assert.equal(await page.locator("#notices svg, #notices script, #notices img").count(), 0);
  assert.equal(await page.evaluate(() => document.querySelectorAll("script:not([src])").length), 0);
  // The defaults ran: the article's numbers.
  assert.equal(await articleText(page), fixtures().cases[0].article_stdout);
  // The link was rewritten to the config that ran.
  const q = Object.fromEntries(new URL(page.url()).searchParams);
  assert.deepEqual(q, ARTICLE_QUERY);
  assertClean(assert, log);
  await context.close();
});

test("a link over the module's limits runs with the field reduced to what fits, named", async () => {
  // Each value parses, but together they are too much for one run: the
  // grammar reduces batch to the largest value that fits and the run starts.
  const { page, log, context } = await openPage(
    env,
    `${env.base}?batch=5000&channels=4000&steps=3&seed=-1&momentum=NONE`,
  );
  await waitFinished(page);
  const text = await page.locator("#notices").textContent();
  assert.match(text, /“batch”: batch reduced from 5000 to 4194: batch \* channels \* height/);
  assert.doesNotMatch(text, /“channels”/);
  const q = new URL(page.url()).searchParams;
  assert.equal(q.get("batch"), "4194");
  assert.equal(q.get("channels"), "4000");
  assert.equal(q.get("steps"), "3");
  assert.equal(q.get("seed"), "-1");
  assert.equal(q.get("momentum"), "none");
  assert.match(await page.locator("#progress-text").textContent(), /3 of 3 steps/);
  assertClean(assert, log);
  await context.close();
});

test("a link with batch * height * width = 1 runs with batch 2, as PyTorch needs", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?batch=1&steps=5`);
  await waitFinished(page);
  const text = await page.locator("#notices").textContent();
  assert.match(text, /“batch”: batch raised from 1 to 2: .*more than 1 value per channel/);
  assert.equal(new URL(page.url()).searchParams.get("batch"), "2");
  assert.match(
    await page.locator('[data-testid="article-output"]').textContent(),
    /Size\(\[10, 3, 1, 1\]\)/,
  );
  assertClean(assert, log);
  await context.close();
});

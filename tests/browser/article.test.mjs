// The numbers: the default page shows the article's output, linked configs
// show what real PyTorch printed for them (tests/fixtures/experiments.json,
// made by running the article's script), over http and from the single file.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  fileEnv,
  openPage,
  waitFinished,
  articleText,
  assertClean,
  fixtures,
  queryFor,
  ARTICLE_QUERY,
} from "./helpers.mjs";
import { PYTHON, needsTorch } from "../pytorch.mjs";

const env = fileEnv();

const cases = fixtures().cases;
const byName = (name) => {
  const c = cases.find((x) => x.name === name);
  assert.ok(c, `fixture case ${name}`);
  assert.ok(c.article_stdout, `fixture case ${name} has article_stdout`);
  return c;
};

test("the default page runs the article's experiment and prints its numbers", async () => {
  const { page, log, context } = await openPage(env, env.base);
  await waitFinished(page);
  const text = await articleText(page);
  assert.match(text, /Mean: tensor\(\[-0\.0628, {2}0\.0649, {2}0\.0600\]\)/);
  assert.match(text, /Mean: tensor\(\[0\.0039, 0\.0015, 0\.0095\]\)/);
  assert.equal(text, byName("article_default").article_stdout);
  // The link now holds the whole config.
  const url = new URL(page.url());
  assert.deepEqual(Object.fromEntries(url.searchParams), ARTICLE_QUERY);
  assert.match(await page.locator("#progress-text").textContent(), /2,000 of 2,000 steps/);
  assertClean(assert, log);
  await context.close();
});

for (const name of [
  "spatial_seed7_8x4x3x5",
  "pixel_momentum_none",
  "seed_above_2_63",
  "summarized_1030_channels",
  "steps_0",
  "scientific_momentum_1e-6",
]) {
  test(`a link with config ${name} shows PyTorch's text for it`, async () => {
    const c = byName(name);
    const { page, log, context } = await openPage(env, `${env.base}?${queryFor(c.config)}`);
    await waitFinished(page);
    assert.equal(await articleText(page), c.article_stdout);
    assert.equal(await page.locator("#notices").isVisible(), false, "no fallback message");
    assertClean(assert, log);
    await context.close();
  });
}

test("the single file works from file:// with link parameters", async () => {
  const c = byName("spatial_momentum_none");
  const url = `${env.singleFileUrl}?${queryFor(c.config)}`;
  const { page, log, context } = await openPage(env, url);
  await waitFinished(page);
  assert.equal(await articleText(page), c.article_stdout);
  assert.equal(new URL(page.url()).searchParams.get("momentum"), "none");
  // Controls update the file:// link too.
  await page.fill("#f-steps", "7");
  await page.press("#f-steps", "Tab");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("steps") === "7");
  await waitFinished(page);
  assert.match(await articleText(page), /torch\.Size\(\[28, 3, 2, 3\]\)/);
  // Everything it loaded is the file itself (wasm, worker, scripts and styles are inline).
  for (const r of log.requests) {
    assert.ok(
      r.startsWith("data:") || r.startsWith("blob:") || r.split("?")[0] === env.singleFileUrl,
      `unexpected request ${r}`,
    );
  }
  assertClean(assert, log);
  await context.close();
});

test("the single file's default run shows the article's numbers", async () => {
  const { page, log, context } = await openPage(env, env.singleFileUrl);
  await waitFinished(page);
  assert.equal(await articleText(page), byName("article_default").article_stdout);
  assertClean(assert, log);
  await context.close();
});

test("'Copy as PyTorch code' gives a script that prints the page's text", async (t) => {
  const c = byName("eps_1e-3_momentum_0.3");
  const { page, log, context } = await openPage(env, `${env.base}?${queryFor(c.config)}`, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await waitFinished(page);
  await page.click("#share-details > summary");
  await page.click("#copy-pytorch");
  await page.waitForFunction(() =>
    document.querySelector("#share-status").textContent.includes("copied"),
  );
  const code = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(code, /torch\.set_num_threads\(1\)/);
  assert.match(code, /torch\.manual_seed\(32\)/);
  assert.match(code, /momentum=0\.3/);
  assert.equal(code, await page.locator("#pytorch-code").textContent());
  const pageText = await articleText(page);
  assert.equal(pageText, c.article_stdout);
  assertClean(assert, log);
  await context.close();

  await t.test(
    "run by PyTorch, the script prints the page's text",
    {
      skip: needsTorch(),
    },
    () => {
      const out = execFileSync(PYTHON, ["-"], { input: code, encoding: "utf8", timeout: 120000 });
      assert.equal(out, pageText, "the script prints what the page shows");
    },
  );
});

// The controls: they change the link, a reload restores them; run, pause,
// step, reset and speed; live updates; decimated charts on long runs;
// downloads; the worker restarted after a crash.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import {
  fileEnv,
  setup,
  openPage,
  waitFinished,
  articleText,
  assertClean,
  fixtures,
  PAGE_CHROMIUM,
} from "./helpers.mjs";

const env = fileEnv();

const query = (page) => Object.fromEntries(new URL(page.url()).searchParams);
const stepsDone = async (page) => {
  const text = await page.locator("#progress-text").textContent();
  const m = /([\d,]+) of ([\d,]+) steps/.exec(text);
  assert.ok(m, `progress text: ${text}`);
  return Number(m[1].replace(/,/g, ""));
};
const status = (page) => page.evaluate(() => document.documentElement.dataset.status);

test("controls change the link, and a reload restores them", async () => {
  const { page, log, context } = await openPage(env, env.base);
  await waitFinished(page);

  await page.fill("#f-batch", "8");
  await page.press("#f-batch", "Tab");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("batch") === "8");
  await page.fill("#f-seed", "18446744073709551615");
  await page.press("#f-seed", "Tab");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("seed") !== "21");
  await page.fill("#f-steps", "150");
  await page.press("#f-steps", "Enter");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("steps") === "150");
  await page.check("#f-momentum-none");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("momentum") === "none");
  await waitFinished(page);
  assert.deepEqual(query(page), {
    seed: "18446744073709551615",
    batch: "8",
    channels: "3",
    height: "1",
    width: "1",
    steps: "150",
    momentum: "none",
    eps: "0.00001",
  });
  assert.equal(await page.inputValue("#share-link"), page.url());
  const text = await articleText(page);
  assert.match(text, /torch\.Size\(\[1200, 3, 1, 1\]\)/);

  await page.reload();
  await waitFinished(page);
  assert.equal(await page.inputValue("#f-batch"), "8");
  assert.equal(await page.inputValue("#f-seed"), "18446744073709551615");
  assert.equal(await page.inputValue("#f-steps"), "150");
  assert.equal(await page.isChecked("#f-momentum-none"), true);
  assert.equal(await page.isDisabled("#f-momentum"), true);
  assert.equal(await articleText(page), text, "the reloaded link reproduces the run");

  // Back to a numeric momentum.
  await page.uncheck("#f-momentum-none");
  await page.fill("#f-momentum", "0.25");
  await page.press("#f-momentum", "Tab");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("momentum") === "0.25");

  // "Reproduce the article" puts every field back.
  await page.click("#preset-article");
  await page.waitForFunction(() => new URL(location.href).searchParams.get("batch") === "20");
  await waitFinished(page);
  assert.equal(await articleText(page), fixtures().cases[0].article_stdout);
  assertClean(assert, log);
  await context.close();
});

test("an invalid value in the form is refused with a message and leaves the link alone", async () => {
  const { page, log, context } = await openPage(env, env.base);
  await waitFinished(page);
  const before = page.url();
  await page.fill("#f-batch", "0");
  await page.press("#f-batch", "Tab");
  await page.locator("#e-batch").waitFor({ state: "visible" });
  assert.match(await page.locator("#e-batch").textContent(), /batch must be an integer in \[1, /);
  assert.equal(await page.getAttribute("#f-batch", "aria-invalid"), "true");
  // A cross-field limit comes from the module: batch * height * width >= 2.
  await page.fill("#f-batch", "1");
  await page.press("#f-batch", "Tab");
  await page.waitForFunction(() =>
    document.querySelector("#e-batch").textContent.includes("at least 2"),
  );
  assert.equal(page.url(), before);
  await page.fill("#f-batch", "20");
  await page.press("#f-batch", "Tab");
  await page.locator("#e-batch").waitFor({ state: "hidden" });
  assertClean(assert, log);
  await context.close();
});

test("run, pause, step, resume and reset; live updates at a slow speed", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=5000`);
  await waitFinished(page);
  // 30 steps/s: the run lasts minutes, so a loaded machine cannot end it
  // before Pause is pressed (at 300 steps/s a slow round trip or two could).
  await page.selectOption("#speed", "30");
  await page.click("#btn-run");
  await page.waitForFunction(() => document.documentElement.dataset.status === "running");
  await page.waitForTimeout(700);
  const a = await stepsDone(page);
  await page.waitForTimeout(700);
  const b = await stepsDone(page);
  assert.ok(a > 0 && b > a && b < 5000, `progress grows while running: ${a} then ${b}`);
  // The charts and the article's text follow the run.
  assert.ok(Number(await page.getAttribute("#chart-mean", "data-points")) > 0);
  assert.match(await articleText(page), new RegExp(`torch\\.Size\\(\\[\\d+, 3, 1, 1\\]\\)`));
  assert.match(await page.locator("#output-caption").textContent(), /so far/);

  await page.click("#btn-pause");
  await page.waitForFunction(() => document.documentElement.dataset.status === "paused");
  const paused = await stepsDone(page);
  await page.waitForTimeout(400);
  assert.equal(await stepsDone(page), paused, "nothing runs while paused");
  assert.equal(await page.locator("#btn-run").textContent(), "Resume");

  await page.click("#btn-step");
  await page.waitForFunction((n) => {
    const m = /([\d,]+) of/.exec(document.querySelector("#progress-text").textContent);
    return m && Number(m[1].replace(/,/g, "")) === n + 1;
  }, paused);
  assert.match(
    await articleText(page),
    new RegExp(`torch\\.Size\\(\\[${(paused + 1) * 20}, 3, 1, 1\\]\\)`),
  );

  await page.selectOption("#speed", "max");
  await page.click("#btn-run");
  await waitFinished(page);
  assert.equal(await stepsDone(page), 5000);

  await page.click("#btn-reset");
  await page.waitForFunction(() => document.documentElement.dataset.status === "idle");
  assert.equal(await articleText(page), "");
  assert.equal(await page.isDisabled("#btn-pause"), true);

  // Step from nothing: a fresh experiment, one step.
  await page.click("#btn-step");
  await page.waitForFunction(() =>
    /1 of 5,000/.test(document.querySelector("#progress-text").textContent),
  );
  assert.match(await articleText(page), /torch\.Size\(\[20, 3, 1, 1\]\)/);
  assertClean(assert, log);
  await context.close();
});

test("long runs are decimated for the charts", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=200000&batch=4`);
  await waitFinished(page, 120000);
  for (const id of ["#chart-mean", "#chart-variance"]) {
    const points = Number(await page.getAttribute(id, "data-points"));
    assert.ok(points > 100 && points <= 1002, `${id} draws ${points} points per line`);
  }
  // The distance chart samples the steps geometrically (a logarithmic axis).
  const sampled = Number(await page.getAttribute("#chart-distance", "data-points"));
  assert.ok(sampled > 100 && sampled <= 401, `#chart-distance draws ${sampled} points per line`);
  assert.match(await articleText(page), /torch\.Size\(\[800000, 3, 1, 1\]\)/);
  await page.click("label[for=dist-var]");
  await page.waitForFunction(
    () => document.querySelector("#chart-distance").dataset.statistic === "var",
  );
  await page.click("label[for=dist-mean]");
  await page.waitForFunction(
    () => document.querySelector("#chart-distance").dataset.statistic === "mean",
  );
  assertClean(assert, log);
  await context.close();
});

test("downloads: trace as CSV and JSON, charts as PNG", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=40&channels=2&seed=9`);
  await waitFinished(page);
  await page.click("#share-details > summary");
  const save = async (selector) => {
    const [download] = await Promise.all([page.waitForEvent("download"), page.click(selector)]);
    return { name: download.suggestedFilename(), data: readFileSync(await download.path()) };
  };
  const csv = await save("#dl-csv");
  assert.match(csv.name, /^batchnorm-lab_seed9_20x2x1x1_steps40_m0\.1\.csv$/);
  const rows = csv.data.toString("utf8").trim().split("\n");
  assert.equal(rows.length, 41);
  assert.equal(
    rows[0],
    "step,running_mean_c0,running_mean_c1,running_var_c0,running_var_c1,manual_mean_c0,manual_mean_c1,manual_var_c0,manual_var_c1",
  );
  assert.match(rows[40], /^40,/);

  const json = await save("#dl-json");
  const trace = JSON.parse(json.data.toString("utf8"));
  assert.equal(trace.config.seed, "9");
  assert.equal(trace.running_mean.length, 40);
  assert.equal(trace.running_mean[0].length, 2);
  assert.ok(trace.summary && typeof trace.summary === "object", "the CLI's --json summary");
  // The CSV and the JSON hold the same values.
  assert.equal(String(trace.running_var[39][1]), rows[40].split(",")[4]);
  // The manual statistics are PyTorch's float32 ones: the CSV's last row
  // equals the --json summary (shortest float32 text) digit for digit.
  assert.equal(rows[40].split(",")[5], String(trace.summary.manual_mean[0]));
  assert.equal(rows[40].split(",")[8], String(trace.summary.manual_var[1]));

  const png = await save("#dl-png");
  assert.match(png.name, /\.png$/);
  assert.deepEqual([...png.data.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  assert.ok(png.data.length > 10000);
  assertClean(assert, log);
  await context.close();
});

test("copy link and copy embed code", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?seed=5&steps=30`, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await waitFinished(page);
  await page.click("#share-details > summary");
  await page.click("#copy-link");
  await page.waitForFunction(() =>
    /Link copied/.test(document.querySelector("#share-status").textContent),
  );
  const link = await page.evaluate(() => navigator.clipboard.readText());
  assert.equal(link, page.url());
  assert.equal(new URL(link).searchParams.get("seed"), "5");
  // The embed dialog, its "follows its content" form: the height script.
  await page.click("#copy-embed");
  await page.selectOption("#embed-form-kind", "auto");
  await page.click("#embed-copy");
  await page.waitForFunction(() =>
    /Copied/.test(document.querySelector("#embed-status").textContent),
  );
  const embed = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(embed, /^<iframe src="[^"]*embed=1[^"]*"/);
  assert.match(embed, /seed=5&amp;/);
  assert.match(embed, /batchnorm-lab:height/);
  assertClean(assert, log);
  await context.close();
});

test("a WebAssembly trap in the worker: replaced, with a visible message, and runs again", async (t) => {
  // In the full browser: chromium-headless-shell 156 takes the whole page down on a wasm
  // out-of-bounds trap in a worker (a renderer crash, not the RuntimeError the browser gives).
  const full = await setup({ browserPath: PAGE_CHROMIUM });
  t.after(() => full.close());
  const { page, log, context } = await openPage(full, `${full.base}?steps=300`);
  await waitFinished(page);
  const expected = await articleText(page);
  const [worker] = page.workers();
  assert.ok(worker, "the experiment runs in a worker");
  // The worker's test-only request: a load far outside the module's memory,
  // inside the module's own code (free), a real trap. Sent from a later task so that evaluate's
  // reply leaves before the page terminates the trapped worker.
  await worker.evaluate(() => {
    setTimeout(() => self.onmessage({ data: { type: "trapForTests" } }));
  });
  await page.locator("#notices").waitFor({ state: "visible" });
  const text = await page.locator("#notices").textContent();
  assert.match(text, /stopped unexpectedly and was restarted/);
  assert.match(text, /memory access out of bounds/);
  await page.waitForFunction(() => document.documentElement.dataset.status === "idle");
  // Nothing plays by itself after a crash mid-use: the notice says what to press.
  assert.match(await page.locator("#notices").textContent(), /Press Run to start again/);
  await page.click("#btn-run");
  await waitFinished(page);
  assert.equal(await articleText(page), expected);
  assertClean(assert, log);
  await context.close();
});

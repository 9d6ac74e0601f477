// The probe, variance and conventions lenses opened by link: the numbers the
// page shows (its tables, every digit) against real PyTorch's
// (tests/fixtures/scenarios.json for the probe, batch_variance.json for the
// batch variances), the Keras-port preset link and the Keras/Flax code, and
// axe plus screenshots at 1280 and 360 px, light and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  fileEnv,
  sidewaysOverflow,
  axeViolations,
  openPage,
  waitFinished,
  assertClean,
  repo,
  screenshot,
} from "./helpers.mjs";

const load = (name) => JSON.parse(readFileSync(join(repo, "tests/fixtures", name), "utf8"));
const scenarios = load("scenarios.json").cases;
const variances = load("batch_variance.json").cases;

const env = fileEnv();

// A fixture config as a link: unset optional fields left out (their default).
function configQuery(config) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(config)) {
    if (v === null) {
      if (k === "momentum") q.set(k, "none");
      continue;
    }
    q.set(k, String(v));
  }
  return q;
}

async function openLens(query) {
  const opened = await openPage(env, `${env.base}?${query}&speed=max`);
  await waitFinished(opened.page);
  // "The numbers at a step" of each open lens.
  for (const summary of await opened.page.locator(".lens-numbers > summary").all()) {
    if (await summary.isVisible()) await summary.click();
  }
  return opened;
}

// The table's cell texts by data-testid after asking for `step`.
async function cellsAt(page, lens, step, ids) {
  await page.fill(`[data-testid="${lens}-step"]`, String(step));
  const shown = await page.getAttribute(`[data-testid="${lens}-table-step"]`, "data-step");
  assert.equal(shown, String(step), `the ${lens} table shows step ${step}`);
  return page.evaluate(
    (list) => list.map((id) => document.querySelector(`[data-testid="${id}"]`)?.textContent),
    ids,
  );
}

const f32bits = (text) => {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, Number(text), true);
  return view.getUint32(0, true);
};

function assertClose(text, want, what) {
  if (want === null) {
    assert.equal(text, "nan", `${what}: PyTorch has nan`);
    return;
  }
  const got = Number(text);
  assert.ok(
    Math.abs(got - want) <= 1e-12 * Math.max(1, Math.abs(want)),
    `${what}: ${got} vs ${want}`,
  );
}

const PROBE_CASES = [
  "article_with_shift_0.1",
  "spatial_shift_scale",
  "article_switch_1000",
  "freeze_30",
  "momentum_none_switch",
  "momentum_0.9_keras_port",
  "probe_large",
  "probe_negative_seed",
  "batch1_freeze_0",
];

for (const name of PROBE_CASES) {
  test(`probe lens by link: ${name} against PyTorch at every probed step`, async () => {
    const testCase = scenarios.find((c) => c.name === name);
    assert.ok(testCase?.probe, `fixture ${name} has a probe`);
    const q = configQuery(testCase.config);
    q.set("probe-seed", testCase.probe.seed);
    q.set("lens", "probe");
    const { page, log, context } = await openLens(q.toString());
    assert.equal(await page.locator("#lens-probe > details").getAttribute("open"), "");
    assert.match(
      await page.textContent("#lens-probe"),
      new RegExp(`seed ${testCase.probe.seed}\\)`),
    );
    const C = testCase.config.channels;
    const ids = (kind) => Array.from({ length: C }, (_, c) => `probe-${kind}-${c}`);
    for (const expected of testCase.probe.steps) {
      const step = Number(expected.step);
      const cells = await cellsAt(page, "probe", step, [
        ...ids("eval-mean"),
        ...ids("eval-std"),
        ...ids("train-mean"),
        ...ids("train-std"),
      ]);
      for (let c = 0; c < C; c++) {
        const where = `step ${step} channel ${c}`;
        assertClose(cells[c], expected.eval_mean_f64[c], `${where} eval mean`);
        assertClose(cells[C + c], expected.eval_std_f64[c], `${where} eval std`);
        if (testCase.probe.train_error) {
          assert.equal(cells[2 * C + c], "–");
        } else {
          assertClose(cells[2 * C + c], testCase.probe.train_mean_f64[c], `${where} train mean`);
          assertClose(cells[3 * C + c], testCase.probe.train_std_f64[c], `${where} train std`);
        }
      }
    }
    if (testCase.probe.train_error) {
      assert.ok((await page.textContent("#lens-probe")).includes(testCase.probe.train_error));
    }
    assertClean(assert, log);
    await context.close();
  });
}

// The variance lens's table at a few steps against PyTorch's bits.
async function checkVariance(page, testCase) {
  const C = Math.min(testCase.config.channels, 8);
  const steps = testCase.config.steps;
  const pick = new Set([1, 2, Math.ceil(steps / 2), steps]);
  if (testCase.config.freeze !== null) pick.add(testCase.config.freeze + 1);
  for (const step of pick) {
    const ids = ["biased", "unbiased", "running", "ratio"].flatMap((k) =>
      Array.from({ length: C }, (_, c) => `variance-${k}-${c}`),
    );
    const cells = await cellsAt(page, "variance", step, ids);
    for (let c = 0; c < C; c++) {
      const where = `step ${step} channel ${c}`;
      const biased = testCase.biased_bits[step - 1];
      if (biased === null) {
        assert.equal(cells[c], "nan", `${where}: eval step, no batch statistics`);
        assert.equal(cells[C + c], "nan", where);
      } else {
        assert.equal(f32bits(cells[c]), biased[c], `${where} biased`);
        assert.equal(
          f32bits(cells[C + c]),
          testCase.unbiased_bits[step - 1][c],
          `${where} unbiased`,
        );
        const n = testCase.n;
        assert.ok(Math.abs(Number(cells[3 * C + c]) - n / (n - 1)) < 1e-5, `${where} u²/s²`);
      }
      assert.equal(f32bits(cells[2 * C + c]), testCase.running_var_bits[step - 1][c], where);
    }
  }
  const words = await page.textContent("#lens-unbiased-variance");
  assert.ok(
    words.includes(`= ${testCase.n.toLocaleString("en-US")} values per channel`),
    "names this run's n",
  );
  assert.ok(words.includes("not PyTorch"), "the what-if is labelled");
}

for (const testCase of variances) {
  test(`variance lens by link: ${testCase.name} against PyTorch`, async () => {
    const q = configQuery(testCase.config);
    q.set("lens", "unbiased-variance");
    const { page, log, context } = await openLens(q.toString());
    await checkVariance(page, testCase);
    assertClean(assert, log);
    await context.close();
  });
}

test("conventions lens: m beside 1 - m, the Keras-port link, Keras and Flax code", async () => {
  const { page, log, context } = await openLens("lens=conventions");
  assert.equal(await page.inputValue('[data-testid="conv-torch"]'), "0.1");
  assert.equal(await page.inputValue('[data-testid="conv-keras"]'), "0.9");
  await page.fill('[data-testid="conv-keras"]', "0.99");
  assert.equal(await page.inputValue('[data-testid="conv-torch"]'), "0.01");
  assert.match(await page.textContent('[data-testid="conv-readout"]'), /2\/m − 1 = 199 batches/);
  const href = await page.getAttribute('[data-testid="conv-keras-port"]', "href");
  const target = new URLSearchParams(href.slice(href.indexOf("?")));
  assert.equal(target.get("momentum"), "0.9");
  assert.equal(target.get("lens"), "conventions");
  await page.click('[data-testid="conv-keras-port"]');
  await page.waitForURL(/momentum=0\.9/);
  await waitFinished(page);
  assert.equal(await page.locator("#lens-conventions > details").getAttribute("open"), "");
  assert.match(await page.textContent("#lens-conventions"), /follow the last batch/);
  assert.equal(await page.inputValue("#f-momentum"), "0.9");
  await page.click("text=Show the Keras and Flax code");
  await page.click("text=Copy as Keras code");
  const keras = await page.textContent("#lens-conventions pre");
  assert.match(keras, /momentum=0\.1,\s+# Keras's momentum = 1 - PyTorch's momentum \(0\.9\)/);
  assert.match(keras, /Only PyTorch's numbers are bit-exact/);
  await page.click("text=Copy as Flax code");
  const flax = await page.textContent("#lens-conventions pre");
  assert.match(flax, /nn\.BatchNorm\(axis=1, momentum=momentum, epsilon=0\.00001\)/);
  assert.match(flax, /layer\(0\.1\)\.apply/);
  assertClean(assert, log);
  await context.close();
});

for (const width of [1280, 360]) {
  for (const colorScheme of ["light", "dark"]) {
    test(`lenses open by link: axe and screenshot, ${width} px, ${colorScheme}`, async () => {
      const query =
        "?steps=600&switch=300&shift2=1&scale2=2&lens=probe,unbiased-variance,conventions";
      const { page, log, context } = await openPage(env, env.base + query, { width, colorScheme });
      await waitFinished(page);
      for (const summary of await page.locator(".lens-numbers > summary").all()) {
        await summary.click();
      }
      await page.waitForTimeout(200);
      for (const name of ["probe", "unbiased-variance", "conventions"]) {
        await screenshot(page.locator(`#lens-${name}`), `lens-${name}-${width}-${colorScheme}`);
      }
      const overflow = await sidewaysOverflow(page);
      assert.ok(overflow <= 0, `horizontal overflow of ${overflow} px`);
      assert.deepEqual(
        await axeViolations(page, { serious: true }),
        [],
        "serious or critical accessibility findings",
      );
      assertClean(assert, log);
      await context.close();
    });
  }
}

// A closed lens follows no run (lenses.js): opened after the run, it catches up on every step.
test(`variance lens opened after the run: ${variances[0].name} against PyTorch`, async () => {
  const { page, log, context } = await openLens(configQuery(variances[0].config).toString());
  await page.click("#lens-unbiased-variance summary");
  for (const summary of await page
    .locator("#lens-unbiased-variance .lens-numbers > summary")
    .all()) {
    if (await summary.isVisible()) await summary.click();
  }
  await checkVariance(page, variances[0]);
  assertClean(assert, log);
  await context.close();
});

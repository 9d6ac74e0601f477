// The lenses of issue 9 (web/src/lens-*.js) opened by link, checked against
// PyTorch (tests/fixtures/lenses.json, from generate_lens_fixtures.py) bit for
// bit, the scenario fields in the form and the link, PyTorch's batch-of-one
// error, axe, and screenshots at 1280 and 360 px, light and dark.
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
  screenshot,
  repo,
} from "./helpers.mjs";
import { float32Text } from "../../web/src/exporters.js";

const cases = JSON.parse(readFileSync(join(repo, "tests/fixtures/lenses.json"), "utf8")).cases;
const byName = (name) => cases.find((c) => c.name === name);

const env = fileEnv();

const asText = (bitsList) =>
  bitsList.map((b) => float32Text(new Float32Array(new Uint32Array([b]).buffer)[0]));

// The link for a fixture config: unset fields left out (their defaults).
function linkFor(config, extra) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(config)) {
    if (v === null && k !== "momentum") continue;
    q.set(k, v === null ? "none" : String(v));
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return `?${q.toString().replace(/%2C/gi, ",")}`;
}

// data-value of every cell whose data-cell starts with `prefix`, in channel order.
function cells(page, prefix, channels) {
  return page.evaluate(
    ({ prefix, channels }) =>
      Array.from({ length: channels }, (_, c) => {
        const td = document.querySelector(`[data-cell="${prefix}-${c}"]`);
        return td ? (td.dataset.value ?? null) : null;
      }),
    { prefix, channels },
  );
}

async function checkLayout(page, name) {
  const overflow = await sidewaysOverflow(page);
  assert.ok(overflow <= 0, `${name}: horizontal overflow of ${overflow} px`);
  assert.deepEqual(
    await axeViolations(page, { serious: true }),
    [],
    `${name}: serious or critical accessibility findings`,
  );
}

for (const name of [
  "freezing_30_of_100",
  "freezing_spatial_none",
  "freezing_switch",
  "freezing_0",
]) {
  test(`freezing lens by link, ${name}: eval() flat, requires_grad=False and no_grad() not`, async () => {
    const fx = byName(name);
    const C = Math.min(fx.config.channels, 4);
    const { page, log, context } = await openPage(
      env,
      env.base + linkFor(fx.config, { lens: "freezing", speed: "max" }),
    );
    await waitFinished(page);
    assert.equal(await page.locator("#lens-freezing details").getAttribute("open"), "");
    assert.match(await page.evaluate(() => location.search), /[?&]lens=freezing(&|$)/);
    await page.waitForFunction(
      () => document.querySelector('[data-cell="mean-train-0"]')?.dataset.value,
    );
    for (const [stat, key] of [
      ["mean", "running_mean_bits"],
      ["var", "running_var_bits"],
    ]) {
      const want = (record) => asText(record[key]).slice(0, C);
      assert.deepEqual(
        await cells(page, `${stat}-frozen`, C),
        want(fx.at_freeze),
        `${stat} at freeze`,
      );
      assert.deepEqual(await cells(page, `${stat}-eval`, C), want(fx.eval), `${stat} eval`);
      // requires_grad=False and no_grad() end at the same values in PyTorch.
      assert.deepEqual(fx.requires_grad, fx.no_grad);
      assert.deepEqual(await cells(page, `${stat}-train`, C), want(fx.no_grad), `${stat} no_grad`);
    }
    // The charts mark the freeze (and a switch) at their steps.
    const markers = await page.locator("#chart-mean").getAttribute("data-markers");
    assert.ok(markers.includes(`freeze@${fx.config.freeze}`), markers);
    if (fx.config.switch !== null) assert.ok(markers.includes(`switch@${fx.config.switch}`));
    assertClean(assert, log);
    await context.close();
  });
}

test("precise-BN lens by link: PyTorch's estimate for each K, the EMA and the manual values", async () => {
  for (const name of [
    "precise_shift_scale",
    "precise_switch",
    "precise_spatial_none",
    "precise_article",
    "precise_frozen",
  ]) {
    const fx = byName(name);
    const C = Math.min(fx.config.channels, 4);
    const { page, log, context } = await openPage(
      env,
      env.base + linkFor(fx.config, { lens: "precise-bn", speed: "max" }),
    );
    await waitFinished(page);
    for (const p of fx.precise) {
      if (p.batches !== 100) {
        await page.fill("#precise-k", String(p.batches));
        await page.click("#lens-precise-bn button.primary");
      }
      await page.waitForFunction(
        (k) =>
          document.querySelector("#lens-precise-bn [role=status]").textContent ===
          `Done: ${k} batches.`,
        new Intl.NumberFormat("en-US").format(p.batches),
      );
      assert.deepEqual(
        await cells(page, "mean-precise", C),
        asText(p.running_mean_bits).slice(0, C),
        `${name} K=${p.batches} mean`,
      );
      assert.deepEqual(
        await cells(page, "var-precise", C),
        asText(p.running_var_bits).slice(0, C),
        `${name} K=${p.batches} var`,
      );
    }
    assert.deepEqual(
      await cells(page, "mean-ema", C),
      asText(fx.ema.running_mean_bits).slice(0, C),
    );
    assert.deepEqual(await cells(page, "var-ema", C), asText(fx.ema.running_var_bits).slice(0, C));
    assert.deepEqual(await cells(page, "mean-manual", C), asText(fx.manual.mean_bits).slice(0, C));
    assert.deepEqual(await cells(page, "var-manual", C), asText(fx.manual.var_bits).slice(0, C));
    const verdict = await page.locator("#lens-precise-bn .lens-verdict").textContent();
    assert.match(verdict, fx.config.freeze !== null ? /eval mode/ : /Closer to/);
    assertClean(assert, log);
    await context.close();
  }
});

test("precise-BN lens: a bad K gets the field's range and keeps nothing stale", async () => {
  const { page, log, context } = await openPage(
    env,
    env.base + "?steps=50&lens=precise-bn&speed=max",
  );
  await waitFinished(page);
  await page.waitForSelector('[data-cell="mean-precise-0"]');
  for (const bad of ["-1", "100001", "2.5", ""]) {
    await page.fill("#precise-k", bad);
    await page.click("#lens-precise-bn button.primary");
    await page.waitForFunction(() => !document.querySelector("#e-precise-k").hidden);
    assert.equal(
      await page.locator("#e-precise-k").textContent(),
      "K must be an integer in [0, 100000]",
      bad,
    );
    assert.equal(await page.locator("#precise-k").getAttribute("aria-invalid"), "true");
    assert.equal(await page.locator('[data-cell="mean-precise-0"]').count(), 0, "old numbers gone");
  }
  await page.fill("#precise-k", "5");
  await page.click("#lens-precise-bn button.primary");
  await page.waitForSelector('[data-cell="mean-precise-0"]');
  assert.equal(await page.locator("#e-precise-k").isHidden(), true);
  assertClean(assert, log);
  await context.close();
});

test("batch of one: PyTorch's exact ValueError in the notice and the lens; batch 2 runs", async () => {
  for (const name of ["batch_of_one_3", "batch_of_one_5"]) {
    const fx = byName(name);
    const C = fx.config.channels;
    const { page, log, context } = await openPage(
      env,
      env.base + `?batch=1&channels=${C}&steps=30&lens=batch-of-one&speed=max`,
    );
    await waitFinished(page);
    const notices = await page.locator("#notice-list").textContent();
    assert.ok(
      notices.includes(`What PyTorch would raise for “batch” as given: ${fx.error}`),
      notices,
    );
    await page.waitForFunction(
      (t) => document.querySelector("#lens-batch-of-one pre").textContent === t,
      fx.error,
    );
    assert.match(await page.evaluate(() => location.search), /[?&]batch=2&/);
    assert.match(
      await page.locator("#lens-batch-of-one .lens-note").textContent(),
      /asked for batch = 1/,
    );
    // In eval mode from the start PyTorch runs it: the buffers stay at 0 and 1.
    await page.goto(env.base + `?batch=1&channels=${C}&steps=30&freeze=0&speed=max`);
    await waitFinished(page);
    assert.equal(await page.locator("#notices").isHidden(), true);
    const out = await page.locator('[data-testid="article-output"]').textContent();
    assert.ok(out.includes(`Mean: tensor([${Array(C).fill("0.").join(", ")}])`), out);
    assert.deepEqual(fx.eval_running_mean_bits, Array(C).fill(0));
    // The form shows the same words under Batch.
    await page.fill("#f-freeze", "never");
    await page.press("#f-freeze", "Enter");
    await page.waitForFunction(() => !document.querySelector("#e-batch").hidden);
    const formError = await page.locator("#e-batch").textContent();
    assert.ok(formError.startsWith(`What PyTorch would raise: ${fx.error}.`), formError);
    assertClean(assert, log);
    await context.close();
  }
});

test("scenario fields: filled from the link, written back, bad ones fall back with the grammar's message", async () => {
  const { page, log, context } = await openPage(
    env,
    env.base + "?steps=200&shift=2&scale=0.5&switch=100&shift2=-1&freeze=150&speed=max",
  );
  await waitFinished(page);
  const values = await page.evaluate(() =>
    ["shift", "scale", "switch", "shift2", "scale2", "freeze"].map(
      (n) => document.getElementById(`f-${n}`).value,
    ),
  );
  assert.deepEqual(values, ["2", "0.5", "100", "-1", "same", "150"]);
  const search = await page.evaluate(() => location.search);
  assert.match(search, /&shift=2&scale=0\.5&switch=100&shift2=-1&freeze=150/);
  assert.doesNotMatch(search, /scale2/);
  assert.equal(
    await page.locator("#chart-mean").getAttribute("data-markers"),
    "switch@100 freeze@150",
  );
  // The exported script carries them.
  const code = await page.locator("#pytorch-code").textContent();
  assert.ok(
    code.includes(
      "shift, scale = 2.0, 0.5\nswitch = 100\nshift2, scale2 = -1.0, scale\nfreeze = 150\n",
    ),
    code,
  );
  // A bad value in the form: the grammar's message under the field, the run kept.
  await page.fill("#f-scale", "-3");
  await page.press("#f-scale", "Enter");
  await page.waitForFunction(() => !document.querySelector("#e-scale").hidden);
  assert.match(
    await page.locator("#e-scale").textContent(),
    /scale must be a number in \[0, 1000\]/,
  );
  // A bad value in a link: the notice names it, the default runs.
  await page.goto(env.base + "?steps=50&shift=abc&freeze=-2&speed=max");
  await waitFinished(page);
  const notices = await page.locator("#notice-list").textContent();
  assert.match(notices, /“shift”: .*shift must be a number in \[-1000, 1000\]/);
  assert.match(notices, /“freeze”: .*freeze must be an integer in \[0, 1000000\], or never/);
  assert.equal(await page.locator("#f-shift").inputValue(), "0");
  assert.equal(await page.locator("#f-freeze").inputValue(), "never");
  assertClean(assert, log);
  await context.close();
});

const SHOTS = [
  ["freezing", "?seed=19&batch=10&steps=100&freeze=30&lens=freezing"],
  [
    "precise-bn",
    "?seed=12&batch=10&steps=100&shift=1&switch=60&shift2=5&scale2=0.1&lens=precise-bn",
  ],
  ["batch-of-one", "?batch=1&steps=300&lens=batch-of-one"],
];
for (const [lens, query] of SHOTS) {
  for (const width of [1280, 360]) {
    for (const colorScheme of ["light", "dark"]) {
      test(`lens ${lens} by link: axe and screenshot at ${width} px, ${colorScheme}`, async () => {
        const { page, log, context } = await openPage(env, env.base + query, {
          width,
          colorScheme,
        });
        await waitFinished(page);
        await page.waitForTimeout(300);
        await checkLayout(page, `${lens} ${width} ${colorScheme}`);
        await screenshot(page, `lens-${lens}-${width}-${colorScheme}`);
        await screenshot(
          page.locator(`#lens-${lens}`),
          `lens-${lens}-${width}-${colorScheme}-panel`,
        );
        assertClean(assert, log);
        await context.close();
      });
    }
  }
}

test("an embed of one lens: panels=freezing shows it open and alone", async () => {
  const { page, log, context } = await openPage(
    env,
    env.base + "?embed=1&panels=freezing&steps=100&freeze=40&speed=max",
  );
  await waitFinished(page);
  const shown = await page.evaluate(() =>
    [...document.querySelectorAll("[data-panel]")]
      .filter((e) => !e.hidden)
      .map((e) => e.dataset.panel),
  );
  assert.deepEqual(shown, ["freezing"]);
  assert.equal(await page.locator("#lens-freezing details").getAttribute("open"), "");
  assert.deepEqual(await axeViolations(page, { serious: true }), []);
  assertClean(assert, log);
  await context.close();
});

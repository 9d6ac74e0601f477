// The step inspector in the page: links with step=K show PyTorch's numbers
// (tests/fixtures/inspector.json) bit for bit, frozen steps say so, the
// charts mark the step, the slider moves it by keyboard and the link follows,
// hovering and clicking a chart pick a step, bad or out-of-range steps fall
// back with a message; axe on the panel; screenshots at 1280 and 360, light
// and dark, in tests/browser/screenshots/.
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

const { cases } = JSON.parse(readFileSync(join(repo, "tests/fixtures/inspector.json"), "utf8"));

const env = fileEnv();

const DEFAULTS = { shift: 0, scale: 1 };

// The link of a fixture's config, as a reader would write it.
function query(config, step) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(config)) {
    if (k === "momentum" && v === null) q.set(k, "none");
    else if (v !== null && DEFAULTS[k] !== v) q.set(k, String(v));
  }
  q.set("step", String(step));
  return "?" + q.toString();
}

const bitsOf = (x) => new Uint32Array(Float32Array.of(x).buffer)[0];
const f32FromBits = (b) => new Float32Array(Uint32Array.of(b).buffer)[0];

// The panel's numbers: the batch table (every channel), the rule's
// before/after values and the counter (focused channel 0).
function readPanel(page) {
  return page.evaluate(() => {
    const text = (el) => el?.firstChild?.textContent ?? null;
    const table = {};
    for (const td of document.querySelectorAll("#inspector td[data-stat]")) {
      (table[td.dataset.stat] ??= [])[Number(td.dataset.channel)] = text(td.querySelector(".num"));
    }
    const rule = {};
    for (const el of document.querySelectorAll("#inspect-rule [data-stat]")) {
      rule[el.dataset.stat] = el.classList.contains("num") ? text(el) : el.textContent;
    }
    const marked = [...document.querySelectorAll("canvas[data-marked-step]")].map(
      (c) => c.dataset.markedStep,
    );
    return {
      table,
      rule,
      marked,
      status: document.querySelector("#inspect-status").textContent,
      eval: document.querySelectorAll("#inspector td.eval").length,
    };
  });
}

function assertBits(text, wantBits, what) {
  assert.ok(text !== null && text !== undefined, `${what} is shown`);
  assert.equal(bitsOf(Number(text)), wantBits, `${what}: "${text}" vs ${f32FromBits(wantBits)}`);
}

// Steps to open: trained and frozen ones, momentum None, both kernels.
const picks = [
  ["article", 1000],
  ["article", 1],
  ["pixel-none", 150],
  ["spatial-m0.1", 30],
  ["spatial-none-freeze40", 40],
  ["spatial-none-freeze40", 41],
  ["spatial-freeze0", 5],
  ["pixel-batch2-m0.9-switch", 60],
];

for (const [name, step] of picks) {
  test(`?…&step=${step} (${name}) shows PyTorch's numbers`, async () => {
    const testCase = cases.find((c) => c.name === name);
    const want = testCase.steps.find((s) => s.step === step);
    assert.ok(want, `the fixture records step ${step} of ${name}`);
    const { page, log, context } = await openPage(env, env.base + query(testCase.config, step));
    await waitFinished(page);
    await page.waitForFunction(() => document.querySelector("#inspect-rule [data-stat]"));
    const got = await readPanel(page);
    assert.match(got.status, new RegExp(`^Step ${step.toLocaleString("en-US")} \\(picked\\)`));
    assert.ok(got.marked.length >= 3, "every chart marks the step");
    for (const m of got.marked) assert.equal(m, String(step));
    assertBits(got.rule.runningMean, want.running_mean_bits[0], "running_mean");
    assertBits(got.rule.runningVar, want.running_var_bits[0], "running_var");
    assert.equal(Number(got.rule.numBatchesTracked), want.num_batches_tracked);
    if (want.batch_mean_bits === null) {
      assert.equal(got.eval, Math.min(testCase.config.channels, 8), "every row says eval mode");
      assert.equal(got.rule.runningMeanBefore, undefined, "no update is written out");
    } else {
      assertBits(got.rule.runningMeanBefore, want.running_mean_before_bits[0], "mean before");
      assertBits(got.rule.runningVarBefore, want.running_var_before_bits[0], "var before");
      for (let c = 0; c < testCase.config.channels; c++) {
        assertBits(got.table.batchMean[c], want.batch_mean_bits[c], `batch mean ${c}`);
        assertBits(got.table.batchVar[c], want.batch_var_bits[c], `biased var ${c}`);
        assertBits(got.table.batchVarUnbiased[c], want.batch_var_unbiased_bits[c], `unbiased ${c}`);
      }
    }
    assertClean(assert, log);
    await context.close();
  });
}

test("keyboard moves the step, the link follows; bits on demand; hover and click pick", async () => {
  const testCase = cases.find((c) => c.name === "article");
  const { page, log, context } = await openPage(env, env.base + query(testCase.config, 1000));
  await waitFinished(page);
  const slider = page.locator("#inspect-step");
  assert.equal(await slider.getAttribute("aria-valuetext"), "step 1,000 of 2,000");
  await slider.focus();
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowRight");
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("step") === "1001");
  assert.match(await page.locator("#inspect-status").textContent(), /^Step 1,001 \(picked\)/);
  const want = testCase.steps.find((s) => s.step === 1000);
  // Step 1001's "before" is step 1000's "after", which PyTorch recorded.
  const panel = await readPanel(page);
  assertBits(panel.rule.runningMeanBefore, want.running_mean_bits[0], "mean before step 1001");
  await page.keyboard.press("End");
  await page.waitForFunction(() => new URLSearchParams(location.search).get("step") === "2000");
  // Bits on demand: the float32 pattern of each number.
  await page.locator("#inspect-bits").check();
  const bits = await page.locator('#inspect-rule [data-stat="runningMean"] .bits').textContent();
  const last = testCase.steps.find((s) => s.step === 2000);
  assert.equal(bits.trim(), "0x" + last.running_mean_bits[0].toString(16).padStart(8, "0"));
  // Hovering a chart previews a step; leaving it goes back; a click pins it.
  await page.locator("#chart-mean").scrollIntoViewIfNeeded();
  const box = await page.locator("#chart-mean").boundingBox();
  await page.mouse.move(box.x + box.width * 0.55, box.y + box.height * 0.5);
  await page.waitForFunction(() =>
    document.querySelector("#inspect-status").textContent.includes("hovered on a chart"),
  );
  await page.mouse.click(box.x + box.width * 0.55, box.y + box.height * 0.5);
  await page.waitForFunction(() => {
    const s = Number(new URLSearchParams(location.search).get("step"));
    return s > 500 && s < 1800;
  });
  const picked = new URLSearchParams(await page.evaluate(() => location.search)).get("step");
  await page.mouse.move(0, 0);
  await page.waitForFunction(
    (s) => document.querySelector("#inspect-status").textContent.startsWith(`Step ${s}`),
    Number(picked).toLocaleString("en-US"),
  );
  // "Last step" follows the run again and leaves step= out of the link.
  await page.locator("#inspector button", { hasText: "Last step" }).click();
  await page.waitForFunction(() => !new URLSearchParams(location.search).has("step"));
  assertClean(assert, log);
  await context.close();
});

test("a bad step falls back with a message; a step past the end shows the last", async () => {
  const bad = await openPage(env, `${env.base}?steps=300&step=abc`);
  await waitFinished(bad.page);
  const notices = await bad.page.locator("#notice-list").textContent();
  assert.match(notices, /“step” = “abc”: step must be a positive integer/);
  assert.match(await bad.page.locator("#inspect-status").textContent(), /^Step 300 \(the last/);
  await bad.context.close();
  const past = await openPage(env, `${env.base}?steps=300&step=5000&batch=-1`);
  await waitFinished(past.page);
  await past.page.waitForFunction(() =>
    document.querySelector("#notice-list").textContent.includes("past the run's"),
  );
  const list = await past.page.locator("#notice-list").textContent();
  assert.match(list, /batch/, "the grammar's notice is kept");
  assert.match(list, /step 5000 is past the run's 300 steps; showing step 300/);
  assert.match(await past.page.locator("#inspect-status").textContent(), /^Step 300 \(picked\)/);
  assert.equal(
    new URLSearchParams(await past.page.evaluate(() => location.search)).get("step"),
    "300",
  );
  assertClean(assert, past.log);
  await past.context.close();
});

for (const width of [1280, 360]) {
  for (const colorScheme of ["light", "dark"]) {
    test(`inspector: axe and screenshot, ${width} px, ${colorScheme}`, async () => {
      const q = query(cases.find((c) => c.name === "pixel-none").config, 150);
      const { page, log, context } = await openPage(env, env.base + q, { width, colorScheme });
      await waitFinished(page);
      await page.locator("#inspect-bits").check();
      await page.waitForTimeout(100);
      await page.locator("#inspector").scrollIntoViewIfNeeded();
      await screenshot(page, `inspector-page-${width}-${colorScheme}`);
      await screenshot(page.locator("#inspector"), `inspector-${width}-${colorScheme}`);
      const overflow = await sidewaysOverflow(page);
      assert.ok(overflow <= 0, `horizontal overflow of ${overflow} px`);
      const found = await axeViolations(page, { scope: "#inspector" });
      assert.deepEqual(found, [], "accessibility findings in the inspector");
      assertClean(assert, log);
      await context.close();
    });
  }
}

test("a long run's dropped middle: the inspector says so, and the kept end still shows its numbers", async () => {
  // 4,096 channels x 1,000 steps is 4,096,000 values per series, past the trace's
  // kept start and end (web/src/trace.js), so the middle steps are dropped.
  const { page, log, context } = await openPage(
    env,
    `${env.base}?batch=2&channels=4096&steps=1000&speed=max&step=499`,
  );
  await waitFinished(page);
  const slider = page.locator("#inspect-step");
  await slider.focus();
  await page.keyboard.press("ArrowRight");
  const status = page.locator("#inspect-status");
  await page.waitForFunction(() =>
    document.querySelector("#inspect-status").textContent.startsWith("Step 500 "),
  );
  assert.match(
    await status.textContent(),
    /^Step 500 is in the middle of a long run, whose per-step values the page does not keep, so that its memory stays flat \(steps 1\d\d to [89]\d\d are dropped; the first and the latest are kept\)\. bnlab with --steps 500 --json/,
  );
  assert.equal(await page.locator("#inspect-rule [data-stat]").count(), 0);
  await page.keyboard.press("End");
  await page.waitForFunction(() => document.querySelector("#inspect-rule [data-stat]"));
  assert.match(await status.textContent(), /^Step 1,000 /);
  assertClean(assert, log);
  await context.close();
});

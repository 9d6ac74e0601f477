// Side by side: comparison links (momentum 0.1 vs none, batch 20 vs 4, a shift
// vs none, another seed) print, for run B, exactly what `node bin/bnlab.cjs`
// prints with B's flags (and, for A, with A's); a bad B field is dropped with
// a notice while A runs; the "Compare with…" control writes B into the link,
// which opens to the same B; the inspector's arrows still move the step; the
// copied two-run PyTorch script prints CLI(A) then CLI(B); axe; screenshots at
// 1280 and 360 px, light and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import {
  fileEnv,
  sidewaysOverflow,
  axeViolations,
  openPage,
  waitFinished,
  articleText,
  assertClean,
  repo,
  screenshot,
} from "./helpers.mjs";
import { PYTHON, needsTorch } from "../pytorch.mjs";

const env = fileEnv();

// The Node CLI's stdout for link fields (B's: A's with the b. fields on top).
function cli(fields) {
  const flags = Object.entries(fields).flatMap(([k, v]) => [`--${k}`, v]);
  return execFileSync("node", [join(repo, "bin/bnlab.cjs"), ...flags], { encoding: "utf8" });
}
function sides(search) {
  const a = {};
  const b = {};
  for (const [k, v] of new URLSearchParams(search)) {
    if (k.startsWith("b.")) b[k.slice(2)] = v;
    else a[k] = v;
  }
  return { a, b: { ...a, ...b } };
}

async function waitCompared(page) {
  await waitFinished(page);
  await page.waitForFunction(() => document.querySelector("#compare").dataset.compare === "ready");
}
const compareOutput = (page) => page.locator('[data-testid="compare-output"]').textContent();
const legend = (page) => page.locator("#compare-legend").getAttribute("data-text");

const LINKS = [
  ["?b.momentum=none", "A: momentum 0.1 · B: momentum none"],
  ["?steps=600&batch=20&b.batch=4", "A: batch 20 · B: batch 4"],
  ["?steps=400&shift=2&b.shift=0", "A: shift 2 · B: shift 0"],
  ["?steps=300&channels=4&b.seed=22", "A: seed 21 · B: seed 22"],
];

for (const [search, words] of LINKS) {
  test(`${search}: B prints what the CLI prints with B's flags`, async () => {
    const { page, log, context } = await openPage(env, env.base + search);
    await waitCompared(page);
    const { a, b } = sides(search);
    assert.equal(await compareOutput(page), cli(b));
    assert.equal(await articleText(page), cli(a));
    assert.notEqual(cli(a), cli(b));
    assert.equal(await legend(page), words);
    assert.equal(await page.locator("#compare-legend").isVisible(), true);
    // The address keeps B's fields as the grammar wrote them.
    const written = await page.evaluate(() => location.search);
    for (const [k, v] of Object.entries(b)) {
      if (!(k in a) || a[k] !== v) assert.match(written, new RegExp(`[?&]b\\.${k}=${v}(&|$)`));
    }
    // The charts draw B's lines (one point per step up to 1,000 steps).
    const steps = Number(b.steps ?? 2000);
    for (const id of ["#chart-mean", "#chart-variance"]) {
      const points = Number(await page.locator(id).getAttribute("data-compare-points"));
      assert.ok(points >= Math.min(steps, 500), `${id}: ${points} points of B`);
    }
    assertClean(assert, log);
    await context.close();
  });
}

test("a bad B field is dropped with a notice naming it; A and the rest of B run", async () => {
  const { page, log, context } = await openPage(
    env,
    env.base + "?steps=200&b.momentum=2&b.batch=4&b.nope=1",
  );
  await waitCompared(page);
  const notices = await page.locator("#notice-list").textContent();
  assert.match(notices, /“b\.momentum” = “2”: momentum must be a number in \[0, 1\], or none/);
  assert.match(notices, /“b\.nope” = “1”: unknown setting 'nope'/);
  assert.equal(await compareOutput(page), cli({ steps: "200", batch: "4" }));
  assert.equal(await articleText(page), cli({ steps: "200" }));
  const written = await page.evaluate(() => location.search);
  assert.match(written, /&b\.batch=4$/);
  assertClean(assert, log);
  await context.close();
});

test("the Compare with… control writes B into the link; the link opens to the same B", async () => {
  const { page, log, context } = await openPage(env, env.base + "?steps=300&momentum=0.1");
  await waitFinished(page);
  assert.equal(await page.locator("#compare-legend").isVisible(), false);
  await page.selectOption("#compare-field", "batch");
  await page.fill("#compare-value", "4");
  await page.click("#compare-go");
  await page.waitForFunction(() => location.search.includes("b.batch=4"));
  await page.selectOption("#compare-field", "momentum");
  await page.fill("#compare-value", "none");
  await page.click("#compare-go");
  await page.waitForFunction(() => location.search.includes("b.momentum=none"));
  await page.waitForFunction(() => document.querySelector("#compare").dataset.compare === "ready");
  const search = await page.evaluate(() => location.search);
  assert.match(search, /&b\.batch=4&b\.momentum=none$/);
  const shown = await compareOutput(page);
  assert.equal(shown, cli({ steps: "300", batch: "4", momentum: "none" }));
  assert.equal(await legend(page), "A: batch 20, momentum 0.1 · B: batch 4, momentum none");
  // A refused value changes nothing and says why.
  await page.fill("#compare-value", "2");
  await page.click("#compare-go");
  await page.waitForFunction(() =>
    document.querySelector("#compare-status").textContent.includes("Not changed"),
  );
  assert.match(await page.locator("#compare-status").textContent(), /b\.momentum: momentum must/);
  assert.equal(await page.evaluate(() => location.search), search);
  // The inspector's keyboard still moves the step, and the link keeps B.
  await page.focus("#inspect-step");
  await page.keyboard.press("ArrowLeft");
  await page.waitForFunction(() => /[?&]step=299(&|$)/.test(location.search));
  assert.match(await page.evaluate(() => location.search), /b\.batch=4&b\.momentum=none/);
  // The link round-trips: opened again, the same B.
  const again = await openPage(env, env.base + search);
  await waitCompared(again.page);
  assert.equal(await compareOutput(again.page), shown);
  assert.equal(await again.page.evaluate(() => location.search), search);
  await again.context.close();
  // Stop comparing: B leaves the link, the legend and the charts.
  await page.click("#compare-stop");
  await page.waitForFunction(() => !location.search.includes("b."));
  assert.equal(await page.locator("#compare-legend").isVisible(), false);
  assertClean(assert, log);
  await context.close();
});

test("'Copy as PyTorch code' while comparing runs A then B", async (t) => {
  const search = "?steps=250&b.momentum=none&b.batch=4";
  const { page, log, context } = await openPage(env, env.base + search, {
    permissions: ["clipboard-read", "clipboard-write"],
  });
  await waitCompared(page);
  await page.click("#share-details > summary");
  assert.equal(await page.locator('[data-testid="share-compare-note"]').isVisible(), true);
  await page.click("#copy-pytorch");
  await page.waitForFunction(() =>
    document.querySelector("#share-status").textContent.includes("copied"),
  );
  const code = await page.evaluate(() => navigator.clipboard.readText());
  assert.match(code, /\ndef run_a\(\):\n/);
  assert.equal(code, await page.locator("#pytorch-code").textContent());
  assertClean(assert, log);
  await context.close();
  await t.test(
    "run by PyTorch, the script prints CLI(A) then CLI(B)",
    {
      skip: needsTorch(),
    },
    () => {
      const out = execFileSync(PYTHON, ["-"], { input: code, encoding: "utf8", timeout: 120000 });
      const { a, b } = sides(search);
      assert.equal(out, cli(a) + cli(b));
    },
  );
});

for (const width of [1280, 360]) {
  for (const colorScheme of ["light", "dark"]) {
    test(`compare: axe and screenshots, ${width} px, ${colorScheme}`, async () => {
      const { page, log, context } = await openPage(env, env.base + "?steps=1000&b.momentum=none", {
        width,
        colorScheme,
      });
      await waitCompared(page);
      await page.locator("#compare details summary").click();
      await screenshot(page.locator("#charts"), `compare-${width}-${colorScheme}`);
      const overflow = await sidewaysOverflow(page);
      assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow} px`);
      for (const target of ["#compare", "#compare-legend"]) {
        const found = await axeViolations(page, { scope: target });
        assert.deepEqual(found, [], `accessibility findings in ${target}`);
      }
      assertClean(assert, log);
      await context.close();
    });
  }
}

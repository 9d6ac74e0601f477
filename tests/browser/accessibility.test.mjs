// axe-core on the page in light and dark, wide and narrow, embedded and with
// messages; keyboard use; screenshots in tests/browser/screenshots/ for
// review (npm run screenshots).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  fileEnv,
  sidewaysOverflow,
  axeViolations,
  openPage,
  waitFinished,
  assertClean,
  screenshot,
} from "./helpers.mjs";

const env = fileEnv();

const views = [
  { name: "default", query: "" },
  { name: "embed", query: "?embed=1&steps=500" },
  { name: "fallbacks", query: "?batch=-5&momentum=javascript:alert(1)&steps=300" },
];

for (const view of views) {
  for (const width of [1280, 360]) {
    for (const colorScheme of ["light", "dark"]) {
      test(`axe: ${view.name} page, ${width} px, ${colorScheme}`, async () => {
        const { page, log, context } = await openPage(env, env.base + view.query, {
          width,
          colorScheme,
        });
        await waitFinished(page);
        await page.waitForTimeout(100);
        await screenshot(page, `${view.name}-${width}-${colorScheme}`);
        // Nothing sticks out sideways at 360 px: the page does not scroll horizontally.
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
}

test("keyboard: focus is visible, and Enter/Space drive the run controls", async () => {
  const { page, log, context } = await openPage(env, `${env.base}?steps=20000`);
  await waitFinished(page);
  // The first Tab reaches the skip link; it leads to the charts.
  await page.keyboard.press("Tab");
  assert.equal(await page.evaluate(() => document.activeElement.className), "skip-link");
  // From Step, Shift+Tab skips the disabled Pause and lands on Run.
  await page.focus("#btn-step");
  await page.keyboard.press("Shift+Tab");
  assert.equal(await page.evaluate(() => document.activeElement.id), "btn-run");
  const outline = await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle);
  assert.equal(outline, "solid", "focused button shows an outline");
  await page.selectOption("#speed", "300");
  await page.focus("#btn-run");
  await page.keyboard.press("Enter");
  await page.waitForFunction(() => document.documentElement.dataset.status === "running");
  // Run is disabled while running: the focus moved to Pause, and Space pauses.
  assert.equal(await page.evaluate(() => document.activeElement.id), "btn-pause");
  await page.keyboard.press("Space");
  await page.waitForFunction(() => document.documentElement.dataset.status === "paused");
  assert.equal(await page.evaluate(() => document.activeElement.id), "btn-run");
  // Arrow keys switch the statistic of the distance chart.
  await page.focus("#dist-mean");
  await page.keyboard.press("ArrowRight");
  await page.waitForFunction(
    () => document.querySelector("#chart-distance").dataset.statistic === "var",
  );
  assertClean(assert, log);
  await context.close();
});

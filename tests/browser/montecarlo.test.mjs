// The Monte Carlo lens (lens=seeds): a link with mc=K runs K seeds in the
// pool of workers; every per-seed line (the download) is the Node bnlab's
// `--seeds FROM:K --json` line byte for byte and its values float32 bit for
// bit; the histograms count K × channels values; nothing runs without mc= or
// the button; Cancel stops the workers; axe; screenshots before and after a
// run at 1280 and 360 px, light and dark.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  fileEnv,
  sidewaysOverflow,
  axeViolations,
  openPage,
  assertClean,
  repo,
  screenshot,
} from "./helpers.mjs";

const env = fileEnv();

const status = (page) => page.locator('[data-testid="mc-status"]').textContent();
const doneCount = (page) =>
  page.evaluate(() => Number(document.querySelector("#lens-seeds .lens-body").dataset.mcDone));

async function waitDone(page, timeout = 30000) {
  await page.waitForFunction(
    () =>
      /^(Done|The seeds could not)/.test(
        document.querySelector('[data-testid="mc-status"]').textContent,
      ),
    null,
    { timeout },
  );
}

function cli(args) {
  const r = spawnSync("node", [join(repo, "bin/bnlab.cjs"), ...args], {
    encoding: "utf8",
    maxBuffer: 1 << 26,
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

const bits = (values) =>
  Array.from(new Uint32Array(new Float32Array(values.map((v) => (v === null ? NaN : v))).buffer));

const CASES = [
  // Momentum None and a scenario field, the link's own seed first.
  {
    link: "steps=300&channels=4&momentum=none&shift=0.5",
    flags: ["--steps=300", "--channels=4", "--momentum=none", "--shift=0.5"],
    from: "21",
    k: 24,
    channels: 4,
  },
  // Another first seed, a switch, a freeze, pixels.
  {
    link: "seed=7&batch=6&height=2&width=2&channels=2&steps=200&switch=60&scale2=2&freeze=150",
    mcFrom: "-5",
    flags: [
      "--batch=6",
      "--height=2",
      "--width=2",
      "--channels=2",
      "--steps=200",
      "--switch=60",
      "--scale2=2",
      "--freeze=150",
    ],
    from: "-5",
    k: 24,
    channels: 2,
  },
];

for (const c of CASES) {
  test(`seeds lens: ${c.link} — every seed as bnlab --seeds prints it`, async () => {
    const mcFrom = c.mcFrom ? `&mc-from=${c.mcFrom}` : "";
    // autoplay=0: the page's own run waits, the pool has the cores.
    const url = `${env.base}?${c.link}&autoplay=0&lens=seeds&mc=${c.k}${mcFrom}`;
    const { page, log, context } = await openPage(env, url);
    await waitDone(page);
    assert.match(await status(page), new RegExp(`^Done: ${c.k} seeds on \\d+ workers?`));
    const [download] = await Promise.all([
      page.waitForEvent("download"),
      page.getByRole("button", { name: /Download per-seed values/ }).click(),
    ]);
    const text = readFileSync(await download.path(), "utf8");
    const want = cli([...c.flags, "--seeds", `${c.from}:${c.k}`, "--json"]);
    const got = text.trim().split("\n");
    const expected = want.trim().split("\n");
    assert.equal(got.length, c.k);
    for (let i = 0; i < c.k; i++) {
      const a = JSON.parse(got[i]);
      const b = JSON.parse(expected[i]);
      assert.equal(a.config.seed, String(BigInt(c.from) + BigInt(i)));
      for (const key of ["running_mean", "running_var", "manual_mean", "manual_var"])
        assert.deepEqual(bits(a[key]), bits(b[key]), `seed ${a.config.seed} ${key}`);
      assert.equal(got[i], expected[i], `seed ${a.config.seed}: the same bytes`);
    }
    // Each histogram counts every seed's every channel once.
    for (const stat of ["mean", "var"]) {
      const counts = await page
        .locator(`[data-testid="mc-counts-${stat}"] td[data-count]`)
        .evaluateAll((tds) => tds.map((td) => Number(td.dataset.count)));
      assert.equal(counts.length, 30);
      assert.equal(
        counts.reduce((s, n) => s + n, 0),
        c.k * c.channels,
        stat,
      );
      assert.match(
        await page.locator(`[data-testid="mc-verdict-${stat}"]`).textContent(),
        /^Seed /,
      );
    }
    // The link keeps K and the first seed.
    const q = new URLSearchParams(await page.evaluate(() => location.search));
    assert.equal(q.get("mc"), String(c.k));
    assert.equal(q.get("mc-from"), c.mcFrom ?? null);
    assertClean(assert, log);
    await context.close();
  });
}

test("seeds lens: nothing runs without asking; Cancel stops the workers; axe", async () => {
  const { page, log, context } = await openPage(
    env,
    `${env.base}?lens=seeds&steps=2000&autoplay=0`,
  );
  await page.waitForFunction(() => document.querySelector("#mc-from")?.value === "21");
  await page.waitForTimeout(800);
  assert.equal(await doneCount(page), 0, "no seed without the button or mc=");
  assert.equal(page.workers().length, 1, "only the page's own worker");
  await page.locator("#mc-k").fill("5000");
  await page.getByRole("button", { name: "Run the seeds" }).click();
  await page.waitForFunction(
    () => Number(document.querySelector("#lens-seeds .lens-body").dataset.mcDone) > 0,
    null,
    { timeout: 20000 },
  );
  assert.ok(page.workers().length > 1, "the pool's workers run");
  await page.getByRole("button", { name: "Cancel" }).click();
  await page.waitForFunction(() =>
    /^Cancelled after/.test(document.querySelector('[data-testid="mc-status"]').textContent),
  );
  const stopped = await doneCount(page);
  const text = await status(page);
  await page.waitForTimeout(1500);
  assert.equal(await doneCount(page), stopped, "no progress after Cancel");
  assert.equal(await status(page), text);
  assert.ok(stopped < 5000);
  assert.equal(page.workers().length, 1, "the pool's workers are gone");
  // A bad K names the field and its range; nothing starts.
  await page.locator("#mc-k").fill("0");
  await page.getByRole("button", { name: "Run the seeds" }).click();
  assert.match(await page.locator("#e-mc-k").textContent(), /K must be an integer in \[1, 10000\]/);
  assert.deepEqual(await axeViolations(page, { scope: "#lens-seeds" }), []);
  assertClean(assert, log);
  await context.close();
});

// One page, its width and colour scheme switched (the charts follow the scheme
// as the reader's OS changes it), so that the four views cost one run.
// The link's mc= is out of range: a notice names it, the lens offers 200 and waits.
test("seeds lens: a bad mc= falls back to the button; screenshots before and after a run, 1280 and 360 px, light and dark", async () => {
  const { page, log, context } = await openPage(
    env,
    `${env.base}?lens=seeds&mc=99999&steps=500&autoplay=0`,
  );
  await page.waitForFunction(() => document.querySelector("#mc-k")?.value === "200");
  assert.match(
    await page.locator("#notices").textContent(),
    /mc must be an integer in \[1, 10000\]/,
  );
  await page.waitForTimeout(300);
  assert.equal(await doneCount(page), 0);
  assert.equal(new URLSearchParams(await page.evaluate(() => location.search)).get("mc"), null);
  const lens = page.locator("#lens-seeds");
  const views = [1280, 360].flatMap((width) =>
    ["light", "dark"].map((colorScheme) => ({ width, colorScheme })),
  );
  const shoot = async (when) => {
    for (const { width, colorScheme } of views) {
      await page.setViewportSize({ width, height: 900 });
      await page.emulateMedia({ colorScheme });
      await page.waitForTimeout(150);
      await screenshot(lens, `seeds-${width}-${colorScheme}-${when}`);
      const overflow = await sidewaysOverflow(page);
      assert.ok(overflow <= 0, `${width} px ${when}: horizontal overflow of ${overflow} px`);
    }
  };
  await shoot("before");
  await page.locator("#mc-k").fill("60");
  await page.getByRole("button", { name: "Run the seeds" }).click();
  await waitDone(page);
  await shoot("after");
  assertClean(assert, log);
  await context.close();
});

// "Verify in PyTorch (.py)": the page downloads the verification script for the
// config that runs (scenario fields included), the same bytes as
// `bnlab --verify-script`, and where /usr/bin/python3 has torch the script runs
// and prints "OK: bit-exact" (skipped, with the reason printed, where it does not).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileEnv, openPage, waitFinished, assertClean, repo, screenshot } from "./helpers.mjs";
import { PYTHON, torchMissing } from "../pytorch.mjs";

const nativeCli = join(repo, "build", "native", "bnlab");

const env = fileEnv();

const config = {
  seed: "7",
  batch: "8",
  channels: "4",
  height: "3",
  width: "5",
  steps: "150",
  momentum: "none",
  shift: "0.5",
  switch: "70",
  shift2: "-1",
  freeze: "120",
};

test("the verification script downloads and PyTorch agrees bit for bit", async (t) => {
  const query = new URLSearchParams(config).toString();
  const { page, log, context } = await openPage(env, `${env.base}?${query}`);
  await waitFinished(page);
  await page.click("#share-details > summary");
  const button = page.locator('[data-testid="download-verify"]');
  await button.scrollIntoViewIfNeeded();
  const [download] = await Promise.all([page.waitForEvent("download"), button.click()]);
  const name = download.suggestedFilename();
  assert.equal(name, "batchnorm-lab_verify_seed7_8x4x3x5_steps150_mnone.py");
  // Kept apart: the browser's copy goes with its context.
  const dir = mkdtempSync(join(tmpdir(), "bnlab-verify-page-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, name);
  await download.saveAs(file);
  const text = readFileSync(file, "utf8");
  assert.ok(text.startsWith("#!/usr/bin/env python3\n"));
  for (const line of [
    "SEED = 7",
    "STEPS = 150",
    "SWITCH = 70",
    "FREEZE = 120",
    "MOMENTUM = None",
  ]) {
    assert.ok(text.includes(`\n${line}`), line);
  }
  assert.ok(text.includes("\nSHIFT2, SCALE2 = -1.0, 1.0\n"));
  await page.waitForFunction(() =>
    /^Saved batchnorm-lab_verify_.*OK: bit-exact/.test(
      document.getElementById("share-status").textContent,
    ),
  );
  if (existsSync(nativeCli)) {
    const flags = Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]);
    const native = spawnSync(nativeCli, [...flags, "--verify-script"], { encoding: "utf8" });
    assert.equal(text, native.stdout, "the page's script is bnlab --verify-script's bytes");
  }
  await screenshot(page, "verify-download-1280-light");
  assertClean(assert, log);
  await context.close();

  const missing = torchMissing();
  if (missing) {
    console.log(`# SKIPPED running the script in PyTorch: ${missing}`);
    t.skip(`running the script in PyTorch: ${missing}`);
    return;
  }
  const run = spawnSync(PYTHON, [file], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.equal(run.stdout.trim().split("\n").pop(), "OK: bit-exact");
});

test("a config with no statistics to check says why, and the page goes on", async () => {
  // Steps 0 has statistics (NaN manual ones, PyTorch's too); channels past the
  // script's limit do not get a script.
  const { page, log, context } = await openPage(env, `${env.base}?channels=70000&steps=1&batch=2`);
  await waitFinished(page);
  await page.click("#share-details > summary");
  await page.locator('[data-testid="download-verify"]').click();
  await page.waitForFunction(() =>
    /No verification script for this config: channels must be at most 65536/.test(
      document.getElementById("share-status").textContent,
    ),
  );
  assert.equal(await page.locator('[data-testid="download-verify"]').isDisabled(), false);
  assertClean(assert, log);
  await context.close();
});

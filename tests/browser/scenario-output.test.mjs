// The page prints PyTorch's text for the scenario fields (shift, scale,
// switch, shift2, scale2, freeze): every case of tests/fixtures/scenarios.json
// that PyTorch runs (its stdout from scenario_experiment.py), opened as a link,
// must print the same text byte for byte. `npm test` opens every eighth case
// (BNLAB_SCENARIO_LINKS=all, set by tests/exhaustive/, opens all of them).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileEnv, openLinks, articleText, repo } from "./helpers.mjs";

const { cases } = JSON.parse(readFileSync(join(repo, "tests/fixtures/scenarios.json"), "utf8"));

const env = fileEnv();

// The link for a fixture config: an unset optional field is left out, except
// momentum=None, which the link writes as "none".
function linkOf(config) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(config)) {
    if (value === null && name !== "momentum") continue;
    query.set(name, value === null ? "none" : String(value));
  }
  query.set("speed", "max");
  return "?" + query.toString();
}

test("scenario configs print PyTorch's text in the page, byte for byte", async () => {
  const runnable = cases.filter((c) => !c.error);
  assert.ok(runnable.length >= 60, `${runnable.length} cases`);
  const every = process.env.BNLAB_SCENARIO_LINKS === "all" ? 1 : 8;
  const chosen = runnable.filter((_, i) => i % every === 0);
  const byLink = new Map(chosen.map((c) => [linkOf(c.config), c]));
  const failures = [];
  await openLinks(env, [...byLink.keys()], async (outcome, link, page) => {
    const c = byLink.get(link);
    try {
      await page.waitForFunction(() => document.documentElement.dataset.status === "finished");
      const text = await articleText(page);
      if (text !== c.stdout) failures.push(`${c.name}: printed text differs from PyTorch's`);
      if (outcome.notices.length) failures.push(`${c.name}: notices ${outcome.notices}`);
    } catch (error) {
      failures.push(`${c.name}: ${outcome.status}, ${String(error).slice(0, 120)}`);
    }
  });
  assert.deepEqual(failures, []);
});

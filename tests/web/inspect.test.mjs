// The step inspector's pure parts: the link's `step` field (grammar, fallback,
// the run's range) and the weights figure's data at a frozen step.
import assert from "node:assert/strict";
import { test } from "node:test";

import { STEP_FIELD, fitStep } from "../../web/src/inspect-field.js";
import { readLink, linkQuery } from "../../web/src/link.js";
import { weightsFigureData } from "../../web/src/weights-figure.js";

test("step= takes a positive integer; anything else falls back with a message naming it", () => {
  assert.deepEqual(STEP_FIELD.parse("1000"), { ok: true, value: 1000 });
  assert.deepEqual(STEP_FIELD.parse(" 7 "), { ok: true, value: 7 });
  for (const bad of ["0", "-3", "1.5", "1e3", "abc", "", "9".repeat(16), "0x10"]) {
    const r = STEP_FIELD.parse(bad);
    assert.equal(r.ok, false, bad);
    assert.match(r.message, /^step must be a positive integer/);
  }
  const link = readLink("?seed=3&step=oops");
  assert.equal(link.page.step, null);
  assert.equal(link.problems.length, 1);
  assert.equal(link.problems[0].field, "step");
  assert.equal(link.configText.step, undefined, "step is the page's, not the grammar's");
  assert.equal(readLink("?step=42").page.step, 42);
});

test("the link writes step only when one is picked", () => {
  const config = { seed: "21", steps: 2000 };
  assert.equal(linkQuery(config, ["seed", "steps"], { step: null }), "seed=21&steps=2000");
  assert.equal(
    linkQuery(config, ["seed", "steps"], { step: 1000 }),
    "seed=21&steps=2000&step=1000",
  );
});

test("a step past the run's end shows the last step, with a message", () => {
  assert.deepEqual(fitStep(null, 2000), { step: 2000, message: "" });
  assert.deepEqual(fitStep(5, 2000), { step: 5, message: "" });
  const past = fitStep(5000, 2000);
  assert.equal(past.step, 2000);
  assert.match(past.message, /past the run's 2000 steps; showing step 2000/);
  assert.equal(fitStep(3, 0).step, 0);
  assert.match(fitStep(3, 0).message, /no steps/);
  assert.equal(fitStep(null, 0).message, "");
});

test("after a freeze the manual mean's share is 1/(steps seen), the bars end at the last update", () => {
  const frozen = weightsFigureData(0.1, 40, 50);
  assert.equal(frozen.manualWeight, 1 / 50);
  assert.equal(frozen.steps, 40);
  assert.ok(Math.abs(frozen.initialWeight - Math.pow(0.9, 40)) < 1e-15);
  assert.equal(weightsFigureData(null, 30).bars[0].weight, 1 / 30);
  assert.equal(weightsFigureData(0.1, 30).manualWeight, 1 / 30);
});

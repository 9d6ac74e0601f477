// The expected path and spread under the scenario fields (web/src/scenario-theory.js):
// without them it is theory.js's closed forms; a freeze holds it; a switch
// moves it to the new regime; the axes fit every regime.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  expectedRun,
  scenarioRange,
  scenarioMarkers,
  regimes,
  hasScenario,
  niceRange,
} from "../../web/src/scenario-theory.js";
import { runningMeanVariance, runningVarVariance } from "../../web/src/theory.js";

const base = {
  batch: 20,
  height: 1,
  width: 1,
  steps: 500,
  momentum: 0.1,
  shift: 0,
  scale: 1,
  switch: null,
  shift2: null,
  scale2: null,
  freeze: null,
};
const close = (a, b, what) =>
  assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test("without scenario fields the recursion is theory.js's closed form", () => {
  assert.equal(hasScenario(base), false);
  for (const momentum of [0.1, 0.5, null, 1]) {
    const c = { ...base, momentum };
    const run = expectedRun(c);
    run.steps.forEach((t, i) => {
      close(run.mean.center[i], 0, "mean");
      close(run.var.center[i], 1, "var");
      close(run.mean.sd[i] ** 2, runningMeanVariance(momentum, 20, t), `mean var t=${t}`);
      close(run.var.sd[i] ** 2, runningVarVariance(momentum, 20, t), `var var t=${t}`);
    });
  }
});

test("shift and scale move and widen; a freeze holds; a switch leads to the new regime", () => {
  const shifted = expectedRun({ ...base, shift: 3, scale: 2 });
  const last = shifted.steps.length - 1;
  close(shifted.mean.center[last], 3 * (1 - 0.9 ** 500), "mean -> shift");
  close(shifted.mean.sd[last] ** 2, 4 * runningMeanVariance(0.1, 20, 500), "sd scales");
  const frozen = expectedRun({ ...base, shift: 1, freeze: 100 });
  const at = frozen.steps.indexOf(100);
  assert.ok(at > 0);
  for (let i = at; i < frozen.steps.length; i++) {
    assert.equal(frozen.mean.center[i], frozen.mean.center[at]);
    assert.equal(frozen.mean.sd[i], frozen.mean.sd[at]);
  }
  const switched = expectedRun({ ...base, switch: 250, shift2: -2, scale2: 0.5 });
  close(switched.mean.center.at(-1), -2 * (1 - 0.9 ** 250), "after the switch");
  assert.ok(switched.steps.includes(251), "sampled right after the switch");
  assert.deepEqual(
    regimes({ ...base, switch: 250, shift2: -2 }).map((r) => [r.from, r.to, r.shift]),
    [
      [1, 250, 0],
      [251, 500, -2],
    ],
  );
  assert.deepEqual(
    scenarioMarkers({ ...base, switch: 250, freeze: 400 }).map((m) => m.kind),
    ["switch", "freeze"],
  );
  assert.deepEqual(scenarioMarkers({ ...base, switch: 500, freeze: 900 }), []);
});

test("the axes hold every regime, the start and the mixed manual variance, on whole ticks", () => {
  const c = { ...base, shift: 1, switch: 60, shift2: 5, scale2: 0.1, steps: 100 };
  const mean = scenarioRange(c, "mean", 0.3);
  assert.ok(mean.min <= 0 && mean.max >= 5, JSON.stringify(mean));
  const v = scenarioRange(c, "var", 0.5);
  // 60 steps of N(1, 1) and 40 of N(5, 0.01): the manual variance reaches ~4.4.
  assert.ok(v.min >= 0 && v.max >= 4.4, JSON.stringify(v));
  for (const r of [mean, v]) {
    assert.ok(Number.isInteger(Math.round((r.min / r.step) * 1e6) / 1e6));
    assert.ok((r.max - r.min) / r.step <= 10);
  }
  assert.deepEqual(niceRange(-1.6, 2.6), { min: -2, max: 3, step: 1 });
});

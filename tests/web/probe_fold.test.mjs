// The eval-mode probe's numbers out of the DOM (web/src/probe-fold.js), in Node:
// values at a step from the start reply and the chunks, the table's rows, and
// the chunks walked in step order, incrementally, past a dropped middle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { probeAt, probeRows, foldProbe, probePytorchCode } from "../../web/src/probe-fold.js";

// C channels; chunk values encode (step, channel) so any mix-up shows.
const C = 3;
const mean = (step, c) => step * 10 + c;
const std = (step, c) => 1 + step / 100 + c / 1000;
function chunk(firstStep, steps, { probe = true } = {}) {
  const m = new Float64Array(steps * C);
  const s = new Float64Array(steps * C);
  for (let i = 0; i < steps; i++) {
    for (let c = 0; c < C; c++) {
      m[i * C + c] = mean(firstStep + i, c);
      s[i * C + c] = std(firstStep + i, c);
    }
  }
  return probe ? { firstStep, steps, probeMean: m, probeStd: s } : { firstStep, steps };
}
const probe = {
  seed: "7",
  evalMean: Float64Array.from({ length: C }, (_, c) => mean(0, c)),
  evalStd: Float64Array.from({ length: C }, (_, c) => std(0, c)),
  trainMean: [0.5, 0.25, -0.125],
  trainStd: [1.5, 1.25, 1.125],
};
const store = { channels: C, chunks: [chunk(1, 4), chunk(5, 3, { probe: false }), chunk(8, 2)] };

test("probeAt: step 0 from the start reply, later steps from their chunk, a limit of channels", () => {
  assert.deepEqual(probeAt(probe, store, 0), {
    mean: [0, 1, 2],
    std: [1, 1.001, 1.002],
  });
  for (const step of [1, 3, 4, 8, 9]) {
    assert.deepEqual(probeAt(probe, store, step), {
      mean: [0, 1, 2].map((c) => mean(step, c)),
      std: [0, 1, 2].map((c) => std(step, c)),
    });
  }
  assert.deepEqual(probeAt(probe, store, 9, 2).mean, [90, 91]);
  assert.deepEqual(probeAt(probe, store, 0, 1).std, [1]);
});

test("probeAt: null without the probe, in a chunk without it, past the last step", () => {
  assert.equal(probeAt(null, store, 2), null);
  assert.equal(probeAt(probe, store, 6), null);
  assert.equal(probeAt(probe, store, 10), null);
  assert.equal(probeAt(probe, { channels: C, chunks: [] }, 1), null);
});

test("probeRows: one row per channel with the train-mode reference, or none", () => {
  assert.deepEqual(probeRows(probe, store, 2), [
    { evalMean: 20, evalStd: 1.02, trainMean: 0.5, trainStd: 1.5 },
    { evalMean: 21, evalStd: 1.021, trainMean: 0.25, trainStd: 1.25 },
    { evalMean: 22, evalStd: 1.022, trainMean: -0.125, trainStd: 1.125 },
  ]);
  const refused = { ...probe, trainMean: undefined, trainStd: undefined, trainError: "x" };
  assert.deepEqual(probeRows(refused, store, 0)[1], {
    evalMean: 1,
    evalStd: 1.001,
    trainMean: undefined,
    trainStd: undefined,
  });
  assert.equal(probeRows(probe, store, 6), null);
});

test("foldProbe: every probed step in order, the shown channels, then endStep; incremental", () => {
  const seen = [];
  const visit = (step, c, m, s) => seen.push(["v", step, c, m, s]);
  const end = (step) => seen.push(["end", step]);
  const partial = { channels: C, chunks: store.chunks.slice(0, 2) };
  let count = foldProbe(partial, 0, 2, visit, end);
  assert.equal(count, 2, "both chunks seen, the one without the probe too");
  const expected = (steps) =>
    steps.flatMap((step) => [
      ["v", step, 0, mean(step, 0), std(step, 0)],
      ["v", step, 1, mean(step, 1), std(step, 1)],
      ["end", step],
    ]);
  assert.deepEqual(seen, expected([1, 2, 3, 4]));
  seen.length = 0;
  count = foldProbe(store, count, 2, visit, end);
  assert.equal(count, 3);
  assert.deepEqual(seen, expected([8, 9]), "only the new chunk");
  seen.length = 0;
  assert.equal(foldProbe(store, count, 2, visit, end), 3);
  assert.deepEqual(seen, [], "nothing new, nothing visited");
});

test("the probe in PyTorch names its seed and its own generator", () => {
  const code = probePytorchCode("18446744073709551615");
  assert.match(code, /torch\.Generator\(\)\.manual_seed\(18446744073709551615\)/);
  assert.match(code, /model\.eval\(\)/);
  assert.match(code, /training=True/);
});

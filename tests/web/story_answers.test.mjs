// The guided stories' answers (web/src/story-answers.js) on made-up runs: the
// verdict follows the run's numbers (not the story), and a prediction is
// judged against them.
import { test } from "node:test";
import assert from "node:assert/strict";
import { ANSWERS, judge } from "../../web/src/story-answers.js";
import { storyByName } from "../../web/src/story-table.js";

const config = { batch: 20, height: 1, width: 1, momentum: 0.1, steps: 4, switch: null };
const run = (over) => ({
  config,
  channels: 1,
  step: 4,
  final: { runningMean: [0], runningVar: [1], manualMean: [0], manualVar: [1] },
  batchMean: [],
  batchVar: [],
  runningMean: [],
  manualMean: [],
  probe: null,
  pytorchError: null,
  ...over,
});
const finals = (rm, mm) => ({
  final: { runningMean: [rm], runningVar: [1], manualMean: [mm], manualVar: [1] },
});

test("running-mean: the choice that is right follows the run's numbers", () => {
  assert.equal(ANSWERS.runningMean(run(finals(-0.0628, 0.0039))).correct, "far");
  assert.equal(ANSWERS.runningMean(run(finals(0.006, 0.0039))).correct, "near");
  assert.equal(ANSWERS.runningMean(run(finals(0.00391, 0.0039))).correct, "exact");
  const a = ANSWERS.runningMean(run(finals(-0.0628, 0.0039)));
  assert.equal(a.actualText, "running_mean = −0.0628 (manual mean 0.0039)");
  assert.match(a.why, /0\.9 of it and adds 0\.1/);
});

test("keras-momentum: the candidate running_mean stays closest to, over the run", () => {
  const bm = Array.from({ length: 40 }, (_, t) => Math.sin(t * 1.7));
  const follow = (w) => bm.map((b, t) => b * w + (t ? bm[t - 1] * (1 - w) : 0));
  const cfg = { ...config, momentum: 0.9 };
  const last = ANSWERS.kerasMomentum(
    run({ config: cfg, batchMean: bm, runningMean: follow(0.9), manualMean: bm.map(() => 0) }),
  );
  assert.equal(last.correct, "last");
  const all = ANSWERS.kerasMomentum(
    run({
      config: cfg,
      batchMean: bm,
      runningMean: bm.map(() => 0.01),
      manualMean: bm.map(() => 0),
    }),
  );
  assert.equal(all.correct, "all");
});

test("batch-of-one: PyTorch's text when the grammar gave one", () => {
  const text = "ValueError: Expected more than 1 value per channel when training";
  const a = ANSWERS.batchOfOne(run({ pytorchError: text, config: { ...config, batch: 2 } }));
  assert.equal(a.correct, "error");
  assert.equal(a.actual, text);
  assert.equal(ANSWERS.batchOfOne(run({})).correct, "zero");
});

test("estimates are judged by the story's tolerance around the run's value", () => {
  const story = storyByName("unbiased-variance");
  const a = ANSWERS.unbiasedVariance(
    run({
      config: { ...config, batch: 2 },
      final: { runningMean: [0], runningVar: [1.2], manualMean: [0], manualVar: [1] },
      batchVar: [0.5, 0.7],
    }),
  );
  assert.equal(a.actual, 2);
  assert.deepEqual(judge(story, 2.05, a).right, true);
  assert.deepEqual(judge(story, 1.5, a), { right: false, predictionText: "1.50", off: 0.5 });
  const shift = storyByName("domain-shift");
  const d = ANSWERS.domainShift(
    run({
      config: { ...config, steps: 200, switch: 100 },
      probe: { evalMean: -1.99, trainMean: 0 },
    }),
  );
  assert.equal(judge(shift, -2, d).right, true);
  assert.equal(judge(shift, 0, d).right, false);
  assert.equal(judge(shift, -0.5, d).predictionText, "−0.50");
});

test("a choice is judged against the run's right choice, with its label", () => {
  const story = storyByName("running-mean");
  const a = ANSWERS.runningMean(run(finals(-0.0628, 0.0039)));
  assert.equal(judge(story, "far", a).right, true);
  assert.equal(judge(story, "near", a).right, false);
  assert.match(judge(story, "near", a).predictionText, /^Within ±0\.01/);
});

test("freezing: the verdict is the candidate nearest the final running_mean", () => {
  const cfg = { ...config, steps: 4, switch: 2, shift2: 1 };
  const at = (end) =>
    ANSWERS.freezing(run({ config: cfg, runningMean: [0.02, 0.04, 0.5, end], ...finals(end, 0) }));
  assert.equal(at(0.95).correct, "followed");
  assert.equal(at(0.5).correct, "half");
  assert.equal(at(0.05).correct, "frozen");
  assert.deepEqual(
    at(0.95).rows.map((r) => r.value),
    [0.04, 0.95, 1],
  );
});

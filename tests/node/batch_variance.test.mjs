// The variance lens's numbers against real PyTorch (tests/fixtures/batch_variance.json):
// each batch's biased and unbiased variance from the module (runChunk's batchVar and
// batchVarUnbiased), bit for bit, NaN at eval-mode steps; and web/src/batch-variance.js's
// blendVariance with the unbiased value reproduces PyTorch's own running_var at every step.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { bitsOf, fixture, loadLab } from "./lab.mjs";
import { blendVariance, besselFactor } from "../../web/src/batch-variance.js";

const cases = fixture("batch_variance.json").cases;
const bitsOfNumber = (v) => bitsOf(new Float32Array([v]))[0];
let lab;
before(async () => {
  lab = await loadLab();
});

describe("batch variances, every step", () => {
  for (const testCase of cases) {
    test(testCase.name, () => {
      const created = lab.createExperiment(testCase.config);
      assert.equal(created.ok, true, JSON.stringify(created.errors));
      const experiment = created.experiment;
      const C = testCase.config.channels;
      const { momentum } = testCase.config;
      let step = 0;
      let previous = Array(C).fill(1);
      let checked = 0;
      try {
        while (!experiment.finished()) {
          const chunk = experiment.runChunk(17);
          assert.equal(chunk.batchVar.length, chunk.steps * C);
          for (let i = 0; i < chunk.steps; i++, step++) {
            const wantBiased = testCase.biased_bits[step];
            const wantUnbiased = testCase.unbiased_bits[step];
            for (let c = 0; c < C; c++) {
              const biased = chunk.batchVar[i * C + c];
              const unbiased = chunk.batchVarUnbiased[i * C + c];
              const where = `step ${step + 1} channel ${c}`;
              if (wantBiased === null) {
                assert.ok(Number.isNaN(biased), `${where}: eval step has no batch statistics`);
                assert.ok(Number.isNaN(unbiased), where);
                continue;
              }
              assert.equal(bitsOfNumber(biased), wantBiased[c], `${where} biased`);
              assert.equal(bitsOfNumber(unbiased), wantUnbiased[c], `${where} unbiased`);
              const blended = blendVariance(previous[c], unbiased, momentum, step + 1);
              assert.equal(
                bitsOfNumber(blended),
                testCase.running_var_bits[step][c],
                `${where} running_var from the unbiased variance`,
              );
              assert.equal(chunk.runningVar[i * C + c], blended, where);
              checked++;
            }
            previous = Array.from(chunk.runningVar.subarray(i * C, (i + 1) * C));
          }
        }
      } finally {
        experiment.delete();
      }
      assert.ok(checked > 0, "some training steps were checked");
      assert.equal(step, testCase.config.steps);
    });
  }
});

test("Bessel's factor is n / (n - 1): 20/19 for the article's n = 20", () => {
  assert.equal(besselFactor(20), 20 / 19);
  assert.ok(Math.abs(besselFactor(20) - 1.0526315789) < 1e-9);
});

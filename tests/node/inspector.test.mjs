// The step inspector's numbers against PyTorch (tests/fixtures/inspector.json):
// each recorded step's batch mean, biased and unbiased variance, running
// statistics before and after and num_batches_tracked, as the WebAssembly
// module's runChunk reports them (chunks of uneven sizes, as the worker runs
// them) and as web/src/inspect-math.js reads them out of those chunks and
// redoes the update, bit for bit.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { bitsOf, fixture } from "./lab.mjs";
import { loadLab } from "./lab.mjs";
import { stepValues, updateRule, f32Text, f32Hex } from "../../web/src/inspect-math.js";

const { cases } = fixture("inspector.json");
let lab;
before(async () => {
  lab = await loadLab();
});

const bitsOfValue = (x) => bitsOf(Float32Array.of(x))[0];

// Runs the whole config in chunks of 1, 2, 3, ... steps (chunk edges fall
// everywhere, so "before" often comes from the previous chunk).
function runChunks(config) {
  const created = lab.createExperiment(config);
  assert.equal(created.ok, true, JSON.stringify(created.errors));
  const experiment = created.experiment;
  const chunks = [];
  for (let size = 1; !experiment.finished(); size = (size % 7) + 1) {
    chunks.push(experiment.runChunk(size));
  }
  experiment.delete();
  return chunks;
}

test("the fixture covers both kernels, momentum None, 0 and 1, freeze and frozen steps", () => {
  const configs = cases.map((c) => c.config);
  assert.ok(configs.some((c) => c.height * c.width === 1));
  assert.ok(configs.some((c) => c.height * c.width > 1));
  assert.ok(configs.some((c) => c.momentum === null));
  assert.ok(configs.some((c) => c.momentum === 0) && configs.some((c) => c.momentum === 1));
  assert.ok(configs.some((c) => c.freeze === 0));
  const frozen = cases.flatMap((c) => c.steps).filter((s) => s.batch_mean_bits === null);
  assert.ok(frozen.length >= 20, `${frozen.length} frozen steps`);
  assert.ok(cases.flatMap((c) => c.steps).length >= 400);
});

describe("inspector values at PyTorch's recorded steps", () => {
  for (const testCase of cases) {
    test(testCase.name, () => {
      const { config } = testCase;
      const chunks = runChunks(config);
      const C = config.channels;
      for (const want of testCase.steps) {
        const where = `${testCase.name} step ${want.step}`;
        for (let c = 0; c < C; c++) {
          const v = stepValues(chunks, C, want.step, c);
          const got = (x) => bitsOfValue(x);
          const at = `${where} channel ${c}`;
          assert.equal(v.numBatchesTracked, want.num_batches_tracked, `${at} num_batches_tracked`);
          assert.equal(
            got(v.runningMeanBefore),
            want.running_mean_before_bits[c],
            `${at} rm before`,
          );
          assert.equal(got(v.runningVarBefore), want.running_var_before_bits[c], `${at} rv before`);
          assert.equal(got(v.runningMean), want.running_mean_bits[c], `${at} running_mean`);
          assert.equal(got(v.runningVar), want.running_var_bits[c], `${at} running_var`);
          if (want.batch_mean_bits === null) {
            // Eval mode: no batch statistics, no update, the counter stays.
            assert.ok(Number.isNaN(v.batchMean) && Number.isNaN(v.batchVar), at);
            assert.ok(Number.isNaN(v.batchVarUnbiased), at);
            assert.equal(v.numBatchesTracked, v.numBatchesTrackedBefore, at);
            continue;
          }
          assert.equal(got(v.batchMean), want.batch_mean_bits[c], `${at} batch mean`);
          assert.equal(got(v.batchVar), want.batch_var_bits[c], `${at} biased var`);
          assert.equal(got(v.batchVarUnbiased), want.batch_var_unbiased_bits[c], `${at} unbiased`);
          // The rule the panel writes out gives PyTorch's result from PyTorch's inputs.
          const rule = updateRule(config.momentum, v);
          assert.equal(rule.tracked, want.num_batches_tracked, at);
          assert.equal(got(rule.runningMean), want.running_mean_bits[c], `${at} rule mean`);
          assert.equal(got(rule.runningVar), want.running_var_bits[c], `${at} rule var`);
        }
      }
    });
  }
});

test("the update rule is not the naive one: fused or double arithmetic would differ", () => {
  // A check that can fail: over the fixture, computing running_var in float
  // (not double) or running_mean in double must give other bits somewhere.
  let floatVarDiffers = 0;
  let doubleMeanDiffers = 0;
  for (const testCase of cases) {
    const m0 = testCase.config.momentum;
    for (const s of testCase.steps) {
      if (s.batch_mean_bits === null) continue;
      const f = (bits) => new Float32Array(Uint32Array.of(bits).buffer)[0];
      for (let c = 0; c < testCase.config.channels; c++) {
        const m = Math.fround(m0 === null ? 1 / s.num_batches_tracked : m0);
        const keep = Math.fround(1 - m);
        const u = f(s.batch_var_unbiased_bits[c]);
        const rv = f(s.running_var_before_bits[c]);
        const inFloat = Math.fround(Math.fround(m * u) + Math.fround(keep * rv));
        if (bitsOfValue(inFloat) !== s.running_var_bits[c]) floatVarDiffers++;
        const bm = f(s.batch_mean_bits[c]);
        const rm = f(s.running_mean_before_bits[c]);
        const inDouble = Math.fround(m * bm + keep * rm);
        if (bitsOfValue(inDouble) !== s.running_mean_bits[c]) doubleMeanDiffers++;
      }
    }
  }
  assert.ok(floatVarDiffers > 0, "running_var in float matched everywhere");
  assert.ok(doubleMeanDiffers > 0, "running_mean in double matched everywhere");
});

test("float32 text round-trips and is the shortest; bits in hex", () => {
  assert.equal(f32Text(Math.fround(0.1)), "0.1");
  assert.equal(f32Text(Math.fround(0.9)), "0.9");
  assert.equal(f32Text(Math.fround(1 - Math.fround(0.1))), "0.9");
  assert.equal(f32Text(Math.fround(1 / 3)), "0.33333334");
  assert.equal(f32Text(-0), "-0");
  assert.equal(f32Text(NaN), "nan");
  assert.equal(f32Text(Math.fround(1e-5)), "0.00001");
  assert.equal(f32Hex(Math.fround(0.1)), "0x3dcccccd");
  assert.equal(f32Hex(1), "0x3f800000");
  assert.equal(f32Hex(-2), "0xc0000000");
  // Every value of the fixture: reads back to the same bits, and one digit fewer would not.
  for (const testCase of cases.slice(0, 6)) {
    for (const s of testCase.steps) {
      for (const bits of s.running_var_bits.concat(s.running_mean_bits)) {
        const x = new Float32Array(Uint32Array.of(bits).buffer)[0];
        const text = f32Text(x);
        assert.equal(bitsOfValue(Number(text)), bits, text);
        const digits = text.replace(/^-?0?\.?0*|e.*$|\./g, "").length;
        if (digits > 1) {
          const shorter = Math.fround(Number(x.toPrecision(digits - 1)));
          assert.notEqual(bitsOfValue(shorter), bits, `${text} is not the shortest`);
        }
      }
    }
  }
});

// The WebAssembly module against real PyTorch: the same fixtures as the
// native GoogleTest suite, bit for bit.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { bitsOf, firstMismatch, fixture, fnv1a64, floatsFromBits, loadLab } from "./lab.mjs";

let lab;
before(async () => {
  lab = await loadLab();
});

describe("randn", () => {
  for (const testCase of fixture("randn.json").cases) {
    test(testCase.name, () => {
      const generator = new lab.Generator();
      try {
        assert.equal(generator.manualSeed(testCase.seed), true);
        testCase.draws.forEach((draw, d) => {
          const values = generator.randn(draw.numel);
          assert.equal(values.length, draw.numel);
          if (draw.bits) {
            assert.equal(firstMismatch(draw.bits, bitsOf(values)), null, `draw ${d}`);
          } else {
            const bits = bitsOf(values);
            assert.equal(firstMismatch(draw.head_bits, bits.slice(0, draw.head_bits.length)), null);
            assert.equal(firstMismatch(draw.tail_bits, bits.slice(-draw.tail_bits.length)), null);
            assert.equal(fnv1a64(values), draw.fnv1a64, `draw ${d} of ${draw.numel}`);
          }
        });
      } finally {
        generator.delete();
      }
    });
  }
});

describe("BatchNorm2d", () => {
  for (const testCase of fixture("batchnorm.json").cases) {
    test(testCase.name, () => {
      const created = lab.createBatchNorm2d({
        numFeatures: testCase.shape[1],
        eps: testCase.eps,
        momentum: testCase.momentum,
        affine: testCase.affine,
        trackRunningStats: testCase.track_running_stats,
      });
      assert.equal(created.ok, true, JSON.stringify(created.errors));
      const layer = created.layer;
      try {
        if (testCase.affine) {
          assert.equal(layer.setWeight(floatsFromBits(testCase.weight_bits)), true);
          assert.equal(layer.setBias(floatsFromBits(testCase.bias_bits)), true);
        }
        layer.train(true);
        testCase.train.forEach((step, i) => {
          const out = layer.forward(floatsFromBits(step.input_bits), testCase.shape);
          assert.equal(firstMismatch(step.output_bits, bitsOf(out)), null, `train ${i} output`);
          if (testCase.track_running_stats) {
            assert.equal(firstMismatch(step.running_mean_bits, bitsOf(layer.runningMean())), null);
            assert.equal(firstMismatch(step.running_var_bits, bitsOf(layer.runningVar())), null);
            assert.equal(layer.numBatchesTracked(), step.num_batches_tracked);
          }
        });
        layer.train(false);
        testCase.eval.forEach((step, i) => {
          const out = layer.forward(floatsFromBits(step.input_bits), testCase.shape);
          assert.equal(firstMismatch(step.output_bits, bitsOf(out)), null, `eval ${i} output`);
        });
      } finally {
        layer.delete();
      }
    });
  }
});

describe("the experiment, every step", () => {
  for (const testCase of fixture("experiments.json").cases) {
    test(testCase.name, () => {
      const created = lab.createExperiment(testCase.config);
      assert.equal(created.ok, true, JSON.stringify(created.errors));
      const experiment = created.experiment;
      try {
        const channels = testCase.config.channels;
        // Odd chunk sizes cross the chunk boundaries a UI would use.
        let step = 0;
        while (!experiment.finished()) {
          const chunk = experiment.runChunk(137);
          assert.equal(chunk.firstStep, step + 1);
          assert.ok(chunk.runningMean instanceof Float32Array);
          assert.ok(chunk.manualMean instanceof Float32Array);
          assert.ok(chunk.manualVar instanceof Float32Array);
          assert.ok(chunk.exactMean instanceof Float64Array);
          assert.ok(chunk.exactVar instanceof Float64Array);
          for (let i = 0; i < chunk.steps; i++, step++) {
            const at = (array) => bitsOf(array.subarray(i * channels, (i + 1) * channels));
            const mean = firstMismatch(testCase.running_mean_bits[step], at(chunk.runningMean));
            assert.equal(mean, null, `running_mean after step ${step + 1}`);
            const variance = firstMismatch(testCase.running_var_bits[step], at(chunk.runningVar));
            assert.equal(variance, null, `running_var after step ${step + 1}`);
          }
        }
        assert.equal(step, testCase.config.steps);
        assert.equal(experiment.articleOutput(), testCase.article_stdout);
        const summary = JSON.parse(experiment.summaryJson());
        assert.equal(summary.num_batches_tracked, testCase.num_batches_tracked);
        // PyTorch's float32 values (widened by tolist()); the JSON's shortest
        // text reads back as the same float32.
        testCase.manual_mean.forEach((expected, c) => {
          if (expected === null || Number.isNaN(expected)) {
            assert.equal(summary.manual_mean[c], null);
          } else {
            assert.equal(Math.fround(summary.manual_mean[c]), expected, `manual_mean[${c}]`);
            const variance = testCase.manual_var[c];
            const actual = summary.manual_var[c];
            assert.equal(
              actual === null ? null : Math.fround(actual),
              variance,
              `manual_var[${c}]`,
            );
          }
        });
      } finally {
        experiment.delete();
      }
    });
  }
});

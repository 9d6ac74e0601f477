// The WebAssembly module's manual statistics against PyTorch
// (tests/fixtures/manual_statistics.json): every step of long runs (hashed,
// plus samples), sampled steps of 200,000-step runs, and the printed text and
// --json values of 500+ random configs.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { bitsOf, firstMismatch, fixture, fnv1a64, loadLab } from "./lab.mjs";

const manual = fixture("manual_statistics.json");
let lab;
before(async () => {
  lab = await loadLab();
});

describe("manual statistics at every step", () => {
  for (const trace of manual.traces) {
    test(trace.name, () => {
      const created = lab.createExperiment(trace.config);
      assert.equal(created.ok, true, JSON.stringify(created.errors));
      const experiment = created.experiment;
      const C = trace.config.channels;
      const steps = trace.config.steps;
      const hashed = "every_step_hash" in trace;
      const hashVar = trace.hash_covers === "mean,var";
      const hashInput = hashed ? new Float32Array(steps * C * (hashVar ? 2 : 1)) : null;
      let at = 0;
      let next = 0;
      try {
        while (!experiment.finished()) {
          const chunk = experiment.runChunk(5003);
          assert.ok(chunk.manualMean instanceof Float32Array);
          assert.ok(chunk.exactVar instanceof Float64Array);
          for (let i = 0; i < chunk.steps; i++) {
            const step = chunk.firstStep + i;
            const mean = chunk.manualMean.subarray(i * C, (i + 1) * C);
            const variance = chunk.manualVar.subarray(i * C, (i + 1) * C);
            if (hashed) {
              hashInput.set(mean, at);
              at += C;
              if (hashVar) {
                hashInput.set(variance, at);
                at += C;
              }
            }
            const sample = trace.samples[next];
            if (sample && sample.step === step) {
              assert.equal(firstMismatch(sample.mean_bits, bitsOf(mean)), null, `mean ${step}`);
              // One channel: the streamed variance is PyTorch's only at the last step.
              if (C > 1 || step === steps) {
                const diff = firstMismatch(sample.var_bits, bitsOf(variance));
                assert.equal(diff, null, `var ${step}`);
              }
              next++;
            }
          }
        }
        assert.equal(next, trace.samples.length);
        if (hashed) assert.equal(fnv1a64(hashInput), trace.every_step_hash);
      } finally {
        experiment.delete();
      }
    });
  }
});

test("random configs: the article's text and --json's float32 statistics", () => {
  assert.ok(manual.random.length >= 500);
  for (const r of manual.random) {
    const created = lab.createExperiment(r.config);
    assert.equal(created.ok, true, JSON.stringify(created.errors));
    const experiment = created.experiment;
    try {
      experiment.runChunk(r.config.steps);
      const what = JSON.stringify(r.config);
      assert.equal(experiment.articleOutput(), r.stdout, what);
      const summary = JSON.parse(experiment.summaryJson());
      // Every NaN is one NaN here (JSON has only null, and PyTorch's 0/0 has the sign bit set).
      const canonical = (bits) => bits.map((b) => ((b & 0x7fffffff) > 0x7f800000 ? 0x7fc00000 : b));
      const expectBits = (expected, values, name) => {
        const actual = bitsOf(Float32Array.from(values, (v) => (v === null ? NaN : v)));
        assert.equal(
          firstMismatch(canonical(expected), canonical(actual)),
          null,
          `${name} ${what}`,
        );
      };
      expectBits(r.manual_mean_bits, summary.manual_mean, "manual_mean");
      expectBits(r.manual_var_bits, summary.manual_var, "manual_var");
      const mad = [summary.mean_abs_diff.mean, summary.mean_abs_diff.var];
      expectBits(r.mean_abs_diff_bits, mad, "mean_abs_diff");
      assert.equal(summary.exact_mean.length, r.config.channels);
    } finally {
      experiment.delete();
    }
  }
});

// The WebAssembly module on the scenario configs of issue 9
// (tests/fixtures/scenarios.json, written by real PyTorch): running statistics
// after every step, the eval-mode probe and precise BN bit for bit, the article
// text through runCli (the Node bnlab), and PyTorch's batch-of-one ValueError.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { before, describe, test } from "node:test";

import { bitsOf, firstMismatch, fixture, fnv1a64, loadLab, repoRoot } from "./lab.mjs";

const cases = fixture("scenarios.json").cases;
let lab;
before(async () => {
  lab = await loadLab();
});

// Flags for a fixture config: null becomes the field's own word for absent.
function flags(config) {
  const absent = Object.fromEntries(lab.configFields().map((f) => [f.name, f.absentWord]));
  return Object.entries(config).flatMap(([key, value]) => [
    `--${key}`,
    value === null ? absent[key] : String(value),
  ]);
}

function assertClose(actual, expected, what, tolerance) {
  assert.equal(actual.length, expected.length, what);
  expected.forEach((want, c) => {
    if (want === null) {
      assert.ok(Number.isNaN(actual[c]), `${what}[${c}] is ${actual[c]}, PyTorch has nan`);
    } else {
      const bound = tolerance * Math.max(1, Math.abs(want));
      assert.ok(Math.abs(actual[c] - want) <= bound, `${what}[${c}]: ${actual[c]} vs ${want}`);
    }
  });
}

function checkProbe(experiment, expected, where) {
  const probe = experiment.probe();
  assert.equal(fnv1a64(probe.evalOutput), expected.eval_output_fnv1a64, `${where} eval output`);
  const head = expected.eval_output_bits ?? expected.eval_output_first_bits;
  const got = bitsOf(probe.evalOutput).slice(0, head.length);
  assert.equal(firstMismatch(head, got), null, `${where} eval output`);
  assertClose(probe.evalMean, expected.eval_mean_f64, `${where} eval mean`, 1e-12);
  assertClose(probe.evalStd, expected.eval_std_f64, `${where} eval std`, 1e-12);
  return probe;
}

describe("scenario experiments, every step", () => {
  for (const testCase of cases) {
    test(testCase.name, () => {
      const created = lab.createExperiment(testCase.config);
      if (testCase.error !== undefined) {
        assert.equal(created.ok, false);
        assert.equal(created.errors.length, 1);
        assert.equal(created.errors[0].field, "batch");
        assert.equal(created.errors[0].pytorchError, testCase.error);
        return;
      }
      assert.equal(created.ok, true, JSON.stringify(created.errors));
      const experiment = created.experiment;
      try {
        const channels = testCase.config.channels;
        const probes = testCase.probe ? [...testCase.probe.steps] : [];
        if (testCase.probe) assert.equal(experiment.setProbe(testCase.probe.seed), true);
        let step = 0;
        const probeAt = () => {
          if (probes.length > 0 && probes[0].step === step) {
            checkProbe(experiment, probes.shift(), `probe after step ${step}`);
          }
        };
        probeAt();
        while (!experiment.finished()) {
          // One step per chunk while probing, so that every probed step is reached.
          const chunk = experiment.runChunk(testCase.probe ? 1 : 23);
          for (let i = 0; i < chunk.steps; i++, step++) {
            const at = (array) => bitsOf(array.subarray(i * channels, (i + 1) * channels));
            const mean = firstMismatch(testCase.running_mean_bits[step], at(chunk.runningMean));
            assert.equal(mean, null, `running_mean after step ${step + 1}`);
            const variance = firstMismatch(testCase.running_var_bits[step], at(chunk.runningVar));
            assert.equal(variance, null, `running_var after step ${step + 1}`);
          }
          if (testCase.probe) {
            assert.deepEqual(chunk.probeStd, experiment.probe().evalStd);
            assert.deepEqual(chunk.probeMean, experiment.probe().evalMean);
          } else {
            assert.equal(chunk.probeMean, undefined);
          }
          probeAt();
        }
        assert.equal(probes.length, 0, "probes not reached");
        if (testCase.probe) {
          const probe = experiment.probe();
          if (testCase.probe.train_error) {
            assert.equal(probe.trainError, testCase.probe.train_error);
          } else {
            assertClose(probe.trainMean, testCase.probe.train_mean_f64, "train mean", 1e-12);
            assertClose(probe.trainStd, testCase.probe.train_std_f64, "train std", 1e-12);
          }
        }
        const summary = JSON.parse(experiment.summaryJson());
        assert.equal(summary.num_batches_tracked, testCase.num_batches_tracked);
        for (const key of ["shift", "scale", "switch", "shift2", "scale2", "freeze"]) {
          assert.equal(summary.config[key], testCase.config[key], key);
        }
        for (const p of testCase.precise) {
          if (p.error) {
            assert.throws(() => experiment.preciseBn(p.batches), { message: p.error });
            continue;
          }
          const precise = experiment.preciseBn(p.batches);
          const where = `precise BN, K=${p.batches}`;
          assert.equal(
            firstMismatch(p.running_mean_bits, bitsOf(precise.runningMean)),
            null,
            where,
          );
          assert.equal(firstMismatch(p.running_var_bits, bitsOf(precise.runningVar)), null, where);
          assert.equal(precise.numBatchesTracked, p.num_batches_tracked);
          assert.equal(JSON.parse(precise.json).precise_bn.batches, p.batches);
        }
      } finally {
        experiment.delete();
      }
    });
  }
});

// Every byte of the script's text, the manual statistics included.
function assertScriptText(testCase, actual, expected, what) {
  assert.equal(actual, expected, what);
}

describe("runCli prints the script's bytes", () => {
  for (const testCase of cases) {
    test(testCase.name, () => {
      const args = flags(testCase.config);
      const result = lab.runCli(args);
      assertScriptText(testCase, result.out, testCase.stdout, "stdout");
      assert.equal(result.err, testCase.error === undefined ? "" : `${testCase.error}\n`);
      assert.equal(result.exitCode, testCase.error === undefined ? 0 : 1);
      for (const p of testCase.precise) {
        const withK = lab.runCli([...args, "--precise-bn", String(p.batches)]);
        assertScriptText(testCase, withK.out, p.stdout, `--precise-bn ${p.batches}`);
        assert.equal(withK.err, p.error === undefined ? "" : `${p.error}\n`);
      }
    });
  }
});

test("bin/bnlab.cjs raises PyTorch's ValueError for a batch of one", () => {
  const run = spawnSync(process.execPath, [path.join(repoRoot, "bin", "bnlab.cjs"), "--batch=1"], {
    encoding: "utf8",
  });
  const expected = cases.find((c) => c.name === "batch1_error");
  assert.equal(run.status, 1);
  assert.equal(run.stdout, expected.stdout);
  assert.equal(run.stderr, `${expected.error}\n`);
});

test("defaultConfig has the scenario fields, absent ones null", () => {
  const config = lab.defaultConfig();
  assert.equal(config.shift, 0);
  assert.equal(config.scale, 1);
  for (const key of ["switch", "shift2", "scale2", "freeze"]) assert.equal(config[key], null);
  assert.deepEqual(lab.validateConfig(config), []);
});

test("bad scenario values name the field and range", () => {
  const errors = lab.validateConfig({ shift: 5000, scale: -1, switch: 1.5, freeze: "x" });
  assert.deepEqual(
    errors.map((e) => e.field),
    ["shift", "scale", "switch", "freeze"],
  );
  assert.match(errors[0].message, /^shift must be a number in \[-1000, 1000\]/);
  assert.match(errors[2].message, /^switch must be an integer in \[0, 1000000\], or never/);
  assert.equal(lab.validateConfig({ shift: null }).length, 1, "shift has no absent value");
  assert.deepEqual(lab.validateConfig({ switch: "never", shift2: "same", freeze: null }), []);
});

test("the batch-of-one error carries PyTorch's ValueError, and freeze 0 avoids it", () => {
  const [error] = lab.validateConfig({ batch: 1 });
  assert.equal(error.field, "batch");
  assert.equal(
    error.pytorchError,
    "ValueError: Expected more than 1 value per channel when training, got input size torch.Size([1, 3, 1, 1])",
  );
  assert.deepEqual(lab.validateConfig({ batch: 1, freeze: 0 }), []);
});

test("probe and precise BN refuse what they cannot run", () => {
  const { experiment } = lab.createExperiment({ steps: 3 });
  try {
    assert.deepEqual(experiment.probe(), {});
    for (const bad of ["not a seed", "18446744073709551616", {}, null, undefined, 1.5]) {
      assert.equal(experiment.setProbe(bad), false, String(bad));
    }
    assert.deepEqual(experiment.probe(), {});
    assert.equal(experiment.setProbe(2n ** 64n - 1n), true);
    assert.equal(experiment.probe().evalMean.length, 3);
    for (const bad of [-1, 1.5, 1e9, Number.NaN, "3", null]) {
      assert.throws(
        () => experiment.preciseBn(bad),
        /precise-bn must be an integer in \[0, 100000\]/,
      );
    }
    assert.equal(experiment.preciseBn(0).numBatchesTracked, 0);
  } finally {
    experiment.delete();
  }
});

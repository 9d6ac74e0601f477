// What the page's lenses ask of the module, against PyTorch
// (tests/fixtures/lenses.json): the unfrozen run's end (requires_grad=False
// and no_grad()), precise BN for each K beside the EMA; the batch-of-one
// ValueError; and the <batchnorm-lab> element knowing every config field.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { bitsOf, fixture, loadLab, repoRoot } from "./lab.mjs";

const cases = fixture("lenses.json").cases;
let lab;
before(async () => {
  lab = await loadLab();
});

const fields = (config, extra = {}) => {
  const out = {};
  for (const [k, v] of Object.entries({ ...config, ...extra })) {
    if (v === null && k !== "momentum") continue;
    out[k] = v === null ? "none" : String(v);
  }
  return out;
};

function finalStats(config) {
  const { experiment } = lab.createExperiment(config);
  let last = null;
  while (!experiment.finished()) last = experiment.runChunk(1000);
  const C = experiment.channels();
  const from = (last.steps - 1) * C;
  const out = {
    experiment,
    mean: bitsOf(last.runningMean.subarray(from, from + C)),
    var: bitsOf(last.runningVar.subarray(from, from + C)),
  };
  return out;
}

test("freezing: eval() is the run with freeze; requires_grad=False and no_grad() end as without", () => {
  for (const fx of cases.filter((c) => c.at_freeze)) {
    const frozen = finalStats(fields(fx.config));
    assert.deepEqual(frozen.mean, fx.eval.running_mean_bits, fx.name);
    assert.deepEqual(frozen.var, fx.eval.running_var_bits, fx.name);
    frozen.experiment.delete();
    const open = finalStats(fields(fx.config, { freeze: null }));
    for (const way of ["requires_grad", "no_grad"]) {
      assert.deepEqual(open.mean, fx[way].running_mean_bits, `${fx.name} ${way}`);
      assert.deepEqual(open.var, fx[way].running_var_bits, `${fx.name} ${way}`);
    }
    open.experiment.delete();
  }
});

test("precise BN for each K, and the EMA it replaces", () => {
  const precise = cases.filter((c) => c.precise);
  assert.ok(precise.length >= 4);
  for (const fx of precise) {
    const run = finalStats(fields(fx.config));
    assert.deepEqual(run.mean, fx.ema.running_mean_bits, fx.name);
    assert.deepEqual(run.var, fx.ema.running_var_bits, fx.name);
    for (const p of fx.precise) {
      const r = run.experiment.preciseBn(p.batches);
      assert.deepEqual(bitsOf(r.runningMean), p.running_mean_bits, `${fx.name} K=${p.batches}`);
      assert.deepEqual(bitsOf(r.runningVar), p.running_var_bits, `${fx.name} K=${p.batches}`);
    }
    run.experiment.delete();
  }
});

test("a batch of one: PyTorch's ValueError in training, eval mode runs", () => {
  for (const fx of cases.filter((c) => c.error)) {
    const parsed = lab.parseConfig(fields(fx.config));
    assert.equal(parsed.ok, false);
    assert.equal(parsed.errors[0].pytorchError, fx.error);
    const frozen = finalStats(fields(fx.config, { freeze: 0 }));
    assert.deepEqual(frozen.mean, fx.eval_running_mean_bits);
    assert.deepEqual(frozen.var, fx.eval_running_var_bits);
    frozen.experiment.delete();
  }
});

test("the <batchnorm-lab> element passes on every field of the grammar", () => {
  const source = readFileSync(path.join(repoRoot, "web", "embed.js"), "utf8");
  const list = source.match(/const CONFIG_FIELDS = \[([^\]]*)\]/)[1];
  const names = [...list.matchAll(/"([a-z0-9]+)"/g)].map((m) => m[1]);
  assert.deepEqual(
    names,
    lab.configFields().map((f) => f.name),
  );
});

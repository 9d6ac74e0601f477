// Hostile use of the module's JavaScript API: every bad argument, of any type,
// is an Error with a message (never an abort, a bare number or a silent empty
// result), and the heap stays flat over create/run/delete cycles.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { loadLab } from "./lab.mjs";

let lab;
before(async () => {
  lab = await loadLab();
});

// Runs fn and returns the Error it throws; fails on a non-Error or no throw.
function errorOf(fn) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof Error, `threw a non-Error: ${typeof error} ${String(error)}`);
    assert.ok(error.message.length > 0);
    return error;
  }
  assert.fail(`did not throw: ${fn}`);
}

test("wrong types in methods are Errors that say what was expected", () => {
  const { layer } = lab.createBatchNorm2d({ numFeatures: 2 });
  const generator = new lab.Generator();
  const { experiment } = lab.createExperiment({ steps: 3 });
  const cases = [
    [() => layer.train("no"), /train needs true or false; got a string/],
    [() => layer.train(1), /train needs true or false; got a number/],
    [() => layer.setWeight("ab"), /setWeight's values must be a Float32Array .*; got a string/],
    [() => layer.setBias(7), /setBias's values must be a Float32Array .*; got a number/],
    [() => layer.setBias({ length: 2 }), /setBias's values must be/],
    [() => layer.forward({ length: 1e9 }, [1, 2, 1, 1]), /input must be a Float32Array/],
    [() => layer.forward(new Float32Array(4), [2, 2, 1, 0.5]), /needs more than|shape/],
    [() => lab.runCli(5), /runCli needs an array of strings; got a number/],
    [() => lab.runCli("--steps 5"), /runCli needs an array of strings; got a string/],
    [() => lab.runCli(["--steps", 5]), /runCli needs an array of strings; item 1 is a number/],
    [() => lab.runCli([, "x"]), /item 0 is undefined/],
    [() => generator.manualSeed({}), /string/],
    [() => experiment.runChunk("x"), /runChunk needs a number of steps >= 0; got a string/],
    [() => experiment.runChunk(-1), /runChunk needs a number of steps >= 0; got -1/],
    [() => experiment.runChunk(Number.NaN), /got NaN/],
  ];
  for (const [fn, pattern] of cases) assert.match(errorOf(fn).message, pattern, String(fn));
  // Right types still work after all of that.
  layer.train(false);
  assert.equal(layer.isTraining(), false);
  layer.train();
  assert.equal(layer.isTraining(), true);
  assert.equal(layer.setWeight(new Float32Array(3)), false, "wrong length stays false");
  assert.equal(layer.setWeight([2, 3]), true);
  assert.equal(lab.runCli(["--steps", "1", "--json"]).exitCode, 0);
  assert.equal(experiment.runChunk(Infinity).steps, 3);
  for (const o of [layer, generator, experiment]) o.delete();
});

test("use after delete and double delete are clear Errors", () => {
  const makers = [
    () => new lab.Generator(),
    () => lab.createBatchNorm2d({ numFeatures: 1 }).layer,
    () => lab.createExperiment({}).experiment,
  ];
  for (const make of makers) {
    const object = make();
    object.delete();
    assert.match(errorOf(() => object.delete()).message, /deleted/);
  }
  const generator = new lab.Generator();
  generator.delete();
  assert.match(errorOf(() => generator.randn(3)).message, /deleted object/);
  const { experiment } = lab.createExperiment({});
  experiment.delete();
  assert.match(errorOf(() => experiment.runChunk(3)).message, /deleted object/);
  assert.match(errorOf(() => experiment.summaryJson()).message, /deleted object/);
});

test("summaryJson past its channel limit says so instead of aborting", () => {
  const limit = lab.limits().maxJsonChannels;
  assert.equal(limit, 1048576);
  const { experiment } = lab.createExperiment({ batch: 1, channels: limit + 1, steps: 0 });
  assert.match(
    experiment.summaryJson(),
    /"omitted": "per-channel statistics are left out above 1048576 channels \(this run has 1048577\)"\}\n$/,
  );
  experiment.delete();
  const cli = lab.runCli([
    "--json",
    "--batch",
    "1",
    "--channels",
    String(limit + 1),
    "--steps",
    "0",
  ]);
  assert.equal(cli.exitCode, 2);
  assert.equal(
    cli.err,
    "bnlab: --json: channels must be at most 1048576 with --json; got 1048577\n",
  );
});

// Values of every type and edge, for the generated abuse below.
function hostileValues(random) {
  const pick = (list) => list[Math.floor(random() * list.length)];
  return [
    () => pick([0, -1, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 64, 1e308, -0]),
    () => pick(["", "abc", "\u001b]0;x\u0007", "9".repeat(300), "1e999", " 5", "none"]),
    () => pick([null, undefined, true, false, 10n, -(2n ** 70n), Symbol("s")]),
    () => pick([{}, [], [1, 2], new Float32Array(3), new Float64Array(2), () => 1]),
    () => ({ length: pick([-1, 1e12, Number.NaN, 3]) }),
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error("proxy get");
          },
        },
      ),
    () => [pick([1, 2, 2 ** 40]), pick([1, 2, 3]), pick([1, 2 ** 30]), pick([1, 2 ** 33])],
  ].map((make) => make);
}

test("1,000 generated abuses (verifyScript and --seeds among them): each is a result or an Error, and the module keeps working", () => {
  let state = 12345;
  const random = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  const makers = hostileValues(random);
  const value = () => makers[Math.floor(random() * makers.length)]();
  const calls = [
    (v) => lab.createExperiment(v),
    (v) => lab.createExperiment({ batch: v, channels: value(), steps: 1 }),
    (v) => lab.validateConfig({ seed: v, eps: value() }),
    (v) => lab.resolveConfig(v),
    (v) => lab.createBatchNorm2d({ numFeatures: v, eps: value(), momentum: value() }),
    (v) => lab.runCli([String(v), "--steps", "0"]),
    (v) => lab.verifyScript(v),
    (v) => lab.verifyScript({ steps: 3, batch: value(), channels: v }),
    (v) => lab.runCli(["--seeds", String(v), "--json", "--steps", "2"]),
    (v) => lab.runCli(["--seeds", `${v}:${value()}`, "--json", "--steps", "1", "--batch", "2"]),
    (v, o) => o.generator.randn(v),
    (v, o) => o.generator.manualSeed(v),
    (v, o) => o.layer.forward(v, value()),
    (v, o) => o.layer.forward(new Float32Array(4), v),
    (v, o) => o.layer.setWeight(v),
    (v, o) => o.layer.train(v),
  ];
  const objects = {
    generator: new lab.Generator(),
    layer: lab.createBatchNorm2d({ numFeatures: 2 }).layer,
  };
  let errors = 0;
  let results = 0;
  for (let i = 0; i < 1000; i++) {
    const call = calls[i % calls.length];
    const v = value();
    let result;
    try {
      result = call(v, objects);
      results++;
    } catch (error) {
      assert.ok(error instanceof Error, `call ${i} threw a non-Error: ${String(error)}`);
      assert.ok(error.message.length > 0);
      errors++;
      continue;
    }
    if (result && result.experiment) {
      result.experiment.runChunk(2);
      result.experiment.delete();
    }
    if (result && result.layer) result.layer.delete();
  }
  assert.equal(errors + results, 1000);
  assert.ok(errors > 100 && results > 100, `${errors} errors, ${results} results`);
  // Still bit-for-bit the article after the abuse.
  const { experiment } = lab.createExperiment({});
  experiment.runChunk(Infinity);
  assert.match(experiment.articleOutput(), /Mean: tensor\(\[-0\.0628, {2}0\.0649, {2}0\.0600\]\)/);
  experiment.delete();
  objects.generator.delete();
  objects.layer.delete();
});

test("the heap stays flat over 1,000 create/run/delete cycles", () => {
  const cycle = () => {
    const { experiment } = lab.createExperiment({ batch: 8, channels: 4, steps: 20 });
    experiment.runChunk(7);
    experiment.runChunk(Infinity);
    experiment.articleOutput();
    experiment.summaryJson();
    experiment.delete();
    const { layer } = lab.createBatchNorm2d({ numFeatures: 4 });
    layer.forward(new Float32Array(32), [8, 4, 1, 1]);
    layer.delete();
    lab.createExperiment({ batch: 1, steps: 5 }); // refused: must not leak
    const generator = new lab.Generator();
    generator.randn(100);
    generator.delete();
  };
  for (let i = 0; i < 10; i++) cycle();
  const baseline = lab.heapBytesInUse();
  for (let i = 0; i < 1000; i++) cycle();
  const growth = lab.heapBytesInUse() - baseline;
  assert.ok(growth <= 1024, `heap grew by ${growth} bytes over 1,000 cycles`);
});

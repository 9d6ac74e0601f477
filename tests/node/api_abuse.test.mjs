// Hostile use of the module's JavaScript API: every bad argument, of any type,
// is an Error with a message (never an abort, a bare number or a silent empty
// result), sizes that wrap are refused, and the heap stays flat over cycles.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { bitsOf, loadLab } from "./lab.mjs";

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
  assert.fail("did not throw");
}

test("the issue's repros are Errors, and the module keeps working after them", () => {
  const before = new lab.Generator();
  before.manualSeed("5");
  const expected = bitsOf(before.randn(8));
  before.manualSeed("5");

  const layer = lab.createBatchNorm2d({ numFeatures: 1 });
  layer.train(false);
  // 274177 * 67280421310721 = 2^64 + 1: a 64-bit product wraps to 1.
  const wrapped = errorOf(() =>
    layer.forward(new Float32Array([1]), [274177, 1, 67280421310721, 1]),
  );
  assert.match(wrapped.message, /must fit in a 64-bit integer|shape needs/);
  assert.match(
    errorOf(() => new lab.BatchNorm2d({ numFeatures: 1e9 })).message,
    /numFeatures must be an integer in \[1, 16777216\]; got 1000000000/,
  );
  const generator = new lab.Generator();
  for (const count of [6e8, 1e10, 2 ** 32 + 3, -1, 2.5, Number.NaN, Infinity, "5", null, {}]) {
    assert.match(
      errorOf(() => generator.randn(count)).message,
      /^randn\(count\): count must be an integer in \[0, 67108864\]; got /,
    );
  }
  assert.match(
    errorOf(() => new lab.Experiment({ batch: 1, steps: 5 })).message,
    /Expected more than 1 value per channel when training/,
  );
  const tooBig = lab.createExperiment({
    batch: 4,
    channels: 4194304,
    height: 1048576,
    width: 1048576,
    steps: 1,
  });
  assert.equal(tooBig.ok, false);

  // Nothing above wrote into other objects: the generator draws as before.
  assert.deepEqual(bitsOf(before.randn(8)), expected);
  assert.equal(layer.forward(new Float32Array([3]), [1, 1, 1, 1]).length, 1);
  for (const o of [layer, generator, before]) o.delete();
});

test("wrong types anywhere in the API are Errors that name the argument", () => {
  const layer = lab.createBatchNorm2d({ numFeatures: 2 });
  const generator = new lab.Generator();
  const { experiment } = lab.createExperiment({ steps: 3 });
  const cases = [
    [() => lab.validateConfig("abc"), /validateConfig: config must be an object; got "abc"/],
    [
      () =>
        lab.validateConfig({
          batch: {
            toString() {
              throw 5;
            },
          },
        }),
      /config\.batch cannot be read as text/,
    ],
    [() => lab.createExperiment(42), /createExperiment: config must be an object; got 42/],
    [() => new lab.Experiment("x"), /config must be an object/],
    [() => lab.Experiment({}), /must be called with new/],
    [() => new lab.BatchNorm2d(null), /BatchNorm2d options must be an object/],
    [() => new lab.BatchNorm2d({ numFeatures: "3" }), /numFeatures must be an integer.*; got "3"/],
    [
      () => new lab.BatchNorm2d({ numFeatures: 2, eps: "x" }),
      /eps must be a finite number > 0; got "x"/,
    ],
    [() => new lab.BatchNorm2d({ numFeatures: 2, momentum: -1 }), /momentum must be .*; got -1/],
    [() => new lab.BatchNorm2d({ numFeatures: 2, affine: "yes" }), /affine must be true or false/],
    [
      () => new lab.BatchNorm2d({ numFeatures: 2, trackRunningStats: 1 }),
      /trackRunningStats must be true or false/,
    ],
    [() => layer.forward(null, [1, 2, 1, 1]), /input must be a Float32Array or an array/],
    [() => layer.forward({ length: 1e9 }, [1, 2, 1, 1]), /input must be a Float32Array/],
    [() => layer.forward(new Float32Array(4), "abcd"), /shape must be \[N, C, H, W\]/],
    [() => layer.forward(new Float32Array(4), [2, 2, 1]), /shape must be \[N, C, H, W\]/],
    [() => layer.forward(new Float32Array(4), [2, 2, 1, 0.5]), /shape must be \[N, C, H, W\]/],
    [() => layer.forward(new Float32Array(4), [2, 2, 1, 2 ** 60]), /shape|fit in a 64-bit/],
    [() => layer.forward(new Float32Array(4), [2, 2, 1, 1], 7), /takes 2 argument/],
    [() => layer.train("no"), /train\(on\): on must be true or false; got "no"/],
    [() => layer.setWeight("ab"), /setWeight\(values\): values must be a Float32Array/],
    [() => layer.setBias(7), /setBias\(values\): values must be a Float32Array/],
    [() => generator.manualSeed({}), /manualSeed\(seed\): seed must be a string/],
    [() => generator.manualSeed(1.5), /manualSeed\(seed\): seed must be a string/],
    [
      () => experiment.runChunk("x"),
      /runChunk\(maxSteps\): maxSteps must be an integer >= 0 or Infinity; got "x"/,
    ],
    [() => experiment.runChunk(-1), /maxSteps must be an integer >= 0/],
    [() => experiment.runChunk(Number.NaN), /got NaN/],
    [() => lab.runCli(5), /runCli\(args\): args must be an array of strings; got 5/],
    [() => lab.runCli(["--steps", 5]), /item 1 is a number/],
  ];
  for (const [fn, pattern] of cases) assert.match(errorOf(fn).message, pattern, String(fn));
  // Right types still work after all of that.
  assert.equal(generator.manualSeed(7n), true);
  assert.equal(generator.manualSeed("not a seed"), false);
  assert.equal(layer.setWeight(new Float32Array(3)), false, "wrong length is false, as before");
  assert.equal(experiment.runChunk(Infinity).steps, 3);
  for (const o of [layer, generator, experiment]) o.delete();
});

test("objects built around the wrappers refuse to work instead of crashing", () => {
  const RawExperiment = lab.Experiment.prototype.constructor;
  const raw = new RawExperiment({ batch: 1, steps: 5 });
  assert.match(raw.constructionError(), /Expected more than 1 value per channel/);
  assert.match(errorOf(() => raw.runChunk(1)).message, /this Experiment has an invalid config/);
  assert.match(errorOf(() => raw.summaryJson()).message, /invalid config/);
  raw.delete();
  const RawLayer = lab.BatchNorm2d.prototype.constructor;
  const layer = new RawLayer({ numFeatures: 1e9 });
  assert.match(
    errorOf(() => layer.forward(new Float32Array(2), [2, 1, 1, 1])).message,
    /numFeatures/,
  );
  layer.delete();
});

test("use after delete and double delete are clear Errors", () => {
  for (const make of [
    () => new lab.Generator(),
    () => lab.createBatchNorm2d({ numFeatures: 1 }),
    () => lab.createExperiment({}).experiment,
  ]) {
    const object = make();
    object.delete();
    assert.match(errorOf(() => object.delete()).message, /already deleted|deleted/);
  }
  const generator = new lab.Generator();
  generator.delete();
  assert.match(errorOf(() => generator.randn(3)).message, /deleted object/);
  const layer = lab.createBatchNorm2d({ numFeatures: 1 });
  layer.delete();
  assert.match(
    errorOf(() => layer.forward(new Float32Array(2), [2, 1, 1, 1])).message,
    /deleted object/,
  );
});

test("summaryJson past its channel limit says so instead of aborting", () => {
  const limit = lab.limits().maxJsonChannels;
  assert.equal(limit, 1048576);
  const { experiment } = lab.createExperiment({ batch: 1, channels: limit + 1, steps: 0 });
  assert.match(
    experiment.summaryJson(),
    /"omitted": "per-channel statistics are left out above 1048576 channels \(this run has 1048577\)"/,
  );
  experiment.delete();
});

test("the heap stays flat over 1,000 create/run/delete cycles", () => {
  const cycle = () => {
    const { experiment } = lab.createExperiment({ batch: 8, channels: 4, steps: 20 });
    experiment.runChunk(7);
    experiment.runChunk(Infinity);
    experiment.articleOutput();
    experiment.summaryJson();
    experiment.delete();
    const layer = lab.createBatchNorm2d({ numFeatures: 4 });
    layer.forward(new Float32Array(32), [8, 4, 1, 1]);
    layer.delete();
    try {
      new lab.Experiment({ batch: 1, steps: 5 }); // refused: must not leak
    } catch {}
  };
  for (let i = 0; i < 10; i++) cycle();
  const baseline = lab.heapBytesInUse();
  for (let i = 0; i < 1000; i++) cycle();
  const growth = lab.heapBytesInUse() - baseline;
  assert.ok(growth <= 1024, `heap grew by ${growth} bytes over 1,000 cycles`);
});

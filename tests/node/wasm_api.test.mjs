// The JavaScript face of the WebAssembly module: readable errors for bad
// configs, typed-array traces, and no memory kept by deleted objects.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { loadLab } from "./lab.mjs";

let lab;
before(async () => {
  lab = await loadLab();
});

test("the default config is the article’s", () => {
  assert.deepEqual(lab.defaultConfig(), {
    seed: "21",
    batch: 20,
    channels: 3,
    height: 1,
    width: 1,
    steps: 2000,
    momentum: 0.1,
    eps: 1e-5,
    shift: 0,
    scale: 1,
    switch: null,
    shift2: null,
    scale2: null,
    freeze: null,
  });
  assert.deepEqual(lab.validateConfig(lab.defaultConfig()), []);
});

test("bad configs come back as messages naming the field and the range", () => {
  const cases = [
    [{ batch: 0 }, "batch", /batch must be an integer in \[1, 16777216\]; got '0'/],
    [{ batch: 2.5 }, "batch", /batch must be an integer/],
    [{ channels: -3 }, "channels", /channels must be an integer in \[1,/],
    [{ height: "abc" }, "height", /height must be an integer/],
    [{ width: Number.NaN }, "width", /got 'NaN'/],
    [{ steps: 1e99 }, "steps", /steps must be an integer in \[0, 1000000\]/],
    [{ steps: -1 }, "steps", /steps must be an integer/],
    [{ momentum: 1.5 }, "momentum", /momentum must be a number in \[0, 1\], or none/],
    [{ momentum: "javascript:alert(1)" }, "momentum", /momentum must be a number/],
    [{ eps: 0 }, "eps", /eps must be a finite number > 0/],
    [{ eps: Number.POSITIVE_INFINITY }, "eps", /eps must be a finite number > 0/],
    [
      { seed: "<img src=x onerror=alert(1)>" },
      "seed",
      /seed must be an integer in \[-9223372036854775808, 18446744073709551615\]/,
    ],
    [{ seed: "18446744073709551616" }, "seed", /seed must be an integer/],
    [
      { batch: 1 },
      "batch",
      /Expected more than 1 value per channel when training, got input size torch\.Size\(\[1, 3, 1, 1\]\)/,
    ],
    [{ batch: 4096, channels: 4096, height: 2 }, "size", /at most 16777216 values per batch/],
    // Issue 12: shapes whose product wrapped around in 64 bits.
    [
      { batch: 4, channels: 4194304, height: 1048576, width: 1048576, steps: 1 },
      "size",
      /got 4 \* 4194304 \* 1048576 \* 1048576$/,
    ],
    [{ momentum: "null" }, "momentum", /got 'null'$/],
    [{ steps: " 20" }, "steps", /got ' 20'$/],
    [{ batch: true }, "batch", /batch must be an integer in \[1, 16777216\]; got a boolean$/],
    [{ eps: {} }, "eps", /got an object$/],
    [{ seed: null }, "seed", /got null$/],
    [{ batch: 1000, channels: 100, height: 10, steps: 10000 }, "steps", /at most 2000000000/],
    [
      { channels: 1000, steps: 1000000, batch: 2 },
      "steps",
      /steps \* channels must be at most 4194304/,
    ],
  ];
  for (const [change, field, pattern] of cases) {
    const config = { ...lab.defaultConfig(), ...change };
    const errors = lab.validateConfig(config);
    assert.ok(errors.length >= 1, `no error for ${JSON.stringify(change)}`);
    assert.equal(errors[0].field, field, JSON.stringify(change));
    assert.match(errors[0].message, pattern);
    const created = lab.createExperiment(config);
    assert.equal(created.ok, false);
    assert.deepEqual(created.errors, errors);
  }
});

test("momentum null is the cumulative average, and one value per channel is fine with 0 steps", () => {
  assert.deepEqual(lab.validateConfig({ ...lab.defaultConfig(), momentum: null }), []);
  assert.deepEqual(lab.validateConfig({ ...lab.defaultConfig(), momentum: "None" }), []);
  assert.deepEqual(lab.validateConfig({ ...lab.defaultConfig(), batch: 1, steps: 0 }), []);
  assert.deepEqual(lab.validateConfig({ seed: "-9223372036854775808" }), []);
});

test("chunks are typed-array copies that stay valid after the heap grows", () => {
  const { experiment } = lab.createExperiment({ ...lab.defaultConfig(), steps: 50 });
  const first = experiment.runChunk(10);
  const copy = Array.from(first.runningMean);
  // A big allocation grows the wasm memory; views into the old heap would detach.
  const big = lab.createExperiment({
    ...lab.defaultConfig(),
    batch: 4096,
    channels: 512,
    steps: 1,
  });
  big.experiment.runChunk(1);
  big.experiment.delete();
  assert.deepEqual(Array.from(first.runningMean), copy);
  assert.equal(first.runningMean.length, 10 * 3);
  assert.equal(first.steps, 10);
  const rest = experiment.runChunk(1000);
  assert.equal(rest.firstStep, 11);
  assert.equal(rest.steps, 40);
  assert.equal(experiment.finished(), true);
  assert.equal(experiment.runChunk(5).steps, 0);
  experiment.delete();
});

test("BatchNorm2d reports bad input as an Error, not a crash", () => {
  const layer = lab.createBatchNorm2d({ numFeatures: 2 }).layer;
  assert.throws(
    () => layer.forward(new Float32Array(2), [1, 2, 1, 1]),
    /Expected more than 1 value per channel/,
  );
  assert.throws(
    () => layer.forward(new Float32Array(3), [2, 2, 1, 1]),
    /input has 3 values; the shape needs 4/,
  );
  assert.throws(
    () => layer.forward(new Float32Array(6), [2, 3, 1, 1]),
    /expected 2 channels, got 3/,
  );
  const out = layer.forward(new Float32Array([1, 2, 3, 4]), [2, 2, 1, 1]);
  assert.equal(out.length, 4);
  layer.delete();
});

test("deleted objects give back all their memory over repeated runs", () => {
  const run = (keep) => {
    const { experiment } = lab.createExperiment({
      ...lab.defaultConfig(),
      batch: 64,
      channels: 8,
      steps: 100,
    });
    while (!experiment.finished()) experiment.runChunk(33);
    experiment.articleOutput();
    if (!keep) experiment.delete();
    const layer = lab.createBatchNorm2d({ numFeatures: 4 }).layer;
    layer.forward(new Float32Array(32), [8, 4, 1, 1]);
    if (!keep) layer.delete();
    const generator = new lab.Generator();
    generator.randn(1000);
    if (!keep) generator.delete();
  };
  run(false); // warm-up: first-use allocations of the runtime
  const baseline = lab.heapBytesInUse();
  for (let i = 0; i < 30; i++) run(false);
  assert.ok(
    lab.heapBytesInUse() - baseline <= 1024,
    `heap grew by ${lab.heapBytesInUse() - baseline} bytes`,
  );
  // The measure sees a leak when there is one: objects not deleted stay allocated.
  run(true);
  assert.ok(
    lab.heapBytesInUse() - baseline > 1024,
    "an undeleted experiment must show in the heap",
  );
});

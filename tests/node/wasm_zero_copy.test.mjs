// The zero-copy API of the WebAssembly module (cpp/wasm/pre.js): randnInto and
// forwardInto on HeapFloats buffers in the wasm heap and on caller-owned
// Float32Arrays, against PyTorch's fixtures (batchnorm_wide.json, randn.json)
// and against the copying API; fresh views after the heap grows; bad input.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { bitsOf, fixture, fnv1a64, floatsFromBits, loadLab } from "./lab.mjs";

let lab;
before(async () => {
  lab = await loadLab();
});

// createBatchNorm2d answers the layer or {ok, layer}, depending on the API version.
function makeLayer(options) {
  const made = lab.createBatchNorm2d(options);
  return made && made.layer !== undefined ? made.layer : made;
}

function assertOutput(where, expected, actual) {
  if (expected.bits) {
    assert.deepEqual(bitsOf(actual), expected.bits, where);
    return;
  }
  assert.deepEqual(bitsOf(actual.subarray(0, 16)), expected.head_bits, `${where} head`);
  assert.deepEqual(
    bitsOf(actual.subarray(actual.length - 16)),
    expected.tail_bits,
    `${where} tail`,
  );
  assert.equal(fnv1a64(actual), expected.fnv1a64, `${where}: FNV-1a 64 of all values`);
}

test("forwardInto on heap buffers matches PyTorch on wide tensors, inputs from randnInto", () => {
  for (const c of fixture("batchnorm_wide.json").cases) {
    const [n, ch, h, w] = c.shape;
    const numel = n * ch * h * w;
    const layer = makeLayer({
      numFeatures: ch,
      eps: c.eps,
      momentum: c.momentum,
      affine: c.affine,
    });
    if (c.affine) {
      assert.ok(layer.setWeight(floatsFromBits(c.weight_bits)));
      assert.ok(layer.setBias(floatsFromBits(c.bias_bits)));
    }
    const generator = new lab.Generator();
    assert.ok(generator.manualSeed(String(c.seed)));
    const input = lab.createHeapFloats(numel);
    const output = lab.createHeapFloats(numel);
    const draw = () => {
      generator.randnInto(input);
      if (c.scale !== 1 || c.offset !== 0) {
        const x = input.view();
        for (let i = 0; i < x.length; i++) x[i] = Math.fround(x[i] * c.scale) + c.offset;
      }
    };
    c.train.forEach((step, i) => {
      draw();
      assert.equal(layer.forwardInto(input, c.shape, output), output);
      assertOutput(`${c.name} train ${i}`, step.output, output.view());
      assert.deepEqual(bitsOf(layer.runningMean()), step.running_mean_bits, `${c.name} mean`);
      assert.deepEqual(bitsOf(layer.runningVar()), step.running_var_bits, `${c.name} var`);
    });
    layer.train(false);
    c.eval.forEach((step, i) => {
      draw();
      layer.forwardInto(input, c.shape, output);
      assertOutput(`${c.name} eval ${i}`, step.output, output.view());
    });
    for (const o of [input, output, generator, layer]) o.delete();
  }
});

test("randnInto gives torch.randn's values, in a heap buffer or a Float32Array", () => {
  const cases = fixture("randn.json").cases.filter((c) => c.draws.length === 1);
  assert.ok(cases.length > 20);
  for (const c of cases) {
    const { numel } = c.draws[0];
    const expected = c.draws[0];
    for (const kind of ["heap", "array"]) {
      const generator = new lab.Generator();
      assert.ok(generator.manualSeed(c.seed));
      const target = kind === "heap" ? lab.createHeapFloats(numel) : new Float32Array(numel);
      assert.equal(generator.randnInto(target), target);
      const values = kind === "heap" ? target.view() : target;
      if (expected.bits) assert.deepEqual(bitsOf(values), expected.bits, `${c.name} ${kind}`);
      else assert.equal(fnv1a64(values), expected.fnv1a64, `${c.name} ${kind}`);
      if (kind === "heap") target.delete();
      generator.delete();
    }
  }
});

test("the Float32Array forms equal the heap forms and the copying API", () => {
  const shape = [6, 5, 3, 2];
  const numel = 180;
  const layers = [0, 1, 2].map(() => makeLayer({ numFeatures: 5 }));
  const generator = new lab.Generator();
  generator.manualSeed("7");
  const heapIn = lab.createHeapFloats(numel);
  const heapOut = lab.createHeapFloats(numel);
  const arrayOut = new Float32Array(numel);
  for (let step = 0; step < 3; step++) {
    const x = generator.randn(numel);
    heapIn.view().set(x);
    layers[0].forwardInto(heapIn, shape, heapOut);
    layers[1].forwardInto(x, shape, arrayOut);
    const copied = layers[2].forward(x, shape);
    assert.deepEqual(bitsOf(arrayOut), bitsOf(copied), `step ${step}`);
    assert.deepEqual(bitsOf(heapOut.view()), bitsOf(copied), `step ${step}`);
  }
  assert.deepEqual(bitsOf(layers[0].runningVar()), bitsOf(layers[2].runningVar()));
  for (const o of [...layers, generator, heapIn, heapOut]) o.delete();
});

test("a view taken before the heap grows goes stale; view() gives a fresh one", () => {
  const buffer = lab.createHeapFloats(1000);
  const generator = new lab.Generator();
  generator.randnInto(buffer);
  const early = buffer.view();
  const first = early[0];
  // More than the whole initial memory: the heap has to grow.
  const big = lab.createHeapFloats(16 * 1024 * 1024);
  assert.equal(early.length, 0, "a view from before the growth is detached");
  assert.equal(buffer.view()[0], first, "a fresh view reads the same data");
  for (const o of [big, buffer, generator]) o.delete();
});

test("bad lengths and shapes are Errors naming the problem, and nothing leaks", () => {
  const layer = makeLayer({ numFeatures: 2 });
  const generator = new lab.Generator();
  assert.throws(() => lab.createHeapFloats(-1), /length must be an integer in \[0, 67108864\]/);
  assert.throws(() => lab.createHeapFloats(1.5), /length must be an integer/);
  assert.throws(() => lab.createHeapFloats(2 ** 27), /length must be an integer/);
  assert.throws(() => generator.randnInto([1, 2]), /Float32Array or a HeapFloats/);
  const a = lab.createHeapFloats(8);
  const b = lab.createHeapFloats(4);
  assert.throws(() => layer.forwardInto(a, [2, 2, 2], b), /shape must be an array of 4/);
  assert.throws(() => layer.forwardInto(a, [2, 2, 1, 1], b), /input has 8 values/);
  assert.throws(() => layer.forwardInto(a, [4, 2, 1, 1], b), /output room for 4/);
  assert.throws(() => layer.forwardInto(a, [2, 4, 1, 1], a), /expected 2 channels, got 4/);
  assert.throws(() => layer.forwardInto(a, [0, 2, 2, 2], a), /4 positive integers/);
  assert.throws(
    () => layer.forwardInto(new Float32Array(8), [4, 2, 1, 1], new Float32Array(4)),
    /must match the input's 8/,
  );
  assert.throws(() => layer.forwardInto(a, [4, 2, 1, 1], new Float32Array(8)), /both/);
  a.delete();
  b.delete();

  // Repeated Float32Array calls reuse their heap buffers: the heap stays put.
  const x = new Float32Array(4096);
  const y = new Float32Array(4096);
  const run = () => {
    generator.randnInto(x);
    layer.forwardInto(x, [2048, 2, 1, 1], y);
  };
  run();
  const baseline = lab.heapBytesInUse();
  for (let i = 0; i < 50; i++) run();
  assert.equal(lab.heapBytesInUse(), baseline);
  layer.delete();
  generator.delete();
});

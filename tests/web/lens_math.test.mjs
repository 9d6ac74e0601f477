// The lenses' pure parts: the probe-seed field's grammar, the momentum
// conversions and the window/half-life numbers, and the Keras/Flax code for
// configs with and without the scenario fields.
import { test } from "node:test";
import assert from "node:assert/strict";
import { parseProbeSeed, PROBE_SEED_FIELD } from "../../web/src/probe-seed.js";
import {
  kerasMomentum,
  windowOf,
  halfLifeOf,
  kerasCode,
  flaxCode,
} from "../../web/src/framework-code.js";
import { checkSeedText } from "./helpers.mjs";

test("probe-seed takes PyTorch's seed range as text and refuses the rest by name", () => {
  checkSeedText(parseProbeSeed, "probe-seed");
  assert.equal(PROBE_SEED_FIELD.write("0"), null, "the default stays out of links");
  assert.equal(PROBE_SEED_FIELD.write("5"), "5");
});

test("Keras's momentum is 1 - m; window 2/m - 1; half-life ln 2 / -ln(1 - m)", () => {
  assert.equal(kerasMomentum(0.1), 0.9);
  assert.equal(kerasMomentum(0.01), 0.99);
  assert.equal(kerasMomentum(0.9), 0.1);
  assert.equal(kerasMomentum(null), null);
  assert.equal(windowOf(0.1), 19);
  assert.equal(windowOf(1), 1);
  assert.equal(windowOf(0), Infinity);
  assert.ok(Math.abs(halfLifeOf(0.1) - 6.5788) < 1e-4);
  assert.equal(halfLifeOf(1), 0);
  assert.equal(halfLifeOf(0), Infinity);
});

const article = {
  seed: "21",
  batch: 20,
  channels: 3,
  height: 1,
  width: 1,
  steps: 2000,
  momentum: 0.1,
  eps: 0.00001,
  shift: 0,
  scale: 1,
  switch: null,
  shift2: null,
  scale2: null,
  freeze: null,
};

test("Keras code: the layer with momentum 1 - m, the loop, the scenario fields", () => {
  const plain = kerasCode(article);
  assert.match(plain, /momentum=0\.9,  # Keras's momentum = 1 - PyTorch's momentum \(0\.1\)/);
  assert.match(plain, /epsilon=0\.00001/);
  assert.match(plain, /layer\.build\(\(20, 3, 1, 1\)\)/);
  assert.match(plain, /for k in range\(1, 2000 \+ 1\):/);
  assert.match(plain, /training = True/);
  assert.match(plain, /Only PyTorch's numbers are bit-exact/);
  const scenario = kerasCode({ ...article, momentum: null, switch: 10, shift2: 2, freeze: 50 });
  assert.match(scenario, /sh, sc = \(2, 1\) if k > 10 else \(0, 1\)/);
  assert.match(scenario, /training = k <= 50/);
  assert.match(scenario, /layer\.momentum = 1\.0 - 1\.0 \/ k/);
});

test("Flax code: nn.BatchNorm over axis 1, batch_stats mutable in training only", () => {
  const plain = flaxCode(article);
  assert.match(plain, /nn\.BatchNorm\(axis=1, momentum=momentum, epsilon=0\.00001\)/);
  assert.match(plain, /layer\(0\.9\)\.apply\(/);
  assert.match(plain, /mutable=\["batch_stats"\]/);
  assert.match(plain, /use_running_average=True/);
  const none = flaxCode({ ...article, momentum: null });
  assert.match(none, /layer\(1\.0 - 1\.0 \/ k\)\.apply\(/);
});

// The module's config API (configFields, parseConfig, resolveConfig,
// createExperiment, createBatchNorm2d) against hostile values: every answer
// is a message or a config that runs, never a C++ throw, abort or trap.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { loadLab } from "./lab.mjs";

let lab;
before(async () => {
  lab = await loadLab();
});

test("configFields lists the table in canonical order", () => {
  const fields = lab.configFields();
  assert.deepEqual(
    fields.map((f) => f.name),
    [
      "seed",
      "batch",
      "channels",
      "height",
      "width",
      "steps",
      "momentum",
      "eps",
      "shift",
      "scale",
      "switch",
      "shift2",
      "scale2",
      "freeze",
    ],
  );
  assert.deepEqual(fields[6], {
    name: "momentum",
    kind: "optional-number",
    defaultText: "0.1",
    range: "a number in [0, 1], or none",
    absentWord: "none",
    alwaysInLink: true,
  });
  assert.deepEqual(fields[10], {
    name: "switch",
    kind: "optional-integer",
    defaultText: "never",
    range: "an integer in [0, 1000000], or never",
    absentWord: "never",
    alwaysInLink: false,
  });
  // The article's own fields are in every link (web/src/link.js), the rest only
  // when they differ from their default.
  assert.deepEqual(
    fields.filter((f) => f.alwaysInLink).map((f) => f.name),
    ["seed", "batch", "channels", "height", "width", "steps", "momentum", "eps"],
  );
  assert.ok(fields.every((f) => typeof f.alwaysInLink === "boolean"));
  assert.deepEqual(
    fields.map((f) => f.kind),
    [
      "seed",
      "integer",
      "integer",
      "integer",
      "integer",
      "integer",
      "optional-number",
      "number",
      "number",
      "number",
      "optional-integer",
      "optional-number",
      "optional-number",
      "optional-integer",
    ],
  );
  // Each default text parses to the default config.
  const fromTexts = lab.parseConfig(Object.fromEntries(fields.map((f) => [f.name, f.defaultText])));
  assert.deepEqual(fromTexts, { ok: true, config: lab.defaultConfig() });
});

test("parseConfig gives a plain config: the seed a string, momentum null when none", () => {
  assert.deepEqual(
    lab.parseConfig({ seed: 18446744073709551615n, batch: "7", momentum: "NONE", eps: 1e-7 }),
    {
      ok: true,
      config: {
        seed: "18446744073709551615",
        batch: 7,
        channels: 3,
        height: 1,
        width: 1,
        steps: 2000,
        momentum: null,
        eps: 1e-7,
        shift: 0,
        scale: 1,
        switch: null,
        shift2: null,
        scale2: null,
        freeze: null,
      },
    },
  );
  assert.equal(lab.parseConfig({ momentum: null }).config.momentum, null);
  assert.equal(lab.parseConfig({ eps: "1e-00005" }).config.eps, 1e-5);
  assert.deepEqual(lab.parseConfig(undefined), { ok: true, config: lab.defaultConfig() });
});

test("hostile inputs get messages, never a throw", () => {
  const throwing = new Proxy(
    {},
    {
      ownKeys() {
        throw new Error("no");
      },
    },
  );
  const getter = {
    get batch() {
      throw new Error("no");
    },
  };
  const cases = [
    [{ batch: Symbol("x") }, "batch", "batch must be an integer in [1, 16777216]; got a symbol"],
    [{ batch: [20] }, "batch", "batch must be an integer in [1, 16777216]; got an array"],
    [{ batch: () => 20 }, "batch", "batch must be an integer in [1, 16777216]; got a function"],
    [
      { batch: 2n ** 70n },
      "batch",
      "batch must be an integer in [1, 16777216]; got '1180591620717411303424'",
    ],
    [{ steps: Infinity }, "steps", "steps must be an integer in [0, 1000000]; got 'Infinity'"],
    [getter, "batch", "batch must be an integer in [1, 16777216]; got a value that cannot be read"],
    [
      { eps: "x".repeat(1e6) },
      "eps",
      `eps must be a finite number > 0; got '${"x".repeat(40)}...'`,
    ],
    [{ "\u001b[2J": 1 }, "\\x1b[2J", "unknown setting '\\x1b[2J'"],
    [
      throwing,
      "config",
      "the config must be an object of settings; got an object whose keys cannot be read",
    ],
    [[1, 2], "config", "the config must be an object of settings; got an array"],
    ["batch=2", "config", "the config must be an object of settings; got a string"],
    [7, "config", "the config must be an object of settings; got a number"],
    [Symbol("s"), "config", "the config must be an object of settings; got a symbol"],
    [
      Object.fromEntries(Array.from({ length: 70 }, (_, i) => [`k${i}`, i])),
      "config",
      "the config has 6 more keys than the 64 that are read",
    ],
  ];
  for (const [input, field, message] of cases) {
    const parsed = lab.parseConfig(input);
    assert.equal(parsed.ok, false, message);
    assert.equal(parsed.errors[0].field, field);
    assert.equal(parsed.errors[0].message, message);
    const created = lab.createExperiment(input);
    assert.equal(created.ok, false);
    assert.deepEqual(created.errors, parsed.errors);
    const resolved = lab.resolveConfig(input);
    assert.ok(lab.parseConfig(resolved.config).ok, message);
    assert.ok(resolved.notices.length >= 1, message);
  }
});

test("resolveConfig always runs and names each field it changed (issue 12)", () => {
  const cases = [
    [
      { batch: "256", channels: "64", height: "8", width: "8", steps: "2000" },
      { steps: 1907 },
      [
        "steps reduced from 2000 to 1907: steps * values per batch must be at most 2000000000 (the work one run may take)",
      ],
    ],
    [
      { batch: 2, channels: 4194305, steps: 1 },
      { channels: 4194304 },
      [
        "channels reduced from 4194305 to 4194304: steps * channels must be at most 4194304 (the per-step trace a browser tab keeps)",
      ],
    ],
    [
      { batch: 4, channels: 4194304, height: 1048576, width: 1048576, steps: 1 },
      { batch: 4, channels: 4194304, height: 1, width: 1, steps: 1 },
      [
        "height reduced from 1048576 to 1: batch * channels * height * width must be at most 16777216 values per batch (what a browser tab can hold)",
        "width reduced from 1048576 to 1: batch * channels * height * width must be at most 16777216 values per batch (what a browser tab can hold)",
      ],
    ],
    [
      { batch: "abc", colour: "red", momentum: "null" },
      { batch: 20, momentum: 0.1 },
      [
        "batch must be an integer in [1, 16777216]; got 'abc'; using 20",
        "unknown setting 'colour'; ignored",
        "momentum must be a number in [0, 1], or none; got 'null'; using 0.1",
      ],
    ],
  ];
  for (const [input, expected, messages] of cases) {
    const { config, notices } = lab.resolveConfig(input);
    for (const [k, v] of Object.entries(expected)) assert.equal(config[k], v, k);
    assert.deepEqual(
      notices.map((n) => n.message),
      messages,
    );
    const created = lab.createExperiment(config);
    assert.equal(created.ok, true);
    created.experiment.delete();
  }
});

test("constructors that could throw are not reachable; factories answer {ok}", () => {
  assert.throws(() => new lab.Experiment({ batch: 1, steps: 5 }), Error);
  assert.throws(() => new lab.BatchNorm2d({ numFeatures: 1e9 }), Error);
  assert.deepEqual(lab.createBatchNorm2d({ numFeatures: 1e9 }), {
    ok: false,
    errors: [
      {
        field: "numFeatures",
        message: "numFeatures must be an integer in [1, 16777216]; got '1000000000'",
      },
    ],
  });
  const bad = lab.createBatchNorm2d({ numFeatures: 2, momentum: 3, affine: "yes", colour: 1 });
  assert.deepEqual(
    bad.errors.map((e) => e.message),
    [
      "momentum must be a number in [0, 1], or none; got '3'",
      "affine must be true or false; got 'yes'",
      "unknown option 'colour'",
    ],
  );
  assert.equal(
    lab.createBatchNorm2d({}).errors[0].message,
    "numFeatures must be an integer in [1, 16777216]; got nothing",
  );
  assert.equal(lab.createBatchNorm2d(null).ok, false);
  const ok = lab.createBatchNorm2d({ numFeatures: 3, momentum: null, affine: false });
  assert.equal(ok.ok, true);
  ok.layer.delete();
});

test("a shape whose product wraps is refused and the heap stays intact (issue 12)", () => {
  const generator = new lab.Generator();
  generator.manualSeed("5");
  const expected = Array.from(generator.randn(8));
  generator.manualSeed("5");
  const { layer } = lab.createBatchNorm2d({ numFeatures: 1 });
  layer.train(false);
  assert.throws(
    () => layer.forward(new Float32Array([1]), [274177, 1, 67280421310721, 1]),
    /input has 1 values; the shape needs more than 2\^63/,
  );
  assert.throws(() => layer.forward(null, [1, 1, 1, 1]), /input must be a Float32Array/);
  assert.throws(() => layer.forward(new Float32Array(1), "1,1,1,1"), /shape must be an array/);
  assert.deepEqual(Array.from(generator.randn(8)), expected);
  for (const count of [6e8, 1e10, 2 ** 32 + 3, -1, 0.5, Number.NaN]) {
    assert.throws(
      () => generator.randn(count),
      /randn needs a count that is an integer in \[0, 67108864\]/,
    );
  }
  assert.throws(() => generator.randn("10"), /randn needs a count/);
  assert.equal(generator.randn(0).length, 0);
  layer.delete();
  generator.delete();
  assert.throws(() => layer.forward(new Float32Array(1), [1, 1, 1, 1]), /deleted/);
});

test("summaryJson writes the seed as a string", () => {
  const { experiment } = lab.createExperiment({ seed: "18446744073709551615", steps: 2 });
  experiment.runChunk(2);
  assert.equal(JSON.parse(experiment.summaryJson()).config.seed, "18446744073709551615");
  assert.equal(experiment.runChunk(1e300).steps, 0);
  experiment.delete();
});

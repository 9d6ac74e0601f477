// Side by side (web/src/compare-*.js) with the real grammar: run B's link
// fields (`b.FIELD=`) read, checked against A's config by the module's
// parseConfig, written back and read again to the same B; bad fields dropped
// with the grammar's message; B run in the module prints the CLI's text; and
// the two-run PyTorch script prints the CLI's text for A, then for B.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { loadLab, needsTorch, python } from "./lab.mjs";
import { readLink, linkQuery, setConfigFields } from "../../web/src/link.js";
import { resolveCompare, runCompare, COMPARE_INPUT_LIMIT } from "../../web/src/compare-worker.js";
import { pytorchPairCode } from "../../web/src/compare-export.js";
import { differences, legendText, finalDifferences } from "../../web/src/compare-words.js";

let lab;
let names;
before(async () => {
  lab = await loadLab();
  const fields = lab.configFields();
  setConfigFields(fields);
  names = fields.map((f) => f.name);
});

// A's config and B's verdict for a link, as the page makes them.
function open(search) {
  const link = readLink(search);
  const a = lab.resolveConfig(link.configText).config;
  return { link, a, b: resolveCompare(lab, a, link.compareText) };
}

const flagsOf = (fields) => Object.entries(fields).flatMap(([k, v]) => [`--${k}`, v]);

describe("B's link fields round-trip through the grammar", () => {
  const LINKS = [
    ["?steps=300&b.momentum=none", { momentum: null }],
    ["?seed=7&batch=20&b.batch=4&b.momentum=0.5", { batch: 4, momentum: 0.5 }],
    ["?steps=100&shift=1.5&b.shift=0", { shift: 0 }],
    ["?steps=100&b.shift=%2B2&b.switch=50&b.shift2=-1", { shift: 2, switch: 50, shift2: -1 }],
    ["?b.seed=18446744073709551615", { seed: "18446744073709551615" }],
    ["?b.eps=1e-3&b.steps=1000", { eps: 0.001, steps: 1000 }],
    ["?momentum=none&b.momentum=None", { momentum: null }],
  ];
  for (const [search, expected] of LINKS) {
    test(search, () => {
      const { link, a, b } = open(search);
      assert.equal(
        Object.keys(link.configText).some((k) => k.startsWith("b.")),
        false,
      );
      assert.equal(b.ok, true, JSON.stringify(b));
      assert.deepEqual(b.dropped, []);
      for (const [k, v] of Object.entries(expected)) assert.equal(b.config[k], v, k);
      // Every other field is A's.
      for (const k of names) if (!(k in expected)) assert.equal(b.config[k], a[k], k);
      const query = linkQuery(a, names, {}, b);
      for (const k of Object.keys(expected)) assert.match(query, new RegExp(`(^|&)b\\.${k}=`));
      // Read back: the same A, the same B, the same text.
      const again = open("?" + query);
      assert.deepEqual(again.a, a);
      assert.deepEqual(again.b.config, b.config);
      assert.equal(linkQuery(again.a, names, {}, again.b), query);
    });
  }

  test("without b. fields there is no B and nothing is written", () => {
    const { b, a } = open("?steps=10");
    assert.equal(b, null);
    assert.doesNotMatch(linkQuery(a, names, {}, b), /b\./);
  });
});

describe("a bad B field is dropped with the grammar's message, the rest of B kept", () => {
  test("a value out of range, an unknown name, PyTorch's batch of one", () => {
    const { b } = open("?steps=50&b.momentum=2&b.batch=4&b.foo=1&b.__proto__=3");
    assert.equal(b.ok, true);
    assert.deepEqual(b.fields, ["batch"]);
    assert.equal(b.config.batch, 4);
    assert.equal(b.config.momentum, 0.1);
    const byField = Object.fromEntries(b.dropped.map((d) => [d.field, d]));
    assert.deepEqual(Object.keys(byField).sort(), ["__proto__", "foo", "momentum"]);
    assert.match(byField.momentum.message, /momentum must be a number in \[0, 1\], or none/);
    assert.match(byField.foo.message, /unknown setting 'foo'/);
    const one = open("?steps=5&b.batch=1").b;
    assert.equal(one.ok, false);
    assert.equal(one.dropped[0].field, "batch");
    assert.match(
      one.dropped[0].pytorchError,
      /^ValueError: Expected more than 1 value per channel/,
    );
  });

  test("every field bad: no B; a combination refused because of A's fields: all of B dropped", () => {
    const all = open("?b.steps=1e99&b.eps=-1").b;
    assert.equal(all.ok, false);
    assert.deepEqual(all.dropped.map((d) => d.field).sort(), ["eps", "steps"]);
    // A: batch 1 with height 2 runs (2 values per channel); B's height 1 would
    // leave one value per channel, and the grammar names A's batch.
    const combo = open("?batch=1&height=2&steps=5&b.height=1").b;
    assert.equal(combo.ok, false);
    assert.deepEqual(
      combo.dropped.map((d) => d.field),
      ["height"],
    );
    assert.match(combo.dropped[0].message, /more than 1 value per channel/);
  });

  test("a B too large to run beside A is dropped, with the limit named", () => {
    const big = open("?b.steps=1000000").b; // 10^6 · 20 · 3 inputs
    assert.ok(1e6 * 20 * 3 > COMPARE_INPUT_LIMIT);
    assert.equal(big.ok, false);
    assert.match(big.dropped[0].message, /too large to run beside A/);
    const fits = open("?b.steps=300000").b; // 1.8 · 10^7
    assert.equal(fits.ok, true);
  });
});

describe("B run in the module prints the CLI's text for B's flags", () => {
  for (const search of [
    "?steps=300&b.momentum=none",
    "?steps=200&b.batch=4",
    "?steps=150&shift=2&b.shift=0",
    "?steps=120&channels=5&b.seed=22&b.steps=80",
  ]) {
    test(search, () => {
      const { b, link } = open(search);
      const run = runCompare(lab, b.config);
      const cli = lab.runCli(flagsOf({ ...link.configText, ...link.compareText }));
      assert.equal(cli.exitCode, 0, cli.err);
      assert.equal(run.articleOutput, cli.out);
      assert.equal(run.totalSteps, b.config.steps);
      assert.equal(
        run.chunks.reduce((s, c) => s + c.steps, 0),
        b.config.steps,
      );
      // The last step's running_mean is the one the CLI's JSON reports.
      const json = JSON.parse(
        lab.runCli([...flagsOf({ ...link.configText, ...link.compareText }), "--json"]).out,
      );
      const last = run.chunks.at(-1);
      const C = run.channels;
      const tail = Array.from(last.runningMean.slice((last.steps - 1) * C));
      assert.deepEqual(tail.map(Math.fround), json.running_mean.map(Math.fround));
    });
  }
});

test("the legend and the words name what differs", () => {
  const { a, b } = open("?b.momentum=none&b.batch=4");
  const diffs = differences(a, b.config, names);
  assert.equal(legendText(diffs), "A: batch 20, momentum 0.1 · B: batch 4, momentum none");
  assert.deepEqual(finalDifferences("x\nMean: 0.0602, Variance: 0.0616\n"), {
    mean: "0.0602",
    variance: "0.0616",
  });
  assert.equal(finalDifferences("not yet"), null);
});

describe("the two-run PyTorch script prints CLI(A) then CLI(B)", () => {
  for (const search of [
    "?steps=300&b.momentum=none",
    "?steps=200&b.batch=4",
    "?steps=150&shift=2&switch=100&shift2=0&b.shift=0&b.switch=never",
    "?steps=120&channels=5&height=2&b.seed=22&b.momentum=0.9",
  ]) {
    test(search, { skip: needsTorch() }, async () => {
      const { a, b, link } = open(search);
      assert.equal(b.ok, true);
      const script = pytorchPairCode(a, b.config, `https://example.org/${search}`);
      assert.match(script, /\ndef run_a\(\):\n/);
      assert.match(script, /\nrun_a\(\)\nrun_b\(\)\n$/);
      const cliA = lab.runCli(flagsOf(link.configText));
      const cliB = lab.runCli(flagsOf({ ...link.configText, ...link.compareText }));
      assert.notEqual(cliA.out, cliB.out);
      const py = await python(script);
      assert.equal(py.code, 0, py.err);
      assert.equal(py.out, cliA.out + cliB.out);
    });
  }
});

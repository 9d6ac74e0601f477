// The page's pure modules, in Node: link parsing, decimation, the expected
// spread, and the export formats.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readLink, linkQuery, formatValue, shownValue, pageUrl } from "../../web/src/link.js";
import { TraceStore } from "../../web/src/trace.js";
import {
  halfLife,
  runningMeanVariance,
  runningVarVariance,
  bandPoints,
} from "../../web/src/theory.js";
import {
  float32Text,
  traceCsvParts,
  traceJsonParts,
  pytorchCode,
} from "../../web/src/exporters.js";
import { embedSnippet } from "../../web/src/snippets.js";
import { VIEW_DEFAULTS } from "../../web/src/embed-fields.js";

// The article's config as the grammar's parseConfig returns it.
const ARTICLE = Object.freeze({
  seed: "21",
  batch: 20,
  channels: 3,
  height: 1,
  width: 1,
  steps: 2000,
  momentum: 0.1,
  eps: 1e-5,
});
const NAMES = Object.keys(ARTICLE);

test("readLink keeps the config's text for the grammar and parses the page's own fields", () => {
  const r = readLink("?seed=%3Cimg%3E&batch=-5&steps=+12&momentum=none&embed=1&unknown=1&batch=7");
  assert.equal(r.page.embed, true);
  assert.deepEqual(r.problems, []);
  // Text as given (the grammar decides), unknown names included, the last of a repeated name.
  assert.deepEqual(
    { ...r.configText },
    { seed: "<img>", batch: "7", steps: " 12", momentum: "none", unknown: "1" },
  );
  const bad = readLink("?embed=yes%00" + "x".repeat(80));
  assert.equal(bad.page.embed, false);
  assert.equal(bad.problems.length, 1);
  assert.equal(bad.problems[0].field, "embed");
  assert.match(bad.problems[0].message, /embed must be 1 or 0/);
  assert.ok(bad.problems[0].value.length <= 41, "shown values are shortened");
  assert.doesNotMatch(bad.problems[0].value, /\u0000/);
  // Names that are special in JavaScript are plain keys.
  const proto = readLink("?__proto__=1&constructor=2");
  assert.equal(Object.getPrototypeOf(proto.configText), null);
  assert.deepEqual(Object.keys(proto.configText), ["__proto__", "constructor"]);
  // The view fields, the inspector's step, the probe's seed (probe-seed.js), the
  // story and the Monte Carlo lens's seeds (mc-math.js).
  assert.deepEqual(readLink("").page, {
    ...VIEW_DEFAULTS,
    step: null,
    "probe-seed": "0",
    story: null,
    mc: null,
    "mc-from": null,
  });
  const mc = readLink("?mc=24&mc-from=-3&seed=5");
  assert.deepEqual([mc.page.mc, mc.page["mc-from"], mc.problems], [24, "-3", []]);
  assert.deepEqual({ ...mc.configText }, { seed: "5" });
  assert.match(linkQuery(ARTICLE, NAMES, mc.page), /&mc=24&mc-from=-3$/);
  const badMc = readLink("?mc=0&mc-from=x");
  assert.deepEqual([badMc.page.mc, badMc.page["mc-from"]], [null, null]);
  assert.deepEqual(
    badMc.problems.map((p) => p.field),
    ["mc", "mc-from"],
  );
  assert.match(badMc.problems[0].message, /mc must be an integer in \[1, 10000\]/);
  // The view fields are page fields: not sent to the grammar.
  const view = readLink("?theme=dark&panels=mean&frame-height=480&seed=3");
  assert.deepEqual({ ...view.configText }, { seed: "3" });
  assert.equal(view.page.theme, "dark");
  assert.deepEqual(view.page.panels, ["mean"]);
  assert.equal(view.page["frame-height"], 480);
  assert.equal(
    linkQuery(ARTICLE, NAMES, { ...view.page, embed: true })
      .split("&")
      .slice(-4)
      .join("&"),
    "embed=1&theme=dark&panels=mean&frame-height=480",
  );
});

test("linkQuery writes the config in the grammar's order, then the page's fields", () => {
  const config = { ...ARTICLE, seed: "18446744073709551615", momentum: null, eps: 1e-7 };
  const q = linkQuery(config, NAMES, { embed: true });
  assert.equal(
    q,
    "seed=18446744073709551615&batch=20&channels=3&height=1&width=1&steps=2000&momentum=none&eps=1e-7&embed=1",
  );
  assert.equal(linkQuery(ARTICLE, NAMES, { embed: false }).includes("embed"), false);
  // Read back: the same text the form would send.
  const back = readLink("?" + q);
  for (const name of NAMES) assert.equal(back.configText[name], formatValue(config[name]));
  assert.equal(
    pageUrl("a=1", "http://h/p/?x=2#frag"),
    "http://h/p/?a=1",
    "the query replaced, no fragment",
  );
  assert.equal(shownValue("a\u001b]0;x\u0007b"), "a?]0;x?b");
});

function chunk(firstStep, steps, C, f) {
  const a = (n, T) => new T(n);
  const c = {
    firstStep,
    steps,
    runningMean: a(steps * C, Float32Array),
    runningVar: a(steps * C, Float32Array),
    manualMean: a(steps * C, Float64Array),
    manualVar: a(steps * C, Float64Array),
  };
  for (let i = 0; i < steps; i++) {
    for (let ch = 0; ch < C; ch++) {
      const v = f(firstStep + i, ch);
      c.runningMean[i * C + ch] = v;
      c.runningVar[i * C + ch] = 1 + v;
      c.manualMean[i * C + ch] = v / 2;
      c.manualVar[i * C + ch] = 1;
    }
  }
  return c;
}

test("TraceStore keeps every value and draws at most two points per bucket", () => {
  const total = 100000;
  const C = 2;
  const store = new TraceStore(C, total, { buckets: 500 });
  const f = (step, ch) => Math.sin(step / 50) + (step === 77777 && ch === 1 ? 5 : 0);
  for (let s = 1; s <= total; s += 3000)
    store.append(chunk(s, Math.min(3000, total - s + 1), C, f));
  assert.equal(store.stepsDone, total);
  const pts = store.display("runningMean", 1);
  assert.ok(pts.length <= 1000 && pts.length >= 500, `${pts.length} points`);
  // The spike survives decimation, at its step.
  const spike = pts.reduce((a, b) => (b.y > a.y ? b : a));
  assert.equal(spike.x, 77777);
  assert.ok(Math.abs(spike.y - Math.fround(f(77777, 1))) < 1e-6);
  // Points are in step order.
  for (let i = 1; i < pts.length; i++) assert.ok(pts[i].x > pts[i - 1].x);
  // |manual - running| is derived per step.
  const d = store.display("diffMean", 0);
  assert.ok(d.every((p) => p.y >= 0));
  // Every value is kept for the downloads.
  let n = 0;
  store.forEach(() => n++);
  assert.equal(n, total * C);
  assert.throws(() => store.append(chunk(5, 1, C, f)), /expected 100001/);
});

test("short runs are drawn one point per step", () => {
  const store = new TraceStore(3, 40);
  store.append(chunk(1, 25, 3, (s) => s));
  store.append(chunk(26, 15, 3, (s) => s));
  assert.deepEqual(
    store.display("runningMean", 2).map((p) => p.x),
    Array.from({ length: 40 }, (_, i) => i + 1),
  );
  assert.deepEqual(store.last().runningMean, [40, 40, 40]);
});

test("the expected spread matches a simulation of the running mean", () => {
  assert.ok(Math.abs(halfLife(0.1) - 6.5788) < 1e-4);
  assert.equal(halfLife(null), null);
  assert.equal(halfLife(0), Infinity);
  assert.equal(halfLife(1), 0);
  // Batch means of n standard normals: EMA with m, started at 0.
  const m = 0.1;
  const n = 20;
  let seed = 12345;
  const uniform = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) + 0.5) / 2147483648;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const runs = 4000;
  const t = 60;
  let sum2 = 0;
  let sum2early = 0;
  for (let r = 0; r < runs; r++) {
    let rm = 0;
    for (let s = 1; s <= t; s++) {
      rm = (1 - m) * rm + m * (normal() / Math.sqrt(n));
      if (s === 5) sum2early += rm * rm;
    }
    sum2 += rm * rm;
  }
  const within = (a, b) => Math.abs(a / b - 1) < 0.08;
  assert.ok(within(sum2 / runs, runningMeanVariance(m, n, t)), "after burn-in");
  assert.ok(within(sum2early / runs, runningMeanVariance(m, n, 5)), "during burn-in");
  assert.equal(runningMeanVariance(null, n, 10), 1 / 200);
  assert.ok(Math.abs(runningVarVariance(m, n, 1e6) - (m / (2 - m)) * (2 / 19)) < 1e-12);
  const band = bandPoints((s) => runningMeanVariance(m, n, s), 0, 2, 2000);
  assert.equal(band.upper[0].x, 1);
  assert.equal(band.upper.at(-1).x, 2000);
  assert.ok(band.upper.every((p, i) => Math.abs(p.y + band.lower[i].y) < 1e-15));
});

test("exports: shortest float32 text, CSV, JSON, PyTorch code, embed code", () => {
  for (const v of [0.1, 1e-7, 123456.789, -0.0628, 3.4e38]) {
    const f = Math.fround(v);
    assert.equal(Math.fround(Number(float32Text(f))), f);
  }
  assert.equal(float32Text(Math.fround(0.1)), "0.1");
  const store = new TraceStore(2, 3);
  store.append(chunk(1, 3, 2, (s, c) => s + c / 10));
  const csv = traceCsvParts(store).join("");
  assert.equal(csv.split("\n")[1], "1,1,1.1,2,2.1,0.5,0.55,1,1");
  const config = { ...ARTICLE, steps: 3, channels: 2 };
  const json = JSON.parse(traceJsonParts(store, config, '{"x": 1}').join(""));
  assert.deepEqual(json.running_mean, [
    [1, 1.1],
    [2, 2.1],
    [3, 3.1],
  ]);
  assert.deepEqual(json.summary, { x: 1 });
  const code = pytorchCode({ ...config, momentum: null, eps: 1 }, "http://x/");
  assert.match(code, /momentum=None/);
  assert.match(code, /eps=1\.0,/);
  assert.match(code, /for _ in range\(3\):/);
  // The embed snippet (snippets.js) takes the link's config fields as they are written.
  const pairs = [...new URLSearchParams(linkQuery(config, NAMES))];
  const embed = embedSnippet("fixed", 'http://h/p?"x"', pairs, {});
  assert.match(embed, /^<iframe src="http:\/\/h\/p\?seed=21&amp;batch=20/);
  assert.match(embed.split("\n")[0], /embed=1&amp;frame-height=\d+"/);
  const hostile = embedSnippet("fixed", "http://h/", [["seed", '"><script>']], {});
  assert.equal(hostile.includes("<script>"), false);
});

// The Monte Carlo lens's pure parts: the link fields mc= and mc-from=, seeds
// and flags, the pool's job queue (any completion order gives the lines in
// seed order), a --seeds line's float32 values, the histogram, the words, and
// the theory of running - manual against a simulation of the same process in
// double precision (tests/node/montecarlo_theory.test.mjs checks it against
// the module's own runs).
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseMcCount,
  parseMcFrom,
  MC_FIELD,
  MC_FROM_FIELD,
  seedRange,
  seedAt,
  seedFlags,
  poolSize,
  jobSize,
  SeedJobs,
  seedValues,
  distances,
  histogram,
  histogramTop,
  fractionAtMost,
} from "../../web/src/mc-math.js";
import {
  differenceTheory,
  normalCdf,
  absCdf,
  absPdf,
  absQuantile,
  expectedCounts,
} from "../../web/src/mc-theory.js";
import { percentileIn, seedVerdict, theoryWords } from "../../web/src/mc-words.js";
import { mulberry32, checkSeedText } from "./helpers.mjs";

test("mc= takes an integer in [1, 10000]; anything else names the field and range", () => {
  for (const [text, value] of [
    ["200", 200],
    [" 1", 1],
    ["+24", 24],
    ["10000", 10000],
    ["007", 7],
  ])
    assert.deepEqual(parseMcCount(text), { ok: true, value });
  for (const text of ["0", "10001", "-1", "1.5", "1e3", "", "abc", "<b>", "99999999", null]) {
    const r = parseMcCount(text);
    assert.equal(r.ok, false, String(text));
    assert.match(r.message, /^mc must be an integer in \[1, 10000\]/);
  }
  assert.equal(MC_FIELD.initial, null);
  assert.equal(MC_FIELD.write(null), null);
  assert.equal(MC_FIELD.write(24), "24");
});

test("mc-from= takes PyTorch's seed range as text, 64-bit seeds exact", () => {
  checkSeedText(parseMcFrom, "mc-from");
  assert.equal(MC_FROM_FIELD.write(null), null);
  assert.equal(MC_FROM_FIELD.write("5"), "5");
});

test("seeds count up from the first one, past 2^53 exactly, never past 2^64 - 1", () => {
  assert.equal(seedAt("9007199254740993", 2), "9007199254740995");
  assert.equal(seedAt("-1", 1), "0");
  assert.deepEqual(seedRange("21", 200), { ok: true, from: "21", count: 200 });
  assert.equal(seedRange("18446744073709551615", 1).ok, true);
  const r = seedRange("18446744073709551610", 10);
  assert.equal(r.ok, false);
  assert.match(r.message, /18446744073709551619/);
});

test("the config's flags: every field but the seed, as the link writes them", () => {
  const config = { seed: "21", batch: 20, momentum: null, eps: 0.00001, switch: null };
  const format = (v, name) => (v === null ? (name === "switch" ? "never" : "none") : String(v));
  assert.deepEqual(seedFlags(config, ["seed", "batch", "momentum", "eps", "switch"], format), [
    "--batch=20",
    "--momentum=none",
    "--eps=0.00001",
    "--switch=never",
  ]);
});

test("the pool's size follows the cores, at most 8, at most one worker per job", () => {
  assert.equal(poolSize(2, 100), 2);
  assert.equal(poolSize(64, 100), 8);
  assert.equal(poolSize(16, 3), 3);
  assert.equal(poolSize(undefined, 100), 2);
  assert.equal(poolSize(0, 100), 2);
  assert.equal(poolSize(4, 0), 1);
  // Jobs: ~2e6 values each, at least 4 per worker, at least one seed.
  assert.equal(jobSize(200, 2, 120000), 16);
  assert.equal(jobSize(200, 8, 1000), 7);
  assert.equal(jobSize(10, 2, 1e9), 1);
});

// A small seeded generator for the tests' own randomness, in [0, 1).
function random(seed) {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

test("jobs finishing in any order give every seed once, in seed order", () => {
  for (const [count, size, workers] of [
    [200, 16, 2],
    [24, 1, 8],
    [7, 3, 3],
    [1, 5, 1],
  ]) {
    const next = random(count * 31 + size);
    const jobs = new SeedJobs(count, size);
    const running = [];
    const taken = [];
    for (let w = 0; w < workers; w++) {
      const j = jobs.take();
      if (j) running.push(j);
    }
    while (running.length) {
      // A random worker finishes first and takes the next job.
      const [job] = running.splice(Math.floor(next() * running.length), 1);
      taken.push(job);
      const lines = Array.from({ length: job.count }, (_, i) => `seed ${job.index + i}`);
      assert.equal(jobs.complete(job, lines), true);
      assert.equal(jobs.complete(job, lines), false, "a job counted twice");
      const more = jobs.take();
      if (more) running.push(more);
    }
    assert.equal(jobs.finished(), true);
    assert.deepEqual(
      jobs.lines,
      Array.from({ length: count }, (_, i) => `seed ${i}`),
    );
    assert.deepEqual(jobs.prefix(), jobs.lines);
    assert.equal(
      taken.reduce((s, j) => s + j.count, 0),
      count,
    );
  }
});

test("cancel hands out no more jobs; the prefix stops at the first seed missing", () => {
  const jobs = new SeedJobs(10, 2);
  const a = jobs.take();
  const b = jobs.take();
  assert.equal(jobs.complete(b, ["2", "3"]), true);
  assert.deepEqual(jobs.prefix(), []);
  assert.equal(jobs.complete(a, ["0", "1"]), true);
  assert.deepEqual(jobs.prefix(), ["0", "1", "2", "3"]);
  assert.equal(jobs.complete(jobs.take(), ["too few"]), false);
  jobs.cancel();
  assert.equal(jobs.take(), null);
  assert.equal(jobs.finished(), false);
});

test("a --seeds line's values are float32 bit for bit, distances per channel", () => {
  const line =
    '{"config": {"seed": "21"}, "running_mean": [0.049912184, -0.014473879], ' +
    '"running_var": [1.0137455, 0.9154688], "num_batches_tracked": 5, ' +
    '"manual_mean": [0.10484369, -0.04354557], "manual_var": [1.0405694, null]}';
  const v = seedValues(line);
  assert.equal(v.seed, "21");
  assert.equal(v.runningMean[0], Math.fround(0.049912184));
  assert.equal(String(v.runningMean[0]), "0.04991218447685242");
  assert.ok(Number.isNaN(v.manualVar[1]));
  const d = distances([v, v], "mean");
  assert.equal(d.length, 4);
  assert.equal(d[0], Math.abs(Math.fround(0.049912184) - Math.fround(0.10484369)));
  assert.equal(d[3], d[1]);
  assert.ok(Number.isNaN(distances([v], "var")[1]));
});

test("the histogram: equal bins from 0, the top value in the last bin, NaN apart", () => {
  const h = histogram([0, 0.05, 0.1, 0.15, 0.999, 1, 1.2, NaN], 10, 1);
  // Bins are [lo, hi): 0.1 opens bin 1; 1 and 1.2 go in the last bin.
  assert.deepEqual(h.counts, [2, 2, 0, 0, 0, 0, 0, 0, 0, 3]);
  assert.equal(h.nan, 1);
  assert.equal(h.edges.length, 11);
  assert.equal(h.edges[10], 1);
  const values = Array.from({ length: 1000 }, (_, i) => (i * 0.731) % 0.4);
  const g = histogram(values, 30, histogramTop(values));
  assert.equal(
    g.counts.reduce((a, b) => a + b, 0),
    1000,
  );
  assert.equal(histogramTop([0.031], 0), 0.05);
  assert.equal(histogramTop([0.2], 0.49), 0.5);
  assert.equal(histogramTop([0, 0], 0), 1e-7);
  assert.equal(fractionAtMost([1, 2, 3, NaN], 2), 2 / 3);
});

test("the folded normal: cdf, density and quantiles agree", () => {
  assert.ok(Math.abs(normalCdf(1.959963985) - 0.975) < 2e-7);
  assert.ok(Math.abs(normalCdf(-1) - 0.158655254) < 2e-7);
  // |N(0, 1)|: the median is 0.6745, the 95% quantile 1.96.
  assert.ok(Math.abs(absQuantile(0.5, 0, 1) - 0.67449) < 1e-4);
  assert.ok(Math.abs(absQuantile(0.95, 0, 2) - 2 * 1.959964) < 1e-4);
  for (const [mu, sd] of [
    [0, 1],
    [-1, 0.07],
    [0.3, 0.2],
  ]) {
    for (const p of [0.1, 0.5, 0.9, 0.999])
      assert.ok(Math.abs(absCdf(absQuantile(p, mu, sd), mu, sd) - p) < 1e-6);
    // The density integrates to the cdf (midpoint rule).
    const x = Math.abs(mu) + sd;
    let area = 0;
    const steps = 4000;
    for (let i = 0; i < steps; i++) area += (absPdf(((i + 0.5) * x) / steps, mu, sd) * x) / steps;
    assert.ok(Math.abs(area - absCdf(x, mu, sd)) < 1e-5, `${mu} ${sd}`);
    const e = expectedCounts([0, x, 100 * (Math.abs(mu) + sd)], 1000, mu, sd);
    assert.ok(Math.abs(e[0] + e[1] - 1000) < 1e-3);
  }
  assert.equal(absQuantile(0.5, -0.25, 0), 0.25);
});

// The process the theory describes, in double precision: T batches of n
// values per step from the step's regime, the EMA (or cumulative average)
// until the freeze, the manual mean and unbiased variance of all values.
function simulate(c, trials, next) {
  const gauss = () => {
    const u = 1 - next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * next());
  };
  const n = c.batch * c.height * c.width;
  const out = { mean: [], var: [] };
  for (let r = 0; r < trials; r++) {
    let rm = 0;
    let rv = 1;
    let sum = 0;
    let sumSq = 0;
    const F = c.freeze === null ? c.steps : Math.min(c.freeze, c.steps);
    for (let k = 1; k <= c.steps; k++) {
      const after = c.switch !== null && k > c.switch;
      const shift = after ? (c.shift2 ?? c.shift) : c.shift;
      const scale = after ? (c.scale2 ?? c.scale) : c.scale;
      let s = 0;
      let q = 0;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        xs[i] = gauss() * scale + shift;
        s += xs[i];
      }
      const b = s / n;
      for (let i = 0; i < n; i++) q += (xs[i] - b) * (xs[i] - b);
      sum += s;
      sumSq += q + n * b * b; // sum of x^2
      if (k <= F) {
        const a = c.momentum === null ? 1 / k : c.momentum;
        rm = (1 - a) * rm + a * b;
        rv = (1 - a) * rv + a * (q / (n - 1));
      }
    }
    const N = c.steps * n;
    const M = sum / N;
    const V = (sumSq - N * M * M) / (N - 1);
    out.mean.push(rm - M);
    out.var.push(rv - V);
  }
  return out;
}

const base = {
  batch: 4,
  height: 1,
  width: 1,
  steps: 120,
  momentum: 0.1,
  shift: 0,
  scale: 1,
  switch: null,
  shift2: null,
  scale2: null,
  freeze: null,
};

test("the theory's mean and spread of running - manual match a simulation of the process", () => {
  const configs = [
    base,
    { ...base, momentum: null },
    { ...base, momentum: 0.5, batch: 2, height: 2, width: 2 },
    { ...base, shift: 2, scale: 3, switch: 40, shift2: -1, scale2: 0.5 },
    { ...base, freeze: 70, shift: 1 },
    { ...base, momentum: 0.01, steps: 60, freeze: 0 },
  ];
  const trials = 3000;
  for (const [i, c] of configs.entries()) {
    const th = differenceTheory(c);
    const sim = simulate(c, trials, random(1000 + i));
    for (const stat of ["mean", "var"]) {
      const xs = sim[stat];
      const m = xs.reduce((a, b) => a + b, 0) / trials;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / (trials - 1));
      const { mu, sd: want } = th[stat];
      const what = `config ${i} ${stat}: simulated ${m} ± ${sd}, theory ${mu} ± ${want}`;
      // The mean within 4.5 standard errors; the sd within 8% (3000 trials: ~1.3% each).
      assert.ok(Math.abs(m - mu) <= 4.5 * (want / Math.sqrt(trials)) + 1e-12, what);
      if (want > 0) assert.ok(Math.abs(sd / want - 1) < 0.08, what);
      else assert.ok(sd < 1e-12, what);
    }
  }
});

test("momentum None without a freeze: running_mean - manual_mean is 0 exactly", () => {
  const th = differenceTheory({ ...base, momentum: null, steps: 2000, batch: 20 });
  assert.equal(th.mean.sd, 0);
  assert.equal(th.mean.mu, 0);
  assert.match(theoryWords("mean", th.mean, { momentum: null }), /float32 rounding alone/);
  assert.ok(th.var.sd > 0);
  assert.equal(differenceTheory({ ...base, steps: 0 }), null);
  assert.equal(differenceTheory({ ...base, steps: 1, batch: 1 }).var, null);
});

test("the words: percentiles and where the link's seed falls", () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i / 100);
  assert.equal(percentileIn(sorted, 0.495), 50);
  assert.equal(percentileIn(sorted, 2), 100);
  assert.equal(percentileIn(sorted, -1), 0);
  const typical = seedVerdict("21", "mean", { value: 0.0312, percentile: 62 });
  assert.equal(typical.head, "Seed 21 is typical.");
  assert.match(typical.rest, /= 0\.031, is at percentile 62 .*: 38% of seeds are further/);
  assert.equal(
    seedVerdict("21", "var", { value: 1, percentile: 97.5 }).head,
    "Seed 21 is in the tail.",
  );
  const close = seedVerdict("7", "var", { value: 0.001, percentile: 2 });
  assert.equal(close.head, "Seed 7 is unusually close.");
  assert.match(close.rest, /2% of seeds are closer/);
  assert.match(seedVerdict("21", "mean", null).head, /not among the seeds run/);
});

// The distance-from-truth chart's data (web/src/distance.js), in Node: step
// sampling, reading the trace's chunks, and the expected distances checked
// against a simulation of BatchNorm's running and manual estimates.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  sampleSteps,
  distanceSeries,
  expectedDistance,
  expectationSeries,
  emaFloor,
  distanceRange,
} from "../../web/src/distance.js";
import { mulberry32 } from "./helpers.mjs";

test("sampleSteps: every step while few, then geometric, always ending at the last", () => {
  assert.deepEqual(sampleSteps(0), []);
  assert.deepEqual(sampleSteps(5), [1, 2, 3, 4, 5]);
  for (const [done, max] of [
    [2000, 400],
    [1000000, 400],
    [401, 400],
    [7, 3],
  ]) {
    const s = sampleSteps(done, max);
    assert.equal(s[0], 1);
    assert.equal(s.at(-1), done);
    assert.ok(s.length <= max + 1, `${s.length} points for ${done}`);
    for (let i = 1; i < s.length; i++) assert.ok(s[i] > s[i - 1], "strictly increasing");
  }
  // Geometric: as many points in the first decade as in the last.
  const s = sampleSteps(1000000, 400);
  const inDecade = (a, b) => s.filter((t) => t >= a && t < b).length;
  assert.ok(Math.abs(inDecade(1e5, 1e6) - inDecade(1e3, 1e4)) <= 2);
});

// A trace of C channels in chunks of uneven length, values from f(step, c).
function chunks(total, C, sizes, f) {
  const out = [];
  let first = 1;
  for (let k = 0; first <= total; k++) {
    const steps = Math.min(sizes[k % sizes.length], total - first + 1);
    const make = (T, g) => {
      const a = new T(steps * C);
      for (let i = 0; i < steps; i++) for (let c = 0; c < C; c++) a[i * C + c] = g(first + i, c);
      return a;
    };
    out.push({
      firstStep: first,
      steps,
      runningMean: make(Float32Array, (t, c) => f(t, c).rm),
      runningVar: make(Float32Array, (t, c) => f(t, c).rv),
      manualMean: make(Float64Array, (t, c) => f(t, c).mm),
      manualVar: make(Float64Array, (t, c) => f(t, c).mv),
    });
    first += steps;
  }
  return out;
}

test("distanceSeries reads each sampled step of one channel across chunk boundaries", () => {
  const f = (t, c) => ({ rm: -t / 8 - c, rv: 1 + t / 4 + c, mm: t % 3 === 0 ? 0 : t + c, mv: 0.5 });
  const list = chunks(50, 3, [7, 1, 13], f);
  const steps = [1, 2, 7, 8, 9, 21, 22, 49, 50];
  const d = distanceSeries(list, 3, 2, steps);
  assert.deepEqual(
    d.runningMean.map((p) => p.x),
    steps,
  );
  steps.forEach((t, i) => {
    assert.equal(d.runningMean[i].y, Math.abs(Math.fround(-t / 8 - 2)));
    assert.equal(d.runningVar[i].y, Math.abs(Math.fround(1 + t / 4 + 2) - 1));
    // An exact hit leaves a gap on the logarithmic axis instead of a zero.
    assert.equal(d.manualMean[i].y, t % 3 === 0 ? null : t + 2);
    assert.equal(d.manualVar[i].y, 0.5);
  });
  // Steps not traced yet are left out.
  assert.equal(distanceSeries(list, 3, 0, [1, 50, 51, 60]).manualVar.length, 2);
});

// BatchNorm's update on randn batches of n values, in double: running mean and
// unbiased variance with momentum m (or the cumulative average), manual
// statistics of every value so far.
function simulate({ momentum, n, steps, replicas, checkAt }) {
  // In (0, 1): never 0, whose log the normal draw would take.
  const next = mulberry32(987654321);
  const uniform = () => (next() + 0.5) / 4294967296;
  const normal = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const sums = checkAt.map(() => ({ runningMean: 0, runningVar: 0, manualMean: 0, manualVar: 0 }));
  for (let r = 0; r < replicas; r++) {
    let rm = 0;
    let rv = 1;
    let count = 0;
    let total = 0;
    let total2 = 0;
    for (let t = 1; t <= steps; t++) {
      let s = 0;
      let s2 = 0;
      for (let i = 0; i < n; i++) {
        const x = normal();
        s += x;
        s2 += x * x;
      }
      const mean = s / n;
      const unbiased = (s2 - n * mean * mean) / (n - 1);
      const w = momentum === null ? 1 / t : momentum;
      rm = (1 - w) * rm + w * mean;
      rv = (1 - w) * rv + w * unbiased;
      count += n;
      total += s;
      total2 += s2;
      const j = checkAt.indexOf(t);
      if (j >= 0) {
        const mm = total / count;
        const mv = (total2 - count * mm * mm) / (count - 1);
        sums[j].runningMean += Math.abs(rm);
        sums[j].runningVar += Math.abs(rv - 1);
        sums[j].manualMean += Math.abs(mm);
        sums[j].manualVar += Math.abs(mv - 1);
      }
    }
  }
  return sums.map((s) => Object.fromEntries(Object.entries(s).map(([k, v]) => [k, v / replicas])));
}

test("expected distances match a simulation: the manual ones shrink, the running ones stall", () => {
  for (const momentum of [0.1, 0.3, null]) {
    const n = 12;
    const checkAt = [2, 10, 200];
    const got = simulate({ momentum, n, steps: 200, replicas: 2500, checkAt });
    checkAt.forEach((t, j) => {
      const want = expectedDistance(momentum, n, t);
      for (const key of Object.keys(want)) {
        const ratio = got[j][key] / want[key];
        assert.ok(Math.abs(ratio - 1) < 0.07, `m=${momentum} t=${t} ${key}: ${ratio}`);
      }
    });
  }
  // The manual distance keeps shrinking like 1/sqrt(t); the running one reaches its floor.
  const e = (t) => expectedDistance(0.1, 20, t);
  assert.ok(Math.abs(e(400).manualMean / e(100).manualMean - 0.5) < 1e-12);
  const floor = emaFloor(0.1, 20);
  assert.ok(Math.abs(e(2000).runningMean / floor.mean - 1) < 1e-12);
  assert.ok(Math.abs(e(2000).runningVar / floor.var - 1) < 1e-12);
  // The article's config: the running mean stalls near 0.04, the manual one reaches ~0.004.
  assert.ok(floor.mean > 0.04 && floor.mean < 0.042, `${floor.mean}`);
  assert.ok(e(2000).manualMean > 0.0039 && e(2000).manualMean < 0.0041);
  assert.equal(emaFloor(null, 20), null);
  assert.deepEqual(emaFloor(0, 20), { mean: 0, var: 0 });
  // One value per batch: no variance of one value.
  assert.ok(Number.isNaN(expectedDistance(0.1, 1, 1).manualVar));
  assert.ok(Number.isNaN(expectedDistance(0.1, 1, 5).runningVar));
  assert.ok(expectedDistance(0.1, 1, 2).manualVar > 0);
});

test("expectation curves and fixed ranges cover the data of any run", () => {
  const steps = sampleSteps(5000);
  const curves = expectationSeries(0.1, 20, steps);
  assert.deepEqual(
    curves.manualMean.map((p) => p.x),
    steps,
  );
  assert.ok(curves.manualMean.every((p, i) => i === 0 || p.y < curves.manualMean[i - 1].y));
  // momentum 0: the running estimates never move, no curve to draw.
  assert.ok(expectationSeries(0, 20, [1, 2]).runningMean.every((p) => p.y === null));
  for (const n of [1, 2, 20, 4096]) {
    for (const total of [1, 100, 2000, 1000000]) {
      for (const stat of ["mean", "var"]) {
        const { min, max } = distanceRange(n, total, stat);
        assert.ok(min > 0 && min < max, `${n} ${total} ${stat}`);
        assert.ok(Number.isInteger(Math.log10(min)), "powers of ten");
        assert.ok(Number.isInteger(Math.log10(max)), "powers of ten");
        const key = stat === "mean" ? "Mean" : "Var";
        const manualEnd = expectedDistance(null, n, total)[`manual${key}`];
        for (const momentum of [null, 1e-6, 0.01, 0.1, 0.5, 1]) {
          for (const t of [1, 2, Math.ceil(total / 2), total]) {
            const e = expectedDistance(momentum, n, t);
            for (const v of [e[`manual${key}`], e[`running${key}`]]) {
              // Typical distances sit inside with room for the noise around them.
              if (v >= manualEnd)
                assert.ok(v > min * 10 && v < max / 3, `${v} in [${min}, ${max}]`);
            }
          }
        }
      }
    }
  }
});

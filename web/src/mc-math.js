// Monte Carlo over seeds, the pure parts (shared by the page, the bench and
// the tests): the link fields mc= and mc-from=, the seeds of a run, the CLI
// flags of a config, the pool's job queue, one `bnlab --seeds --json` line's
// values, the distances |running - manual| and their histogram.

export const MC_DEFAULT_COUNT = 200;
export const MC_MAX_COUNT = 10000;
// Seeds × channels kept (each seed's JSON line is kept for the download).
export const MC_MAX_VALUES = 262144;
const SEED_MIN = -(2n ** 63n);
const SEED_MAX = 2n ** 64n - 1n;
const SEED_RANGE = "an integer in [-9223372036854775808, 18446744073709551615]";

// mc=K: how many seeds (and, with the seeds lens open, "run them now").
export function parseMcCount(raw) {
  const text = String(raw ?? "").trim();
  const bad = { ok: false, message: `mc must be an integer in [1, ${MC_MAX_COUNT}]` };
  if (!/^\+?\d{1,7}$/.test(text)) return bad;
  const k = Number(text);
  return k >= 1 && k <= MC_MAX_COUNT ? { ok: true, value: k } : bad;
}

// mc-from=S: the first seed (absent: the config's own seed), as text.
export function parseMcFrom(raw) {
  const text = String(raw ?? "").trim();
  const bad = { ok: false, message: `mc-from must be ${SEED_RANGE}` };
  if (!/^[+-]?\d{1,20}$/.test(text)) return bad;
  const value = BigInt(text);
  if (value < SEED_MIN || value > SEED_MAX) return bad;
  return { ok: true, value: value.toString() };
}

// The entries for link.js's PAGE_FIELDS: both left out of the link when unset.
export const MC_FIELD = Object.freeze({
  initial: null,
  parse: parseMcCount,
  write: (value) => (value === null ? null : String(value)),
});
export const MC_FROM_FIELD = Object.freeze({
  initial: null,
  parse: parseMcFrom,
  write: (value) => value ?? null,
});

// Seeds from, from + 1, ..., from + count - 1 as --seeds takes them, or an
// error when the last one is past PyTorch's range.
export function seedRange(from, count) {
  const first = BigInt(from);
  const last = first + BigInt(count) - 1n;
  if (last > SEED_MAX) {
    return {
      ok: false,
      message: `the last seed (${last}) is past 18446744073709551615: start lower or run fewer seeds`,
    };
  }
  return { ok: true, from: first.toString(), count };
}

export function seedAt(from, index) {
  return (BigInt(from) + BigInt(index)).toString();
}

// The config's flags for `bnlab --seeds` (every field but the seed, which
// --seeds names): ["--batch=20", "--momentum=none", ...]. `format(value, name)`
// writes a value as the link does (link.js's formatValue).
export function seedFlags(config, names, format) {
  return names.filter((n) => n !== "seed").map((n) => `--${n}=${format(config[n], n)}`);
}

// Workers in the pool: the machine's cores (navigator.hardwareConcurrency),
// at most 8 (memory: a module each) and never more than there are jobs.
export function poolSize(cores, jobs, cap = 8) {
  const c = Number.isInteger(cores) && cores > 0 ? cores : 2;
  return Math.max(1, Math.min(c, cap, jobs));
}

// Seeds per job: about `target` input values each (a few dozen ms, so that
// progress and cancel stay fine-grained), and at least ~4 jobs per worker.
export function jobSize(count, workers, valuesPerSeed, target = 2e6) {
  const byWork = Math.floor(target / Math.max(1, valuesPerSeed));
  const byBalance = Math.ceil(count / (4 * Math.max(1, workers)));
  return Math.max(1, Math.min(byWork, byBalance));
}

// The pool's queue: jobs {index, count} handed out in seed order to whichever
// worker is free; their lines land at their seeds' places, so the result is
// in seed order whatever order the workers finish in.
export class SeedJobs {
  constructor(count, size) {
    this.count = count;
    this.size = Math.max(1, size);
    this.next = 0;
    this.done = 0;
    this.lines = new Array(count).fill(null);
    this.cancelled = false;
  }

  take() {
    if (this.cancelled || this.next >= this.count) return null;
    const job = { index: this.next, count: Math.min(this.size, this.count - this.next) };
    this.next += job.count;
    return job;
  }

  // A job's output lines; returns false (nothing kept) for a wrong count or a
  // job that already came back.
  complete(job, lines) {
    if (lines.length !== job.count) return false;
    if (this.lines[job.index] !== null) return false;
    for (let i = 0; i < job.count; i++) this.lines[job.index + i] = lines[i];
    this.done += job.count;
    return true;
  }

  cancel() {
    this.cancelled = true;
  }

  finished() {
    return this.done === this.count;
  }

  // The lines of the seeds done so far from the first, in order.
  prefix() {
    const out = [];
    for (const line of this.lines) {
      if (line === null) break;
      out.push(line);
    }
    return out;
  }
}

// One `bnlab --seeds ... --json` line: its seed and final statistics as
// float32 (the line prints each float32 with round-trip digits).
export function seedValues(line) {
  const j = JSON.parse(line);
  const f32 = (a) => Float32Array.from(a, (v) => (v === null ? Number.NaN : v));
  return {
    seed: String(j.config.seed),
    runningMean: f32(j.running_mean),
    runningVar: f32(j.running_var),
    manualMean: f32(j.manual_mean),
    manualVar: f32(j.manual_var),
    // What the article prints: the mean over channels of |manual - running|.
    meanAbsDiff: { mean: j.mean_abs_diff?.mean ?? null, var: j.mean_abs_diff?.var ?? null },
  };
}

// |running - manual| of every seed's every channel ("mean" or "var"), in
// double from the float32 values (exact: the difference of two floats fits).
export function distances(seeds, stat) {
  const key = stat === "mean" ? "Mean" : "Var";
  const total = seeds.reduce((s, v) => s + v[`running${key}`].length, 0);
  const out = new Float64Array(total);
  let i = 0;
  for (const v of seeds) {
    const r = v[`running${key}`];
    const m = v[`manual${key}`];
    for (let c = 0; c < r.length; c++) out[i++] = Math.abs(r[c] - m[c]);
  }
  return out;
}

// Counts of values in `bins` equal bins over [0, hi] (hi > 0; a value at hi
// goes in the last bin, one above it too); NaN values are counted apart.
export function histogram(values, bins, hi) {
  const counts = new Array(bins).fill(0);
  let nan = 0;
  const width = hi / bins;
  for (const v of values) {
    if (!(v >= 0) && !(v < 0)) {
      nan++;
      continue;
    }
    const b = Math.min(bins - 1, Math.max(0, Math.floor(v / width)));
    counts[b]++;
  }
  const edges = Array.from({ length: bins + 1 }, (_, i) => i * width);
  return { edges, counts, nan, width };
}

// The histogram's upper end: the largest value and the theory's `theoryHi`
// (a high quantile), a little wider, rounded up to 1, 2 or 5 × 10^k.
export function histogramTop(values, theoryHi = 0) {
  let max = 0;
  for (const v of values) if (v > max) max = v;
  const top = Math.max(max, Number.isFinite(theoryHi) ? theoryHi : 0) * 1.02;
  if (!(top > 0)) return 1e-7;
  const p = Math.pow(10, Math.floor(Math.log10(top)));
  return [1, 2, 2.5, 5, 10].map((f) => f * p).find((s) => s >= top) ?? 10 * p;
}

// The fraction of `values` at most x (NaN values left out).
export function fractionAtMost(values, x) {
  let n = 0;
  let total = 0;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    total++;
    if (v <= x) n++;
  }
  return total ? n / total : Number.NaN;
}

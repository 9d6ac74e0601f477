// What to expect from the running statistics under the scenario fields: each
// batch is randn * scale + shift (shift2/scale2 after `switch`), and nothing
// updates after `freeze` (model.eval()). The expected path and spread of the
// running mean and variance, step by step, from the update rule itself:
// E <- (1-a) E + a mu, Var <- (1-a)^2 Var + a^2 s2 (a = momentum, or 1/t for
// momentum=None), s2 = sigma^2/n for the mean and 2 sigma^4/(n-1) for the
// unbiased batch variance. Without scenario fields it is theory.js's formulas.

// True when the config uses any scenario field (the article's charts otherwise).
// (A config from before the scenario fields, without them, is the article's.)
export function hasScenario(c) {
  return (
    (c.shift ?? 0) !== 0 ||
    (c.scale ?? 1) !== 1 ||
    (c.switch ?? null) !== null ||
    (c.freeze ?? null) !== null
  );
}

// {shift, scale} of step k (steps count from 1), as the loop draws it.
export function regimeAt(c, k) {
  if (c.switch !== null && k > c.switch) {
    return { shift: c.shift2 ?? c.shift, scale: c.scale2 ?? c.scale };
  }
  return { shift: c.shift, scale: c.scale };
}

// The regimes of a run: [{from, to, shift, scale}] (steps, inclusive).
export function regimes(c) {
  const first = { from: 1, to: c.steps, ...regimeAt(c, 1) };
  if (c.switch === null || c.switch >= c.steps) return [first];
  if (c.switch === 0) return [{ ...first, ...regimeAt(c, 1) }];
  return [
    { ...first, to: c.switch },
    { from: c.switch + 1, to: c.steps, ...regimeAt(c, c.switch + 1) },
  ];
}

// The steps at which a band is sampled: dense at the start and after each
// change (switch, freeze), linear in between; at most ~4 * samples points.
function sampleSteps(c, samples) {
  const T = c.steps;
  const set = new Set([1, T]);
  const starts = [0];
  if (c.switch !== null && c.switch < T) starts.push(c.switch);
  if (c.freeze !== null && c.freeze < T) starts.push(c.freeze);
  for (let i = 0; i <= samples; i++) set.add(Math.round(1 + ((T - 1) * i) / samples));
  for (const s of starts) {
    set.add(Math.max(1, s));
    set.add(Math.min(T, s + 1));
    for (let i = 0; i <= samples; i++)
      set.add(Math.min(T, s + Math.round(Math.pow(T, i / samples))));
  }
  return [...set].filter((t) => t >= 1 && t <= T).sort((a, b) => a - b);
}

// The expected running statistics of the run at sampled steps, with their
// standard deviations: {steps, mean: {center, sd}, var: {center, sd}}.
export function expectedRun(c, samples = 240) {
  const n = c.batch * c.height * c.width;
  const steps = sampleSteps(c, samples);
  const out = { steps, mean: { center: [], sd: [] }, var: { center: [], sd: [] } };
  let em = 0;
  let vm = 0;
  let ev = 1;
  let vv = 0;
  let tracked = 0;
  let next = 0;
  for (let t = 1; t <= c.steps && next < steps.length; t++) {
    if (c.freeze === null || t <= c.freeze) {
      tracked++;
      const a = c.momentum === null ? 1 / tracked : c.momentum;
      const { shift, scale } = regimeAt(c, t);
      const s2 = scale * scale;
      em = (1 - a) * em + a * shift;
      vm = (1 - a) * (1 - a) * vm + (a * a * s2) / n;
      ev = (1 - a) * ev + a * s2;
      vv = n >= 2 ? (1 - a) * (1 - a) * vv + (a * a * 2 * s2 * s2) / (n - 1) : 0;
    }
    if (t === steps[next]) {
      out.mean.center.push(em);
      out.mean.sd.push(Math.sqrt(vm));
      out.var.center.push(ev);
      out.var.sd.push(Math.sqrt(vv));
      next++;
    }
  }
  return out;
}

// The ±k·sd band of one statistic ("mean" or "var") as chart points.
export function scenarioBand(run, stat, k = 2) {
  const { center, sd } = run[stat];
  return {
    upper: run.steps.map((x, i) => ({ x, y: center[i] + k * sd[i] })),
    lower: run.steps.map((x, i) => ({ x, y: center[i] - k * sd[i] })),
  };
}

// The y range {min, max} of a statistic's chart: every regime's true value,
// the start value (0 or 1), and `half` (the article's half-height for this n)
// scaled to the widest regime, so that the band and the noise fit.
export function scenarioRange(c, stat, half) {
  const list = regimes(c);
  const values = list.map((r) => (stat === "mean" ? r.shift : r.scale * r.scale));
  values.push(stat === "mean" ? 0 : 1);
  const widest = Math.max(...list.map((r) => (stat === "mean" ? r.scale : r.scale * r.scale)));
  // The manual variance of a switched run mixes the regimes: p1 s1 + p2 s2 + p1 p2 (mu1 - mu2)^2.
  if (stat === "var" && list.length === 2) {
    const [r1, r2] = list;
    const n1 = r1.to - r1.from + 1;
    for (let t = r2.from; t <= r2.to; t += Math.max(1, Math.floor((r2.to - r2.from) / 64))) {
      const p1 = n1 / t;
      const p2 = 1 - p1;
      const d = r1.shift - r2.shift;
      values.push(p1 * r1.scale ** 2 + p2 * r2.scale ** 2 + p1 * p2 * d * d);
    }
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const pad = Math.max(half * widest, 0.08 * (hi - lo), 0.05);
  // A variance is never below 0.
  const min = stat === "var" ? Math.max(lo - pad, 0) : lo - pad;
  return niceRange(min, hi + pad);
}

// [min, max] widened to whole ticks of 1, 2, 2.5 or 5 times a power of ten
// (about 4 to 8 ticks): {min, max, step}.
export function niceRange(min, max) {
  const raw = (max - min) / 5;
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * p).find((s) => s >= raw) ?? 10 * p;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  // Rounded to the step's decimals: no 0.30000000000000004 on an axis.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  const round = (v) => Number(v.toFixed(digits));
  return { min: round(lo), max: round(hi), step };
}

// Vertical markers for the charts: the switch and the freeze inside the run.
export function scenarioMarkers(c) {
  const out = [];
  if (c.switch !== null && c.switch < c.steps) {
    out.push({ x: c.switch, label: `switch after step ${c.switch}`, kind: "switch" });
  }
  if (c.freeze !== null && c.freeze < c.steps) {
    out.push({ x: c.freeze, label: `eval() after step ${c.freeze}`, kind: "freeze" });
  }
  return out;
}

// The distance chart under shift and scale: each step's true value is its
// regime's (shift, scale^2); the theory's typical distances scale with scale
// (scale^2 for the variance) and are left out once a switch mixes regimes (no
// one curve fits); the y range widens with the largest scale.
export function scenarioTruth(c) {
  return (t) => {
    const { shift, scale } = regimeAt(c, t);
    return { mean: shift, var: scale * scale };
  };
}

export function scaledTheory(c, theory) {
  const switched = c.switch !== null && c.switch < c.steps;
  const f = { mean: c.scale, var: c.scale * c.scale };
  const out = {};
  for (const [key, points] of Object.entries(theory)) {
    const k = key.endsWith("Mean") ? f.mean : f.var;
    out[key] = switched
      ? []
      : points.map((p) => ({ x: p.x, y: p.y === null ? null : p.y * k || null }));
  }
  return out;
}

export function scaledDistanceRange(c, range, stat) {
  const widest = Math.max(...regimes(c).map((r) => r.scale));
  const k = Math.max(stat === "mean" ? widest : widest * widest, 1e-3);
  return {
    min: Math.pow(10, Math.floor(Math.log10(range.min * k))),
    max: Math.pow(10, Math.ceil(Math.log10(range.max * k))),
  };
}

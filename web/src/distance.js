// The "distance from the true value" chart's data: the inputs are randn, so the
// true mean is 0 and the true variance 1, and each estimate's error |x - truth|
// shows the lesson: the manual estimate keeps shrinking like 1/sqrt(t n), the
// running (EMA) one stalls at a floor set by the momentum. Pure: no DOM.
import { runningMeanVariance, runningVarVariance } from "./theory.js";

export const TRUE_MEAN = 0;
export const TRUE_VAR = 1;

// E|X| for X ~ N(0, s^2) is sqrt(2/pi) s: the curves show the typical distance
// itself, so that a noisy line should scatter around them.
const ABS_NORMAL = Math.sqrt(2 / Math.PI);

// Steps 1..stepsDone to draw on a logarithmic step axis: every step while
// there are few, then geometrically spaced (the last step always included).
export function sampleSteps(stepsDone, maxPoints = 400) {
  const last = Math.floor(stepsDone);
  if (!(last >= 1)) return [];
  if (last <= maxPoints) return Array.from({ length: last }, (_, i) => i + 1);
  const steps = [];
  const ratio = Math.log(last) / (maxPoints - 1);
  let previous = 0;
  for (let i = 0; i < maxPoints; i++) {
    const t = Math.max(previous + 1, Math.round(Math.exp(ratio * i)));
    if (t > last) break;
    steps.push(t);
    previous = t;
  }
  if (steps[steps.length - 1] !== last) steps.push(last);
  return steps;
}

// A point for a logarithmic axis: zero, negative or non-finite distances
// (momentum 0 keeps the running mean at exactly 0) leave a gap.
function point(x, distance) {
  return { x, y: Number.isFinite(distance) && distance > 0 ? distance : null };
}

// Distances of the four estimates of one channel at the given (increasing)
// steps. `chunks` are the trace's chunks as the worker sends them
// ({firstStep, steps, runningMean, runningVar, manualMean, manualVar},
// step-major [i * channels + c], consecutive). truth(t) -> {mean, var}: the
// value estimated at step t when the scenario fields change it (else 0 and 1).
export function distanceSeries(chunks, channels, channel, steps, truth = null) {
  const out = { runningMean: [], manualMean: [], runningVar: [], manualVar: [] };
  let k = 0;
  for (const t of steps) {
    while (k < chunks.length && chunks[k].firstStep + chunks[k].steps <= t) k++;
    const chunk = chunks[k];
    if (!chunk || t < chunk.firstStep) break;
    if (chunk.dropped) continue; // a long run's middle (trace.js)
    const i = (t - chunk.firstStep) * channels + channel;
    const { mean, var: variance } = truth ? truth(t) : { mean: TRUE_MEAN, var: TRUE_VAR };
    out.runningMean.push(point(t, Math.abs(chunk.runningMean[i] - mean)));
    out.manualMean.push(point(t, Math.abs(chunk.manualMean[i] - mean)));
    out.runningVar.push(point(t, Math.abs(chunk.runningVar[i] - variance)));
    out.manualVar.push(point(t, Math.abs(chunk.manualVar[i] - variance)));
  }
  return out;
}

// Typical distance from the truth after t batches of n values per channel.
// Manual: the mean of t n values has variance 1/(t n), their unbiased variance
// 2/(t n - 1). Running: theory.js's exponential (or cumulative) average,
// started at the true values (running_mean 0, running_var 1).
export function expectedDistance(momentum, n, t) {
  const values = t * n;
  const sd = (variance) => (variance > 0 ? ABS_NORMAL * Math.sqrt(variance) : 0);
  return {
    manualMean: t >= 1 ? sd(1 / values) : NaN,
    manualVar: values >= 2 ? sd(2 / (values - 1)) : NaN,
    runningMean: sd(runningMeanVariance(momentum, n, t)),
    runningVar: n >= 2 ? sd(runningVarVariance(momentum, n, t)) : NaN,
  };
}

// Where the running estimates stall once the burn-in is over (t -> infinity):
// null for the cumulative average (momentum None), which has no floor.
export function emaFloor(momentum, n) {
  if (momentum === null) return null;
  const steady = momentum > 0 ? momentum / (2 - momentum) : 0;
  return {
    mean: ABS_NORMAL * Math.sqrt(steady / n),
    var: n >= 2 ? ABS_NORMAL * Math.sqrt((steady * 2) / (n - 1)) : NaN,
  };
}

// The expectation curves at the given steps, as chart points.
export function expectationSeries(momentum, n, steps) {
  const out = { runningMean: [], manualMean: [], runningVar: [], manualVar: [] };
  for (const t of steps) {
    const e = expectedDistance(momentum, n, t);
    for (const key of Object.keys(out)) out[key].push(point(t, e[key]));
  }
  return out;
}

// A fixed y range for a statistic that depends only on n and the run's
// length, so that runs with different momenta share their axes: from well under
// the manual estimate's typical distance after the last step to well over its
// distance after one batch, in powers of ten. No running estimate is
// typically farther than that (momentum 1 keeps only the last batch, as far as
// the manual estimate after one batch); one closer than the manual estimate's
// end (a tiny momentum) may leave it at the bottom.
export function distanceRange(n, totalSteps, statistic) {
  const key = statistic === "mean" ? "manualMean" : "manualVar";
  const end = expectedDistance(null, n, Math.max(1, totalSteps))[key];
  // One value per batch: the first defined variance is that of two values.
  const start = expectedDistance(null, n, n >= 2 ? 1 : 2)[key];
  const lo = end > 0 ? end / 30 : 1e-6;
  const hi = start > 0 ? start * 4 : 1;
  return {
    min: Math.pow(10, Math.floor(Math.log10(lo))),
    max: Math.pow(10, Math.ceil(Math.log10(hi))),
  };
}

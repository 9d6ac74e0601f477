// What to expect from the running statistics when every input is randn
// (stationary, mean 0, variance 1): formulas for the explanation panel and the
// shaded bands. n = values per channel per batch = batch * height * width.

// Batches after which an old batch's weight has halved: ln 2 / -ln(1 - m).
export function halfLife(momentum) {
  if (momentum === null) return null; // cumulative average: no fixed half-life
  if (momentum <= 0) return Infinity;
  if (momentum >= 1) return 0;
  return Math.LN2 / -Math.log1p(-momentum);
}

// Variance of the running mean after t batches, started at 0, for inputs with
// variance 1: m/(2-m) * (1 - (1-m)^(2t)) / n for an exponential moving average
// (m/(2-m) / n after burn-in), 1/(n t) for the cumulative average.
export function runningMeanVariance(momentum, n, t) {
  if (t <= 0) return 0;
  if (momentum === null) return 1 / (n * t);
  if (momentum <= 0) return 0;
  const decay = Math.pow(1 - momentum, 2 * t);
  return ((momentum / (2 - momentum)) * (1 - decay)) / n;
}

// Variance of the running variance after t batches, started at 1 (the true
// value): each batch's unbiased variance of n normal values has variance
// 2/(n-1), so m/(2-m) * (1 - (1-m)^(2t)) * 2/(n-1), or 2/((n-1) t) for the
// cumulative average.
export function runningVarVariance(momentum, n, t) {
  if (t <= 0 || n < 2) return 0;
  const batchVar = 2 / (n - 1);
  if (momentum === null) return batchVar / t;
  if (momentum <= 0) return 0;
  const decay = Math.pow(1 - momentum, 2 * t);
  return (momentum / (2 - momentum)) * (1 - decay) * batchVar;
}

// Standard deviation of the running mean after burn-in (t -> infinity), or
// after `t` batches for the cumulative average.
export function steadyRunningMeanStd(momentum, n, t) {
  if (momentum === null) return Math.sqrt(1 / (n * Math.max(t, 1)));
  if (momentum <= 0) return 0;
  return Math.sqrt(momentum / (2 - momentum) / n);
}

// Points (x = step) of the band mean +- k * std over [1, totalSteps], sampled
// so that the burn-in is resolved.
export function bandPoints(varianceAt, center, k, totalSteps, samples = 240) {
  const upper = [];
  const lower = [];
  if (totalSteps < 1) return { upper, lower };
  const steps = new Set([1, totalSteps]);
  // Dense near the start (burn-in), linear after.
  for (let i = 0; i <= samples; i++) {
    const linear = Math.round(1 + ((totalSteps - 1) * i) / samples);
    const geometric = Math.round(Math.pow(totalSteps, i / samples));
    steps.add(Math.min(totalSteps, Math.max(1, linear)));
    steps.add(Math.min(totalSteps, Math.max(1, geometric)));
  }
  for (const t of [...steps].sort((a, b) => a - b)) {
    const s = k * Math.sqrt(varianceAt(t));
    upper.push({ x: t, y: center + s });
    lower.push({ x: t, y: center - s });
  }
  return { upper, lower };
}

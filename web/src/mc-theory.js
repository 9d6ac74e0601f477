// The theory beside the Monte Carlo histograms: the distribution of the final
// D = running - manual over seeds, per channel, for a config (scenario fields
// included), and of |D|, a folded normal.
//
// Step k (1..T) draws n = batch·height·width values per channel with mean mu_k
// and sd sigma_k (the regime of step k). Batch k's mean b_k ~ N(mu_k, s_k),
// s_k = sigma_k^2 / n; its unbiased variance v_k ~ sigma_k^2 chi2(n-1)/(n-1),
// independent of b_k. The running mean after the last training step F (T, or
// freeze) is sum_k w_k b_k, with w_k = m (1-m)^(F-k) (momentum m) or 1/F
// (momentum None), w_k = 0 after F; its start value 0 keeps the weight
// w0 = (1-m)^F (0 for None). The manual mean is (1/T) sum_k b_k. So
//   D_mean = sum_k (w_k - 1/T) b_k  ~  N(sum_k (w_k - 1/T) mu_k, sum_k (w_k - 1/T)^2 s_k)
// exactly. The running variance is w0 · 1 + sum_k w_k v_k; the manual variance
// of all N = T·n values is ((n-1) sum_k v_k + n Q) / (N-1), Q = sum_k (b_k - M)^2:
//   D_var = w0 + sum_k (w_k - a) v_k - b Q,  a = (n-1)/(N-1), b = n/(N-1),
// with E[v_k] = sigma_k^2, Var[v_k] = 2 sigma_k^4/(n-1), E[Q] = sum_k (mu_k - mu)^2
// + (1 - 1/T) S, Var[Q] = 2 (sum_k s_k^2 (1 - 2/T) + S^2/T^2) + 4 sum_k s_k (mu_k - mu)^2
// (S = sum_k s_k, mu = the mean of the mu_k): D_var is taken as normal with that
// mean and variance (a sum of many chi-squares: close, not exact).
import { regimeAt } from "./scenario-theory.js";

// {mean: {mu, sd}, var: {mu, sd}} of D, or null when there is no step.
export function differenceTheory(c) {
  const T = c.steps;
  if (!(T >= 1)) return null;
  const n = c.batch * c.height * c.width;
  const F = c.freeze === null ? T : Math.min(c.freeze, T);
  const w = new Float64Array(T + 1);
  let keep = 1;
  for (let k = F; k >= 1; k--) {
    const a = c.momentum === null ? 1 / k : c.momentum;
    w[k] = a * keep;
    keep *= 1 - a;
  }
  const w0 = keep;
  const mu = new Float64Array(T + 1);
  const s2 = new Float64Array(T + 1); // sigma_k^2
  let muBar = 0;
  for (let k = 1; k <= T; k++) {
    const r = regimeAt(c, k);
    mu[k] = r.shift;
    s2[k] = r.scale * r.scale;
    muBar += r.shift / T;
  }
  let meanMu = 0;
  let meanVar = 0;
  let S = 0;
  let sumS2 = 0;
  let spread = 0; // sum (mu_k - mu)^2
  let spreadS = 0; // sum s_k (mu_k - mu)^2
  for (let k = 1; k <= T; k++) {
    // Momentum None without a freeze weighs every batch 1/T: D_mean is 0
    // exactly, not the rounding left by 1/k products.
    const d = Math.abs(w[k] - 1 / T) < 1e-12 / T ? 0 : w[k] - 1 / T;
    const s = s2[k] / n;
    meanMu += d * mu[k];
    meanVar += d * d * s;
    S += s;
    sumS2 += s * s;
    const e = mu[k] - muBar;
    spread += e * e;
    spreadS += s * e * e;
  }
  const out = { mean: { mu: meanMu, sd: Math.sqrt(meanVar) }, var: null };
  const N = T * n;
  if (N < 2) return out;
  const a = (n - 1) / (N - 1);
  const b = n / (N - 1);
  let varMu = w0;
  let varVar = 0;
  for (let k = 1; k <= T; k++) {
    const d = w[k] - a;
    varMu += d * s2[k];
    if (n >= 2) varVar += (d * d * 2 * s2[k] * s2[k]) / (n - 1);
  }
  const eQ = spread + (1 - 1 / T) * S;
  const varQ = 2 * (sumS2 * (1 - 2 / T) + (S * S) / (T * T)) + 4 * spreadS;
  varMu -= b * eQ;
  varVar += b * b * varQ;
  out.var = { mu: varMu, sd: Math.sqrt(Math.max(0, varVar)) };
  return out;
}

// erfc(x), W. H. Press et al.'s Chebyshev fit (relative error < 1.2e-7).
function erfc(x) {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

export function normalCdf(x) {
  return 0.5 * erfc(-x / Math.SQRT2);
}

// The folded normal |X|, X ~ N(mu, sd^2): P(|X| <= x) and its density.
export function absCdf(x, mu, sd) {
  if (x < 0) return 0;
  if (sd === 0) return Math.abs(mu) <= x ? 1 : 0;
  return Math.max(0, normalCdf((x - mu) / sd) - normalCdf((-x - mu) / sd));
}

export function absPdf(x, mu, sd) {
  if (x < 0 || sd === 0) return 0;
  const g = (z) => Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI);
  return (g((x - mu) / sd) + g((x + mu) / sd)) / sd;
}

// The p-quantile of |X| (bisection on the cdf).
export function absQuantile(p, mu, sd) {
  if (sd === 0) return Math.abs(mu);
  let lo = 0;
  let hi = Math.abs(mu) + 10 * sd;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (absCdf(mid, mu, sd) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

// The expected count of each histogram bin for `total` values: total times
// the folded normal's probability of the bin.
export function expectedCounts(edges, total, mu, sd) {
  const out = [];
  for (let i = 0; i + 1 < edges.length; i++) {
    out.push(total * (absCdf(edges[i + 1], mu, sd) - absCdf(edges[i], mu, sd)));
  }
  return out;
}

// The Monte Carlo lens's words (pure): the theory of |running - manual| in a
// sentence with this config's numbers, what the seeds show, and where the
// link's seed falls ("typical" or "in the tail").
import { sizeText, countText } from "./format.js";
import { absQuantile } from "./mc-theory.js";

const NAMES = {
  mean: { stat: "running_mean", manual: "manual_mean", what: "mean" },
  var: { stat: "running_var", manual: "manual_var", what: "variance" },
};

// `th`: {mu, sd} of D = running - manual (mc-theory.js), or null.
export function theoryWords(stat, th, c) {
  const { stat: s, manual } = NAMES[stat];
  if (!th) return `No theory for this config (no steps, or one value in all).`;
  if (th.sd === 0) {
    return (
      `Theory: ${s} − ${manual} is exactly ${sizeText(Math.abs(th.mu))} for every seed ` +
      (c.momentum === null
        ? "(momentum None averages every batch with the same weight 1/T, as the manual " +
          "mean does); what the histogram shows is float32 rounding alone."
        : "(no batch moves it).")
    );
  }
  const q50 = absQuantile(0.5, th.mu, th.sd);
  const q95 = absQuantile(0.95, th.mu, th.sd);
  const exact =
    stat === "mean"
      ? "normal (exact for Gaussian inputs)"
      : "close to normal (a sum of many chi-square batch variances)";
  const centre =
    Math.abs(th.mu) < th.sd * 1e-3 ? "mean 0" : `mean ${sizeText(th.mu).replace("−", "-")}`;
  return (
    `Theory: ${s} − ${manual} is ${exact}, with ${centre} and standard deviation ` +
    `σ = ${sizeText(th.sd)}, so |${s} − ${manual}| has median ${sizeText(q50)} and is ` +
    `below ${sizeText(q95)} for 95% of seeds (the dashed curve).`
  );
}

// What the seeds gave: median and 95th percentile of the pooled values.
export function observedWords(sorted, seeds, channels) {
  if (!sorted.length) return "";
  const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
  return (
    `Observed over ${countText(seeds)} seeds × ${countText(channels)} channel` +
    `${channels === 1 ? "" : "s"} (pooled: every channel is an independent draw of the same ` +
    `distribution): median ${sizeText(q(0.5))}, 95th percentile ${sizeText(q(0.95))}.`
  );
}

// Percentile (0..100) of x among sorted values: the share at most x.
export function percentileIn(sorted, x) {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] <= x) lo = mid + 1;
    else hi = mid;
  }
  return sorted.length ? (100 * lo) / sorted.length : Number.NaN;
}

// Where the link's seed falls, by what the article prints for it (the mean
// over channels of |manual - running|) among every seed's same number:
// {head, rest}, head "Seed 21 is typical." (or "in the tail", "unusually close").
export function seedVerdict(seed, stat, found) {
  if (!found) return { head: `Seed ${seed} is not among the seeds run.`, rest: "" };
  const { stat: s, manual } = NAMES[stat];
  const p = found.percentile;
  const where = p > 95 ? "in the tail" : p < 5 ? "unusually close" : "typical";
  const share =
    p > 50
      ? `${Math.round(100 - p)}% of seeds are further`
      : `${Math.round(p)}% of seeds are closer`;
  return {
    head: `Seed ${seed} is ${where}.`,
    rest:
      ` The article's “Mean Absolute Differences” for it, the mean over channels of ` +
      `|${manual} − ${s}| = ${sizeText(found.value)}, is at percentile ${Math.round(p)} of the ` +
      `seeds' same number: ${share}. Its channels are the solid vertical lines.`,
  };
}

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

// "Seed 21 is typical" / "in the tail", from its channels' percentiles.
export function seedVerdict(seed, stat, percentiles) {
  if (!percentiles) return `Seed ${seed} is not among the seeds run.`;
  const { stat: s, manual } = NAMES[stat];
  const list = percentiles.map((p) => `${Math.round(p)}`).join(", ");
  const high = percentiles.filter((p) => p > 95).length;
  const low = percentiles.filter((p) => p < 5).length;
  const where =
    high > 0
      ? `in the tail: ${high === 1 ? "one channel" : `${high} channels`} further from the ` +
        "manual value than 95% of all"
      : low > 0
        ? "unusually close: a channel nearer the manual value than 95% of all"
        : "typical: every channel is within the middle 90%";
  return (
    `Seed ${seed} is ${where}. Its channels' |${s} − ${manual}| sit at percentile ${list} ` +
    "(the solid vertical lines)."
  );
}

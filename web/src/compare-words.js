// The words of a comparison (pure, no DOM): which fields differ between runs
// A and B, the legend's "A: momentum 0.1 · B: momentum none", what to look at
// for the fields that differ, and the final numbers each run printed.
import { formatValue } from "./link.js";

// The fields whose values differ, in the grammar's order: [{name, a, b}] as text.
export function differences(a, b, names) {
  const out = [];
  for (const name of names) {
    const ta = formatValue(a[name], name);
    const tb = formatValue(b[name], name);
    if (ta !== tb) out.push({ name, a: ta, b: tb });
  }
  return out;
}

// One run's side of the differences, "momentum 0.1, batch 20" (k: "a" or "b").
export function sideText(diffs, k) {
  return diffs.length ? diffs.map((d) => `${d.name} ${d[k]}`).join(", ") : "the same config";
}

// "A: momentum 0.1 · B: momentum none" (several fields joined by commas).
export function legendText(diffs) {
  return `A: ${sideText(diffs, "a")} · B: ${sideText(diffs, "b")}`;
}

// What to watch for each field that differs (the others get the general hint).
const HINTS = {
  momentum:
    "Only the running lines can differ: the same seed draws the same inputs, so the manual " +
    "lines lie on each other. A smaller momentum averages more batches (none: every batch " +
    "counts the same, the running mean is the manual mean up to rounding); a larger one " +
    "follows the last few batches and keeps wobbling.",
  batch:
    "A batch of n values per channel makes each step's batch statistics wobble like 1/√n: " +
    "the smaller batch's running lines swing wider around its manual lines, and its manual " +
    "lines settle more slowly. The inputs differ, so the manual lines differ too.",
  seed:
    "Same settings, other random inputs: every difference between A and B is chance. How far " +
    "apart the running lines are tells how much a single run can be trusted.",
  shift:
    "The shifted run's inputs are randn + shift: its running mean climbs from 0 towards the " +
    "shift at the momentum's pace while its manual mean gets there at once; the variances " +
    "hardly differ (a shift does not change the spread).",
  scale:
    "The scaled run's inputs are randn · scale: its variance lines move to scale², and every " +
    "wobble grows with the scale.",
  steps: "The longer run goes on where the shorter stops: the same steps coincide (same seed).",
  eps: "eps is only used when normalising the output: the running statistics do not change.",
};
const GENERAL =
  "Compare each run's running line (solid for A, dotted for B) with its own manual line " +
  "(dashed for A, dash-dot for B), and the distances at the end on the log-log chart.";

export function lookAt(diffs) {
  if (!diffs.length) return ["B is the same config as A: its lines lie exactly on A's."];
  const said = diffs.map((d) => HINTS[d.name]).filter(Boolean);
  if (diffs.length > 1) said.push("Several fields differ: each effect adds to the others.");
  return [...said, GENERAL];
}

// The article's last line, "Mean: 0.0000, Variance: 0.0018", as {mean, variance}
// text (null while the run has not printed it).
export function finalDifferences(articleOutput) {
  const m = /Mean: (\S+), Variance: (\S+)\s*$/.exec(articleOutput ?? "");
  return m ? { mean: m[1], variance: m[2] } : null;
}

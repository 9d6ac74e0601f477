// The "Why the two differ" panel: the half-life, window and expected spread
// for the config that runs, and what this run shows after its last step.
import { halfLife, runningMeanVariance, steadyRunningMeanStd } from "./theory.js";

const fmtInt = new Intl.NumberFormat("en-US");

function fmtNum(v, digits = 4) {
  if (!Number.isFinite(v)) return "–";
  return Math.abs(v) < 1e-4 && v !== 0 ? v.toExponential(2) : v.toFixed(digits);
}

function fill(name, text) {
  for (const el of document.querySelectorAll(`[data-fill="${name}"]`)) el.textContent = text;
}

// The formulas for a config.
export function renderExplanation(c) {
  const n = c.batch * c.height * c.width;
  const m = c.momentum;
  fill("momentum", m === null ? "None" : String(m));
  const h = halfLife(m);
  fill(
    "half-life",
    h === null
      ? "–"
      : h === Infinity
        ? "∞ (momentum 0: nothing is learned)"
        : h === 0
          ? "0 (only the last batch counts)"
          : h.toFixed(2),
  );
  fill("window", m === null ? "–" : m === 0 ? "∞" : fmtNum((2 - m) / m, 2));
  fill("n", fmtInt.format(n));
  fill("sigma", m === null ? "–" : fmtNum(steadyRunningMeanStd(m, n, c.steps), 4));
  for (const el of document.querySelectorAll("[data-when]")) {
    el.hidden = el.dataset.when === "none" ? m !== null : m === null;
  }
}

// What the last step of the run shows, next to what is typical.
export function renderObserved(state) {
  const el = document.getElementById("observed");
  const last = state.store?.last();
  if (!last || !state.config) {
    el.textContent = "";
    el.hidden = true;
    return;
  }
  const C = last.runningMean.length;
  let dm = 0;
  let dv = 0;
  for (let i = 0; i < C; i++) {
    dm += Math.abs(last.manualMean[i] - last.runningMean[i]);
    dv += Math.abs(last.manualVar[i] - last.runningVar[i]);
  }
  const c = state.config;
  const n = c.batch * c.height * c.width;
  const sd = Math.sqrt(runningMeanVariance(c.momentum, n, last.step) + 1 / (n * last.step));
  el.hidden = false;
  el.textContent =
    `This run, after step ${fmtInt.format(last.step)}: |running − manual| averaged over the ${fmtInt.format(C)} ` +
    `channel${C === 1 ? "" : "s"} is ${fmtNum(dm / C)} for the mean and ${fmtNum(dv / C)} for the variance. ` +
    (c.momentum === null
      ? "With momentum=None the means agree up to float rounding."
      : `For the mean, about ${fmtNum(Math.sqrt(2 / Math.PI) * sd)} is typical (the mean absolute value of a normal with that spread).`);
}

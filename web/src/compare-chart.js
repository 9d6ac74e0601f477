// Run B of a comparison drawn over run A's charts: B's focused channel as
// its own running and manual lines (one colour apart from A's channels, its
// own dashes) on the mean, variance and distance charts, the axes widened to
// hold both runs, and B shown up to the step A has reached (both runs advance
// together; all of B once A is done).
import { withAlpha } from "./chart-style.js";
import { statisticRange } from "./chart-build.js";
import { sampleSteps, distanceSeries, distanceRange } from "./distance.js";
import {
  hasScenario,
  scenarioRange,
  scenarioTruth,
  scaledDistanceRange,
} from "./scenario-theory.js";

// B's colour: the page's text colour (black on light, near white on dark),
// which no focused channel of A takes; its dashes differ from A's too.
export function compareStyle(t) {
  return {
    running: { borderColor: withAlpha(t.text, 0.75), borderWidth: 1.5, borderDash: [2, 2] },
    manual: { borderColor: t.text, borderWidth: 2.5, borderDash: [12, 3, 2, 3] },
  };
}

const sizeOf = (c) => c.batch * c.height * c.width;

// {min, max, step} of a statistic chart's y axis for a config (as charts.js sets it).
function yRange(config, stat) {
  const half = statisticRange(config.momentum, sizeOf(config), stat);
  const center = stat === "mean" ? 0 : 1;
  const range = hasScenario(config) && scenarioRange(config, stat, half.half);
  return range || { min: center - half.half, max: center + half.half, step: half.step };
}

function widen(scale, range) {
  if (range.min < scale.min || range.max > scale.max) {
    const wider = range.max - range.min > scale.max - scale.min;
    scale.min = Math.min(scale.min, range.min);
    scale.max = Math.max(scale.max, range.max);
    if (wider && range.step) scale.ticks.stepSize = range.step;
  }
}

function dataset(label, kind, style, extra) {
  return { label, kind, compare: true, data: [], focused: true, ...style[kind], ...extra };
}

// Adds B's lines to freshly built charts (charts.charts) and widens the axes.
// b: {config, store}.
export function addCompare(charts, b, t) {
  const style = compareStyle(t);
  const steps = Math.max(charts.run.totalSteps, b.store.totalSteps, 1);
  for (const [name, stat, keys] of [
    ["mean", "mean", ["runningMean", "manualMean"]],
    ["variance", "var", ["runningVar", "manualVar"]],
  ]) {
    const chart = charts.charts[name];
    chart.data.datasets.push(
      dataset("B running", "running", style, { series: keys[0], order: 0 }),
      dataset("B manual", "manual", style, { series: keys[1], order: 0 }),
    );
    const y = chart.options.scales.y;
    widen(y, yRange(b.config, stat));
    chart.options.scales.x.max = Math.max(chart.options.scales.x.max, steps);
  }
  const distance = charts.charts.distance;
  distance.data.datasets.push(
    dataset("B running", "running", style, { key: "runningMean", order: 0 }),
    dataset("B manual", "manual", style, { key: "manualMean", order: 0 }),
  );
  distance.options.scales.x.max = Math.max(distance.options.scales.x.max, steps);
  fitDistanceAxis(charts, b);
}

// The distance chart's y range for the statistic shown, holding B's too.
export function fitDistanceAxis(charts, b) {
  const c = b.config;
  let range = distanceRange(sizeOf(c), b.store.totalSteps, charts.stat);
  if (hasScenario(c)) range = scaledDistanceRange(c, range, charts.stat);
  const y = charts.charts.distance.options.scales.y;
  y.min = Math.min(y.min, range.min);
  y.max = Math.max(y.max, range.max);
}

// Fills B's lines: its focused channel (A's focus, if B has that channel), up
// to A's step while A runs.
export function fillCompare(charts, b, storeA, finished) {
  const focus = charts.focus;
  const has = focus < b.store.shown;
  const upTo = finished ? Infinity : (storeA?.stepsDone ?? 0);
  const clip = (points) => (upTo === Infinity ? points : points.filter((p) => p.x <= upTo));
  for (const name of ["mean", "variance"]) {
    let points = 0;
    for (const ds of charts.charts[name].data.datasets) {
      if (ds.compare) ds.data = has ? clip(b.store.display(ds.series, focus)) : [];
      if (ds.compare) points = Math.max(points, ds.data.length);
    }
    // For tests and curious readers: how many points B's lines draw.
    charts.charts[name].canvas.dataset.comparePoints = String(points);
  }
  const done = Math.min(b.store.stepsDone, upTo);
  const steps = has ? sampleSteps(done) : [];
  const truth = hasScenario(b.config) ? scenarioTruth(b.config) : null;
  const data = distanceSeries(b.store.chunks, b.store.channels, focus, steps, truth);
  const suffix = charts.stat === "mean" ? "Mean" : "Var";
  for (const ds of charts.charts.distance.data.datasets) {
    if (ds.compare) ds.data = data[ds.key.replace(/Mean$/, suffix)] ?? [];
  }
}

// The charts' construction: the mean and variance charts (bands, one line per
// channel and kind, their styles, the fixed y range) and the log-log distance
// chart, as Chart.js objects; charts.js fills and restyles them.
import { Chart, withAlpha, baseOptions } from "./chart-style.js";
import { runningMeanVariance, runningVarVariance } from "./theory.js";
import { statText, sizeText, countText } from "./format.js";
import { markerOptions } from "./chart-markers.js";

// The smallest of 1, 2, 3, 5 times a power of ten that is >= v, and a tick
// step that divides it into 2 to 5 parts.
function niceCeil(v) {
  if (!(v > 0) || !Number.isFinite(v)) return { half: 1, step: 0.5 };
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const f of [1, 2, 3, 5, 10]) {
    if (f * p >= v * (1 - 1e-12))
      return { half: f * p, step: f === 5 ? 2.5 * p : f === 1 ? p / 2 : p };
  }
  return { half: 10 * p, step: 5 * p };
}

// Half-height {half, step} of the mean and variance charts' y range: what momentum 0.1
// gives (the article's), widened when this momentum's band is wider. The same
// n gives the same axes whatever the momentum below that.
export function statisticRange(momentum, n, statistic) {
  const variance = statistic === "mean" ? runningMeanVariance : runningVarVariance;
  const reference = Math.sqrt(variance(0.1, n, 1e9));
  const own = momentum === null ? 0 : Math.sqrt(variance(momentum, n, 1e9));
  return niceCeil(Math.max(3.2 * reference, 2.5 * own));
}

function bandDatasets(t) {
  const common = {
    isBand: true,
    data: [],
    borderWidth: 0,
    pointRadius: 0,
    pointHitRadius: 0,
    backgroundColor: t.band,
    order: 20,
  };
  return [
    { ...common, label: "expected spread (±2σ)", fill: "+1" },
    { ...common, label: "expected spread (lower)", fill: false },
  ];
}

// Per channel a running line and a manual line (and a halo under the focused
// channel's manual line, so that it stays visible on top of the noise).
function channelDatasets(shown, [runSeries, manSeries]) {
  const out = [];
  for (let c = 0; c < shown; c++) {
    out.push({ label: "running", series: runSeries, channel: c, data: [], kind: "running" });
    out.push({ label: "halo", series: manSeries, channel: c, data: [], kind: "halo" });
    out.push({ label: "manual", series: manSeries, channel: c, data: [], kind: "manual" });
  }
  return out;
}

// Colours and widths for the focused channel and the faint others.
export function styleChannels(chart, t, focus, decimated) {
  for (const ds of chart.data.datasets) {
    if (ds.channel === undefined) continue;
    const color = t.palette[ds.channel % t.palette.length];
    const on = ds.channel === focus;
    ds.hidden = ds.kind === "halo" && !on;
    if (ds.kind === "running") {
      // Decimated, a running statistic is a min/max envelope: lighter.
      ds.borderColor = on ? withAlpha(color, decimated ? 0.55 : 0.85) : withAlpha(color, 0.1);
      ds.borderWidth = on ? 1.5 : 1;
      ds.order = on ? 3 : 12;
    } else if (ds.kind === "manual") {
      ds.borderColor = on ? color : withAlpha(color, 0.18);
      ds.borderWidth = on ? 2.75 : 1.25;
      ds.borderDash = on ? [8, 4] : [4, 4];
      ds.order = on ? 1 : 11;
    } else {
      ds.borderColor = withAlpha(t.surface, 0.85);
      ds.borderWidth = 6;
      ds.order = 2;
    }
    ds.backgroundColor = color;
  }
}

function tooltip(format) {
  return {
    filter: (item) => item.dataset.focused === true,
    callbacks: {
      label: (item) => `${item.dataset.label}: ${format(item.parsed.y)}`,
    },
  };
}

// range: {min, max} for a scenario run (shift, scale, switch), else center ± half.
export function statisticChart(
  canvas,
  t,
  { yTitle, keys, shown, totalSteps, center, half, range, marks },
) {
  const options = baseOptions(t, { yTitle, totalSteps });
  options.plugins.legend = { display: false };
  Object.assign(options.plugins.tooltip, tooltip(statText));
  options.plugins.tooltip.callbacks.title = (items) =>
    items.length ? `step ${countText(items[0].parsed.x)}` : "";
  options.scales.y.min = center - half.half;
  options.scales.y.max = center + half.half;
  options.scales.y.ticks.stepSize = half.step;
  options.scales.y.ticks.callback = (v) => statText(v).replace(/0+$/, "").replace(/\.$/, "");
  if (range) {
    options.scales.y.min = range.min;
    options.scales.y.max = range.max;
    options.scales.y.ticks.stepSize = range.step;
  }
  options.plugins.bnMarkers = markerOptions(marks ?? [], t);
  // For tests and screen readers' curious users: where the markers are.
  canvas.dataset.markers = (marks ?? []).map((m) => `${m.kind}@${m.x}`).join(" ");
  return new Chart(canvas, {
    type: "line",
    data: { datasets: [...bandDatasets(t), ...channelDatasets(shown, keys)] },
    options,
  });
}

function logTick(v) {
  const e = Math.log10(v);
  if (Math.abs(e - Math.round(e)) > 1e-9) return "";
  const p = Math.round(e);
  return p >= 0 && p <= 6 ? countText(Math.pow(10, p)) : sizeText(Math.pow(10, p));
}

export function distanceChart(canvas, t, { totalSteps, range }) {
  const options = baseOptions(t, {
    yTitle: "distance from the true value",
    logY: true,
    totalSteps,
  });
  options.plugins.legend = { display: false };
  Object.assign(options.plugins.tooltip, tooltip(sizeText));
  options.plugins.tooltip.callbacks.title = (items) =>
    items.length ? `step ${countText(items[0].parsed.x)}` : "";
  options.scales.x.type = "logarithmic";
  options.scales.x.min = 1;
  options.scales.x.max = Math.max(10, totalSteps);
  options.scales.x.title.text = "step (batches seen, logarithmic)";
  options.scales.x.ticks.callback = logTick;
  options.scales.y.min = range.min;
  options.scales.y.max = range.max;
  options.scales.y.ticks.callback = logTick;
  const line = (label, key, extra) => ({ label, key, data: [], focused: true, ...extra });
  return new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        line("running", "runningMean", { kind: "running", order: 3 }),
        line("manual", "manualMean", { kind: "manual", order: 2 }),
        line("typical, running (theory)", "runningMean", { kind: "theory", order: 5 }),
        line("typical, manual ∝ 1/√(t·n) (theory)", "manualMean", { kind: "theory", order: 4 }),
      ],
    },
    options,
  });
}

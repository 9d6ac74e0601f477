// The three charts: running vs manual mean, running vs manual variance (one
// focused channel drawn full, the others faint, the expected spread of the
// running statistic shaded), and each estimate's distance from the true value
// (log-log, with the theory's typical distances). Axes are fixed by the config
// (n and the run's length), so that runs can be compared by eye.
import { Chart, theme, withAlpha, baseOptions } from "./chart-style.js";
import { bandPoints, runningMeanVariance, runningVarVariance } from "./theory.js";
import { sampleSteps, distanceSeries, expectationSeries, distanceRange } from "./distance.js";
import { statText, sizeText, countText } from "./format.js";
import { chartsPng } from "./chart-png.js";
import {
  hasScenario,
  expectedRun,
  scenarioBand,
  scenarioRange,
  scenarioMarkers,
  scenarioTruth,
  scaledTheory,
  scaledDistanceRange,
} from "./scenario-theory.js";
import { markerOptions, labelDistanceChoices } from "./chart-markers.js";

export { MAX_SHOWN_CHANNELS } from "./chart-style.js";

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
function styleChannels(chart, t, focus, decimated) {
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
function statisticChart(
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

function distanceChart(canvas, t, { totalSteps, range }) {
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

export class Charts {
  constructor(canvases) {
    this.canvases = canvases; // {mean, variance, distance}
    this.charts = null;
    this.focus = 0;
    this.stat = "mean";
    this.run = null;
    this.store = null;
  }

  // (Re)creates the charts for a run: `shown` channels drawn, config for the
  // bands, the theory and the fixed axes.
  setup({ shown, totalSteps, config, decimated = false }) {
    this.destroy();
    this.run = { shown, totalSteps, config, decimated };
    this.focus = Math.min(this.focus, Math.max(shown - 1, 0));
    const n = config.batch * config.height * config.width;
    const m = config.momentum;
    const t = theme();
    this.t = t;
    // The scenario fields: axes, band and markers follow the regimes.
    const scenario = hasScenario(config) ? expectedRun(config) : null;
    const marks = scenario ? scenarioMarkers(config) : [];
    // The true values move only with shift, scale or a switch (not a freeze).
    labelDistanceChoices(scenario !== null && hasScenario({ ...config, freeze: null }));
    const halfMean = statisticRange(m, n, "mean");
    const halfVar = statisticRange(m, n, "var");
    this.charts = {
      mean: statisticChart(this.canvases.mean, t, {
        yTitle: "mean",
        keys: ["runningMean", "manualMean"],
        shown,
        totalSteps,
        center: 0,
        half: halfMean,
        range: scenario && scenarioRange(config, "mean", halfMean.half),
        marks,
      }),
      variance: statisticChart(this.canvases.variance, t, {
        yTitle: "variance",
        keys: ["runningVar", "manualVar"],
        shown,
        totalSteps,
        center: 1,
        half: halfVar,
        range: scenario && scenarioRange(config, "var", halfVar.half),
        marks,
      }),
      distance: distanceChart(this.canvases.distance, t, {
        totalSteps,
        range: this.#distanceRange(config, n, totalSteps, this.stat),
      }),
    };
    const meanBand = scenario
      ? scenarioBand(scenario, "mean")
      : bandPoints((s) => runningMeanVariance(m, n, s), 0, 2, totalSteps);
    const varBand = scenario
      ? scenarioBand(scenario, "var")
      : bandPoints((s) => runningVarVariance(m, n, s), 1, 2, totalSteps);
    this.#setBand(this.charts.mean, meanBand);
    this.#setBand(this.charts.variance, n >= 2 ? varBand : null);
    this.#restyle();
  }

  // Whether the band is drawn (the legend names it only then): not for a
  // momentum of 0, which keeps the running statistics at their start.
  get hasBand() {
    return this.bandDrawn === true;
  }

  #setBand(chart, band) {
    const wide = band && band.upper.some((p, i) => p.y - band.lower[i].y > 0);
    chart.data.datasets[0].data = wide ? band.upper : [];
    chart.data.datasets[1].data = wide ? band.lower : [];
    if (chart === this.charts.mean) this.bandDrawn = Boolean(wide);
  }

  #restyle() {
    const t = this.t;
    for (const name of ["mean", "variance"]) {
      const chart = this.charts[name];
      styleChannels(chart, t, this.focus, this.run.decimated);
      for (const ds of chart.data.datasets)
        ds.focused = ds.channel === this.focus && ds.kind !== "halo";
    }
    const color = t.palette[this.focus % t.palette.length];
    for (const ds of this.charts.distance.data.datasets) {
      if (ds.kind === "theory") {
        ds.borderColor = t.text;
        ds.borderWidth = 2;
        ds.borderDash = ds.key.startsWith("manual") ? [2, 4] : [6, 3, 2, 3];
      } else {
        ds.borderColor = ds.kind === "running" ? withAlpha(color, 0.8) : color;
        ds.borderWidth = ds.kind === "running" ? 1.25 : 2.5;
        ds.borderDash = ds.kind === "manual" ? [8, 4] : [];
      }
      ds.backgroundColor = ds.borderColor;
    }
  }

  colorOf(channel) {
    const t = this.t ?? theme();
    return t.palette[channel % t.palette.length];
  }

  focusColor() {
    return this.colorOf(this.focus);
  }

  setFocus(channel) {
    this.focus = channel;
    if (!this.charts) return;
    this.#restyle();
    if (this.store) this.update(this.store);
  }

  // The distance chart's y range: n and the run's length, widened by the scale.
  #distanceRange(config, n, totalSteps, stat) {
    const range = distanceRange(n, totalSteps, stat);
    return hasScenario(config) ? scaledDistanceRange(config, range, stat) : range;
  }

  // "mean" or "var": which statistic the distance chart shows.
  setDistanceStatistic(stat) {
    this.stat = stat;
    if (!this.charts) return;
    const { config, totalSteps } = this.run;
    const n = config.batch * config.height * config.width;
    const range = this.#distanceRange(config, n, totalSteps, stat);
    const y = this.charts.distance.options.scales.y;
    y.min = range.min;
    y.max = range.max;
    if (this.store) this.update(this.store);
    else this.charts.distance.update("none");
  }

  // Redraws from the store's decimated points and, for the distances, its raw chunks.
  update(store) {
    if (!this.charts) return;
    this.store = store;
    for (const name of ["mean", "variance"]) {
      const chart = this.charts[name];
      let points = 0;
      for (const ds of chart.data.datasets) {
        if (!ds.series) continue;
        ds.data = store.display(ds.series, ds.channel);
        points = Math.max(points, ds.data.length);
      }
      chart.update("none");
      // For tests and curious readers: how many points this chart draws per line at most.
      chart.canvas.dataset.points = String(points);
    }
    const { config } = this.run;
    const n = config.batch * config.height * config.width;
    const steps = sampleSteps(store.stepsDone);
    const scenario = hasScenario(config);
    const data = distanceSeries(
      store.chunks,
      store.channels,
      this.focus,
      steps,
      scenario ? scenarioTruth(config) : null,
    );
    const expected = expectationSeries(config.momentum, n, steps);
    const theory = scenario ? scaledTheory(config, expected) : expected;
    const suffix = this.stat === "mean" ? "Mean" : "Var";
    const distance = this.charts.distance;
    for (const ds of distance.data.datasets) {
      const key = ds.key.replace(/Mean$/, suffix);
      ds.data = ds.kind === "theory" ? theory[key] : data[key];
    }
    distance.update("none");
    distance.canvas.dataset.points = String(steps.length);
    distance.canvas.dataset.statistic = this.stat;
  }

  clear() {
    if (!this.charts) return;
    this.store = null;
    for (const chart of Object.values(this.charts)) {
      for (const ds of chart.data.datasets) if (!ds.isBand) ds.data = [];
      chart.update("none");
    }
  }

  // New colours (the theme changed): rebuild with the data kept.
  retheme() {
    if (!this.run) return;
    const store = this.store;
    this.setup(this.run);
    if (store) this.update(store);
  }

  // One PNG of the three charts on the page's background, with titles.
  toPngBlob(titles) {
    return chartsPng([this.charts.mean, this.charts.variance, this.charts.distance], titles);
  }

  destroy() {
    if (!this.charts) return;
    for (const chart of Object.values(this.charts)) chart.destroy();
    this.charts = null;
  }
}

// The three charts: running vs manual mean, running vs manual variance (one
// focused channel drawn full, the others faint, the expected spread of the
// running statistic shaded), and each estimate's distance from the true value
// (log-log, with the theory's typical distances). Axes are fixed by the config
// (n and the run's length), so that runs can be compared by eye.
import { theme, withAlpha } from "./chart-style.js";
import { bandPoints, runningMeanVariance, runningVarVariance } from "./theory.js";
import { sampleSteps, distanceSeries, expectationSeries, distanceRange } from "./distance.js";
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
import { labelDistanceChoices } from "./chart-markers.js";
import { statisticRange, statisticChart, distanceChart, styleChannels } from "./chart-build.js";
import { addCompare, fillCompare, fitDistanceAxis } from "./compare-chart.js";
import { nextTask } from "./next-task.js";

export { MAX_SHOWN_CHANNELS } from "./chart-style.js";
export { statisticRange } from "./chart-build.js";

// The two statistic charts: their canvas, title, trace keys and true value.
const STATISTIC_CHARTS = {
  mean: { canvas: "mean", yTitle: "mean", keys: ["runningMean", "manualMean"], center: 0 },
  var: { canvas: "variance", yTitle: "variance", keys: ["runningVar", "manualVar"], center: 1 },
};

export class Charts {
  constructor(canvases) {
    this.canvases = canvases; // {mean, variance, distance}
    this.charts = null;
    this.focus = 0;
    this.stat = "mean";
    this.run = null;
    this.store = null;
    this.compare = null; // run B of a comparison: {config, store} (compare-chart.js)
    this.pending = null; // a setup in parts under way (setupInParts): a promise
    this.partial = null; // its charts built so far
    this.warm = false; // whether charts were built before (Chart.js's first use is costly)
  }

  // Draws run B over A's charts (null: stops); finished(): whether A is done.
  setCompare(b, finished = () => true) {
    this.compare = b;
    this.compareFinished = finished;
    this.retheme();
  }

  // (Re)creates the charts for a run, in this task: `shown` channels drawn, config for the
  // bands, the theory and the fixed axes.
  setup(run) {
    this.#token = null; // a setup in parts under way stops (its charts are destroyed)
    this.pending = null;
    for (const part of this.#setupParts(run)) part();
  }

  // The same setup in four tasks (a chart each, then bands and styles), as Chart.js's cold first
  // setup took 70 to 110 ms of CPU in one task (docs/benchmarks.md); resolves with whether the
  // charts show this run. Until then `pending` is set and `charts` null (readers wait or do
  // nothing); a later setup or setupInParts stops it.
  setupInParts(run) {
    const parts = this.#setupParts(run);
    const token = {};
    this.#token = token;
    const built = (async () => {
      try {
        // First a yield: the task that asked (the worker's reply) has done its own work.
        for (const part of parts) {
          await nextTask();
          if (this.#token !== token) break;
          part();
        }
      } finally {
        if (this.#token === token) this.pending = null; // also when a part threw
      }
      return this.run === run && this.charts !== null;
    })();
    this.pending = built;
    return built;
  }

  #token = null;

  // The chart of one statistic ("mean" or "var"): running against manual, around its true value.
  #statisticPart(stat, { shown, totalSteps, config }, { n, m, t, scenario, marks }) {
    const { canvas, yTitle, keys, center } = STATISTIC_CHARTS[stat];
    const half = statisticRange(m, n, stat);
    return statisticChart(this.canvases[canvas], t, {
      yTitle,
      keys,
      shown,
      totalSteps,
      center,
      half,
      range: scenario && scenarioRange(config, stat, half.half),
      marks,
    });
  }

  #setupParts(run) {
    const { shown, totalSteps, config } = run;
    const built = {};
    let s; // what the parts share
    return [
      () => {
        this.destroy();
        this.partial = built;
        this.run = run;
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
        s = { n, m, t, scenario, marks };
        built.mean = this.#statisticPart("mean", run, s);
      },
      () => {
        built.variance = this.#statisticPart("var", run, s);
      },
      () => {
        built.distance = distanceChart(this.canvases.distance, s.t, {
          totalSteps,
          range: this.#distanceRange(config, s.n, totalSteps, this.stat),
        });
      },
      () => {
        const { n, m, t, scenario } = s;
        this.partial = null;
        this.charts = built;
        this.warm = true;
        const meanBand = scenario
          ? scenarioBand(scenario, "mean")
          : bandPoints((x) => runningMeanVariance(m, n, x), 0, 2, totalSteps);
        const varBand = scenario
          ? scenarioBand(scenario, "var")
          : bandPoints((x) => runningVarVariance(m, n, x), 1, 2, totalSteps);
        this.#setBand(this.charts.mean, meanBand);
        this.#setBand(this.charts.variance, n >= 2 ? varBand : null);
        if (this.compare) addCompare(this, this.compare, t);
        this.#restyle();
      },
    ];
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
        if (!ds.compare) ds.focused = ds.channel === this.focus && ds.kind !== "halo";
    }
    const color = t.palette[this.focus % t.palette.length];
    for (const ds of this.charts.distance.data.datasets) {
      if (ds.compare) continue;
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
    if (this.compare) fitDistanceAxis(this, this.compare);
    if (this.store) this.update(this.store);
    else this.charts.distance.update("none");
  }

  // Redraws from the store's decimated points and, for the distances, its raw chunks.
  update(store) {
    for (const part of this.updateParts(store)) part();
  }

  // The same redraw in three parts (mean, variance, distance), which the render loop runs as
  // separate tasks so that no one task holds the main thread for all three charts. A part whose
  // store or charts were replaced in between (a new run, new charts) does nothing.
  updateParts(store) {
    if (!this.charts) return [];
    const charts = this.charts;
    const current = () => this.charts === charts && this.store === store;
    this.store = store;
    return [
      () => {
        if (!current()) return;
        if (this.compare) fillCompare(this, this.compare, store, this.compareFinished());
        this.#statistic(charts.mean, store);
      },
      () => current() && this.#statistic(charts.variance, store),
      () => current() && this.#distance(store),
    ];
  }

  #statistic(chart, store) {
    let points = 0;
    for (const ds of chart.data.datasets) {
      if (!ds.series || ds.compare) continue;
      ds.data = store.display(ds.series, ds.channel);
      points = Math.max(points, ds.data.length);
    }
    chart.update("none");
    // For tests and curious readers: how many points this chart draws per line at most.
    chart.canvas.dataset.points = String(points);
  }

  #distance(store) {
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
      if (ds.compare) continue;
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

  destroy() {
    // The charts of a setup in parts that was stopped half way.
    for (const chart of Object.values(this.partial ?? {})) chart.destroy();
    this.partial = null;
    if (!this.charts) return;
    for (const chart of Object.values(this.charts)) chart.destroy();
    this.charts = null;
  }
}

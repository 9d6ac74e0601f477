// The three charts (running vs manual mean, running vs manual variance, their
// absolute differences), drawn with Chart.js from the decimated trace.
import { Chart, theme, withAlpha, baseOptions } from "./chart-style.js";

export { MAX_SHOWN_CHANNELS } from "./chart-style.js";

function bandDatasets(t, label) {
  const common = {
    isBand: true,
    data: [],
    borderWidth: 0,
    pointRadius: 0,
    pointHitRadius: 0,
    backgroundColor: t.band,
    order: 10,
  };
  return [
    { ...common, label, fill: "+1" },
    { ...common, label: `${label} (lower)`, legendHidden: true, fill: false },
  ];
}

// Per channel: the noisy running statistic as a thin line, the smooth manual
// one as a thick dashed line on a halo of the background colour so that it
// stays visible on top of the noise.
function pairDatasets(
  t,
  shown,
  [runSeries, manSeries],
  [runName, manName],
  { thin = false, decimated = false } = {},
) {
  const out = [];
  for (let c = 0; c < shown; c++) {
    const color = t.palette[c % t.palette.length];
    out.push({
      label: `ch ${c} ${runName}`,
      series: runSeries,
      channel: c,
      data: [],
      // Decimated, a running statistic is a min/max envelope: lighter, so that
      // the manual line and the band stay visible through it.
      borderColor: withAlpha(color, decimated ? 0.45 : 0.75),
      backgroundColor: color,
      borderWidth: 1.25,
      order: 3,
    });
    if (thin) {
      // Both series are noisy (the differences): two thin lines, one dashed.
      out.push({
        label: `ch ${c} ${manName}`,
        series: manSeries,
        channel: c,
        data: [],
        borderColor: withAlpha(color, 0.9),
        backgroundColor: color,
        borderWidth: 1.25,
        borderDash: [5, 3],
        order: 2,
      });
      continue;
    }
    out.push({
      label: `ch ${c} ${manName} halo`,
      series: manSeries,
      channel: c,
      halo: true,
      legendHidden: true,
      data: [],
      borderColor: withAlpha(t.surface, 0.85),
      borderWidth: 6,
      order: 2,
    });
    out.push({
      label: `ch ${c} ${manName}`,
      series: manSeries,
      channel: c,
      data: [],
      borderColor: color,
      backgroundColor: color,
      borderWidth: 2.75,
      borderDash: [8, 4],
      order: 1,
    });
  }
  return out;
}

// The mean and variance charts differ only in their series, band label and axis title.
function statisticChart(canvas, t, { band, keys, yTitle, shown, decimated, totalSteps }) {
  return new Chart(canvas, {
    type: "line",
    data: {
      datasets: [
        ...bandDatasets(t, band),
        ...pairDatasets(t, shown, keys, ["running", "manual"], { decimated }),
      ],
    },
    options: baseOptions(t, { yTitle, totalSteps }),
  });
}

export class Charts {
  constructor(canvases) {
    this.canvases = canvases; // {mean, variance, diff}
    this.charts = null;
    this.logY = false;
    this.shown = 0;
    this.totalSteps = 0;
  }

  // (Re)creates the charts for a run with `shown` channels drawn.
  setup({ shown, totalSteps, meanBand, varBand, decimated = false }) {
    this.decimated = decimated;
    this.destroy();
    this.shown = shown;
    this.totalSteps = totalSteps;
    this.meanBand = meanBand;
    this.varBand = varBand;
    const t = theme();
    this.charts = {
      mean: statisticChart(this.canvases.mean, t, {
        band: "expected spread of running mean (±2σ)",
        keys: ["runningMean", "manualMean"],
        yTitle: "mean",
        shown,
        decimated,
        totalSteps,
      }),
      variance: statisticChart(this.canvases.variance, t, {
        band: "expected spread of running var (±2σ)",
        keys: ["runningVar", "manualVar"],
        yTitle: "variance",
        shown,
        decimated,
        totalSteps,
      }),
      diff: new Chart(this.canvases.diff, {
        type: "line",
        data: {
          datasets: pairDatasets(t, shown, ["diffMean", "diffVar"], ["|Δ mean|", "|Δ var|"], {
            thin: true,
          }),
        },
        options: baseOptions(t, { yTitle: "|running − manual|", logY: this.logY, totalSteps }),
      }),
    };
    this.#setBands();
  }

  #setBands() {
    const { mean, variance } = this.charts;
    mean.data.datasets[0].data = this.meanBand?.upper ?? [];
    mean.data.datasets[1].data = this.meanBand?.lower ?? [];
    variance.data.datasets[0].data = this.varBand?.upper ?? [];
    variance.data.datasets[1].data = this.varBand?.lower ?? [];
  }

  // Redraws from the store's decimated points.
  update(store) {
    if (!this.charts) return;
    for (const [name, chart] of Object.entries(this.charts)) {
      const log = name === "diff" && this.logY;
      const cache = new Map();
      let points = 0;
      for (const ds of chart.data.datasets) {
        if (!ds.series) continue;
        const key = `${ds.series}:${ds.channel}`;
        if (!cache.has(key)) {
          const points = store.display(ds.series, ds.channel);
          cache.set(key, log ? points.map(positiveOrNull) : points);
        }
        ds.data = cache.get(key);
        points = Math.max(points, ds.data.length);
      }
      chart.update("none");
      // For tests and curious readers: how many points this chart draws per line at most.
      chart.canvas.dataset.points = String(points);
      chart.canvas.dataset.scale = chart.options.scales.y.type;
    }
    this.store = store;
  }

  clear() {
    if (!this.charts) return;
    for (const chart of Object.values(this.charts)) {
      for (const ds of chart.data.datasets) if (ds.series) ds.data = [];
      chart.update("none");
    }
  }

  setLogScale(logY) {
    this.logY = logY;
    if (!this.charts) return;
    const t = theme();
    const diff = this.charts.diff;
    diff.options.scales.y = baseOptions(t, {
      yTitle: "|running − manual|",
      logY,
      totalSteps: this.totalSteps,
    }).scales.y;
    if (this.store) this.update(this.store);
    else diff.update("none");
  }

  // Colours follow prefers-color-scheme: rebuild with the data kept.
  retheme() {
    if (!this.charts) return;
    const hidden = Object.fromEntries(
      Object.entries(this.charts).map(([k, ch]) => [
        k,
        ch.data.datasets.map((_, i) => !ch.isDatasetVisible(i)),
      ]),
    );
    this.setup({
      shown: this.shown,
      totalSteps: this.totalSteps,
      meanBand: this.meanBand,
      varBand: this.varBand,
      decimated: this.decimated,
    });
    for (const [k, flags] of Object.entries(hidden)) {
      flags.forEach((h, i) => h && this.charts[k].setDatasetVisibility(i, false));
    }
    if (this.store) this.update(this.store);
  }

  // One PNG of the three charts on the page's background, with titles.
  toPngBlob(titles) {
    const t = theme();
    const list = [this.charts.mean, this.charts.variance, this.charts.diff];
    const ratio = list[0].currentDevicePixelRatio || 1;
    const width = Math.max(...list.map((c) => c.canvas.width));
    const titleH = Math.round(30 * ratio);
    const height = list.reduce((h, c) => h + c.canvas.height + titleH, 0);
    const canvas = document.createElement("canvas");
    canvas.width = width;
    canvas.height = height;
    const ctx = canvas.getContext("2d");
    ctx.fillStyle = t.surface;
    ctx.fillRect(0, 0, width, height);
    let y = 0;
    list.forEach((chart, i) => {
      ctx.fillStyle = t.text;
      ctx.font = `600 ${Math.round(15 * ratio)}px system-ui, sans-serif`;
      ctx.textBaseline = "middle";
      ctx.fillText(titles[i], Math.round(12 * ratio), y + titleH / 2);
      y += titleH;
      ctx.drawImage(chart.canvas, 0, y);
      y += chart.canvas.height;
    });
    return new Promise((resolve) => canvas.toBlob(resolve, "image/png"));
  }

  destroy() {
    if (!this.charts) return;
    for (const chart of Object.values(this.charts)) chart.destroy();
    this.charts = null;
  }
}

function positiveOrNull(p) {
  return p.y > 0 ? p : { x: p.x, y: null };
}

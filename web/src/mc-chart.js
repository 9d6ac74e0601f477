// The Monte Carlo lens's histogram: counts of |running - manual| over seeds
// and channels as a filled step line, the theory's expected counts as a
// dashed curve, and the link's seed (each of its channels) as vertical lines.
// Chart.js's line chart only, as the page's other charts.
import { Chart, theme, withAlpha, baseOptions } from "./chart-style.js";
import { sizeText, countText } from "./format.js";

const CURVE_POINTS = 120;
export const MARKED_CHANNELS = 8;

export function histogramChart(canvas, { xTitle }) {
  const t = theme();
  const options = baseOptions(t, { yTitle: "count", totalSteps: 1 });
  options.scales.x.title.text = xTitle;
  options.scales.x.ticks.callback = (v) => sizeText(v);
  options.scales.x.ticks.precision = undefined;
  options.scales.y.min = 0;
  options.scales.y.ticks.precision = 0;
  options.interaction = { mode: "nearest", intersect: false };
  options.plugins.legend.labels.filter = (item, data) => {
    const ds = data.datasets[item.datasetIndex];
    return !ds.legendHidden && !(ds.hideWhenEmpty && ds.data.length === 0);
  };
  options.plugins.tooltip.callbacks.title = (items) => (items.length ? items[0].dataset.label : "");
  options.plugins.tooltip.callbacks.label = (item) => item.dataset.describe(item);
  const bars = t.palette[0];
  const curve = t.palette[1];
  const mark = t.palette[2];
  const datasets = [
    {
      label: "seeds × channels",
      data: [],
      stepped: "after",
      fill: "origin",
      borderColor: bars,
      backgroundColor: withAlpha(bars, 0.28),
      borderWidth: 1.5,
      hideWhenEmpty: true,
      describe: (item) => item.raw.text,
    },
    {
      label: "theory (expected count)",
      data: [],
      borderColor: curve,
      backgroundColor: curve,
      borderDash: [7, 4],
      borderWidth: 2.5,
      order: 0,
      describe: (item) => `expected ${countText(Math.round(item.parsed.y))} per bin`,
    },
  ];
  for (let c = 0; c < MARKED_CHANNELS; c++) {
    datasets.push({
      label: "the link's seed",
      data: [],
      borderColor: mark,
      backgroundColor: mark,
      borderWidth: 2.5,
      order: -1,
      legendHidden: c > 0,
      hideWhenEmpty: true,
      describe: (item) => item.dataset.note,
    });
  }
  return new Chart(canvas, { type: "line", data: { datasets }, options });
}

// hist: {edges, counts, width}; theory: {sd, total, pdf(x)} or null; marks:
// [{x, note}] (the link's seed's channels), named `markLabel` in the legend.
export function drawHistogram(chart, hist, theory, marks, markLabel) {
  const [bars, curve, ...markSets] = chart.data.datasets;
  const B = hist.counts.length;
  bars.data = hist.counts.map((n, i) => ({
    x: hist.edges[i],
    y: n,
    text: `${countText(n)} in [${sizeText(hist.edges[i])}, ${sizeText(hist.edges[i + 1])})`,
  }));
  bars.data.push({ x: hist.edges[B], y: hist.counts[B - 1], text: "" });
  // Before a run: no bars (and no legend entry for them), the theory alone.
  if (hist.counts.every((n) => n === 0) && !hist.nan) bars.data = [];
  let top = Math.max(1, ...hist.counts);
  curve.data = [];
  if (theory && theory.sd > 0) {
    const hi = hist.edges[B];
    for (let i = 0; i <= CURVE_POINTS; i++) {
      const x = (hi * i) / CURVE_POINTS;
      const y = theory.total * hist.width * theory.pdf(x);
      curve.data.push({ x, y });
      top = Math.max(top, y);
    }
  }
  top = Math.ceil(top * 1.12);
  markSets.forEach((ds, i) => {
    const m = marks[i];
    ds.data = m
      ? [
          { x: m.x, y: 0 },
          { x: m.x, y: top },
        ]
      : [];
    ds.note = m ? m.note : "";
    ds.label = markLabel;
  });
  chart.options.scales.x.max = hist.edges[B];
  chart.options.scales.y.max = top;
  chart.update("none");
}

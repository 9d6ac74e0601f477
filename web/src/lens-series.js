// Per-step, per-channel series for the lens charts, decimated like the main
// charts' trace (min and max per bucket of steps, in step order), and a small
// Chart.js line chart of such series that follows the page's theme.
import { Chart, theme, withAlpha, baseOptions } from "./chart-style.js";
import { countText } from "./format.js";

export class StepSeries {
  constructor(names, shown, totalSteps, buckets = 400) {
    this.shown = shown;
    this.bucketSize = totalSteps <= 2 * buckets ? 1 : Math.ceil(totalSteps / buckets);
    this.points = Object.fromEntries(
      names.map((n) => [n, Array.from({ length: shown }, () => [])]),
    );
    this.pending = new Map(); // "name/c" -> {minX, minY, maxX, maxY}
  }

  add(name, c, step, value) {
    const y = Number.isFinite(value) ? value : null;
    if (this.bucketSize === 1 || step === 0) {
      this.points[name][c].push({ x: step, y });
      return;
    }
    if (y === null) return;
    const key = `${name}/${c}`;
    const e = this.pending.get(key);
    if (!e) this.pending.set(key, { minX: step, minY: y, maxX: step, maxY: y });
    else {
      if (y < e.minY) Object.assign(e, { minX: step, minY: y });
      if (y > e.maxY) Object.assign(e, { maxX: step, maxY: y });
    }
  }

  // Called after each step: closes the bucket when it is full.
  endStep(step) {
    if (this.bucketSize > 1 && step % this.bucketSize === 0) this.#flush();
  }

  #flush() {
    for (const [key, e] of this.pending) {
      const [name, c] = key.split("/");
      this.points[name][Number(c)].push(...StepSeries.#bucket(e));
    }
    this.pending.clear();
  }

  static #bucket(e) {
    if (e.minX === e.maxX) return [{ x: e.minX, y: e.minY }];
    const a = { x: e.minX, y: e.minY };
    const b = { x: e.maxX, y: e.maxY };
    return e.minX < e.maxX ? [a, b] : [b, a];
  }

  display(name, c) {
    const open = this.pending.get(`${name}/${c}`);
    const done = this.points[name][c];
    return open ? done.concat(StepSeries.#bucket(open)) : done;
  }
}

// A line chart: lines [{label, series, channel, dash, faint}] drawn from a
// StepSeries, x from 0 to totalSteps; y suggested by `suggest` [min, max].
export function lensChart(canvas, { yTitle, totalSteps, suggest, lines, format }) {
  const t = theme();
  const options = baseOptions(t, { yTitle, totalSteps });
  options.plugins.legend = { display: false };
  options.scales.y.suggestedMin = suggest[0];
  options.scales.y.suggestedMax = suggest[1];
  options.plugins.tooltip.callbacks.title = (items) =>
    items.length ? `step ${countText(items[0].parsed.x)}` : "";
  options.plugins.tooltip.callbacks.label = (item) =>
    `${item.dataset.label}: ${format(item.parsed.y)}`;
  const datasets = lines.map((l) => {
    const color = l.color ? l.color(t) : t.palette[l.channel % t.palette.length];
    return {
      ...l,
      data: [],
      borderColor: l.faint ? withAlpha(color, 0.55) : color,
      backgroundColor: color,
      borderWidth: l.dash ? 2.5 : 1.5,
      borderDash: l.dash ? [7, 4] : [],
      // A dashed reference draws on top of the noisy solid lines.
      order: l.dash ? 0 : 1,
    };
  });
  return new Chart(canvas, { type: "line", data: { datasets }, options });
}

// Points every dataset at its series' current points and redraws.
export function refreshChart(chart, series) {
  if (!chart || !series) return;
  for (const ds of chart.data.datasets) {
    if (ds.series) ds.data = series.display(ds.series, ds.channel);
  }
  chart.update("none");
}

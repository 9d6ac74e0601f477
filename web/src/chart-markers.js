// The charts' scenario decorations: a Chart.js plugin that draws vertical
// markers (switch, freeze) on the mean and variance charts, a dashed line at
// the step and a short label at the top (from options.plugins.bnMarkers.lines),
// and the distance chart's button labels.
import { Chart } from "./chart-style.js";

const plugin = {
  id: "bnMarkers",
  afterDatasetsDraw(chart, _args, options) {
    const lines = options?.lines;
    if (!lines || !lines.length) return;
    const { ctx, chartArea: area, scales } = chart;
    ctx.save();
    ctx.font = "11px system-ui, sans-serif";
    ctx.textBaseline = "top";
    lines.forEach((line, i) => {
      const x = scales.x.getPixelForValue(line.x);
      if (!(x >= area.left && x <= area.right)) return;
      ctx.strokeStyle = options.color;
      ctx.fillStyle = options.color;
      ctx.lineWidth = 1.5;
      ctx.setLineDash(line.kind === "freeze" ? [2, 3] : [6, 3]);
      ctx.beginPath();
      ctx.moveTo(x, area.top);
      ctx.lineTo(x, area.bottom);
      ctx.stroke();
      // The label on the side with room, one row per marker.
      const width = ctx.measureText(line.label).width;
      const left = x + 4 + width > area.right;
      ctx.textAlign = left ? "right" : "left";
      const y = area.top + 2 + i * 14;
      ctx.fillStyle = options.background;
      ctx.fillRect(left ? x - 4 - width - 2 : x + 2, y - 1, width + 4, 14);
      ctx.fillStyle = options.color;
      ctx.fillText(line.label, left ? x - 4 : x + 4, y);
    });
    ctx.restore();
  },
};

Chart.register(plugin);

// The plugin's options for a chart: the markers and the theme's colours.
export function markerOptions(lines, t) {
  return { lines, color: t.text, background: t.surface };
}

// The distance chart's statistic buttons name the value each step estimates:
// 0 and 1 for the article's randn, the regime's shift and scale² otherwise.
export function labelDistanceChoices(scenario) {
  const set = (id, text) => {
    const el = document.querySelector(`label[for="${id}"]`);
    if (el) el.textContent = text;
  };
  set("dist-mean", scenario ? "|mean − shift|" : "|mean − 0|");
  set("dist-var", scenario ? "|variance − scale²|" : "|variance − 1|");
}

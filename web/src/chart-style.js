// The charts' look: Chart.js's parts, the Okabe–Ito palette per colour scheme,
// the page's CSS colours, number formats, and the options every chart shares.
import {
  Chart,
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Filler,
  Legend,
  Tooltip,
} from "chart.js";

Chart.register(
  LineController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Filler,
  Legend,
  Tooltip,
);

// Okabe & Ito's colour-blind-safe palette, ordered for contrast on each background.
const PALETTE = {
  light: ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000", "#F0E442"],
  dark: ["#56B4E9", "#E69F00", "#009E73", "#CC79A7", "#F0E442", "#D55E00", "#FFFFFF", "#0072B2"],
};
export const MAX_SHOWN_CHANNELS = PALETTE.light.length;

const numberFormat = new Intl.NumberFormat("en-US");
const tickFormat = new Intl.NumberFormat("en-US", { maximumSignificantDigits: 6 });

export function theme() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  // theme=light|dark in the link (data-theme on <html>) wins over the OS.
  const forced = document.documentElement.dataset.theme;
  const dark = forced ? forced === "dark" : matchMedia("(prefers-color-scheme: dark)").matches;
  return {
    palette: dark ? PALETTE.dark : PALETTE.light,
    text: v("--text") || (dark ? "#e6e8eb" : "#1b1f24"),
    muted: v("--muted") || (dark ? "#a3abb5" : "#57606a"),
    grid: v("--grid") || (dark ? "rgba(255,255,255,0.10)" : "rgba(0,0,0,0.08)"),
    band: v("--band") || (dark ? "rgba(180,190,205,0.16)" : "rgba(90,100,120,0.13)"),
    surface: v("--surface") || (dark ? "#161b22" : "#ffffff"),
    tooltipBg: v("--tooltip-bg") || (dark ? "#0d1117" : "#ffffff"),
  };
}

// "#rgb" or "#rrggbb" (the minifier shortens CSS colours) with an alpha.
export function withAlpha(color, alpha) {
  let hex = color.trim().replace(/^#/, "");
  if (/^[0-9a-f]{3}$/i.test(hex)) hex = [...hex].map((d) => d + d).join("");
  if (!/^[0-9a-f]{6}$/i.test(hex)) return color;
  const n = parseInt(hex, 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}

function formatValue(v) {
  if (v === null || v === undefined || Number.isNaN(v)) return "–";
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e5)) return v.toExponential(3);
  return v.toFixed(5);
}

export function baseOptions(t, { yTitle, logY = false, totalSteps }) {
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    spanGaps: true,
    interaction: { mode: "nearest", axis: "x", intersect: false },
    elements: { point: { radius: 0, hoverRadius: 3, hitRadius: 4 }, line: { tension: 0 } },
    scales: {
      x: {
        type: "linear",
        min: 0,
        max: Math.max(1, totalSteps),
        title: { display: true, text: "step (batches seen)", color: t.muted },
        ticks: {
          color: t.muted,
          maxTicksLimit: 7,
          precision: 0,
          callback: (v) => numberFormat.format(v),
        },
        grid: { color: t.grid },
        border: { color: t.grid },
      },
      y: {
        type: logY ? "logarithmic" : "linear",
        title: { display: true, text: yTitle, color: t.muted },
        ticks: {
          color: t.muted,
          maxTicksLimit: 7,
          callback: logY
            ? (v) => {
                const e = Math.log10(v);
                return Math.abs(e - Math.round(e)) < 1e-9 ? `1e${Math.round(e)}` : "";
              }
            : (v) => tickFormat.format(v),
        },
        grid: { color: t.grid },
        border: { color: t.grid },
      },
    },
    plugins: {
      legend: {
        position: "bottom",
        labels: {
          color: t.text,
          // Smaller on narrow charts, so that the legend leaves room for the plot.
          font: (ctx) => ({ size: ctx.chart.width < 480 ? 11 : 12 }),
          boxWidth: 26,
          boxHeight: 2,
          padding: 10,
          usePointStyle: false,
          filter: (item, data) => !data.datasets[item.datasetIndex].legendHidden,
          sort: (a, b) => a.datasetIndex - b.datasetIndex,
          generateLabels(chart) {
            const items = Chart.defaults.plugins.legend.labels.generateLabels(chart);
            for (const item of items) {
              const ds = chart.data.datasets[item.datasetIndex];
              item.lineWidth = 3;
              if (ds.isBand) {
                // A thick stroke turns the flat legend box into a swatch.
                item.fillStyle = ds.backgroundColor;
                item.strokeStyle = ds.backgroundColor;
                item.lineWidth = 9;
              }
            }
            return items;
          },
        },
        onClick(event, item, legend) {
          const chart = legend.chart;
          const ds = chart.data.datasets[item.datasetIndex];
          // A band is two datasets; a manual line has a halo under it.
          const together = (d) =>
            ds.isBand ? d.isBand : d.series === ds.series && d.channel === ds.channel;
          const targets = chart.data.datasets
            .map((d, i) => (together(d) ? i : -1))
            .filter((i) => i >= 0);
          const visible = chart.isDatasetVisible(item.datasetIndex);
          for (const i of targets) chart.setDatasetVisibility(i, !visible);
          chart.update("none");
        },
      },
      tooltip: {
        itemSort: (a, b) => a.datasetIndex - b.datasetIndex,
        filter: (item) => !item.dataset.isBand && !item.dataset.halo,
        backgroundColor: t.tooltipBg,
        titleColor: t.text,
        bodyColor: t.text,
        borderColor: t.grid,
        borderWidth: 1,
        callbacks: {
          title: (items) => (items.length ? `step ${numberFormat.format(items[0].parsed.x)}` : ""),
          label: (item) => `${item.dataset.label}: ${formatValue(item.parsed.y)}`,
        },
      },
    },
  };
}

export { Chart };

// The charts as one PNG (the "Charts (PNG)" download): each chart's canvas
// under its title, on the page's background.
import { theme } from "./chart-style.js";

export function chartsPng(charts, titles) {
  // A hidden chart (an embed's panels) has no pixels to copy.
  const shown = charts.map((c, i) => [c, titles[i]]).filter(([c]) => c.canvas.width > 0);
  const list = shown.map(([c]) => c);
  titles = shown.map(([, title]) => title);
  if (!list.length) return Promise.resolve(null);
  const t = theme();
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

// The page's three charts (a Charts) as one PNG, once they are built (null: there are none).
export async function pagePng(charts, titles) {
  await charts.pending?.catch(() => {});
  const c = charts.charts;
  return c ? chartsPng([c.mean, c.variance, c.distance], titles) : null;
}

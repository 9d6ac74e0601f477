// The lesson's picture: how much each past batch weighs in running_mean after
// t steps, (1 - m)^k m for the batch k steps ago and (1 - m)^t for the starting
// value, against the manual mean's 1/t for every batch. An inline SVG built
// with DOM calls (text only through textContent), coloured by classes.
import { halfLife } from "./theory.js";
import { sizeText } from "./format.js";

const SVG = "http://www.w3.org/2000/svg";
const MAX_BARS = 60;

// The bars to draw (newest first): enough batches to show 99% of the weight of
// an exponential average (never more than MAX_BARS, nor more than t).
// `seen`: the batches the manual mean has taken in, t unless a freeze stopped
// the running statistics' updates at t (the step inspector's frozen steps).
export function weightsFigureData(momentum, t, seen = t) {
  const steps = Math.max(0, Math.floor(t));
  let count;
  if (momentum === null || momentum <= 0) count = Math.min(steps, 40);
  else if (momentum >= 1) count = Math.min(steps, 8);
  else {
    const to1Percent = Math.ceil(Math.log(0.01) / Math.log1p(-momentum));
    count = Math.min(steps, Math.max(8, Math.min(MAX_BARS, to1Percent)));
  }
  const weightAt = (k) => (momentum === null ? 1 / steps : momentum * Math.pow(1 - momentum, k));
  const bars = Array.from({ length: count }, (_, k) => ({ age: k, weight: weightAt(k) }));
  const shown = bars.reduce((s, b) => s + b.weight, 0);
  return {
    bars,
    // What the running mean still holds of its starting value (0, the truth).
    initialWeight: steps === 0 ? 1 : momentum === null ? 0 : Math.pow(1 - momentum, steps),
    manualWeight: seen >= 1 ? 1 / Math.floor(seen) : 0,
    seen: Math.floor(seen),
    halfLife: halfLife(momentum),
    shownShare: shown,
    steps,
  };
}

function el(name, attrs = {}, text) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

// Draws the figure into `container` (replacing what was there).
export function renderWeightsFigure(container, momentum, t, seen = t) {
  const data = weightsFigureData(momentum, t, seen);
  // Drawn about this size (the side column): text stays legible.
  const W = 360;
  const H = 190;
  const left = 6;
  const right = 6;
  const top = 34;
  const bottom = 34;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const n = Math.max(data.bars.length, 1);
  const max = Math.max(data.manualWeight, ...data.bars.map((b) => b.weight), 1e-12);
  const y = (w) => top + plotH * (1 - w / max);
  // Newest batch on the right, as on the charts' step axis.
  const slot = plotW / n;
  const x = (age) => left + plotW - (age + 1) * slot;

  const label =
    momentum === null
      ? `With momentum None every one of the ${data.steps} batches weighs 1/${data.steps}, like the manual mean.`
      : `Weight of each past batch in running_mean after ${data.steps} steps: ${sizeText(data.bars[0]?.weight ?? 0)} for the last batch, halving every ${data.halfLife === Infinity ? "∞" : sizeText(data.halfLife)} batches; the manual mean gives each batch ${sizeText(data.manualWeight)}.`;
  const svg = el("svg", {
    viewBox: `0 0 ${W} ${H}`,
    class: "weights-figure",
    role: "img",
    "aria-label": label,
  });
  svg.append(el("title", {}, label));
  svg.append(
    el("line", { x1: left, x2: W - right, y1: top + plotH, y2: top + plotH, class: "wf-axis" }),
  );
  for (const bar of data.bars) {
    const h = top + plotH - y(bar.weight);
    svg.append(
      el("rect", {
        x: x(bar.age) + slot * 0.12,
        y: top + plotH - h,
        width: slot * 0.76,
        height: Math.max(h, 0),
        class: "wf-bar",
        "data-age": bar.age,
      }),
    );
  }
  // The manual mean's flat weight, drawn over the whole width: every batch ever seen.
  if (data.manualWeight > 0) {
    const ym = y(data.manualWeight);
    svg.append(el("line", { x1: left, x2: W - right, y1: ym, y2: ym, class: "wf-manual" }));
    // Written at the top left, where the oldest bars are low: it is the flat line at the bottom.
    // With momentum None the bars reach the top: the note goes above them.
    svg.append(
      el(
        "text",
        { x: left, y: momentum === null ? top - 8 : top + 8, class: "wf-note" },
        `manual mean: 1/${data.seen} = ${sizeText(data.manualWeight)} per batch (dashed)`,
      ),
    );
  }
  if (momentum !== null && Number.isFinite(data.halfLife) && data.halfLife < n) {
    const xh = left + plotW - data.halfLife * slot;
    svg.append(el("line", { x1: xh, x2: xh, y1: top - 6, y2: top + plotH, class: "wf-half" }));
    svg.append(
      el(
        "text",
        { x: xh - 4, y: top - 10, class: "wf-note", "text-anchor": "end" },
        `half-life ${sizeText(data.halfLife)} batches`,
      ),
    );
  }
  // Tick labels: batches ago, 0 for the newest.
  const every = n <= 10 ? 1 : n <= 30 ? 5 : 10;
  for (let k = 0; k < n; k += every) {
    svg.append(
      el(
        "text",
        { x: x(k) + slot / 2, y: top + plotH + 15, class: "wf-tick", "text-anchor": "middle" },
        String(k),
      ),
    );
  }
  svg.append(
    el(
      "text",
      { x: left + plotW / 2, y: H - 6, class: "wf-tick", "text-anchor": "middle" },
      momentum === null ? "batches ago (each weighs the same)" : "batches ago",
    ),
  );
  svg.append(
    el(
      "text",
      { x: 0, y: 12, class: "wf-tick" },
      `weight (newest: ${sizeText(data.bars[0]?.weight ?? 0)})`,
    ),
  );
  container.replaceChildren(svg);
  return data;
}

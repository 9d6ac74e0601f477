// The inspected step on every chart whose x axis is the step: a vertical line
// named at its foot (a Chart.js plugin registered once for all charts), and
// the charts as a scrubber: hovering previews a step, a click or a touch picks
// it. A chart opts in by an x axis titled "step ..." or by data-step-axis="1"
// on its canvas.
import { Chart } from "./chart-style.js";

const marker = {
  step: null, // the step marked, or null
  color: "#888",
  onHover: null, // (step | null) => void
  onPick: null, // (step) => void
  maxStep: 0, // the last step with data: hovering past it shows that
};

function onStepAxis(chart) {
  if (chart.canvas?.dataset.stepAxis === "1") return true;
  const title = chart.options?.scales?.x?.title?.text;
  return typeof title === "string" && title.startsWith("step");
}

function stepAt(chart, px) {
  const x = chart.scales.x;
  if (!x || marker.maxStep < 1) return null;
  const v = Math.round(x.getValueForPixel(px));
  return Number.isFinite(v) ? Math.min(Math.max(v, 1), marker.maxStep) : null;
}

Chart.register({
  id: "inspectMarker",
  afterDatasetsDraw(chart) {
    if (!onStepAxis(chart)) return;
    // For tests and curious readers: the step this chart marks.
    const marked = marker.step === null ? "" : String(marker.step);
    // Written only when it changes: an attribute write at every draw restyles the page.
    if (chart.canvas.dataset.markedStep !== marked) chart.canvas.dataset.markedStep = marked;
    if (marker.step === null) return;
    const x = chart.scales.x;
    const area = chart.chartArea;
    if (!x || !area || marker.step < x.min || marker.step > x.max) return;
    const px = Math.round(x.getPixelForValue(marker.step)) + 0.5;
    const ctx = chart.ctx;
    ctx.save();
    ctx.strokeStyle = marker.color;
    ctx.lineWidth = 1.5;
    ctx.beginPath();
    ctx.moveTo(px, area.top);
    ctx.lineTo(px, area.bottom);
    ctx.stroke();
    // Named at the foot of the line (the scenario markers write at the top).
    const label = `step ${marker.step.toLocaleString("en-US")}`;
    ctx.font = "11px system-ui, sans-serif";
    ctx.fillStyle = marker.color;
    const w = ctx.measureText(label).width;
    const right = px + 4 + w <= area.right;
    ctx.textAlign = right ? "left" : "right";
    ctx.fillText(label, right ? px + 4 : px - 4, area.bottom - 4);
    ctx.restore();
  },
  afterEvent(chart, args) {
    if (!onStepAxis(chart)) return;
    const e = args.event;
    const area = chart.chartArea;
    const inside =
      area && e.x >= area.left && e.x <= area.right && e.y >= area.top && e.y <= area.bottom;
    if (e.type === "mouseout" || !inside) {
      if (e.type === "mouseout" || e.type === "mousemove") marker.onHover?.(null);
      return;
    }
    const step = stepAt(chart, e.x);
    if (step === null) return;
    if (e.type === "mousemove") marker.onHover?.(step);
    else if (e.type === "click" || e.type === "touchstart" || e.type === "touchmove") {
      marker.onPick?.(step);
    }
  },
});

// Every chart on a step axis, redrawn once per frame at most.
let queued = false;
function redraw() {
  if (queued) return;
  queued = true;
  requestAnimationFrame(() => {
    queued = false;
    for (const chart of Object.values(Chart.instances)) if (onStepAxis(chart)) chart.draw();
  });
}

export function setMarker(step, color) {
  if (step === marker.step && color === marker.color) return;
  marker.step = step;
  marker.color = color;
  redraw();
}

export function setMarkerHandlers({ onHover, onPick }) {
  marker.onHover = onHover;
  marker.onPick = onPick;
}

export function setMarkerRange(maxStep) {
  marker.maxStep = maxStep;
}

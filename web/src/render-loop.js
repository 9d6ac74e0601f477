// What follows a run as it goes: the progress line, the article's output and
// its caption every frame, and the charts as often as drawing them allows.
const $ = (id) => document.getElementById(id);
const fmtInt = new Intl.NumberFormat("en-US");
let firstDataMarked = false;

const STATUS_TEXT = {
  loading: "Loading the WebAssembly module…",
  starting: "Starting…",
  failed: "Stopped: see the message above.",
};

export class RenderLoop {
  // afterOutput(): called whenever the output was redrawn (the explanation's
  // numbers follow the last step).
  constructor(state, charts, { afterOutput }) {
    this.state = state;
    this.charts = charts;
    this.afterOutput = afterOutput;
    this.textQueued = false;
    this.chartQueued = false;
    this.lastChart = 0;
    this.chartCost = 0;
    this.chartedStore = null; // the store whose data was last drawn
    this.chartStale = false;
    this.chartDrawing = false;
  }

  // The text follows every frame; the charts are redrawn at most once a frame,
  // and less often when drawing is slow (a big trace, a slow machine, no GPU):
  // the cost of a redraw is measured up to the next frame, painting included,
  // and the next one waits three times that long (half a second at most), so
  // that the page keeps responding to input.
  schedule() {
    if (!this.textQueued) {
      this.textQueued = true;
      requestAnimationFrame(() => {
        this.textQueued = false;
        this.progress();
        this.output();
      });
    }
    // New data while a redraw is in flight (its parts are separate tasks): one more redraw after.
    if (this.chartQueued) {
      if (this.chartDrawing) this.chartStale = true;
      return;
    }
    this.chartQueued = true;
    this.chartStale = false;
    // A run's first data is drawn at once: the wait follows the cost of drawing its charts, not
    // of drawing them empty before it started.
    const throttled = this.chartedStore === this.state.store;
    const wait = throttled
      ? Math.max(0, this.lastChart + Math.min(3 * this.chartCost, 500) - performance.now())
      : 0;
    // Each chart is drawn in its own task after the frame (charts.updateParts): one task for all
    // three held the main thread past 50 ms on a long run.
    const draw = () => requestAnimationFrame(paint);
    const paint = () => {
      // The charts are being built (charts.setupInParts): drawn in the frame after they are.
      if (this.charts.pending) {
        this.charts.pending.then(draw, draw);
        return;
      }
      this.chartDrawing = true;
      const store = this.state.store;
      const parts = store ? this.charts.updateParts(store) : [];
      const drawn = parts.length > 0;
      const t0 = performance.now();
      // A run's first data (a chunk or two, quick to draw) goes on the three charts at once, one
      // chart a task where scheduler.yield lets the rest go before other waiting tasks (a task
      // queued behind them waits its turn on a busy machine). Later redraws go part by part.
      const next = () => {
        const part = parts.shift();
        if (part) {
          part();
          if (throttled) setTimeout(next, 0);
          else if (globalThis.scheduler?.yield) globalThis.scheduler.yield().then(next);
          else next();
          return;
        }
        this.chartQueued = false;
        this.chartDrawing = false;
        if (drawn && store.stepsDone > 0) this.chartedStore = store;
        // For bench/page-metrics.mjs: when the first data was charted, from navigation start.
        if (drawn && store.stepsDone > 0 && !firstDataMarked) {
          firstDataMarked = true;
          performance.mark("batchnorm-lab:first-data");
        }
        this.lastChart = performance.now();
        requestAnimationFrame(() => {
          this.chartCost = performance.now() - t0;
        });
        if (this.chartStale) this.schedule();
      };
      if (throttled) setTimeout(next, 0);
      else next();
    };
    if (wait > 0) setTimeout(draw, wait);
    else draw();
  }

  progress() {
    const { store, status, rate } = this.state;
    const bar = $("progress");
    const text = $("progress-text");
    if (STATUS_TEXT[status]) {
      bar.removeAttribute("value");
      if (status === "failed") bar.value = 0;
      text.textContent = STATUS_TEXT[status];
      return;
    }
    if (!store) {
      bar.max = 1;
      bar.value = 0;
      text.textContent = "Ready. Press Run.";
      return;
    }
    const total = store.totalSteps;
    bar.max = Math.max(total, 1);
    bar.value = total === 0 ? 1 : store.stepsDone;
    const done = `${fmtInt.format(store.stepsDone)} of ${fmtInt.format(total)} steps`;
    const label =
      { running: "Running", paused: "Paused", finished: "Done", idle: "Ready" }[status] ?? "";
    const speed =
      status === "running" && rate.value > 0
        ? ` · ${fmtInt.format(Math.round(rate.value))} steps/s`
        : "";
    text.textContent = `${label}: ${done}${speed}`;
  }

  output() {
    const { store, status, articleOutput } = this.state;
    const pre = $("article-output");
    if (pre.textContent !== articleOutput) pre.textContent = articleOutput;
    const caption = $("output-caption");
    if (!store) {
      caption.textContent =
        "What the article's PyTorch script prints for this config appears here once it runs.";
    } else if (status === "finished") {
      caption.textContent = `Exactly what the article's PyTorch script prints for this config (all ${fmtInt.format(store.totalSteps)} steps).`;
    } else {
      caption.textContent = `What the article's PyTorch script would print after the ${fmtInt.format(store.stepsDone)} of ${fmtInt.format(store.totalSteps)} steps done so far.`;
    }
    this.afterOutput();
  }
}

// Above the charts when they show only some of the channels.
export function renderChannelNote(shown, channels) {
  const note = $("channel-note");
  note.hidden = channels <= shown;
  note.textContent = `The charts show channels 0 to ${shown - 1} of ${fmtInt.format(channels)}; the downloads and the article's output cover all of them.`;
}

// The variance lens: each batch's biased variance (what BatchNorm normalises
// with) and unbiased variance (what it blends into running_var), their factor
// n/(n-1), PyTorch's running_var, and a dashed what-if running_var that blends
// the biased one instead (not PyTorch; Keras 3 and Flax keep that one).
import { StepSeries, lensChart, refreshChart } from "./lens-series.js";
import { besselFactor, blendVariance } from "./batch-variance.js";
import { statText, countText } from "./format.js";
import { el } from "./lens-dom.js";
import { stepTable } from "./lens-step-table.js";

const NAMES = ["biased", "unbiased", "running", "whatIf"];
const TABLE_CHANNELS = 64;
const LABELS = {
  biased: "batch variance, biased (÷ n): normalises the batch",
  unbiased: "batch variance, unbiased (÷ (n − 1)): goes into running_var",
  running: "running_var (PyTorch)",
  whatIf: "what if running_var used the biased variance (not PyTorch)",
};

// Walks the run's chunks in order: per step and channel the biased and
// unbiased variance (NaN at eval steps), PyTorch's running_var and the
// what-if running_var (kept per chunk as float32, like the trace), calling
// visit(step, c, values) for the first `shown` channels.
export class VarianceFold {
  constructor(config, channels, shown = channels) {
    this.n = config.batch * config.height * config.width;
    this.momentum = config.momentum;
    this.channels = channels;
    this.shown = shown;
    this.whatIf = new Float64Array(channels).fill(1);
    this.whatIfChunks = [];
    this.tracked = 0; // num_batches_tracked
    this.steps = 0;
  }

  fold(chunks, visit) {
    const C = this.channels;
    for (let seen = this.whatIfChunks.length; seen < chunks.length; seen++) {
      const chunk = chunks[seen];
      if (chunk.dropped) {
        // A long run's middle, gone before this lens saw it: the what-if has no
        // values from here on rather than wrong ones.
        this.whatIf.fill(NaN);
        this.whatIfChunks.push(null);
        this.steps += chunk.steps;
        continue;
      }
      const kept = new Float32Array(chunk.steps * C);
      for (let i = 0; i < chunk.steps; i++) {
        const training = !Number.isNaN(chunk.batchVar[i * C]);
        if (training) this.tracked++;
        for (let c = 0; c < C; c++) {
          if (training) {
            const biased = chunk.batchVar[i * C + c];
            this.whatIf[c] = blendVariance(this.whatIf[c], biased, this.momentum, this.tracked);
          }
          kept[i * C + c] = this.whatIf[c];
        }
        for (let c = 0; c < this.shown; c++)
          visit(chunk.firstStep + i, c, this.#values(chunk, kept, i, c));
      }
      this.whatIfChunks.push(kept);
      this.steps += chunk.steps;
    }
  }

  #values(chunk, kept, i, c) {
    const k = i * this.channels + c;
    return {
      biased: chunk.batchVar[k],
      unbiased: chunk.batchVarUnbiased[k],
      running: chunk.runningVar[k],
      whatIf: kept[k],
    };
  }

  // The values of every channel (at most `limit`) after `step`, or null.
  at(chunks, step, limit) {
    for (let j = 0; j < this.whatIfChunks.length; j++) {
      const chunk = chunks[j];
      const i = step - chunk.firstStep;
      if (i < 0 || i >= chunk.steps) continue;
      if (chunk.dropped) return null;
      const count = Math.min(this.channels, limit);
      return Array.from({ length: count }, (_, c) =>
        this.#values(chunk, this.whatIfChunks[j], i, c),
      );
    }
    return null;
  }
}

export function varianceLens({ body, state }) {
  body.classList.add("lens-wide");
  const canvas = el("canvas", {
    role: "img",
    "aria-label":
      "Line chart: each batch's biased and unbiased variance, running_var, and the what-if running_var from the biased variance, against the step",
  });
  const channelSelect = el("select", { id: "variance-channel" });
  const words = el("div", { className: "lens-words" });
  const numbers = stepTable({
    id: "variance",
    first: 1,
    columns: [
      { title: "biased s²", testid: "variance-biased", value: (v) => v.biased },
      { title: "unbiased u²", testid: "variance-unbiased", value: (v) => v.unbiased },
      { title: "u² / s²", testid: "variance-ratio", value: (v) => v.unbiased / v.biased },
      { title: "running_var", testid: "variance-running", value: (v) => v.running },
      { title: "what-if (not PyTorch)", testid: "variance-whatif", value: (v) => v.whatIf },
    ],
    rowsAt: (step) => (fold?.steps ? fold.at(state.store.chunks, step, TABLE_CHANNELS) : null),
    note: (step) =>
      `Batch of step ${step}: every digit, as the module computed it (float32 values).`,
    empty: "No batch yet.",
  });
  // Key swatches coloured like their lines once the chart knows the theme.
  const swatches = {};
  const key = (name, dashed) =>
    el(
      "span",
      { className: "k" },
      (swatches[name] = el("span", { className: dashed ? "key dashed" : "key" })),
      LABELS[name],
    );
  body.append(
    el(
      "div",
      { className: "lens-columns" },
      el(
        "div",
        { className: "lens-figure" },
        el(
          "div",
          { className: "field lens-inline" },
          el("label", { htmlFor: "variance-channel" }, "Channel"),
          channelSelect,
        ),
        el("div", { className: "lens-chart-box tall" }, canvas),
        el(
          "p",
          { className: "lens-key" },
          key("biased"),
          key("unbiased"),
          key("running"),
          key("whatIf", true),
        ),
      ),
      el("div", { className: "lens-text" }, words),
    ),
    numbers.element,
  );

  let chart = null;
  let series = null;
  let fold = null;
  let channel = 0;

  function setup() {
    chart?.destroy();
    chart = null;
    const store = state.store;
    if (!store || !state.config) return;
    channel = Math.min(channel, store.shown - 1);
    channelSelect.replaceChildren(
      ...Array.from({ length: store.shown }, (_, c) =>
        el("option", { value: String(c), selected: c === channel }, `channel ${c}`),
      ),
    );
    channelSelect.disabled = store.shown < 2;
    series = new StepSeries(NAMES, store.shown, store.totalSteps);
    fold = new VarianceFold(state.config, store.channels, store.shown);
    const palette = (i) => (t) => t.palette[i];
    chart = lensChart(canvas, {
      yTitle: "variance",
      totalSteps: store.totalSteps,
      suggest: [0.5, 1.5],
      format: (v) => String(v),
      lines: [
        { label: LABELS.biased, series: "biased", channel, color: palette(2), faint: true },
        { label: LABELS.unbiased, series: "unbiased", channel, color: palette(3), faint: true },
        { label: LABELS.running, series: "running", channel, color: palette(0) },
        { label: LABELS.whatIf, series: "whatIf", channel, color: palette(1), dash: true },
      ],
    });
    for (const ds of chart.data.datasets) {
      if (ds.faint) Object.assign(ds, { borderWidth: 1, order: 3 });
      // CSSOM, which a strict style-src allows.
      swatches[ds.series].style.borderTopColor = ds.borderColor;
    }
  }

  function update() {
    const store = state.store;
    if (!fold || !store) return;
    fold.fold(store.chunks, (step, c, v) => {
      for (const name of NAMES) series.add(name, c, step, v[name]);
      if (c === store.shown - 1) series.endStep(step);
    });
    refreshChart(chart, series);
  }

  function renderWords() {
    const c = state.config;
    if (!c) return;
    const n = fold?.n ?? c.batch * c.height * c.width;
    const f = besselFactor(n);
    const done = fold?.steps ?? 0;
    const last = done > 0 ? fold.at(state.store.chunks, done, channel + 1)[channel] : null;
    const bigger = (m) => `${(100 * (besselFactor(m) - 1)).toPrecision(2)} %`;
    const parts = [
      el(
        "p",
        {},
        `Each batch has n = batch · height · width = ${c.batch} · ${c.height} · ${c.width} = ${countText(n)} values per channel. BatchNorm normalises the batch with its `,
        el("strong", {}, "biased"),
        " variance s² = Σ(x − x̄)² / n, but blends the ",
        el("strong", {}, "unbiased"),
        ` u² = Σ(x − x̄)² / (n − 1) = s² · n/(n − 1) into running_var. For this run n/(n − 1) = ${countText(n)}/${countText(n - 1)} = ${Number.isFinite(f) ? f.toFixed(4) : "∞"}: every u² is ${Number.isFinite(f) ? bigger(n) : "infinitely"} larger than its s².`,
      ),
      el(
        "p",
        {},
        "The dashed line is a what-if that PyTorch never computes: running_var if it blended s² instead (what Keras 3 and Flax keep). It settles near (n − 1)/n of the true variance, PyTorch's near the true variance. The gap shrinks as n grows: ",
        `${bigger(n)} at n = ${countText(n)}, ${bigger(10 * n)} at ${countText(10 * n)}, ${bigger(100 * n)} at ${countText(100 * n)} (a bigger batch, or height · width > 1, multiplies n).`,
      ),
    ];
    if (last && Number.isFinite(last.biased)) {
      parts.push(
        el(
          "p",
          {},
          `Last batch (step ${countText(done)}), channel ${channel}: s² = ${statText(last.biased)}, u² = ${statText(last.unbiased)}; running_var ${statText(last.running)}, the what-if ${statText(last.whatIf)}.`,
        ),
      );
    } else if (last) {
      parts.push(
        el("p", {}, "This step ran in eval mode: BatchNorm computed no batch statistics."),
      );
    }
    words.replaceChildren(...parts);
  }

  function render() {
    renderWords();
    numbers.render(fold?.steps ?? 0);
  }

  channelSelect.addEventListener("change", () => {
    channel = Number(channelSelect.value);
    for (const ds of chart?.data.datasets ?? []) ds.channel = channel;
    refreshChart(chart, series);
    renderWords();
  });

  return {
    config() {
      setup();
      render();
    },
    trace() {
      update();
      render();
    },
    finished() {
      update();
      render();
    },
    theme() {
      setup();
      update();
    },
  };
}

// The eval-mode probe lens: one fixed batch (its own seed) normalised at every
// step in eval mode (running statistics, bit for bit PyTorch's eval forward)
// against train mode (its own batch statistics): the lens's DOM, charts of the
// eval output's per-channel mean and std over the steps, the words beside them,
// and a table of the numbers at any step (the numbers: probe-fold.js).
import { StepSeries, lensChart, refreshChart } from "./lens-series.js";
import { parseProbeSeed } from "./probe-seed.js";
import { statText, countText } from "./format.js";
import { el, rerun } from "./lens-dom.js";
import { probeAt, probeRows, foldProbe, probePytorchCode } from "./probe-fold.js";
import { stepTable } from "./lens-step-table.js";

const NAMES = ["evalMean", "evalStd"];

export function probeLens({ body, state }) {
  body.classList.add("lens-wide");
  const seedInput = el("input", {
    id: "probe-seed",
    type: "text",
    inputmode: "numeric",
    spellcheck: false,
    className: "lens-seed",
  });
  const seedError = el("p", { className: "field-error", id: "probe-seed-error", hidden: true });
  const meanCanvas = el("canvas", {
    role: "img",
    "aria-label": "Line chart: mean of the probe's eval-mode output per channel against the step",
  });
  const stdCanvas = el("canvas", {
    role: "img",
    "aria-label":
      "Line chart: standard deviation of the probe's eval-mode output per channel against the step",
  });
  const words = el("div", { className: "lens-words", "aria-live": "off" });
  const channelKey = el("span", { className: "k" });
  const numbers = stepTable({
    id: "probe",
    first: 0,
    columns: [
      { title: "eval mean", testid: "probe-eval-mean", value: (r) => r.evalMean },
      { title: "eval std", testid: "probe-eval-std", value: (r) => r.evalStd },
      { title: "train mean", testid: "probe-train-mean", value: (r) => r.trainMean },
      { title: "train std", testid: "probe-train-std", value: (r) => r.trainStd },
    ],
    rowsAt: (step) => probeRows(state.probe, state.store, step),
    note: (step, done) =>
      `After step ${step}${step === done ? " (the last one run)" : ""}: every digit, as the module computed it.`,
    empty: "Not recorded for this run.",
  });
  const code = el("pre", { className: "code", tabIndex: 0 });
  body.append(
    el(
      "div",
      { className: "lens-columns" },
      el(
        "div",
        { className: "lens-figure" },
        el("h3", {}, "Mean of the eval-mode output"),
        el("div", { className: "lens-chart-box" }, meanCanvas),
        el("h3", {}, "Standard deviation of the eval-mode output"),
        el("div", { className: "lens-chart-box" }, stdCanvas),
        el(
          "p",
          { className: "lens-key" },
          el(
            "span",
            { className: "k" },
            el("span", { className: "key" }),
            "eval mode (running statistics)",
          ),
          el(
            "span",
            { className: "k" },
            el("span", { className: "key dashed" }),
            "train mode (the probe's own batch statistics)",
          ),
          channelKey,
        ),
      ),
      el(
        "div",
        { className: "lens-text" },
        words,
        el(
          "div",
          { className: "field lens-inline" },
          el("label", { htmlFor: "probe-seed" }, "Probe seed"),
          seedInput,
          seedError,
        ),
        el(
          "details",
          { className: "code-details" },
          el("summary", {}, "The probe in PyTorch"),
          code,
        ),
      ),
    ),
    numbers.element,
  );

  let charts = null;
  let series = null;
  let seen = 0; // chunks folded into the series
  let shown = 0;

  function setup() {
    charts?.mean.destroy();
    charts?.std.destroy();
    charts = null;
    series = null;
    seen = 0;
    const store = state.store;
    if (!store || !state.probe) return;
    shown = store.shown;
    series = new StepSeries(NAMES, shown, store.totalSteps);
    const lines = (name, ref) =>
      Array.from({ length: shown }, (_, c) => [
        { label: `channel ${c}, eval mode`, series: name, channel: c },
        ...(state.probe[ref]
          ? [
              {
                label: `channel ${c}, train mode`,
                channel: c,
                dash: true,
                fixed: state.probe[ref][c],
              },
            ]
          : []),
      ]).flat();
    const common = { totalSteps: store.totalSteps, format: (v) => String(v) };
    charts = {
      mean: lensChart(meanCanvas, {
        ...common,
        yTitle: "mean",
        suggest: [-0.5, 0.5],
        lines: lines("evalMean", "trainMean"),
      }),
      std: lensChart(stdCanvas, {
        ...common,
        yTitle: "std",
        suggest: [0.5, 1.5],
        lines: lines("evalStd", "trainStd"),
      }),
    };
    // One swatch per channel, coloured as its lines (CSSOM: allowed by style-src).
    const colors = charts.mean.data.datasets.filter((d) => !d.dash).map((d) => d.borderColor);
    channelKey.replaceChildren(
      "channels: ",
      ...colors.flatMap((color, c) => {
        const swatch = el("span", { className: "key" });
        swatch.style.borderTopColor = color;
        return [swatch, `${c} `];
      }),
    );
    for (const chart of Object.values(charts)) {
      for (const ds of chart.data.datasets) {
        if (ds.fixed !== undefined)
          ds.data = [
            { x: 0, y: ds.fixed },
            { x: Math.max(1, store.totalSteps), y: ds.fixed },
          ];
      }
    }
    for (let c = 0; c < shown; c++) {
      series.add("evalMean", c, 0, state.probe.evalMean[c]);
      series.add("evalStd", c, 0, state.probe.evalStd[c]);
    }
  }

  function fold() {
    const store = state.store;
    if (!series || !store) return;
    seen = foldProbe(
      store,
      seen,
      shown,
      (step, c, mean, std) => {
        series.add("evalMean", c, step, mean);
        series.add("evalStd", c, step, std);
      },
      (step) => series.endStep(step),
    );
    refreshChart(charts?.mean, series);
    refreshChart(charts?.std, series);
  }

  function renderWords() {
    const c = state.config;
    if (!c) return;
    const done = state.store?.stepsDone ?? 0;
    const now = probeAt(state.probe, state.store, done);
    const p = state.probe;
    const n = c.batch * c.height * c.width;
    const parts = [
      el(
        "p",
        {},
        `A fixed probe batch, torch.randn(${c.batch}, ${c.channels}, ${c.height}, ${c.width}) from its own generator (seed ${p?.seed ?? state.page["probe-seed"]}), goes through the layer at every step twice. `,
        el("strong", {}, "Train mode"),
        ` normalises it with its own batch statistics: mean 0 and std √(n/(n − 1)) = ${statText(Math.sqrt(n / (n - 1)))} at every step (dashed; torch.std divides by n − 1 = ${countText(n - 1)}). `,
        el("strong", {}, "Eval mode"),
        " normalises it with running_mean and running_var (solid): what the model gives at inference. The gap between them is why train and eval outputs differ.",
      ),
      el(
        "p",
        {},
        `Two things make that gap. The probe is only ${countText(n)} values per channel, so its own mean and spread differ from 0 and 1 by chance, and eval mode keeps that (train mode removes it): a steady offset per channel. And the running statistics are noisy themselves: the wiggle from step to step.`,
      ),
    ];
    if (p?.trainError) {
      parts.push(
        el(
          "p",
          { className: "lens-note" },
          `Train mode refuses this probe: PyTorch raises ${p.trainError}`,
        ),
      );
    }
    if (now && done > 0) {
      parts.push(
        el(
          "p",
          {},
          `After step ${countText(done)}, channel 0: eval mean ${statText(now.mean[0])}, eval std ${statText(now.std[0])}` +
            (p?.trainMean
              ? ` (train mode: ${statText(p.trainMean[0])} and ${statText(p.trainStd[0])}).`
              : "."),
        ),
      );
    }
    if (c.switch !== null && c.switch < c.steps) {
      const sh2 = c.shift2 ?? c.shift;
      const sc2 = c.scale2 ?? c.scale;
      parts.push(
        el(
          "p",
          {},
          `From step ${countText(c.switch + 1)} the inputs are randn·${sc2} + ${sh2} (a domain shift). The running statistics follow them, so the same probe (randn: mean 0, std 1) comes out of eval mode with mean ≈ −${sh2}/${sc2} = ${statText(sc2 ? -sh2 / sc2 : NaN)} and std ≈ 1/${sc2} = ${statText(sc2 ? 1 / sc2 : NaN)} once they have caught up: what inference sees when deployment data no longer looks like training data.`,
        ),
      );
    }
    if (c.freeze !== null && c.freeze < c.steps) {
      parts.push(
        el(
          "p",
          {},
          `model.eval() before step ${countText(c.freeze + 1)} stops the running statistics, so the eval-mode lines go flat there.`,
        ),
      );
    }
    words.replaceChildren(...parts);
  }

  function render() {
    renderWords();
    numbers.render(state.store?.stepsDone ?? 0);
  }

  seedInput.addEventListener("change", () => {
    const parsed = parseProbeSeed(seedInput.value);
    seedError.hidden = parsed.ok;
    seedError.textContent = parsed.ok ? "" : parsed.message;
    seedInput.setAttribute("aria-invalid", String(!parsed.ok));
    if (!parsed.ok || parsed.value === state.page["probe-seed"]) return;
    state.page["probe-seed"] = parsed.value;
    rerun(body);
  });

  return {
    config() {
      seedInput.value = state.page["probe-seed"];
      code.textContent = probePytorchCode(state.page["probe-seed"]);
      setup();
      render();
    },
    trace() {
      if (!series && state.probe) setup();
      fold();
      render();
    },
    finished() {
      fold();
      render();
    },
    theme() {
      setup();
      fold();
    },
    // Opened on a run without the probe: run it again with the probe on.
    opened() {
      if (state.config && !state.probe) rerun(body);
    },
  };
}

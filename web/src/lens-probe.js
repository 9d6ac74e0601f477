// The eval-mode probe lens: one fixed batch (its own seed) normalised at every
// step in eval mode (running statistics, bit for bit PyTorch's eval forward)
// against train mode (its own batch statistics); charts of the eval output's
// per-channel mean and std over the steps, the words beside them, and a table
// of the numbers at any step (round-trip digits, for tests and the curious).
import { StepSeries, lensChart, refreshChart } from "./lens-series.js";
import { parseProbeSeed } from "./probe-seed.js";
import { statText, countText } from "./format.js";
import { el, valueCell, rerun } from "./lens-dom.js";

const NAMES = ["evalMean", "evalStd"];

// The probe's values after `step` (0: before the first) for the first `limit`
// channels, from the run's chunks (or the start reply for step 0); null when
// not recorded.
export function probeAt(state, step, limit = 64) {
  const probe = state.probe;
  if (!probe) return null;
  const C = state.store?.channels ?? 0;
  const K = Math.min(C, limit);
  if (step === 0) {
    return {
      mean: Array.from(probe.evalMean.subarray(0, K)),
      std: Array.from(probe.evalStd.subarray(0, K)),
    };
  }
  for (const chunk of state.store?.chunks ?? []) {
    const i = step - chunk.firstStep;
    if (i < 0 || i >= chunk.steps || !chunk.probeMean) continue;
    return {
      mean: Array.from(chunk.probeMean.subarray(i * C, i * C + K)),
      std: Array.from(chunk.probeStd.subarray(i * C, i * C + K)),
    };
  }
  return null;
}

function pytorchCode(seed) {
  return [
    "# once, beside the model: its own generator, so the run's draws are untouched",
    `probe = torch.randn(N, C, H, W, generator=torch.Generator().manual_seed(${seed}))`,
    "# after each step of the loop:",
    "with torch.no_grad():",
    "    was_training = model.training",
    "    model.eval()                       # running_mean / running_var",
    "    out = model(probe)",
    "    model.train(was_training)",
    "    out.mean(dim=(0, 2, 3)), out.std(dim=(0, 2, 3))",
    "# the reference: train mode, the probe's own batch statistics, nothing kept",
    "F.batch_norm(probe, None, None, model.weight, model.bias, training=True, eps=model.eps)",
  ].join("\n");
}

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
  const stepInput = el("input", {
    id: "probe-step",
    type: "number",
    min: "0",
    step: "1",
    inputmode: "numeric",
    "data-testid": "probe-step",
  });
  const table = el("table", { className: "lens-table", "data-testid": "probe-table" });
  const tableNote = el("p", { className: "hint", "data-testid": "probe-table-step" });
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
    el(
      "details",
      { className: "lens-numbers" },
      el("summary", {}, "The numbers at a step"),
      el(
        "div",
        { className: "field lens-inline" },
        el("label", { htmlFor: "probe-step" }, "Step (empty: the last one)"),
        stepInput,
      ),
      tableNote,
      el("div", { className: "table-scroll", tabIndex: 0 }, table),
    ),
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
    const C = store.channels;
    for (; seen < store.chunks.length; seen++) {
      const chunk = store.chunks[seen];
      if (!chunk.probeMean) continue;
      for (let i = 0; i < chunk.steps; i++) {
        const step = chunk.firstStep + i;
        for (let c = 0; c < shown; c++) {
          series.add("evalMean", c, step, chunk.probeMean[i * C + c]);
          series.add("evalStd", c, step, chunk.probeStd[i * C + c]);
        }
        series.endStep(step);
      }
    }
    refreshChart(charts?.mean, series);
    refreshChart(charts?.std, series);
  }

  function renderWords() {
    const c = state.config;
    if (!c) return;
    const done = state.store?.stepsDone ?? 0;
    const now = probeAt(state, done);
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

  function renderTable() {
    const done = state.store?.stepsDone ?? 0;
    stepInput.max = String(done);
    const asked = stepInput.value.trim() === "" ? done : Number(stepInput.value);
    const step = Number.isInteger(asked) && asked >= 0 && asked <= done ? asked : done;
    const now = probeAt(state, step);
    const p = state.probe;
    tableNote.textContent = now
      ? `After step ${step}${step === done ? " (the last one run)" : ""}: every digit, as the module computed it.`
      : "Not recorded for this run.";
    tableNote.dataset.step = now ? String(step) : "";
    const head = el(
      "tr",
      {},
      ["channel", "eval mean", "eval std", "train mean", "train std"].map((t) =>
        el("th", { scope: "col" }, t),
      ),
    );
    const rows = now
      ? now.mean.map((_, c) =>
          el(
            "tr",
            {},
            el("th", { scope: "row" }, String(c)),
            valueCell(now.mean[c], `probe-eval-mean-${c}`),
            valueCell(now.std[c], `probe-eval-std-${c}`),
            valueCell(p.trainMean?.[c], `probe-train-mean-${c}`),
            valueCell(p.trainStd?.[c], `probe-train-std-${c}`),
          ),
        )
      : [];
    table.replaceChildren(el("thead", {}, head), el("tbody", {}, rows));
  }

  function render() {
    renderWords();
    renderTable();
  }

  stepInput.addEventListener("input", renderTable);
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
      code.textContent = pytorchCode(state.page["probe-seed"]);
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

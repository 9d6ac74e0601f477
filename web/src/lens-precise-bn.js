// The precise-BN lens: after the run, reset the running statistics, set
// momentum None and run K more batches of the last regime, in the worker
// (the module's preciseBn: PyTorch's numbers bit for bit); then the estimate
// beside the EMA and the manual statistics, per channel, and which is closer.
import { h, scrollable } from "./lenses.js";
import { statText, sizeText, countText } from "./format.js";
import { float32Text } from "./exporters.js";
import { regimeAt } from "./scenario-theory.js";

const SHOWN = 4; // channels in the tables
const K_DEFAULT = 100;

function pyFloat(v) {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

// The lines the lens runs, for this config's last regime.
export function preciseCode(c, k) {
  const { shift, scale } = regimeAt(c, c.steps);
  const plain = c.shift === 0 && c.scale === 1 && c.switch === null;
  const draw = plain
    ? "torch.randn_like(y)"
    : `torch.randn_like(y) * ${pyFloat(scale)} + ${pyFloat(shift)}`;
  return (
    "model.reset_running_stats()\n" +
    "model.momentum = None\n" +
    `for _ in range(${k}):\n` +
    `    model(${draw})`
  );
}

const meanAbs = (a, b, n) => {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.abs(a[i] - b[i]);
  return s / n;
};

export function preciseBnLens({ body, state, engine }) {
  const code = h("pre", { className: "code lens-code", tabIndex: 0 });
  const input = h("input", {
    id: "precise-k",
    type: "number",
    min: "0",
    max: "100000",
    step: "1",
    value: String(K_DEFAULT),
    inputMode: "numeric",
  });
  const error = h("p", { className: "field-error", id: "e-precise-k", hidden: true });
  const button = h("button", { type: "button", className: "button primary" }, "Run precise BN");
  const status = h("p", { className: "lens-status", role: "status" });
  const tables = h("div", { className: "lens-tables" });
  const verdict = h("p", { className: "lens-verdict" });
  body.append(
    h(
      "p",
      {},
      "running_mean and running_var are exponential moving averages: the last few dozen " +
        "batches dominate them. Precise BN re-estimates them after training with every batch " +
        "weighted equally: reset, momentum = None (a cumulative average), K more batches " +
        "from the last regime of this run:",
    ),
    code,
    h(
      "div",
      { className: "field lens-k" },
      h("label", { htmlFor: "precise-k" }, "K batches"),
      input,
      error,
    ),
    h("p", { className: "lens-actions" }, button),
    status,
    tables,
    verdict,
  );
  let result = null; // {runId, batches, runningMean, runningVar}

  const setError = (message) => {
    error.textContent = message ?? "";
    error.hidden = !message;
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "e-precise-k");
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  };

  const ready = (s) => s.store && s.status === "finished";

  async function run() {
    const s = state;
    setError(null);
    if (!ready(s)) {
      status.textContent = "Precise BN runs after the run has finished.";
      return;
    }
    const text = input.value.trim();
    const k = /^\d{1,9}$/.test(text) ? Number(text) : Number.NaN;
    const runId = s.runId;
    status.textContent = "Running…";
    try {
      const r = await engine.request("preciseBn", { batches: k });
      if (s.runId !== runId) return;
      result = { runId, ...r };
      status.textContent = `Done: ${countText(r.batches)} batches.`;
    } catch (e) {
      result = null;
      status.textContent = "";
      // The module names the CLI's flag: here it is the K field.
      setError(String(e.message ?? e).replace(/^precise-bn must be/, "K must be"));
    }
    render(s);
  }

  function render(s) {
    const c = s.config;
    code.textContent = preciseCode(c, input.value.trim() || K_DEFAULT);
    button.disabled = !ready(s);
    if (!result || result.runId !== s.runId || !s.store) {
      tables.replaceChildren();
      verdict.textContent = "";
      if (!ready(s)) status.textContent = "Precise BN runs after the run has finished.";
      return;
    }
    const last = s.store.chunks[s.store.chunks.length - 1];
    const C = s.store.channels;
    const from = (last.steps - 1) * C;
    const at = (a) => a.slice(from, from + C);
    const manual = { mean: at(last.manualMean), var: at(last.manualVar) };
    const ema = { mean: at(last.runningMean), var: at(last.runningVar) };
    const precise = { mean: result.runningMean, var: result.runningVar };
    const { shift, scale } = regimeAt(c, c.steps);
    const truth = { mean: shift, var: scale * scale };
    const whose = c.switch !== null && c.switch < c.steps ? "the last regime's" : "the inputs'";
    tables.replaceChildren(
      ...["mean", "var"].map((stat) =>
        table(stat, Math.min(C, SHOWN), { manual, precise, ema }, truth[stat], whose),
      ),
    );
    verdict.textContent = explain(c, result.batches, { manual, precise, ema }, C);
  }

  button.addEventListener("click", () => run());
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") run();
  });
  input.addEventListener("input", () => {
    code.textContent = preciseCode(state.config, input.value.trim() || K_DEFAULT);
  });

  return {
    config(s) {
      result = null;
      render(s);
    },
    finished(s) {
      render(s);
      // Opened by a link: the numbers without a click.
      if (body.closest("details")?.open && !result) run();
    },
    opened(s) {
      if (ready(s) && !result) run();
    },
  };
}

function table(stat, channels, est, truth, whose) {
  const name = stat === "mean" ? "mean" : "variance";
  const head = h(
    "tr",
    {},
    h("th", { scope: "col" }, "channel"),
    h("th", { scope: "col" }, "manual"),
    h("th", { scope: "col" }, "precise BN"),
    h("th", { scope: "col" }, "EMA"),
  );
  const rows = [];
  for (let ch = 0; ch < channels; ch++) {
    const cell = (kind) => {
      const v = est[kind][stat][ch];
      return h(
        "td",
        { dataset: { cell: `${stat}-${kind}-${ch}`, value: float32Text(v) } },
        statText(v),
      );
    };
    rows.push(
      h(
        "tr",
        {},
        h("th", { scope: "row" }, String(ch)),
        cell("manual"),
        cell("precise"),
        cell("ema"),
      ),
    );
  }
  return scrollable(
    h(
      "table",
      { className: "lens-table", dataset: { testid: `precise-${stat}` } },
      h(
        "caption",
        {},
        `The ${name}: manual (all inputs), precise BN, EMA (running_${stat}); ` +
          `${whose} true ${name} is ${statText(truth)}`,
      ),
      h("thead", {}, head),
      h("tbody", {}, rows),
    ),
    `Estimates of the ${name}`,
  );
}

// Which estimate is closer, and why, in words. The reference is the manual
// statistics, or, after a switch (when the manual statistics mix two
// regimes), the true values of the last regime.
function explain(c, k, { manual, precise, ema }, C) {
  if (c.freeze !== null && c.freeze < c.steps) {
    return (
      `The model is in eval mode (freeze = ${countText(c.freeze)}), so the ${countText(k)} ` +
      "forwards changed nothing: precise BN is left with the reset values 0 and 1. Call " +
      "model.train() before re-estimating."
    );
  }
  if (k === 0) return "With K = 0 the statistics stay at their reset values 0 and 1.";
  const switched = c.switch !== null && c.switch < c.steps;
  const { shift, scale } = regimeAt(c, c.steps);
  const ref = switched
    ? { mean: new Array(C).fill(shift), var: new Array(C).fill(scale * scale) }
    : manual;
  const refName = switched ? "the last regime's true values" : "the manual statistics";
  const d = (a, stat) => meanAbs(a[stat], ref[stat], C);
  const part = (stat, name) => {
    const p = d(precise, stat);
    const e = d(ema, stat);
    const who = p < e ? "precise BN" : p > e ? "the EMA" : "neither";
    return `${name}: ${who} (${sizeText(p)} for precise BN, ${sizeText(e)} for the EMA)`;
  };
  const n = c.batch * c.height * c.width;
  const window = c.momentum === null ? null : (2 - c.momentum) / c.momentum;
  return (
    `Closer to ${refName}, by mean absolute difference over the channels: ` +
    `${part("mean", "for the mean")}; ${part("var", "for the variance")}. ` +
    `Precise BN weighs ${countText(k)} batches (${countText(k * n)} values per channel) ` +
    "equally; " +
    (window === null
      ? "with momentum = None the running statistics already did so during the run. "
      : `the EMA rests mostly on the last ~${countText(Math.round(window))} batches. `) +
    "Noise shrinks like 1/√(values averaged): a larger K brings precise BN closer." +
    (switched
      ? " The manual statistics mix both regimes of the switch; precise BN and the EMA see " +
        "only the last one."
      : ` The manual statistics average all ${countText(c.steps * n)} values.`)
  );
}

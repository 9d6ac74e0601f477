// The freezing lens: the three ways people try to freeze BatchNorm for
// fine-tuning, and what each leaves in running_mean / running_var in this
// run. eval() is the run itself (freeze=k: the curves go flat after step k);
// requires_grad=False and no_grad() leave a train-mode forward updating the
// buffers, so they end where the same run without freeze ends (the worker
// runs that config to its end: PyTorch's numbers, bit for bit).
import { h, scrollable } from "./lenses.js";
import { linkQuery, formatValue } from "./link.js";
import { statText, countText } from "./format.js";
import { float32Text } from "./exporters.js";

const SHOWN = 4; // channels in the table (the charts show more)

// The running statistics after `step` (0: the initial 0 and 1), or null if
// that step has not run yet.
export function statsAt(store, step) {
  const C = store.channels;
  if (step === 0) return { mean: new Float32Array(C), var: new Float32Array(C).fill(1) };
  for (const chunk of store.chunks) {
    const i = step - chunk.firstStep;
    if (i < 0 || i >= chunk.steps) continue;
    if (chunk.dropped) return null;
    return {
      mean: chunk.runningMean.slice(i * C, (i + 1) * C),
      var: chunk.runningVar.slice(i * C, (i + 1) * C),
    };
  }
  return null;
}

const WAYS = [
  [
    "for p in model.parameters(): p.requires_grad = False",
    "stops the gradients of weight and bias only: the running statistics are buffers, " +
      "and every train-mode forward overwrites them",
  ],
  [
    "with torch.no_grad(): model(x)",
    "stops autograd from recording; the train-mode forward still updates the buffers",
  ],
  [
    "model.eval()",
    "the forward normalises with running_mean and running_var and leaves them alone: " +
      "the only one of the three that freezes them",
  ],
];

export function freezingLens({ body, state, engine }) {
  const intro = h("p");
  const ways = h(
    "ul",
    { className: "lens-ways" },
    WAYS.map(([code, what]) => h("li", {}, h("code", {}, code), `: ${what}.`)),
  );
  const table = h("table", { className: "lens-table", dataset: { testid: "freezing-table" } });
  const caption = h("p", { className: "lens-note" });
  const tryLink = h("a", { className: "button small" });
  body.append(
    intro,
    ways,
    scrollable(table, "The buffers under each way of freezing"),
    caption,
    h("p", { className: "lens-actions" }, tryLink),
  );
  let unfrozen = null; // {key, runningMean, runningVar} of the same run without freeze
  let asked = null;

  const render = (s) => {
    const c = s.config;
    const store = s.store;
    const k = c.freeze;
    const frozenInRun = k !== null && k < c.steps;
    const half = Math.max(0, Math.floor(c.steps / 2));
    tryLink.href =
      "?" + linkQuery({ ...c, freeze: frozenInRun ? null : half }, s.names, { lens: ["freezing"] });
    tryLink.textContent = frozenInRun
      ? "Open the same run without freeze"
      : `Open this run with freeze = ${countText(half)}`;
    if (!frozenInRun) {
      intro.textContent =
        k === null
          ? "This run never calls model.eval(): set freeze = k and the running statistics " +
            "stop after step k while the inputs still count in the manual statistics."
          : `freeze = ${countText(k)} is at or after the last step (${countText(c.steps)}): ` +
            "the run ends before model.eval() is called.";
      table.replaceChildren();
      caption.textContent = "";
      return;
    }
    intro.textContent =
      `This run calls model.eval() before step ${countText(k + 1)}: on the charts the running ` +
      `statistics go flat at step ${countText(k)} (the marker) while the manual statistics ` +
      "keep counting every input. Three ways people try to freeze BatchNorm, and what each " +
      "leaves in the buffers at the end of this run:";
    const done = store && store.stepsDone >= c.steps;
    const atK = store ? statsAt(store, k) : null;
    const channels = Math.min(c.channels, SHOWN);
    const head = h(
      "tr",
      {},
      h("th", { scope: "col" }, "channel"),
      h("th", { scope: "col" }, `step ${countText(k)}, frozen`),
      h("th", { scope: "col" }, "end with eval()"),
      // <wbr>: the long name may break before "=False" on a phone.
      h("th", { scope: "col" }, "end with no_grad() or requires_grad", h("wbr"), "=False"),
    );
    const rows = [];
    for (const [stat, key] of [
      ["mean", "runningMean"],
      ["var", "runningVar"],
    ]) {
      for (let ch = 0; ch < channels; ch++) {
        const end = done ? statsAt(store, c.steps) : null;
        const other = unfrozen?.[key]?.[ch];
        rows.push(
          h(
            "tr",
            {},
            h("th", { scope: "row" }, h("code", {}, `${stat}[${ch}]`)),
            cell(atK?.[stat][ch], `${stat}-frozen-${ch}`),
            cell(end?.[stat][ch], `${stat}-eval-${ch}`),
            cell(other, `${stat}-train-${ch}`),
          ),
        );
      }
    }
    table.replaceChildren(
      h("caption", {}, "mean[c] is running_mean[c], var[c] running_var[c], channel c"),
      h("thead", {}, head),
      h("tbody", {}, rows),
    );
    caption.textContent =
      done && unfrozen?.runningMean
        ? `eval() kept running_mean[0] at ${statText(atK.mean[0])} for the last ` +
          `${countText(c.steps - k)} steps; with requires_grad=False or no_grad() it would ` +
          `have moved on to ${statText(unfrozen.runningMean[0])}, exactly where the same run ` +
          "without freeze ends."
        : done && unfrozen?.message
          ? `The same run without freeze is not repeated here: ${unfrozen.message}.`
          : "The end values appear when the run finishes.";
  };

  const fetchUnfrozen = async (s) => {
    const c = s.config;
    const key = JSON.stringify({ ...c, freeze: null });
    if (unfrozen?.key === key || asked === key) return;
    asked = key;
    const fields = Object.fromEntries(s.names.map((n) => [n, formatValue(c[n], n)]));
    fields.freeze = formatValue(null, "freeze");
    try {
      const r = await engine.request("finalStats", { fields });
      unfrozen = { key, runningMean: r.runningMean, runningVar: r.runningVar };
    } catch (error) {
      unfrozen = { key, message: String(error.message ?? error) };
    }
    if (state.config === c) render(state);
  };

  return {
    config: (s) => render(s),
    finished(s) {
      render(s);
      const k = s.config.freeze;
      if (k !== null && k < s.config.steps) fetchUnfrozen(s);
    },
  };
}

// A number cell with its exact float32 value for tests and copy-paste.
function cell(v, id) {
  const td = h("td", { dataset: { cell: id } }, v === undefined ? "–" : statText(v));
  if (v !== undefined) td.dataset.value = float32Text(v);
  return td;
}

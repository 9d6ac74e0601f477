// The step inspector's views, built with DOM calls (text only through
// textContent): the per-channel batch table, BatchNorm2d's update written out
// with the step's float32 numbers (or why a frozen step has none), the caption
// of the past batches' weights.
import { updateRule, f32Text, f32Hex } from "./inspect-math.js";
import { renderWeightsFigure } from "./weights-figure.js";

const fmt = new Intl.NumberFormat("en-US");

export function h(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "text") node.textContent = v;
    else node.setAttribute(k, v);
  }
  node.append(...children);
  return node;
}

export function numberText(x, { double = false, bits = false, stat } = {}) {
  const text = double ? String(x) : f32Text(x);
  const span = h("span", { class: "num", text });
  if (stat) span.dataset.stat = stat;
  if (bits && !double) span.append(h("span", { class: "bits", text: ` ${f32Hex(x)}` }));
  return span;
}

export function batchTable(table, values, focus, num) {
  const head = h(
    "tr",
    {},
    h("th", { scope: "col", text: "channel" }),
    h("th", { scope: "col", text: "batch mean" }),
    h("th", { scope: "col", text: "var ÷ n" }),
    h("th", { scope: "col", text: "var ÷ (n − 1)" }),
  );
  const rows = values.map((v) => {
    const tr = h("tr", v.channel === focus ? { class: "focus" } : {});
    tr.append(h("th", { scope: "row", text: String(v.channel) }));
    if (Number.isNaN(v.batchMean)) {
      // Eval mode (after a freeze): the layer computes no batch statistics.
      tr.append(h("td", { colspan: "3", class: "eval", text: "not computed: eval mode" }));
      return tr;
    }
    for (const [stat, x] of [
      ["batchMean", v.batchMean],
      ["batchVar", v.batchVar],
      ["batchVarUnbiased", v.batchVarUnbiased],
    ]) {
      tr.append(h("td", { "data-stat": stat, "data-channel": String(v.channel) }, num(x)));
    }
    return tr;
  });
  table.replaceChildren(
    h("caption", {
      text: `Step ${fmt.format(values[0].step)}'s batch: mean, biased (÷ n) and unbiased (÷ (n − 1)) variance, float32 as BatchNorm2d computes them`,
    }),
    h("thead", {}, head),
    h("tbody", {}, ...rows),
  );
}

export function updateLines(container, v, config, num) {
  const line = (...parts) => h("div", { class: "rule-line" }, ...parts);
  const note = (text) => h("span", { class: "rule-note", text });
  const t = (text) => document.createTextNode(text);
  const n = config.batch * config.height * config.width;
  const out = [
    h("h3", { text: `The update of channel ${v.channel} at step ${fmt.format(v.step)}` }),
  ];
  if (Number.isNaN(v.batchMean)) {
    const f = config.freeze;
    out.push(
      h("p", {
        text: `Frozen: model.eval() ran before step ${fmt.format(f + 1)}. In eval mode BatchNorm2d normalises with its running statistics and updates nothing: no batch statistics are computed, and the buffers stay as they were.`,
      }),
      line(t("running_mean = "), num(v.runningMean, { stat: "runningMean" }), note(" unchanged")),
      line(t("running_var = "), num(v.runningVar, { stat: "runningVar" }), note(" unchanged")),
      line(
        t("num_batches_tracked = "),
        h("span", { "data-stat": "numBatchesTracked", text: String(v.numBatchesTracked) }),
        note(" unchanged"),
      ),
    );
    container.replaceChildren(...out);
    return;
  }
  const r = updateRule(config.momentum, v);
  out.push(
    config.momentum === null
      ? line(
          t(`m = 1 / num_batches_tracked = 1 / ${fmt.format(r.tracked)} → `),
          num(r.m),
          note(" (momentum=None: every batch weighs the same)"),
        )
      : line(t("m = "), num(r.m), note(" (momentum as float32)")),
    line(t("1 − m = "), num(r.keep)),
    h("p", {
      class: "rule-formula",
      text: "running_mean ← (1 − m) · running_mean + m · batch_mean",
    }),
    line(
      t("= "),
      num(r.keep),
      t(" × "),
      num(v.runningMeanBefore, { stat: "runningMeanBefore" }),
      t(" + "),
      num(r.m),
      t(" × "),
      num(v.batchMean),
    ),
    line(
      t("= "),
      num(r.oldMean),
      t(" + "),
      num(r.newMean),
      note(" each product rounded to float32"),
    ),
    line(
      t("= "),
      h("strong", {}, num(r.runningMean, { stat: "runningMean" })),
      note(" the float32 sum"),
    ),
    h("p", {
      class: "rule-formula",
      text: `running_var ← (1 − m) · running_var + m · unbiased var (the batch's variance × n/(n − 1), n = ${fmt.format(n)})`,
    }),
    line(
      t("= "),
      num(r.keep),
      t(" × "),
      num(v.runningVarBefore, { stat: "runningVarBefore" }),
      t(" + "),
      num(r.m),
      t(" × "),
      num(v.batchVarUnbiased),
    ),
    line(
      t("= "),
      num(r.oldVar),
      t(" + "),
      num(r.newVar, { double: true }),
      note(" (1 − m)·running_var in float32, m·unbiased in double"),
    ),
    line(
      t("= "),
      h("strong", {}, num(r.runningVar, { stat: "runningVar" })),
      note(` the double sum ${r.varSum} rounded to float32`),
    ),
    line(
      t(`num_batches_tracked: ${v.numBatchesTrackedBefore} → `),
      h("span", { "data-stat": "numBatchesTracked", text: String(v.numBatchesTracked) }),
    ),
  );
  // The rule redone here gives the module's (PyTorch's) numbers; say so if not.
  if (!Object.is(r.runningMean, v.runningMean) || !Object.is(r.runningVar, v.runningVar)) {
    out.push(
      h("p", {
        class: "rule-warning",
        text: "The rule redone here differs from the run's value: please report this.",
      }),
    );
  }
  container.replaceChildren(...out);
}

export function weightsFigure(figure, caption, v, config) {
  const tracked = v.numBatchesTracked;
  renderWeightsFigure(figure, config.momentum, tracked, v.step);
  if (tracked < 1) {
    caption.textContent = `After step ${fmt.format(v.step)} no update has happened (frozen from the start): running_mean is still its starting value 0, which weighs 1.`;
    return;
  }
  const frozen = Number.isNaN(v.batchMean)
    ? ` (frozen: the last of its ${fmt.format(tracked)} updates was step ${fmt.format(tracked)})`
    : "";
  caption.textContent =
    config.momentum === null
      ? `After step ${fmt.format(v.step)}${frozen}: with momentum=None each of the ${fmt.format(tracked)} batches weighs 1/${fmt.format(tracked)} in running_mean, like the manual mean.`
      : `After step ${fmt.format(v.step)}${frozen}: each past batch's weight (1 − m)^k·m in running_mean; the starting value 0 still weighs (1 − m)^${fmt.format(tracked)} = ${Math.pow(1 - config.momentum, tracked).toPrecision(3)}.`;
}

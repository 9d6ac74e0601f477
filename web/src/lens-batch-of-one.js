// The batch-of-one lens: PyTorch's exact ValueError for one value per channel
// in training (from the grammar in the worker, for this run's channels), what
// the page runs instead, and the one way PyTorch does run it (eval mode).
import { h } from "./lenses.js";
import { linkQuery } from "./link.js";

export function batchOfOneLens({ body, state, engine }) {
  const error = h("pre", { className: "code lens-error", tabIndex: 0 });
  const asked = h("p", { className: "lens-note", hidden: true });
  const tryError = h("a", { className: "button small" }, "Open batch=1 (training)");
  const tryEval = h("a", { className: "button small" }, "Open batch=1 with freeze=0 (eval)");
  body.append(
    h(
      "p",
      {},
      "In training mode BatchNorm2d normalises each channel by the variance of the batch: with " +
        "one value per channel (batch · height · width = 1) there is no variance, and PyTorch " +
        "raises before the first step:",
    ),
    error,
    asked,
    h(
      "p",
      {},
      "The page does not stop there: a link with batch · height · width = 1 runs batch = 2 " +
        "(the smallest batch that trains) and shows the error above as what PyTorch would " +
        "raise. In eval mode (freeze = 0: model.eval() before the first step) PyTorch does " +
        "run a batch of one: it normalises with running_mean and running_var, which then stay " +
        "at 0 and 1 for the whole run, while the manual statistics still count every input.",
    ),
    h("p", { className: "lens-actions" }, tryError, tryEval),
  );
  let shownFor = null;
  return {
    notices(s) {
      const n = s.pytorchNotice;
      asked.hidden = !n;
      asked.textContent = n
        ? `This link asked for ${n.field} = ${n.asked}: the run shown uses batch = ` +
          `${s.config.batch}, height = ${s.config.height}, width = ${s.config.width} instead.`
        : "";
    },
    async config(s) {
      const c = s.config;
      const one = { ...c, batch: 1, height: 1, width: 1 };
      tryError.href =
        "?" + linkQuery({ ...one, freeze: null }, s.names, { lens: ["batch-of-one"] });
      tryEval.href = "?" + linkQuery({ ...one, freeze: 0 }, s.names, { lens: ["batch-of-one"] });
      if (shownFor === c.channels) return;
      const fields = { batch: "1", channels: String(c.channels) };
      const reply = await engine.request("check", { fields }).catch(() => null);
      const text = reply?.errors?.find((e) => e.pytorchError)?.pytorchError;
      if (text) {
        error.textContent = text;
        shownFor = c.channels;
      }
    },
  };
}

// The framework conventions lens: PyTorch's momentum m beside Keras/TF/Flax's
// 1 - m, the window and half-life they mean, the classic porting bug (Keras's
// 0.9 pasted into PyTorch) as a link, each framework's update rule with its
// source (docs/frameworks.md), and the run as Keras and Flax code.
import { kerasMomentum, windowOf, halfLifeOf, kerasCode, flaxCode } from "./framework-code.js";
import { linkQuery } from "./link.js";
import { copyText } from "./share.js";
import { el, rerun } from "./lens-dom.js";
import { headRow, bodyRow } from "./lens-step-table.js";

// docs/frameworks.md, row by row: each framework's rule read from its source.
const RULES = [
  [
    "PyTorch nn.BatchNorm2d",
    "0.1",
    "(1 − m)·mean + m·b",
    "unbiased u²",
    "torch/nn/modules/batchnorm.py, aten/src/ATen/native/Normalization.cpp",
  ],
  [
    "Keras 3 BatchNormalization",
    "0.99",
    "m·mean + (1 − m)·b",
    "biased s²",
    "keras/src/layers/normalization/batch_normalization.py",
  ],
  [
    "tf.keras 2, fused (4-D input)",
    "0.99",
    "m·mean + (1 − m)·b",
    "unbiased u²",
    "keras/layers/normalization/batch_normalization.py, tensorflow/core/kernels/fused_batch_norm_op.cc",
  ],
  [
    "tf.keras 2, not fused",
    "0.99",
    "mean − (mean − b)·(1 − m)",
    "biased s²",
    "keras/layers/normalization/batch_normalization.py (tf.nn.moments)",
  ],
  [
    "Flax linen.BatchNorm",
    "0.99",
    "m·mean + (1 − m)·b",
    "biased s²",
    "flax/linen/normalization.py",
  ],
];

const COLUMNS = ["framework", "default momentum", "mean ←", "variance kept", "source"];

const fmt = (v, digits = 3) =>
  Number.isFinite(v) ? String(Number(v.toPrecision(digits))) : v === Infinity ? "∞" : "–";

export function conventionsLens({ body, state }) {
  body.classList.add("lens-wide");
  const torchInput = el("input", {
    id: "conv-torch",
    type: "number",
    min: "0",
    max: "1",
    step: "any",
    inputmode: "decimal",
    "data-testid": "conv-torch",
  });
  const kerasInput = el("input", {
    id: "conv-keras",
    type: "number",
    min: "0",
    max: "1",
    step: "any",
    inputmode: "decimal",
    "data-testid": "conv-keras",
  });
  const error = el("p", { className: "field-error", id: "conv-error", hidden: true });
  const apply = el("button", { type: "button", className: "button small" }, "Run with it");
  const readout = el("p", { className: "lens-readout", "data-testid": "conv-readout" });
  const words = el("div", { className: "lens-words" });
  const preset = el(
    "a",
    { className: "button small", "data-testid": "conv-keras-port" },
    "Momentum 0.9 ported from Keras",
  );
  const status = el("p", { className: "share-status", role: "status", "aria-live": "polite" });
  const code = el("pre", { className: "code", tabIndex: 0 });
  const copyKeras = el("button", { type: "button", className: "button" }, "Copy as Keras code");
  const copyFlax = el("button", { type: "button", className: "button" }, "Copy as Flax code");
  const rules = el(
    "table",
    { className: "lens-table rules" },
    el("caption", {}, "b: the batch's mean; the variance is blended the same way."),
    el("thead", {}, headRow(COLUMNS)),
    el(
      "tbody",
      {},
      RULES.map((r) =>
        // data-label: the column's name, shown beside each value on a phone.
        bodyRow(r[0], [
          ...r.slice(1, 4).map((t, i) => el("td", { "data-label": COLUMNS[i + 1] }, t)),
          el("td", { "data-label": COLUMNS[4] }, el("code", {}, r[4])),
        ]),
      ),
    ),
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
          { className: "field-row" },
          el(
            "div",
            { className: "field" },
            el("label", { htmlFor: "conv-torch" }, "PyTorch momentum m (new batch's weight)"),
            torchInput,
          ),
          el(
            "div",
            { className: "field" },
            el(
              "label",
              { htmlFor: "conv-keras" },
              "Keras / TF / Flax momentum 1 − m (old value's)",
            ),
            kerasInput,
          ),
        ),
        error,
        readout,
        el("div", { className: "lens-actions" }, apply, preset),
      ),
      el("div", { className: "lens-text" }, words),
    ),
    el("div", { className: "table-scroll", tabIndex: 0 }, rules),
    el(
      "p",
      { className: "hint" },
      "Each rule is read from the framework's own source (docs/frameworks.md in this project). Only PyTorch's is run here bit for bit; the code below gives the equivalent layer and loop, not the same numbers.",
    ),
    el("div", { className: "lens-actions" }, copyKeras, copyFlax),
    status,
    el(
      "details",
      { className: "code-details" },
      el("summary", {}, "Show the Keras and Flax code"),
      code,
    ),
  );

  // The momentum the inputs hold (PyTorch's), or null when invalid.
  let m = null;
  function show(value, from) {
    m = value;
    if (from !== torchInput) torchInput.value = value === null ? "" : String(value);
    if (from !== kerasInput) kerasInput.value = value === null ? "" : String(kerasMomentum(value));
    if (value === null) {
      readout.textContent =
        "momentum=None: a cumulative average (weight 1/t at step t); Keras and Flax have no such option.";
      return;
    }
    readout.replaceChildren(
      `m = ${value} in PyTorch is momentum=${kerasMomentum(value)} in Keras/TF/Flax. `,
      `Window ≈ 2/m − 1 = ${fmt(windowOf(value))} batches: the running mean is as noisy as a plain mean over that many (its variance is m/(2 − m) of one batch's). `,
      `The rule of thumb 1/m = ${fmt(value > 0 ? 1 / value : Infinity)} counts the batches holding about 63 % of the weight. `,
      `Half-life ln 2 / −ln(1 − m) = ${fmt(halfLifeOf(value))} batches.`,
    );
  }

  function read(input, convert) {
    const v = Number(input.value);
    const ok = input.value.trim() !== "" && v >= 0 && v <= 1;
    error.hidden = ok;
    error.textContent = ok
      ? ""
      : `${input === torchInput ? "m" : "1 − m"} must be a number in [0, 1]`;
    input.setAttribute("aria-invalid", String(!ok));
    if (ok) show(convert(v), input);
  }
  torchInput.addEventListener("input", () => read(torchInput, (v) => v));
  kerasInput.addEventListener("input", () =>
    read(kerasInput, (v) => Number((1 - v).toPrecision(15))),
  );
  apply.addEventListener("click", () => {
    if (m !== null && state.config) rerun(body, { momentum: String(m) });
  });

  async function copy(what, make) {
    if (!state.config) return;
    const text = make(state.config);
    code.textContent = text;
    const ok = await copyText(text);
    status.textContent = ok
      ? `${what} copied. Only PyTorch's numbers are bit-exact here: this is the equivalent layer.`
      : `Could not reach the clipboard: open "Show the Keras and Flax code" and copy it by hand.`;
  }
  copyKeras.addEventListener("click", () => copy("Keras code", kerasCode));
  copyFlax.addEventListener("click", () => copy("Flax code", flaxCode));

  function renderWords() {
    const c = state.config;
    const parts = [
      el(
        "p",
        {},
        "PyTorch's momentum is the weight of the ",
        el("strong", {}, "new"),
        " batch; Keras's, TensorFlow's and Flax's is the weight of the ",
        el("strong", {}, "old"),
        " value. Keras's default 0.99 is PyTorch's 0.01, and a Keras momentum=0.9 pasted unchanged into PyTorch gives the last batch 90 % of the weight.",
      ),
    ];
    if (c.momentum !== null && c.momentum >= 0.5) {
      parts.push(
        el(
          "p",
          { className: "lens-note" },
          `This run uses m = ${c.momentum}: each step keeps only ${fmt(100 * (1 - c.momentum))} % of the old value, so running_mean and running_var follow the last batch (a window of ${fmt(windowOf(c.momentum))} batch${windowOf(c.momentum) === 1 ? "" : "es"}) and jump with its noise in the charts above. In Keras that is momentum=${kerasMomentum(c.momentum)}.`,
        ),
      );
    }
    parts.push(
      el(
        "p",
        {},
        "Two more differences travel with ported code: Keras 3, Flax and unfused tf.keras keep the biased batch variance (the variance lens shows the gap, n/(n − 1)), and Keras's default epsilon is 1e-3 against PyTorch's 1e-5. All start from mean 0 and variance 1.",
      ),
    );
    words.replaceChildren(...parts);
  }

  return {
    config() {
      const c = state.config;
      show(c.momentum, null);
      error.hidden = true;
      const port = { ...c, momentum: 0.9 };
      preset.href = "?" + linkQuery(port, state.names, { ...state.page, lens: ["conventions"] });
      code.textContent = kerasCode(c) + "\n" + flaxCode(c);
      renderWords();
    },
  };
}

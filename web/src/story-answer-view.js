// A guided story's answer as elements: the reader's prediction beside the
// run's value (and both on a number line for an estimate), the verdict, the
// numbers behind it and why; and what the answers need from a finished run.
import { ANSWERS, judge } from "./story-answers.js";
import { h } from "./lenses.js";

// -> {parts: elements in order, title: the heading that takes the focus}.
export function answerParts(story, prediction, run) {
  const answer = ANSWERS[story.answer](run);
  const verdict = judge(story, prediction, answer);
  const title = h("h3", { id: "story-answer-title", tabIndex: -1 }, "The answer");
  const box = (label, text, props, className = "story-box-value") =>
    h(
      "div",
      { className: "story-box", ...props },
      h("p", { className: "story-box-label" }, label),
      h("p", { className }, text),
    );
  const actualValue = typeof answer.actual === "number" ? String(answer.actual) : answer.actual;
  const cell = (c) => h("td", { dataset: { value: String(c.value) } }, c.text);
  const rows = answer.rows.map((r) =>
    h("tr", {}, h("th", { scope: "row" }, r.label), (r.cells ?? [r]).map(cell)),
  );
  const head = answer.head
    ? h(
        "thead",
        {},
        h(
          "tr",
          {},
          answer.head.map((t) => h(t ? "th" : "td", t ? { scope: "col" } : {}, t)),
        ),
      )
    : null;
  const more = story.lens.length
    ? h(
        "p",
        { className: "story-more" },
        h("a", { href: `#lens-${story.lens[0]}` }, "The lens below"),
        " shows this run in more detail.",
      )
    : h(
        "p",
        { className: "story-more" },
        h("a", { href: "#charts" }, "The charts"),
        " show the whole run; the panel beside them explains it.",
      );
  const parts = [
    title,
    h(
      "div",
      { className: "story-compare" },
      box("Your prediction", verdict.predictionText, {
        dataset: { testid: "story-prediction" },
      }),
      box(
        "The run",
        answer.actualText,
        { dataset: { testid: "story-actual", value: actualValue ?? "" } },
        // PyTorch's own message (not a number) as code text.
        typeof answer.actual === "string" ? "story-box-value message" : "story-box-value",
      ),
    ),
    story.predict.kind === "estimate" ? numberLine(story.predict, prediction, answer.actual) : null,
    h(
      "p",
      { className: `story-verdict ${verdict.right ? "right" : "wrong"}` },
      verdict.right
        ? "Your prediction was right."
        : story.predict.kind === "choice"
          ? `Not quite: the run says “${story.predict.choices.find((c) => c.value === answer.correct)?.label}”.`
          : `Not quite: your estimate is ${verdict.off.toFixed(2)} away.`,
    ),
    rows.length ? h("table", { className: "story-table" }, head, h("tbody", {}, rows)) : null,
    h("p", { className: "story-why" }, answer.why),
    more,
  ];
  return { parts: parts.filter(Boolean), title };
}

// The estimate and the run's value on the slider's scale (a value off the
// scale sits at its end, with its text).
function numberLine(p, estimate, actual) {
  const text = (v) => (Math.round(v * 100) / 100).toFixed(2).replace("-", "−");
  const at = (v) => `${(100 * (Math.min(p.max, Math.max(p.min, v)) - p.min)) / (p.max - p.min)}%`;
  const mark = (className, label, v) => {
    const tick = h("span", { className: `story-tick ${className}` });
    const el = h("span", { className: `story-mark ${className}` }, `${label} ${text(v)}`);
    for (const e of [tick, el]) e.style.setProperty("--at", at(v));
    return [tick, el];
  };
  return h(
    "div",
    {
      className: "story-line",
      role: "img",
      "aria-label":
        `Number line from ${text(p.min)} to ${text(p.max)}: your estimate ${text(estimate)}, ` +
        `the run ${text(actual)}`,
    },
    h("span", { className: "story-axis" }),
    mark("you", "you", estimate),
    mark("run", "run", actual),
    h("span", { className: "story-end min" }, text(p.min)),
    h("span", { className: "story-end max" }, text(p.max)),
  );
}

// What the answers need from the finished run (story-answers.js): channel 0's
// batch statistics per step, the probe's values at the last step.
export function summarize(state, pytorchError) {
  const store = state.store;
  const C = store.channels;
  const batchMean = [];
  const batchVar = [];
  const runningMean = [];
  const manualMean = [];
  let probeEval = NaN;
  for (const chunk of store.chunks) {
    if (chunk.dropped) continue;
    for (let i = 0; i < chunk.steps; i++) {
      batchMean.push(chunk.batchMean[i * C]);
      batchVar.push(chunk.batchVar[i * C]);
      runningMean.push(chunk.runningMean[i * C]);
      manualMean.push(chunk.manualMean[i * C]);
      if (chunk.probeMean) probeEval = chunk.probeMean[i * C];
    }
  }
  const last = store.last();
  return {
    config: state.config,
    channels: C,
    step: last?.step ?? 0,
    final: last ?? { runningMean: [], runningVar: [], manualMean: [], manualVar: [] },
    batchMean,
    batchVar,
    runningMean,
    manualMean,
    probe: state.probe ? { evalMean: probeEval, trainMean: state.probe.trainMean?.[0] } : null,
    pytorchError,
  };
}

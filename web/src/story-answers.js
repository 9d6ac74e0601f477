// Each guided story's answer, computed from the run that the reveal starts
// (never written in advance): the value to set beside the reader's prediction,
// which choice it makes right, the numbers behind it and why. Pure: no DOM.
import { statText, sizeText, countText } from "./format.js";
import { halfLife } from "./theory.js";

// run: {config, channels, step, final: {runningMean, runningVar, manualMean,
// manualVar} (arrays by channel), batchMean, batchVar, runningMean, manualMean
// (channel 0, one value a step, from the layer), probe: {evalMean, trainMean} (channel 0 at the last
// step) or null, pytorchError: PyTorch's text for the story's config or null}.
// Each answer -> {actual, actualText, correct (a choice's value; estimates:
// undefined), rows: [{label, text, value}] or, under a head of column
// titles, [{label, cells: [{text, value}]}], why}.

const row = (label, value, text = statText(value)) => ({ label, value, text });
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;

function runningMean(run) {
  const { config, final, step } = run;
  const rm = final.runningMean[0];
  const mm = final.manualMean[0];
  const n = config.batch * config.height * config.width;
  const correct = statText(rm) === statText(mm) ? "exact" : Math.abs(rm) <= 0.01 ? "near" : "far";
  const hl = halfLife(config.momentum);
  const rows = [];
  for (let c = 0; c < Math.min(run.channels, 3); c++) {
    rows.push({
      label: `channel ${c}`,
      cells: [row("", final.runningMean[c]), row("", final.manualMean[c])],
    });
  }
  return {
    actual: rm,
    actualText: `running_mean = ${statText(rm)} (manual mean ${statText(mm)})`,
    correct,
    head: ["", "running_mean", "manual mean"],
    rows,
    why:
      `running_mean is a moving average: each step keeps ${sizeText(1 - config.momentum)} of it and adds ` +
      `${config.momentum} of the batch's mean, so a batch's weight halves every ` +
      `${sizeText(hl)} batches and only the last few dozen batches count. Each of them is a ` +
      `mean of just ${n} values, so running_mean wanders about 0 by a few hundredths, while ` +
      `the manual mean averages all ${countText(n * step)} values equally and keeps getting ` +
      `closer to 0 (here ${sizeText(Math.abs(mm))} away, running_mean ${sizeText(Math.abs(rm))}).`,
  };
}

// How far running_mean is, on average over the run's steps, from three
// candidates it might follow: the step's batch mean, the mean of the last 10
// batch means, the manual mean (one step's gap could favour any by chance).
function kerasMomentum(run) {
  const { config, final, batchMean, runningMean, manualMean } = run;
  const rm = final.runningMean[0];
  const last = batchMean[batchMean.length - 1];
  const sums = { last: 0, window: 0, all: 0 };
  let count = 0;
  for (let t = 9; t < runningMean.length; t++) {
    const window = mean(batchMean.slice(t - 9, t + 1));
    sums.last += Math.abs(runningMean[t] - batchMean[t]);
    sums.window += Math.abs(runningMean[t] - window);
    sums.all += Math.abs(runningMean[t] - manualMean[t]);
    count++;
  }
  const gaps = Object.fromEntries(Object.entries(sums).map(([k, v]) => [k, v / count]));
  const correct = Object.keys(gaps).reduce((a, b) => (gaps[b] < gaps[a] ? b : a));
  const m = config.momentum;
  const size = (label, value) => row(label, value, sizeText(value));
  return {
    actual: rm,
    actualText:
      `Over the run, running_mean was on average ${sizeText(gaps.last)} from the latest ` +
      `batch's mean, ${sizeText(gaps.window)} from the mean of the last 10`,
    correct,
    head: ["running_mean's distance", "average over the run"],
    rows: [
      { label: "from the last batch's mean", cells: [size("", gaps.last)] },
      { label: "from the mean of the last 10 batches", cells: [size("", gaps.window)] },
      { label: "from the manual mean (every batch)", cells: [size("", gaps.all)] },
    ],
    why:
      `PyTorch's momentum is the weight of the new batch, Keras's the weight of the old ` +
      `value: Keras's 0.9 is PyTorch's 0.1. With momentum=${m} the last batch counts ` +
      `${m}, the one before ${sizeText(m * (1 - m))}, so running_mean jumps with every batch ` +
      `(at the end ${statText(rm)}, the last batch's mean ${statText(last)}), and eval mode ` +
      "then normalises with whatever the last batch happened to be.",
  };
}

function batchOfOne(run) {
  const text = run.pytorchError;
  return {
    actual: text,
    actualText: text ? `PyTorch raises: ${text}` : "PyTorch runs it (no error)",
    correct: text ? "error" : "zero",
    rows: [],
    why:
      "In training mode each channel is normalised by the variance of its values in the " +
      "batch, and a single value has no variance: PyTorch checks for it and raises before " +
      "anything is computed. The page runs the smallest batch that trains instead " +
      `(batch = ${run.config.batch}); in eval mode (freeze=0) PyTorch does run a batch of one, ` +
      "with the running statistics.",
  };
}

function domainShift(run) {
  const { final, probe, config } = run;
  const evalMean = probe?.evalMean ?? NaN;
  return {
    actual: evalMean,
    actualText: `eval-mode output mean = ${statText(evalMean)}`,
    correct: undefined,
    rows: [
      row("eval mode (running statistics): output mean", evalMean),
      row("train mode (the probe's own statistics): output mean", probe?.trainMean ?? NaN),
      row("running_mean after the shift (channel 0)", final.runningMean[0]),
      row("running_var (channel 0)", final.runningVar[0]),
    ],
    why:
      `After the switch, running_mean follows the new inputs and is ${statText(final.runningMean[0])} ` +
      `at the end, ${config.steps - config.switch} batches later. Eval mode subtracts it from ` +
      `every input, so data from the old domain comes out centred at ${statText(evalMean)}, ` +
      `while train mode (the batch's own statistics) centres it at ${statText(probe?.trainMean)}: ` +
      "eval mode assumes the inputs look like the last training batches.",
  };
}

// Which of "frozen at the switch", "halfway" and "the new data's mean" the
// final running_mean is nearest to.
function freezing(run) {
  const { config, final, runningMean } = run;
  const before = runningMean[config.switch - 1];
  const target = config.shift2;
  const rm = final.runningMean[0];
  const candidates = { frozen: before, half: (before + target) / 2, followed: target };
  const gap = (k) => Math.abs(rm - candidates[k]);
  const correct = Object.keys(candidates).reduce((a, b) => (gap(b) < gap(a) ? b : a));
  return {
    actual: rm,
    actualText: `running_mean = ${statText(rm)} after batch ${run.step} (${statText(before)} after batch ${config.switch})`,
    correct,
    rows: [
      row(`running_mean after batch ${config.switch}`, before),
      row(`running_mean after batch ${run.step}`, rm),
      row("the new data's mean (shift)", target),
    ],
    why:
      "requires_grad=False stops the gradients of weight and bias only. running_mean and " +
      "running_var are buffers, not parameters: every forward in train mode overwrites them, " +
      `so they followed the new data to ${statText(rm)}. Only model.eval() stops them ` +
      "(the freeze field in the settings calls it before a step).",
  };
}

function unbiasedVariance(run) {
  const { final, batchVar, config } = run;
  const n = config.batch * config.height * config.width;
  const avgBatch = mean(batchVar);
  const ratio = final.runningVar[0] / avgBatch;
  return {
    actual: ratio,
    actualText: `running_var ÷ average batch variance = ${statText(ratio)}`,
    correct: undefined,
    rows: [
      row("running_var (channel 0)", final.runningVar[0]),
      row("average biased batch variance, sum / n", avgBatch),
      row("running_var ÷ that average", ratio),
      row(`n / (n − 1) with n = ${n}`, n / (n - 1)),
    ],
    why:
      "BatchNorm normalises a batch with the biased variance (divided by n) but stores the " +
      `unbiased one (divided by n − 1) in running_var, so each stored value is n/(n − 1) = ` +
      `${statText(n / (n - 1))} times the one used. With n = ${n} values per channel that ` +
      "factor is large; it shrinks toward 1 as batch · height · width grows.",
  };
}

export const ANSWERS = Object.freeze({
  runningMean,
  kerasMomentum,
  batchOfOne,
  domainShift,
  freezing,
  unbiasedVariance,
});

// The reader's prediction against the answer: {right, predictionText}.
export function judge(story, prediction, answer) {
  if (story.predict.kind === "choice") {
    const choice = story.predict.choices.find((c) => c.value === prediction);
    return { right: prediction === answer.correct, predictionText: choice?.label ?? "" };
  }
  const off = Math.abs(prediction - answer.actual);
  return {
    right: off <= story.tolerance,
    predictionText: prediction.toFixed(2).replace("-", "−"),
    off,
  };
}

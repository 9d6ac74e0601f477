// The guided stories: one entry each (link word, config, lens, question, the
// prediction asked for), the `story` link field, and the order that next and
// previous follow. Pure data: the answers are computed from the run in
// story-answers.js, the DOM side is stories.js.
import { LENS_NAMES } from "./lens-table.js";

const ARTICLE = "seed=21&batch=20&channels=3&height=1&width=1&eps=1e-5";

// name: the link's word (story=NAME); config: the fields the story runs (a
// query; every field not named takes its default); lens: the lenses opened
// with the answer; predict: {kind: "choice", choices} or {kind: "estimate",
// min, max, step, initial, label} (and tolerance: how far off an estimate
// still counts as right); answer: the function in story-answers.js.
export const STORIES = Object.freeze([
  {
    name: "running-mean",
    title: "What will running_mean be after 2,000 batches?",
    config: `${ARTICLE}&steps=2000&momentum=0.1`,
    lens: [],
    question:
      "The article's run: 2,000 batches of 20 values per channel from torch.randn, whose true " +
      "mean is 0. The manual mean of all 40,000 values of channel 0 will be very close to 0. " +
      "Where will BatchNorm2d's running_mean of channel 0 end?",
    predict: {
      kind: "choice",
      choices: [
        { value: "exact", label: "Exactly the manual mean: it is the mean of every value seen" },
        { value: "near", label: "Within ±0.01 of 0, about as close as the manual mean" },
        {
          value: "far",
          label: "Several hundredths away from 0, much further than the manual mean",
        },
      ],
    },
    answer: "runningMean",
  },
  {
    name: "keras-momentum",
    title: "Momentum 0.9, ported from Keras",
    config: `${ARTICLE}&steps=200&momentum=0.9`,
    lens: ["conventions"],
    question:
      "A Keras model had BatchNormalization(momentum=0.9). It is ported to PyTorch as " +
      "BatchNorm2d(momentum=0.9) and trained for 200 batches. What does running_mean of " +
      "channel 0 follow at the end?",
    predict: {
      kind: "choice",
      choices: [
        { value: "window", label: "The average of the last 10 or so batches, as in Keras" },
        { value: "last", label: "Almost only the last batch" },
        { value: "all", label: "Every batch equally, like the manual mean" },
      ],
    },
    answer: "kerasMomentum",
  },
  {
    name: "batch-of-one",
    title: "A batch of one",
    config: `${ARTICLE.replace("batch=20", "batch=1")}&steps=2000&momentum=0.1`,
    lens: ["batch-of-one"],
    // PyTorch refuses this config; the page runs its fallback (batch=2).
    pytorchRefuses: true,
    question:
      "Training mode, one 1×1 image per batch (batch=1, height=1, width=1): each channel sees " +
      "a single value per step. What does BatchNorm2d do at the first step?",
    predict: {
      kind: "choice",
      choices: [
        { value: "zero", label: "It normalises the value to 0 and carries on" },
        { value: "running", label: "It normalises with running_mean and running_var instead" },
        { value: "error", label: "PyTorch raises an error before the first step" },
      ],
    },
    answer: "batchOfOne",
  },
  {
    name: "domain-shift",
    title: "Eval mode after a domain shift",
    config: `${ARTICLE}&steps=200&momentum=0.1&switch=100&shift2=2`,
    lens: ["probe"],
    question:
      "For 100 batches the inputs come from randn (mean 0); from batch 101 on they are shifted " +
      "by +2 (a new domain), up to batch 200. Then a probe batch from the old distribution " +
      "(mean 0, std 1) goes through the layer in eval mode. What mean will its normalised " +
      "output have (channel 0)?",
    predict: {
      kind: "estimate",
      min: -4,
      max: 4,
      step: 0.1,
      initial: 0,
      label: "Your estimate of the eval-mode output's mean",
    },
    tolerance: 0.3,
    answer: "domainShift",
  },
  {
    name: "freezing",
    title: "Freezing BatchNorm with requires_grad=False",
    config: `${ARTICLE}&steps=200&momentum=0.1&switch=100&shift2=1`,
    lens: ["freezing"],
    question:
      "After 100 batches of randn you fine-tune on new data, shifted by +1 (batches 101 to " +
      "200). To keep BatchNorm as it was, you set requires_grad=False on its weight and " +
      "bias; the model stays in train mode. Where will running_mean of channel 0 be after " +
      "batch 200?",
    predict: {
      kind: "choice",
      choices: [
        { value: "frozen", label: "Where it was after batch 100 (near 0): it is frozen" },
        { value: "half", label: "Halfway between, near 0.5" },
        { value: "followed", label: "Near 1: it followed the new data" },
      ],
    },
    answer: "freezing",
  },
  {
    name: "unbiased-variance",
    title: "Why is running_var above the batch variance?",
    config: `${ARTICLE.replace("batch=20", "batch=2")}&steps=500&momentum=none`,
    lens: ["unbiased-variance"],
    question:
      "Batches of 2 values per channel (batch=2, 1×1 images), 500 of them. Each batch is " +
      "normalised with its variance, sum((x − mean)²) / n. With momentum=None, running_var is " +
      "the plain average of the variances it stores. How many times the average batch " +
      "variance will running_var be (channel 0)?",
    predict: {
      kind: "estimate",
      min: 0.5,
      max: 3,
      step: 0.05,
      initial: 1,
      label: "Your estimate of running_var ÷ the average batch variance",
    },
    tolerance: 0.1,
    answer: "unbiasedVariance",
  },
]);

export const STORY_NAMES = STORIES.map((s) => s.name);

export function storyByName(name) {
  return STORIES.find((s) => s.name === name) ?? null;
}

// The stories before and after one in the table's order (null at the ends).
export function neighbours(name) {
  const i = STORY_NAMES.indexOf(name);
  return {
    previous: i > 0 ? STORIES[i - 1] : null,
    next: i >= 0 && i < STORIES.length - 1 ? STORIES[i + 1] : null,
    index: i,
  };
}

// The story's config as text by field name, as a link gives it to the grammar.
export function storyConfigText(story) {
  return Object.fromEntries(new URLSearchParams(story.config));
}

export function storyLensesExist(story) {
  return story.lens.every((name) => LENS_NAMES.includes(name));
}

const RANGE = `one of ${STORY_NAMES.join(", ")}`;

// The `story` link field, in the shape of link.js's PAGE_FIELDS entries.
export const STORY_FIELD = Object.freeze({
  initial: null,
  parse(raw) {
    const text = String(raw ?? "")
      .trim()
      .toLowerCase();
    if (!STORY_NAMES.includes(text)) return { ok: false, message: `story must be ${RANGE}` };
    return { ok: true, value: text };
  },
  write: (value) => (value === null ? null : value),
});

// The lesson shown next to the charts: the question, the article it comes from
// (credited by title and author), and the answer with this config's numbers.
// lessonParagraphs is pure (a list of paragraphs, each a list of segments:
// text, {strong}, {code}); renderLesson turns them into DOM nodes as text.
import { halfLife } from "./theory.js";
import { emaFloor, expectedDistance } from "./distance.js";
import { statText, sizeText } from "./format.js";

export const ARTICLE = Object.freeze({
  title: "Replace Manual Normalization with Batch Normalization in Vision AI Models",
  author: "Dhruv Matani",
  where: "Towards Data Science, May 2023",
});

const int = new Intl.NumberFormat("en-US");

// `last`: the focused channel's values after the last step done, or null.
export function lessonParagraphs(config, last = null) {
  const m = config.momentum;
  const n = config.batch * config.height * config.width;
  const t = config.steps;
  const question = [
    { strong: "Does " },
    { code: "running_mean" },
    { strong: " end up as the mean of every input BatchNorm has seen?" },
    ` ${ARTICLE.author}'s article “${ARTICLE.title}” (${ARTICLE.where}) feeds ${int.format(2000)} batches of random numbers through `,
    { code: "nn.BatchNorm2d(3)" },
    " and finds a running mean of −0.0628, 0.0649, 0.0600 where the mean of all 40,000 values is 0.0039, 0.0015, 0.0095.",
  ];
  let answer;
  if (m === null) {
    answer = [
      { strong: "With momentum=None, yes: " },
      `every step updates with weight 1/t, so each of the ${int.format(t)} batches counts the same and the running mean is the mean of every value seen (up to float rounding). The running variance averages each batch's variance and leaves out how the batch means scatter, so it stays a little off.`,
    ];
  } else if (m === 0) {
    answer = [
      { strong: "With momentum 0, never: " },
      "the running statistics keep their starting values (mean 0, variance 1) and ignore every batch.",
    ];
  } else {
    const h = halfLife(m);
    const floor = emaFloor(m, n);
    const manualEnd = expectedDistance(m, n, Math.max(1, t)).manualMean;
    answer = [
      { strong: "No: it is a moving average that forgets. " },
      `Each step moves it ${sizeText(m)} of the way to the new batch's mean, so a batch's weight halves every ${sizeText(h)} batches (the picture) and the running mean follows roughly the last ${sizeText((2 - m) / m)} batches. Its distance from the true mean 0 stalls near ${sizeText(floor.mean)}, while the mean of all ${int.format(t * n)} values per channel keeps closing in like 1/√(t·n), to about ${sizeText(manualEnd)}.`,
    ];
  }
  const out = [question, answer];
  if (last && last.step > 0) {
    out.push([
      `This run, channel ${last.channel} after step ${int.format(last.step)}: running mean `,
      { strong: statText(last.runningMean) },
      ", manual mean ",
      { strong: statText(last.manualMean) },
      "; running variance ",
      { strong: statText(last.runningVar) },
      ", manual ",
      { strong: statText(last.manualVar) },
      ".",
    ]);
  }
  return out;
}

export function renderLesson(root, config, last = null) {
  const paragraphs = lessonParagraphs(config, last).map((segments, i) => {
    const p = document.createElement("p");
    if (i === 2) p.className = "lesson-run";
    for (const s of segments) {
      if (typeof s === "string") p.append(s);
      else {
        const node = document.createElement(s.code !== undefined ? "code" : "strong");
        node.textContent = s.code ?? s.strong;
        p.append(node);
      }
    }
    return p;
  });
  root.replaceChildren(...paragraphs);
}

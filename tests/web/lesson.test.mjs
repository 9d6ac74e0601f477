// The lesson's pure parts, in Node: number formats, the weights figure's data
// and the lesson's text for the article's config and the edge momenta.
import { test } from "node:test";
import assert from "node:assert/strict";
import { statText, sizeText, countText } from "../../web/src/format.js";
import { weightsFigureData } from "../../web/src/weights-figure.js";
import { lessonParagraphs, ARTICLE } from "../../web/src/lesson.js";

const ARTICLE_CONFIG = {
  seed: "21",
  batch: 20,
  channels: 3,
  height: 1,
  width: 1,
  steps: 2000,
  momentum: 0.1,
  eps: 1e-5,
};
const text = (segments) =>
  segments.map((s) => (typeof s === "string" ? s : (s.strong ?? s.code))).join("");

test("one format per kind of number", () => {
  assert.equal(statText(-0.06281), "−0.0628");
  assert.equal(statText(1.08123), "1.0812");
  assert.equal(statText(0.000012), "0.0000");
  assert.equal(statText(-0.00001), "0.0000", "no negative zero");
  assert.equal(statText(null), "–");
  assert.equal(statText(NaN), "–");
  assert.equal(sizeText(0.040523), "0.041");
  assert.equal(sizeText(0.0039894), "0.004");
  assert.equal(sizeText(6.5788), "6.6");
  assert.equal(sizeText(4.2e-6), "4.2×10⁻⁶");
  assert.equal(sizeText(12345.6), "12,346");
  assert.equal(countText(40000), "40,000");
});

test("weights of past batches: (1-m)^k m, the rest in the starting value", () => {
  const d = weightsFigureData(0.1, 2000);
  assert.equal(d.bars[0].weight, 0.1);
  assert.ok(Math.abs(d.bars[10].weight - 0.1 * 0.9 ** 10) < 1e-15);
  // Enough bars for 99% of the weight, fewer than the cap.
  assert.ok(d.shownShare > 0.99 && d.bars.length <= 60, `${d.bars.length} ${d.shownShare}`);
  assert.ok(d.initialWeight < 1e-90 && d.initialWeight > 0);
  assert.equal(d.manualWeight, 1 / 2000);
  assert.ok(Math.abs(d.halfLife - 6.5788) < 1e-4);
  // Weights of the starting value and every batch add up to 1.
  for (const [m, t] of [
    [0.1, 30],
    [0.5, 5],
    [0.9, 3],
    [1, 4],
  ]) {
    const e = weightsFigureData(m, t);
    const all = e.bars.length === t ? e.shownShare + e.initialWeight : NaN;
    assert.ok(Math.abs(all - 1) < 1e-12, `m=${m} t=${t}: ${all}`);
  }
  const none = weightsFigureData(null, 500);
  assert.ok(none.bars.every((b) => b.weight === 1 / 500));
  assert.equal(none.initialWeight, 0);
  const zero = weightsFigureData(0, 100);
  assert.ok(zero.bars.every((b) => b.weight === 0));
  assert.equal(zero.initialWeight, 1);
  assert.equal(weightsFigureData(0.1, 0).bars.length, 0);
  assert.equal(weightsFigureData(1e-6, 1000000).bars.length, 40 + 20, "capped");
});

test("the lesson credits the article and answers with this config's numbers", () => {
  const [question, answer] = lessonParagraphs(ARTICLE_CONFIG).map(text);
  assert.match(question, new RegExp(ARTICLE.author));
  assert.match(question, new RegExp(ARTICLE.title));
  assert.match(question, /−0\.0628, 0\.0649, 0\.0600/);
  assert.match(answer, /halves every 6\.6 batches/);
  assert.match(answer, /last 19 batches/);
  assert.match(answer, /stalls near 0\.041/);
  assert.match(answer, /all 40,000 values/);
  assert.match(answer, /to about 0\.004\b/);
  const big = lessonParagraphs({
    ...ARTICLE_CONFIG,
    batch: 8,
    height: 4,
    width: 4,
    momentum: 0.01,
  });
  assert.match(text(big[1]), /halves every 69 batches/);
  assert.match(
    text(lessonParagraphs({ ...ARTICLE_CONFIG, momentum: null })[1]),
    /^With momentum=None, yes/,
  );
  assert.match(text(lessonParagraphs({ ...ARTICLE_CONFIG, momentum: 0 })[1]), /never/);
  const run = lessonParagraphs(ARTICLE_CONFIG, {
    step: 2000,
    channel: 1,
    runningMean: 0.06487,
    manualMean: 0.00152,
    runningVar: 1.03177,
    manualVar: 1.00261,
  });
  assert.equal(
    text(run[2]),
    "This run, channel 1 after step 2,000: running mean 0.0649, manual mean 0.0015; running variance 1.0318, manual 1.0026.",
  );
});

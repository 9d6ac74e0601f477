// Embed snippets and playback speed (web/src/snippets.js, web/src/playback.js),
// in Node: each form's markup, its link read back, heights that agree.
import { test } from "node:test";
import assert from "node:assert/strict";
import { embedSnippet } from "../../web/src/snippets.js";
import { readView, fittingHeight } from "../../web/src/embed-fields.js";
import { stepsPerSecond, speedOptions, WATCH_SECONDS } from "../../web/src/playback.js";

const PAGE = "https://example.org/lab/";
const PAIRS = [
  ["seed", "21"],
  ["steps", "2000"],
];
const srcOf = (html) => new URL(html.match(/<iframe src="([^"]+)"/)[1].replace(/&amp;/g, "&"));

test("fixed iframe: no script, its height attribute is the frame-height in its link", () => {
  const view = { panels: ["mean"], controls: "run", theme: "light" };
  const html = embedSnippet("fixed", PAGE, PAIRS, view);
  assert.doesNotMatch(html, /<script/);
  const src = srcOf(html);
  const { view: read, problems } = readView(src.search);
  assert.deepEqual(problems, []);
  assert.equal(read.embed, true);
  assert.deepEqual(read.panels, ["mean"]);
  assert.equal(read.controls, "run");
  assert.equal(read.theme, "light");
  const height = Number(html.match(/ height="(\d+)"/)[1]);
  assert.equal(height, fittingHeight(["mean"], "run"));
  assert.equal(read["frame-height"], height);
  assert.equal(src.searchParams.get("seed"), "21");
  assert.equal(src.origin + src.pathname, PAGE);
  const sized = embedSnippet("fixed", PAGE, PAIRS, { ...view, height: 700 });
  assert.match(sized, / height="700"/);
  assert.equal(srcOf(sized).searchParams.get("frame-height"), "700");
});

test("auto iframe: the link leaves the height to the page, a script follows its messages", () => {
  const html = embedSnippet("auto", PAGE, PAIRS, { panels: null, controls: "full", theme: "auto" });
  const src = srcOf(html);
  assert.equal(src.searchParams.has("frame-height"), false);
  assert.equal(src.searchParams.has("theme"), false, "defaults stay out");
  assert.match(html, /data-batchnorm-lab/);
  assert.match(html, /batchnorm-lab:height/);
  assert.match(html, new RegExp(` height="${fittingHeight(null, "full")}"`));
});

test("element: one script tag next to the page, fields as attributes, text escaped", () => {
  const html = embedSnippet("element", PAGE, [...PAIRS, ["seed", '"><b>']], {
    panels: ["mean", "output"],
    controls: "none",
    theme: "dark",
    autoplay: false,
    speed: 300,
  });
  const [script, element] = html.trim().split("\n");
  assert.equal(script, '<script src="https://example.org/lab/embed.js"></script>');
  assert.match(element, /^<batchnorm-lab seed="21" steps="2000" seed="&quot;&gt;&lt;b&gt;"/);
  assert.match(
    element,
    / panels="mean,output" controls="none" theme="dark" autoplay="0" speed="300">/,
  );
  assert.doesNotMatch(element, /frame-height|src=/);
  // Another page than the index.html next to embed.js: named by src.
  const other = embedSnippet("element", "https://example.org/lab/lab.html", PAIRS, { height: 500 });
  assert.match(other, /<batchnorm-lab src="https:\/\/example.org\/lab\/lab.html" seed="21"/);
  assert.match(other, / frame-height="500"/);
});

test("playback: auto plays any run in a few seconds, unless motion is reduced", () => {
  assert.equal(stepsPerSecond("auto", 2000), 2000 / WATCH_SECONDS);
  assert.equal(stepsPerSecond("auto", 1000000), 1000000 / WATCH_SECONDS);
  assert.equal(stepsPerSecond("auto", 2000, { reducedMotion: true }), Infinity);
  assert.equal(stepsPerSecond("auto", 5), Infinity, "too short to watch");
  assert.equal(stepsPerSecond(30, 2000, { reducedMotion: true }), 30, "an explicit rate is kept");
  assert.equal(stepsPerSecond("max", 2000), Infinity);
  assert.deepEqual(
    speedOptions(500).map((o) => o.value),
    ["30", "300", "500", "3000", "30000", "max"],
  );
  assert.equal(speedOptions(Infinity).length, 5);
  assert.equal(speedOptions(300).length, 5);
});

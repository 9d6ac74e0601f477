// The guided stories' table (web/src/story-table.js) against the grammar in
// the wasm module: every story's config parses (or is refused by PyTorch's own
// check where the story says so), every lens it opens exists, its link reads
// back as story=NAME, and its prediction and answer are well formed.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { loadLab } from "./lab.mjs";
import {
  STORIES,
  STORY_NAMES,
  STORY_FIELD,
  storyByName,
  storyConfigText,
  storyLensesExist,
  neighbours,
} from "../../web/src/story-table.js";
import { ANSWERS } from "../../web/src/story-answers.js";
import { LENS_NAMES } from "../../web/src/lens-table.js";
import { readLink, linkQuery } from "../../web/src/link.js";

let lab;
before(async () => {
  lab = await loadLab();
});

test("there are four to six stories with unique link words", () => {
  assert.ok(STORIES.length >= 4 && STORIES.length <= 6, `${STORIES.length} stories`);
  assert.equal(new Set(STORY_NAMES).size, STORY_NAMES.length);
  for (const s of STORIES) assert.match(s.name, /^[a-z][a-z0-9-]*$/);
});

for (const story of STORIES) {
  test(`story ${story.name}: its config goes through the grammar`, () => {
    const text = storyConfigText(story);
    const known = new Set(lab.configFields().map((f) => f.name));
    for (const name of Object.keys(text)) assert.ok(known.has(name), `unknown field ${name}`);
    const parsed = lab.parseConfig(text);
    if (story.pytorchRefuses) {
      assert.equal(parsed.ok, false, "PyTorch should refuse this config");
      assert.ok(parsed.errors.length >= 1);
      for (const e of parsed.errors) assert.match(e.pytorchError, /^ValueError: Expected more/);
      // The page runs it anyway, through resolveConfig's fallback (batch 2).
      const resolved = lab.resolveConfig(text);
      assert.equal(resolved.config.batch, 2);
      assert.deepEqual(
        resolved.notices.map((n) => n.field),
        ["batch"],
      );
      return;
    }
    assert.equal(parsed.ok, true, JSON.stringify(parsed.errors));
    // Every field the story names is taken as given (nothing falls back).
    const resolved = lab.resolveConfig(text);
    assert.deepEqual(resolved.notices, []);
    assert.deepEqual(resolved.config, parsed.config);
  });

  test(`story ${story.name}: lenses exist, the prediction and the answer are well formed`, () => {
    assert.ok(storyLensesExist(story));
    for (const lens of story.lens) assert.ok(LENS_NAMES.includes(lens), lens);
    assert.ok(story.title.length > 8 && story.question.length > 40);
    assert.equal(typeof ANSWERS[story.answer], "function", story.answer);
    const p = story.predict;
    if (p.kind === "choice") {
      assert.ok(p.choices.length >= 3 && p.choices.length <= 4);
      assert.equal(new Set(p.choices.map((c) => c.value)).size, p.choices.length);
    } else {
      assert.equal(p.kind, "estimate");
      assert.ok(p.min < p.max && p.step > 0 && p.initial >= p.min && p.initial <= p.max);
      assert.ok(story.tolerance > 0 && story.tolerance < p.max - p.min);
      assert.ok(p.label.length > 10);
    }
  });

  test(`story ${story.name}: its link reads back as the story`, () => {
    const query = linkQuery({}, [], { story: story.name });
    assert.equal(query, `story=${story.name}`);
    const { page, problems } = readLink(`?${query}&embed=1`);
    assert.deepEqual(problems, []);
    assert.equal(page.story, story.name);
    assert.equal(page.embed, true);
    assert.equal(storyByName(page.story), story);
  });
}

test("a bad story name is a problem naming the field and the stories, and no story", () => {
  for (const bad of ["", "nope", "running-mean,batch-of-one", "<b>", "x".repeat(300)]) {
    const { page, problems } = readLink(`?story=${encodeURIComponent(bad)}`);
    assert.equal(page.story, null, bad);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].field, "story");
    assert.equal(problems[0].message, `story must be one of ${STORY_NAMES.join(", ")}`);
  }
  assert.deepEqual(STORY_FIELD.parse(" Running-Mean "), { ok: true, value: "running-mean" });
});

test("next and previous walk the table in order, ending at both ends", () => {
  const walked = [STORIES[0].name];
  for (let s = neighbours(STORIES[0].name).next; s; s = neighbours(s.name).next)
    walked.push(s.name);
  assert.deepEqual(walked, STORY_NAMES);
  assert.equal(neighbours(STORY_NAMES[0]).previous, null);
  assert.equal(neighbours(STORY_NAMES.at(-1)).next, null);
  assert.equal(neighbours(STORY_NAMES[1]).previous.name, STORY_NAMES[0]);
});

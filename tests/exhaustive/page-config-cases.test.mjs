// The grammar's shared cases (tests/fixtures/config_cases.json) through the
// page's entry point, a link: a valid field runs as given with no notice, an
// invalid one runs its fallback with the grammar's notice, word for word, and
// each combination runs what resolveConfig makes of it, with its notices.
// Part of `npm run test:exhaustive` (CI): over 300 page loads, a few minutes;
// needs the page built by `npm test` (or `npm run build`).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { setup, openLinks, repo } from "../browser/helpers.mjs";
import { loadLab } from "../node/lab.mjs";

const { fields: fieldCases, combinations } = JSON.parse(
  readFileSync(join(repo, "tests/fixtures/config_cases.json"), "utf8"),
);

let env;
const defaults = new Map();
const absentWords = new Map();
before(async () => {
  const lab = await loadLab();
  for (const f of lab.configFields()) {
    defaults.set(f.name, f.defaultText);
    if (f.absentWord !== undefined) absentWords.set(f.name, f.absentWord);
  }
  env = await setup();
});
after(async () => {
  await env?.close();
});

const linkOf = (fields) => "?" + new URLSearchParams(fields).toString();
// The value the page's link holds after the run: the grammar's "unset" word
// for null, else the JavaScript text; a scenario field at its default is left
// out (link.js writes the article's own fields always).
const ARTICLE_FIELDS = ["seed", "batch", "channels", "height", "width", "steps", "momentum", "eps"];
const written = (name, value) => {
  const text = value === null ? absentWords.get(name) : String(value);
  return !ARTICLE_FIELDS.includes(name) && text === defaults.get(name) ? null : text;
};
const SETTLED = ["running", "paused", "finished"];
// As the page prints a notice: the field in quotes, then the grammar's text.
const noticeLine = (line) => line.replace(/^“[^”]*”: /, "").replace(/\.$/, "");
// A valid config of millions of values per batch takes seconds per call: its
// verdict is the module's (tests/node), its page run is not waited for here.
const DEFAULT_SIZES = { batch: 20, channels: 3, height: 1, width: 1 };
const small = (c) => {
  const n = (k) => Number(c.with?.[k] ?? (c.field === k ? c.value : DEFAULT_SIZES[k]));
  return (
    c.field === "seed" ||
    c.field === "steps" ||
    n("batch") * n("channels") * n("height") * n("width") <= 65536
  );
};

test("every field case through a link: its verdict and the grammar's notice", async () => {
  // BNLAB_CASES_EVERY=n opens every n-th case only (a quick look on a slow machine).
  const every = Number(process.env.BNLAB_CASES_EVERY || 1);
  const cases = fieldCases.filter((c) => !c.ok || small(c)).filter((_, i) => i % every === 0);
  assert.ok(cases.length * every >= 200, `${cases.length} cases`);
  const byLink = new Map(cases.map((c) => [linkOf({ [c.field]: c.text, ...c.with }), c]));
  const failures = [];
  await openLinks(env, [...byLink.keys()], (outcome, link) => {
    const c = byLink.get(link);
    const what = `${JSON.stringify(c.field)}=${JSON.stringify(c.text)}`;
    const ran = new URLSearchParams(outcome.search);
    const lines = outcome.notices.map(noticeLine);
    if (!SETTLED.includes(outcome.status)) {
      failures.push(`${what}: status ${outcome.status}`);
    } else if (c.ok) {
      if (lines.length) failures.push(`${what}: unexpected notices ${lines}`);
      if (ran.get(c.field) !== written(c.field, c.value)) {
        failures.push(`${what}: ran ${c.field}=${ran.get(c.field)}, expected ${c.value}`);
      }
    } else if (!(lines.length === 1 && lines[0] === c.notice)) {
      failures.push(
        `${what}: notices ${JSON.stringify(lines)}, expected ${JSON.stringify(c.notice)}`,
      );
    }
  });
  assert.deepEqual(failures, []);
});

test("every combination through a link: what resolveConfig runs, with its notices", async () => {
  const byLink = new Map(combinations.map((c) => [linkOf(c.fields), c]));
  const failures = [];
  await openLinks(env, [...byLink.keys()], (outcome, link) => {
    const c = byLink.get(link);
    const ran = new URLSearchParams(outcome.search);
    const what = link;
    if (!SETTLED.includes(outcome.status)) {
      failures.push(`${what}: status ${outcome.status}`);
      return;
    }
    // A training batch of one value per channel also shows the ValueError that
    // PyTorch would raise for the link as given, after resolveConfig's notices.
    const given = (k, d) => Number(c.fields[k] ?? d);
    // (PyTorch raises only on a train-mode forward: none with steps=0 or freeze=0.)
    const freeze = c.fields.freeze;
    const trains =
      given("steps", 2000) > 0 &&
      (freeze === undefined || !/^\d+$/.test(freeze) || Number(freeze) > 0);
    const oneValue = trains && given("batch", 20) * given("height", 1) * given("width", 1) === 1;
    const raised =
      "What PyTorch would raise for “batch” as given: ValueError: Expected more than 1 value " +
      `per channel when training, got input size torch.Size([1, ${given("channels", 3)}, 1, 1])`;
    const expected = oneValue ? [...c.notices, raised] : c.notices;
    const lines = outcome.notices.map(noticeLine);
    if (JSON.stringify(lines) !== JSON.stringify(expected)) {
      failures.push(
        `${what}: notices ${JSON.stringify(lines)}, expected ${JSON.stringify(expected)}`,
      );
    }
    for (const [k, v] of Object.entries(c.resolved)) {
      if (ran.get(k) !== written(k, v))
        failures.push(`${what}: ran ${k}=${ran.get(k)}, expected ${v}`);
    }
  });
  assert.deepEqual(failures, []);
});

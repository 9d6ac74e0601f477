// The worker's one-shot requests (web/src/worker-seeds.js, worker-final.js,
// compare-worker.js's compareRequest) against the built module, in Node: the
// replies the page's worker sends, and the messages when they refuse.
import { test, before } from "node:test";
import assert from "node:assert/strict";
import { loadLab } from "./lab.mjs";
import { seedsRequest } from "../../web/src/worker-seeds.js";
import { finalStatsRequest, verifyScriptRequest } from "../../web/src/worker-final.js";
import { compareRequest } from "../../web/src/compare-worker.js";

let lab;
before(async () => {
  lab = await loadLab();
});

const FIELDS = { seed: "3", batch: "4", channels: "2", steps: "25", momentum: "0.2" };

test("seeds: one line per seed, the CLI's own --seeds --json bytes", () => {
  const flags = ["--batch", "4", "--channels", "2", "--steps", "25"];
  const reply = seedsRequest(lab, { flags, from: 5, count: 3 });
  const cli = lab.runCli([...flags, "--seeds", "5:3", "--json"]);
  assert.equal(cli.exitCode, 0);
  assert.deepEqual(reply.lines, cli.out.trimEnd().split("\n"));
  assert.equal(reply.lines.length, 3);
  assert.deepEqual(
    reply.lines.map((line) => JSON.parse(line).config.seed),
    ["5", "6", "7"],
  );
  const bad = seedsRequest(lab, { flags: ["--batch", "0"], from: 1, count: 2 });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /batch must be an integer in \[1, 16777216\]/);
});

test("finalStats: the last step's running statistics of the config run to its end", () => {
  const reply = finalStatsRequest(lab, { fields: FIELDS });
  const { experiment } = lab.createExperiment(FIELDS);
  let last;
  try {
    while (!experiment.finished()) last = experiment.runChunk(7);
  } finally {
    experiment.delete();
  }
  const from = (last.steps - 1) * 2;
  assert.deepEqual(reply.runningMean, last.runningMean.slice(from, from + 2));
  assert.deepEqual(reply.runningVar, last.runningVar.slice(from, from + 2));
  assert.equal(reply.runningMean.length, 2);
  assert.deepEqual(finalStatsRequest(lab, { fields: { ...FIELDS, steps: "0" } }), {
    ok: false,
    message: "no steps to run",
  });
  assert.deepEqual(
    finalStatsRequest(lab, { fields: { ...FIELDS, batch: "1000", steps: "100000" } }),
    { ok: false, message: "too large a run to repeat here" },
  );
  const bad = finalStatsRequest(lab, { fields: { ...FIELDS, eps: "0" } });
  assert.equal(bad.ok, false);
  assert.match(bad.message, /eps must be a finite number > 0/);
});

test("verifyScript: the module's script, or PyTorch's own words when it would raise", () => {
  const reply = verifyScriptRequest(lab, { fields: FIELDS });
  assert.equal(reply.text, lab.verifyScript(FIELDS).text);
  assert.match(reply.text, /import torch/);
  const one = verifyScriptRequest(lab, {
    fields: { ...FIELDS, batch: "1", height: "1", width: "1" },
  });
  assert.equal(one.ok, false);
  assert.match(one.message, /Expected more than 1 value per channel when training/);
});

test("compare: B resolved against A's config and run to its end; nothing without B", () => {
  const base = lab.parseConfig(FIELDS).config;
  const reply = compareRequest(lab, { base, overrides: { momentum: "none" } });
  assert.equal(reply.resolved.ok, true);
  assert.equal(reply.resolved.config.momentum, null);
  assert.equal(reply.run.totalSteps, 25);
  assert.equal(
    reply.run.chunks.reduce((n, c) => n + c.steps, 0),
    25,
  );
  assert.deepEqual(compareRequest(lab, { base, overrides: {} }), { resolved: null, run: null });
  const refused = compareRequest(lab, { base, overrides: { batch: "x" } });
  assert.equal(refused.resolved.ok, false);
  assert.equal(refused.run, null);
  assert.equal(refused.resolved.dropped[0].field, "batch");
});

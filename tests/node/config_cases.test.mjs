// The shared grammar cases (tests/fixtures/config_cases.json) through the
// module API (parseConfig, resolveConfig), the Node CLI's code (runCli) and,
// for every case whose bytes could differ, bin/bnlab.cjs beside native bnlab.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { fixture, loadLab, repoRoot } from "./lab.mjs";

const { fields: fieldCases, combinations } = fixture("config_cases.json");
const nativeCli = path.join(repoRoot, "build", "native", "bnlab");
const nodeCli = path.join(repoRoot, "bin", "bnlab.cjs");

let lab;
before(async () => {
  lab = await loadLab();
});

const inputOf = (c) => ({ [c.field]: c.text, ...c.with });
const argsOf = (c) => [
  `--${c.field}`,
  c.text,
  ...Object.entries(c.with ?? {}).flatMap(([k, v]) => [`--${k}`, v]),
];
const cliLine = (c) =>
  c.cliMessage ? `bnlab: ${c.cliMessage}\n` : `bnlab: --${c.field}: ${c.message}\n`;
// As tests/cpp/cli: the 2^24-channel edges are checked through the parser, not printed.
const small = (config) =>
  config.channels <= 4096 && config.batch * config.height * config.width <= 65536;

test("every field has valid and invalid cases", () => {
  for (const { name } of lab.configFields()) {
    assert.ok(fieldCases.filter((c) => c.field === name && c.ok).length >= 3, name);
    assert.ok(fieldCases.filter((c) => c.field === name && !c.ok).length >= 5, name);
  }
});

test("parseConfig and resolveConfig give each field case its verdict and message", () => {
  for (const c of fieldCases) {
    const what = `${c.field}=${JSON.stringify(c.text)}`;
    const parsed = lab.parseConfig(inputOf(c));
    assert.equal(parsed.ok, c.ok, what);
    if (c.ok) {
      assert.equal(parsed.config[c.field], c.value, what);
      // A JavaScript number (or BigInt seed) reads as its text does.
      if (c.value !== null) {
        const value = typeof c.value === "string" ? BigInt(c.value) : c.value;
        assert.equal(lab.parseConfig({ ...c.with, [c.field]: value }).config[c.field], c.value);
      }
    } else {
      assert.equal(parsed.errors[0].message, c.message, what);
      if (!c.cliMessage) assert.equal(parsed.errors[0].field, c.field, what);
      const resolved = lab.resolveConfig({ [c.field]: c.text });
      assert.deepEqual(
        resolved.notices.map((n) => n.message),
        [c.notice],
        what,
      );
      assert.equal(lab.parseConfig(resolved.config).ok, true, what);
    }
  }
});

test("combinations: the first error, and what resolveConfig runs instead", () => {
  for (const c of combinations) {
    const what = JSON.stringify(c.fields);
    const parsed = lab.parseConfig(c.fields);
    assert.equal(parsed.ok, c.ok, what);
    if (!c.ok) {
      const expected = { field: c.field, message: c.message };
      if (c.pytorchError) expected.pytorchError = c.pytorchError;
      assert.deepEqual(parsed.errors[0], expected, what);
    }
    const { config, notices } = lab.resolveConfig(c.fields);
    for (const [k, v] of Object.entries(c.resolved)) assert.equal(config[k], v, `${what} ${k}`);
    assert.deepEqual(
      notices.map((n) => n.message),
      c.notices,
      what,
    );
    const created = lab.createExperiment(config);
    assert.equal(created.ok, true, what);
    created.experiment.delete();
  }
});

test("the Node CLI's code (runCli) gives each case the native CLI's line", () => {
  for (const c of fieldCases) {
    const what = `${c.field}=${JSON.stringify(c.text)}`;
    if (c.ok) {
      if (!small(lab.parseConfig(inputOf(c)).config)) continue;
      const r = lab.runCli([...argsOf(c), "--json"]);
      assert.equal(r.exitCode, 0, `${what}: ${r.err}`);
      assert.equal(JSON.parse(r.out).config[c.field], c.value, what);
    } else {
      const r = lab.runCli(argsOf(c));
      assert.deepEqual([r.exitCode, r.out, r.err], [2, "", cliLine(c)], what);
    }
  }
});

// Where bytes could differ between the two programs: text with control or
// non-ASCII characters, and an empty argument (printable ASCII is covered by
// runCli above, the same code bin/bnlab.cjs calls).
const byteCases = fieldCases.filter(
  (c) =>
    !c.ok &&
    c.argv !== false &&
    (/[^\x20-\x7e]/.test(c.field + c.text) || (c.text === "" && c.field === "batch")),
);

test("the native CLI exists (npm run build:native)", () => {
  assert.ok(existsSync(nativeCli), nativeCli);
});

test(`bin/bnlab.cjs and native bnlab write the same bytes (${byteCases.length} cases)`, () => {
  assert.ok(byteCases.length >= 20);
  for (const c of byteCases) {
    const expected = Buffer.from(cliLine(c), "utf8");
    const native = spawnSync(nativeCli, argsOf(c));
    const node = spawnSync(process.execPath, [nodeCli, ...argsOf(c)]);
    const what = `${c.field}=${JSON.stringify(c.text)}`;
    assert.equal(native.status, 2, what);
    assert.equal(node.status, 2, what);
    assert.deepEqual(native.stderr, expected, what);
    assert.deepEqual(node.stderr, expected, what);
  }
});

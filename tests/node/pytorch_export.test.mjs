// "Copy as PyTorch code" (web/src/exporters.js) run by real PyTorch
// (/usr/bin/python3, torch 1.13): for configs with and without the scenario
// fields of issue 9, the script prints exactly the bytes the CLI (runCli, the
// same text as the page's "article's output") prints.
import assert from "node:assert/strict";
import { before, describe, test } from "node:test";

import { loadLab, needsTorch, python } from "./lab.mjs";
import { pytorchCode } from "../../web/src/exporters.js";
import { setConfigFields } from "../../web/src/link.js";

let lab;
before(async () => {
  lab = await loadLab();
  setConfigFields(lab.configFields());
});

// Each config as link text: the page parses it with the same grammar.
const CONFIGS = [
  { steps: "300" },
  {
    seed: "7",
    batch: "8",
    channels: "4",
    height: "3",
    width: "5",
    steps: "60",
    shift: "-1.25",
    scale: "3",
  },
  { seed: "12", batch: "10", steps: "100", switch: "60", shift2: "5", scale2: "0.1" },
  { seed: "19", batch: "10", steps: "100", freeze: "30" },
  {
    seed: "9",
    batch: "6",
    height: "2",
    steps: "90",
    shift: "0.30000000000000004",
    scale: "0.3333333333333333",
    switch: "45",
    shift2: "-0.001",
    scale2: "7.123456789",
  },
  {
    seed: "24",
    batch: "16",
    steps: "200",
    switch: "100",
    freeze: "150",
    shift2: "-3",
    momentum: "none",
  },
  { seed: "4", batch: "5", channels: "2", steps: "40", shift: "1.5", scale: "0" },
  { seed: "16", batch: "12", channels: "2", steps: "70", shift: "1", switch: "35", scale2: "4" },
  { seed: "-5", batch: "1", channels: "3", steps: "20", freeze: "0", momentum: "0.9" },
  { seed: "3", steps: "50", switch: "0", shift2: "2", eps: "0.1" },
];

describe("the exported PyTorch script prints the CLI's text, byte for byte", () => {
  for (const fields of CONFIGS) {
    const name = Object.entries(fields)
      .map(([k, v]) => `${k}=${v}`)
      .join("&");
    test(name, { skip: needsTorch() }, async () => {
      const parsed = lab.parseConfig(fields);
      assert.equal(parsed.ok, true, JSON.stringify(parsed.errors));
      const script = pytorchCode(parsed.config, `https://example.org/?${name}`);
      const flags = Object.entries(fields).flatMap(([k, v]) => [`--${k}`, v]);
      const cli = lab.runCli(flags);
      assert.equal(cli.exitCode, 0, cli.err);
      const py = await python(script);
      assert.equal(py.code, 0, py.err);
      assert.equal(py.out, cli.out);
    });
  }
});

test("without scenario fields the loop is the article's", () => {
  const config = lab.parseConfig({}).config;
  const script = pytorchCode(config, "https://example.org/");
  assert.match(
    script,
    /\nfor _ in range\(2000\):\n {4}x = torch\.randn_like\(y\)\n {4}model\(x\)\n {4}stacked = torch\.cat\(\[stacked, x\], dim=0\)\n/,
  );
  assert.doesNotMatch(script, /shift|scale|freeze|switch|eval\(\)/);
  const scenario = pytorchCode(lab.parseConfig({ freeze: "3" }).config, "https://example.org/");
  assert.match(
    scenario,
    /\n {4}if freeze is not None and k == freeze \+ 1:\n {8}model\.eval\(\)\n/,
  );
  assert.match(scenario, /\nfreeze = 3\n/);
});

// The Node bnlab (WebAssembly) prints the same bytes as the native bnlab.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { configArgs, fixture, repoRoot } from "./lab.mjs";

const nativeCli = path.join(repoRoot, "build", "native", "bnlab");
const nodeCli = path.join(repoRoot, "bin", "bnlab.cjs");

function run(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8" });
  return { out: result.stdout, err: result.stderr, code: result.status };
}

const flagSets = [
  [],
  ["--json"],
  ["--steps", "0"],
  ["--steps", "0", "--json"],
  [
    "--seed",
    "-7",
    "--batch",
    "8",
    "--channels",
    "5",
    "--height",
    "3",
    "--width",
    "2",
    "--steps",
    "150",
  ],
  ["--momentum", "none", "--steps", "300", "--json"],
  ["--momentum=1e-6", "--steps", "20"],
  ["--seed", "18446744073709551615", "--channels", "24", "--steps", "40", "--eps", "0.001"],
  ["--help"],
  ["--batch", "0"],
  ["--momentum", "javascript:alert(1)"],
  ["--eps", "nan"],
  ["--frobnicate", "3"],
  ["--seed"],
  ["--batch", "1"],
];

test("the native CLI exists (npm run build:native)", () => {
  assert.ok(existsSync(nativeCli), nativeCli);
});

for (const args of flagSets) {
  test(`bnlab ${args.join(" ") || "(no flags)"}: Node equals native`, () => {
    const native = run(nativeCli, args);
    const wasm = run(process.execPath, [nodeCli, ...args]);
    assert.equal(wasm.out, native.out);
    assert.equal(wasm.err, native.err);
    assert.equal(wasm.code, native.code);
    if (args.includes("--batch") && args.at(-1) === "0") {
      assert.equal(native.code, 2);
      assert.match(
        native.err,
        /^bnlab: --batch: batch must be an integer in \[1, 16777216\]; got '0'\n$/,
      );
    }
  });
}

test("bnlab with no flags prints the article’s output", () => {
  const wasm = run(process.execPath, [nodeCli]);
  const article = fixture("experiments.json").cases.find((c) => c.name === "article_default");
  assert.equal(wasm.out, article.article_stdout);
  assert.match(wasm.out, /Mean: tensor\(\[-0\.0628,  0\.0649,  0\.0600\]\)/);
});

test("--json round-trips the running statistics as float32", () => {
  const article = fixture("experiments.json").cases.find((c) => c.name === "spatial_seed7_8x4x3x5");
  const wasm = run(process.execPath, [nodeCli, ...configArgs(article.config), "--json"]);
  const summary = JSON.parse(wasm.out);
  const bits = Array.from(new Uint32Array(Float32Array.from(summary.running_mean).buffer));
  assert.deepEqual(bits, article.final_running_mean_bits);
  assert.equal(summary.num_batches_tracked, article.config.steps);
  assert.deepEqual(summary.config.momentum, article.config.momentum);
});

// Issue 7's example and every 20th random config of manual_statistics.json:
// both CLIs print PyTorch's text, and the same --json.
test("random configs: both CLIs print PyTorch's text and the same --json", () => {
  const { random } = fixture("manual_statistics.json");
  const picked = random.filter((_, i) => i % 20 === 0);
  assert.equal(picked[0].config.seed, "7");
  assert.ok(picked.length >= 26);
  for (const r of picked) {
    const args = configArgs(r.config);
    const native = run(nativeCli, args);
    assert.equal(native.out, r.stdout, args.join(" "));
    assert.equal(run(process.execPath, [nodeCli, ...args]).out, native.out, args.join(" "));
    const json = run(nativeCli, [...args, "--json"]);
    assert.equal(run(process.execPath, [nodeCli, ...args, "--json"]).out, json.out);
    const summary = JSON.parse(json.out);
    assert.equal(summary.exact_var.length, r.config.channels);
  }
});

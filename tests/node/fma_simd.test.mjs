// BatchNorm2d's WebAssembly SIMD fma loops against scalar std::fma, bit for bit:
// tests/wasm/fma_simd_check.cpp (random, special and crafted halfway inputs), built
// by `npm run build:wasm`, run here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { repoRoot } from "./lab.mjs";

test("SIMD fma loops equal std::fma on random, special and crafted halfway inputs", () => {
  const check = path.join(repoRoot, "build", "wasm", "bnlab_fma_check.js");
  assert.ok(existsSync(check), `${check} is missing: run npm run build:wasm`);
  const run = spawnSync(process.execPath, [check], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^lanes round 0: 0 of 1048576 values differ/m);
  // Round 1's crafted cases must reach the wrong double rounding, or they test nothing.
  assert.match(run.stdout, /^lanes round 1: 0 of 1048576 values differ \([1-9]\d* where/m);
  assert.match(run.stdout, /^lanes round 0 tails: 0 of 1048576 values differ/m);
  assert.match(run.stdout, /^lanes round 1 tails: 0 of 1048576 values differ/m);
  assert.match(run.stdout, /^scale_shift: 0 of [1-9]\d* values differ/m);
  assert.match(run.stdout, /^var_sums: 0 of [1-9]\d* sums differ/m);
});

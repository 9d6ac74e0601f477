// randn's wasm SIMD log, sincos and Box-Muller code against its scalar code on all 2^24 inputs.
// tests/wasm/box_muller_simd_check.cpp, built by `npm run build:wasm`, tries every value of u1
// and of theta, bit for bit (3.4 s of CPU on the 2-core machine it was written on). `npm test`
// leaves it to `npm run test:full` and CI: it checks one file that few changes touch.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { repoRoot } from "../node/lab.mjs";

test("SIMD log, sincos and Box-Muller blocks equal the scalar code on every input", () => {
  const check = path.join(repoRoot, "build", "wasm", "bnlab_simd_check.js");
  assert.ok(existsSync(check), `${check} is missing: run npm run build:wasm`);
  const run = spawnSync(process.execPath, [check], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  assert.match(run.stdout, /^log: 0 of 16777216 values differ/m);
  assert.match(run.stdout, /^sincos: 0 of 16777216 values differ/m);
  assert.match(run.stdout, /^blocks: 0 of 2097152 differ/m);
});

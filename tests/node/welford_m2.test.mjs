// Welford's m2 update without an fma instruction (cpp/core/welford_m2.h) and the
// wasm Welford kernels against std::fma, bit for bit: tests/wasm/welford_m2_check.cpp
// (random, special and crafted inputs), built by `npm run build:wasm`, run here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { test } from "node:test";

import { repoRoot } from "./lab.mjs";

test("m2 update and wasm Welford equal std::fma on random, special and crafted inputs", () => {
  const check = path.join(repoRoot, "build", "wasm", "bnlab_welford_check.js");
  assert.ok(existsSync(check), `${check} is missing: run npm run build:wasm`);
  const run = spawnSync(process.execPath, [check], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stdout + run.stderr);
  for (const kind of ["welford-like", "any positive", "crafted near", "special"]) {
    assert.match(
      run.stdout,
      new RegExp(`^m2 ${kind}: 0 scalar, 0 simd, 0 m2_update differences`, "m"),
    );
  }
  // The crafted ties must make the unfused sum wrong, or they test nothing.
  assert.match(
    run.stdout,
    /^m2 crafted ties: 0 scalar, 0 simd, 0 m2_update differences in \d+ values \([1-9]\d* where/m,
  );
  assert.match(run.stdout, /^welford: 0 of [1-9]\d* channel statistics differ/m);
});

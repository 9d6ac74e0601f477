// bnlab --seeds FROM:COUNT in WebAssembly (the module's runCli, which the Node
// bnlab calls) against tests/fixtures/seeds.json (real PyTorch, one run per
// seed): one JSON line per seed, in order, bit for bit PyTorch's; the same bytes
// as the native bnlab; and the Node bnlab itself printing them.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { firstMismatch, fixture, loadLab, repoRoot } from "./lab.mjs";

const nativeCli = path.join(repoRoot, "build", "native", "bnlab");
const nodeCli = path.join(repoRoot, "bin", "bnlab.cjs");
const cases = fixture("seeds.json").cases;
let lab;
before(async () => {
  lab = await loadLab();
});

function run(command, args) {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 1 << 26 });
  return { out: result.stdout, err: result.stderr, code: result.status };
}

// Float32 bits of JSON numbers; null (NaN) is PyTorch's NaN when it has one there.
function bitsOfJson(values, expectedBits) {
  const f = new Float32Array(values.map((v) => (v === null ? Number.NaN : v)));
  const bits = Array.from(new Uint32Array(f.buffer));
  return bits.map((b, i) => {
    const want = new Float32Array(new Uint32Array([expectedBits[i]]).buffer)[0];
    return Number.isNaN(f[i]) && Number.isNaN(want) ? expectedBits[i] : b;
  });
}

function check(what, expectedBits, values) {
  assert.equal(firstMismatch(expectedBits, bitsOfJson(values, expectedBits)), null, what);
}

test("the fixture covers a range of seeds over many configs", () => {
  assert.ok(cases.length >= 20);
  assert.ok(cases.reduce((n, c) => n + (c.results ?? []).length, 0) >= 100);
});

for (const c of cases) {
  test(`bnlab --seeds ${c.seeds} ${c.flags.join(" ")} (${c.name})`, () => {
    const args = [...c.flags, "--seeds", c.seeds, "--json"];
    const r = lab.runCli(args);
    const wasm = { out: r.out, err: r.err, code: r.exitCode };
    if (c.error !== undefined) {
      assert.equal(wasm.out, "");
      assert.equal(wasm.err, `${c.error}\n`);
      assert.equal(wasm.code, 1);
    } else {
      assert.equal(wasm.err, "");
      assert.equal(wasm.code, 0);
      const lines = wasm.out.split("\n");
      assert.equal(lines.pop(), "", "the output ends with a newline");
      assert.equal(lines.length, c.results.length);
      lines.forEach((line, i) => {
        const want = c.results[i];
        const got = JSON.parse(line);
        const where = `seed ${want.seed}`;
        assert.equal(got.config.seed, want.seed, where);
        check(`${where} running_mean`, want.running_mean_bits, got.running_mean);
        check(`${where} running_var`, want.running_var_bits, got.running_var);
        assert.equal(got.num_batches_tracked, want.num_batches_tracked, where);
        check(`${where} manual_mean`, want.manual_mean_bits, got.manual_mean);
        check(`${where} manual_var`, want.manual_var_bits, got.manual_var);
        if (want.precise_bn !== undefined) {
          const p = want.precise_bn;
          check(`${where} precise mean`, p.running_mean_bits, got.precise_bn.running_mean);
          check(`${where} precise var`, p.running_var_bits, got.precise_bn.running_var);
          assert.equal(got.precise_bn.num_batches_tracked, p.num_batches_tracked, where);
        }
      });
    }
    if (existsSync(nativeCli)) {
      const native = run(nativeCli, args);
      assert.deepEqual(wasm, native, "the native bnlab prints the same bytes");
    }
  });
}

test("the Node bnlab prints the module's bytes", () => {
  for (const c of [cases[0], cases.find((x) => x.name === "one_channel_top_of_range")]) {
    const args = [...c.flags, "--seeds", c.seeds, "--json"];
    const r = lab.runCli(args);
    assert.deepEqual(run(process.execPath, [nodeCli, ...args]), {
      out: r.out,
      err: r.err,
      code: r.exitCode,
    });
  }
});

test("bad ranges: the same message from both CLIs, exit status 2", () => {
  for (const args of [
    ["--seeds", "1:0", "--json"],
    ["--seeds", "18446744073709551615:2", "--json"],
    ["--seeds", "0:3"],
    ["--seeds", "0:3", "--seed", "1", "--json"],
    ["--seeds", "0:16667", "--json"],
  ]) {
    const wasm = run(process.execPath, [nodeCli, ...args]);
    assert.equal(wasm.code, 2, args.join(" "));
    assert.equal(wasm.out, "");
    assert.match(wasm.err, /^bnlab: --seeds: .+\n$/);
    if (existsSync(nativeCli)) assert.deepEqual(wasm, run(nativeCli, args));
  }
});

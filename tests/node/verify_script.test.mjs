// The verification script (the module's verifyScript, bnlab --verify-script)
// run by real PyTorch (/usr/bin/python3, torch 1.13): for every config of the
// scenario and seed fixtures and a few more (shapes, seeds, momenta incl. none,
// step counts, scenario fields, precise BN) it must print "OK: bit-exact"; with
// one number tampered it must fail, naming that value. Skipped, with the reason
// printed, where /usr/bin/python3 cannot import torch.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, before, describe, test } from "node:test";

import { fixture, loadLab, repoRoot, PYTHON, torchMissing } from "./lab.mjs";

const python = PYTHON;
const runner = path.join(repoRoot, "tests", "tools", "run_verify_scripts.py");
const nativeCli = path.join(repoRoot, "build", "native", "bnlab");

// Fixture flags (["--batch", "8", ...]) as a config object.
function configOf(flags) {
  const config = {};
  for (let i = 0; i < flags.length; i += 2) config[flags[i].slice(2)] = flags[i + 1];
  return config;
}

// A config object as bnlab flags: null is the field's own word for unset.
function flagsOf(config) {
  const absent = Object.fromEntries(lab.configFields().map((f) => [f.name, f.absentWord]));
  return Object.entries(config).flatMap(([key, value]) => [
    `--${key}`,
    value === null ? absent[key] : String(value),
  ]);
}

// The configs: every one the PyTorch fixtures hold, and the corners they do not.
function configs() {
  const list = [];
  for (const c of fixture("scenarios.json").cases) {
    if (c.error === undefined) list.push({ name: `scenario ${c.name}`, config: c.config });
  }
  for (const c of fixture("seeds.json").cases) {
    if (c.error !== undefined) continue;
    const flags = c.flags.filter(
      (f, i, all) => f !== "--precise-bn" && all[i - 1] !== "--precise-bn",
    );
    for (const r of [c.results[0], c.results.at(-1)]) {
      list.push({
        name: `seeds ${c.name} seed ${r.seed}`,
        config: { ...configOf(flags), seed: r.seed },
      });
    }
  }
  const more = {
    article: {},
    "momentum none, 2000 steps": { momentum: "none" },
    "no steps": { steps: 0 },
    "one value per channel, frozen": { batch: 1, steps: 1, freeze: 0, channels: 2 },
    "one channel, one value, frozen": { batch: 1, steps: 1, freeze: 0, channels: 1 },
    "64 channels 4x4": { batch: 8, channels: 64, height: 4, width: 4, steps: 50, seed: "-3" },
    "seed 2^64 - 1, momentum 1": { seed: "18446744073709551615", momentum: 1, steps: 7 },
    "tiny eps, awkward shift": {
      eps: 1e-12,
      shift: "0.30000000000000004",
      scale: "0.1",
      steps: 40,
    },
    "negative zero shift with a switch": { shift: "-0", switch: 5, steps: 10, batch: 3 },
    "5000 steps (stacked in blocks of 1024), one channel": { steps: 5000, batch: 2, channels: 1 },
    "3073 steps, switch and freeze": {
      steps: 3073,
      batch: 4,
      switch: 1500,
      shift2: 2,
      freeze: 2500,
    },
  };
  for (const [name, config] of Object.entries(more)) list.push({ name, config });
  return list;
}

let lab;
let dir;
before(async () => {
  lab = await loadLab();
  dir = mkdtempSync(path.join(tmpdir(), "bnlab-verify-"));
});
after(() => rmSync(dir, { recursive: true, force: true }));

// Writes the scripts and runs them all in one Python process (importing torch takes seconds).
function runScripts(scripts) {
  const paths = scripts.map((text, i) => {
    const file = path.join(dir, `verify_${i}.py`);
    writeFileSync(file, text);
    return file;
  });
  const r = spawnSync(python, [runner, ...paths], { encoding: "utf8", maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line));
}

// One float32 pattern of the script changed in its last bit; the line and its new text.
function tamper(text, name) {
  const at = text.indexOf(`    "${name}": [\n`);
  assert.ok(at >= 0, name);
  const match = /0x([0-9a-f]{8})/.exec(text.slice(at));
  const bits = (parseInt(match[1], 16) ^ 1) >>> 0;
  const start = at + match.index;
  return text.slice(0, start) + `0x${bits.toString(16).padStart(8, "0")}` + text.slice(start + 10);
}

describe("verification scripts in PyTorch", () => {
  const missing = torchMissing();

  test("the module's script is bnlab --verify-script's bytes (native and Node)", () => {
    for (const c of configs().slice(0, 40)) {
      const made = lab.verifyScript(c.config);
      assert.equal(made.ok, true, `${c.name}: ${JSON.stringify(made.errors)}`);
      const cli = lab.runCli([...flagsOf(c.config), "--verify-script"]);
      assert.equal(cli.out, made.text, c.name);
      if (existsSync(nativeCli)) {
        const native = spawnSync(nativeCli, [...flagsOf(c.config), "--verify-script"], {
          encoding: "utf8",
        });
        assert.equal(native.stdout, made.text, `${c.name}: native`);
      }
    }
  });

  test("every config prints OK: bit-exact, a tampered number fails", (t) => {
    if (missing) {
      t.skip(`no PyTorch: ${missing}`);
      console.log(`# SKIPPED verification scripts in PyTorch: ${missing}`);
      return;
    }
    const list = configs();
    const scripts = list.map((c) => lab.verifyScript(c.config).text);
    // Precise BN after the run, through the CLI (the page has no precise BN).
    const precise = fixture("scenarios.json")
      .cases.filter((c) => c.error === undefined && c.precise.some((p) => p.error === undefined))
      .slice(0, 12);
    for (const c of precise) {
      const k = c.precise.find((p) => p.error === undefined).batches;
      const r = lab.runCli([...flagsOf(c.config), "--precise-bn", String(k), "--verify-script"]);
      assert.equal(r.exitCode, 0, r.err);
      assert.match(r.out, /"precise_bn running_mean": \[/);
      list.push({ name: `scenario ${c.name} --precise-bn ${k}`, precise: true });
      scripts.push(r.out);
    }
    const tampered = [
      ["running_mean", 0],
      ["running_var", 3],
      ["manual_mean", 5],
      ["manual_var", list.findIndex((c) => c.name.startsWith("scenario spatial"))],
      ["precise_bn running_var", list.findIndex((c) => c.precise)],
    ];
    for (const [name, index] of tampered) {
      list.push({ name: `${list[index].name}, ${name} tampered`, tampered: name });
      scripts.push(tamper(scripts[index], name));
    }
    list.push({ name: `${list[1].name}, num_batches_tracked tampered`, tampered: "count" });
    scripts.push(
      scripts[1].replace(
        /"num_batches_tracked": (\d+),/,
        (_, n) => `"num_batches_tracked": ${Number(n) + 1},`,
      ),
    );

    const started = Date.now();
    const results = runScripts(scripts);
    console.log(
      `${scripts.length} scripts in PyTorch: ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
    assert.equal(results.length, scripts.length);
    results.forEach((r, i) => {
      const c = list[i];
      if (c.tampered === undefined) {
        assert.equal(r.code, 0, `${c.name}:\n${r.stdout}`);
        assert.match(r.stdout, /\nOK: bit-exact\n$/, c.name);
      } else {
        assert.equal(r.code, 1, `${c.name}:\n${r.stdout}`);
        assert.doesNotMatch(r.stdout, /OK: bit-exact/, c.name);
        const what =
          c.tampered === "count" ? "num_batches_tracked: PyTorch" : `${c.tampered}[0]: PyTorch 0x`;
        assert.match(r.stdout, /FAILED: values that differ from BatchNorm Lab's: 1\n/, c.name);
        assert.ok(r.stdout.includes(what), `${c.name}:\n${r.stdout}`);
      }
    });
  });

  test("a script run on its own: OK: bit-exact and exit 0; tampered: exit 1", (t) => {
    if (missing) {
      t.skip(`no PyTorch: ${missing}`);
      return;
    }
    const text = lab.verifyScript({
      seed: 7,
      batch: 8,
      channels: 4,
      height: 3,
      width: 5,
      steps: 150,
      momentum: null,
    }).text;
    const good = path.join(dir, "good.py");
    const bad = path.join(dir, "bad.py");
    writeFileSync(good, text);
    writeFileSync(bad, tamper(text, "manual_var"));
    const ok = spawnSync(python, [good], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);
    assert.equal(ok.stdout.trim().split("\n").pop(), "OK: bit-exact");
    const failed = spawnSync(python, [bad], { encoding: "utf8" });
    assert.equal(failed.status, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /manual_var\[0\]: PyTorch 0x[0-9a-f]{8} \(.+\), BatchNorm Lab 0x/);
    assert.ok(readFileSync(good, "utf8").startsWith("#!/usr/bin/env python3\n"));
  });
});

test("verifyScript refuses what has no statistics, naming the field", () => {
  const one = lab.verifyScript({ batch: 1 });
  assert.equal(one.ok, false);
  assert.equal(one.errors[0].field, "batch");
  assert.match(one.errors[0].pytorchError, /^ValueError: Expected more than 1 value per channel/);
  const wide = lab.verifyScript({ channels: 70000, steps: 1 });
  assert.equal(wide.ok, false);
  assert.equal(wide.errors[0].field, "channels");
  assert.match(wide.errors[0].message, /at most 65536 for a verification script; got 70000/);
  const bad = lab.verifyScript({ momentum: "fast" });
  assert.equal(bad.ok, false);
  assert.match(
    bad.errors[0].message,
    /^momentum must be a number in \[0, 1\], or none; got 'fast'/,
  );
  assert.equal(lab.verifyScript("seed=3").ok, false);
  assert.equal(lab.limits().maxVerifyChannels, 65536);
  assert.equal(lab.limits().maxSeedCount, 100000);
});

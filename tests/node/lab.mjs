// Shared helpers for the Node tests: the built WebAssembly module, the
// PyTorch fixtures, float32 bit patterns, and real PyTorch (/usr/bin/python3).
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

// BNLAB_WASM_JS picks another build of the module (npm run test:wasm-safe).
export const modulePath =
  process.env.BNLAB_WASM_JS || path.join(repoRoot, "build", "wasm", "batchnorm_lab.js");

export async function loadLab() {
  const factory = require(path.resolve(modulePath));
  return factory();
}

export function fixture(name) {
  return JSON.parse(readFileSync(path.join(repoRoot, "tests", "fixtures", name), "utf8"));
}

export function bitsOf(float32Array) {
  return Array.from(
    new Uint32Array(float32Array.buffer, float32Array.byteOffset, float32Array.length),
  );
}

export function floatsFromBits(bits) {
  return new Float32Array(Uint32Array.from(bits).buffer);
}

// FNV-1a 64 over the little-endian bytes, as tests/fixtures/generate_fixtures.py
// hashes big draws. The 64-bit state is kept as two 32-bit halves in doubles
// (BigInt took ~18 s for the 59 MB of the randn fixtures): the prime is
// 2^40 + 0x1b3, so h * prime = h * 0x1b3 + (lo << 40) modulo 2^64, and every
// partial product stays below 2^53.
export function fnv1a64(float32Array) {
  const bytes = new Uint8Array(
    float32Array.buffer,
    float32Array.byteOffset,
    float32Array.byteLength,
  );
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    const x = (lo ^ bytes[i]) >>> 0;
    const low = x * 0x1b3;
    lo = low >>> 0;
    hi = (hi * 0x1b3 + Math.floor(low / 0x100000000) + ((x << 8) >>> 0)) >>> 0;
  }
  return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0");
}

// The first index where two bit arrays differ, with both values, or null.
export function firstMismatch(expectedBits, actualBits) {
  if (expectedBits.length !== actualBits.length) {
    return `length ${actualBits.length}, expected ${expectedBits.length}`;
  }
  for (let i = 0; i < expectedBits.length; i++) {
    if (expectedBits[i] !== actualBits[i]) {
      const [e, a] = floatsFromBits([expectedBits[i], actualBits[i]]);
      return `index ${i}: expected ${e} (0x${expectedBits[i].toString(16)}), got ${a} (0x${actualBits[i].toString(16)})`;
    }
  }
  return null;
}

export function configArgs(config) {
  const args = [];
  for (const key of ["seed", "batch", "channels", "height", "width", "steps", "eps"]) {
    args.push(`--${key}`, String(config[key]));
  }
  args.push("--momentum", config.momentum === null ? "none" : String(config.momentum));
  return args;
}

import { PYTHON } from "../pytorch.mjs";
export { PYTHON, torchMissing, needsTorch } from "../pytorch.mjs";

// Runs a Python script with PYTHON, as its own __main__: {code, out, err}. The scripts of a test
// file go to one tests/tools/torch_scripts.py, which imports torch once and forks a child per
// script (a second of CPU saved per script after the first).
let scripts = null; // {child, waiting: [{resolve, reject}], buffer}
export function python(script) {
  scripts ??= startScripts();
  const s = scripts;
  return new Promise((resolve, reject) => {
    s.waiting.push({ resolve, reject });
    s.hold(true);
    s.child.stdin.write(JSON.stringify({ script }) + "\n");
  });
}

function startScripts() {
  const child = spawn(PYTHON, [path.join(repoRoot, "tests", "tools", "torch_scripts.py")], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const s = { child, waiting: [], buffer: "", err: "" };
  // The process keeps the test file alive only while a script is running.
  s.hold = (on) => {
    for (const handle of [child, child.stdin, child.stdout, child.stderr]) {
      if (on) handle.ref?.();
      else handle.unref?.();
    }
  };
  child.stdout.setEncoding("utf8");
  child.stdout.on("data", (data) => {
    s.buffer += data;
    let end;
    while ((end = s.buffer.indexOf("\n")) >= 0) {
      const line = s.buffer.slice(0, end);
      s.buffer = s.buffer.slice(end + 1);
      s.waiting.shift()?.resolve(JSON.parse(line));
    }
    if (s.waiting.length === 0) s.hold(false);
  });
  child.stderr.on("data", (data) => (s.err += data));
  const fail = (why) => {
    if (scripts === s) scripts = null;
    for (const w of s.waiting.splice(0)) w.reject(new Error(`torch_scripts.py ${why}: ${s.err}`));
  };
  child.on("error", (error) => fail(error.message));
  child.on("exit", (code, signal) => fail(`exited (${signal ?? code})`));
  return s;
}

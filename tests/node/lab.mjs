// Shared helpers for the Node tests: the built WebAssembly module, the
// PyTorch fixtures, and float32 bit patterns.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
const require = createRequire(import.meta.url);

export async function loadLab() {
  const factory = require(path.join(repoRoot, "build", "wasm", "batchnorm_lab.js"));
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

// FNV-1a 64 over the little-endian bytes, as tests/fixtures/generate_fixtures.py hashes big draws.
export function fnv1a64(float32Array) {
  const bytes = new Uint8Array(
    float32Array.buffer,
    float32Array.byteOffset,
    float32Array.byteLength,
  );
  let hash = 0xcbf29ce484222325n;
  const prime = 0x100000001b3n;
  const mask = 0xffffffffffffffffn;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * prime) & mask;
  return hash.toString(16).padStart(16, "0");
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

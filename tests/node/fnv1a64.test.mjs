// The fast FNV-1a 64 of lab.mjs against the published test vectors and a
// plain BigInt version of the same definition.
import assert from "node:assert/strict";
import { test } from "node:test";

import { fnv1a64 } from "./lab.mjs";

function reference(bytes) {
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return hash.toString(16).padStart(16, "0");
}

// fnv1a64 hashes the bytes under a Float32Array: text of whole 4-byte words.
function floatsOver(bytes) {
  assert.equal(bytes.length % 4, 0);
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.length / 4);
}

test("FNV-1a 64 published vectors (on whole 4-byte words)", () => {
  // http://www.isthe.com/chongo/tech/comp/fnv/ test vectors, chosen 4-byte aligned.
  const text = (s) => new TextEncoder().encode(s);
  assert.equal(fnv1a64(new Float32Array(0)), "cbf29ce484222325");
  assert.equal(fnv1a64(floatsOver(text("foob"))), "dd120e790c2512af");
  assert.equal(fnv1a64(floatsOver(text("foobar\0\0"))), reference(text("foobar\0\0")));
  assert.equal(reference(text("a")), "af63dc4c8601ec8c");
  assert.equal(reference(text("foobar")), "85944171f73967e8");
});

test("FNV-1a 64 equals the BigInt definition on random floats and views", () => {
  let seed = 12345;
  const random = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0);
  for (const length of [1, 2, 3, 17, 1000, 4097]) {
    const words = Uint32Array.from({ length: length + 3 }, random);
    const view = new Float32Array(words.buffer, 4 * (length % 3), length);
    const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
    assert.equal(fnv1a64(view), reference(bytes), `length ${length}`);
  }
});

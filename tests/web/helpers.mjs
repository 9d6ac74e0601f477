// Shared by the tests of the page's pure modules: the tests' own seeded random
// numbers, and the checks every 64-bit seed field of the page passes.
import assert from "node:assert/strict";

// mulberry32: integer arithmetic only, so no precision is lost on the way.
// Returns a function giving the next 32-bit unsigned integer.
export function mulberry32(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (t ^ (t >>> 14)) >>> 0;
  };
}

// A seed field's parse (probe-seed, mc-from): PyTorch's seed range as text,
// 64-bit seeds exact, a sign and spaces allowed; the rest refused by name.
export function checkSeedText(parse, name) {
  for (const [text, value] of [
    ["18446744073709551615", "18446744073709551615"],
    ["-9223372036854775808", "-9223372036854775808"],
    [" -9223372036854775808 ", "-9223372036854775808"],
    ["+7", "7"],
    ["+021", "21"],
  ]) {
    assert.deepEqual(parse(text), { ok: true, value }, JSON.stringify(text));
  }
  for (const text of [
    "18446744073709551616",
    "-9223372036854775809",
    "1.5",
    "1e3",
    "",
    "0x10",
    "abc",
    "x",
  ]) {
    const r = parse(text);
    assert.equal(r.ok, false, JSON.stringify(text));
    assert.equal(
      r.message,
      `${name} must be an integer in [-9223372036854775808, 18446744073709551615]`,
    );
  }
}

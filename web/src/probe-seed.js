// The eval-mode probe's seed as a link field (probe-seed=, default 0): the
// seeds torch.Generator().manual_seed accepts, -2^63 to 2^64 - 1, as text (a
// 64-bit seed does not survive a double). Pure: shared by the page and tests.

export const PROBE_SEED_DEFAULT = "0";
const MIN = -(2n ** 63n);
const MAX = 2n ** 64n - 1n;
const RANGE = "an integer in [-9223372036854775808, 18446744073709551615]";

export function parseProbeSeed(raw) {
  const text = String(raw ?? "").trim();
  const bad = { ok: false, message: `probe-seed must be ${RANGE}` };
  if (!/^[+-]?\d{1,20}$/.test(text)) return bad;
  const value = BigInt(text);
  if (value < MIN || value > MAX) return bad;
  return { ok: true, value: value.toString() };
}

// The entry for link.js's PAGE_FIELDS: written only when not the default.
export const PROBE_SEED_FIELD = Object.freeze({
  initial: PROBE_SEED_DEFAULT,
  parse: parseProbeSeed,
  write: (value) => (value === PROBE_SEED_DEFAULT ? null : value),
});

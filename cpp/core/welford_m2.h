// Welford's m2 update, m2 + delta * w fused (one rounding), without an fma
// instruction (WebAssembly): a fast unfused sum with a test that proves it
// equal to the fused one, and the exact emulation (fma_by_odd_rounding) for the
// rare values the test cannot prove. Scalar here; 2 lanes of 128-bit SIMD with
// -msimd128. tests/wasm/welford_m2_check.cpp compares both with std::fma.
#pragma once

#include <cstdint>
#include <cstring>

#include "torch_reduce.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace bnlab {

// s = q + p with p = d * w rounded, both rounded to nearest, and e = q + p - s
// exactly (2Sum). The fused result is RN(s + e + ep) with ep = d * w - p, and
// |ep| <= p * 2^-53 when p is a normal double (at least 2^-960 here, so that
// p * 2^-53 is exact too). If |e| + p * 2^-53 < g / 2, with g the gap between s
// and the double just below it (for s > 0 never wider than the gap above), the
// exact value is strictly inside the rounding interval of s, so s is the fused
// result. The computed bound may round down, but rounding is monotone and g / 2
// is a double (exact, or 0 for s below 2^-1021), so bound < g / 2 still implies
// that the exact bound is below it: a proof holds. Everything else (s <= 0, p
// below 2^-960, zero, infinite or NaN values, and sums that sit too close to a
// rounding boundary: about p / q of the values, so mostly the first values of a
// channel) is left to the caller: `*exact` is false.
inline double m2_update_checked(double d, double w, double q, bool* exact) {
  const double p = d * w;
  const double s = q + p;
  const double sb = s - q;
  const double e = (q - (s - sb)) + (p - sb);
  const double bound = (e < 0 ? -e : e) + p * 0x1p-53;
  std::uint64_t u;
  std::memcpy(&u, &s, sizeof u);
  u -= 1;
  double below;
  std::memcpy(&below, &u, sizeof below);
  const double half_gap = (s - below) * 0.5;
  *exact = (bound < half_gap) & (p >= 0x1p-960);
  return s;
}

// m2 + delta * w rounded once: the checked fast sum, or the exact emulation.
inline double m2_update(double d, double w, double q) {
  bool exact;
  const double s = m2_update_checked(d, w, q, &exact);
  return __builtin_expect(exact, 1) ? s : fma_by_odd_rounding(d, w, q);
}

#if defined(__wasm_simd128__)
// m2_update_checked on two lanes: returns s and ORs into *doubtful the lanes
// (all bits set) whose s is not proven to be the fused result.
inline __attribute__((always_inline)) v128_t m2_update_checked_x2(v128_t d, v128_t w, v128_t q,
                                                                  v128_t* doubtful) {
  const v128_t p = wasm_f64x2_mul(d, w);
  const v128_t s = wasm_f64x2_add(q, p);
  const v128_t sb = wasm_f64x2_sub(s, q);
  const v128_t e = wasm_f64x2_add(wasm_f64x2_sub(q, wasm_f64x2_sub(s, sb)), wasm_f64x2_sub(p, sb));
  const v128_t bound =
      wasm_f64x2_add(wasm_f64x2_abs(e), wasm_f64x2_mul(p, wasm_f64x2_splat(0x1p-53)));
  const v128_t below = wasm_i64x2_sub(s, wasm_i64x2_splat(1));
  const v128_t half_gap = wasm_f64x2_mul(wasm_f64x2_sub(s, below), wasm_f64x2_splat(0.5));
  const v128_t exact =
      wasm_v128_and(wasm_f64x2_lt(bound, half_gap), wasm_f64x2_ge(p, wasm_f64x2_splat(0x1p-960)));
  *doubtful = wasm_v128_or(*doubtful, wasm_v128_not(exact));
  return s;
}

// fma_by_odd_rounding on two lanes (the slow path, kept out of line).
__attribute__((noinline)) inline v128_t m2_update_exact_x2(v128_t d, v128_t w, v128_t q) {
  return wasm_f64x2_make(
      fma_by_odd_rounding(wasm_f64x2_extract_lane(d, 0), wasm_f64x2_extract_lane(w, 0),
                          wasm_f64x2_extract_lane(q, 0)),
      fma_by_odd_rounding(wasm_f64x2_extract_lane(d, 1), wasm_f64x2_extract_lane(w, 1),
                          wasm_f64x2_extract_lane(q, 1)));
}
#endif

}  // namespace bnlab

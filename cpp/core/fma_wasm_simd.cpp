// fma_simd.h's SIMD loops in WebAssembly 128-bit SIMD: each float fma computed
// in double, with the rare lanes whose rounding could differ redone by
// std::fma. Compiled only with -msimd128.
#include "fma_simd.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include <cmath>
#include <cstdint>
#include <cstring>

#define BNLAB_ALWAYS_INLINE inline __attribute__((always_inline))

namespace bnlab {
namespace {

// A float product is exact in double, so r = double(a) * double(b) + double(c)
// is a*b+c rounded once. Rounding r to float gives std::fma(a, b, c) unless r
// is exactly halfway between two floats (low 29 mantissa bits 0x10000000: the
// first rounding may have made the tie), or r is outside float's normal range
// (a float subnormal's halfway points have more low bits; NaN sign and payload
// are not worth matching here). Those lanes are flagged, and a flagged vector
// is redone with std::fma (musl's exact fmaf), which keeps the bits.
BNLAB_ALWAYS_INLINE v128_t doubtful(v128_t r) {
  const v128_t halfway =
      wasm_i64x2_eq(wasm_v128_and(r, wasm_i64x2_splat(0x1fffffff)), wasm_i64x2_splat(0x10000000));
  const v128_t a = wasm_f64x2_abs(r);
  const v128_t normal = wasm_v128_and(wasm_f64x2_ge(a, wasm_f64x2_splat(0x1p-126)),
                                      wasm_f64x2_lt(a, wasm_f64x2_splat(INFINITY)));
  return wasm_v128_or(halfway, wasm_v128_not(normal));
}

// Four lanes of a * b + c rounded to float; ORs the doubtful lanes into *flag.
BNLAB_ALWAYS_INLINE v128_t fma4(v128_t a, v128_t b, v128_t c, v128_t* flag) {
  const v128_t a_hi = wasm_i32x4_shuffle(a, a, 2, 3, 2, 3);
  const v128_t b_hi = wasm_i32x4_shuffle(b, b, 2, 3, 2, 3);
  const v128_t c_hi = wasm_i32x4_shuffle(c, c, 2, 3, 2, 3);
  const v128_t lo = wasm_f64x2_add(
      wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(a), wasm_f64x2_promote_low_f32x4(b)),
      wasm_f64x2_promote_low_f32x4(c));
  const v128_t hi = wasm_f64x2_add(
      wasm_f64x2_mul(wasm_f64x2_promote_low_f32x4(a_hi), wasm_f64x2_promote_low_f32x4(b_hi)),
      wasm_f64x2_promote_low_f32x4(c_hi));
  *flag = wasm_v128_or(*flag, wasm_v128_or(doubtful(lo), doubtful(hi)));
  return wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(lo), wasm_f32x4_demote_f64x2_zero(hi), 0,
                            1, 4, 5);
}

// One lane of fma4, for the tails (fewer than 4 values: the article's 3
// channels would otherwise call musl's fmaf for every value).
BNLAB_ALWAYS_INLINE float fma1(float a, float b, float c) {
  const double r = static_cast<double>(a) * static_cast<double>(b) + static_cast<double>(c);
  std::uint64_t u;
  std::memcpy(&u, &r, sizeof u);
  const double m = std::fabs(r);
  if ((u & 0x1fffffff) == 0x10000000 || !(m >= 0x1p-126 && m < INFINITY)) return std::fma(a, b, c);
  return static_cast<float>(r);
}

}  // namespace

void fma_scale_shift_simd(const float* x, float a, float b, float* y, std::int64_t n) {
  const v128_t va = wasm_f32x4_splat(a), vb = wasm_f32x4_splat(b);
  std::int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t flag = wasm_i64x2_splat(0);
    const v128_t r = fma4(wasm_v128_load(x + i), va, vb, &flag);
    if (wasm_v128_any_true(flag)) {
      for (int k = 0; k < 4; ++k) y[i + k] = std::fma(x[i + k], a, b);
    } else {
      wasm_v128_store(y + i, r);
    }
  }
  for (; i < n; ++i) y[i] = fma1(x[i], a, b);
}

void fma_lanes_simd(const float* x, const float* a, const float* b, float* y, std::int64_t n) {
  std::int64_t i = 0;
  for (; i + 4 <= n; i += 4) {
    v128_t flag = wasm_i64x2_splat(0);
    const v128_t r =
        fma4(wasm_v128_load(x + i), wasm_v128_load(a + i), wasm_v128_load(b + i), &flag);
    if (wasm_v128_any_true(flag)) {
      for (int k = 0; k < 4; ++k) y[i + k] = std::fma(x[i + k], a[i + k], b[i + k]);
    } else {
      wasm_v128_store(y + i, r);
    }
  }
  for (; i < n; ++i) y[i] = fma1(x[i], a[i], b[i]);
}

namespace {

// Columns ch .. ch + 4G - 1 down all rows, the sums kept in G registers: G
// independent chains hide the latency of one fma4.
template <int G>
BNLAB_ALWAYS_INLINE void var_sums_columns(const float* input, std::int64_t rows, std::int64_t c,
                                          std::int64_t ch, const float* mean, float* var_sum) {
  v128_t m[G], acc[G];
  for (int g = 0; g < G; ++g) {
    m[g] = wasm_v128_load(mean + ch + 4 * g);
    acc[g] = wasm_v128_load(var_sum + ch + 4 * g);
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * c + ch;
    v128_t flag = wasm_i64x2_splat(0);
    v128_t next[G];
    for (int g = 0; g < G; ++g) {
      const v128_t d = wasm_f32x4_sub(wasm_v128_load(x + 4 * g), m[g]);
      next[g] = fma4(d, d, acc[g], &flag);
    }
    if (wasm_v128_any_true(flag)) {
      float s[4 * G];
      for (int g = 0; g < G; ++g) wasm_v128_store(s + 4 * g, acc[g]);
      for (int k = 0; k < 4 * G; ++k) {
        const float d = x[k] - mean[ch + k];
        s[k] = std::fma(d, d, s[k]);
      }
      for (int g = 0; g < G; ++g) acc[g] = wasm_v128_load(s + 4 * g);
    } else {
      for (int g = 0; g < G; ++g) acc[g] = next[g];
    }
  }
  for (int g = 0; g < G; ++g) wasm_v128_store(var_sum + ch + 4 * g, acc[g]);
}

}  // namespace

void fma_var_sums_simd(const float* input, std::int64_t rows, std::int64_t c, const float* mean,
                       float* var_sum) {
  std::int64_t ch = 0;
  for (; ch + 16 <= c; ch += 16) var_sums_columns<4>(input, rows, c, ch, mean, var_sum);
  for (; ch + 4 <= c; ch += 4) var_sums_columns<1>(input, rows, c, ch, mean, var_sum);
  if (ch < c) {
    for (std::int64_t r = 0; r < rows; ++r) {
      const float* x = input + r * c;
      for (std::int64_t k = ch; k < c; ++k) {
        const float d = x[k] - mean[k];
        var_sum[k] = fma1(d, d, var_sum[k]);
      }
    }
  }
}

}  // namespace bnlab
#endif

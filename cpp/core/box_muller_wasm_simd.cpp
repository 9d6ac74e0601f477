// randn's Box-Muller block in WebAssembly 128-bit SIMD: PyTorch's Cephes log
// and sincos on 8 lanes with each fused multiply-add computed in double (the
// build has no fma instruction). Compiled only with -msimd128.
#include "box_muller_simd.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>

#include <cstdint>
#include <initializer_list>
#include <limits>

#define BNLAB_ALWAYS_INLINE inline __attribute__((always_inline))

namespace bnlab {
namespace {

// WebAssembly has no fma instruction: each std::fma in the portable block
// (box_muller_16 in torch_generator.cpp) is a call
// to musl's fmaf (21 per pair of values), which made randn ~3x slower than
// native. Here the 8 lanes of a block run as SIMD vectors instead, and each fma
// is computed in double arithmetic:
//
// - The product of two floats is exact in double, so double(a) * double(b) +
//   double(c) is a*b+c rounded once, to double. Rounding that to float gives
//   the correctly rounded fma(a, b, c), except when the double sum was inexact
//   and lies exactly halfway between two floats (the second rounding then breaks
//   a tie the exact value did not have). Such a sum has the low 29 bits of its
//   mantissa equal to 0x10000000. Every fma below flags that pattern, exact sum
//   or not (telling them apart costs more than the rare fallback), and a flagged
//   block is redone by box_muller_16, whose std::fma is exact. (A result in
//   float's subnormal range would need a wider check; none occurs here.)
// - Plain float +, -, * computed in double and rounded to float are correctly
//   rounded too (53 >= 2 * 24 + 2: double rounding is innocuous), so products
//   inside the double chains are done there and rounded by demote/promote.
// - Three of box_muller_16's fmas have a product that is exact in float, so a
//   float multiply and add round the same: e * 0.693359375f (e is an integer
//   below 2^8, the constant has 9 significant bits), j * 0.78515625f and
//   j * 2.4187564849853515625e-4f (j <= 8 here; 8 and 11 significant bits); and
//   the final fma(x, 1, 0) is x + 0 (which still turns -0 into +0).
// - sqrt, compares, selects, truncation and the bit manipulation have exact
//   SIMD equivalents (f32x4.sqrt is correctly rounded, like sqrtf).
//
// The domain is randn's: u1 = 1 - k/2^24 in (0, 1], theta = 6.2831855f * k/2^24.
// LOG depends on u1 alone and SINCOS on theta alone, so
// tests/wasm/box_muller_simd_check.cpp runs all 2^24 values of each through
// the code below: every lane equals torch_generator.cpp's logf_impl /
// sincosf_impl bit for bit, and
// 547 of the 2^21 groups of 8 lanes raise the flag, all for exact sums.
// Eight lanes at a time measured fastest: groups of four were slower (less
// independent work per step), sixteen no faster (V8 spills registers).

// Eight float lanes: two f32x4 (lanes 0-3, 4-7).
struct F32x8 {
  v128_t v[2];
};
// The same eight lanes as four f64x2, each value a float held exactly in a double.
struct F64x8 {
  v128_t v[4];
};

BNLAB_ALWAYS_INLINE F64x8 splat8(float f) {
  const v128_t d = wasm_f64x2_splat(f);
  return {{d, d, d, d}};
}

BNLAB_ALWAYS_INLINE F64x8 widen(const F32x8& f) {
  F64x8 d;
  for (int h = 0; h < 2; ++h) {
    d.v[2 * h] = wasm_f64x2_promote_low_f32x4(f.v[h]);
    d.v[2 * h + 1] = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(f.v[h], f.v[h], 2, 3, 2, 3));
  }
  return d;
}

// Rounds each double lane to float.
BNLAB_ALWAYS_INLINE F32x8 narrow(const F64x8& d) {
  F32x8 f;
  for (int h = 0; h < 2; ++h) {
    f.v[h] = wasm_i32x4_shuffle(wasm_f32x4_demote_f64x2_zero(d.v[2 * h]),
                                wasm_f32x4_demote_f64x2_zero(d.v[2 * h + 1]), 0, 1, 4, 5);
  }
  return f;
}

// Rounds each lane to float and keeps it in double. The empty asm keeps LLVM
// from folding promote(demote(x)) into a float round trip that its wasm backend
// (LLVM 14) scalarizes lane by lane; it emits no instruction.
BNLAB_ALWAYS_INLINE F64x8 to_float(const F64x8& d) {
  F64x8 r;
  for (int i = 0; i < 4; ++i) {
    v128_t f = wasm_f32x4_demote_f64x2_zero(d.v[i]);
    __asm__("" : "+r"(f));
    r.v[i] = wasm_f64x2_promote_low_f32x4(f);
  }
  return r;
}

// The float product a * b (exact in double, rounded once).
BNLAB_ALWAYS_INLINE F64x8 mul_float(const F64x8& a, const F64x8& b) {
  F64x8 p;
  for (int i = 0; i < 4; ++i) p.v[i] = wasm_f64x2_mul(a.v[i], b.v[i]);
  return to_float(p);
}

// a * b + c in double, not yet rounded to float (see above); ORs into *ties the
// lanes whose rounding to float might differ from std::fma.
BNLAB_ALWAYS_INLINE F64x8 fma_sum(const F64x8& a, const F64x8& b, const F64x8& c, v128_t* ties) {
  const v128_t low_bits = wasm_i64x2_splat(0x1fffffff);
  const v128_t halfway = wasm_i64x2_splat(0x10000000);
  F64x8 sum;
  for (int i = 0; i < 4; ++i) {
    sum.v[i] = wasm_f64x2_add(wasm_f64x2_mul(a.v[i], b.v[i]), c.v[i]);
    *ties = wasm_v128_or(*ties, wasm_i64x2_eq(wasm_v128_and(sum.v[i], low_bits), halfway));
  }
  return sum;
}

// logf_impl on 8 lanes, for x in (0, 1].
BNLAB_ALWAYS_INLINE F32x8 logf_x8(const F32x8& in, v128_t* ties) {
  const v128_t one = wasm_f32x4_splat(1.0f);
  F32x8 x, e;
  for (int h = 0; h < 2; ++h) {
    // std::max(x, min) is x < min ? min : x, which is pmax.
    v128_t v = wasm_f32x4_pmax(in.v[h], wasm_f32x4_splat(std::numeric_limits<float>::min()));
    const v128_t e_int = wasm_i32x4_sub(wasm_u32x4_shr(v, 23), wasm_i32x4_splat(127));
    v = wasm_v128_or(wasm_v128_and(v, wasm_i32x4_splat(~0x7f800000)), wasm_f32x4_splat(0.5f));
    const v128_t ev = wasm_f32x4_add(wasm_f32x4_convert_i32x4(e_int), one);
    const v128_t below = wasm_f32x4_lt(v, wasm_f32x4_splat(0.707106781186547524f));
    const v128_t v_minus_1 = wasm_f32x4_sub(v, one);
    e.v[h] = wasm_v128_bitselect(wasm_f32x4_sub(ev, one), ev, below);
    x.v[h] = wasm_v128_bitselect(wasm_f32x4_add(v_minus_1, v), v_minus_1, below);
  }
  F32x8 z, e_q1;
  for (int h = 0; h < 2; ++h) {
    z.v[h] = wasm_f32x4_mul(x.v[h], x.v[h]);
    e_q1.v[h] = wasm_f32x4_mul(e.v[h], wasm_f32x4_splat(-2.12194440e-4f));
  }
  const F64x8 xd = widen(x);
  F64x8 y = splat8(7.0376836292E-2f);
  for (const float p : {-1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
                        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f}) {
    y = to_float(fma_sum(y, xd, splat8(p), ties));
  }
  y = mul_float(y, xd);
  const F32x8 yf = narrow(fma_sum(y, widen(z), widen(e_q1), ties));
  F32x8 out;
  for (int h = 0; h < 2; ++h) {
    const v128_t half_z = wasm_f32x4_mul(z.v[h], wasm_f32x4_splat(0.5f));
    const v128_t r = wasm_f32x4_add(x.v[h], wasm_f32x4_sub(yf.v[h], half_z));
    out.v[h] = wasm_f32x4_add(wasm_f32x4_mul(e.v[h], wasm_f32x4_splat(0.693359375f)), r);
  }
  return out;
}

// sincosf_impl on 8 lanes, for t in [0, 2pi).
BNLAB_ALWAYS_INLINE void sincosf_x8(const F32x8& t, F32x8* sin_out, F32x8* cos_out, v128_t* ties) {
  const v128_t sign_bit = wasm_i32x4_splat(static_cast<std::int32_t>(0x80000000u));
  F32x8 x, y, swap_poly, sin_sign, cos_sign;
  for (int h = 0; h < 2; ++h) {
    const v128_t ax = wasm_f32x4_abs(t.v[h]);
    // static_cast<int> truncates; in range here, so the saturating form agrees.
    v128_t j = wasm_i32x4_trunc_sat_f32x4(wasm_f32x4_mul(ax, wasm_f32x4_splat(1.27323954473516f)));
    j = wasm_v128_and(wasm_i32x4_add(j, wasm_i32x4_splat(1)), wasm_i32x4_splat(~1));
    const v128_t yv = wasm_f32x4_convert_i32x4(j);
    const v128_t zero = wasm_i32x4_splat(0);
    const v128_t swap_sin = wasm_i32x4_ne(wasm_v128_and(j, wasm_i32x4_splat(4)), zero);
    swap_poly.v[h] = wasm_i32x4_ne(wasm_v128_and(j, wasm_i32x4_splat(2)), zero);
    const v128_t flip_cos = wasm_i32x4_ne(
        wasm_v128_andnot(wasm_i32x4_splat(4), wasm_i32x4_sub(j, wasm_i32x4_splat(2))), zero);
    // The sign bits to xor in: t's own (sign_sin) flipped by swap_sin, and sign_cos.
    sin_sign.v[h] =
        wasm_v128_xor(wasm_v128_and(t.v[h], sign_bit), wasm_v128_and(swap_sin, sign_bit));
    cos_sign.v[h] = wasm_v128_and(flip_cos, sign_bit);
    // The first two reduction steps: j * constant is exact in float (see above).
    v128_t xv = wasm_f32x4_add(ax, wasm_f32x4_mul(yv, wasm_f32x4_splat(-0.78515625f)));
    xv = wasm_f32x4_add(xv, wasm_f32x4_mul(yv, wasm_f32x4_splat(-2.4187564849853515625e-4f)));
    x.v[h] = xv;
    y.v[h] = yv;
  }
  const F64x8 xd = to_float(fma_sum(widen(y), splat8(-3.77489497744594108e-8f), widen(x), ties));
  const F64x8 z = mul_float(xd, xd);

  F64x8 c =
      to_float(fma_sum(splat8(2.443315711809948E-005f), z, splat8(-1.388731625493765E-003f), ties));
  c = to_float(fma_sum(c, z, splat8(4.166664568298827E-002f), ties));
  c = mul_float(c, z);
  const F64x8 minus_half_z = mul_float(z, splat8(-0.5f));
  const F32x8 cf = narrow(fma_sum(c, z, minus_half_z, ties));

  F64x8 s = to_float(fma_sum(splat8(-1.9515295891E-4f), z, splat8(8.3321608736E-3f), ties));
  s = to_float(fma_sum(s, z, splat8(-1.6666654611E-1f), ties));
  s = mul_float(s, z);
  const F32x8 sf = narrow(fma_sum(s, xd, xd, ties));

  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int h = 0; h < 2; ++h) {
    const v128_t cv = wasm_f32x4_add(cf.v[h], wasm_f32x4_splat(1.0f));
    // As in sincosf_impl: the selected polynomial + 0.0f, then the sign flip.
    const v128_t sin_v = wasm_f32x4_add(wasm_v128_bitselect(cv, sf.v[h], swap_poly.v[h]), zero);
    const v128_t cos_v = wasm_f32x4_add(wasm_v128_bitselect(sf.v[h], cv, swap_poly.v[h]), zero);
    sin_out->v[h] = wasm_v128_xor(sin_v, sin_sign.v[h]);
    cos_out->v[h] = wasm_v128_xor(cos_v, cos_sign.v[h]);
  }
}

// box_muller_16_portable on SIMD vectors. Returns false, with d untouched, when a lane
// raised the halfway flag; the caller then runs box_muller_16_portable.
bool box_muller_16_simd(float* d) {
  F32x8 u1, u2;
  for (int h = 0; h < 2; ++h) {
    u1.v[h] = wasm_f32x4_sub(wasm_f32x4_splat(1.0f), wasm_v128_load(d + 4 * h));
    u2.v[h] = wasm_v128_load(d + 8 + 4 * h);
  }
  v128_t ties = wasm_i32x4_splat(0);
  const F32x8 log_u1 = logf_x8(u1, &ties);
  F32x8 theta, sin_t, cos_t;
  for (int h = 0; h < 2; ++h) theta.v[h] = wasm_f32x4_mul(wasm_f32x4_splat(6.2831855f), u2.v[h]);
  sincosf_x8(theta, &sin_t, &cos_t, &ties);
  if (wasm_v128_any_true(ties)) return false;
  const v128_t zero = wasm_f32x4_splat(0.0f);
  for (int h = 0; h < 2; ++h) {
    const v128_t radius = wasm_f32x4_sqrt(wasm_f32x4_mul(wasm_f32x4_splat(-2.0f), log_u1.v[h]));
    // fma(radius * cos_t, 1, 0): the product by 1 is exact, so a float add of 0.
    wasm_v128_store(d + 4 * h, wasm_f32x4_add(wasm_f32x4_mul(radius, cos_t.v[h]), zero));
    wasm_v128_store(d + 8 + 4 * h, wasm_f32x4_add(wasm_f32x4_mul(radius, sin_t.v[h]), zero));
  }
  return true;
}

}  // namespace

bool simd_logf_x8(const float* x, float* out) {
  const F32x8 in{{wasm_v128_load(x), wasm_v128_load(x + 4)}};
  v128_t ties = wasm_i32x4_splat(0);
  const F32x8 r = logf_x8(in, &ties);
  for (int h = 0; h < 2; ++h) wasm_v128_store(out + 4 * h, r.v[h]);
  return !wasm_v128_any_true(ties);
}

bool simd_sincosf_x8(const float* t, float* sin_out, float* cos_out) {
  const F32x8 in{{wasm_v128_load(t), wasm_v128_load(t + 4)}};
  v128_t ties = wasm_i32x4_splat(0);
  F32x8 s, c;
  sincosf_x8(in, &s, &c, &ties);
  for (int h = 0; h < 2; ++h) {
    wasm_v128_store(sin_out + 4 * h, s.v[h]);
    wasm_v128_store(cos_out + 4 * h, c.v[h]);
  }
  return !wasm_v128_any_true(ties);
}

bool simd_box_muller_16(float* d) { return box_muller_16_simd(d); }

}  // namespace bnlab

#endif  // __wasm_simd128__

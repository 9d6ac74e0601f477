// randn's Box-Muller block with AVX2 and FMA on x86-64: the 8 lanes of a block
// of 16 as one vector, the way PyTorch's AVX2 kernel runs them. Compiled with a
// target attribute, so the rest of the build stays portable x86-64.
#include "box_muller_simd.h"

#if defined(BNLAB_HAVE_AVX2_KERNEL)
#include <immintrin.h>

#include <cstdint>
#include <limits>

#define BNLAB_AVX2 __attribute__((target("avx2,fma")))
#define BNLAB_AVX2_INLINE BNLAB_AVX2 inline __attribute__((always_inline))

namespace bnlab {
namespace {

// Every operation below is the one torch_generator.cpp's logf_impl and
// sincosf_impl perform on one lane, in the same order: each std::fma there is a
// _mm256_fmadd_ps here and each plain product a _mm256_mul_ps, and IEEE float
// arithmetic rounds the same in a vector lane as in a scalar register, so every
// lane gets the scalar bits. tests/cpp/core/randn_fast_path_test.cpp checks all
// 2^24 inputs of each function that randn can produce.

BNLAB_AVX2_INLINE __m256 splat(float f) { return _mm256_set1_ps(f); }

BNLAB_AVX2_INLINE __m256 logf8(__m256 x) {
  // std::max(x, min): x is never NaN here, so maxps (x > min ? x : min) agrees.
  x = _mm256_max_ps(x, splat(std::numeric_limits<float>::min()));
  const __m256i bits = _mm256_castps_si256(x);
  const __m256i e_int = _mm256_sub_epi32(_mm256_srli_epi32(bits, 23), _mm256_set1_epi32(127));
  x = _mm256_castsi256_ps(_mm256_or_si256(_mm256_and_si256(bits, _mm256_set1_epi32(~0x7f800000)),
                                          _mm256_castps_si256(splat(0.5f))));
  const __m256 one = splat(1.0f);
  const __m256 e_plus = _mm256_add_ps(_mm256_cvtepi32_ps(e_int), one);
  const __m256 below = _mm256_cmp_ps(x, splat(0.707106781186547524f), _CMP_LT_OQ);
  const __m256 x_minus_1 = _mm256_sub_ps(x, one);
  const __m256 e = _mm256_blendv_ps(e_plus, _mm256_sub_ps(e_plus, one), below);
  x = _mm256_blendv_ps(x_minus_1, _mm256_add_ps(x_minus_1, x), below);
  const __m256 z = _mm256_mul_ps(x, x);
  __m256 y = splat(7.0376836292E-2f);
  y = _mm256_fmadd_ps(y, x, splat(-1.1514610310E-1f));
  y = _mm256_fmadd_ps(y, x, splat(1.1676998740E-1f));
  y = _mm256_fmadd_ps(y, x, splat(-1.2420140846E-1f));
  y = _mm256_fmadd_ps(y, x, splat(1.4249322787E-1f));
  y = _mm256_fmadd_ps(y, x, splat(-1.6668057665E-1f));
  y = _mm256_fmadd_ps(y, x, splat(2.0000714765E-1f));
  y = _mm256_fmadd_ps(y, x, splat(-2.4999993993E-1f));
  y = _mm256_fmadd_ps(y, x, splat(3.3333331174E-1f));
  y = _mm256_mul_ps(y, x);
  const __m256 e_q1 = _mm256_mul_ps(e, splat(-2.12194440e-4f));
  y = _mm256_fmadd_ps(y, z, e_q1);
  const __m256 half_z = _mm256_mul_ps(z, splat(0.5f));
  y = _mm256_sub_ps(y, half_z);
  x = _mm256_add_ps(x, y);
  return _mm256_fmadd_ps(e, splat(0.693359375f), x);
}

BNLAB_AVX2_INLINE void sincosf8(__m256 t, __m256* sin_out, __m256* cos_out) {
  const __m256i sign_bit = _mm256_set1_epi32(static_cast<std::int32_t>(0x80000000u));
  const __m256i t_bits = _mm256_castps_si256(t);
  __m256 x = _mm256_castsi256_ps(_mm256_andnot_si256(sign_bit, t_bits));
  // static_cast<int> truncates, as cvttps does (in range here).
  __m256i j = _mm256_cvttps_epi32(_mm256_mul_ps(x, splat(1.27323954473516f)));
  j = _mm256_and_si256(_mm256_add_epi32(j, _mm256_set1_epi32(1)), _mm256_set1_epi32(~1));
  const __m256 y = _mm256_cvtepi32_ps(j);
  // Bit 2 of j moved to the sign bit: swap_sin, and for cos (~(j - 2)) & 4.
  const __m256i swap_sin = _mm256_slli_epi32(_mm256_and_si256(j, _mm256_set1_epi32(4)), 29);
  const __m256i sign_cos = _mm256_slli_epi32(
      _mm256_andnot_si256(_mm256_sub_epi32(j, _mm256_set1_epi32(2)), _mm256_set1_epi32(4)), 29);
  const __m256i sign_sin = _mm256_xor_si256(_mm256_and_si256(t_bits, sign_bit), swap_sin);
  const __m256i two = _mm256_set1_epi32(2);
  const __m256 swap_poly = _mm256_castsi256_ps(_mm256_cmpeq_epi32(_mm256_and_si256(j, two), two));

  x = _mm256_fmadd_ps(y, splat(-0.78515625f), x);
  x = _mm256_fmadd_ps(y, splat(-2.4187564849853515625e-4f), x);
  x = _mm256_fmadd_ps(y, splat(-3.77489497744594108e-8f), x);

  const __m256 z = _mm256_mul_ps(x, x);
  __m256 c = splat(2.443315711809948E-005f);
  c = _mm256_fmadd_ps(c, z, splat(-1.388731625493765E-003f));
  c = _mm256_fmadd_ps(c, z, splat(4.166664568298827E-002f));
  c = _mm256_mul_ps(c, z);
  const __m256 half_z = _mm256_mul_ps(z, splat(0.5f));
  c = _mm256_fmsub_ps(c, z, half_z);  // fma(c, z, -half_z): negation is exact
  c = _mm256_add_ps(c, splat(1.0f));

  __m256 s = splat(-1.9515295891E-4f);
  s = _mm256_fmadd_ps(s, z, splat(8.3321608736E-3f));
  s = _mm256_fmadd_ps(s, z, splat(-1.6666654611E-1f));
  s = _mm256_mul_ps(s, z);
  s = _mm256_fmadd_ps(s, x, x);

  // The selected polynomial plus an exact zero (-0 becomes +0), then the sign flips.
  const __m256 zero = _mm256_setzero_ps();
  const __m256 sin_v = _mm256_add_ps(_mm256_blendv_ps(s, c, swap_poly), zero);
  const __m256 cos_v = _mm256_add_ps(_mm256_blendv_ps(c, s, swap_poly), zero);
  *sin_out = _mm256_xor_ps(sin_v, _mm256_castsi256_ps(sign_sin));
  *cos_out = _mm256_xor_ps(cos_v, _mm256_castsi256_ps(sign_cos));
}

BNLAB_AVX2_INLINE void block16(float* d) {
  const __m256 u1 = _mm256_sub_ps(splat(1.0f), _mm256_loadu_ps(d));
  const __m256 u2 = _mm256_loadu_ps(d + 8);
  const __m256 radius = _mm256_sqrt_ps(_mm256_mul_ps(splat(-2.0f), logf8(u1)));
  const __m256 theta = _mm256_mul_ps(splat(6.2831855f), u2);
  __m256 sin_t, cos_t;
  sincosf8(theta, &sin_t, &cos_t);
  // fma(radius * trig, std = 1, mean = 0), as PyTorch writes it.
  const __m256 one = splat(1.0f), zero = _mm256_setzero_ps();
  _mm256_storeu_ps(d, _mm256_fmadd_ps(_mm256_mul_ps(radius, cos_t), one, zero));
  _mm256_storeu_ps(d + 8, _mm256_fmadd_ps(_mm256_mul_ps(radius, sin_t), one, zero));
}

}  // namespace

bool avx2_fma_supported() {
  static const bool supported = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  return supported;
}

BNLAB_AVX2 void avx2_box_muller(float* d, std::size_t blocks) {
  for (std::size_t b = 0; b < blocks; ++b) block16(d + 16 * b);
}

BNLAB_AVX2 void avx2_logf_x8(const float* x, float* out) {
  _mm256_storeu_ps(out, logf8(_mm256_loadu_ps(x)));
}

BNLAB_AVX2 void avx2_sincosf_x8(const float* t, float* sin_out, float* cos_out) {
  __m256 s, c;
  sincosf8(_mm256_loadu_ps(t), &s, &c);
  _mm256_storeu_ps(sin_out, s);
  _mm256_storeu_ps(cos_out, c);
}

}  // namespace bnlab

#endif  // BNLAB_HAVE_AVX2_KERNEL

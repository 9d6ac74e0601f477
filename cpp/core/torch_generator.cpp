#include "torch_generator.h"

#include <algorithm>
#include <cmath>
#include <limits>

#include "box_muller_simd.h"
#include "float_bits.h"

namespace bnlab {
namespace {

float flip_sign_if(float f, bool flip) {
  return flip ? bits_float(float_bits(f) ^ 0x80000000u) : f;
}

}  // namespace

// Fused multiply-adds are the hot spot of randn: without the FMA instruction
// each std::fma is a libm call. On x86-64 GCC/Clang build an FMA clone next to
// the portable one and pick at load time; both round the same (fma is exact).
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__EMSCRIPTEN__)
#define BNLAB_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define BNLAB_FMA_CLONES
#endif
#define BNLAB_ALWAYS_INLINE inline __attribute__((always_inline))

void TorchGenerator::manual_seed(std::uint64_t seed_bits) {
  engine_.seed(static_cast<std::uint32_t>(seed_bits & 0xffffffffu));
  cached_normal_.reset();
}

std::uint32_t TorchGenerator::random() { return static_cast<std::uint32_t>(engine_()); }

std::uint64_t TorchGenerator::random64() {
  const std::uint64_t hi = random();
  const std::uint64_t lo = random();
  return (hi << 32) | lo;
}

float TorchGenerator::uniform_float() {
  return static_cast<float>(random() & 0xFFFFFFu) * (1.0f / 16777216.0f);
}

double TorchGenerator::uniform_double() {
  return static_cast<double>(random64() & ((1ULL << 53) - 1)) * (1.0 / 9007199254740992.0);
}

// Cephes logf as PyTorch's AVX2 kernel evaluates it, with GCC's fused
// multiply-adds reproduced by std::fma: a plain a*b+c changes the last bit.
BNLAB_ALWAYS_INLINE float logf_impl(float x) {
  x = std::max(x, std::numeric_limits<float>::min());
  const std::uint32_t bits = float_bits(x);
  const int e_int = static_cast<int>(bits >> 23) - 127;
  x = bits_float((bits & ~0x7f800000u) | float_bits(0.5f));
  float e = static_cast<float>(e_int) + 1.0f;
  if (x < 0.707106781186547524f) {
    e = e - 1.0f;
    x = (x - 1.0f) + x;
  } else {
    x = x - 1.0f;
  }
  const float z = x * x;
  float y = 7.0376836292E-2f;
  for (const float p : {-1.1514610310E-1f, 1.1676998740E-1f, -1.2420140846E-1f, 1.4249322787E-1f,
                        -1.6668057665E-1f, 2.0000714765E-1f, -2.4999993993E-1f, 3.3333331174E-1f}) {
    y = std::fma(y, x, p);
  }
  y = y * x;
  const float e_q1 = e * -2.12194440e-4f;
  y = std::fma(y, z, e_q1);
  const float half_z = z * 0.5f;
  y = y - half_z;
  x = x + y;
  return std::fma(e, 0.693359375f, x);
}

BNLAB_ALWAYS_INLINE void sincosf_impl(float t, float* sin_out, float* cos_out) {
  float x = std::fabs(t);
  bool sign_sin = (float_bits(t) & 0x80000000u) != 0;
  int j = static_cast<int>(x * 1.27323954473516f);
  j = (j + 1) & ~1;
  const float y = static_cast<float>(j);
  const bool swap_sin = (j & 4) != 0;
  const bool swap_poly = (j & 2) != 0;
  const bool sign_cos = ((~(j - 2)) & 4) != 0;
  sign_sin = sign_sin != swap_sin;

  x = std::fma(y, -0.78515625f, x);
  x = std::fma(y, -2.4187564849853515625e-4f, x);
  x = std::fma(y, -3.77489497744594108e-8f, x);

  const float z = x * x;
  float c = 2.443315711809948E-005f;
  c = std::fma(c, z, -1.388731625493765E-003f);
  c = std::fma(c, z, 4.166664568298827E-002f);
  c = c * z;
  const float half_z = z * 0.5f;
  c = std::fma(c, z, -half_z);
  c = c + 1.0f;

  float s = -1.9515295891E-4f;
  s = std::fma(s, z, 8.3321608736E-3f);
  s = std::fma(s, z, -1.6666654611E-1f);
  s = s * z;
  s = std::fma(s, x, x);

  // PyTorch blends with masks and adds an exact zero, which only turns -0 into +0.
  float sin_v = (swap_poly ? c : s) + 0.0f;
  float cos_v = (swap_poly ? s : c) + 0.0f;
  *sin_out = flip_sign_if(sin_v, sign_sin);
  *cos_out = flip_sign_if(cos_v, sign_cos);
}

float cephes_logf(float x) { return logf_impl(x); }

void cephes_sincosf(float t, float* sin_out, float* cos_out) { sincosf_impl(t, sin_out, cos_out); }

void TorchGenerator::randn(float* out, std::size_t numel, RandnPath path) {
  if (numel >= 16) {
    randn_vectorized(out, numel, path);
  } else {
    randn_scalar(out, numel);
  }
}

namespace {

// One Box-Muller block of 16: d[0..7] hold 1 - u1's source, d[8..15] u2.
BNLAB_FMA_CLONES void box_muller_16(float* d) {
  for (int j = 0; j < 8; ++j) {
    const float u1 = 1.0f - d[j];
    const float u2 = d[j + 8];
    const float radius = std::sqrt(-2.0f * logf_impl(u1));
    const float theta = 6.2831855f * u2;
    float sin_t, cos_t;
    sincosf_impl(theta, &sin_t, &cos_t);
    // randn's std = 1 and mean = 0 keep the value but turn -0 into +0.
    d[j] = std::fma(radius * cos_t, 1.0f, 0.0f);
    d[j + 8] = std::fma(radius * sin_t, 1.0f, 0.0f);
  }
}

// `blocks` consecutive blocks of 16 in place, on the SIMD kernel when asked
// for and present (box_muller_simd.h), else on the portable block.
void box_muller_blocks(float* d, std::size_t blocks, RandnPath path) {
#if defined(BNLAB_HAVE_AVX2_KERNEL)
  if (path == RandnPath::kFastest && avx2_fma_supported()) {
    avx2_box_muller(d, blocks);
    return;
  }
#endif
  for (std::size_t b = 0; b < blocks; ++b, d += 16) {
#if defined(__wasm_simd128__)
    if (path == RandnPath::kFastest && simd_box_muller_16(d)) continue;
#endif
    box_muller_16(d);
  }
}

// Values converted to uniforms and transformed per chunk: the uniforms are
// still in L1 cache when their block reads them, and the output is written
// once instead of twice. A multiple of 16.
constexpr std::size_t kChunk = 1024;
// M_PI is POSIX, not standard C++17; this literal is the same double
// (0x400921FB54442D18), the one PyTorch's 2.0 * kPi * u1 uses.
constexpr double kPi = 3.14159265358979323846;

}  // namespace

const char* TorchGenerator::fastest_path_name() {
#if defined(BNLAB_HAVE_AVX2_KERNEL)
  if (avx2_fma_supported()) return "avx2+fma";
#endif
#if defined(__wasm_simd128__)
  return "wasm-simd128";
#endif
  return "portable";
}

// PyTorch fills all numel slots with uniforms, then transforms each full block
// of 16 in order, then (numel % 16 != 0) draws 16 new uniforms into the last 16
// slots and transforms them. A block only reads its own 16 uniforms, so filling
// and transforming chunk by chunk gives the same values; the stragglers after
// the last full block are drawn and overwritten, so they are skipped.
void TorchGenerator::randn_vectorized(float* out, std::size_t numel, RandnPath path) {
  const std::size_t full = numel - numel % 16;
  for (std::size_t i = 0; i < full; i += kChunk) {
    const std::size_t len = std::min(kChunk, full - i);
    engine_.uniform_floats(out + i, len);
    box_muller_blocks(out + i, len / 16, path);
  }
  if (numel % 16 != 0) {
    engine_.discard(numel % 16);
    float* tail = out + numel - 16;
    engine_.uniform_floats(tail, 16);
    box_muller_blocks(tail, 1, path);
  }
}

void TorchGenerator::randn_scalar(float* out, std::size_t numel) {
  for (std::size_t i = 0; i < numel; ++i) {
    if (cached_normal_) {
      out[i] = static_cast<float>(*cached_normal_);
      cached_normal_.reset();
      continue;
    }
    const double u1 = uniform_double();
    const double u2 = uniform_double();
    const double r = std::sqrt(-2.0 * std::log(1.0 - u2));
    const double theta = 2.0 * kPi * u1;
    cached_normal_ = r * std::sin(theta);
    out[i] = static_cast<float>(r * std::cos(theta));
  }
}

}  // namespace bnlab

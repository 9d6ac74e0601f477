// The WebAssembly build's SIMD Box-Muller code (cpp/core/box_muller_wasm_simd.cpp) against
// the scalar code it replaces, for every input randn can give it: LOG sees
// u1 = 1 - k/2^24 and SINCOS sees theta = 6.2831855f * k/2^24, k < 2^24, and
// each depends on its own input alone, so all 2^24 values of each cover every
// block. Blocks of 16 are checked too (every u1 and every u2 once, paired by a
// fixed permutation). Built with the module by `npm run build:wasm`;
// tests/exhaustive/wasm_simd_check.test.mjs runs it (`npm run test:full`).
// Exit status 1 on any difference.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>

#include "box_muller_simd.h"
#include "float_bits.h"
#include "torch_generator.h"

#if !defined(__wasm_simd128__)
#error "box_muller_simd_check is built for WebAssembly with -msimd128"
#endif

namespace {

using bnlab::float_bits;

float uniform(std::uint32_t k) { return static_cast<float>(k) * (1.0f / 16777216.0f); }

// randn's block with the scalar functions (docs/pytorch-parity.md 3a).
void scalar_block(float* d) {
  for (int j = 0; j < 8; ++j) {
    const float radius = std::sqrt(-2.0f * bnlab::cephes_logf(1.0f - d[j]));
    float sin_t, cos_t;
    bnlab::cephes_sincosf(6.2831855f * d[j + 8], &sin_t, &cos_t);
    d[j] = std::fma(radius * cos_t, 1.0f, 0.0f);
    d[j + 8] = std::fma(radius * sin_t, 1.0f, 0.0f);
  }
}

}  // namespace

int main() {
  const std::uint32_t n = 1u << 24;
  long long log_diff = 0, sincos_diff = 0, block_diff = 0;
  long long log_flagged = 0, sincos_flagged = 0, block_flagged = 0;
  for (std::uint32_t base = 0; base < n; base += 8) {
    float u1[8], theta[8], block[16];
    for (int j = 0; j < 8; ++j) {
      u1[j] = 1.0f - uniform(base + j);
      theta[j] = 6.2831855f * uniform(base + j);
      block[j] = uniform(base + j);
      block[j + 8] = uniform((base + j) ^ 0x5a5a5au);
    }
    float log_v[8], sin_v[8], cos_v[8];
    // The values are compared even for a flagged group, which randn would redo.
    log_flagged += !bnlab::simd_logf_x8(u1, log_v);
    sincos_flagged += !bnlab::simd_sincosf_x8(theta, sin_v, cos_v);
    for (int j = 0; j < 8; ++j) {
      float s, c;
      bnlab::cephes_sincosf(theta[j], &s, &c);
      if (float_bits(log_v[j]) != float_bits(bnlab::cephes_logf(u1[j]))) {
        if (log_diff++ < 5)
          std::printf("log(%a): SIMD %a, scalar %a\n", u1[j], log_v[j], bnlab::cephes_logf(u1[j]));
      }
      if (float_bits(sin_v[j]) != float_bits(s) || float_bits(cos_v[j]) != float_bits(c)) {
        if (sincos_diff++ < 5)
          std::printf("sincos(%a): SIMD %a %a, scalar %a %a\n", theta[j], sin_v[j], cos_v[j], s, c);
      }
    }
    float expected[16];
    std::memcpy(expected, block, sizeof block);
    scalar_block(expected);
    const bool simd = bnlab::simd_box_muller_16(block);
    block_flagged += !simd;
    if (!simd) scalar_block(block);  // what randn does; d was left untouched
    if (std::memcmp(block, expected, sizeof block) != 0 && block_diff++ < 5) {
      std::printf("block at k = %u differs\n", base);
    }
  }
  const long long groups = n / 8;
  std::printf("log: %lld of %u values differ; %lld of %lld groups of 8 flagged\n", log_diff, n,
              log_flagged, groups);
  std::printf("sincos: %lld of %u values differ; %lld of %lld groups of 8 flagged\n", sincos_diff,
              n, sincos_flagged, groups);
  std::printf("blocks: %lld of %lld differ; %lld fell back to the scalar code\n", block_diff,
              groups, block_flagged);
  return (log_diff || sincos_diff || block_diff) ? 1 : 0;
}

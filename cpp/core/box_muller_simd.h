// The SIMD Box-Muller kernels randn picks instead of its portable block: AVX2+FMA
// natively on x86-64 (chosen at run time), 128-bit SIMD in WebAssembly. Both give
// the portable block's bits; they are exposed here for the tests that prove it.
#pragma once

#include <cstddef>

namespace bnlab {

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__EMSCRIPTEN__)
#define BNLAB_HAVE_AVX2_KERNEL 1
// box_muller_avx2.cpp. True when this CPU runs AVX2 and FMA (checked once).
bool avx2_fma_supported();
// `blocks` Box-Muller blocks of 16 in place (d[16b .. 16b+7] hold the u1
// sources, d[16b+8 .. 16b+15] u2), 8 lanes per vector. Needs avx2_fma_supported().
void avx2_box_muller(float* d, std::size_t blocks);
// PyTorch's Cephes log and sincos on 8 lanes, as avx2_box_muller runs them.
void avx2_logf_x8(const float* x, float* out);
void avx2_sincosf_x8(const float* t, float* sin_out, float* cos_out);
#endif

#if defined(__wasm_simd128__)
// box_muller_wasm_simd.cpp: the same on 8 lanes of 128-bit vectors. Each returns
// false when a lane flagged a possible fma tie, where randn falls back to the
// portable block (simd_box_muller_16 then leaves d untouched).
bool simd_logf_x8(const float* x, float* out);
bool simd_sincosf_x8(const float* t, float* sin_out, float* cos_out);
bool simd_box_muller_16(float* d);
#endif

}  // namespace bnlab

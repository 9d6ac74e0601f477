// Float fused multiply-adds of BatchNorm2d's kernels on WebAssembly SIMD
// vectors, bit for bit std::fma (declared for every build, defined with
// -msimd128 only: WebAssembly has no fma instruction, x86-64 uses its own).
#pragma once

#include <cstdint>

namespace bnlab {

// y[i] = std::fma(x[i], a, b) for i < n.
void fma_scale_shift_simd(const float* x, float a, float b, float* y, std::int64_t n);
// y[i] = std::fma(x[i], a[i], b[i]) for i < n.
void fma_lanes_simd(const float* x, const float* a, const float* b, float* y, std::int64_t n);
// For `rows` rows of `c` floats (row r at input + r * c), per column ch in row
// order: d = x - mean[ch] (float), var_sum[ch] = std::fma(d, d, var_sum[ch]).
void fma_var_sums_simd(const float* input, std::int64_t rows, std::int64_t c, const float* mean,
                       float* var_sum);

// The same three with scalar std::fma, the reference the SIMD ones are tested against.
void fma_scale_shift_portable(const float* x, float a, float b, float* y, std::int64_t n);
void fma_lanes_portable(const float* x, const float* a, const float* b, float* y, std::int64_t n);
void fma_var_sums_portable(const float* input, std::int64_t rows, std::int64_t c, const float* mean,
                           float* var_sum);

}  // namespace bnlab

// The scalar std::fma loops of fma_simd.h: BatchNorm2d's portable path and the
// reference for the WebAssembly SIMD ones.
#include <cmath>

#include "fma_simd.h"

namespace bnlab {

void fma_scale_shift_portable(const float* x, float a, float b, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = std::fma(x[i], a, b);
}

void fma_lanes_portable(const float* x, const float* a, const float* b, float* y, std::int64_t n) {
  for (std::int64_t i = 0; i < n; ++i) y[i] = std::fma(x[i], a[i], b[i]);
}

void fma_var_sums_portable(const float* input, std::int64_t rows, std::int64_t c, const float* mean,
                           float* var_sum) {
  for (std::int64_t r = 0; r < rows; ++r) {
    const float* x = input + r * c;
    for (std::int64_t ch = 0; ch < c; ++ch) {
      const float d = x[ch] - mean[ch];
      var_sum[ch] = std::fma(d, d, var_sum[ch]);
    }
  }
}

}  // namespace bnlab

// The manual statistics' fast paths against plain reference loops: one row's
// cascade sum (levels on the stack, level 0 alone before any carry) against
// the general CascadeLanes, and Welford per group of channels in registers
// against the per-value loop it replaced, for channel counts around the groups
// (16, 8, 4, 3, 2, 1) and both layouts (H*W == 1 rows, H*W > 1 planes).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "channel_moments.h"
#include "fixture_loader.h"
#include "torch_reduce.h"
#include "welford_m2.h"

namespace manual_fast_path_test {

using bnlab::testing::bits_of;

// vectorized_inner_sum's row sum, built on the general CascadeLanes.
float reference_vector_row_sum(const float* x, std::int64_t n) {
  const std::int64_t vectors = n / 8, rows = vectors / 4;
  bnlab::CascadeLanes lanes(32, bnlab::cascade_level_power(rows));
  for (std::int64_t i = 0; i < rows; ++i) lanes.add_row(x + i * 32);
  float partial[32];
  lanes.finish(partial);
  for (std::int64_t v = rows * 4; v < vectors; ++v) {
    for (int l = 0; l < 8; ++l) partial[l] += x[v * 8 + l];
  }
  for (int k = 1; k < 4; ++k) {
    for (int l = 0; l < 8; ++l) partial[l] += partial[k * 8 + l];
  }
  float sum = 0.0f;
  for (std::int64_t i = vectors * 8; i < n; ++i) sum += x[i];
  for (int l = 0; l < 8; ++l) sum += partial[l];
  return sum;
}

TEST(ManualFastPath, RowSumEqualsTheGeneralCascade) {
  std::mt19937 rng(7);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> x(70000);
  for (float& v : x) v = normal(rng);
  // Below, at and past the first carry (16 rows of 32 values) and a level power change.
  for (std::int64_t n = 8; n < 70000; n += (n < 1100 ? 1 : 977)) {
    ASSERT_EQ(bits_of(bnlab::torch_vector_row_sum(x.data(), n)),
              bits_of(reference_vector_row_sum(x.data(), n)))
        << "n = " << n;
  }
}

// The per-value Welford loop the groups replaced: channel c's values in memory order.
void reference_welford(const std::vector<float>& batches, std::int64_t steps, std::int64_t n,
                       std::int64_t c, std::int64_t hw, std::vector<double>* mean,
                       std::vector<double>* m2) {
  mean->assign(c, 0.0);
  m2->assign(c, 0.0);
  for (std::int64_t ch = 0; ch < c; ++ch) {
    std::int64_t count = 0;
    double mu = 0, q = 0;
    for (std::int64_t s = 0; s < steps; ++s) {
      for (std::int64_t b = 0; b < n; ++b) {
        const float* plane = batches.data() + ((s * n + b) * c + ch) * hw;
        for (std::int64_t i = 0; i < hw; ++i) {
          const double v = plane[i];
          const double delta = v - mu;
          const double new_mean = mu + delta / static_cast<double>(++count);
          q = std::fma(delta, v - new_mean, q);
          mu = new_mean;
        }
      }
    }
    (*mean)[ch] = mu;
    (*m2)[ch] = q;
  }
}

TEST(ManualFastPath, WelfordGroupsEqualThePerValueLoop) {
  std::mt19937 rng(11);
  for (const std::int64_t c : {2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 23, 31, 32, 33, 47}) {
    for (const std::int64_t hw : {1, 3, 64}) {
      const std::int64_t n = 5, steps = 3;
      std::normal_distribution<float> normal(0.5f, 2.0f);
      std::vector<float> batches(static_cast<std::size_t>(steps * n * c * hw));
      for (float& v : batches) v = normal(rng);
      bnlab::ManualStatistics stats(n, c, hw, steps);
      for (std::int64_t s = 0; s < steps; ++s) stats.add_batch(batches.data() + s * n * c * hw);
      std::vector<double> want_mean, want_m2, got_mean(c), got_var(c);
      reference_welford(batches, steps, n, c, hw, &want_mean, &want_m2);
      stats.exact_mean(got_mean.data());
      stats.exact_var(got_var.data());
      const auto count = static_cast<double>(steps * n * hw);
      for (std::int64_t ch = 0; ch < c; ++ch) {
        ASSERT_EQ(bits_of(got_mean[ch]), bits_of(want_mean[ch])) << "C " << c << " hw " << hw;
        ASSERT_EQ(bits_of(got_var[ch]), bits_of(want_m2[ch] / (count - 1))) << "C " << c;
      }
    }
  }
}

// welford_m2.h's checked unfused update (the WebAssembly fast path) against the
// hardware's fused multiply-add: where it claims a proof, the bits are the fma's,
// and m2_update (with the exact emulation for the rest) always is. Welford-like
// values, any magnitudes, and ties made by the product's rounding.
TEST(ManualFastPath, CheckedM2UpdateEqualsFma) {
  std::mt19937_64 rng(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::int64_t proven = 0, unfused_wrong = 0;
  for (int i = 0; i < 400000; ++i) {
    double d, w, q;
    const int e = static_cast<int>(rng() % 200) - 100;
    const double m = 1.0 + static_cast<double>(rng() >> 12) * 0x1p-52;
    switch (i % 3) {
      case 0: {  // Welford-like
        const double n = static_cast<double>(1 + rng() % 50000);
        const double v = static_cast<float>(normal(rng)), mean = 0.1 * normal(rng);
        d = v - mean;
        w = v - (mean + d / n);
        q = (n - 1) * std::fabs(1.0 + 0.1 * normal(rng));
        break;
      }
      case 1:  // any positive magnitudes
        d = std::ldexp(m, e);
        w = std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, e / 2);
        q = std::ldexp(1.0 + static_cast<double>(rng() >> 11) * 0x1p-53, e);
        break;
      default: {  // d * w rounds onto half an ulp of q: the unfused sum ties
        const double x = 1.0 + static_cast<double>(1 + rng() % 1000) * 0x1p-40;
        q = std::ldexp(m, e);
        d = std::ldexp(1.0, e - 53) * x;
        w = (rng() & 1) ? 2.0 - x : 1.0 / x;
        break;
      }
    }
    const double want = std::fma(d, w, q);
    bool exact;
    const double s = bnlab::m2_update_checked(d, w, q, &exact);
    if (exact) {
      ++proven;
      ASSERT_EQ(bits_of(s), bits_of(want)) << d << " " << w << " " << q;
    }
    unfused_wrong += bits_of(q + d * w) != bits_of(want);
    ASSERT_EQ(bits_of(bnlab::m2_update(d, w, q)), bits_of(want)) << d << " " << w << " " << q;
  }
  EXPECT_GT(proven, 150000);
  EXPECT_GT(unfused_wrong, 10000);  // the crafted ties reach the wrong unfused sum
}

}  // namespace manual_fast_path_test

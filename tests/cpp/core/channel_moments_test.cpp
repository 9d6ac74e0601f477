// The streamed manual statistics against the same rules applied to the whole
// stacked data at once, the exact fma emulation against std::fma, and the
// state's size against the number of steps. PyTorch's own values are checked
// in manual_statistics_parity_test.cpp.
#include "channel_moments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <random>
#include <vector>

#include "fixture_loader.h"
#include "torch_reduce.h"

namespace {

using bnlab::testing::bits_of;

std::vector<float> normals(std::size_t n, std::uint32_t seed, float mean = 0, float sd = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<float> normal(mean, sd);
  std::vector<float> v(n);
  for (float& x : v) x = normal(rng);
  return v;
}

TEST(TorchReduce, LevelPowerFollowsCeilLog2) {
  EXPECT_EQ(bnlab::cascade_level_power(0), 4);
  EXPECT_EQ(bnlab::cascade_level_power(1), 4);
  EXPECT_EQ(bnlab::cascade_level_power(524288), 4);  // 2^19: CeilLog2 19
  EXPECT_EQ(bnlab::cascade_level_power(524289), 5);
  EXPECT_EQ(bnlab::cascade_level_power(std::int64_t{1} << 23), 5);
  EXPECT_EQ(bnlab::cascade_level_power((std::int64_t{1} << 23) + 1), 6);
}

// A sum over n rows equals a plain float sum while n fits in one block, and
// then differs from it (the blocking is really there).
TEST(TorchReduce, CascadeBlocksDifferFromASequentialSum) {
  const std::vector<float> x = normals(20 * 4096, 3, 0.25f, 1.0f);
  float sequential = 0;
  for (int i = 0; i < 16; ++i) sequential += x[i];
  bnlab::CascadeLanes lanes(1, 4);
  for (int i = 0; i < 16; ++i) lanes.add_row(&x[i]);
  float out;
  lanes.finish(&out);
  EXPECT_EQ(bits_of(out), bits_of(sequential));
  int differ = 0;
  for (int trial = 0; trial < 20; ++trial) {
    bnlab::CascadeLanes many(1, 4);
    float plain = 0;
    for (int i = 0; i < 4096; ++i) {
      many.add_row(&x[trial * 4096 + i]);
      plain += x[trial * 4096 + i];
    }
    many.finish(&out);
    differ += bits_of(out) != bits_of(plain);
  }
  EXPECT_GT(differ, 10);
}

// ManualStatistics with one channel streams the values in rows of 32; at
// every step its mean must be torch_sum over everything so far / n.
TEST(ManualStatistics, OneChannelStreamEqualsTheWholeSum) {
  for (const std::int64_t batch : {1, 3, 7, 8, 32, 45}) {
    const std::int64_t steps = 300;
    const std::vector<float> all = normals(static_cast<std::size_t>(batch * steps), 11, 0.1f);
    bnlab::ManualStatistics stats(batch, 1, 1, steps);
    for (std::int64_t k = 1; k <= steps; ++k) {
      stats.add_batch(all.data() + (k - 1) * batch);
      float mean;
      stats.mean(&mean);
      const float n = static_cast<float>(k * batch);
      ASSERT_EQ(bits_of(mean), bits_of(bnlab::torch_sum(all.data(), k * batch) / n))
          << "batch " << batch << " step " << k;
    }
  }
}

// Past 2^19 rows of 32 values the level power changes: the streamed sum keeps
// a lane set for each power it will need.
TEST(ManualStatistics, OneChannelStreamAcrossALevelPowerChange) {
  const std::int64_t batch = 4096, steps = 4200;  // 17.2M values, power 5 from step 4097
  std::vector<float> all = normals(static_cast<std::size_t>(batch * steps), 5, 0.01f);
  bnlab::ManualStatistics stats(batch, 1, 1, steps);
  for (std::int64_t k = 1; k <= steps; ++k) {
    stats.add_batch(all.data() + (k - 1) * batch);
    if (k % 1000 != 0 && (k < 4095 || k > 4099) && k != steps) continue;
    float mean;
    stats.mean(&mean);
    const float n = static_cast<float>(k * batch);
    ASSERT_EQ(bits_of(mean), bits_of(bnlab::torch_sum(all.data(), k * batch) / n)) << "step " << k;
  }
}

// With several channels of H*W > 1 each sample's plane is summed by PyTorch's
// row sum, and the samples one after another.
TEST(ManualStatistics, SpatialMeanIsASumOfPlaneSums) {
  const std::int64_t batch = 3, channels = 4, hw = 13, steps = 20;
  const std::vector<float> all =
      normals(static_cast<std::size_t>(batch * channels * hw * steps), 2);
  bnlab::ManualStatistics stats(batch, channels, hw, steps);
  for (std::int64_t k = 0; k < steps; ++k) stats.add_batch(all.data() + k * batch * channels * hw);
  std::vector<float> mean(channels);
  stats.mean(mean.data());
  for (std::int64_t c = 0; c < channels; ++c) {
    float sum = 0;
    for (std::int64_t s = 0; s < batch * steps; ++s) {
      sum += bnlab::torch_vector_row_sum(all.data() + (s * channels + c) * hw, hw);
    }
    EXPECT_EQ(bits_of(mean[c]), bits_of(sum / static_cast<float>(batch * steps * hw))) << c;
  }
}

TEST(ManualStatistics, UndefinedStatisticsAreNan) {
  bnlab::ManualStatistics none(4, 3, 1, 5);
  std::vector<float> m(3), v(3);
  std::vector<double> em(3), ev(3);
  none.mean(m.data());
  none.var(v.data());
  none.exact_mean(em.data());
  none.exact_var(ev.data());
  for (int c = 0; c < 3; ++c) {
    EXPECT_TRUE(std::isnan(m[c]) && std::isnan(v[c]) && std::isnan(em[c]) && std::isnan(ev[c]));
  }
  bnlab::ManualStatistics one(1, 2, 1, 1);  // one value per channel: no variance
  const float x[2] = {1.5f, -2.0f};
  one.add_batch(x);
  one.mean(m.data());
  one.var(v.data());
  EXPECT_EQ(m[0], 1.5f);
  EXPECT_EQ(m[1], -2.0f);
  EXPECT_TRUE(std::isnan(v[0]) && std::isnan(v[1]));
}

// PyTorch 1.13 on x86-64: stacked.mean of no values and stacked.var of one value
// are 0xffc00000 (0 / 0), stacked.var of no values 0x7fc00000 (checked with
// /usr/bin/python3; the verification script compares these bits).
TEST(ManualStatistics, UndefinedStatisticsHavePyTorchsNanBits) {
  for (const std::int64_t channels : {1, 3}) {
    SCOPED_TRACE(channels);
    bnlab::ManualStatistics none(2, channels, 1, 1);
    std::vector<float> m(static_cast<std::size_t>(channels)), v(m.size());
    none.mean(m.data());
    none.var(v.data());
    EXPECT_EQ(bits_of(m[0]), 0xffc00000u);
    EXPECT_EQ(bits_of(v[0]), 0x7fc00000u);
    bnlab::ManualStatistics one(1, channels, 1, 1);
    const std::vector<float> x(m.size(), 0.25f);
    one.add_batch(x.data());
    if (one.variance_needs_second_pass()) {
      auto pass = one.start_second_pass();
      pass.add_batch(x.data(), channels);
      one.finish_second_pass(pass);
    }
    one.var(v.data());
    EXPECT_EQ(bits_of(v[0]), 0xffc00000u);
  }
}

TEST(ManualStatistics, RefusesMoreBatchesThanPlanned) {
  bnlab::ManualStatistics stats(2, 2, 1, 1);
  const float x[4] = {1, 2, 3, 4};
  stats.add_batch(x);
  EXPECT_THROW(stats.add_batch(x), std::logic_error);
}

// Memory is flat in the number of steps: a run planned for a million steps
// holds at most a few more lane sets (one per level power) than a 10-step run.
TEST(ManualStatistics, StateDoesNotGrowWithSteps) {
  for (const std::int64_t channels : {1, 3, 7, 40}) {
    for (const std::int64_t hw : {1, 6}) {
      bnlab::ManualStatistics small(20, channels, hw, 10), large(20, channels, hw, 1000000);
      const std::vector<float> x = normals(static_cast<std::size_t>(20 * channels * hw), 9);
      const std::size_t before = large.state_bytes();
      for (int k = 0; k < 10; ++k) {
        small.add_batch(x.data());
        large.add_batch(x.data());
      }
      EXPECT_EQ(large.state_bytes(), before) << channels << "x" << hw;
      EXPECT_LE(large.state_bytes(), small.state_bytes() + 3 * (4 * 4 * 40 + 64) * sizeof(float))
          << channels << "x" << hw;
      // Fixed part: the object, scratch, and a 16 x 256 block for transposing planes.
      EXPECT_LE(small.state_bytes(), 2048 + 16384 + static_cast<std::size_t>(channels) * 64)
          << channels << "x" << hw;
    }
  }
}

// The emulated fma (used where there is no FMA instruction) against std::fma on
// Welford-like operands and on random ones of any sign and scale.
TEST(TorchReduce, FmaByOddRoundingEqualsStdFma) {
  std::mt19937_64 rng(17);
  std::normal_distribution<double> normal;
  std::uniform_int_distribution<int> scale(-60, 60);
  std::int64_t checked = 0;
  for (int i = 0; i < 2000000; ++i) {
    double a, b, c;
    if (i % 2 == 0) {
      const double x = static_cast<float>(normal(rng)), mean = normal(rng) * 1e-3;
      const double n = 1 + (rng() % 1000000);
      a = x - mean;
      b = x - (mean + a / n);
      c = std::fabs(normal(rng)) * n;
    } else {
      a = std::ldexp(normal(rng), scale(rng));
      b = std::ldexp(normal(rng), scale(rng));
      c = std::ldexp(normal(rng), scale(rng));
    }
    const double want = std::fma(a, b, c), got = bnlab::fma_by_odd_rounding(a, b, c);
    ASSERT_EQ(bits_of(got), bits_of(want)) << a << " * " << b << " + " << c;
    ++checked;
  }
  // Products whose low half decides a tie of the sum.
  for (int i = 0; i < 200000; ++i) {
    const double a = 1.0 + std::ldexp(static_cast<double>(rng() >> 38), -26);
    const double b = 1.0 + std::ldexp(static_cast<double>(rng() >> 38), -26);
    const double c = -std::ldexp(static_cast<double>(rng() >> 12), -52) * (i % 3);
    ASSERT_EQ(bits_of(bnlab::fma_by_odd_rounding(a, b, c)), bits_of(std::fma(a, b, c)));
    ++checked;
  }
  EXPECT_EQ(checked, 2200000);
}

}  // namespace

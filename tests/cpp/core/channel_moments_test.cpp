// The streaming "manual" statistics: the same numbers as stacking every input
// and reducing once, whichever way the batches are split or merged.
#include "channel_moments.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

struct Reference {
  double mean, var;
};

// Two-pass mean and unbiased variance over everything, in long double.
Reference stacked(const std::vector<float>& all, int n, int c, int hw, int channel) {
  long double sum = 0, count = 0;
  for (int b = 0; b < n; ++b)
    for (int i = 0; i < hw; ++i, ++count) sum += all[(b * c + channel) * hw + i];
  const long double mean = sum / count;
  long double m2 = 0;
  for (int b = 0; b < n; ++b)
    for (int i = 0; i < hw; ++i) {
      const long double d = all[(b * c + channel) * hw + i] - mean;
      m2 += d * d;
    }
  return {static_cast<double>(mean), static_cast<double>(m2 / (count - 1))};
}

TEST(ChannelMoments, StreamingEqualsStackedReduction) {
  const int n = 6, c = 3, hw = 5, batches = 40;
  std::mt19937 rng(5);
  std::normal_distribution<float> normal(3.0f, 2.0f);
  std::vector<float> all;
  bnlab::ChannelMoments moments(c);
  for (int step = 0; step < batches; ++step) {
    std::vector<float> batch(n * c * hw);
    for (float& v : batch) v = normal(rng);
    moments.add_batch(batch.data(), n, c, hw);
    all.insert(all.end(), batch.begin(), batch.end());
  }
  for (int ch = 0; ch < c; ++ch) {
    const Reference ref = stacked(all, n * batches, c, hw, ch);
    const bnlab::Moments& m = moments.channels()[ch];
    EXPECT_EQ(m.count, n * batches * hw);
    EXPECT_NEAR(m.mean, ref.mean, 1e-12 * std::fabs(ref.mean) + 1e-13);
    EXPECT_NEAR(m.variance_unbiased(), ref.var, 1e-12 * ref.var);
    EXPECT_NEAR(m.variance_biased(), ref.var * (m.count - 1) / m.count, 1e-12 * ref.var);
  }
}

TEST(ChannelMoments, MergingHalvesEqualsOneStream) {
  const int n = 4, c = 2, hw = 3;
  std::mt19937 rng(9);
  std::uniform_real_distribution<float> uniform(-100.0f, 300.0f);
  bnlab::ChannelMoments whole(c), first(c), second(c);
  for (int step = 0; step < 20; ++step) {
    std::vector<float> batch(n * c * hw);
    for (float& v : batch) v = uniform(rng);
    whole.add_batch(batch.data(), n, c, hw);
    (step < 7 ? first : second).add_batch(batch.data(), n, c, hw);
  }
  first.merge(second);
  for (int ch = 0; ch < c; ++ch) {
    EXPECT_EQ(first.channels()[ch].count, whole.channels()[ch].count);
    EXPECT_NEAR(first.channels()[ch].mean, whole.channels()[ch].mean, 1e-10);
    EXPECT_NEAR(first.channels()[ch].variance_unbiased(), whole.channels()[ch].variance_unbiased(),
                1e-8);
  }
}

TEST(ChannelMoments, UndefinedVarianceIsNan) {
  bnlab::Moments empty;
  EXPECT_TRUE(std::isnan(empty.variance_unbiased()));
  EXPECT_TRUE(std::isnan(empty.variance_biased()));
  bnlab::Moments one{1, 2.5, 0};
  EXPECT_TRUE(std::isnan(one.variance_unbiased()));
  EXPECT_EQ(one.variance_biased(), 0.0);
  bnlab::Moments merged;
  merged.merge(one);
  EXPECT_EQ(merged.mean, 2.5);
  merged.merge(bnlab::Moments{1, 4.5, 0});
  EXPECT_EQ(merged.mean, 3.5);
  EXPECT_EQ(merged.variance_unbiased(), 2.0);
}

}  // namespace

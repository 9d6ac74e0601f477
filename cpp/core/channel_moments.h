// Streaming per-channel mean and variance in double (Chan et al.'s parallel
// update): O(C) memory where the article stacks every input with torch.cat.
#pragma once

#include <cstdint>
#include <vector>

namespace bnlab {

struct Moments {
  double count = 0, mean = 0, m2 = 0;  // m2: sum of squared deviations
  void merge(const Moments& other);
  double variance_unbiased() const;  // NaN when count < 2
  double variance_biased() const;    // NaN when count < 1
};

class ChannelMoments {
 public:
  explicit ChannelMoments(std::int64_t channels) : moments_(static_cast<std::size_t>(channels)) {}
  // Adds a contiguous NCHW float32 batch, channel by channel.
  void add_batch(const float* input, std::int64_t n, std::int64_t c, std::int64_t hw);
  void merge(const ChannelMoments& other);
  const std::vector<Moments>& channels() const { return moments_; }

 private:
  std::vector<Moments> moments_;
};

}  // namespace bnlab

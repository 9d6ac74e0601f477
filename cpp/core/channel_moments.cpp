#include "channel_moments.h"

#include <cmath>
#include <limits>

namespace bnlab {

void Moments::merge(const Moments& other) {
  if (other.count == 0) return;
  if (count == 0) {
    *this = other;
    return;
  }
  const double total = count + other.count;
  const double delta = other.mean - mean;
  mean += delta * (other.count / total);
  m2 += other.m2 + delta * delta * (count * other.count / total);
  count = total;
}

double Moments::variance_unbiased() const {
  return count < 2 ? std::numeric_limits<double>::quiet_NaN() : m2 / (count - 1);
}

double Moments::variance_biased() const {
  return count < 1 ? std::numeric_limits<double>::quiet_NaN() : m2 / count;
}

void ChannelMoments::add_batch(const float* input, std::int64_t n, std::int64_t c,
                               std::int64_t hw) {
  // Two passes per batch (exact-ish batch moments), then one Chan merge per channel.
  const double count = static_cast<double>(n * hw);
  for (std::int64_t ch = 0; ch < c; ++ch) {
    double sum = 0.0;
    for (std::int64_t b = 0; b < n; ++b) {
      const float* plane = input + (b * c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i) sum += plane[i];
    }
    const double mean = sum / count;
    double m2 = 0.0;
    for (std::int64_t b = 0; b < n; ++b) {
      const float* plane = input + (b * c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i) {
        const double d = plane[i] - mean;
        m2 += d * d;
      }
    }
    moments_[static_cast<std::size_t>(ch)].merge(Moments{count, mean, m2});
  }
}

void ChannelMoments::merge(const ChannelMoments& other) {
  for (std::size_t i = 0; i < moments_.size() && i < other.moments_.size(); ++i) {
    moments_[i].merge(other.moments_[i]);
  }
}

}  // namespace bnlab

// The article's "manual" statistics, stacked.mean(dim=(0,2,3)) and
// stacked.var(dim=(0,2,3)), computed as PyTorch 1.13 computes them on the
// stacked float32 tensor (one thread), bit for bit, without stacking: O(C)
// state plus a bounded amount per channel for PyTorch's summation blocking.
// Also the same statistics in double precision, for comparison.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "torch_reduce.h"

namespace bnlab {

class ManualStatistics {
 public:
  // For up to `max_steps` batches of batch x channels x hw floats (NCHW).
  ManualStatistics(std::int64_t batch, std::int64_t channels, std::int64_t hw,
                   std::int64_t max_steps);

  void add_batch(const float* input);
  std::int64_t steps() const { return steps_; }

  // PyTorch's float32 statistics of the steps added so far (NaN when undefined).
  // With one channel PyTorch's variance is two-pass (the mean first): it is
  // exact once set_one_channel_variance has run for these steps, and until then
  // the double-precision variance rounded to float.
  void mean(float* out) const;
  void var(float* out) const;
  // The same in double precision: with several channels Welford's mean and
  // unbiased variance, the accumulators of PyTorch's variance kernel before it
  // rounds to float; with one channel a streaming (Chan) mean and variance.
  void exact_mean(double* out) const;
  void exact_var(double* out) const;

  // One channel: PyTorch's variance needs every value again with the final
  // mean. Feed the same batches to a OneChannelVariance and hand it back here.
  bool variance_needs_second_pass() const { return channels_ == 1; }
  class OneChannelVariance {
   public:
    void add_batch(const float* input, std::int64_t count);

   private:
    friend class ManualStatistics;
    double mean_ = 0, sum_squares_ = 0;
  };
  OneChannelVariance start_second_pass() const;
  void finish_second_pass(const OneChannelVariance& pass);

  // Bytes of state held, for checking that it does not grow with the steps.
  std::size_t state_bytes() const;

 private:
  enum class Plan { kPerSample, kRows, kOneChannel };
  void add_rows(const float* input);
  void add_one_channel(const float* input, std::int64_t count);
  void add_welford(const float* input);
  const CascadeLanes& lanes_for(const std::vector<CascadeLanes>& set, std::int64_t rows) const;
  float one_channel_sum() const;

  std::int64_t batch_, channels_, hw_, max_steps_;
  Plan plan_;
  std::int64_t steps_ = 0;

  // Welford in double per channel (all channels share the count); one channel: Chan.
  std::vector<double> welford_mean_, welford_m2_;
  std::int64_t count_ = 0;

  // kPerSample (H*W > 1, C > 1): a float sum over samples of row sums.
  std::vector<float> sample_sums_;
  // kRows (H*W == 1, C > 1): the first `direct_` channels are summed row by row
  // (one lane each); the rest by row_sum, 4 rows (samples) at a time. One set of
  // lanes per level power a sum of the run can have.
  std::int64_t direct_ = 0;
  std::vector<CascadeLanes> direct_lanes_, ilp_lanes_;
  std::vector<float> pending_;  // rows not yet in ilp_lanes_ / stream values
  std::int64_t pending_count_ = 0;
  // kOneChannel: one contiguous row of every value, 32-float rows (4 vectors);
  // the first 8 values for sums of fewer than 8.
  std::vector<CascadeLanes> stream_lanes_;
  std::vector<float> head_;
  mutable std::vector<float> scratch_sums_, scratch_partial_;
  std::int64_t one_channel_var_steps_ = -1;
  float one_channel_var_ = 0;
};

}  // namespace bnlab

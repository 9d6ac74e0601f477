#include "channel_moments.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

#include "welford_m2.h"

#if defined(__wasm_simd128__)
#include <wasm_simd128.h>
#endif

namespace bnlab {
namespace {

constexpr std::int64_t kIlp = 4;
constexpr std::int64_t kVectorWidth = 8;
constexpr std::int64_t kStreamRow = kIlp * kVectorWidth;
// PyTorch's NaNs, bit for bit (the verification script compares bits): its
// variance of no values is a quiet NaN (0x7fc00000); its mean of no values and
// variance of one value are x86's 0 / 0, the negative default NaN (0xffc00000),
// written out so that no build depends on the hardware's (or wasm's) choice.
constexpr float kNanF = std::numeric_limits<float>::quiet_NaN();
constexpr float kZeroByZeroF = -std::numeric_limits<float>::quiet_NaN();
constexpr double kNan = std::numeric_limits<double>::quiet_NaN();

// PyTorch's variance kernel (compiled with FMA) fuses m2 + delta * new_delta.
// On x86-64 an FMA clone runs where the CPU has it; WebAssembly has no fma
// instruction: there the unfused sum is proven equal to the fused one, or the
// fma emulated exactly (welford_m2.h). Not under clang: clang 14 (the
// fuzz build) refuses target_clones on a function template.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__EMSCRIPTEN__)
#define BNLAB_WELFORD_CLONES __attribute__((target_clones("fma", "default")))
#else
#define BNLAB_WELFORD_CLONES
#endif

#if !defined(__wasm_simd128__)
inline double fused_multiply_add(double a, double b, double c) {
#if defined(__EMSCRIPTEN__) || defined(__wasm__)
  return fma_by_odd_rounding(a, b, c);
#else
  return std::fma(a, b, c);
#endif
}
#endif

#if defined(__wasm_simd128__)
// WebAssembly: the same chains on f64x2 pairs of channels (an odd last channel
// in scalar code), written out because the fused m2 update is not one
// instruction here. Each m2 update is the unfused sum proven equal to the
// fused one (welford_m2.h); a lane that is not proven is redone with the
// exact emulation. The means and m2 follow the same IEEE
// operations per channel as the generic group below, bit for bit. (Branch per
// pair, not per row: arrays of a row's new values were kept in memory and
// copied with memcpy at every row.)
template <int L>
inline __attribute__((always_inline)) void welford_group(
    double* __restrict__ mean, double* __restrict__ m2, const float* __restrict__ x,
    std::int64_t rows, std::int64_t stride, std::int64_t lane_stride, std::int64_t count) {
  constexpr int kPairs = L / 2;
  constexpr int kSlots = kPairs > 0 ? kPairs : 1;
  constexpr bool kOdd = L % 2 != 0;
  v128_t mu[kSlots], q[kSlots];
  for (int p = 0; p < kPairs; ++p) {
    mu[p] = wasm_v128_load(mean + 2 * p);
    q[p] = wasm_v128_load(m2 + 2 * p);
  }
  double mu_t = kOdd ? mean[L - 1] : 0.0, q_t = kOdd ? m2[L - 1] : 0.0;
  const auto pair = [&](const float* row, int p) {
    if (lane_stride == 1) {
      return wasm_f64x2_promote_low_f32x4(wasm_v128_load64_zero(row + 2 * p));
    }
    return wasm_f64x2_make(row[2 * p * lane_stride], row[(2 * p + 1) * lane_stride]);
  };
  for (std::int64_t r = 0; r < rows; ++r) {
    const double nd = static_cast<double>(count + r + 1);
    const v128_t n = wasm_f64x2_splat(nd);
    const float* row = x + r * stride;
    for (int p = 0; p < kPairs; ++p) {
      const v128_t v = pair(row, p);
      const v128_t delta = wasm_f64x2_sub(v, mu[p]);
      const v128_t new_mu = wasm_f64x2_add(mu[p], wasm_f64x2_div(delta, n));
      const v128_t w = wasm_f64x2_sub(v, new_mu);
      v128_t doubtful = wasm_i64x2_splat(0);
      v128_t new_q = m2_update_checked_x2(delta, w, q[p], &doubtful);
      if (__builtin_expect(wasm_v128_any_true(doubtful), 0)) {
        new_q = wasm_v128_bitselect(m2_update_exact_x2(delta, w, q[p]), new_q, doubtful);
      }
      mu[p] = new_mu;
      q[p] = new_q;
    }
    if (kOdd) {
      const double v = row[(L - 1) * lane_stride];
      const double delta = v - mu_t;
      const double new_mu = mu_t + delta / nd;
      q_t = m2_update(delta, v - new_mu, q_t);
      mu_t = new_mu;
    }
  }
  for (int p = 0; p < kPairs; ++p) {
    wasm_v128_store(mean + 2 * p, mu[p]);
    wasm_v128_store(m2 + 2 * p, q[p]);
  }
  if (kOdd) {
    mean[L - 1] = mu_t;
    m2[L - 1] = q_t;
  }
}
#else
// WelfordOps::reduce: value `i` of a channel is divided by double(count + i + 1).
// A group of L channels keeps its means and m2 in registers over all its rows:
// each channel's chain (subtract, divide, add) is latency-bound, so the L
// chains run side by side (vectorised across channels, the same IEEE
// operations per lane) and nothing goes through memory between rows.
// Value (row r, lane l) is x[r * stride + l * lane_stride]; with lane_stride
// not 1 (channels' planes) the loads are scalar, which the divisions hide.
template <int L>
inline __attribute__((always_inline)) void welford_group(
    double* __restrict__ mean, double* __restrict__ m2, const float* __restrict__ x,
    std::int64_t rows, std::int64_t stride, std::int64_t lane_stride, std::int64_t count) {
  double mu[L], q[L];
  for (int l = 0; l < L; ++l) {
    mu[l] = mean[l];
    q[l] = m2[l];
  }
  for (std::int64_t r = 0; r < rows; ++r) {
    const double n = static_cast<double>(count + r + 1);
    const float* row = x + r * stride;
    for (int l = 0; l < L; ++l) {
      const double v = row[l * lane_stride];
      const double delta = v - mu[l];
      const double new_mean = mu[l] + delta / n;
      q[l] = fused_multiply_add(delta, v - new_mean, q[l]);
      mu[l] = new_mean;
    }
  }
  for (int l = 0; l < L; ++l) {
    mean[l] = mu[l];
    m2[l] = q[l];
  }
}

#endif

// `x` holds `rows` rows of `lanes` channels: row r, channel l at
// x[r * stride + l * lane_stride]. kLaneStride is lane_stride when known (1:
// rows of channels side by side) or 0 (given at run time).
template <std::int64_t kLaneStride>
BNLAB_WELFORD_CLONES void welford_fused(double* __restrict__ mean, double* __restrict__ m2,
                                        const float* __restrict__ x, std::int64_t rows,
                                        std::int64_t lanes, std::int64_t stride,
                                        std::int64_t lane_stride, std::int64_t count) {
  const std::int64_t ls = kLaneStride != 0 ? kLaneStride : lane_stride;
  std::int64_t l = 0;
  for (; l + 16 <= lanes; l += 16) {
    welford_group<16>(mean + l, m2 + l, x + l * ls, rows, stride, ls, count);
  }
  if (lanes - l >= 8) {
    welford_group<8>(mean + l, m2 + l, x + l * ls, rows, stride, ls, count);
    l += 8;
  }
  if (lanes - l >= 4) {
    welford_group<4>(mean + l, m2 + l, x + l * ls, rows, stride, ls, count);
    l += 4;
  }
  switch (lanes - l) {
    case 3:
      welford_group<3>(mean + l, m2 + l, x + l * ls, rows, stride, ls, count);
      break;
    case 2:
      welford_group<2>(mean + l, m2 + l, x + l * ls, rows, stride, ls, count);
      break;
    case 1:
      welford_group<1>(mean + l, m2 + l, x + l * ls, rows, stride, ls, count);
      break;
    default:
      break;
  }
}

// One channel: PyTorch's variance does not use Welford there, so the double
// statistics need not follow any rounding. The batch's own mean and squared
// deviations (two passes, no division per value), merged by Chan's update.
void merge_batch_moments(double* mean, double* m2, const float* x, std::int64_t n,
                         std::int64_t count) {
  double sum = 0;
  for (std::int64_t i = 0; i < n; ++i) sum += x[i];
  const double batch_mean = sum / static_cast<double>(n);
  double batch_m2 = 0;
  for (std::int64_t i = 0; i < n; ++i) {
    const double d = x[i] - batch_mean;
    batch_m2 += d * d;
  }
  const double total = static_cast<double>(count + n);
  const double delta = batch_mean - *mean;
  *mean += delta * (static_cast<double>(n) / total);
  *m2 += batch_m2 + delta * delta * (static_cast<double>(count) * static_cast<double>(n) / total);
}

float row_sum(const float* x, std::int64_t n) {
  return n >= kVectorWidth ? torch_vector_row_sum(x, n) : torch_row_sum(x, n);
}

// One set of lanes per level power that a sum over rows(1) .. rows(max_steps)
// rows can have (the power only grows with the row count).
template <typename RowsAt>
std::vector<CascadeLanes> lane_set(std::int64_t lanes, std::int64_t max_steps, RowsAt rows_at) {
  std::vector<CascadeLanes> set;
  const int first = cascade_level_power(rows_at(1));
  const int last = cascade_level_power(rows_at(std::max<std::int64_t>(1, max_steps)));
  for (int p = first; p <= last; ++p) set.emplace_back(lanes, p);
  return set;
}

}  // namespace

ManualStatistics::ManualStatistics(std::int64_t batch, std::int64_t channels, std::int64_t hw,
                                   std::int64_t max_steps)
    : batch_(batch),
      channels_(channels),
      hw_(hw),
      max_steps_(max_steps),
      plan_(channels == 1 ? Plan::kOneChannel
            : hw > 1      ? Plan::kPerSample
                          : Plan::kRows),
      welford_mean_(static_cast<std::size_t>(channels), 0.0),
      welford_m2_(static_cast<std::size_t>(channels), 0.0) {
  switch (plan_) {
    case Plan::kPerSample:
      sample_sums_.assign(static_cast<std::size_t>(channels), 0.0f);
      break;
    case Plan::kRows: {
      // vectorized_outer_sum sums 32 channels at a time directly; from 8
      // channels the rest, and below 8 channels all but groups of 4, go
      // through row_sum.
      direct_ =
          channels >= kVectorWidth ? channels / kStreamRow * kStreamRow : channels / kIlp * kIlp;
      const std::int64_t rest = channels - direct_;
      if (direct_ > 0) {
        direct_lanes_ = lane_set(direct_, max_steps, [&](std::int64_t k) { return k * batch; });
      }
      if (rest > 0) {
        ilp_lanes_ =
            lane_set(kIlp * rest, max_steps, [&](std::int64_t k) { return k * batch / kIlp; });
        pending_.assign(static_cast<std::size_t>(kIlp * rest), 0.0f);
      }
      break;
    }
    case Plan::kOneChannel:
      stream_lanes_ = lane_set(kStreamRow, max_steps,
                               [&](std::int64_t k) { return k * batch * hw / kStreamRow; });
      pending_.assign(kStreamRow, 0.0f);
      head_.reserve(kVectorWidth);
      break;
  }
}

void ManualStatistics::add_batch(const float* input) {
  if (steps_ >= max_steps_) throw std::logic_error("ManualStatistics: more batches than planned");
  add_welford(input);
  switch (plan_) {
    case Plan::kPerSample:
      for (std::int64_t b = 0; b < batch_; ++b) {
        for (std::int64_t c = 0; c < channels_; ++c) {
          sample_sums_[static_cast<std::size_t>(c)] +=
              row_sum(input + (b * channels_ + c) * hw_, hw_);
        }
      }
      break;
    case Plan::kRows:
      add_rows(input);
      break;
    case Plan::kOneChannel:
      add_one_channel(input, batch_ * hw_);
      break;
  }
  ++steps_;
}

void ManualStatistics::add_welford(const float* input) {
  double* mean = welford_mean_.data();
  double* m2 = welford_m2_.data();
  if (plan_ == Plan::kOneChannel) {
    merge_batch_moments(mean, m2, input, batch_ * hw_, count_);
  } else if (plan_ == Plan::kRows) {
    welford_fused<1>(mean, m2, input, batch_, channels_, channels_, 1, count_);
  } else {
    // Each channel in memory order (its h, w, then the next sample): a
    // sample's planes are the rows' lanes.
    for (std::int64_t b = 0; b < batch_; ++b) {
      welford_fused<0>(mean, m2, input + b * channels_ * hw_, hw_, channels_, 1, hw_,
                       count_ + b * hw_);
    }
  }
  count_ += batch_ * hw_;
}

void ManualStatistics::add_rows(const float* input) {
  const std::int64_t rest = channels_ - direct_;
  for (std::int64_t b = 0; b < batch_; ++b) {
    const float* row = input + b * channels_;
    for (auto& lanes : direct_lanes_) lanes.add_row(row);
    if (rest == 0) continue;
    std::copy(row + direct_, row + channels_, pending_.begin() + pending_count_ * rest);
    if (++pending_count_ == kIlp) {
      for (auto& lanes : ilp_lanes_) lanes.add_row(pending_.data());
      pending_count_ = 0;
    }
  }
}

void ManualStatistics::add_one_channel(const float* input, std::int64_t count) {
  std::int64_t i = 0;
  for (; i < count && static_cast<std::int64_t>(head_.size()) < kVectorWidth; ++i) {
    head_.push_back(input[i]);
    pending_[static_cast<std::size_t>(pending_count_++)] = input[i];
    if (pending_count_ == kStreamRow) {
      for (auto& lanes : stream_lanes_) lanes.add_row(pending_.data());
      pending_count_ = 0;
    }
  }
  for (; i < count; ++i) {
    if (pending_count_ == 0) {
      // Whole rows straight from the batch.
      for (; i + kStreamRow <= count; i += kStreamRow) {
        for (auto& lanes : stream_lanes_) lanes.add_row(input + i);
      }
      if (i == count) break;
    }
    pending_[static_cast<std::size_t>(pending_count_++)] = input[i];
    if (pending_count_ == kStreamRow) {
      for (auto& lanes : stream_lanes_) lanes.add_row(pending_.data());
      pending_count_ = 0;
    }
  }
}

const CascadeLanes& ManualStatistics::lanes_for(const std::vector<CascadeLanes>& set,
                                                std::int64_t rows) const {
  const int index = cascade_level_power(rows) - set.front().power();
  if (index < 0 || index >= static_cast<int>(set.size())) {
    throw std::logic_error("ManualStatistics: no lanes for this level power");
  }
  return set[static_cast<std::size_t>(index)];
}

float ManualStatistics::one_channel_sum() const {
  const std::int64_t n = steps_ * batch_ * hw_;
  if (n < kVectorWidth) return torch_sum(head_.data(), n);
  // vectorized_inner_sum's row_sum, finished with the values not yet in a row.
  float partial[kStreamRow];
  lanes_for(stream_lanes_, n / kStreamRow).finish(partial);
  const std::int64_t vectors = pending_count_ / kVectorWidth;
  for (std::int64_t v = 0; v < vectors; ++v) {
    for (std::int64_t l = 0; l < kVectorWidth; ++l) {
      partial[l] += pending_[static_cast<std::size_t>(v * kVectorWidth + l)];
    }
  }
  for (std::int64_t k = 1; k < kIlp; ++k) {
    for (std::int64_t l = 0; l < kVectorWidth; ++l) partial[l] += partial[k * kVectorWidth + l];
  }
  float sum = 0.0f;
  for (std::int64_t t = vectors * kVectorWidth; t < pending_count_; ++t) {
    sum += pending_[static_cast<std::size_t>(t)];
  }
  for (std::int64_t l = 0; l < kVectorWidth; ++l) sum += partial[l];
  return 0.0f + sum;
}

void ManualStatistics::mean(float* out) const {
  const std::int64_t rows = steps_ * batch_;
  // sum(...).div_(S * H * W): one float division by the count rounded to float.
  const float count = static_cast<float>(rows * hw_);
  if (steps_ == 0) {
    std::fill(out, out + channels_, kZeroByZeroF);
    return;
  }
  switch (plan_) {
    case Plan::kPerSample:
      for (std::int64_t c = 0; c < channels_; ++c) {
        out[c] = sample_sums_[static_cast<std::size_t>(c)] / count;
      }
      break;
    case Plan::kOneChannel:
      out[0] = one_channel_sum() / count;
      break;
    case Plan::kRows: {
      // Scratch kept between calls: a trace reads the mean after every step.
      std::vector<float>& sums = scratch_sums_;
      std::vector<float>& partial = scratch_partial_;
      sums.resize(static_cast<std::size_t>(channels_));
      if (direct_ > 0) lanes_for(direct_lanes_, rows).finish(sums.data());
      const std::int64_t rest = channels_ - direct_;
      if (rest > 0) {
        partial.resize(static_cast<std::size_t>(kIlp * rest));
        lanes_for(ilp_lanes_, rows / kIlp).finish(partial.data());
        for (std::int64_t r = 0; r < rest; ++r) {
          float s = partial[static_cast<std::size_t>(r)];
          for (std::int64_t q = 0; q < pending_count_; ++q) {
            s += pending_[static_cast<std::size_t>(q * rest + r)];
          }
          for (std::int64_t k = 1; k < kIlp; ++k)
            s += partial[static_cast<std::size_t>(k * rest + r)];
          sums[static_cast<std::size_t>(direct_ + r)] = s;
        }
      }
      for (std::int64_t c = 0; c < channels_; ++c) {
        out[c] = (0.0f + sums[static_cast<std::size_t>(c)]) / count;
      }
      break;
    }
  }
}

void ManualStatistics::var(float* out) const {
  if (plan_ == Plan::kOneChannel) {
    if (one_channel_var_steps_ == steps_) {
      out[0] = one_channel_var_;
    } else {
      double v;
      exact_var(&v);
      out[0] = static_cast<float>(v);
    }
    return;
  }
  // WelfordOps::project: m2 / (n - 1), or m2 / 0 with fewer than 2 values.
  const double n = static_cast<double>(count_);
  const double divisor = n > 1 ? n - 1 : 0.0;
  for (std::int64_t c = 0; c < channels_; ++c) {
    out[c] = count_ == 0   ? kNanF
             : count_ == 1 ? kZeroByZeroF
                           : static_cast<float>(welford_m2_[static_cast<std::size_t>(c)] / divisor);
  }
}

void ManualStatistics::exact_mean(double* out) const {
  for (std::int64_t c = 0; c < channels_; ++c) {
    out[c] = count_ == 0 ? kNan : welford_mean_[static_cast<std::size_t>(c)];
  }
}

void ManualStatistics::exact_var(double* out) const {
  for (std::int64_t c = 0; c < channels_; ++c) {
    out[c] = count_ < 2
                 ? kNan
                 : welford_m2_[static_cast<std::size_t>(c)] / static_cast<double>(count_ - 1);
  }
}

void ManualStatistics::OneChannelVariance::add_batch(const float* input, std::int64_t count) {
  // std_var_all_cpu: ((x - mean)^2).sum() in double, plain multiply and add.
  double s = sum_squares_;
  for (std::int64_t i = 0; i < count; ++i) {
    const double d = static_cast<double>(input[i]) - mean_;
    s += d * d;
  }
  sum_squares_ = s;
}

ManualStatistics::OneChannelVariance ManualStatistics::start_second_pass() const {
  OneChannelVariance pass;
  float m;
  mean(&m);
  pass.mean_ = m;
  return pass;
}

void ManualStatistics::finish_second_pass(const OneChannelVariance& pass) {
  const double n = static_cast<double>(steps_ * batch_ * hw_);
  one_channel_var_ = n > 1    ? static_cast<float>(pass.sum_squares_ / (n - 1.0))
                     : n == 1 ? kZeroByZeroF
                              : kNanF;
  one_channel_var_steps_ = steps_;
}

std::size_t ManualStatistics::state_bytes() const {
  std::size_t bytes = sizeof(*this);
  bytes += (welford_mean_.capacity() + welford_m2_.capacity()) * sizeof(double);
  bytes += (sample_sums_.capacity() + pending_.capacity() + head_.capacity() +
            scratch_sums_.capacity() + scratch_partial_.capacity()) *
           sizeof(float);
  for (const auto* set : {&direct_lanes_, &ilp_lanes_, &stream_lanes_}) {
    for (const auto& lanes : *set) bytes += sizeof(lanes) + lanes.state_bytes();
  }
  return bytes;
}

}  // namespace bnlab

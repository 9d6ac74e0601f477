#include "torch_reduce.h"

#include <algorithm>
#include <cstring>

namespace bnlab {
namespace {

constexpr int kLevels = 4;       // multi_row_sum's num_levels
constexpr int kIlp = 4;          // row_sum's ilp_factor
constexpr int kVectorWidth = 8;  // floats in an AVX2 vector

int ceil_log2(std::int64_t x) {
  if (x <= 2) return 1;
  int bits = 0;
  for (std::uint64_t v = static_cast<std::uint64_t>(x) - 1; v != 0; v >>= 1) ++bits;
  return bits;
}

// CascadeLanes with a fixed lane count on the stack: one row's sum is taken
// thousands of times a step, too often to allocate its levels each time.
template <int N>
struct FixedCascade {
  explicit FixedCascade(int power) : power(power) {}
  void add_row(const float* row) {
    for (int l = 0; l < N; ++l) acc[0][l] += row[l];
    ++rows;
    const std::int64_t mask = (std::int64_t{1} << power) - 1;
    if ((rows & mask) != 0) return;
    for (int j = 1; j < kLevels; ++j) {
      for (int l = 0; l < N; ++l) {
        acc[j][l] += acc[j - 1][l];
        acc[j - 1][l] = 0.0f;
      }
      if ((rows & (mask << (j * power))) != 0) break;
    }
  }
  void finish(float* out) const {
    for (int l = 0; l < N; ++l) {
      float sum = acc[0][l];
      for (int j = 1; j < kLevels; ++j) sum += acc[j][l];
      out[l] = sum;
    }
  }
  int power;
  std::int64_t rows = 0;
  float acc[kLevels][N] = {};
};

}  // namespace

int cascade_level_power(std::int64_t rows) { return std::max(4, ceil_log2(rows) / kLevels); }

CascadeLanes::CascadeLanes(std::int64_t lanes, int power)
    : lanes_(lanes), power_(power), acc_(static_cast<std::size_t>(kLevels * lanes), 0.0f) {}

void CascadeLanes::add_row(const float* row) {
  float* level0 = acc_.data();
  for (std::int64_t l = 0; l < lanes_; ++l) level0[l] += row[l];
  ++rows_;
  if ((rows_ & ((std::int64_t{1} << power_) - 1)) == 0) carry();
}

void CascadeLanes::carry() {
  const std::int64_t level_mask = (std::int64_t{1} << power_) - 1;
  for (int j = 1; j < kLevels; ++j) {
    float* lower = acc_.data() + (j - 1) * lanes_;
    float* upper = acc_.data() + j * lanes_;
    for (std::int64_t l = 0; l < lanes_; ++l) {
      upper[l] += lower[l];
      lower[l] = 0.0f;
    }
    if ((rows_ & (level_mask << (j * power_))) != 0) break;
  }
}

void CascadeLanes::finish(float* out) const {
  for (std::int64_t l = 0; l < lanes_; ++l) {
    float sum = acc_[l];
    for (int j = 1; j < kLevels; ++j) sum += acc_[j * lanes_ + l];
    out[l] = sum;
  }
}

float torch_row_sum(const float* x, std::int64_t n) {
  const std::int64_t rows = n / kIlp;
  FixedCascade<kIlp> lanes(cascade_level_power(rows));
  for (std::int64_t i = 0; i < rows; ++i) lanes.add_row(x + i * kIlp);
  float partial[kIlp];
  lanes.finish(partial);
  for (std::int64_t i = rows * kIlp; i < n; ++i) partial[0] += x[i];
  for (int k = 1; k < kIlp; ++k) partial[0] += partial[k];
  return partial[0];
}

float torch_vector_row_sum(const float* x, std::int64_t n) {
  constexpr int kRow = kIlp * kVectorWidth;
  const std::int64_t vectors = n / kVectorWidth;
  const std::int64_t rows = vectors / kIlp;
  float partial[kRow] = {};
  const int power = cascade_level_power(rows);
  if (rows < (std::int64_t{1} << power)) {
    // No carry yet: the upper levels hold +0, and level 0 (a sum from +0, never
    // -0) plus +0 is itself.
    for (std::int64_t i = 0; i < rows; ++i) {
      for (int l = 0; l < kRow; ++l) partial[l] += x[i * kRow + l];
    }
  } else {
    FixedCascade<kRow> lanes(power);
    for (std::int64_t i = 0; i < rows; ++i) lanes.add_row(x + i * kRow);
    lanes.finish(partial);
  }
  for (std::int64_t v = rows * kIlp; v < vectors; ++v) {
    for (int l = 0; l < kVectorWidth; ++l) partial[l] += x[v * kVectorWidth + l];
  }
  for (int k = 1; k < kIlp; ++k) {
    for (int l = 0; l < kVectorWidth; ++l) partial[l] += partial[k * kVectorWidth + l];
  }
  float sum = 0.0f;
  for (std::int64_t i = vectors * kVectorWidth; i < n; ++i) sum += x[i];
  for (int l = 0; l < kVectorWidth; ++l) sum += partial[l];
  return sum;
}

float torch_sum(const float* x, std::int64_t n) {
  const float row = n >= kVectorWidth ? torch_vector_row_sum(x, n) : torch_row_sum(x, n);
  return 0.0f + row;
}

}  // namespace bnlab

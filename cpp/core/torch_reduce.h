// PyTorch 1.13's CPU float32 sum order (cascade_sum with its AVX2 kernels, one
// thread) and the double fused multiply-add of its variance kernel, bit for bit.
// The rules are written down in docs/pytorch-parity.md, section 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bnlab {

// multi_row_sum's level power for a sum over `rows` rows: max(4, CeilLog2(rows) / 4).
int cascade_level_power(std::int64_t rows);

// multi_row_sum for `lanes` independent lanes: four levels of float accumulators
// per lane; level 0 takes rows, and every 2^power rows the levels are carried up.
// finish() gives what PyTorch returns after the rows added so far, and does not
// change the state, so a sum can be read after every row of a longer one.
class CascadeLanes {
 public:
  CascadeLanes(std::int64_t lanes, int power);
  void add_row(const float* row);
  void finish(float* out) const;
  int power() const { return power_; }
  std::int64_t rows() const { return rows_; }
  std::size_t state_bytes() const { return acc_.capacity() * sizeof(float); }

 private:
  void carry();
  std::int64_t lanes_;
  int power_;
  std::int64_t rows_ = 0;
  std::vector<float> acc_;  // level-major: acc_[level * lanes_ + lane]
};

// row_sum: four interleaved partial sums over n floats (stride 1), the n % 4
// leftovers added to the first, then the four added in order.
float torch_row_sum(const float* x, std::int64_t n);

// vectorized_inner_sum of one contiguous row of n >= 8 floats: row_sum over
// 8-float vectors, the scalar tail from 0, then the 8 lanes in order.
float torch_vector_row_sum(const float* x, std::int64_t n);

// x.sum() of a contiguous 1-D float32 tensor of n elements (0 + the row's sum).
float torch_sum(const float* x, std::int64_t n);

// fma(a, b, c) correctly rounded without an FMA instruction (WebAssembly has
// none, and musl's software fma is slow): the exact product as two doubles,
// then a sum of three terms with the middle one rounded to odd (Boldo and
// Melquiond's emulation). Exact for finite inputs whose product neither
// overflows nor comes near the subnormal range.
double fma_by_odd_rounding(double a, double b, double c);

}  // namespace bnlab

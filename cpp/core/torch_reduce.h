// PyTorch 1.13's CPU float32 sum order (cascade_sum with its AVX2 kernels, one
// thread) and the double fused multiply-add of its variance kernel, bit for bit.
// The rules are written down in docs/pytorch-parity.md, section 5.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "float_bits.h"

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
// Inline: called once per value in loops over channels, which it must not keep
// from vectorising (an out-of-line call per value was 38 % of a wasm step).
inline double fma_by_odd_rounding(double a, double b, double c);

inline double fma_by_odd_rounding(double a, double b, double c) {
  // a*b = uh + ul exactly (Veltkamp splitting, Dekker's product).
  constexpr double kSplitter = 134217729.0;  // 2^27 + 1
  const double uh = a * b;
  double t = kSplitter * a;
  const double ah = t - (t - a), al = a - ah;
  t = kSplitter * b;
  const double bh = t - (t - b), bl = b - bh;
  const double ul = ((ah * bh - uh) + ah * bl + al * bh) + al * bl;
  // c + uh = th + tl exactly (2Sum).
  const double th = c + uh;
  const double tb = th - c;
  const double tl = (c - (th - tb)) + (uh - tb);
  // v = tl + ul rounded to odd: the rounded-to-nearest sum, moved to its odd
  // neighbour on the side of the exact sum when inexact and even.
  double v = tl + ul;
  const double vb = v - tl;
  const double err = (tl - (v - vb)) + (ul - vb);
  // Without branches, so that loops over channels stay vectorisable.
  const std::uint64_t u = double_bits(v);
  const std::uint64_t move = static_cast<std::uint64_t>(err != 0.0) & ~u & 1;
  const std::uint64_t step = ((err > 0) == (v > 0)) ? 1 : ~std::uint64_t{0};
  return th + bits_double(u + move * step);
}

}  // namespace bnlab

// The WebAssembly build's SIMD fma loops (cpp/core/fma_wasm_simd.cpp) against
// the scalar std::fma loops they replace (cpp/core/fma_portable.cpp), bit for
// bit: random floats over the whole exponent range, BatchNorm-like values,
// zeros, infinities, NaNs, subnormal results, and crafted cases whose double
// sum lands exactly halfway between two floats while the exact a*b+c does not
// (where rounding the double sum to float would be wrong). Built with the
// module by `npm run build:wasm`; tests/node/fma_simd.test.mjs runs it. Prints
// the counts; exit status 1 on any difference.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <limits>
#include <random>
#include <vector>

#include "float_bits.h"
#include "fma_simd.h"

#if !defined(__wasm_simd128__)
#error "fma_simd_check is built for WebAssembly with -msimd128"
#endif

namespace {

using bnlab::bits_float;
using bnlab::float_bits;

std::int64_t differ(const std::vector<float>& a, const std::vector<float>& b) {
  std::int64_t n = 0;
  for (std::size_t i = 0; i < a.size(); ++i) n += float_bits(a[i]) != float_bits(b[i]);
  return n;
}

// x * a + b whose double sum is exactly a float halfway point: b = c, and
// x * a = h * (1 - m^2 2^-46) with h half an ulp of c, so the exact sum is just
// below (or, negated, just above) the halfway point, by far less than half a
// double ulp. Both parities of c's last bit, both signs.
void crafted(std::mt19937& rng, float* x, float* a, float* b) {
  const auto m = static_cast<float>(1 + rng() % 255);
  const int e = static_cast<int>(rng() % 60) - 30;
  float c = std::ldexp(1.0f + static_cast<float>(rng() % (1u << 23)) * 0x1p-23f, e);
  const float h = std::ldexp(1.0f, e - 24);
  const float sign = (rng() & 1) ? -1.0f : 1.0f;
  *x = sign * (1.0f + m * 0x1p-23f);
  *a = h * (1.0f - m * 0x1p-23f);
  *b = sign * c;
}

float random_float(std::mt19937& rng) {
  switch (rng() % 8) {
    case 0:  // any bit pattern: NaNs, infinities, subnormals included
      return bits_float(static_cast<std::uint32_t>(rng()));
    case 1:
      return 0.0f;
    case 2:
      return std::ldexp(static_cast<float>(rng() % 1000) - 500.0f, -140);  // subnormal
    default: {
      std::normal_distribution<float> normal(0.0f, 1.0f);
      return normal(rng) * std::ldexp(1.0f, static_cast<int>(rng() % 9) - 4);
    }
  }
}

}  // namespace

int main() {
  std::mt19937 rng(20261127);
  int failures = 0;
  constexpr std::int64_t kN = 1 << 20;
  std::vector<float> x(kN), a(kN), b(kN), want(kN), got(kN);
  for (int round = 0; round < 2; ++round) {
    // Round 0: random values; round 1: every fourth element crafted (a flagged
    // lane amid unflagged ones) and the rest random.
    for (std::int64_t i = 0; i < kN; ++i) {
      if (round == 1 && i % 4 == static_cast<std::int64_t>(rng() % 4)) {
        crafted(rng, &x[i], &a[i], &b[i]);
      } else {
        x[i] = random_float(rng);
        a[i] = random_float(rng);
        b[i] = random_float(rng);
      }
    }
    bnlab::fma_lanes_portable(x.data(), a.data(), b.data(), want.data(), kN);
    bnlab::fma_lanes_simd(x.data(), a.data(), b.data(), got.data(), kN);
    // The same values 3 at a time: only the scalar tail runs.
    std::vector<float> got_tails(kN);
    for (std::int64_t i = 0; i < kN; i += 3) {
      bnlab::fma_lanes_simd(x.data() + i, a.data() + i, b.data() + i, got_tails.data() + i,
                            std::min<std::int64_t>(3, kN - i));
    }
    const std::int64_t tails_differ = differ(want, got_tails);
    std::printf("lanes round %d tails: %lld of %lld values differ\n", round,
                static_cast<long long>(tails_differ), static_cast<long long>(kN));
    failures += tails_differ != 0;
    std::int64_t crafted_ties = 0;
    for (std::int64_t i = 0; i < kN; ++i) {
      const double r = static_cast<double>(x[i]) * a[i] + b[i];
      crafted_ties += static_cast<float>(r) != want[i] && !std::isnan(want[i]);
    }
    const std::int64_t d = differ(want, got);
    std::printf(
        "lanes round %d: %lld of %lld values differ (%lld where rounding the double sum "
        "is wrong)\n",
        round, static_cast<long long>(d), static_cast<long long>(kN),
        static_cast<long long>(crafted_ties));
    failures += d != 0;
    if (round == 1 && crafted_ties == 0) {
      std::printf("crafted cases did not reach a wrong double rounding\n");
      failures += 1;
    }
  }
  // One scale and shift per plane, lengths 0..67 (tails), as the forward calls it.
  std::int64_t scale_differ = 0, scale_values = 0;
  for (int t = 0; t < 4000; ++t) {
    const std::int64_t n = t % 68;
    float xs[68], ys_want[68], ys_got[68], aa, bb;
    if (t % 3 == 0) {
      crafted(rng, &xs[0], &aa, &bb);
      for (std::int64_t i = 0; i < n; ++i) xs[i] = xs[0] * (i % 2 ? 1.0f : -1.0f);
    } else {
      aa = random_float(rng);
      bb = random_float(rng);
      for (std::int64_t i = 0; i < n; ++i) xs[i] = random_float(rng);
    }
    bnlab::fma_scale_shift_portable(xs, aa, bb, ys_want, n);
    bnlab::fma_scale_shift_simd(xs, aa, bb, ys_got, n);
    for (std::int64_t i = 0; i < n; ++i)
      scale_differ += float_bits(ys_want[i]) != float_bits(ys_got[i]);
    scale_values += n;
  }
  std::printf("scale_shift: %lld of %lld values differ\n", static_cast<long long>(scale_differ),
              static_cast<long long>(scale_values));
  failures += scale_differ != 0;
  // Per-pixel variance sums: rows x columns, columns 1..70 (groups of 16, 4, tails).
  std::int64_t var_differ = 0, var_values = 0;
  for (int t = 0; t < 600; ++t) {
    const std::int64_t c = 1 + t % 70, rows = 1 + static_cast<std::int64_t>(rng() % 300);
    std::vector<float> in(static_cast<std::size_t>(rows * c)), mean(c), s_want(c), s_got(c);
    for (auto& v : in) v = t % 5 == 0 ? random_float(rng) : std::normal_distribution<float>()(rng);
    for (std::int64_t k = 0; k < c; ++k) {
      mean[k] = t % 7 == 0 ? in[k] : 0.01f * static_cast<float>(rng() % 100);
      s_want[k] = s_got[k] = t % 2 ? 0.0f : random_float(rng);
    }
    bnlab::fma_var_sums_portable(in.data(), rows, c, mean.data(), s_want.data());
    bnlab::fma_var_sums_simd(in.data(), rows, c, mean.data(), s_got.data());
    var_differ += differ(s_want, s_got);
    var_values += c;
  }
  std::printf("var_sums: %lld of %lld sums differ\n", static_cast<long long>(var_differ),
              static_cast<long long>(var_values));
  failures += var_differ != 0;
  return failures == 0 ? 0 : 1;
}

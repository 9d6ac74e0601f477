// Welford's m2 update without an fma instruction (cpp/core/welford_m2.h) against
// std::fma (musl's exact fma) and the exact emulation fma_by_odd_rounding, bit for
// bit: the scalar and the 2-lane SIMD checked sums on Welford-like values, any
// positive magnitudes, special values, and crafted cases where the unfused sum
// q + RN(d * w) is wrong (the product's rounding makes a tie, or moves the sum
// across a rounding boundary); then ManualStatistics' Welford (the wasm group
// kernels) against a per-value loop with std::fma for many channel counts and
// both layouts. Built with the module by `npm run build:wasm`;
// tests/node/welford_m2.test.mjs runs it. Exit status 1 on any difference.
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <random>
#include <vector>

#include "channel_moments.h"
#include "float_bits.h"
#include "welford_m2.h"

#if !defined(__wasm_simd128__)
#error "welford_m2_check is built for WebAssembly with -msimd128"
#endif

namespace {

using bnlab::double_bits;

struct Case {
  double d, w, q;
};

// A Welford step on float data: d = v - mean, w = v - (mean + d / n), q an m2
// of n - 1 earlier values of about that spread.
Case welford_like(std::mt19937_64& rng) {
  std::normal_distribution<float> normal(0.0f, 1.0f);
  const double scale = std::ldexp(1.0, static_cast<int>(rng() % 41) - 20);
  const double n = static_cast<double>(1 + rng() % 100000);
  const double mean = normal(rng) * scale * 0.3;
  const double v = static_cast<double>(static_cast<float>(normal(rng) * scale));
  const double d = v - mean;
  const double w = v - (mean + d / n);
  const double q = (n - 1) * scale * scale * std::fabs(1.0 + 0.1 * normal(rng));
  return {d, w, q};
}

// Any positive finite magnitudes, over a wide exponent range.
double positive(std::mt19937_64& rng, int lo, int hi) {
  const double m = 1.0 + static_cast<double>(rng() >> 12) * 0x1p-52;
  return std::ldexp(m, lo + static_cast<int>(rng() % static_cast<std::uint64_t>(hi - lo)));
}

// d * w = h * (1 - k^2 2^-80) with h half an ulp of q: RN(d * w) = h, so the
// unfused q + h is a tie (broken to even) while the exact value is just below
// it; with q's last bit odd the unfused sum rounds the wrong way. Also d * w =
// h * x * RN(1 / x), a hair above or below h.
Case crafted_tie(std::mt19937_64& rng) {
  const int e = static_cast<int>(rng() % 200) - 100;
  const double q = std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, e);
  const double h = std::ldexp(1.0, e - 53);
  const double x = 1.0 + static_cast<double>(1 + rng() % 1000) * 0x1p-40;
  // x * (1 - k 2^-40) = 1 - k^2 2^-80 (rounds to 1, from below); x * RN(1 / x) =
  // 1 + delta with |delta| about 2^-53 or less, from either side.
  const double w = (rng() & 1) ? 2.0 - x : 1.0 / x;
  return {h * x, w, q};
}

// d * w close to q's rounding boundaries in general: q + d * w with the product
// a random number of ulps of q plus a fraction near one half.
Case crafted_near(std::mt19937_64& rng) {
  const int e = static_cast<int>(rng() % 200) - 100;
  const double q = std::ldexp(1.0 + static_cast<double>(rng() >> 12) * 0x1p-52, e);
  const double ulp = std::ldexp(1.0, e - 52);
  const double target =
      ulp * (static_cast<double>(rng() % 64) + 0.5 +
             (static_cast<double>(rng() % 2001) - 1000.0) * 0x1p-45);  // near k + 1/2 ulps
  const double w = positive(rng, -3, 3);
  const double d = target / w;  // rounded: d * w is near target, not on it
  return {d, w, q};
}

Case special(std::mt19937_64& rng) {
  const double values[] = {0.0,      -0.0,     1.0,      0x1p-1000, 0x1p-1074, 0x1p-960, 0x1p-1022,
                           0x1p1000, 0x1p1023, INFINITY, -INFINITY, NAN,       -1.0,     3.0};
  const auto pick = [&]() {
    return (rng() % 3 == 0) ? values[rng() % (sizeof values / sizeof values[0])]
                            : positive(rng, -1000, 1000);
  };
  return {pick(), pick(), pick()};
}

bool same(double a, double b) {
  return double_bits(a) == double_bits(b) || (std::isnan(a) && std::isnan(b));
}

}  // namespace

int main() {
  std::mt19937_64 rng(20261207);
  int failures = 0;

  // 1. The update on single values: kinds 0..3; the emulation is the reference
  // where it is exact (finite, no overflow, product away from subnormals), which
  // is where the fast path is compared with both; special values only with it.
  const char* kinds[] = {"welford-like", "any positive", "crafted ties", "crafted near", "special"};
  constexpr int kN = 1 << 19;
  for (int kind = 0; kind < 5; ++kind) {
    std::vector<Case> cases(kN);
    for (auto& c : cases) {
      switch (kind) {
        case 0:
          c = welford_like(rng);
          break;
        case 1:
          c = {positive(rng, -300, 300), positive(rng, -300, 300), positive(rng, -600, 600)};
          break;
        case 2:
          c = crafted_tie(rng);
          break;
        case 3:
          c = crafted_near(rng);
          break;
        default:
          c = special(rng);
          break;
      }
    }
    std::int64_t scalar_differ = 0, simd_differ = 0, emulation_differ = 0, unfused_wrong = 0,
                 not_proven = 0;
    for (int i = 0; i + 1 < kN; i += 2) {
      const v128_t d = wasm_f64x2_make(cases[i].d, cases[i + 1].d);
      const v128_t w = wasm_f64x2_make(cases[i].w, cases[i + 1].w);
      const v128_t q = wasm_f64x2_make(cases[i].q, cases[i + 1].q);
      v128_t doubtful = wasm_i64x2_splat(0);
      const v128_t s = bnlab::m2_update_checked_x2(d, w, q, &doubtful);
      for (int l = 0; l < 2; ++l) {
        const Case& c = cases[i + l];
        const double want = std::fma(c.d, c.w, c.q);
        const bool finite = std::isfinite(want) && std::isfinite(c.d * c.w);
        bool exact;
        const double fast = bnlab::m2_update_checked(c.d, c.w, c.q, &exact);
        const bool lane_doubtful = (l == 0 ? wasm_i64x2_extract_lane(doubtful, 0)
                                           : wasm_i64x2_extract_lane(doubtful, 1)) != 0;
        const double lane = l == 0 ? wasm_f64x2_extract_lane(s, 0) : wasm_f64x2_extract_lane(s, 1);
        if (lane_doubtful == exact) ++simd_differ;  // the two tests must agree
        if (!exact) ++not_proven;
        if (exact && !same(fast, want)) ++scalar_differ;
        if (!lane_doubtful && !same(lane, want)) ++simd_differ;
        if (!same(c.q + c.d * c.w, want)) ++unfused_wrong;
        // m2_update (fast or emulated) against the emulation, where that is exact.
        if (finite && std::fabs(c.d * c.w) >= 0x1p-900 && std::fabs(c.d) < 0x1p900 &&
            std::fabs(c.w) < 0x1p900) {
          const double emulated = bnlab::fma_by_odd_rounding(c.d, c.w, c.q);
          if (!same(emulated, want) || !same(bnlab::m2_update(c.d, c.w, c.q), want)) {
            ++emulation_differ;
          }
        }
      }
    }
    std::printf(
        "m2 %s: %lld scalar, %lld simd, %lld m2_update differences in %d values "
        "(%lld where q + RN(d*w) is wrong; %lld not proven)\n",
        kinds[kind], static_cast<long long>(scalar_differ), static_cast<long long>(simd_differ),
        static_cast<long long>(emulation_differ), kN, static_cast<long long>(unfused_wrong),
        static_cast<long long>(not_proven));
    failures += scalar_differ + simd_differ + emulation_differ > 0;
  }

  // 2. ManualStatistics' Welford (welford_group on pairs, the odd lane, the
  // fallback rows) against one value at a time with std::fma, over several
  // batches, for channel counts around the groups, both layouts (hw 1: rows of
  // channels; hw > 1: planes).
  std::int64_t checked = 0, stats_differ = 0;
  std::normal_distribution<float> normal(0.0f, 1.0f);
  for (const std::int64_t channels : {2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 19, 24, 31, 33, 47}) {
    for (const std::int64_t hw : {1, 4, 9}) {
      const std::int64_t batch = 5, steps = 7;
      bnlab::ManualStatistics stats(batch, channels, hw, steps);
      std::vector<double> mean(channels, 0.0), m2(channels, 0.0);
      std::int64_t count = 0;
      for (std::int64_t step = 0; step < steps; ++step) {
        // A mix of spreads and offsets per step, and repeated values, which keep
        // delta * w small or zero (not proven: the exact path runs).
        std::vector<float> x(batch * channels * hw);
        const float scale = std::ldexp(1.0f, static_cast<int>(rng() % 20) - 10);
        for (auto& v : x) v = (rng() % 5 == 0) ? 0.25f : normal(rng) * scale + 3.0f;
        stats.add_batch(x.data());
        for (std::int64_t b = 0; b < batch; ++b) {
          for (std::int64_t c = 0; c < channels; ++c) {
            std::int64_t k = count + b * hw;
            for (std::int64_t i = 0; i < hw; ++i, ++k) {
              const double v = x[(b * channels + c) * hw + i];
              const double delta = v - mean[c];
              const double new_mean = mean[c] + delta / static_cast<double>(k + 1);
              m2[c] = std::fma(delta, v - new_mean, m2[c]);
              mean[c] = new_mean;
            }
          }
        }
        count += batch * hw;
        std::vector<double> got_mean(channels), got_var(channels);
        stats.exact_mean(got_mean.data());
        stats.exact_var(got_var.data());
        for (std::int64_t c = 0; c < channels; ++c) {
          ++checked;
          const double want_var = count < 2 ? NAN : m2[c] / static_cast<double>(count - 1);
          if (!same(got_mean[c], mean[c]) || !same(got_var[c], want_var)) ++stats_differ;
        }
      }
    }
  }
  std::printf("welford: %lld of %lld channel statistics differ\n",
              static_cast<long long>(stats_differ), static_cast<long long>(checked));
  failures += stats_differ > 0;
  return failures == 0 ? 0 : 1;
}

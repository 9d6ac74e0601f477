// randn's fast paths against the portable ones: the SIMD Mersenne Twister
// against std::mt19937, the AVX2+FMA log and sincos against the scalar Cephes
// code on every input randn can give them, and whole randn draws on the
// fastest path against the portable path over many seeds and sizes.
#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "box_muller_simd.h"
#include "float_bits.h"
#include "mersenne_twister.h"
#include "torch_generator.h"

namespace bnlab {
namespace {

// Index of the first differing float, or -1.
long first_difference(const std::vector<float>& a, const std::vector<float>& b) {
  if (a.size() != b.size()) return 0;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (float_bits(a[i]) != float_bits(b[i])) return static_cast<long>(i);
  }
  return -1;
}

TEST(MersenneTwister, SameStreamAsStdMt19937ThroughEveryEntryPoint) {
  std::mt19937 pick(12345);  // chooses seeds, operations and lengths
  for (int round = 0; round < 40; ++round) {
    const std::uint32_t seed = round < 4 ? std::uint32_t{0} + round * 0x7fffffffu : pick();
    SCOPED_TRACE("seed " + std::to_string(seed));
    std::mt19937 want(seed);
    MersenneTwister got(seed);
    std::vector<float> floats;
    // Lengths straddle the 624-word regeneration at many offsets.
    for (int op = 0; op < 60; ++op) {
      const std::size_t n = pick() % (op % 7 == 0 ? 3000 : 700);
      switch (pick() % 3) {
        case 0:
          for (std::size_t i = 0; i < n % 9; ++i)
            ASSERT_EQ(got(), static_cast<std::uint32_t>(want()));
          break;
        case 1:
          floats.assign(n, -1.0f);
          got.uniform_floats(floats.data(), n);
          for (std::size_t i = 0; i < n; ++i) {
            const float expected =
                static_cast<float>(static_cast<std::uint32_t>(want()) & 0xFFFFFFu) *
                (1.0f / 16777216.0f);
            ASSERT_EQ(float_bits(floats[i]), float_bits(expected))
                << "op " << op << ", float " << i;
          }
          break;
        default:
          got.discard(n);
          want.discard(n);
      }
    }
    ASSERT_EQ(got(), static_cast<std::uint32_t>(want()));
  }
}

TEST(MersenneTwister, ReseedingRestartsTheStream) {
  MersenneTwister g(7);
  for (int i = 0; i < 1000; ++i) g();
  g.seed(21);
  std::mt19937 want(21);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(g(), static_cast<std::uint32_t>(want())) << i;
}

#if defined(BNLAB_HAVE_AVX2_KERNEL)
TEST(Avx2BoxMuller, FastestPathIsAvx2WhereTheCpuHasIt) {
  EXPECT_EQ(std::string(TorchGenerator::fastest_path_name()),
            avx2_fma_supported() ? "avx2+fma" : "portable");
}

// randn's LOG sees u1 = 1 - k/2^24 and its SINCOS theta = 6.2831855f * k/2^24 for
// k < 2^24, each lane on its own input: all of them, 8 at a time.
TEST(Avx2BoxMuller, LogAndSincosEqualTheScalarCodeOnAllRandnInputs) {
  if (!avx2_fma_supported()) GTEST_SKIP() << "this CPU has no AVX2+FMA: the kernel never runs";
  long log_diffs = 0, sincos_diffs = 0;
  std::uint32_t first_log = 0, first_sincos = 0;
  float in[8], out[8], s[8], c[8], t[8];
  for (std::uint32_t k0 = 0; k0 < (1u << 24); k0 += 8) {
    for (int l = 0; l < 8; ++l) {
      const float u = static_cast<float>(k0 + l) * (1.0f / 16777216.0f);
      in[l] = 1.0f - u;
      t[l] = 6.2831855f * u;
    }
    avx2_logf_x8(in, out);
    avx2_sincosf_x8(t, s, c);
    for (int l = 0; l < 8; ++l) {
      if (float_bits(out[l]) != float_bits(cephes_logf(in[l])) && log_diffs++ == 0)
        first_log = k0 + l;
      float ws, wc;
      cephes_sincosf(t[l], &ws, &wc);
      if ((float_bits(s[l]) != float_bits(ws) || float_bits(c[l]) != float_bits(wc)) &&
          sincos_diffs++ == 0) {
        first_sincos = k0 + l;
      }
    }
  }
  EXPECT_EQ(log_diffs, 0) << "first at k = " << first_log;
  EXPECT_EQ(sincos_diffs, 0) << "first at k = " << first_sincos;
}

TEST(Avx2BoxMuller, SignedAndEdgeInputsEqualTheScalarCode) {
  if (!avx2_fma_supported()) GTEST_SKIP() << "this CPU has no AVX2+FMA: the kernel never runs";
  // Outside randn's domain too: negative angles, denormals and tiny logs.
  const float xs[8] = {1e-45f, 1e-38f, 1.17549435e-38f, 0.5f, 0.70710677f, 0.70710683f,
                       2.0f,   1e30f};
  const float ts[8] = {-0.0f, -1.0f, -3.14159274f, -6.2831855f, 0.78539819f, 1e-30f, 100.0f, -7.5f};
  float lo[8], s[8], c[8];
  avx2_logf_x8(xs, lo);
  avx2_sincosf_x8(ts, s, c);
  for (int l = 0; l < 8; ++l) {
    EXPECT_EQ(float_bits(lo[l]), float_bits(cephes_logf(xs[l]))) << "log(" << xs[l] << ")";
    float ws, wc;
    cephes_sincosf(ts[l], &ws, &wc);
    EXPECT_EQ(float_bits(s[l]), float_bits(ws)) << "sin(" << ts[l] << ")";
    EXPECT_EQ(float_bits(c[l]), float_bits(wc)) << "cos(" << ts[l] << ")";
  }
}
#endif

// Whole draws: the same generator state through both paths, over random seeds
// and sizes (every size class: below 16, multiples of 16, ragged tails, chunks).
TEST(RandnFastPath, EqualsThePortablePathOnManySeedsAndSizes) {
  std::mt19937_64 pick(2026);
  std::vector<std::size_t> sizes = {16, 17, 31, 32, 33, 60, 1023, 1024, 1025, 1040, 4096, 65537};
  for (int i = 0; i < 60; ++i) sizes.push_back(1 + pick() % 20000);
  std::vector<float> fast, portable;
  for (int round = 0; round < 25; ++round) {
    const std::uint64_t seed = pick();
    SCOPED_TRACE("seed bits " + std::to_string(seed));
    TorchGenerator a(seed), b(seed);
    for (std::size_t n : sizes) {
      fast.assign(n, 0.0f);
      portable.assign(n, 1.0f);
      a.randn(fast.data(), n, RandnPath::kFastest);
      b.randn(portable.data(), n, RandnPath::kPortable);
      const long at = first_difference(fast, portable);
      ASSERT_EQ(at, -1) << "randn(" << n << ") differs at " << at;
    }
    ASSERT_EQ(a.random(), b.random()) << "the two paths consumed different numbers of draws";
  }
  // One draw of the size the experiments and fixtures use at most.
  TorchGenerator a(21), b(21);
  fast.assign(std::size_t{1} << 22, 0.0f);
  portable.assign(fast.size(), 1.0f);
  a.randn(fast.data(), fast.size(), RandnPath::kFastest);
  b.randn(portable.data(), portable.size(), RandnPath::kPortable);
  EXPECT_EQ(first_difference(fast, portable), -1);
}

}  // namespace
}  // namespace bnlab

// TorchGenerator against torch.manual_seed / torch.rand / torch.randn from
// PyTorch 1.13 (tests/fixtures/randn.json, cephes.json): every value bit for
// bit, big draws by FNV-1a hash plus their first and last values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "fixture_loader.h"
#include "torch_generator.h"

namespace bnlab {
namespace {

using testing::bits_match;
using testing::bits_of;
using testing::describe_float;
using testing::fixture_cases;
using testing::float_from_bits;
using testing::Json;
using testing::load_fixture;
using testing::seed_bits_from_string;

constexpr const char* kRandn = "randn.json";

TEST(RandnFixture, LoadsAndCoversWhatTheParityRulesNeed) {
  const Json& cases = fixture_cases(kRandn);
  ASSERT_GE(cases.size(), 250u) << "tests/fixtures/randn.json missing or truncated";
  std::set<std::string> seeds;
  std::set<std::int64_t> sizes;
  bool chain_of_small = false, mixed_chain = false;
  for (const auto& c : cases) {
    seeds.insert(c["seed"].get<std::string>());
    const auto& draws = c["draws"];
    bool small = false, large = false;
    for (const auto& d : draws) {
      const auto n = d["numel"].get<std::int64_t>();
      sizes.insert(n);
      (n < 16 ? small : large) = true;
    }
    if (draws.size() > 1 && small && !large) chain_of_small = true;
    if (draws.size() > 1 && small && large) mixed_chain = true;
  }
  for (const char* s : {"0", "1", "21", "42", "-1", "-12345", "4294967303", "123456789012",
                        "9223372036854775807", "-9223372036854775808", "18446744073709551615"}) {
    EXPECT_TRUE(seeds.count(s)) << "no case with seed " << s;
  }
  for (std::int64_t n = 1; n <= 17; ++n) EXPECT_TRUE(sizes.count(n)) << "no draw of " << n;
  for (std::int64_t n : {31, 32, 33, 60, 1000, 1048579, 4194304}) {
    EXPECT_TRUE(sizes.count(n)) << "no draw of " << n;
  }
  EXPECT_TRUE(chain_of_small);
  EXPECT_TRUE(mixed_chain);
}

// One fixture case: seed, then each draw in order from the same generator.
class RandnParity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(RandnParity, MatchesTorchRandn) {
  const Json& c = fixture_cases(kRandn)[GetParam()];
  const std::string seed = c["seed"].get<std::string>();
  TorchGenerator gen(0);
  gen.manual_seed(seed_bits_from_string(seed));
  std::vector<float> out;
  std::size_t draw_index = 0;
  for (const auto& d : c["draws"]) {
    const auto numel = d["numel"].get<std::size_t>();
    const std::string where = "seed " + seed + ", draw " + std::to_string(draw_index++) +
                              " (numel " + std::to_string(numel) + ")";
    out.assign(numel, std::numeric_limits<float>::quiet_NaN());
    gen.randn(out.data(), numel);
    if (d.contains("bits")) {
      ASSERT_TRUE(bits_match(where, d["bits"], out)) << "case " << c["name"];
      continue;
    }
    // Big draw: the first and last values locate a difference, the hash covers the rest.
    const auto& head = d["head_bits"];
    const auto& tail = d["tail_bits"];
    ASSERT_TRUE(bits_match(where + " head", head, out.data(), head.size()));
    ASSERT_TRUE(bits_match(where + " tail", tail, out.data() + numel - tail.size(), tail.size()));
    ASSERT_EQ(testing::fnv1a64_hex(out.data(), numel), d["fnv1a64"].get<std::string>())
        << where << ": FNV-1a 64 of all " << numel << " values differs";
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, RandnParity, ::testing::ValuesIn(testing::case_indices(kRandn)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::case_test_name(kRandn, info.param);
                         });

TEST(RandnParity, UniformFloatAndDoubleMatchTorchRand) {
  const Json& fixture = load_fixture(kRandn);
  ASSERT_TRUE(fixture.is_object() && fixture.contains("uniform_cases"));
  ASSERT_FALSE(fixture["uniform_cases"].empty());
  for (const auto& c : fixture["uniform_cases"]) {
    const std::string seed = c["seed"].get<std::string>();
    SCOPED_TRACE("seed " + seed);
    TorchGenerator gen(seed_bits_from_string(seed));
    std::vector<float> floats(c["float_bits"].size());
    for (auto& f : floats) f = gen.uniform_float();
    EXPECT_TRUE(bits_match("torch.rand(37)", c["float_bits"], floats));
    const auto& doubles = c["double_bits"];
    for (std::size_t i = 0; i < doubles.size(); ++i) {
      const double d = gen.uniform_double();
      std::uint64_t got;
      std::memcpy(&got, &d, sizeof got);
      EXPECT_EQ(got, doubles[i].get<std::uint64_t>())
          << "torch.rand(19, dtype=float64)[" << i << "]: actual " << d;
    }
    std::vector<float> after(c["then_float_bits"].size());
    for (auto& f : after) f = gen.uniform_float();
    EXPECT_TRUE(bits_match("torch.rand(5) after the doubles", c["then_float_bits"], after));
  }
}

// The fixture's single draws of one element for a seed: seeds are one draw apart.
const Json* find_case(const std::string& name) {
  for (const auto& c : fixture_cases(kRandn)) {
    if (c["name"] == name) return &c;
  }
  return nullptr;
}

TEST(RandnCache, ManualSeedDropsTheCachedNormal) {
  const Json* one = find_case("seed_21_n1");
  ASSERT_NE(one, nullptr);
  TorchGenerator gen(21);
  float first = 0, again = 0, other = 0;
  gen.randn(&first, 1);
  EXPECT_TRUE(gen.has_cached_normal()) << "a draw of 1 leaves the pair's second value cached";
  gen.manual_seed(21);
  EXPECT_FALSE(gen.has_cached_normal());
  gen.randn(&again, 1);
  EXPECT_EQ(bits_of(first), bits_of(again));
  EXPECT_TRUE(bits_match("seed 21, randn(1)", one->at("draws")[0]["bits"], &again, 1));
  // Without reseeding, the next draw of 1 is the cached sin value, not a fresh pair.
  gen.randn(&other, 1);
  EXPECT_FALSE(gen.has_cached_normal());
  EXPECT_NE(bits_of(other), bits_of(first));
}

TEST(RandnCache, VectorisedDrawsNeitherUseNorClearTheCache) {
  const Json* chain = find_case("chain_mixed_seed_21");  // draws 3, 16, 1, ...
  ASSERT_NE(chain, nullptr);
  TorchGenerator gen(21);
  float a[3];
  gen.randn(a, 3);  // pair, pair's sin, then a new pair: one value left cached
  ASSERT_TRUE(gen.has_cached_normal());
  std::vector<float> big(16);
  gen.randn(big.data(), big.size());
  EXPECT_TRUE(gen.has_cached_normal());
  // The same 16 values as a fresh generator advanced by the same number of draws:
  // two pairs of random64() = 8 raw 32-bit draws.
  TorchGenerator ref(21);
  for (int i = 0; i < 8; ++i) ref.random();
  std::vector<float> ref_big(16);
  ref.randn(ref_big.data(), ref_big.size());
  for (std::size_t i = 0; i < big.size(); ++i) {
    EXPECT_EQ(bits_of(big[i]), bits_of(ref_big[i]))
        << "randn(16) after randn(3), [" << i << "]: expected " << describe_float(ref_big[i])
        << ", actual " << describe_float(big[i]);
  }
  // The value cached before randn(16) is what the next randn(1) returns.
  float next = 0;
  gen.randn(&next, 1);
  EXPECT_FALSE(gen.has_cached_normal());
  EXPECT_TRUE(
      bits_match("randn(1) after randn(3), randn(16)", chain->at("draws")[2]["bits"], &next, 1));
}

// ---------------------------------------------------------------------------
// cephes_logf / cephes_sincosf

constexpr const char* kCephes = "cephes.json";

TEST(CephesFixture, EdgeValuesMatchTheReference) {
  // cephes.json holds edge inputs evaluated by a float32 reference of PyTorch's AVX2
  // polynomials, which the generator first checks bit for bit against torch.randn.
  const Json& fx = load_fixture(kCephes);
  ASSERT_TRUE(fx.is_object() && fx.contains("logf") && fx.contains("sincosf"))
      << "tests/fixtures/cephes.json missing";
  ASSERT_GE(fx["reference_checked_against_randn_values"].get<int>(), 4096);
  const auto& lx = fx["logf"]["x_bits"];
  ASSERT_GE(lx.size(), 100u);
  std::vector<float> logs;
  for (const auto& b : lx) logs.push_back(cephes_logf(float_from_bits(b.get<std::uint32_t>())));
  EXPECT_TRUE(bits_match("cephes_logf", fx["logf"]["y_bits"], logs));

  const auto& ts = fx["sincosf"]["t_bits"];
  ASSERT_GE(ts.size(), 100u);
  std::vector<float> sins, coss;
  for (const auto& b : ts) {
    float s = 0, c = 0;
    cephes_sincosf(float_from_bits(b.get<std::uint32_t>()), &s, &c);
    sins.push_back(s);
    coss.push_back(c);
  }
  EXPECT_TRUE(bits_match("cephes_sincosf sin", fx["sincosf"]["sin_bits"], sins));
  EXPECT_TRUE(bits_match("cephes_sincosf cos", fx["sincosf"]["cos_bits"], coss));
}

TEST(Cephes, LogfExactPoints) {
  EXPECT_EQ(bits_of(cephes_logf(1.0f)), 0u) << describe_float(cephes_logf(1.0f));
  // Denormals are raised to the smallest normal float before the log.
  const float tiny = std::numeric_limits<float>::min();
  const float denormal = std::numeric_limits<float>::denorm_min();
  EXPECT_EQ(bits_of(cephes_logf(denormal)), bits_of(cephes_logf(tiny)));
  EXPECT_EQ(bits_of(cephes_logf(tiny / 2)), bits_of(cephes_logf(tiny)));
  EXPECT_NEAR(cephes_logf(tiny), std::log(static_cast<double>(tiny)), 1e-5);
}

TEST(Cephes, LogfWithinTwoUlpOfLibmOnRandnsDomain) {
  // u1 = 1 - d takes the values k * 2^-24, k = 1 .. 2^24.
  for (std::uint32_t k = 1; k <= (1u << 24); k += 4099) {
    const float x = static_cast<float>(k) * (1.0f / 16777216.0f);
    const double want = std::log(static_cast<double>(x));
    const float got = cephes_logf(x);
    const double ulp = std::nextafter(std::fabs(static_cast<float>(want)), INFINITY) -
                       std::fabs(static_cast<float>(want));
    ASSERT_LE(std::fabs(got - want), 2 * ulp + 1e-12) << "x = " << describe_float(x);
  }
}

TEST(Cephes, SincosfExactPointsAndSymmetry) {
  float s = 1, c = 0;
  cephes_sincosf(0.0f, &s, &c);
  EXPECT_EQ(bits_of(s), 0u) << describe_float(s);
  EXPECT_EQ(bits_of(c), bits_of(1.0f)) << describe_float(c);
  cephes_sincosf(-0.0f, &s, &c);
  EXPECT_EQ(bits_of(s), 0x80000000u) << "sin(-0) is -0: " << describe_float(s);
  EXPECT_EQ(bits_of(c), bits_of(1.0f));
  for (float t : {0.3f, 1.0f, 2.5f, 3.14159274f, 4.0f, 5.9f, 6.28318548f}) {
    float sp, cp, sn, cn;
    cephes_sincosf(t, &sp, &cp);
    cephes_sincosf(-t, &sn, &cn);
    EXPECT_EQ(bits_of(sn), bits_of(sp) ^ 0x80000000u) << "t = " << t;
    EXPECT_EQ(bits_of(cn), bits_of(cp)) << "t = " << t;
  }
}

TEST(Cephes, SincosfCloseToLibmOverTheta) {
  // theta = 6.2831855f * u2, u2 = k * 2^-24.
  for (std::uint32_t k = 0; k < (1u << 24); k += 3001) {
    const float t = 6.2831855f * (static_cast<float>(k) * (1.0f / 16777216.0f));
    float s, c;
    cephes_sincosf(t, &s, &c);
    ASSERT_NEAR(s, std::sin(static_cast<double>(t)), 2.5e-7) << "t = " << describe_float(t);
    ASSERT_NEAR(c, std::cos(static_cast<double>(t)), 2.5e-7) << "t = " << describe_float(t);
  }
}

TEST(Cephes, RecomposesTorchRandnFromUniforms) {
  // randn(1000) for seed 21, value by value from the exposed helpers: the uniforms
  // of the first 992 (62 full blocks), then 16 fresh uniforms for the tail block.
  const Json* c = find_case("seed_21_n1000");
  ASSERT_NE(c, nullptr);
  const auto& want = c->at("draws")[0]["bits"];
  TorchGenerator gen(21);
  std::vector<float> d(1000);
  for (auto& v : d) v = gen.uniform_float();
  std::vector<float> tail(16);
  for (auto& v : tail) v = gen.uniform_float();
  auto block = [](float* b) {
    for (int j = 0; j < 8; ++j) {
      const float radius = std::sqrt(-2.0f * cephes_logf(1.0f - b[j]));
      float s, co;
      cephes_sincosf(6.2831855f * b[j + 8], &s, &co);
      b[j] = radius * co + 0.0f;
      b[j + 8] = radius * s + 0.0f;
    }
  };
  for (std::size_t i = 0; i + 16 <= d.size(); i += 16) block(&d[i]);
  std::copy(tail.begin(), tail.end(), d.end() - 16);
  block(&d[d.size() - 16]);
  EXPECT_TRUE(bits_match("randn(1000) recomposed", want, d));
}

}  // namespace
}  // namespace bnlab

// bnlab --seeds FROM:COUNT against tests/fixtures/seeds.json (real PyTorch, one
// run per seed): one JSON line per seed, in order, each bit for bit PyTorch's
// and byte for byte what --seed S --json prints; and the range's messages.
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "cli.h"
#include "fixture_loader.h"
#include "seed_range.h"

namespace {

using bnlab::testing::bits_match;
using bnlab::testing::fixture_cases;
using bnlab::testing::floats_from_json;
using bnlab::testing::Json;

constexpr const char* kSeeds = "seeds.json";

std::vector<std::string> flags_of(const Json& c) {
  std::vector<std::string> args;
  for (const Json& f : c["flags"]) args.push_back(f.get<std::string>());
  return args;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// NaN where PyTorch has NaN (the JSON cannot carry its bits), otherwise every bit.
::testing::AssertionResult same(const std::string& what, const Json& bits, const Json& values) {
  std::vector<float> got = floats_from_json(values);
  for (std::size_t i = 0; i < got.size() && i < bits.size(); ++i) {
    const float want = bnlab::testing::float_from_bits(bits[i].get<std::uint32_t>());
    if (std::isnan(want) && std::isnan(got[i])) got[i] = want;
  }
  return bits_match(what, bits, got);
}

class SeedsCli : public ::testing::TestWithParam<std::size_t> {};

TEST_P(SeedsCli, OneLinePerSeedBitForBitPyTorchs) {
  const Json& c = fixture_cases(kSeeds)[GetParam()];
  std::vector<std::string> args = flags_of(c);
  args.insert(args.end(), {"--seeds", c["seeds"].get<std::string>(), "--json"});
  const bnlab::CliResult r = bnlab::run_cli(args);
  if (c.contains("error")) {
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, c["error"].get<std::string>() + "\n");
    EXPECT_EQ(r.exit_code, 1);
    return;
  }
  ASSERT_EQ(r.err, "");
  ASSERT_EQ(r.exit_code, 0);
  const std::vector<std::string> lines = lines_of(r.out);
  ASSERT_EQ(lines.size(), c["results"].size());
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const Json& want = c["results"][i];
    const std::string seed = want["seed"].get<std::string>();
    SCOPED_TRACE("seed " + seed);
    const Json j = Json::parse(lines[i]);
    EXPECT_EQ(j["config"]["seed"], seed);
    EXPECT_TRUE(same("running_mean", want["running_mean_bits"], j["running_mean"]));
    EXPECT_TRUE(same("running_var", want["running_var_bits"], j["running_var"]));
    EXPECT_EQ(j["num_batches_tracked"], want["num_batches_tracked"]);
    EXPECT_TRUE(same("manual_mean", want["manual_mean_bits"], j["manual_mean"]));
    EXPECT_TRUE(same("manual_var", want["manual_var_bits"], j["manual_var"]));
    if (want.contains("precise_bn")) {
      const Json& p = want["precise_bn"];
      EXPECT_TRUE(
          same("precise running_mean", p["running_mean_bits"], j["precise_bn"]["running_mean"]));
      EXPECT_TRUE(
          same("precise running_var", p["running_var_bits"], j["precise_bn"]["running_var"]));
      EXPECT_EQ(j["precise_bn"]["num_batches_tracked"], p["num_batches_tracked"]);
    }
    // Each line is exactly the single run's --json.
    std::vector<std::string> single = flags_of(c);
    single.insert(single.end(), {"--seed", seed, "--json"});
    EXPECT_EQ(lines[i] + "\n", bnlab::run_cli(single).out);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, SeedsCli,
                         ::testing::ValuesIn(bnlab::testing::case_indices(kSeeds)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return bnlab::testing::case_test_name(kSeeds, info.param);
                         });

TEST(SeedsCliFixture, CoversTheSpace) {
  const Json& cases = fixture_cases(kSeeds);
  ASSERT_GE(cases.size(), 20u);
  std::size_t seeds = 0;
  for (const Json& c : cases) seeds += c.value("results", Json::array()).size();
  EXPECT_GE(seeds, 100u);
}

TEST(SeedRange, StepsAcrossZeroAndToBothEnds) {
  const auto seeds = [](const std::string& text) {
    const bnlab::SeedRangeParse p = bnlab::parse_seed_range(text);
    std::vector<std::string> out;
    for (std::int64_t i = 0; p.range && i < p.range->count; ++i) {
      out.push_back(p.range->at(i).to_string());
    }
    return out;
  };
  EXPECT_EQ(seeds("-2:5"), (std::vector<std::string>{"-2", "-1", "0", "1", "2"}));
  EXPECT_EQ(seeds("-9223372036854775808:2"),
            (std::vector<std::string>{"-9223372036854775808", "-9223372036854775807"}));
  EXPECT_EQ(seeds("18446744073709551614:2"),
            (std::vector<std::string>{"18446744073709551614", "18446744073709551615"}));
  EXPECT_EQ(seeds("+007:1"), (std::vector<std::string>{"7"}));
  EXPECT_EQ(seeds("-0:1"), (std::vector<std::string>{"0"}));
  // The bits handed to manual_seed: two's complement of the negative seeds.
  const auto range = bnlab::parse_seed_range("-1:2").range;
  ASSERT_TRUE(range);
  EXPECT_EQ(range->at(0).bits, ~std::uint64_t{0});
  EXPECT_EQ(range->at(1).bits, 0u);
}

TEST(SeedsCliFlags, BadRangesAndCombinationsExitWithTwo) {
  const std::string range =
      "FROM:COUNT, FROM an integer in [-9223372036854775808, 18446744073709551615] and COUNT an "
      "integer in [1, 100000]";
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--seeds"}, "--seeds needs a value: " + range},
      {{"--seeds", "5", "--json"}, "--seeds: seeds must be " + range + "; got '5'"},
      {{"--seeds", "1:0", "--json"}, "--seeds: seeds must be " + range + "; got '1:0'"},
      {{"--seeds", "1:100001", "--json"}, "--seeds: seeds must be " + range + "; got '1:100001'"},
      {{"--seeds", "1:2:3", "--json"}, "--seeds: seeds must be " + range + "; got '1:2:3'"},
      {{"--seeds", ":4", "--json"}, "--seeds: seeds must be " + range + "; got ':4'"},
      {{"--seeds", "1.5:4", "--json"}, "--seeds: seeds must be " + range + "; got '1.5:4'"},
      {{"--seeds", "-9223372036854775809:1", "--json"},
       "--seeds: seeds must be " + range + "; got '-9223372036854775809:1'"},
      {{"--seeds", "18446744073709551616:1", "--json"},
       "--seeds: seeds must be " + range + "; got '18446744073709551616:1'"},
      {{"--seeds", "18446744073709551615:2", "--json"},
       "--seeds: the last seed, FROM + COUNT - 1, must be at most 18446744073709551615; got "
       "18446744073709551615 + 2 - 1"},
      {{"--seeds", "0:3"}, "--seeds: needs --json (it prints one JSON line per seed)"},
      {{"--seeds=0:3", "--seed", "4", "--json"},
       "--seeds: --seed and --seeds cannot be used together (--seeds names every seed)"},
      {{"--seeds", "0:16667", "--json"},
       "--seeds: count * (steps + precise-bn) * values per batch must be at most 2000000000 (the "
       "work of one run); got 16667 * 2000 * 60"},
      {{"--seeds", "0:100", "--steps", "100", "--batch", "10000", "--precise-bn", "1901", "--json"},
       "--seeds: count * (steps + precise-bn) * values per batch must be at most 2000000000 (the "
       "work of one run); got 100 * 2001 * 30000"},
      {{"--seeds", "0:5", "--channels", "209716", "--batch", "2", "--steps", "1", "--json"},
       "--seeds: count * channels must be at most 1048576 (the JSON of one run); got 5 * 209716"},
      {{"--seeds", "0:2", "--eps", "0", "--json"},
       "--eps: eps must be a finite number > 0; got '0'"},
  };
  for (const auto& [args, message] : cases) {
    const bnlab::CliResult r = bnlab::run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "bnlab: " + message + "\n");
  }
}

TEST(SeedsCliFlags, TheLimitsAreReachedExactly) {
  bnlab::ExperimentConfig article;
  // 16666 seeds of the article's 2000 * 60 values is the most the work limit allows.
  EXPECT_EQ(bnlab::check_seed_work(article, 16666, 0), "");
  EXPECT_NE(bnlab::check_seed_work(article, 16667, 0), "");
  bnlab::ExperimentConfig wide;
  wide.channels = 1 << 18;
  wide.steps = 1;
  EXPECT_EQ(bnlab::check_seed_work(wide, 4, 0), "");
  EXPECT_NE(bnlab::check_seed_work(wide, 5, 0), "");
  const bnlab::CliResult r = bnlab::run_cli({"--seeds", "3:2", "--steps", "3", "--json"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(lines_of(r.out).size(), 2u);
}

}  // namespace

// bnlab on the scenario configs of tests/fixtures/scenarios.json: the bytes
// tests/fixtures/scenario_experiment.py printed (with and without --precise-bn K),
// PyTorch's ValueError line where it raised, and --json with the same numbers.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"
#include "fixture_loader.h"
#include "scenario_fixture.h"

namespace {

using bnlab::testing::bits_match;
using bnlab::testing::fixture_cases;
using bnlab::testing::floats_from_json;
using bnlab::testing::Json;
using bnlab::testing::kScenarios;
using bnlab::testing::scenario_flags;

// Every byte of the script's text, the manual statistics included (PyTorch's
// float32 reduction order, cpp/core/torch_reduce.*).
void expect_script_text(const std::string& expected, const std::string& actual) {
  EXPECT_EQ(actual, expected);
}

class ScenarioCli : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ScenarioCli, PrintsTheScriptsBytes) {
  const Json& c = fixture_cases(kScenarios)[GetParam()];
  const std::vector<std::string> args = scenario_flags(c);
  const bnlab::CliResult r = bnlab::run_cli(args);
  expect_script_text(c["stdout"].get<std::string>(), r.out);
  if (c.contains("error")) {
    EXPECT_EQ(r.err, c["error"].get<std::string>() + "\n");
    EXPECT_EQ(r.exit_code, 1);
    return;
  }
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(r.exit_code, 0);
  for (const Json& p : c["precise"]) {
    std::vector<std::string> with_k = args;
    with_k.insert(with_k.end(), {"--precise-bn", std::to_string(p["batches"].get<int>())});
    const bnlab::CliResult pr = bnlab::run_cli(with_k);
    SCOPED_TRACE("--precise-bn " + p["batches"].dump());
    expect_script_text(p["stdout"].get<std::string>(), pr.out);
    EXPECT_EQ(pr.err, p.contains("error") ? p["error"].get<std::string>() + "\n" : "");
    EXPECT_EQ(pr.exit_code, p.contains("error") ? 1 : 0);
  }
}

TEST_P(ScenarioCli, JsonHasTheSameNumbers) {
  const Json& c = fixture_cases(kScenarios)[GetParam()];
  std::vector<std::string> args = scenario_flags(c);
  args.push_back("--json");
  if (c.contains("error")) {
    const bnlab::CliResult r = bnlab::run_cli(args);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, c["error"].get<std::string>() + "\n");
    return;
  }
  const Json j = Json::parse(bnlab::run_cli(args).out);
  for (const char* key : {"shift", "scale", "switch", "shift2", "scale2", "freeze", "momentum"}) {
    EXPECT_EQ(j["config"][key], c["config"][key]) << key;
  }
  EXPECT_TRUE(bits_match("running_mean", c["final_running_mean_bits"],
                         floats_from_json(j["running_mean"])));
  EXPECT_TRUE(
      bits_match("running_var", c["final_running_var_bits"], floats_from_json(j["running_var"])));
  EXPECT_EQ(j["num_batches_tracked"], c["num_batches_tracked"]);
  for (const Json& p : c["precise"]) {
    if (p.contains("error")) continue;
    std::vector<std::string> with_k = args;
    with_k.insert(with_k.end(), {"--precise-bn", std::to_string(p["batches"].get<int>())});
    const Json pj = Json::parse(bnlab::run_cli(with_k).out)["precise_bn"];
    EXPECT_EQ(pj["batches"], p["batches"]);
    EXPECT_TRUE(bits_match("precise running_mean", p["running_mean_bits"],
                           floats_from_json(pj["running_mean"])));
    EXPECT_TRUE(bits_match("precise running_var", p["running_var_bits"],
                           floats_from_json(pj["running_var"])));
    EXPECT_EQ(pj["num_batches_tracked"], p["num_batches_tracked"]);
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, ScenarioCli,
                         ::testing::ValuesIn(bnlab::testing::case_indices(kScenarios)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return bnlab::testing::case_test_name(kScenarios, info.param);
                         });

TEST(ScenarioCliFlags, BadValuesExitWithTwoNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--shift", "2000"},
       "bnlab: --shift: shift must be a number in [-1000, 1000]; got '2000'\n"},
      {{"--scale", "-1"}, "bnlab: --scale: scale must be a number in [0, 1000]; got '-1'\n"},
      {{"--switch", "x"},
       "bnlab: --switch: switch must be an integer in [0, 1000000], or never; got 'x'\n"},
      {{"--freeze", "-2"},
       "bnlab: --freeze: freeze must be an integer in [0, 1000000], or never; got '-2'\n"},
      {{"--precise-bn", "-1"},
       "bnlab: --precise-bn: precise-bn must be an integer in [0, 100000]; got '-1'\n"},
      {{"--precise-bn", "100001"},
       "bnlab: --precise-bn: precise-bn must be an integer in [0, 100000]; got '100001'\n"},
      {{"--precise-bn"}, "bnlab: --precise-bn needs a value: an integer in [0, 100000]\n"},
      {{"--precise-bn", "1.5"},
       "bnlab: --precise-bn: precise-bn must be an integer in [0, 100000]; got '1.5'\n"},
      {{"--batch", "10000", "--channels", "1000", "--steps", "0", "--precise-bn", "201"},
       "bnlab: --precise-bn: precise-bn * values per batch must be at most 2000000000 (the work "
       "one run may take)\n"},
  };
  for (const auto& [args, message] : cases) {
    const bnlab::CliResult r = bnlab::run_cli(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, message);
  }
}

TEST(ScenarioCliFlags, ABadFlagBesideBatchOfOneIsAUsageError) {
  const bnlab::CliResult r = bnlab::run_cli({"--batch", "1", "--eps", "0"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "bnlab: --eps: eps must be a finite number > 0; got '0'\n");
}

}  // namespace

// The verification script's numbers against real PyTorch without running it:
// for every scenario fixture (tests/fixtures/scenarios.json) the bit patterns it
// embeds are PyTorch's, NaN bits included; its constants are the config; and
// bnlab --verify-script's refusals. tests/node/verify_script.test.mjs runs the
// scripts themselves in PyTorch.
#include "verify_script.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"
#include "fixture_loader.h"
#include "scenario_fixture.h"

namespace {

using bnlab::testing::fixture_cases;
using bnlab::testing::Json;
using bnlab::testing::kScenarios;

// The bit patterns of EXPECTED["name"] as the script writes them.
std::vector<std::uint32_t> embedded(const std::string& script, const std::string& name) {
  std::vector<std::uint32_t> bits;
  std::size_t at = script.find("    \"" + name + "\": [\n");
  if (at == std::string::npos) return bits;
  const std::size_t end = script.find("    ],\n", at);
  while ((at = script.find("0x", at)) != std::string::npos && at < end) {
    bits.push_back(static_cast<std::uint32_t>(std::stoul(script.substr(at + 2, 8), nullptr, 16)));
    at += 10;
  }
  return bits;
}

std::vector<std::uint32_t> fixture_bits(const Json& values) {
  return values.get<std::vector<std::uint32_t>>();
}

std::string line_of(const std::string& script, const std::string& start) {
  const std::size_t at = script.find("\n" + start);
  if (at == std::string::npos) return "";
  return script.substr(at + 1, script.find('\n', at + 1) - at - 1);
}

class VerifyScriptNumbers : public ::testing::TestWithParam<std::size_t> {};

TEST_P(VerifyScriptNumbers, ArePyTorchsBits) {
  const Json& c = fixture_cases(kScenarios)[GetParam()];
  const bnlab::ConfigParse parsed = bnlab::parse_config(bnlab::testing::scenario_fields(c));
  if (c.contains("error")) {
    ASSERT_FALSE(parsed.ok());
    const bnlab::VerifyScriptResult r = bnlab::make_verify_script(parsed.config, std::nullopt);
    EXPECT_EQ(r.error, c["error"].get<std::string>());
    EXPECT_EQ(r.field, "batch");
    EXPECT_EQ(r.text, "");
    return;
  }
  ASSERT_TRUE(parsed.ok());
  const bnlab::VerifyScriptResult r = bnlab::make_verify_script(parsed.config, std::nullopt);
  ASSERT_EQ(r.error, "");
  EXPECT_EQ(embedded(r.text, "running_mean"), fixture_bits(c["final_running_mean_bits"]));
  EXPECT_EQ(embedded(r.text, "running_var"), fixture_bits(c["final_running_var_bits"]));
  EXPECT_EQ(embedded(r.text, "manual_mean"), fixture_bits(c["manual_mean_bits"]));
  EXPECT_EQ(embedded(r.text, "manual_var"), fixture_bits(c["manual_var_bits"]));
  EXPECT_EQ(line_of(r.text, "    \"num_batches_tracked\""),
            "    \"num_batches_tracked\": " + c["num_batches_tracked"].dump() + ",");
  EXPECT_EQ(line_of(r.text, "SEED = "), "SEED = " + c["config"]["seed"].get<std::string>());
  EXPECT_EQ(line_of(r.text, "STEPS = "), "STEPS = " + c["config"]["steps"].dump());
  const Json& freeze = c["config"]["freeze"];
  EXPECT_EQ(
      line_of(r.text, "FREEZE = ").substr(0, 9 + (freeze.is_null() ? 4 : freeze.dump().size())),
      "FREEZE = " + (freeze.is_null() ? std::string("None") : freeze.dump()));
  for (const Json& p : c["precise"]) {
    if (p.contains("error")) continue;
    const auto k = p["batches"].get<std::int64_t>();
    const bnlab::VerifyScriptResult pr = bnlab::make_verify_script(parsed.config, k);
    ASSERT_EQ(pr.error, "");
    EXPECT_EQ(embedded(pr.text, "precise_bn running_mean"), fixture_bits(p["running_mean_bits"]));
    EXPECT_EQ(embedded(pr.text, "precise_bn running_var"), fixture_bits(p["running_var_bits"]));
    EXPECT_EQ(line_of(pr.text, "PRECISE_BN = ").substr(0, 13 + std::to_string(k).size()),
              "PRECISE_BN = " + std::to_string(k));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, VerifyScriptNumbers,
                         ::testing::ValuesIn(bnlab::testing::case_indices(kScenarios)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return bnlab::testing::case_test_name(kScenarios, info.param);
                         });

TEST(VerifyScript, PythonFloatLiteralsReadBackExactly) {
  bnlab::ExperimentConfig c;
  c.shift = -0.0;
  c.scale = 1000;
  c.switch_step = 3;
  c.shift2 = 0.30000000000000004;
  c.eps = 1e-5;
  c.momentum.reset();
  c.steps = 4;
  const std::string text = bnlab::make_verify_script(c, std::nullopt).text;
  EXPECT_EQ(line_of(text, "SHIFT, SCALE = ").substr(0, 28), "SHIFT, SCALE = -0.0, 1000.0 ");
  EXPECT_EQ(line_of(text, "SHIFT2, SCALE2 = "), "SHIFT2, SCALE2 = 0.30000000000000004, 1000.0");
  EXPECT_EQ(line_of(text, "EPS = "), "EPS = 1e-05");
  EXPECT_EQ(line_of(text, "MOMENTUM = ").substr(0, 15), "MOMENTUM = None");
  EXPECT_EQ(line_of(text, "TRANSFORMS_INPUT = ").substr(0, 23), "TRANSFORMS_INPUT = True");
}

TEST(VerifyScriptCli, PrintsTheScriptAndRefusesWhatHasNone) {
  const bnlab::CliResult ok = bnlab::run_cli({"--steps", "5", "--verify-script"});
  EXPECT_EQ(ok.exit_code, 0);
  EXPECT_EQ(ok.err, "");
  EXPECT_EQ(ok.out.rfind("#!/usr/bin/env python3\n", 0), 0u);
  EXPECT_NE(ok.out.find("print(\"OK: bit-exact\")"), std::string::npos);
  EXPECT_NE(ok.out.find("torch.set_num_threads(1)"), std::string::npos);

  const std::vector<std::tuple<std::vector<std::string>, int, std::string>> cases = {
      {{"--verify-script", "--json"},
       2,
       "--verify-script: cannot be combined with --json (it prints a Python script)"},
      {{"--verify-script", "--seeds", "1:2"},
       2,
       "--verify-script: cannot be combined with --seeds (it prints a Python script)"},
      {{"--verify-script", "--channels", "65537", "--steps", "1"},
       2,
       "--verify-script: channels must be at most 65536 for a verification script; got 65537"},
      {{"--verify-script", "--batch", "1"},
       1,
       "--verify-script: PyTorch raises for this config, so there are no statistics to check: "
       "ValueError: Expected more than 1 value per channel when training, got input size "
       "torch.Size([1, 3, 1, 1])"},
      {{"--verify-script", "--batch", "1", "--steps", "0", "--precise-bn", "2"},
       1,
       "--verify-script: ValueError: Expected more than 1 value per channel when training, got "
       "input size torch.Size([1, 3, 1, 1])"},
      {{"--verify-script", "--eps", "-1"}, 2, "--eps: eps must be a finite number > 0; got '-1'"},
  };
  for (const auto& [args, code, message] : cases) {
    const bnlab::CliResult r = bnlab::run_cli(args);
    EXPECT_EQ(r.exit_code, code) << message;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "bnlab: " + message + "\n");
  }
  EXPECT_EQ(bnlab::run_cli({"--channels", "65536", "--steps", "1", "--verify-script"}).exit_code,
            0);
}

}  // namespace

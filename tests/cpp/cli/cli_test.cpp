// bnlab's flags, its --json output and its error messages.
#include "cli.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "experiment_config.h"

namespace {

bnlab::CliResult run(const std::vector<std::string>& args) { return bnlab::run_cli(args); }

TEST(Cli, DefaultsAreTheArticles) {
  const bnlab::CliResult r = run({});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.err, "");
  EXPECT_NE(r.out.find("Mean: tensor([-0.0628,  0.0649,  0.0600])\n"), std::string::npos);
  EXPECT_NE(r.out.find("Mean: tensor([0.0039, 0.0015, 0.0095])\n"), std::string::npos);
  EXPECT_NE(r.out.find("torch.Size([40000, 3, 1, 1])"), std::string::npos);
}

TEST(Cli, FlagsWithSpaceOrEqualsAreTheSame) {
  EXPECT_EQ(run({"--steps", "7", "--seed", "-3"}).out, run({"--steps=7", "--seed=-3"}).out);
  EXPECT_NE(run({"--steps", "7"}).out, run({"--steps", "8"}).out);
}

TEST(Cli, JsonHasEveryFieldAndRoundTrips) {
  const bnlab::CliResult r = run({"--json", "--steps", "5", "--momentum", "none"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["config"]["seed"], "21");  // a string: 64-bit seeds do not fit a double
  EXPECT_EQ(j["config"]["steps"], 5);
  EXPECT_TRUE(j["config"]["momentum"].is_null());
  EXPECT_EQ(j["config"]["eps"], 1e-5);
  EXPECT_EQ(j["running_mean"].size(), 3u);
  EXPECT_EQ(j["num_batches_tracked"], 5);
  // With momentum none the running mean is the mean of the 5 batch means:
  // the overall mean of equally sized batches, up to float rounding.
  for (int c = 0; c < 3; ++c) {
    EXPECT_NEAR(j["running_mean"][c].get<double>(), j["manual_mean"][c].get<double>(), 1e-6);
  }
  EXPECT_TRUE(j["mean_abs_diff"]["mean"].is_number());
}

TEST(Cli, ZeroStepsGivesNullManualStatistics) {
  const auto j = nlohmann::json::parse(run({"--json", "--steps", "0"}).out);
  EXPECT_TRUE(j["manual_mean"][0].is_null());
  EXPECT_TRUE(j["manual_var"][2].is_null());
  EXPECT_TRUE(j["mean_abs_diff"]["var"].is_null());
  EXPECT_EQ(j["running_var"][1], 1.0);
}

TEST(Cli, BadFlagsExitWithTwoAndOneLineNamingTheFlag) {
  const std::vector<std::pair<std::vector<std::string>, std::string>> cases = {
      {{"--batch", "0"}, "bnlab: --batch: batch must be an integer in [1, 16777216]; got '0'\n"},
      {{"--steps", "-1"}, "bnlab: --steps: steps must be an integer in [0, 1000000]; got '-1'\n"},
      {{"--momentum", "1.01"},
       "bnlab: --momentum: momentum must be a number in [0, 1], or none; got '1.01'\n"},
      {{"--eps", "inf"}, "bnlab: --eps: eps must be a finite number > 0; got 'inf'\n"},
      {{"--eps", "0"}, "bnlab: --eps: eps must be a finite number > 0; got '0'\n"},
      {{"--seed", "1.5"},
       "bnlab: --seed: seed must be an integer in [-9223372036854775808, "
       "18446744073709551615]; got '1.5'\n"},
      {{"--width"}, "bnlab: --width needs a value: an integer in [1, 16777216]\n"},
      {{"--colour", "red"}, "bnlab: unknown flag '--colour' (see bnlab --help)\n"},
      {{"stray"}, "bnlab: unexpected argument 'stray'\n"},
      {{"--batch", "100000", "--channels", "1000"},
       "bnlab: --batch/--channels/--height/--width: batch * channels * height * width must be at "
       "most 16777216 values per batch (what a browser tab can hold); got 100000 * 1000 * 1 * 1\n"},
      // Issue 12: products that wrapped around in 64 bits are refused too.
      {{"--batch", "2048", "--channels", "8192", "--height", "524288", "--width", "16777216",
        "--steps", "1"},
       "bnlab: --batch/--channels/--height/--width: batch * channels * height * width must be at "
       "most 16777216 values per batch (what a browser tab can hold); got 2048 * 8192 * 524288 * "
       "16777216\n"},
      {{"--channels", "16777216", "--height", "16777216", "--width", "16777216", "--steps", "0"},
       "bnlab: --batch/--channels/--height/--width: batch * channels * height * width must be at "
       "most 16777216 values per batch (what a browser tab can hold); got 20 * 16777216 * "
       "16777216 * 16777216\n"},
      {{"--x\x1b]0;pwned\a"}, "bnlab: unknown flag '--x\\x1b]0;pwned\\x07' (see bnlab --help)\n"},
  };
  for (const auto& [args, message] : cases) {
    const bnlab::CliResult r = run(args);
    EXPECT_EQ(r.exit_code, 2) << args[0];
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, message);
  }
}

TEST(Cli, BatchOfOneRaisesAsPyTorchDoesAfterTheFirstPrint) {
  const bnlab::CliResult r = run({"--batch", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out,
            "Buffers in BatchNorm2d: dict_keys(['running_mean', 'running_var', "
            "'num_batches_tracked'])\n\n");
  EXPECT_EQ(r.err,
            "ValueError: Expected more than 1 value per channel when training, got input size "
            "torch.Size([1, 3, 1, 1])\n");
}

TEST(Cli, HelpListsEveryFlag) {
  const bnlab::CliResult r = run({"--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--seed", "--batch", "--channels", "--height", "--width", "--steps",
                           "--momentum", "--eps", "--shift", "--scale", "--switch", "--shift2",
                           "--scale2", "--freeze", "--precise-bn", "--json"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST(Seed, ParsesPyTorchsWholeRange) {
  EXPECT_EQ(bnlab::Seed::parse("-9223372036854775808")->bits, 0x8000000000000000ULL);
  EXPECT_EQ(bnlab::Seed::parse("18446744073709551615")->bits, 0xffffffffffffffffULL);
  EXPECT_EQ(bnlab::Seed::parse("-1")->bits, 0xffffffffffffffffULL);
  EXPECT_EQ(bnlab::Seed::parse("-1")->to_string(), "-1");
  EXPECT_EQ(bnlab::Seed::parse("-0")->to_string(), "0");
  EXPECT_FALSE(bnlab::Seed::parse("-9223372036854775809"));
  EXPECT_FALSE(bnlab::Seed::parse("18446744073709551616"));
  EXPECT_FALSE(bnlab::Seed::parse(""));
  EXPECT_FALSE(bnlab::Seed::parse(" 1"));
  EXPECT_FALSE(bnlab::Seed::parse("0x10"));
}

}  // namespace

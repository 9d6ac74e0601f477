// The article's experiment against PyTorch 1.13 on one thread
// (tests/fixtures/experiments.json): running statistics after EVERY step bit
// for bit, the "manual" statistics to 1e-6, and the script's stdout byte for
// byte. Also the config checks that stand in for PyTorch's errors.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "article_report.h"
#include "experiment.h"
#include "experiment_config.h"
#include "fixture_loader.h"

namespace bnlab {
namespace {

using testing::bits_match;
using testing::bits_of;
using testing::describe_float;
using testing::fixture_cases;
using testing::Json;
using testing::seed_bits_from_string;

constexpr const char* kExperiments = "experiments.json";

ExperimentConfig config_of(const Json& c) {
  const Json& j = c["config"];
  ExperimentConfig config;
  const std::string seed_text = j["seed"].get<std::string>();
  const std::optional<Seed> seed = Seed::parse(seed_text);
  if (seed) config.seed = *seed;
  EXPECT_TRUE(seed.has_value()) << "Seed::parse rejected " << seed_text;
  EXPECT_EQ(config.seed.bits, seed_bits_from_string(seed_text)) << seed_text;
  EXPECT_EQ(config.seed.to_string(), seed_text);
  config.batch = j["batch"].get<std::int64_t>();
  config.channels = j["channels"].get<std::int64_t>();
  config.height = j["height"].get<std::int64_t>();
  config.width = j["width"].get<std::int64_t>();
  config.steps = j["steps"].get<std::int64_t>();
  config.momentum =
      j["momentum"].is_null() ? std::nullopt : std::optional<double>(j["momentum"].get<double>());
  config.eps = j["eps"].get<double>();
  return config;
}

TEST(ExperimentFixture, LoadsAndCoversTheRequiredConfigs) {
  const Json& cases = fixture_cases(kExperiments);
  ASSERT_GE(cases.size(), 15u) << "tests/fixtures/experiments.json missing or truncated";
  std::set<std::string> names;
  for (const auto& c : cases) names.insert(c["name"].get<std::string>());
  for (const char* n :
       {"article_default", "spatial_seed7_8x4x3x5", "pixel_momentum_none", "spatial_momentum_none",
        "scalar_path_2x3", "numel_16", "numel_17", "steps_0", "steps_1", "scientific_momentum_1e-6",
        "wrapping_24_channels", "summarized_1030_channels"}) {
    EXPECT_TRUE(names.count(n)) << "no experiment case " << n;
  }
  const Json& article = cases[0];
  ASSERT_EQ(article["name"], "article_default");
  EXPECT_EQ(article["config"]["steps"], 2000);
  EXPECT_NE(article["article_stdout"].get<std::string>().find(
                "Mean: tensor([-0.0628,  0.0649,  0.0600])"),
            std::string::npos);
  EXPECT_EQ(article["running_mean_bits"].size(), 2000u);
}

// The manual statistics are PyTorch's float32 values: the fixture's doubles
// (float values widened by tolist()) must come back exactly.
void expect_manual_equal(const std::string& what, const Json& expected,
                         const std::vector<float>& actual) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  for (std::size_t c = 0; c < actual.size(); ++c) {
    if (expected[c].is_null()) {
      EXPECT_TRUE(std::isnan(actual[c]))
          << what << "[" << c << "]: PyTorch has nan, core " << actual[c];
      continue;
    }
    const float want = static_cast<float>(expected[c].get<double>());
    EXPECT_EQ(bits_of(actual[c]), bits_of(want))
        << what << "[" << c << "]: PyTorch " << describe_float(want) << ", core "
        << describe_float(actual[c]);
  }
}

class ExperimentParity : public ::testing::TestWithParam<std::size_t> {};

// Steps in uneven chunks (1, 2, 3, ... steps), checking every step's running
// statistics, so that a rule that only changes bits at some steps is caught
// at the first step it does.
TEST_P(ExperimentParity, RunningStatisticsAtEveryStep) {
  const Json& c = fixture_cases(kExperiments)[GetParam()];
  const ExperimentConfig config = config_of(c);
  const auto channels = static_cast<std::size_t>(config.channels);
  const Json& means = c["running_mean_bits"];
  const Json& vars = c["running_var_bits"];
  ASSERT_EQ(means.size(), static_cast<std::size_t>(config.steps));
  ASSERT_EQ(vars.size(), static_cast<std::size_t>(config.steps));

  Experiment experiment(config);
  EXPECT_EQ(experiment.steps_done(), 0);
  StepTrace trace;
  std::int64_t chunk = 1;
  while (!experiment.finished()) {
    const std::int64_t before = experiment.steps_done();
    trace.clear(config.channels, chunk);
    const std::int64_t ran = experiment.run(chunk, &trace);
    ASSERT_EQ(ran, std::min(chunk, config.steps - before));
    ASSERT_EQ(experiment.steps_done(), before + ran);
    ASSERT_EQ(trace.first_step, before + 1);
    ASSERT_EQ(trace.steps, ran);
    ASSERT_EQ(trace.running_mean.size(), static_cast<std::size_t>(ran) * channels);
    ASSERT_EQ(trace.running_var.size(), static_cast<std::size_t>(ran) * channels);
    for (std::int64_t i = 0; i < ran; ++i) {
      const std::int64_t step = before + i;  // 0-based index into the fixture
      const std::string where = "after step " + std::to_string(step + 1);
      const float* rm = trace.running_mean.data() + i * config.channels;
      const float* rv = trace.running_var.data() + i * config.channels;
      // Stop at the first step that differs: every later step inherits it.
      ASSERT_TRUE(bits_match(where + " running_mean", means[step], rm, channels));
      ASSERT_TRUE(bits_match(where + " running_var", vars[step], rv, channels));
    }
    chunk = chunk % 97 + 1;
  }
  EXPECT_EQ(experiment.run(5, &trace), 0) << "ran past config.steps";

  const ExperimentSummary s = experiment.summary();
  EXPECT_EQ(s.steps_done, config.steps);
  EXPECT_EQ(s.num_batches_tracked, c["num_batches_tracked"].get<std::int64_t>());
  EXPECT_TRUE(bits_match("final running_mean", c["final_running_mean_bits"], s.running_mean));
  EXPECT_TRUE(bits_match("final running_var", c["final_running_var_bits"], s.running_var));
  EXPECT_TRUE(bits_match("layer running_mean", c["final_running_mean_bits"],
                         experiment.layer().running_mean()));
  expect_manual_equal("manual_mean", c["manual_mean"], s.manual_mean);
  expect_manual_equal("manual_var", c["manual_var"], s.manual_var);
  if (config.steps > 0) {
    // The trace's last manual statistics are the summary's.
    const std::size_t last = (static_cast<std::size_t>(trace.steps) - 1) * channels;
    for (std::size_t ch = 0; ch < channels && trace.steps > 0; ++ch) {
      EXPECT_EQ(bits_of(trace.manual_mean[last + ch]), bits_of(s.manual_mean[ch])) << ch;
      EXPECT_EQ(bits_of(trace.manual_var[last + ch]), bits_of(s.manual_var[ch])) << ch;
      EXPECT_EQ(trace.exact_mean[last + ch], s.exact_mean[ch]) << "channel " << ch;
    }
  }
}

TEST_P(ExperimentParity, OneRunCallGivesTheSameFinalState) {
  const Json& c = fixture_cases(kExperiments)[GetParam()];
  const ExperimentConfig config = config_of(c);
  Experiment experiment(config);
  EXPECT_EQ(experiment.run(config.steps + 10), config.steps);
  EXPECT_TRUE(experiment.finished());
  EXPECT_TRUE(bits_match("final running_mean", c["final_running_mean_bits"],
                         experiment.layer().running_mean()));
  EXPECT_TRUE(bits_match("final running_var", c["final_running_var_bits"],
                         experiment.layer().running_var()));
  EXPECT_EQ(experiment.layer().num_batches_tracked(), c["num_batches_tracked"].get<std::int64_t>());
}

TEST_P(ExperimentParity, ArticleOutputIsTheScriptsStdout) {
  const Json& c = fixture_cases(kExperiments)[GetParam()];
  const ExperimentConfig config = config_of(c);
  Experiment experiment(config);
  experiment.run(config.steps);
  const std::string expected = c["article_stdout"].get<std::string>();
  const std::string actual = article_output(experiment);
  EXPECT_EQ(actual, expected) << "article_output differs from PyTorch's stdout for " << c["name"];
}

INSTANTIATE_TEST_SUITE_P(Fixture, ExperimentParity,
                         ::testing::ValuesIn(testing::case_indices(kExperiments)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::case_test_name(kExperiments, info.param);
                         });

// ---------------------------------------------------------------------------
// Errors

ExperimentConfig small_config() {
  ExperimentConfig config;
  config.batch = 4;
  config.channels = 2;
  config.steps = 3;
  return config;
}

TEST(ExperimentErrors, OneValuePerChannelThrowsPyTorchsMessage) {
  ExperimentConfig config = small_config();
  config.batch = 1;
  config.height = 1;
  config.width = 1;
  config.steps = 5;
  try {
    Experiment experiment(config);
    FAIL() << "an experiment with one value per channel was accepted";
  } catch (const InvalidConfig& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("Expected more than 1 value per channel when training"), std::string::npos)
        << what;
    ASSERT_FALSE(e.errors().empty());
    bool found = false;
    for (const auto& err : e.errors()) {
      found |= err.message.find("Expected more than 1 value per channel when training") !=
               std::string::npos;
    }
    EXPECT_TRUE(found);
  }
  // As an InvalidConfig is a std::invalid_argument, generic handlers catch it too.
  EXPECT_THROW(Experiment{config}, std::invalid_argument);
}

TEST(ExperimentErrors, OneValuePerChannelIsFineWithoutSteps) {
  // The article's script with --batch 1 --steps 0 runs no forward and prints normally.
  ExperimentConfig config = small_config();
  config.batch = 1;
  config.steps = 0;
  EXPECT_TRUE(validate(config).empty());
  EXPECT_NO_THROW(Experiment{config});
}

TEST(ExperimentErrors, SpatialBatchOfOneIsValid) {
  // n = N*H*W: one image of 2x2 pixels has 4 values per channel, as PyTorch allows.
  ExperimentConfig config = small_config();
  config.batch = 1;
  config.height = 2;
  config.width = 2;
  EXPECT_TRUE(validate(config).empty());
}

TEST(ConfigValidation, DefaultAndBoundaryConfigsAreValid) {
  EXPECT_TRUE(validate(ExperimentConfig{}).empty());
  ExperimentConfig config = small_config();
  for (double m : {0.0, 1.0, 1e-6}) {
    config.momentum = m;
    EXPECT_TRUE(validate(config).empty()) << "momentum " << m;
  }
  config.momentum.reset();
  EXPECT_TRUE(validate(config).empty()) << "momentum none";
  config.steps = 0;
  EXPECT_TRUE(validate(config).empty()) << "steps 0";
}

struct BadField {
  const char* field;
  void (*apply)(ExperimentConfig&);
};

TEST(ConfigValidation, EachBadFieldIsNamedInItsMessage) {
  const BadField cases[] = {
      {"batch", [](ExperimentConfig& c) { c.batch = 0; }},
      {"batch", [](ExperimentConfig& c) { c.batch = -3; }},
      {"channels", [](ExperimentConfig& c) { c.channels = 0; }},
      {"height", [](ExperimentConfig& c) { c.height = 0; }},
      {"width", [](ExperimentConfig& c) { c.width = -1; }},
      {"steps", [](ExperimentConfig& c) { c.steps = -1; }},
      {"steps", [](ExperimentConfig& c) { c.steps = kMaxSteps + 1; }},
      {"momentum", [](ExperimentConfig& c) { c.momentum = 1.5; }},
      {"momentum", [](ExperimentConfig& c) { c.momentum = -0.1; }},
      {"momentum", [](ExperimentConfig& c) { c.momentum = std::nan(""); }},
      {"eps", [](ExperimentConfig& c) { c.eps = 0; }},
      {"eps", [](ExperimentConfig& c) { c.eps = -1e-5; }},
      {"eps", [](ExperimentConfig& c) { c.eps = std::numeric_limits<double>::infinity(); }},
      {"eps", [](ExperimentConfig& c) { c.eps = std::nan(""); }},
  };
  for (const auto& bad : cases) {
    ExperimentConfig config = small_config();
    bad.apply(config);
    const auto errors = validate(config);
    ASSERT_FALSE(errors.empty()) << "no error for a bad " << bad.field;
    bool named = false;
    for (const auto& e : errors) {
      EXPECT_FALSE(e.message.empty());
      EXPECT_EQ(e.message.find('\n'), std::string::npos) << "message is one line: " << e.message;
      named |= e.field == bad.field && e.message.find(bad.field) != std::string::npos;
    }
    EXPECT_TRUE(named) << "no error for field '" << bad.field
                       << "' whose message names it; first: " << errors[0].field << ": "
                       << errors[0].message;
    // The experiment refuses the same config with the same errors.
    try {
      Experiment experiment(config);
      ADD_FAILURE() << "Experiment accepted a bad " << bad.field;
    } catch (const InvalidConfig& e) {
      ASSERT_EQ(e.errors().size(), errors.size());
      EXPECT_NE(std::string(e.what()).find(bad.field), std::string::npos) << e.what();
    }
  }
}

TEST(ConfigValidation, SeveralBadFieldsGiveOneErrorEach) {
  ExperimentConfig config = small_config();
  config.channels = 0;
  config.momentum = 2.0;
  config.eps = -1;
  std::set<std::string> fields;
  for (const auto& e : validate(config)) fields.insert(e.field);
  EXPECT_EQ(fields, (std::set<std::string>{"channels", "momentum", "eps"}));
}

TEST(SeedParse, AcceptsPyTorchsRangeAndNothingElse) {
  struct Case {
    const char* text;
    std::uint64_t bits;
  };
  for (const Case& c :
       {Case{"0", 0}, Case{"21", 21}, Case{"-1", ~0ULL}, Case{"-9223372036854775808", 1ULL << 63},
        Case{"18446744073709551615", ~0ULL}, Case{"9223372036854775807", (1ULL << 63) - 1}}) {
    const auto seed = Seed::parse(c.text);
    ASSERT_TRUE(seed.has_value()) << c.text;
    EXPECT_EQ(seed->bits, c.bits) << c.text;
    EXPECT_EQ(seed->to_string(), c.text);
  }
  for (const char* text : {"", "-", "abc", "1.5", "18446744073709551616", "-9223372036854775809",
                           "12 ", " 12", "0x10"}) {
    EXPECT_FALSE(Seed::parse(text).has_value()) << "'" << text << "'";
  }
}

}  // namespace
}  // namespace bnlab

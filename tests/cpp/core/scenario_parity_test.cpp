// The scenario fields of issue 9 (shift, scale, switch, shift2, scale2, freeze),
// the eval-mode probe and precise BN against PyTorch 1.13 on one thread
// (tests/fixtures/scenarios.json): running statistics after every step, probe
// outputs and precise BN buffers bit for bit, and PyTorch's batch-of-one error.
#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>
#include <vector>

#include "experiment.h"
#include "experiment_config.h"
#include "fixture_loader.h"
#include "scenario_fixture.h"

namespace bnlab {
namespace {

using testing::bits_match;
using testing::fixture_cases;
using testing::fnv1a64_hex;
using testing::Json;
using testing::kScenarios;
using testing::scenario_fields;

ExperimentConfig parsed_config(const Json& c) {
  const ConfigParse parsed = parse_config(scenario_fields(c));
  EXPECT_TRUE(parsed.ok()) << c["name"] << ": " << parsed.errors.front().message;
  return parsed.config;
}

// Doubles computed in another order than PyTorch's float64 reductions.
void expect_close(const std::string& what, const Json& expected, const std::vector<double>& actual,
                  double tolerance) {
  ASSERT_EQ(expected.size(), actual.size()) << what;
  for (std::size_t c = 0; c < actual.size(); ++c) {
    if (expected[c].is_null()) {
      EXPECT_TRUE(std::isnan(actual[c])) << what << "[" << c << "] is " << actual[c];
      continue;
    }
    const double want = expected[c].get<double>();
    EXPECT_NEAR(actual[c], want, tolerance * std::max(1.0, std::fabs(want)))
        << what << "[" << c << "]";
  }
}

TEST(ScenarioFixture, CoversEveryFieldKernelAndLens) {
  const Json& cases = fixture_cases(kScenarios);
  ASSERT_GE(cases.size(), 60u) << "tests/fixtures/scenarios.json missing or truncated";
  std::set<std::string> seen;
  for (const Json& c : cases) {
    const Json& j = c["config"];
    const bool pixel = j["height"].get<int>() * j["width"].get<int>() == 1;
    if (j["shift"] != 0.0 || j["scale"] != 1.0)
      seen.insert(pixel ? "shift pixel" : "shift spatial");
    if (!j["switch"].is_null()) seen.insert(pixel ? "switch pixel" : "switch spatial");
    if (!j["freeze"].is_null()) seen.insert(pixel ? "freeze pixel" : "freeze spatial");
    if (!j["switch"].is_null() && !j["freeze"].is_null()) seen.insert("switch and freeze");
    if (j["momentum"].is_null() && (!j["switch"].is_null() || !j["freeze"].is_null())) {
      seen.insert("momentum none");
    }
    if (c.contains("probe")) seen.insert(pixel ? "probe pixel" : "probe spatial");
    if (!c["precise"].empty()) seen.insert(pixel ? "precise pixel" : "precise spatial");
    if (c.contains("error")) seen.insert("error");
    for (const Json& p : c["precise"]) {
      if (p.contains("error")) seen.insert("precise error");
    }
  }
  for (const char* want :
       {"shift pixel", "shift spatial", "switch pixel", "switch spatial", "freeze pixel",
        "freeze spatial", "switch and freeze", "momentum none", "probe pixel", "probe spatial",
        "precise pixel", "precise spatial", "error", "precise error"}) {
    EXPECT_TRUE(seen.count(want)) << "no scenario case with " << want;
  }
}

class ScenarioParity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(ScenarioParity, RunningStatisticsProbeAndManualAtEveryStep) {
  const Json& c = fixture_cases(kScenarios)[GetParam()];
  if (c.contains("error")) {
    // PyTorch raises at the first training step: the core refuses the config.
    const ConfigParse parsed = parse_config(scenario_fields(c));
    EXPECT_THROW(Experiment{parsed.config}, InvalidConfig);
    return;
  }
  const ExperimentConfig config = parsed_config(c);
  const auto channels = static_cast<std::size_t>(config.channels);
  Experiment experiment(config);
  const bool probing = c.contains("probe");
  if (probing) experiment.set_probe(*Seed::parse(c["probe"]["seed"].get<std::string>()));
  std::size_t next_probe = 0;
  const auto check_probe = [&](std::int64_t step) {
    if (!probing) return;
    const Json& probes = c["probe"]["steps"];
    if (next_probe >= probes.size() || probes[next_probe]["step"] != step) return;
    const Json& p = probes[next_probe++];
    const std::string where = "probe after step " + std::to_string(step);
    const std::vector<float> out = experiment.probe_output();
    EXPECT_EQ(fnv1a64_hex(out.data(), out.size()), p["eval_output_fnv1a64"]) << where;
    if (p.contains("eval_output_bits")) {
      EXPECT_TRUE(bits_match(where + " eval output", p["eval_output_bits"], out));
    } else {
      EXPECT_TRUE(bits_match(where + " eval output", p["eval_output_first_bits"], out.data(), 32));
    }
    const ProbeResult r = experiment.probe();
    expect_close(where + " eval mean", p["eval_mean_f64"], r.eval.mean, 1e-12);
    expect_close(where + " eval std", p["eval_std_f64"], r.eval.std, 1e-12);
  };
  check_probe(0);
  StepTrace trace;
  std::int64_t chunk = 1;
  while (!experiment.finished()) {
    const std::int64_t before = experiment.steps_done();
    trace.clear(config.channels, chunk);
    const std::int64_t ran = experiment.run(chunk, &trace);
    ASSERT_EQ(trace.probe_mean.size(), probing ? static_cast<std::size_t>(ran) * channels : 0u);
    for (std::int64_t i = 0; i < ran; ++i) {
      const std::size_t step = static_cast<std::size_t>(before + i);
      const std::string where = "after step " + std::to_string(step + 1);
      ASSERT_TRUE(bits_match(where + " running_mean", c["running_mean_bits"][step],
                             trace.running_mean.data() + i * config.channels, channels));
      ASSERT_TRUE(bits_match(where + " running_var", c["running_var_bits"][step],
                             trace.running_var.data() + i * config.channels, channels));
    }
    // One step per chunk around probes, so that each probed step is reachable.
    if (ran == 1) {
      if (probing) {
        const ProbeResult r = experiment.probe();
        for (std::size_t ch = 0; ch < channels; ++ch) {
          EXPECT_EQ(trace.probe_mean[ch], r.eval.mean[ch]);
          EXPECT_TRUE(trace.probe_std[ch] == r.eval.std[ch] ||
                      (std::isnan(trace.probe_std[ch]) && std::isnan(r.eval.std[ch])));
        }
      }
      check_probe(experiment.steps_done());
    }
    chunk = probing ? 1 : chunk % 13 + 1;
  }
  if (probing) {
    EXPECT_EQ(next_probe, c["probe"]["steps"].size()) << "probes not reached";
  }
  const ExperimentSummary s = experiment.summary();
  EXPECT_EQ(s.num_batches_tracked, c["num_batches_tracked"].get<std::int64_t>());
  EXPECT_EQ(experiment.layer().is_training(), c["training_at_end"].get<bool>());
  EXPECT_TRUE(bits_match("final running_mean", c["final_running_mean_bits"], s.running_mean));
  EXPECT_TRUE(bits_match("final running_var", c["final_running_var_bits"], s.running_var));
  expect_close("manual mean", c["manual_mean_f64"], s.exact_mean, 1e-9);
  expect_close("manual var", c["manual_var_f64"], s.exact_var, 1e-9);
  if (probing) {
    const ProbeResult r = experiment.probe();
    const Json& p = c["probe"];
    if (p.contains("train_error")) {
      EXPECT_EQ(r.train_error, p["train_error"]);
    } else {
      EXPECT_EQ(r.train_error, "");
      expect_close("train mean", p["train_mean_f64"], r.train.mean, 1e-12);
      expect_close("train std", p["train_std_f64"], r.train.std, 1e-12);
    }
  }
}

TEST_P(ScenarioParity, PreciseBnForEveryK) {
  const Json& c = fixture_cases(kScenarios)[GetParam()];
  if (c.contains("error")) {
    EXPECT_TRUE(c["precise"].empty()) << "the run itself raises";
    return;
  }
  const ExperimentConfig config = parsed_config(c);
  Experiment experiment(config);
  experiment.run(config.steps);
  const std::vector<float> ema = experiment.layer().running_mean();
  // K = 0 is reset_running_stats() alone.
  const PreciseBn reset = experiment.precise_bn(0);
  EXPECT_EQ(reset.running_mean, std::vector<float>(ema.size(), 0.0f));
  EXPECT_EQ(reset.running_var, std::vector<float>(ema.size(), 1.0f));
  EXPECT_EQ(reset.num_batches_tracked, 0);
  for (const Json& p : c["precise"]) {
    const std::int64_t k = p["batches"].get<std::int64_t>();
    const std::string where = "precise BN, K=" + std::to_string(k);
    const PreciseBn precise = experiment.precise_bn(k);
    EXPECT_EQ(precise.batches, k);
    if (p.contains("error")) {
      EXPECT_EQ(precise.error, p["error"]) << where;
      continue;
    }
    EXPECT_EQ(precise.error, "") << where;
    EXPECT_TRUE(bits_match(where + " running_mean", p["running_mean_bits"], precise.running_mean));
    EXPECT_TRUE(bits_match(where + " running_var", p["running_var_bits"], precise.running_var));
    EXPECT_EQ(precise.num_batches_tracked, p["num_batches_tracked"].get<std::int64_t>()) << where;
  }
  // precise_bn looks at a copy: the run's own statistics are untouched.
  EXPECT_EQ(experiment.layer().running_mean(), ema);
}

INSTANTIATE_TEST_SUITE_P(Fixture, ScenarioParity,
                         ::testing::ValuesIn(testing::case_indices(kScenarios)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::case_test_name(kScenarios, info.param);
                         });

TEST(ScenarioErrors, PyTorchsValueErrorForEveryRaisingCase) {
  int checked = 0;
  for (const Json& c : fixture_cases(kScenarios)) {
    if (!c.contains("error")) continue;
    const ConfigParse parsed = parse_config(scenario_fields(c));
    ASSERT_EQ(parsed.errors.size(), 1u) << c["name"];
    EXPECT_EQ(parsed.errors[0].field, "batch");
    EXPECT_EQ(parsed.errors[0].pytorch_error, c["error"]) << c["name"];
    ++checked;
  }
  EXPECT_GE(checked, 3);
}

TEST(ScenarioConfig, DefaultsAreTheArticlesLoop) {
  const ExperimentConfig config;
  EXPECT_FALSE(config.transforms_input());
  EXPECT_TRUE(config.training_at(config.steps));
  EXPECT_TRUE(config.training_after_loop());
}

TEST(ScenarioConfig, RegimesAndModesFollowTheLoop) {
  ExperimentConfig config;
  config.shift = 1.5;
  config.switch_step = 10;
  config.scale2 = 3.0;
  config.freeze = 4;
  config.steps = 20;
  EXPECT_EQ(config.regime(10).shift, 1.5);
  EXPECT_EQ(config.regime(10).scale, 1.0);
  EXPECT_EQ(config.regime(11).shift, 1.5);  // shift2 absent: shift
  EXPECT_EQ(config.regime(11).scale, 3.0);
  EXPECT_TRUE(config.training_at(4));
  EXPECT_FALSE(config.training_at(5));
  EXPECT_FALSE(config.training_after_loop());
  config.freeze = 20;  // eval() would come before step 21, which never runs
  EXPECT_TRUE(config.training_after_loop());
}

TEST(ScenarioConfig, BadValuesNameTheFieldAndRange) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"shift", "1001"},  {"shift", "nan"},    {"scale", "-0.5"},  {"scale2", "1e9"},
      {"shift2", "x"},    {"switch", "-1"},    {"freeze", "1.5"},  {"freeze", "1000001"},
      {"scale", "never"}, {"shift", "same"},   {"switch", "1e3"},  {"switch", "none"},
      {"freeze", "same"}, {"shift2", "never"}, {"scale2", "none"},
  };
  for (const auto& [field, text] : cases) {
    const ConfigParse parsed = parse_config({FieldInput(field, text)});
    ASSERT_EQ(parsed.errors.size(), 1u) << field << "=" << text;
    EXPECT_EQ(parsed.errors[0].field, field);
    EXPECT_EQ(parsed.errors[0].message,
              field + " must be " + find_field(field)->range + "; got '" + text + "'");
  }
  const ConfigParse absent =
      parse_config({FieldInput("switch", "Never"), FieldInput("freeze", "NEVER"),
                    FieldInput("shift2", "same"), FieldInput("scale2", "Same")});
  ASSERT_TRUE(absent.ok());
  EXPECT_FALSE(absent.config.switch_step || absent.config.freeze || absent.config.shift2 ||
               absent.config.scale2);
  EXPECT_STREQ(find_field("switch")->range, "an integer in [0, 1000000], or never");
  EXPECT_STREQ(find_field("scale2")->range, "a number in [0, 1000], or same (as scale)");
}

TEST(ScenarioConfig, BatchOfOneIsFineWhenFrozenFromTheStart) {
  ExperimentConfig config;
  config.batch = 1;
  EXPECT_EQ(validate(config).size(), 1u);
  config.freeze = 0;
  EXPECT_TRUE(validate(config).empty());
  config.freeze = 1;
  EXPECT_EQ(validate(config).size(), 1u);
  config.freeze.reset();
  config.steps = 0;
  EXPECT_TRUE(validate(config).empty());
}

}  // namespace
}  // namespace bnlab

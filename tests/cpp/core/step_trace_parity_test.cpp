// The step trace's batch statistics against PyTorch (tests/fixtures/inspector.json,
// generate_inspector_fixtures.py): each recorded step's batch mean, var_sum / n
// and var_sum / (n - 1) as BatchNorm2d's kernel computes them, the running
// statistics and num_batches_tracked after it, NaN and no update after a freeze.
#include <gtest/gtest.h>

#include <cmath>
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
using testing::Json;
using testing::scenario_fields;

constexpr const char* kInspector = "inspector.json";

TEST(StepTraceFixture, CoversBothKernelsMomentumNoneAndFreeze) {
  const Json& cases = fixture_cases(kInspector);
  ASSERT_GE(cases.size(), 20u) << "tests/fixtures/inspector.json missing or truncated";
  int pixel = 0, spatial = 0, none = 0, frozen = 0;
  for (const Json& c : cases) {
    const Json& config = c["config"];
    (config["height"].get<int>() * config["width"].get<int>() == 1 ? pixel : spatial)++;
    if (config["momentum"].is_null()) ++none;
    if (!config["freeze"].is_null()) ++frozen;
  }
  EXPECT_GE(pixel, 5);
  EXPECT_GE(spatial, 5);
  EXPECT_GE(none, 3);
  EXPECT_GE(frozen, 3);
}

class StepTraceParity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(StepTraceParity, BatchStatisticsAndUpdateAtRecordedSteps) {
  const Json& c = fixture_cases(kInspector)[GetParam()];
  const ConfigParse parsed = parse_config(scenario_fields(c));
  ASSERT_TRUE(parsed.ok()) << c["name"];
  Experiment experiment(parsed.config);
  const auto channels = static_cast<std::size_t>(parsed.config.channels);
  StepTrace trace;
  // Chunks of 5 steps: the trace's first_step and offsets are exercised too.
  std::size_t next = 0;
  const Json& steps = c["steps"];
  while (!experiment.finished()) {
    trace.clear(parsed.config.channels, 5);
    experiment.run(5, &trace);
    for (std::int64_t i = 0; i < trace.steps && next < steps.size(); ++i) {
      const std::int64_t step = trace.first_step + i;
      const Json& want = steps[next];
      if (want["step"].get<std::int64_t>() != step) continue;
      ++next;
      const std::string where = c["name"].get<std::string>() + " step " + std::to_string(step);
      const std::size_t at = static_cast<std::size_t>(i) * channels;
      EXPECT_EQ(trace.num_batches_tracked[static_cast<std::size_t>(i)],
                want["num_batches_tracked"].get<double>())
          << where;
      EXPECT_TRUE(bits_match(where + " running_mean", want["running_mean_bits"],
                             trace.running_mean.data() + at, channels));
      EXPECT_TRUE(bits_match(where + " running_var", want["running_var_bits"],
                             trace.running_var.data() + at, channels));
      if (want["batch_mean_bits"].is_null()) {
        for (std::size_t ch = 0; ch < channels; ++ch) {
          EXPECT_TRUE(std::isnan(trace.batch_mean[at + ch])) << where;
          EXPECT_TRUE(std::isnan(trace.batch_var[at + ch])) << where;
          EXPECT_TRUE(std::isnan(trace.batch_var_unbiased[at + ch])) << where;
        }
        continue;
      }
      EXPECT_TRUE(bits_match(where + " batch mean", want["batch_mean_bits"],
                             trace.batch_mean.data() + at, channels));
      EXPECT_TRUE(bits_match(where + " biased var", want["batch_var_bits"],
                             trace.batch_var.data() + at, channels));
      EXPECT_TRUE(bits_match(where + " unbiased var", want["batch_var_unbiased_bits"],
                             trace.batch_var_unbiased.data() + at, channels));
    }
  }
  EXPECT_EQ(next, steps.size()) << c["name"] << ": every recorded step was compared";
}

INSTANTIATE_TEST_SUITE_P(Fixture, StepTraceParity,
                         ::testing::ValuesIn(testing::case_indices(kInspector)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::case_test_name(kInspector, info.param);
                         });

}  // namespace
}  // namespace bnlab

// BatchNorm2d against nn.BatchNorm2d from PyTorch 1.13 on one thread
// (tests/fixtures/batchnorm.json): outputs and buffers after every training
// forward, then eval forwards, bit for bit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch_norm.h"
#include "fixture_loader.h"

namespace bnlab {
namespace {

using testing::bits_match;
using testing::fixture_cases;
using testing::floats_from_bits;
using testing::Json;

constexpr const char* kBatchNorm = "batchnorm.json";

Shape4 shape_of(const Json& c) {
  const auto& s = c["shape"];
  return Shape4{s[0].get<std::int64_t>(), s[1].get<std::int64_t>(), s[2].get<std::int64_t>(),
                s[3].get<std::int64_t>()};
}

BatchNormOptions options_of(const Json& c) {
  BatchNormOptions o;
  o.num_features = c["shape"][1].get<std::int64_t>();
  o.eps = c["eps"].get<double>();
  o.momentum =
      c["momentum"].is_null() ? std::nullopt : std::optional<double>(c["momentum"].get<double>());
  o.affine = c["affine"].get<bool>();
  o.track_running_stats = c["track_running_stats"].get<bool>();
  return o;
}

TEST(BatchNormFixture, LoadsAndCoversBothKernelsAndOptions) {
  const Json& cases = fixture_cases(kBatchNorm);
  ASSERT_GE(cases.size(), 10u) << "tests/fixtures/batchnorm.json missing or truncated";
  bool per_pixel = false, spatial = false, momentum_none = false, momentum_03 = false;
  bool no_track = false, eps_1e3 = false, no_affine = false;
  for (const auto& c : cases) {
    const Shape4 s = shape_of(c);
    (s.h * s.w == 1 ? per_pixel : spatial) = true;
    momentum_none |= c["momentum"].is_null();
    momentum_03 |= !c["momentum"].is_null() && c["momentum"].get<double>() == 0.3;
    no_track |= !c["track_running_stats"].get<bool>();
    no_affine |= !c["affine"].get<bool>();
    eps_1e3 |= c["eps"].get<double>() == 1e-3;
    EXPECT_FALSE(c["train"].empty()) << c["name"];
    EXPECT_FALSE(c["eval"].empty()) << c["name"];
  }
  EXPECT_TRUE(per_pixel && spatial && momentum_none && momentum_03 && no_track && eps_1e3 &&
              no_affine);
}

class BatchNormParity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BatchNormParity, TrainThenEvalMatchesPyTorch) {
  const Json& c = fixture_cases(kBatchNorm)[GetParam()];
  const Shape4 shape = shape_of(c);
  const BatchNormOptions options = options_of(c);
  const bool track = options.track_running_stats;
  BatchNorm2d layer(options);
  if (options.affine) {
    layer.weight() = floats_from_bits(c["weight_bits"]);
    layer.bias() = floats_from_bits(c["bias_bits"]);
  }
  // A second layer runs the same training forwards without an output buffer,
  // as the experiment does: the buffers must not depend on it.
  BatchNorm2d stats_only(options);

  std::vector<float> out(static_cast<std::size_t>(*shape.numel()));
  int index = 0;
  layer.train();
  ASSERT_TRUE(layer.is_training());
  for (const auto& step : c["train"]) {
    const std::string where = "train forward " + std::to_string(index++);
    const std::vector<float> input = floats_from_bits(step["input_bits"]);
    ASSERT_EQ(input.size(), out.size());
    out.assign(out.size(), std::numeric_limits<float>::quiet_NaN());
    layer.forward(input.data(), shape, out.data());
    EXPECT_TRUE(bits_match(where + " output", step["output_bits"], out));
    stats_only.forward(input.data(), shape, nullptr);
    if (track) {
      EXPECT_TRUE(
          bits_match(where + " running_mean", step["running_mean_bits"], layer.running_mean()));
      EXPECT_TRUE(
          bits_match(where + " running_var", step["running_var_bits"], layer.running_var()));
      EXPECT_EQ(layer.num_batches_tracked(), step["num_batches_tracked"].get<std::int64_t>())
          << where;
      EXPECT_TRUE(bits_match(where + " running_mean (no output)", step["running_mean_bits"],
                             stats_only.running_mean()));
      EXPECT_TRUE(bits_match(where + " running_var (no output)", step["running_var_bits"],
                             stats_only.running_var()));
    } else {
      // Nothing is tracked: the buffers keep their initial values.
      EXPECT_EQ(layer.num_batches_tracked(), 0) << where;
      for (float v : layer.running_mean()) EXPECT_EQ(v, 0.0f) << where;
      for (float v : layer.running_var()) EXPECT_EQ(v, 1.0f) << where;
    }
    if (::testing::Test::HasFailure()) return;  // later forwards build on this one
  }
  layer.eval();
  ASSERT_FALSE(layer.is_training());
  index = 0;
  for (const auto& step : c["eval"]) {
    const std::string where = "eval forward " + std::to_string(index++);
    const std::vector<float> input = floats_from_bits(step["input_bits"]);
    const std::vector<float> mean_before = layer.running_mean();
    const std::vector<float> var_before = layer.running_var();
    const std::int64_t tracked_before = layer.num_batches_tracked();
    out.assign(out.size(), std::numeric_limits<float>::quiet_NaN());
    layer.forward(input.data(), shape, out.data());
    EXPECT_TRUE(bits_match(where + " output", step["output_bits"], out));
    EXPECT_EQ(layer.running_mean(), mean_before) << where << " changed running_mean";
    EXPECT_EQ(layer.running_var(), var_before) << where << " changed running_var";
    EXPECT_EQ(layer.num_batches_tracked(), tracked_before) << where;
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, BatchNormParity,
                         ::testing::ValuesIn(testing::case_indices(kBatchNorm)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::case_test_name(kBatchNorm, info.param);
                         });

TEST(BatchNormErrors, OneValuePerChannelInTrainingIsRejectedLikePyTorch) {
  BatchNormOptions o;
  o.num_features = 3;
  BatchNorm2d layer(o);
  const std::vector<float> x = {0.5f, -1.0f, 2.0f};
  std::vector<float> out(3);
  try {
    layer.forward(x.data(), Shape4{1, 3, 1, 1}, out.data());
    FAIL() << "training on one value per channel did not throw";
  } catch (const std::invalid_argument& e) {
    EXPECT_NE(std::string(e.what()).find("Expected more than 1 value per channel when training"),
              std::string::npos)
        << e.what();
  }
  EXPECT_EQ(layer.num_batches_tracked(), 0) << "a rejected forward must not count";
  // Eval mode with running statistics accepts it: 1 / sqrt(1 + eps) * x.
  layer.eval();
  EXPECT_NO_THROW(layer.forward(x.data(), Shape4{1, 3, 1, 1}, out.data()));
  EXPECT_NEAR(out[0], 0.5 / std::sqrt(1.0 + 1e-5), 1e-7);
}

TEST(BatchNormErrors, WrongChannelCountThrows) {
  BatchNormOptions o;
  o.num_features = 4;
  BatchNorm2d layer(o);
  std::vector<float> x(2 * 3 * 2 * 2, 1.0f), out(x.size());
  EXPECT_THROW(layer.forward(x.data(), Shape4{2, 3, 2, 2}, out.data()), std::invalid_argument);
}

TEST(BatchNormDefaults, BuffersStartAsInPyTorch) {
  BatchNormOptions o;
  o.num_features = 5;
  BatchNorm2d layer(o);
  EXPECT_TRUE(layer.is_training());
  EXPECT_EQ(layer.weight(), std::vector<float>(5, 1.0f));
  EXPECT_EQ(layer.bias(), std::vector<float>(5, 0.0f));
  EXPECT_EQ(layer.running_mean(), std::vector<float>(5, 0.0f));
  EXPECT_EQ(layer.running_var(), std::vector<float>(5, 1.0f));
  EXPECT_EQ(layer.num_batches_tracked(), 0);
}

}  // namespace
}  // namespace bnlab

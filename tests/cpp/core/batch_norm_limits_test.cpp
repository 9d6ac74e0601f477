// BatchNorm2d's entry checks: shapes whose size products overflow, and channel
// counts past the limit, are refused with a message before any kernel runs.
#include <gtest/gtest.h>

#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch_norm.h"

namespace bnlab {
namespace {

constexpr std::int64_t kInt64Max = std::numeric_limits<std::int64_t>::max();

BatchNorm2d layer_with(std::int64_t features, bool training) {
  BatchNormOptions o;
  o.num_features = features;
  BatchNorm2d layer(o);
  layer.train(training);
  return layer;
}

TEST(BatchNormLimits, NumelIsCheckedAtTheInt64Edge) {
  EXPECT_EQ(*(Shape4{2, 3, 4, 5}.numel()), 120);
  EXPECT_EQ(*(Shape4{1, 1, 1, kInt64Max}.numel()), kInt64Max);
  EXPECT_FALSE((Shape4{2, 1, 1, kInt64Max}.numel()));
  // The repro: 274177 * 67280421310721 is 2^64 + 1, which wraps to 1.
  EXPECT_FALSE((Shape4{274177, 1, 67280421310721, 1}.numel()));
  EXPECT_FALSE((Shape4{-1, 1, 1, 1}.numel()));
}

TEST(BatchNormLimits, WrappingShapesAreRefusedInBothModes) {
  for (const bool training : {true, false}) {
    BatchNorm2d layer = layer_with(1, training);
    const Shape4 wrap{274177, 1, 67280421310721, 1};
    const std::string problem = layer.check_input(wrap);
    EXPECT_NE(problem.find("must fit in a 64-bit integer"), std::string::npos) << problem;
    float x = 1.0f, y = 0.0f;
    EXPECT_THROW(layer.forward(&x, wrap, &y), std::invalid_argument);
    EXPECT_EQ(layer.num_batches_tracked(), 0);
    // 2^21 * 2^21 * 2^21: each factor small, the product 2^63 one past int64.
    EXPECT_NE(layer.check_input(Shape4{1 << 21, 1, 1 << 21, 1 << 21}), "");
    EXPECT_EQ(layer.check_input(Shape4{2, 1, 1, 1}), "");
  }
}

TEST(BatchNormLimits, NumFeaturesOutsideItsRangeThrowsBeforeAllocating) {
  for (const std::int64_t bad : {std::int64_t{0}, std::int64_t{-5}, kMaxNumFeatures + 1,
                                 std::int64_t{1000000000}, kInt64Max}) {
    BatchNormOptions o;
    o.num_features = bad;
    const std::string problem = BatchNorm2d::check_options(o);
    EXPECT_NE(problem.find("num_features must be an integer in [1, 16777216]; got " +
                           std::to_string(bad)),
              std::string::npos)
        << problem;
    EXPECT_THROW(BatchNorm2d{o}, std::invalid_argument);
  }
  BatchNormOptions edge;
  edge.num_features = kMaxNumFeatures;
  EXPECT_EQ(BatchNorm2d::check_options(edge), "");
}

}  // namespace
}  // namespace bnlab

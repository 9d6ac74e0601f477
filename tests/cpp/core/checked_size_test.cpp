// The overflow-checked size helpers at and past the edges of int64.
#include "checked_size.h"

#include <gtest/gtest.h>

#include <limits>

namespace bnlab {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

TEST(CheckedSize, MultipliesWithinRange) {
  EXPECT_EQ(checked_mul(0, kMax), 0);
  EXPECT_EQ(checked_mul(3037000499, 3037000499), 3037000499LL * 3037000499LL);
  EXPECT_EQ(checked_mul(kMax, 1), kMax);
}

TEST(CheckedSize, RefusesOverflowAndNegatives) {
  EXPECT_FALSE(checked_mul(3037000500, 3037000500));
  EXPECT_FALSE(checked_mul(kMax, 2));
  EXPECT_FALSE(checked_mul(-1, 5));
  EXPECT_FALSE(checked_add(kMax, 1));
  EXPECT_FALSE(checked_add(-1, 1));
  EXPECT_EQ(checked_add(kMax - 1, 1), kMax);
}

TEST(CheckedSize, ProductOfTheIssuesShapes) {
  // 2048 * 8192 * 524288 * 16777216 = 2^78 wrapped in the old 64-bit product.
  EXPECT_FALSE(checked_product({2048, 8192, 524288, 16777216}));
  EXPECT_FALSE(checked_product({16777216, 16777216, 16777216}));
  // 274177 * 67280421310721 = 2^64 + 1 wrapped to 1 in the old forward check.
  EXPECT_FALSE(checked_product({274177, 1, 67280421310721, 1}));
  EXPECT_EQ(checked_product({20, 3, 1, 1}), 60);
  EXPECT_EQ(checked_product({}), 1);
  EXPECT_FALSE(product_within({4, 4194304, 1048576, 1048576}, 1 << 24));
  EXPECT_EQ(product_within({4096, 4096}, 1 << 24), 1 << 24);
  EXPECT_FALSE(product_within({4097, 4096}, 1 << 24));
}

}  // namespace
}  // namespace bnlab

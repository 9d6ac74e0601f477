// The JSON summary's number text (binary search of the digit count) against
// the plain linear search it replaced, on random and edge bit patterns; and
// the summary's channel limit.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <random>
#include <string>

#include "article_report.h"

namespace bnlab {
namespace {

template <typename T>
std::string linear_shortest(T value) {
  if (std::isnan(value)) return "null";
  if (std::isinf(value)) return value > 0 ? "1e999" : "-1e999";
  char buf[40];
  const int max_digits = sizeof(T) == 4 ? 9 : 17;
  for (int p = 1; p <= max_digits; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, static_cast<double>(value));
    if (static_cast<T>(std::strtod(buf, nullptr)) == value) break;
  }
  return buf;
}

template <typename T, typename Bits>
T from_bits(Bits bits) {
  T value;
  std::memcpy(&value, &bits, sizeof value);
  return value;
}

TEST(ShortestText, MatchesTheLinearSearchOnRandomAndEdgeDoubles) {
  std::mt19937_64 rng(12);
  int checked = 0;
  for (int i = 0; i < 40000; ++i) {
    const double value = from_bits<double>(rng());
    ASSERT_EQ(shortest_text(value), linear_shortest(value)) << value;
    // Values like the summary's: statistics near 0 and 1, short decimals.
    const double stat = std::ldexp(static_cast<double>(rng() >> 11), -53) * 2.0 - 1.0;
    ASSERT_EQ(shortest_text(stat), linear_shortest(stat)) << stat;
    const double decimal = static_cast<double>(rng() % 100000) / 1000.0;
    ASSERT_EQ(shortest_text(decimal), linear_shortest(decimal)) << decimal;
    checked += 3;
  }
  for (int e = -1074; e <= 1023; ++e) {
    for (const double v : {std::ldexp(1.0, e), std::nextafter(std::ldexp(1.0, e), 0.0),
                           std::nextafter(std::ldexp(1.0, e), 1e308), -std::ldexp(1.0, e)}) {
      ASSERT_EQ(shortest_text(v), linear_shortest(v)) << v;
      ++checked;
    }
  }
  for (const double v :
       {0.0, -0.0, 1e-5, 0.1, 1e23, 5e-324, std::numeric_limits<double>::max(),
        std::numeric_limits<double>::infinity(), std::numeric_limits<double>::quiet_NaN()}) {
    ASSERT_EQ(shortest_text(v), linear_shortest(v)) << v;
  }
  EXPECT_GT(checked, 120000);
}

TEST(ShortestText, MatchesTheLinearSearchOnRandomAndEdgeFloats) {
  std::mt19937 rng(13);
  for (int i = 0; i < 60000; ++i) {
    const float value = from_bits<float>(static_cast<std::uint32_t>(rng()));
    ASSERT_EQ(shortest_text(value), linear_shortest(value)) << value;
  }
  for (int e = -149; e <= 127; ++e) {
    const float p = std::ldexp(1.0f, e);
    for (const float v : {p, std::nextafter(p, 0.0f), std::nextafter(p, 1e38f), -p}) {
      ASSERT_EQ(shortest_text(v), linear_shortest(v)) << v;
    }
  }
}

ExperimentConfig wide(std::int64_t channels) {
  ExperimentConfig config;
  config.batch = 1;
  config.channels = channels;
  config.steps = 0;
  return config;
}

TEST(JsonSummary, ChannelsPastTheLimitLeaveOutTheArraysWithANote) {
  const std::string at_limit = summary_json(Experiment(wide(kMaxJsonChannels)));
  EXPECT_NE(at_limit.find("\"running_mean\": [0, 0,"), std::string::npos);
  EXPECT_EQ(at_limit.find("omitted"), std::string::npos);
  const std::string past = summary_json(Experiment(wide(kMaxJsonChannels + 1)));
  EXPECT_EQ(past.find("running_mean"), std::string::npos);
  EXPECT_NE(past.find("\"omitted\": \"per-channel statistics are left out above 1048576 "
                      "channels (this run has 1048577)\"}\n"),
            std::string::npos)
      << past.substr(0, 300);
}

}  // namespace
}  // namespace bnlab

// The manual statistics against PyTorch (tests/fixtures/manual_statistics.json,
// written by generate_manual_fixtures.py): stacked.mean / stacked.var at every
// step of long runs (hashed, plus samples) and at sampled steps of 200,000-step
// runs, and the article's printed text and statistics for 500+ random configs.
#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "article_report.h"
#include "experiment.h"
#include "fixture_loader.h"

namespace {

using bnlab::Experiment;
using bnlab::ExperimentConfig;
using bnlab::StepTrace;
using bnlab::testing::bits_match;
using bnlab::testing::Json;
using bnlab::testing::load_fixture;

constexpr const char* kFixture = "manual_statistics.json";

const Json& part(const char* key) {
  static const Json empty = Json::array();
  const Json& doc = load_fixture(kFixture);
  return doc.is_object() && doc.contains(key) ? doc[key] : empty;
}

ExperimentConfig config_of(const Json& c) {
  std::vector<bnlab::FieldInput> fields;
  for (const char* key : {"seed", "batch", "channels", "height", "width", "steps", "eps"}) {
    fields.emplace_back(key, c[key].is_string() ? c[key].get<std::string>() : c[key].dump());
  }
  fields.emplace_back("momentum", c["momentum"].is_null() ? "none" : c["momentum"].dump());
  const bnlab::ConfigParse parsed = bnlab::parse_config(fields);
  EXPECT_TRUE(parsed.ok()) << c.dump();
  return parsed.config;
}

// FNV-1a 64 fed value by value, as the generator hashes every step.
class Fnv {
 public:
  void add(const float* v, std::size_t n) {
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t b = bnlab::testing::bits_of(v[i]);
      for (int k = 0; k < 4; ++k) {
        h_ ^= (b >> (8 * k)) & 0xffu;
        h_ *= 0x100000001b3ULL;
      }
    }
  }
  std::string hex() const {
    std::ostringstream os;
    os << std::hex << std::setw(16) << std::setfill('0') << h_;
    return os.str();
  }

 private:
  std::uint64_t h_ = 0xcbf29ce484222325ULL;
};

// Bit for bit, except that every NaN is one NaN (PyTorch's 0/0 has the sign
// bit set, a NaN constant does not; both print "nan").
::testing::AssertionResult same_floats(const std::string& what, const Json& expected_bits,
                                       const float* actual, std::size_t count) {
  const auto canonical = [](std::uint32_t b) {
    return (b & 0x7fffffffu) > 0x7f800000u ? 0x7fc00000u : b;
  };
  Json expected = Json::array();
  for (const auto& b : expected_bits) expected.push_back(canonical(b.get<std::uint32_t>()));
  std::vector<float> values(actual, actual + count);
  for (float& v : values)
    v = bnlab::testing::float_from_bits(canonical(bnlab::testing::bits_of(v)));
  return bits_match(what, expected, values.data(), count);
}

::testing::AssertionResult same_floats(const std::string& what, const Json& expected_bits,
                                       const std::vector<float>& actual) {
  return same_floats(what, expected_bits, actual.data(), actual.size());
}

TEST(ManualStatisticsParity, FixtureLoaded) {
  EXPECT_GE(part("traces").size(), 8u);
  EXPECT_GE(part("random").size(), 500u);
}

class TraceParity : public ::testing::TestWithParam<std::size_t> {};

TEST_P(TraceParity, EveryStepOrEverySampledStep) {
  const Json& t = part("traces")[GetParam()];
  const ExperimentConfig config = config_of(t["config"]);
  const auto channels = static_cast<std::size_t>(config.channels);
  const bool hashed = t.contains("every_step_hash");
  const bool hash_var = hashed && t["hash_covers"] == "mean,var";
  const Json& samples = t["samples"];
  std::size_t next = 0, matched = 0;
  Fnv fnv;
  Experiment experiment(config);
  StepTrace trace;
  while (!experiment.finished()) {
    trace.clear(config.channels, 4096);
    experiment.run(4096, &trace);
    for (std::int64_t i = 0; i < trace.steps; ++i) {
      const std::int64_t step = trace.first_step + i;
      const float* mean = trace.manual_mean.data() + i * config.channels;
      const float* var = trace.manual_var.data() + i * config.channels;
      if (hashed) {
        fnv.add(mean, channels);
        if (hash_var) fnv.add(var, channels);
      }
      if (next < samples.size() && samples[next]["step"].get<std::int64_t>() == step) {
        const std::string where = t["name"].get<std::string>() + " step " + std::to_string(step);
        ASSERT_TRUE(same_floats(where + " mean", samples[next]["mean_bits"], mean, channels));
        // One channel: the streamed variance is PyTorch's two-pass value only at the end.
        if (config.channels > 1 || step == config.steps) {
          ASSERT_TRUE(same_floats(where + " var", samples[next]["var_bits"], var, channels));
        }
        ++next;
        ++matched;
      }
    }
  }
  EXPECT_EQ(matched, samples.size());
  if (hashed) {
    EXPECT_EQ(fnv.hex(), t["every_step_hash"].get<std::string>());
  }
  const bnlab::ExperimentSummary s = experiment.summary();
  const Json& last = samples.back();
  EXPECT_TRUE(same_floats("summary mean", last["mean_bits"], s.manual_mean));
  EXPECT_TRUE(same_floats("summary var", last["var_bits"], s.manual_var));
}

INSTANTIATE_TEST_SUITE_P(Fixture, TraceParity,
                         ::testing::Range<std::size_t>(0, part("traces").size()),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return bnlab::testing::test_name(
                               part("traces")[info.param]["name"].get<std::string>());
                         });

// The printed text, and the statistics behind it, for each random config.
TEST(ManualStatisticsParity, RandomConfigsPrintPyTorchsText) {
  std::size_t checked = 0;
  for (const Json& r : part("random")) {
    const ExperimentConfig config = config_of(r["config"]);
    Experiment experiment(config);
    experiment.run(config.steps);
    const std::string what = r["config"].dump();
    ASSERT_EQ(bnlab::article_output(experiment), r["stdout"].get<std::string>()) << what;
    const bnlab::ExperimentSummary s = experiment.summary();
    ASSERT_TRUE(same_floats(what + " manual_mean", r["manual_mean_bits"], s.manual_mean));
    ASSERT_TRUE(same_floats(what + " manual_var", r["manual_var_bits"], s.manual_var));
    const float mad[2] = {s.mean_abs_diff_mean, s.mean_abs_diff_var};
    ASSERT_TRUE(same_floats(what + " mean_abs_diff", r["mean_abs_diff_bits"], mad, 2));
    ++checked;
  }
  EXPECT_GE(checked, 500u);
}

}  // namespace

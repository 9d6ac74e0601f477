// Checks format_tensor / format_fixed4 against text captured from PyTorch 1.13 and Python by
// tests/fixtures/generate_format_fixtures.py, plus a few readable expectations.
#include "tensor_format.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "fixture_loader.h"

#ifndef BNLAB_FIXTURES_DIR
#error "BNLAB_FIXTURES_DIR must be defined as the absolute path of tests/fixtures"
#endif

namespace bnlab {
namespace {

constexpr float kNan = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

nlohmann::json load_fixtures() {
  const std::string path = std::string(BNLAB_FIXTURES_DIR) + "/tensor_format.json";
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "cannot open " << path;
    return nlohmann::json::object();
  }
  return nlohmann::json::parse(in);
}

const nlohmann::json& fixtures() {
  static const nlohmann::json json = load_fixtures();
  return json;
}

using testing::float_from_bits;

double double_from_bits(std::uint64_t bits) {
  double d;
  std::memcpy(&d, &bits, sizeof(d));
  return d;
}

// Enough of the input to reproduce a failure by hand; long tensors are abbreviated.
std::string describe(const std::vector<float>& values, const nlohmann::json& bits) {
  std::ostringstream os;
  os.precision(9);
  os << values.size() << " values: [";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (values.size() > 12 && i == 6) {
      os << " ...";
      i = values.size() - 6;
    }
    os << (i ? ", " : "") << values[i] << " (0x" << std::hex << bits[i].get<std::uint32_t>()
       << std::dec << ")";
  }
  os << "]";
  return os.str();
}

TEST(TensorFormatFixtures, MatchesPyTorchForEveryCase) {
  const nlohmann::json& cases = fixtures().at("cases");
  ASSERT_GT(cases.size(), 400u);
  int mismatches = 0;
  for (std::size_t c = 0; c < cases.size(); ++c) {
    const nlohmann::json& bits = cases[c].at("bits");
    std::vector<float> values;
    values.reserve(bits.size());
    for (const auto& b : bits) values.push_back(float_from_bits(b.get<std::uint32_t>()));
    const std::string expected = cases[c].at("text").get<std::string>();
    const std::string actual = format_tensor(values);
    if (actual != expected) {
      ++mismatches;
      ADD_FAILURE() << "case " << c << ", " << describe(values, bits) << "\nexpected:\n"
                    << expected << "\nactual:\n"
                    << actual;
    }
  }
  EXPECT_EQ(mismatches, 0) << "of " << cases.size() << " cases";
}

TEST(TensorFormatFixtures, Fixed4MatchesPython) {
  const nlohmann::json& cases = fixtures().at("fixed4");
  ASSERT_GT(cases.size(), 100u);
  for (const auto& c : cases) {
    // Bits travel as a decimal string because JSON numbers above 2^53 are not portable.
    const std::string bits_text = c.at("value_bits").get<std::string>();
    const double value = double_from_bits(std::stoull(bits_text));
    EXPECT_EQ(format_fixed4(value), c.at("text").get<std::string>())
        << "bits " << bits_text << ", value " << value;
  }
}

TEST(TensorFormat, ArticleValues) {
  EXPECT_EQ(format_tensor({-0.0628f, 0.0649f, 0.0600f}), "tensor([-0.0628,  0.0649,  0.0600])");
  EXPECT_EQ(format_tensor({0.0f, 0.0f, 0.0f}), "tensor([0., 0., 0.])");
  EXPECT_EQ(format_tensor({1.0f, 1.0f, 1.0f}), "tensor([1., 1., 1.])");
  EXPECT_EQ(format_tensor({kNan, kNan, kNan}), "tensor([nan, nan, nan])");
  EXPECT_EQ(format_tensor({1.2345e-07f, -2.5e-07f, 3.1e-08f}),
            "tensor([ 1.2345e-07, -2.5000e-07,  3.1000e-08])");
}

TEST(TensorFormat, EmptyAndSingle) {
  EXPECT_EQ(format_tensor({}), "tensor([])");
  EXPECT_EQ(format_tensor({0.5f}), "tensor([0.5000])");
  EXPECT_EQ(format_tensor({-0.0f}), "tensor([-0.])");
  EXPECT_EQ(format_tensor({-kInf}), "tensor([-inf])");
}

TEST(TensorFormat, NonFiniteAndSignedZero) {
  // Only nonzero finite values set the width, so nan is padded to the numbers' width.
  EXPECT_EQ(format_tensor({kNan, 1.5f}), "tensor([   nan, 1.5000])");
  EXPECT_EQ(format_tensor({-kNan, 2.0f}), "tensor([nan, 2.])");
  EXPECT_EQ(format_tensor({kInf, 1.0f, 2.0f}), "tensor([inf, 1., 2.])");
  // "-0.0000" is wider than max_width (set by 0.5 alone) and is not padded further.
  EXPECT_EQ(format_tensor({-0.0f, 0.5f}), "tensor([-0.0000, 0.5000])");
}

TEST(TensorFormat, ModeBoundaries) {
  // float32(1e-4) is slightly below the double 1e-4, which switches to scientific mode.
  EXPECT_EQ(format_tensor({0.0001f, 0.5f}), "tensor([1.0000e-04, 5.0000e-01])");
  EXPECT_EQ(format_tensor({1.0f, 1000.0f}), "tensor([   1., 1000.])");
  EXPECT_EQ(format_tensor({1.0f, 1001.0f}), "tensor([1.0000e+00, 1.0010e+03])");
  // The limit is "> 1e8", and float32(99999999) is exactly 1e8.
  EXPECT_EQ(format_tensor({99999999.0f}), "tensor([100000000.])");
  EXPECT_EQ(format_tensor({100000008.0f}), "tensor([1.0000e+08])");
}

TEST(TensorFormat, WrapsAt80Columns) {
  std::vector<float> v(10, 0.1234f);
  // (80 - len("tensor(")) / (6 + 2) = 9 elements per line.
  EXPECT_EQ(format_tensor(v),
            "tensor([0.1234, 0.1234, 0.1234, 0.1234, 0.1234, 0.1234, 0.1234, 0.1234, 0.1234,\n"
            "        0.1234])");
}

TEST(TensorFormat, SummarizesAbove1000Elements) {
  std::vector<float> v(1001, 1.0f);
  EXPECT_EQ(format_tensor(v), "tensor([1., 1., 1.,  ..., 1., 1., 1.])");
  v.pop_back();
  EXPECT_EQ(format_tensor(v).find("..."), std::string::npos);

  std::vector<float> big(10000);
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<float>(i) / 7.0f;
  // Middle values are hidden and must not affect the mode chosen from the edges.
  big[5000] = kNan;
  big[5001] = 1e30f;
  EXPECT_EQ(format_tensor(big),
            "tensor([0.0000e+00, 1.4286e-01, 2.8571e-01,  ..., 1.4281e+03, 1.4283e+03,\n"
            "        1.4284e+03])");
}

TEST(TensorFormat, Fixed4) {
  EXPECT_EQ(format_fixed4(0.06490000337362289), "0.0649");
  EXPECT_EQ(format_fixed4(-0.0), "-0.0000");
  EXPECT_EQ(format_fixed4(-0.00004), "-0.0000");
  EXPECT_EQ(format_fixed4(0.15625), "0.1562");  // exact tie rounds to even
  EXPECT_EQ(format_fixed4(std::nan("")), "nan");
  EXPECT_EQ(format_fixed4(-std::numeric_limits<double>::quiet_NaN()), "nan");
  EXPECT_EQ(format_fixed4(std::numeric_limits<double>::infinity()), "inf");
  EXPECT_EQ(format_fixed4(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_EQ(format_fixed4(1e20), "100000000000000000000.0000");
}

}  // namespace
}  // namespace bnlab

// BatchNorm2d on wide tensors against PyTorch 1.13 (tests/fixtures/batchnorm_wide.json):
// channel counts around the statistics kernels' channel groups, both kernels,
// and the benchmark's (32, 64, 32, 32) batch; inputs redrawn with torch.randn's
// generator, outputs and buffers bit for bit (large outputs by hash).
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "batch_norm.h"
#include "fixture_loader.h"
#include "torch_generator.h"

namespace bnlab {
namespace {

using testing::bits_match;
using testing::fixture_cases;
using testing::floats_from_bits;
using testing::Json;

constexpr const char* kWide = "batchnorm_wide.json";

::testing::AssertionResult output_matches(const std::string& where, const Json& expected,
                                          const std::vector<float>& out) {
  if (expected.contains("bits")) return bits_match(where, expected["bits"], out);
  const auto& head = expected["head_bits"];
  const auto& tail = expected["tail_bits"];
  auto r = bits_match(where + " head", head, out.data(), head.size());
  if (!r) return r;
  r = bits_match(where + " tail", tail, out.data() + out.size() - tail.size(), tail.size());
  if (!r) return r;
  const std::string hash = testing::fnv1a64_hex(out.data(), out.size());
  if (hash == expected["fnv1a64"].get<std::string>()) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << where << ": FNV-1a 64 of all " << out.size() << " values is " << hash << ", PyTorch's "
         << expected["fnv1a64"].get<std::string>();
}

TEST(BatchNormWideFixture, CoversTheChannelGroupsOfBothKernels) {
  const Json& cases = fixture_cases(kWide);
  ASSERT_GE(cases.size(), 12u) << "tests/fixtures/batchnorm_wide.json missing or truncated";
  bool spatial_remainders[8] = {}, pixel_wide = false, big = false;
  for (const auto& c : cases) {
    const auto& s = c["shape"];
    const auto channels = s[1].get<std::int64_t>();
    if (s[2].get<std::int64_t>() * s[3].get<std::int64_t>() > 1) {
      spatial_remainders[channels % 8] = true;
    } else {
      pixel_wide |= channels > 64;
    }
    big |=
        channels * s[0].get<std::int64_t>() * s[2].get<std::int64_t>() * s[3].get<std::int64_t>() >=
        (1 << 21);
  }
  EXPECT_TRUE(spatial_remainders[0] && spatial_remainders[1] && spatial_remainders[5] &&
              spatial_remainders[7]);
  EXPECT_TRUE(pixel_wide);
  EXPECT_TRUE(big);
}

class BatchNormWide : public ::testing::TestWithParam<std::size_t> {};

TEST_P(BatchNormWide, TrainThenEvalMatchesPyTorch) {
  const Json& c = fixture_cases(kWide)[GetParam()];
  const auto& s = c["shape"];
  const Shape4 shape{s[0].get<std::int64_t>(), s[1].get<std::int64_t>(), s[2].get<std::int64_t>(),
                     s[3].get<std::int64_t>()};
  BatchNormOptions options;
  options.num_features = shape.c;
  options.eps = c["eps"].get<double>();
  options.momentum =
      c["momentum"].is_null() ? std::nullopt : std::optional<double>(c["momentum"].get<double>());
  options.affine = c["affine"].get<bool>();
  BatchNorm2d layer(options);
  if (options.affine) {
    layer.weight() = floats_from_bits(c["weight_bits"]);
    layer.bias() = floats_from_bits(c["bias_bits"]);
  }
  TorchGenerator gen(static_cast<std::uint64_t>(c["seed"].get<std::int64_t>()));
  const auto scale = static_cast<float>(c["scale"].get<double>());
  const auto offset = static_cast<float>(c["offset"].get<double>());
  std::vector<float> x(static_cast<std::size_t>(*shape.numel())), out(x.size());
  auto draw = [&] {
    gen.randn(x.data(), x.size());
    // PyTorch's x * scale + offset: two float operations, never fused.
    if (scale != 1.0f || offset != 0.0f) {
      for (float& v : x) {
        const float scaled = v * scale;
        v = scaled + offset;
      }
    }
  };
  int index = 0;
  for (const auto& step : c["train"]) {
    const std::string where = "train forward " + std::to_string(index++);
    draw();
    out.assign(out.size(), std::numeric_limits<float>::quiet_NaN());
    layer.forward(x.data(), shape, out.data());
    EXPECT_TRUE(output_matches(where + " output", step["output"], out));
    EXPECT_TRUE(
        bits_match(where + " running_mean", step["running_mean_bits"], layer.running_mean()));
    EXPECT_TRUE(bits_match(where + " running_var", step["running_var_bits"], layer.running_var()));
    if (::testing::Test::HasFailure()) return;
  }
  layer.eval();
  index = 0;
  for (const auto& step : c["eval"]) {
    draw();
    out.assign(out.size(), std::numeric_limits<float>::quiet_NaN());
    layer.forward(x.data(), shape, out.data());
    EXPECT_TRUE(output_matches("eval forward " + std::to_string(index++), step["output"], out));
  }
}

INSTANTIATE_TEST_SUITE_P(Fixture, BatchNormWide, ::testing::ValuesIn(testing::case_indices(kWide)),
                         [](const ::testing::TestParamInfo<std::size_t>& info) {
                           return testing::case_test_name(kWide, info.param);
                         });

}  // namespace
}  // namespace bnlab

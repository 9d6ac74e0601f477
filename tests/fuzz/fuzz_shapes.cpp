// libFuzzer harness for the shape and size checks: BatchNorm2d::check_input on
// any four int64 sizes (forward runs when it passes and the input is small),
// and the experiment's validate() against the checked size products, so that
// no product that wraps around ever passes as small.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "batch_norm.h"
#include "checked_size.h"
#include "experiment.h"
#include "fuzz_input.h"

namespace {

std::int64_t take(const std::uint8_t*& data, std::size_t& size) {
  std::int64_t v = 0;
  const std::size_t n = size < sizeof v ? size : sizeof v;
  std::memcpy(&v, data, n);
  data += n;
  size -= n;
  return v;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::int64_t dims[4] = {take(data, size), take(data, size), take(data, size),
                                take(data, size)};
  const std::int64_t steps = take(data, size);
  const std::int64_t flags = take(data, size);

  bnlab::BatchNormOptions options;
  options.num_features = dims[1];
  const std::string option_problem = bnlab::BatchNorm2d::check_options(options);
  if (option_problem.empty() != (dims[1] >= 1 && dims[1] <= bnlab::kMaxNumFeatures)) {
    bnlab::fuzz::fail("num_features check", option_problem);
  }
  if (option_problem.empty() && dims[1] <= 4096) {
    bnlab::BatchNorm2d layer(options);
    layer.train((flags & 1) != 0);
    const bnlab::Shape4 shape{dims[0], dims[1], dims[2], dims[3]};
    const std::string problem = layer.check_input(shape);
    const auto numel = shape.numel();
    if (problem.empty()) {
      if (!numel) bnlab::fuzz::fail("shape passed with an overflowing product", "");
      if (*numel <= 65536) {
        std::vector<float> x(static_cast<std::size_t>(*numel), 0.5f), y(x.size());
        layer.forward(x.data(), shape, y.data());
      }
    } else {
      bnlab::fuzz::check_message(problem);
    }
  }

  bnlab::ExperimentConfig config;
  config.batch = dims[0];
  config.channels = dims[1];
  config.height = dims[2];
  config.width = dims[3];
  config.steps = steps;
  const std::vector<bnlab::ConfigError> errors = bnlab::validate(config);
  for (const auto& e : errors) bnlab::fuzz::check_message(e.message);
  if (errors.empty()) {
    const auto per_batch =
        bnlab::product_within({dims[0], dims[1], dims[2], dims[3]}, bnlab::kMaxElementsPerBatch);
    if (!per_batch) bnlab::fuzz::fail("validate passed a per-batch product past the limit", "");
    const auto total = bnlab::checked_mul(steps, *per_batch);
    if (!total || *total > bnlab::kMaxTotalValues) bnlab::fuzz::fail("total past limit", "");
    if (*per_batch <= 4096 && steps <= 8) {
      bnlab::Experiment experiment(config);
      experiment.run(steps);
    }
  }
  return 0;
}

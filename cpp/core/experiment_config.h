// The article's experiment as a config, with validation that returns readable
// messages (one per bad field) instead of aborting.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace bnlab {

// Limits that keep a run within what a browser tab can hold and finish.
inline constexpr std::int64_t kMaxElementsPerBatch = 1 << 24;  // 64 MiB of float32
inline constexpr std::int64_t kMaxSteps = 1000000;
inline constexpr std::int64_t kMaxTotalValues = 2000000000;  // steps * elements per batch
inline constexpr std::int64_t kMaxTraceValues = 1 << 22;  // steps * channels: ~100 MB of page trace

struct Seed {
  std::uint64_t bits = 21;  // two's-complement pattern handed to manual_seed
  bool negative = false;    // so that the seed prints as the user wrote it
  std::string to_string() const;
  // Accepts PyTorch's range [-2^63, 2^64 - 1]; nullopt on anything else.
  static std::optional<Seed> parse(const std::string& text);
};

struct ExperimentConfig {
  Seed seed;
  std::int64_t batch = 20;
  std::int64_t channels = 3;
  std::int64_t height = 1;
  std::int64_t width = 1;
  std::int64_t steps = 2000;
  std::optional<double> momentum = 0.1;  // nullopt: "none", the cumulative average
  double eps = 1e-5;

  std::int64_t elements_per_batch() const { return batch * channels * height * width; }
  std::int64_t values_per_channel() const { return batch * height * width; }
};

struct ConfigError {
  std::string field;    // "seed", "batch", ... as in the CLI flags and URL
  std::string message;  // one line, names the field and the allowed range
};

std::vector<ConfigError> validate(const ExperimentConfig& config);

struct ConfigParse {
  ExperimentConfig config;  // the defaults, with every field that parsed replaced
  std::vector<ConfigError> errors;
  bool ok() const { return errors.empty(); }
};

// Builds a config from (field, text) pairs as typed in a command line or URL:
// integers in decimal, momentum a number or "none" (any case), eps a number.
// Unknown fields and unparsable text are errors; a config that parses is then
// validated, so an empty `errors` means the config can run.
ConfigParse parse_config(const std::vector<std::pair<std::string, std::string>>& fields);

// The allowed range of one field, as the messages and the CLI's help say it.
std::string describe_range(const std::string& field);

}  // namespace bnlab

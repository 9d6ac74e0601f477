#include "experiment_config.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace bnlab {
namespace {

// Strict decimal integer: optional sign, digits only. The magnitude is
// returned with the sign apart so that [-2^63, 2^64 - 1] fits.
bool parse_decimal(const std::string& text, bool* negative, std::uint64_t* magnitude) {
  std::size_t i = 0;
  *negative = false;
  if (i < text.size() && (text[i] == '+' || text[i] == '-')) *negative = text[i++] == '-';
  if (i == text.size()) return false;
  std::uint64_t value = 0;
  for (; i < text.size(); ++i) {
    const char ch = text[i];
    if (ch < '0' || ch > '9') return false;
    const std::uint64_t digit = static_cast<std::uint64_t>(ch - '0');
    if (value > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) return false;
    value = value * 10 + digit;
  }
  *magnitude = value;
  return true;
}

std::optional<std::int64_t> parse_int(const std::string& text) {
  bool negative;
  std::uint64_t magnitude;
  if (!parse_decimal(text, &negative, &magnitude)) return std::nullopt;
  if (!negative && magnitude > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
    return std::nullopt;
  if (negative && magnitude > (1ULL << 63)) return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - magnitude) : static_cast<std::int64_t>(magnitude);
}

// A finite or infinite number in the C locale's syntax, the whole text.
std::optional<double> parse_number(const std::string& text) {
  if (text.empty() || text.size() > 64) return std::nullopt;
  for (const char ch : text) {
    const bool allowed =
        (ch >= '0' && ch <= '9') || ch == '.' || ch == 'e' || ch == 'E' || ch == '+' || ch == '-';
    if (!allowed) return std::nullopt;  // also rejects "nan", "inf" and hex floats
  }
  errno = 0;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  return value;
}

std::string lower(std::string s) {
  for (char& ch : s) {
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
  }
  return s;
}

std::string quoted(const std::string& text) {
  std::string shown = text.size() > 40 ? text.substr(0, 40) + "..." : text;
  for (char& ch : shown) {
    if (static_cast<unsigned char>(ch) < 0x20) ch = '?';
  }
  return "'" + shown + "'";
}

const char* const kIntegerFields[] = {"batch", "channels", "height", "width", "steps"};

}  // namespace

std::string Seed::to_string() const {
  if (!negative) return std::to_string(bits);
  return "-" + std::to_string(0 - bits);
}

std::optional<Seed> Seed::parse(const std::string& text) {
  bool negative;
  std::uint64_t magnitude;
  if (!parse_decimal(text, &negative, &magnitude)) return std::nullopt;
  if (negative && magnitude > (1ULL << 63)) return std::nullopt;
  Seed seed;
  seed.negative = negative && magnitude != 0;
  seed.bits = negative ? 0 - magnitude : magnitude;
  return seed;
}

std::string describe_range(const std::string& field) {
  if (field == "seed") return "an integer in [-9223372036854775808, 18446744073709551615]";
  if (field == "steps") return "an integer in [0, " + std::to_string(kMaxSteps) + "]";
  if (field == "momentum") return "a number in [0, 1], or none";
  if (field == "eps") return "a finite number > 0";
  return "an integer in [1, " + std::to_string(kMaxElementsPerBatch) + "]";
}

std::vector<ConfigError> validate(const ExperimentConfig& config) {
  std::vector<ConfigError> errors;
  const auto range_error = [&](const std::string& field) {
    errors.push_back({field, field + " must be " + describe_range(field)});
  };
  const std::int64_t sizes[] = {config.batch, config.channels, config.height, config.width};
  for (int i = 0; i < 4; ++i) {
    if (sizes[i] < 1 || sizes[i] > kMaxElementsPerBatch) range_error(kIntegerFields[i]);
  }
  if (config.steps < 0 || config.steps > kMaxSteps) range_error("steps");
  if (config.momentum &&
      (!std::isfinite(*config.momentum) || *config.momentum < 0 || *config.momentum > 1)) {
    range_error("momentum");
  }
  if (!std::isfinite(config.eps) || !(config.eps > 0)) range_error("eps");
  if (!errors.empty()) return errors;

  // Each size is at most 2^24, so the products below cannot overflow int64.
  const std::int64_t per_batch = config.elements_per_batch();
  if (config.batch * config.channels > kMaxElementsPerBatch || per_batch > kMaxElementsPerBatch) {
    errors.push_back({"size", "batch * channels * height * width must be at most " +
                                  std::to_string(kMaxElementsPerBatch) +
                                  " values per batch (what a browser tab can hold)"});
    return errors;
  }
  if (config.steps > 0 && config.values_per_channel() < 2) {
    errors.push_back({"batch",
                      "Expected more than 1 value per channel when training, got input size "
                      "torch.Size([" +
                          std::to_string(config.batch) + ", " + std::to_string(config.channels) +
                          ", " + std::to_string(config.height) + ", " +
                          std::to_string(config.width) +
                          "]): batch * height * width must be at least 2"});
  }
  if (config.steps * per_batch > kMaxTotalValues) {
    errors.push_back({"steps", "steps * values per batch must be at most " +
                                   std::to_string(kMaxTotalValues) +
                                   " (the work one run may take); got " +
                                   std::to_string(config.steps * per_batch)});
  }
  if (config.steps * config.channels > kMaxTraceValues) {
    errors.push_back({"steps", "steps * channels must be at most " +
                                   std::to_string(kMaxTraceValues) +
                                   " (the per-step trace a browser tab keeps); got " +
                                   std::to_string(config.steps * config.channels)});
  }
  return errors;
}

ConfigParse parse_config(const std::vector<std::pair<std::string, std::string>>& fields) {
  ConfigParse result;
  ExperimentConfig& config = result.config;
  const auto fail = [&](const std::string& field, const std::string& text) {
    result.errors.push_back(
        {field, field + " must be " + describe_range(field) + "; got " + quoted(text)});
  };
  for (const auto& [field, text] : fields) {
    if (field == "seed") {
      if (auto seed = Seed::parse(text)) {
        config.seed = *seed;
      } else {
        fail(field, text);
      }
    } else if (field == "momentum") {
      const std::string key = lower(text);
      if (key == "none" || key == "null") {
        config.momentum.reset();
      } else if (auto value = parse_number(text);
                 value && std::isfinite(*value) && *value >= 0 && *value <= 1) {
        config.momentum = *value;
      } else {
        fail(field, text);
      }
    } else if (field == "eps") {
      if (auto value = parse_number(text); value && std::isfinite(*value) && *value > 0) {
        config.eps = *value;
      } else {
        fail(field, text);
      }
    } else {
      std::int64_t* target = nullptr;
      if (field == "batch") target = &config.batch;
      if (field == "channels") target = &config.channels;
      if (field == "height") target = &config.height;
      if (field == "width") target = &config.width;
      if (field == "steps") target = &config.steps;
      if (target == nullptr) {
        result.errors.push_back({field, "unknown setting " + quoted(field)});
        continue;
      }
      const auto value = parse_int(text);
      const std::int64_t low = field == "steps" ? 0 : 1;
      const std::int64_t high = field == "steps" ? kMaxSteps : kMaxElementsPerBatch;
      if (value && *value >= low && *value <= high) {
        *target = *value;
      } else {
        fail(field, text);
      }
    }
  }
  if (result.errors.empty()) result.errors = validate(config);
  return result;
}

}  // namespace bnlab

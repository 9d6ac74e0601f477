// The config field table, the per-field parser, and validation of a whole
// config in overflow-checked size arithmetic.
#include "experiment_config.h"

#include <cmath>
#include <limits>

#include "checked_size.h"
#include "config_text.h"

namespace bnlab {
namespace {

using C = ExperimentConfig;

constexpr FieldSpec seed_field(const char* name, Seed C::*member, const char* default_text,
                               const char* range, const char* placeholder) {
  FieldSpec f{name, FieldKind::kSeed, default_text, range, placeholder};
  f.seed = member;
  return f;
}

constexpr FieldSpec integer_field(const char* name, std::int64_t C::*member,
                                  const char* default_text, std::int64_t low, std::int64_t high,
                                  const char* range, const char* placeholder) {
  FieldSpec f{name, FieldKind::kInteger, default_text, range, placeholder};
  f.min_int = low, f.max_int = high, f.integer = member;
  return f;
}

// For fields that may be absent, e.g. a step at which something happens, or never.
constexpr FieldSpec optional_integer_field(const char* name, std::optional<std::int64_t> C::*member,
                                           const char* default_text, std::int64_t low,
                                           std::int64_t high, const char* absent_word,
                                           const char* range, const char* placeholder) {
  FieldSpec f{name, FieldKind::kOptionalInteger, default_text, range, placeholder};
  f.min_int = low, f.max_int = high, f.absent_word = absent_word, f.optional_integer = member;
  return f;
}

constexpr FieldSpec number_field(const char* name, double C::*member, const char* default_text,
                                 double low, bool low_open, double high, const char* range,
                                 const char* placeholder) {
  FieldSpec f{name, FieldKind::kNumber, default_text, range, placeholder};
  f.min_number = low, f.min_open = low_open, f.max_number = high, f.number = member;
  return f;
}

constexpr FieldSpec optional_number_field(const char* name, std::optional<double> C::*member,
                                          const char* default_text, double low, double high,
                                          const char* absent_word, const char* range,
                                          const char* placeholder) {
  FieldSpec f{name, FieldKind::kOptionalNumber, default_text, range, placeholder};
  f.min_number = low, f.max_number = high, f.absent_word = absent_word;
  f.optional_number = member;
  return f;
}

constexpr FieldSpec in_every_link(FieldSpec f) {
  f.always_in_link = true;
  return f;
}

constexpr double kLargestFinite = std::numeric_limits<double>::max();

// THE field table. A new field is a row here plus its ExperimentConfig member
// (and tests); the parser, validation, CLI usage, JSON and the JavaScript API
// all read this. Range texts must say what the bounds say: the grammar cases
// (tests/fixtures/config_cases.json) try every bound and one past it.
constexpr FieldSpec kFields[] = {
    // The article's fields (the first eight): in every link.
    in_every_link(seed_field("seed", &C::seed, "21",
                             "an integer in [-9223372036854775808, 18446744073709551615]", "S")),
    in_every_link(integer_field("batch", &C::batch, "20", 1, kMaxElementsPerBatch,
                                "an integer in [1, 16777216]", "N")),
    in_every_link(integer_field("channels", &C::channels, "3", 1, kMaxElementsPerBatch,
                                "an integer in [1, 16777216]", "C")),
    in_every_link(integer_field("height", &C::height, "1", 1, kMaxElementsPerBatch,
                                "an integer in [1, 16777216]", "H")),
    in_every_link(integer_field("width", &C::width, "1", 1, kMaxElementsPerBatch,
                                "an integer in [1, 16777216]", "W")),
    in_every_link(
        integer_field("steps", &C::steps, "2000", 0, kMaxSteps, "an integer in [0, 1000000]", "K")),
    in_every_link(optional_number_field("momentum", &C::momentum, "0.1", 0, 1, "none",
                                        "a number in [0, 1], or none", "M|none")),
    in_every_link(
        number_field("eps", &C::eps, "1e-5", 0, true, kLargestFinite, "a finite number > 0", "E")),
    // The scenario of issue 9 (tests/fixtures/scenario_experiment.py).
    number_field("shift", &C::shift, "0", -1000, false, 1000, "a number in [-1000, 1000]", "A"),
    number_field("scale", &C::scale, "1", 0, false, 1000, "a number in [0, 1000]", "B"),
    optional_integer_field("switch", &C::switch_step, "never", 0, kMaxSteps, "never",
                           "an integer in [0, 1000000], or never", "S|never"),
    optional_number_field("shift2", &C::shift2, "same", -1000, 1000, "same",
                          "a number in [-1000, 1000], or same (as shift)", "A2|same"),
    optional_number_field("scale2", &C::scale2, "same", 0, 1000, "same",
                          "a number in [0, 1000], or same (as scale)", "B2|same"),
    optional_integer_field("freeze", &C::freeze, "never", 0, kMaxSteps, "never",
                           "an integer in [0, 1000000], or never", "F|never"),
};

bool integer_in_range(const FieldSpec& spec, std::int64_t v) {
  return v >= spec.min_int && v <= spec.max_int;
}

bool number_in_range(const FieldSpec& spec, double v) {
  return std::isfinite(v) && (spec.min_open ? v > spec.min_number : v >= spec.min_number) &&
         v <= spec.max_number;
}

ConfigError range_error(const FieldSpec& spec, const std::string& got) {
  return {spec.name, std::string(spec.name) + " must be " + spec.range + "; got " + got};
}

std::string size_text(const ExperimentConfig& c) {
  return std::to_string(c.batch) + ", " + std::to_string(c.channels) + ", " +
         std::to_string(c.height) + ", " + std::to_string(c.width);
}

}  // namespace

ExperimentConfig::ExperimentConfig() {
  for (const FieldSpec& spec : config_fields()) {
    parse_field(spec, FieldInput(spec.name, spec.default_text), this);
  }
}

ExperimentConfig::Regime ExperimentConfig::regime(std::int64_t step) const {
  if (switch_step && step > *switch_step) return {shift2.value_or(shift), scale2.value_or(scale)};
  return {shift, scale};
}

std::string ExperimentConfig::one_value_error() const {
  return "Expected more than 1 value per channel when training, got input size torch.Size([" +
         size_text(*this) + "])";
}

std::string describe_precise_batches() {
  return "an integer in [0, " + std::to_string(kMaxPreciseBatches) + "]";
}

std::string check_precise_batches(const ExperimentConfig& config, double batches) {
  const double max = static_cast<double>(kMaxPreciseBatches);
  if (!(batches >= 0 && batches <= max && batches == std::floor(batches))) {
    return "precise-bn must be " + describe_precise_batches();
  }
  const double values = batches * static_cast<double>(config.elements_per_batch());
  if (values > static_cast<double>(kMaxTotalValues)) {
    return "precise-bn * values per batch must be at most " + std::to_string(kMaxTotalValues) +
           " (the work one run may take)";
  }
  return "";
}

std::string Seed::to_string() const {
  if (!negative) return std::to_string(bits);
  return "-" + std::to_string(0 - bits);
}

std::optional<Seed> Seed::parse(std::string_view text) {
  const auto d = parse_decimal(text);
  if (!d || (d->negative && d->magnitude > (1ULL << 63))) return std::nullopt;
  Seed seed;
  seed.negative = d->negative && d->magnitude != 0;
  seed.bits = d->negative ? 0 - d->magnitude : d->magnitude;
  return seed;
}

FieldTable config_fields() { return {kFields, sizeof kFields / sizeof kFields[0]}; }

const FieldSpec* find_field(std::string_view name) {
  for (const FieldSpec& spec : config_fields()) {
    if (name == spec.name) return &spec;
  }
  return nullptr;
}

std::string format_field(const FieldSpec& spec, const ExperimentConfig& c) {
  switch (spec.kind) {
    case FieldKind::kSeed:
      return (c.*spec.seed).to_string();
    case FieldKind::kInteger:
      return std::to_string(c.*spec.integer);
    case FieldKind::kOptionalInteger: {
      const auto& v = c.*spec.optional_integer;
      return v ? std::to_string(*v) : spec.absent_word;
    }
    case FieldKind::kNumber:
      return format_number(c.*spec.number);
    case FieldKind::kOptionalNumber: {
      const auto& v = c.*spec.optional_number;
      return v ? format_number(*v) : spec.absent_word;
    }
  }
  return "";
}

std::string config_json(const ExperimentConfig& config) {
  std::string out = "{";
  for (const FieldSpec& spec : config_fields()) {
    if (out.size() > 1) out += ", ";
    out += "\"" + std::string(spec.name) + "\": ";
    const bool unset =
        (spec.kind == FieldKind::kOptionalInteger && !(config.*spec.optional_integer)) ||
        (spec.kind == FieldKind::kOptionalNumber && !(config.*spec.optional_number));
    const std::string text = format_field(spec, config);
    out += unset ? "null" : spec.kind == FieldKind::kSeed ? "\"" + text + "\"" : text;
  }
  return out + "}";
}

std::optional<ConfigError> parse_field(const FieldSpec& spec, const FieldInput& input,
                                       ExperimentConfig* c) {
  const bool optional =
      spec.kind == FieldKind::kOptionalInteger || spec.kind == FieldKind::kOptionalNumber;
  const bool absent =
      optional && (input.non_text.empty() ? equals_word(input.text, spec.absent_word)
                                          : input.non_text == "null");
  if (!input.non_text.empty() && !absent) return range_error(spec, input.non_text);
  const std::string& text = input.text;
  switch (spec.kind) {
    case FieldKind::kSeed:
      if (const auto seed = Seed::parse(text)) {
        c->*spec.seed = *seed;
        return std::nullopt;
      }
      break;
    case FieldKind::kInteger:
    case FieldKind::kOptionalInteger: {
      if (absent) {
        (c->*spec.optional_integer).reset();
        return std::nullopt;
      }
      const auto v = parse_int64(text);
      if (!v || !integer_in_range(spec, *v)) break;
      if (spec.kind == FieldKind::kInteger) {
        c->*spec.integer = *v;
      } else {
        c->*spec.optional_integer = *v;
      }
      return std::nullopt;
    }
    case FieldKind::kNumber:
    case FieldKind::kOptionalNumber: {
      if (absent) {
        (c->*spec.optional_number).reset();
        return std::nullopt;
      }
      const auto v = parse_decimal_number(text);
      if (!v || !number_in_range(spec, *v)) break;
      if (spec.kind == FieldKind::kNumber) {
        c->*spec.number = *v;
      } else {
        c->*spec.optional_number = *v;
      }
      return std::nullopt;
    }
  }
  return range_error(spec, quote_text(text));
}

std::string limit_rule(Limit limit) {
  switch (limit) {
    case Limit::kValuesPerBatch:
      return "batch * channels * height * width must be at most " +
             std::to_string(kMaxElementsPerBatch) +
             " values per batch (what a browser tab can hold)";
    case Limit::kValuesPerChannel:
      return "batch * height * width must be at least 2 (training needs more than 1 value per "
             "channel)";
    case Limit::kTotalValues:
      return "steps * values per batch must be at most " + std::to_string(kMaxTotalValues) +
             " (the work one run may take)";
    case Limit::kTraceValues:
      return "steps * channels must be at most " + std::to_string(kMaxTraceValues) +
             " (the per-step trace a browser tab keeps)";
  }
  return "";
}

std::vector<ConfigError> validate(const ExperimentConfig& config) {
  std::vector<ConfigError> errors;
  for (const FieldSpec& spec : config_fields()) {
    bool ok = true;
    switch (spec.kind) {
      case FieldKind::kSeed:
        break;
      case FieldKind::kInteger:
        ok = integer_in_range(spec, config.*spec.integer);
        break;
      case FieldKind::kOptionalInteger: {
        const auto& v = config.*spec.optional_integer;
        ok = !v || integer_in_range(spec, *v);
        break;
      }
      case FieldKind::kNumber:
        ok = number_in_range(spec, config.*spec.number);
        break;
      case FieldKind::kOptionalNumber: {
        const auto& v = config.*spec.optional_number;
        ok = !v || number_in_range(spec, *v);
        break;
      }
    }
    if (!ok) errors.push_back(range_error(spec, format_field(spec, config)));
  }
  if (!errors.empty()) return errors;

  // Each size is at most 2^24, so the product of four can reach 2^96: every
  // product below is checked, and refused before anything is allocated.
  const auto per_batch = product_within(
      {config.batch, config.channels, config.height, config.width}, kMaxElementsPerBatch);
  if (!per_batch) {
    errors.push_back(
        {"size", limit_rule(Limit::kValuesPerBatch) + "; got " + std::to_string(config.batch) +
                     " * " + std::to_string(config.channels) + " * " +
                     std::to_string(config.height) + " * " + std::to_string(config.width)});
    return errors;
  }
  // PyTorch raises at the first training forward; frozen from step 1 (freeze 0) it never trains.
  if (config.trains() && config.values_per_channel() < 2) {
    errors.push_back({"batch",
                      config.one_value_error() + ": batch * height * width must be at least 2",
                      "ValueError: " + config.one_value_error()});
  }
  if (!product_within({config.steps, *per_batch}, kMaxTotalValues)) {
    errors.push_back({"steps", limit_rule(Limit::kTotalValues) + "; got " +
                                   std::to_string(config.steps) + " * " +
                                   std::to_string(*per_batch)});
  }
  if (!product_within({config.steps, config.channels}, kMaxTraceValues)) {
    errors.push_back({"steps", limit_rule(Limit::kTraceValues) + "; got " +
                                   std::to_string(config.steps) + " * " +
                                   std::to_string(config.channels)});
  }
  return errors;
}

ConfigParse parse_config(const std::vector<FieldInput>& fields) {
  ConfigParse result;
  for (const FieldInput& input : fields) {
    const FieldSpec* spec = find_field(input.field);
    if (spec == nullptr) {
      result.errors.push_back(
          {shown_text(input.field), "unknown setting " + quote_text(input.field)});
    } else if (auto error = parse_field(*spec, input, &result.config)) {
      result.errors.push_back(std::move(*error));
    }
  }
  if (result.errors.empty()) result.errors = validate(result.config);
  return result;
}

}  // namespace bnlab

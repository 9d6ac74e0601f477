// The article's experiment as a config: one table of its fields (the only
// place that names a field, its kind, default, range and CLI placeholder), the
// parser every entry point uses, validation in checked arithmetic, and the
// fallback that turns any input into a config that runs.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace bnlab {

// Limits that keep a run within what a browser tab can hold and finish.
inline constexpr std::int64_t kMaxElementsPerBatch = 1 << 24;  // 64 MiB of float32
inline constexpr std::int64_t kMaxSteps = 1000000;
inline constexpr std::int64_t kMaxTotalValues = 2000000000;  // steps * elements per batch
inline constexpr std::int64_t kMaxTraceValues = 1 << 22;  // steps * channels: ~100 MB of page trace

struct Seed {
  std::uint64_t bits = 0;  // two's-complement pattern handed to manual_seed
  bool negative = false;   // so that the seed prints as the user wrote it
  std::string to_string() const;
  // Accepts PyTorch's range [-2^63, 2^64 - 1]; nullopt on anything else.
  static std::optional<Seed> parse(std::string_view text);
};

// Every member is a row of the field table (experiment_config.cpp), and a
// default-constructed config holds each row's default.
struct ExperimentConfig {
  ExperimentConfig();
  Seed seed;
  std::int64_t batch = 0, channels = 0, height = 0, width = 0, steps = 0;
  std::optional<double> momentum;  // nullopt: "none", the cumulative average
  double eps = 0;
  // Scenario (issue 9): step k (from 1) draws randn_like(y) * scale + shift, with
  // shift2/scale2 (absent: "same" as shift/scale) once k > switch; model.eval()
  // runs before step freeze + 1. The defaults keep the article's loop unchanged.
  double shift = 0, scale = 0;
  std::optional<std::int64_t> switch_step, freeze;  // absent: "never"
  std::optional<double> shift2, scale2;

  struct Regime {
    double shift, scale;
  };
  Regime regime(std::int64_t step) const;
  // Whether the loop writes `* sc + sh` at all: the article's loop does not.
  bool transforms_input() const { return shift != 0.0 || scale != 1.0 || switch_step; }
  bool training_at(std::int64_t step) const { return !freeze || step <= *freeze; }
  // Whether any step runs a training forward (PyTorch refuses one value per channel there).
  bool trains() const { return steps >= 1 && training_at(1); }
  // The layer's mode after the loop, which a later forward (precise BN) runs in.
  bool training_after_loop() const { return !(freeze && *freeze < steps); }
  // PyTorch's message for a training forward of this shape with one value per channel.
  std::string one_value_error() const;

  // Only meaningful once validate() passed: the products then fit.
  std::int64_t elements_per_batch() const { return batch * channels * height * width; }
  std::int64_t values_per_channel() const { return batch * height * width; }
};

// How a field's text is read. The optional kinds also take their
// `absent_word` (any ASCII case), or null from JavaScript, for "not set".
enum class FieldKind { kSeed, kInteger, kOptionalInteger, kNumber, kOptionalNumber };

// One row of the field table. Integers lie in [min_int, max_int]; numbers are
// finite and in [min_number, max_number], the lower end excluded when
// `min_open`. Exactly the member pointer of the row's kind is set.
struct FieldSpec {
  const char* name;  // the CLI flag (--name), the link parameter, the JS key
  FieldKind kind;
  const char* default_text;  // what ExperimentConfig() parses into the member
  const char* range;         // "an integer in [1, 16777216]": every message says it
  const char* placeholder;   // the CLI usage's "--batch N"
  std::int64_t min_int = 0, max_int = 0;
  double min_number = 0, max_number = 0;
  bool min_open = false;
  const char* absent_word = nullptr;
  // The article's own fields: a link always writes them, so a shared link pins
  // the run even if a default changes; the others only when not the default.
  bool always_in_link = false;
  Seed ExperimentConfig::*seed = nullptr;
  std::int64_t ExperimentConfig::*integer = nullptr;
  std::optional<std::int64_t> ExperimentConfig::*optional_integer = nullptr;
  double ExperimentConfig::*number = nullptr;
  std::optional<double> ExperimentConfig::*optional_number = nullptr;
};

// The table in its canonical order (CLI usage, links, JSON, the page's form).
struct FieldTable {
  const FieldSpec* first;
  std::size_t count;
  const FieldSpec* begin() const { return first; }
  const FieldSpec* end() const { return first + count; }
  std::size_t size() const { return count; }
};
FieldTable config_fields();
const FieldSpec* find_field(std::string_view name);  // nullptr when unknown

struct ConfigError {
  std::string field;    // a table name, or "size" for batch * channels * height * width
  std::string message;  // one line, names the field and the allowed range
  // When PyTorch itself would raise for this config: the exception's last traceback
  // line ("ValueError: ..."), which the CLIs print as the script would.
  std::string pytorch_error = "";
};

// One field as an entry point received it: text (CLI argument, link value,
// String() of a JavaScript number), or a value with no text, described by
// `non_text` ("null", "an object", "a symbol", ...).
struct FieldInput {
  FieldInput() = default;
  FieldInput(std::string field_name, std::string field_text)
      : field(std::move(field_name)), text(std::move(field_text)) {}
  std::string field, text, non_text;
};

// The field's value as text that parses back to it ("none" when absent).
std::string format_field(const FieldSpec& spec, const ExperimentConfig& config);

// {"seed": "21", "batch": 20, ..., "momentum": null, ...}: every field in the
// table's order; the seed a string (a 64-bit seed does not survive a double),
// numbers that read back to the same double, unset fields null.
std::string config_json(const ExperimentConfig& config);

// Parses one field into `config`; on failure leaves it and returns the error.
std::optional<ConfigError> parse_field(const FieldSpec& spec, const FieldInput& input,
                                       ExperimentConfig* config);

std::vector<ConfigError> validate(const ExperimentConfig& config);

struct ConfigParse {
  ExperimentConfig config;  // the defaults, with every field that parsed replaced
  std::vector<ConfigError> errors;
  bool ok() const { return errors.empty(); }
};

// Builds a config from fields in the order given (a later repeat wins).
// Unknown fields and text outside the grammar are errors; a config that
// parses is then validated, so an empty `errors` means the config can run.
ConfigParse parse_config(const std::vector<FieldInput>& fields);

struct ConfigResolution {
  ExperimentConfig config;           // always passes validate()
  std::vector<ConfigError> notices;  // one per field not used as given
};

// Never fails: each field that does not parse takes its default, unknown
// fields are ignored, and fields whose combination breaks a limit are reduced
// to the largest values that fit (config_resolve.cpp). Each change is a notice
// naming the field, what was given and what is used instead.
ConfigResolution resolve_config(const std::vector<FieldInput>& fields);

// The limits a combination of fields must keep, as one sentence each.
enum class Limit { kValuesPerBatch, kValuesPerChannel, kTotalValues, kTraceValues };
std::string limit_rule(Limit limit);

// Precise BN's K (bnlab --precise-bn, the module's preciseBn): what to do after
// the run, not a field of it. "" when K batches may run on this config: K in
// [0, kMaxPreciseBatches] and K * values per batch within kMaxTotalValues.
inline constexpr std::int64_t kMaxPreciseBatches = 100000;
std::string describe_precise_batches();
std::string check_precise_batches(const ExperimentConfig& config, double batches);

}  // namespace bnlab

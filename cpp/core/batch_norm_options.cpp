// parse_batch_norm_options: numFeatures, eps, momentum, affine, trackRunningStats.
#include "batch_norm_options.h"

#include "config_text.h"

namespace bnlab {
namespace {

constexpr const char* kFeaturesRange = "an integer in [1, 16777216]";

std::optional<ConfigError> parse_flag(const FieldInput& input, bool* target) {
  if (input.non_text == "a boolean" && (input.text == "true" || input.text == "false")) {
    *target = input.text == "true";
    return std::nullopt;
  }
  const std::string got = input.non_text.empty() ? quote_text(input.text) : input.non_text;
  return ConfigError{input.field, input.field + " must be true or false; got " + got};
}

}  // namespace

BatchNormOptionsParse parse_batch_norm_options(const std::vector<FieldInput>& fields) {
  BatchNormOptionsParse result;
  BatchNormOptions& o = result.options;
  ExperimentConfig numbers;  // eps and momentum parse as the experiment's fields do
  bool features_given = false;
  for (const FieldInput& input : fields) {
    std::optional<ConfigError> error;
    if (input.field == "numFeatures") {
      features_given = true;
      const auto v = input.non_text.empty() ? parse_int64(input.text) : std::nullopt;
      if (v && *v >= 1 && *v <= kMaxElementsPerBatch) {
        o.num_features = *v;
      } else {
        const std::string got = input.non_text.empty() ? quote_text(input.text) : input.non_text;
        error =
            ConfigError{input.field, input.field + " must be " + kFeaturesRange + "; got " + got};
      }
    } else if (input.field == "eps" || input.field == "momentum") {
      error = parse_field(*find_field(input.field), input, &numbers);
    } else if (input.field == "affine") {
      error = parse_flag(input, &o.affine);
    } else if (input.field == "trackRunningStats") {
      error = parse_flag(input, &o.track_running_stats);
    } else {
      error = ConfigError{shown_text(input.field), "unknown option " + quote_text(input.field)};
    }
    if (error) result.errors.push_back(std::move(*error));
  }
  if (!features_given) {
    result.errors.push_back(
        {"numFeatures", std::string("numFeatures must be ") + kFeaturesRange + "; got nothing"});
  }
  o.eps = numbers.eps;
  o.momentum = numbers.momentum;
  return result;
}

}  // namespace bnlab

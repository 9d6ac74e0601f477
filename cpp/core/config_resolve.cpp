// resolve_config: any input becomes a config that runs. Fields that do not
// parse take their defaults; sizes and steps whose combination breaks a limit
// are reduced to the largest values that fit, each change told in a notice.
#include <map>

#include "checked_size.h"
#include "config_text.h"
#include "experiment_config.h"

namespace bnlab {
namespace {

// The largest value of `factor` that keeps factor * others <= limit, at least
// `minimum` (others may overflow: then only the minimum is left).
std::int64_t largest_factor(std::int64_t others_product_or_negative, std::int64_t limit,
                            std::int64_t minimum) {
  if (others_product_or_negative < 1) return minimum;
  const std::int64_t largest = limit / others_product_or_negative;
  return largest > minimum ? largest : minimum;
}

std::int64_t product_or_negative(std::initializer_list<std::int64_t> factors) {
  const auto p = checked_product(factors);
  return p ? *p : -1;
}

class Reducer {
 public:
  explicit Reducer(ExperimentConfig* config) : c_(*config) {}

  void fit() {
    fit_values_per_batch();
    fit_values_per_channel();
    fit_total_values();
    fit_trace();
  }

  // field -> the limit that last changed it
  const std::map<std::string, Limit>& reasons() const { return reasons_; }

 private:
  void set(std::int64_t* field, const char* name, std::int64_t value, Limit why) {
    if (*field == value) return;
    *field = value;
    reasons_[name] = why;
  }

  bool batch_fits() const {
    return product_within({c_.batch, c_.channels, c_.height, c_.width}, kMaxElementsPerBatch)
        .has_value();
  }

  // Width first, then height, batch and channels last: the channels are what
  // the charts show, the spatial sizes only add values per channel.
  void fit_values_per_batch() {
    const auto L = kMaxElementsPerBatch;
    const auto why = Limit::kValuesPerBatch;
    if (batch_fits()) return;
    set(&c_.width, "width",
        largest_factor(product_or_negative({c_.batch, c_.channels, c_.height}), L, 1), why);
    if (batch_fits()) return;
    set(&c_.height, "height",
        largest_factor(product_or_negative({c_.batch, c_.channels, c_.width}), L, 1), why);
    if (batch_fits()) return;
    const std::int64_t min_batch = c_.trains() && c_.height * c_.width < 2 ? 2 : 1;
    set(&c_.batch, "batch",
        largest_factor(product_or_negative({c_.channels, c_.height, c_.width}), L, min_batch), why);
    if (batch_fits()) return;
    set(&c_.channels, "channels",
        largest_factor(product_or_negative({c_.batch, c_.height, c_.width}), L, 1), why);
  }

  // Sizes now fit, so their products below cannot overflow.
  void fit_values_per_channel() {
    if (!c_.trains() || c_.values_per_channel() >= 2) return;
    set(&c_.batch, "batch", 2, Limit::kValuesPerChannel);
    if (batch_fits()) return;
    set(&c_.channels, "channels", kMaxElementsPerBatch / c_.values_per_channel(),
        Limit::kValuesPerBatch);
  }

  void fit_total_values() {
    const std::int64_t per_batch = c_.elements_per_batch();
    if (c_.steps <= kMaxTotalValues / per_batch) return;
    set(&c_.steps, "steps", kMaxTotalValues / per_batch, Limit::kTotalValues);
  }

  // Fewer steps first, down to one; then fewer channels.
  void fit_trace() {
    if (c_.steps == 0 || c_.steps <= kMaxTraceValues / c_.channels) return;
    const std::int64_t steps = kMaxTraceValues / c_.channels;
    set(&c_.steps, "steps", steps > 1 ? steps : 1, Limit::kTraceValues);
    if (c_.channels <= kMaxTraceValues / c_.steps) return;
    set(&c_.channels, "channels", kMaxTraceValues / c_.steps, Limit::kTraceValues);
  }

  ExperimentConfig& c_;
  std::map<std::string, Limit> reasons_;
};

}  // namespace

ConfigResolution resolve_config(const std::vector<FieldInput>& fields) {
  ConfigResolution result;
  ExperimentConfig& config = result.config;
  for (const FieldInput& input : fields) {
    const FieldSpec* spec = find_field(input.field);
    if (spec == nullptr) {
      result.notices.push_back(
          {shown_text(input.field), "unknown setting " + quote_text(input.field) + "; ignored"});
    } else if (auto error = parse_field(*spec, input, &config)) {
      error->message += "; using " + format_field(*spec, config);
      result.notices.push_back(std::move(*error));
    }
  }

  const ExperimentConfig given = config;
  Reducer reducer(&config);
  reducer.fit();
  for (const FieldSpec& spec : config_fields()) {
    const auto reason = reducer.reasons().find(spec.name);
    if (reason == reducer.reasons().end()) continue;
    const std::int64_t before = given.*spec.integer, after = config.*spec.integer;
    result.notices.push_back(
        {spec.name, std::string(spec.name) + (after < before ? " reduced from " : " raised from ") +
                        std::to_string(before) + " to " + std::to_string(after) + ": " +
                        limit_rule(reason->second)});
  }

  // The steps above leave a valid config; should a later limit escape them,
  // the article's config still runs, and says so.
  if (!validate(config).empty()) {
    config = ExperimentConfig();
    result.notices.push_back({"config",
                              "the config could not be made to fit its limits; using "
                              "the article's defaults"});
  }
  return result;
}

}  // namespace bnlab

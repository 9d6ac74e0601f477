// BatchNorm2d's options from text or JavaScript values, read with the config
// grammar (eps and momentum as the experiment's fields), with messages.
#pragma once

#include <vector>

#include "batch_norm.h"
#include "experiment_config.h"

namespace bnlab {

struct BatchNormOptionsParse {
  BatchNormOptions options;
  std::vector<ConfigError> errors;  // empty: `options` is valid for BatchNorm2d
  bool ok() const { return errors.empty(); }
};

// Fields: numFeatures (an integer in [1, 16777216], required), eps, momentum,
// affine and trackRunningStats (true or false, given as `non_text` "a boolean"
// with text "true" or "false").
BatchNormOptionsParse parse_batch_norm_options(const std::vector<FieldInput>& fields);

}  // namespace bnlab

// What the article's script prints, and the --json summary, for an experiment.
#pragma once

#include <string>

#include "experiment.h"

namespace bnlab {

// Byte for byte what ../shared/seed/article_experiment.py --threads 1 prints
// after the steps run so far.
std::string article_output(const Experiment& experiment);

// {"config": {...}, "running_mean": [...], ...}: floats that round-trip
// (running statistics as float32, manual ones as double), null where undefined.
std::string summary_json(const Experiment& experiment);

}  // namespace bnlab

// What the article's script prints, and the --json summary, for an experiment.
#pragma once

#include <cstdint>
#include <string>

#include "experiment.h"

namespace bnlab {

// Above this many channels the JSON summary (about 110 bytes per channel) is
// left out: `bnlab --json` refuses the run up front, and summary_json gives the
// config with a note instead of the per-channel arrays.
inline constexpr std::int64_t kMaxJsonChannels = 1 << 20;

// The shortest "%.{p}g" text that reads back as the same value ("null" for
// NaN, +-1e999 for infinities): the JSON summary's numbers.
std::string shortest_text(double value);
std::string shortest_text(float value);

// The script's first print, all it prints before a first training step that raises.
std::string buffers_line();

// Byte for byte what tests/fixtures/article_experiment.py --threads 1 prints
// after the steps run so far.
std::string article_output(const Experiment& experiment);

// What tests/fixtures/scenario_experiment.py --precise-bn K prints after the
// article's text: the re-estimated statistics and their distance to the manual ones.
std::string precise_bn_output(const Experiment& experiment, const PreciseBn& precise);

// {"config": {...}, "running_mean": [...], ...}: floats that round-trip
// (running and manual statistics and mean_abs_diff as float32, exact_mean and
// exact_var as double), null where undefined.
// Time and memory linear in the channels; see kMaxJsonChannels. With
// `precise`, a "precise_bn" object is added.
std::string summary_json(const Experiment& experiment, const PreciseBn* precise = nullptr);

}  // namespace bnlab

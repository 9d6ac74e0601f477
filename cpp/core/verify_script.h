// The verification script (bnlab --verify-script, the page's "Download
// verification script"): Python that runs a config in PyTorch on one thread and
// checks, on float32 bit patterns, that it gets exactly the numbers this build got.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "experiment.h"

namespace bnlab {

// Above this many channels no script is written: it holds four values per
// channel as text (about 10 MB at this limit).
inline constexpr std::int64_t kMaxVerifyChannels = 1 << 16;

// "" when a script can be written for this config (one that passed
// validate()), else one line saying why not.
std::string check_verify_script(const ExperimentConfig& config);

// The script for an experiment that has run all its steps, and when given,
// precise BN after them; see check_verify_script.
std::string verify_script(const Experiment& experiment, const PreciseBn* precise = nullptr);

struct VerifyScriptResult {
  std::string text;   // the script, when error is empty
  std::string error;  // one line: a limit, or PyTorch's ValueError ("ValueError: ...")
  std::string field;  // what the error is about: a config field, "size" or "precise-bn"
};

// Runs a validated config (and precise BN for `precise_batches`, checked
// first) and writes its script.
VerifyScriptResult make_verify_script(const ExperimentConfig& config,
                                      std::optional<std::int64_t> precise_batches);

}  // namespace bnlab

// The article's experiment, step by step: seed, draw y once, then per step draw
// x = randn_like(y), run BatchNorm2d in training mode and fold x into the
// streaming "manual" statistics. Driven a chunk of steps at a time.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "batch_norm.h"
#include "channel_moments.h"
#include "experiment_config.h"
#include "torch_generator.h"

namespace bnlab {

class InvalidConfig : public std::invalid_argument {
 public:
  explicit InvalidConfig(std::vector<ConfigError> errors);
  const std::vector<ConfigError>& errors() const { return errors_; }

 private:
  std::vector<ConfigError> errors_;
};

// Per-step state for a chunk of steps, step-major: value of channel c after the
// i-th step of the chunk is at [i * channels + c].
struct StepTrace {
  std::int64_t first_step = 0;  // 1-based number of the chunk's first step
  std::int64_t steps = 0;
  std::vector<float> running_mean, running_var;
  std::vector<double> manual_mean, manual_var;  // unbiased variance, NaN below 2 values
  void clear(std::int64_t channels, std::int64_t capacity_steps);
};

struct ExperimentSummary {
  std::int64_t steps_done = 0;
  std::vector<float> running_mean, running_var;
  std::int64_t num_batches_tracked = 0;
  std::vector<double> manual_mean, manual_var;           // NaN where undefined
  double mean_abs_diff_mean = 0, mean_abs_diff_var = 0;  // NaN with no steps
};

// Why an experiment of this config's sizes cannot be allocated, or "": the
// per-batch product in checked arithmetic against kMaxElementsPerBatch. The
// constructor checks it after validate(), so that a size product that wraps
// is refused even if validation missed it.
std::string check_sizes(const ExperimentConfig& config);

class Experiment {
 public:
  explicit Experiment(const ExperimentConfig& config);  // throws InvalidConfig

  const ExperimentConfig& config() const { return config_; }
  std::int64_t steps_done() const { return steps_done_; }
  bool finished() const { return steps_done_ >= config_.steps; }

  // Runs up to `max_steps` more steps (never past config.steps); appends each
  // step's state to `trace` when given. Returns the number of steps run.
  std::int64_t run(std::int64_t max_steps, StepTrace* trace = nullptr);

  const BatchNorm2d& layer() const { return layer_; }
  const ChannelMoments& manual() const { return manual_; }
  ExperimentSummary summary() const;

 private:
  ExperimentConfig config_;
  TorchGenerator generator_;
  BatchNorm2d layer_;
  ChannelMoments manual_;
  std::vector<float> batch_;  // reused every step: no allocation per step
  std::int64_t steps_done_ = 0;
};

}  // namespace bnlab

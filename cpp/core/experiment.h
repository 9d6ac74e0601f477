// The article's experiment, step by step: seed, draw y once, then per step draw
// x = randn_like(y) (times scale plus shift in a scenario), run BatchNorm2d
// (training until `freeze`) and fold x into the streaming "manual" statistics.
// Driven a chunk of steps at a time; the eval-mode probe and precise BN look at it.
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
  // PyTorch's stacked.mean / stacked.var after each step (NaN where undefined).
  // With one channel the variance is PyTorch's only at the run's last step (it
  // is two-pass there); before that it is exact_var rounded to float.
  std::vector<float> manual_mean, manual_var;
  std::vector<double> exact_mean, exact_var;  // the same in double precision
  std::vector<double> probe_mean, probe_std;  // eval-mode probe, only while probing
  // The step's batch statistics as the layer computed them for its update:
  // mean, var_sum / n (biased) and var_sum / (n - 1) (unbiased, what running_var
  // takes), all float; NaN on a step after a freeze (eval: nothing computed).
  std::vector<float> batch_mean, batch_var, batch_var_unbiased;
  std::vector<double> num_batches_tracked;  // one per step: the counter after it
  void clear(std::int64_t channels, std::int64_t capacity_steps);
};

struct ExperimentSummary {
  std::int64_t steps_done = 0;
  std::vector<float> running_mean, running_var;
  std::int64_t num_batches_tracked = 0;
  std::vector<float> manual_mean, manual_var;  // PyTorch's float32 values, NaN where undefined
  std::vector<double> exact_mean, exact_var;   // double precision, NaN where undefined
  // (smean - rm).abs().mean() as PyTorch computes it in float32; NaN with no steps.
  float mean_abs_diff_mean = 0, mean_abs_diff_var = 0;
};

// Why an experiment of this config's sizes cannot be allocated, or "": the
// per-batch product in checked arithmetic against kMaxElementsPerBatch. The
// constructor checks it after validate(), so that a size product that wraps
// is refused even if validation missed it.
std::string check_sizes(const ExperimentConfig& config);

// Per-channel mean and unbiased standard deviation (torch.std's default) of a
// normalised batch, in double from its float32 values; std is NaN below 2 values.
struct ChannelStats {
  std::vector<double> mean, std;
};

// The probe batch torch.randn(N, C, H, W, generator=torch.Generator().manual_seed(seed))
// normalised in eval mode (running statistics) and, as the reference, in train mode
// (its own batch statistics: F.batch_norm(training=True) with no running buffers).
struct ProbeResult {
  ChannelStats eval, train;
  std::string train_error;  // PyTorch's ValueError when the probe has 1 value per channel
};

// model.reset_running_stats(); model.momentum = None; K forwards of
// randn_like(y) * sc + sh continuing the run's generator (sc, sh of the last step),
// in the mode the run ended in: after a freeze the forwards are eval and change nothing.
struct PreciseBn {
  std::int64_t batches = 0;
  std::vector<float> running_mean, running_var;
  std::int64_t num_batches_tracked = 0;
  std::string error;  // "ValueError: ..." when PyTorch raises (1 value per channel)
};

class Experiment {
 public:
  explicit Experiment(const ExperimentConfig& config);  // throws InvalidConfig

  const ExperimentConfig& config() const { return config_; }
  std::int64_t steps_done() const { return steps_done_; }
  bool finished() const { return steps_done_ >= config_.steps; }

  // Runs up to `max_steps` more steps (never past config.steps); appends each
  // step's state to `trace` when given. Returns the number of steps run.
  std::int64_t run(std::int64_t max_steps, StepTrace* trace = nullptr);

  // From now on every step also records the eval-mode probe in the trace.
  void set_probe(const Seed& seed);
  bool probing() const { return !probe_batch_.empty(); }
  // The probe at the current step (set_probe first; empty results otherwise).
  ProbeResult probe() const;
  // The probe's eval-mode output at the current step, bit for bit PyTorch's.
  std::vector<float> probe_output() const;

  // Precise BN after the steps run so far; the experiment itself is left as it is.
  PreciseBn precise_bn(std::int64_t batches) const;

  const BatchNorm2d& layer() const { return layer_; }
  const ManualStatistics& manual() const { return manual_; }
  ExperimentSummary summary() const;

 private:
  ExperimentConfig config_;
  TorchGenerator generator_;
  BatchNorm2d layer_;
  ManualStatistics manual_;
  void finish_one_channel_variance();
  void append_batch_stats(StepTrace* trace, bool trained) const;
  // Draws the next batch as step `step` of the loop does, into batch_.
  void draw_batch(TorchGenerator& generator, std::vector<float>& batch, std::int64_t step) const;
  ChannelStats probe_eval_stats(std::vector<float>& scratch) const;

  std::vector<float> batch_;  // reused every step: no allocation per step
  std::int64_t steps_done_ = 0;
  std::vector<float> probe_batch_, probe_scratch_;
};

}  // namespace bnlab

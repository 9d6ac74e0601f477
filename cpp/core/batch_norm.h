// nn.BatchNorm2d with PyTorch's parameters, buffers and float32 arithmetic,
// training and eval forward on contiguous NCHW input.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "checked_size.h"

namespace bnlab {

// The most channels a layer may have: its six per-channel buffers then take
// 384 MiB, what a browser tab can still hold.
inline constexpr std::int64_t kMaxNumFeatures = 1 << 24;

struct Shape4 {
  std::int64_t n = 1, c = 1, h = 1, w = 1;
  // n * c * h * w, or nullopt when a size is negative or the product overflows.
  std::optional<std::int64_t> numel() const { return checked_product({n, c, h, w}); }
};

struct BatchNormOptions {
  std::int64_t num_features = 1;
  double eps = 1e-5;
  std::optional<double> momentum = 0.1;  // nullopt: cumulative moving average
  bool affine = true;
  bool track_running_stats = true;
};

class BatchNorm2d {
 public:
  // Throws std::invalid_argument unless num_features is in [1, kMaxNumFeatures].
  explicit BatchNorm2d(const BatchNormOptions& options);

  // Why the constructor would reject these options, or "".
  static std::string check_options(const BatchNormOptions& options);

  const BatchNormOptions& options() const { return options_; }
  void train(bool on = true) { training_ = on; }
  void eval() { training_ = false; }
  bool is_training() const { return training_; }

  // Why forward would reject this shape, or "" when it would not. Lets callers
  // that cannot catch C++ exceptions (WebAssembly by default) check first.
  // Every size product is checked: a shape whose product overflows is refused.
  std::string check_input(const Shape4& shape) const;

  // Forward pass. `output` may be null when only the statistics are wanted
  // (the experiment), and must otherwise hold *shape.numel() floats.
  // Throws std::invalid_argument on a shape PyTorch would reject.
  void forward(const float* input, const Shape4& shape, float* output);

  // Eval-mode forward with the running statistics; changes nothing, so a probe
  // can run between training steps. Bits as forward() in eval mode.
  void forward_eval(const float* input, const Shape4& shape, float* output) const;

  // model.reset_running_stats() and model.momentum = ... (None: cumulative average).
  void reset_running_stats();
  void set_momentum(std::optional<double> momentum) { options_.momentum = momentum; }

  std::vector<float>& weight() { return weight_; }
  std::vector<float>& bias() { return bias_; }
  const std::vector<float>& running_mean() const { return running_mean_; }
  const std::vector<float>& running_var() const { return running_var_; }
  std::int64_t num_batches_tracked() const { return num_batches_tracked_; }

  // Batch statistics of the last training forward: mean and biased var_sum / n.
  const std::vector<float>& last_batch_mean() const { return batch_mean_; }
  // The float sum of squared deviations behind them (var_sum / n is the biased
  // variance, var_sum / (n - 1) the unbiased one that running_var takes).
  const std::vector<float>& last_batch_var_sum() const { return batch_var_sum_; }

 private:
  void batch_stats_per_pixel(const float* input, const Shape4& shape);  // H*W == 1
  void batch_stats_spatial(const float* input, const Shape4& shape);    // H*W > 1
  void normalize(const float* input, const Shape4& shape, float* output, bool use_batch) const;

  BatchNormOptions options_;
  bool training_ = true;
  std::vector<float> weight_, bias_, running_mean_, running_var_;
  std::int64_t num_batches_tracked_ = 0;
  std::vector<float> batch_mean_, batch_var_sum_;  // scratch, sized C
  // Scratch, sized C: mutable so that the const eval forward (the probe) can use it.
  mutable std::vector<float> alpha_, beta_;
};

}  // namespace bnlab

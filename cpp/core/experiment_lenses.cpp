// The lenses that look at a running experiment without changing it: the
// eval-mode probe and precise BN (declared in experiment.h).
#include <cmath>
#include <limits>

#include "experiment.h"

namespace bnlab {
namespace {

Shape4 batch_shape(const ExperimentConfig& c) { return {c.batch, c.channels, c.height, c.width}; }

// Two passes in double over the float32 values of each channel (NCHW).
ChannelStats channel_stats(const std::vector<float>& values, const Shape4& shape) {
  const std::int64_t hw = shape.h * shape.w;
  const double count = static_cast<double>(shape.n * hw);
  ChannelStats stats;
  for (std::int64_t ch = 0; ch < shape.c; ++ch) {
    double sum = 0.0;
    for (std::int64_t b = 0; b < shape.n; ++b) {
      const float* plane = values.data() + (b * shape.c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i) sum += plane[i];
    }
    const double mean = sum / count;
    double m2 = 0.0;
    for (std::int64_t b = 0; b < shape.n; ++b) {
      const float* plane = values.data() + (b * shape.c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i) {
        const double d = plane[i] - mean;
        m2 += d * d;
      }
    }
    stats.mean.push_back(mean);
    stats.std.push_back(count < 2 ? std::numeric_limits<double>::quiet_NaN()
                                  : std::sqrt(m2 / (count - 1)));
  }
  return stats;
}

}  // namespace

void Experiment::set_probe(const Seed& seed) {
  // torch.Generator() is a fresh generator: the probe never touches the run's draws.
  TorchGenerator generator;
  generator.manual_seed(seed.bits);
  probe_batch_.assign(batch_.size(), 0.0f);
  generator.randn(probe_batch_.data(), probe_batch_.size());
  probe_scratch_.assign(batch_.size(), 0.0f);
}

ChannelStats Experiment::probe_eval_stats(std::vector<float>& scratch) const {
  const Shape4 shape = batch_shape(config_);
  layer_.forward_eval(probe_batch_.data(), shape, scratch.data());
  return channel_stats(scratch, shape);
}

std::vector<float> Experiment::probe_output() const {
  std::vector<float> out(probe_batch_.size());
  if (probing()) layer_.forward_eval(probe_batch_.data(), batch_shape(config_), out.data());
  return out;
}

ProbeResult Experiment::probe() const {
  ProbeResult result;
  if (!probing()) return result;
  std::vector<float> out(probe_batch_.size());
  result.eval = probe_eval_stats(out);
  const Shape4 shape = batch_shape(config_);
  if (config_.values_per_channel() < 2) {
    result.train_error = "ValueError: " + config_.one_value_error();
    return result;
  }
  // F.batch_norm(training=True) without running buffers: batch statistics, nothing kept.
  BatchNormOptions options = layer_.options();
  options.track_running_stats = false;
  BatchNorm2d twin(options);
  twin.forward(probe_batch_.data(), shape, out.data());
  result.train = channel_stats(out, shape);
  return result;
}

PreciseBn Experiment::precise_bn(std::int64_t batches) const {
  PreciseBn result;
  result.batches = batches;
  BatchNorm2d layer = layer_;
  if (layer.is_training() && config_.values_per_channel() < 2 && batches > 0) {
    result.error = "ValueError: " + config_.one_value_error();
    return result;
  }
  TorchGenerator generator = generator_;
  std::vector<float> batch(batch_.size());
  layer.reset_running_stats();
  layer.set_momentum(std::nullopt);
  const Shape4 shape = batch_shape(config_);
  for (std::int64_t i = 0; i < batches; ++i) {
    // Python's sc, sh keep the last step's values after the loop.
    draw_batch(generator, batch, steps_done_);
    if (layer.is_training()) layer.forward(batch.data(), shape, nullptr);
  }
  result.running_mean = layer.running_mean();
  result.running_var = layer.running_var();
  result.num_batches_tracked = layer.num_batches_tracked();
  return result;
}

}  // namespace bnlab

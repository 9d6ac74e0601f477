// The experiment: config validated before anything is sized from it, then the
// article's loop (randn_like, BatchNorm2d forward, manual moments) a chunk at a time.
#include "experiment.h"

#include <cmath>
#include <limits>
#include <utility>

#include "checked_size.h"

namespace bnlab {
namespace {

std::string join_messages(const std::vector<ConfigError>& errors) {
  std::string text;
  for (const auto& e : errors) text += (text.empty() ? "" : "; ") + e.message;
  return text;
}

// Runs before any member that allocates, so a config whose sizes overflow is
// refused before a buffer is sized from it.
BatchNormOptions layer_options(const ExperimentConfig& config) {
  if (auto errors = validate(config); !errors.empty()) throw InvalidConfig(std::move(errors));
  if (const std::string problem = check_sizes(config); !problem.empty()) {
    throw InvalidConfig({{"size", problem}});
  }
  BatchNormOptions options;
  options.num_features = config.channels;
  options.eps = config.eps;
  options.momentum = config.momentum;
  return options;
}

}  // namespace

std::string check_sizes(const ExperimentConfig& config) {
  if (!product_within({config.batch, config.channels, config.height, config.width},
                      kMaxElementsPerBatch) ||
      config.batch < 1 || config.channels < 1 || config.height < 1 || config.width < 1) {
    return "batch * channels * height * width must be at most " +
           std::to_string(kMaxElementsPerBatch) + " values per batch, each at least 1";
  }
  return "";
}

InvalidConfig::InvalidConfig(std::vector<ConfigError> errors)
    : std::invalid_argument(join_messages(errors)), errors_(std::move(errors)) {}

void StepTrace::clear(std::int64_t channels, std::int64_t capacity_steps) {
  first_step = 0;
  steps = 0;
  // The config's limits keep channels * steps within kMaxTraceValues; a product
  // past it (a caller's mistake) only reserves less, it never wraps.
  const auto product = product_within({channels, capacity_steps}, kMaxTraceValues);
  const auto capacity = static_cast<std::size_t>(product ? *product : 0);
  for (auto* v : {&running_mean, &running_var, &manual_mean, &manual_var, &batch_mean, &batch_var,
                  &batch_var_unbiased}) {
    v->clear();
    v->reserve(capacity);
  }
  for (auto* v : {&exact_mean, &exact_var, &probe_mean, &probe_std}) {
    v->clear();
    v->reserve(capacity);
  }
  num_batches_tracked.clear();
  num_batches_tracked.reserve(static_cast<std::size_t>(capacity_steps > 0 ? capacity_steps : 0));
}

Experiment::Experiment(const ExperimentConfig& config)
    : config_(config),
      layer_(layer_options(config)),
      manual_(config.batch, config.channels, config.height * config.width, config.steps),
      batch_(static_cast<std::size_t>(config.elements_per_batch())) {
  generator_.manual_seed(config.seed.bits);
  // The article draws y = torch.randn(N, C, H, W) once, only for randn_like's
  // shape; skipping this draw would shift every later number.
  generator_.randn(batch_.data(), batch_.size());
}

void Experiment::draw_batch(TorchGenerator& generator, std::vector<float>& batch,
                            std::int64_t step) const {
  generator.randn(batch.data(), batch.size());
  if (!config_.transforms_input()) return;
  // torch.randn_like(y) * sc + sh with Python floats: each float is rounded to
  // float32, then one float multiply and one float add per value (not fused).
  const ExperimentConfig::Regime r = config_.regime(step);
  const float scale = static_cast<float>(r.scale);
  const float shift = static_cast<float>(r.shift);
  for (float& v : batch) {
    const float scaled = v * scale;
    v = scaled + shift;
  }
}

std::int64_t Experiment::run(std::int64_t max_steps, StepTrace* trace) {
  const Shape4 shape{config_.batch, config_.channels, config_.height, config_.width};
  std::int64_t done = 0;
  if (trace != nullptr && trace->steps == 0) trace->first_step = steps_done_ + 1;
  while (done < max_steps && !finished()) {
    const std::int64_t step = steps_done_ + 1;
    if (!config_.training_at(step)) layer_.eval();
    draw_batch(generator_, batch_, step);
    // An eval forward leaves the buffers as they are; only its output would differ.
    const bool trained = layer_.is_training();
    if (trained) layer_.forward(batch_.data(), shape, nullptr);
    manual_.add_batch(batch_.data());
    ++steps_done_;
    ++done;
    if (trace != nullptr) {
      const auto& rm = layer_.running_mean();
      const auto& rv = layer_.running_var();
      trace->running_mean.insert(trace->running_mean.end(), rm.begin(), rm.end());
      trace->running_var.insert(trace->running_var.end(), rv.begin(), rv.end());
      const std::size_t at = trace->manual_mean.size();
      const auto c = static_cast<std::size_t>(config_.channels);
      for (auto* v : {&trace->manual_mean, &trace->manual_var}) v->resize(at + c);
      for (auto* v : {&trace->exact_mean, &trace->exact_var}) v->resize(at + c);
      manual_.mean(trace->manual_mean.data() + at);
      manual_.var(trace->manual_var.data() + at);
      manual_.exact_mean(trace->exact_mean.data() + at);
      manual_.exact_var(trace->exact_var.data() + at);
      if (probing()) {
        const ChannelStats p = probe_eval_stats(probe_scratch_);
        trace->probe_mean.insert(trace->probe_mean.end(), p.mean.begin(), p.mean.end());
        trace->probe_std.insert(trace->probe_std.end(), p.std.begin(), p.std.end());
      }
      append_batch_stats(trace, trained);
      ++trace->steps;
    }
  }
  if (done > 0 && finished() && manual_.variance_needs_second_pass()) {
    finish_one_channel_variance();
    if (trace != nullptr) manual_.var(&trace->manual_var.back());
  }
  return done;
}

void Experiment::append_batch_stats(StepTrace* trace, bool trained) const {
  const auto c = static_cast<std::size_t>(config_.channels);
  const std::size_t at = trace->batch_mean.size();
  for (auto* v : {&trace->batch_mean, &trace->batch_var, &trace->batch_var_unbiased}) {
    v->resize(at + c, std::numeric_limits<float>::quiet_NaN());
  }
  trace->num_batches_tracked.push_back(static_cast<double>(layer_.num_batches_tracked()));
  if (!trained) return;
  // The divisions PyTorch makes (float var_sum by the count converted to float):
  // var_sum / n for the output, var_sum / (n - 1) for running_var.
  const std::int64_t n = config_.batch * config_.height * config_.width;
  const auto& mean = layer_.last_batch_mean();
  const auto& var_sum = layer_.last_batch_var_sum();
  for (std::size_t ch = 0; ch < c; ++ch) {
    trace->batch_mean[at + ch] = mean[ch];
    trace->batch_var[at + ch] = var_sum[ch] / static_cast<float>(n);
    trace->batch_var_unbiased[at + ch] = var_sum[ch] / static_cast<float>(n - 1);
  }
}

// PyTorch's one-channel variance sums (x - mean)^2 with the final mean: draw
// every input again from the seed (the generator is all the state there is)
// instead of keeping them.
void Experiment::finish_one_channel_variance() {
  TorchGenerator generator;
  generator.manual_seed(config_.seed.bits);
  generator.randn(batch_.data(), batch_.size());  // y
  auto pass = manual_.start_second_pass();
  for (std::int64_t s = 0; s < steps_done_; ++s) {
    draw_batch(generator, batch_, s + 1);
    pass.add_batch(batch_.data(), static_cast<std::int64_t>(batch_.size()));
  }
  manual_.finish_second_pass(pass);
}

ExperimentSummary Experiment::summary() const {
  ExperimentSummary s;
  s.steps_done = steps_done_;
  s.running_mean = layer_.running_mean();
  s.running_var = layer_.running_var();
  s.num_batches_tracked = layer_.num_batches_tracked();
  const auto c = static_cast<std::size_t>(config_.channels);
  s.manual_mean.resize(c);
  s.manual_var.resize(c);
  s.exact_mean.resize(c);
  s.exact_var.resize(c);
  manual_.mean(s.manual_mean.data());
  manual_.var(s.manual_var.data());
  manual_.exact_mean(s.exact_mean.data());
  manual_.exact_var(s.exact_var.data());
  // As the article: (smean - rm).abs().mean(), float32 tensors: float
  // differences, PyTorch's sum of the C values, one float division.
  std::vector<float> diff(c);
  for (std::size_t i = 0; i < c; ++i) diff[i] = std::fabs(s.manual_mean[i] - s.running_mean[i]);
  const auto n = static_cast<std::int64_t>(c);
  s.mean_abs_diff_mean = torch_sum(diff.data(), n) / static_cast<float>(n);
  for (std::size_t i = 0; i < c; ++i) diff[i] = std::fabs(s.manual_var[i] - s.running_var[i]);
  s.mean_abs_diff_var = torch_sum(diff.data(), n) / static_cast<float>(n);
  return s;
}

}  // namespace bnlab

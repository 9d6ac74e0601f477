#include "batch_norm.h"

#include <cmath>
#include <stdexcept>
#include <string>

namespace bnlab {

std::string BatchNorm2d::check_options(const BatchNormOptions& options) {
  if (options.num_features < 1 || options.num_features > kMaxNumFeatures) {
    return "num_features must be an integer in [1, " + std::to_string(kMaxNumFeatures) + "]; got " +
           std::to_string(options.num_features);
  }
  return "";
}

BatchNorm2d::BatchNorm2d(const BatchNormOptions& options) : options_(options) {
  if (const std::string problem = check_options(options); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  const auto c = static_cast<std::size_t>(options.num_features);
  weight_.assign(c, 1.0f);
  bias_.assign(c, 0.0f);
  running_mean_.assign(c, 0.0f);
  running_var_.assign(c, 1.0f);
  batch_mean_.assign(c, 0.0f);
  batch_var_sum_.assign(c, 0.0f);
}

// PyTorch treats (N, C, 1, 1) as channels-last and accumulates in float, row by row.
void BatchNorm2d::batch_stats_per_pixel(const float* input, const Shape4& shape) {
  const std::int64_t n = shape.n, c = shape.c;
  for (std::int64_t ch = 0; ch < c; ++ch) {
    float sum = 0.0f;
    for (std::int64_t row = 0; row < n; ++row) sum += input[row * c + ch];
    const float mean = sum / static_cast<float>(n);
    float var_sum = 0.0f;
    for (std::int64_t row = 0; row < n; ++row) {
      const float d = input[row * c + ch] - mean;
      var_sum = std::fma(d, d, var_sum);
    }
    batch_mean_[ch] = mean;
    batch_var_sum_[ch] = var_sum;
  }
}

// The contiguous NCHW kernel sums in double but squares deviations in float.
void BatchNorm2d::batch_stats_spatial(const float* input, const Shape4& shape) {
  const std::int64_t hw = shape.h * shape.w;
  const std::int64_t count = shape.n * hw;
  for (std::int64_t ch = 0; ch < shape.c; ++ch) {
    double sum = 0.0;
    for (std::int64_t b = 0; b < shape.n; ++b) {
      const float* plane = input + (b * shape.c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i) sum += plane[i];
    }
    const float mean = static_cast<float>(sum / static_cast<double>(count));
    double var_sum = 0.0;
    for (std::int64_t b = 0; b < shape.n; ++b) {
      const float* plane = input + (b * shape.c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i) {
        const float d = plane[i] - mean;
        var_sum += static_cast<double>(d * d);
      }
    }
    batch_mean_[ch] = mean;
    batch_var_sum_[ch] = static_cast<float>(var_sum);
  }
}

std::string BatchNorm2d::check_input(const Shape4& shape) const {
  if (shape.c != options_.num_features) {
    return "expected " + std::to_string(options_.num_features) + " channels, got " +
           std::to_string(shape.c);
  }
  if (shape.n < 1 || shape.h < 1 || shape.w < 1) {
    return "batch, height and width must be at least 1";
  }
  // The kernels index with int64 products of these sizes: all of them must fit.
  if (!shape.numel()) {
    return "batch * channels * height * width must fit in a 64-bit integer; got [" +
           std::to_string(shape.n) + ", " + std::to_string(shape.c) + ", " +
           std::to_string(shape.h) + ", " + std::to_string(shape.w) + "]";
  }
  if (training_ && shape.n * shape.h * shape.w < 2) {
    return "Expected more than 1 value per channel when training, got input size torch.Size([" +
           std::to_string(shape.n) + ", " + std::to_string(shape.c) + ", " +
           std::to_string(shape.h) + ", " + std::to_string(shape.w) + "])";
  }
  return "";
}

void BatchNorm2d::forward(const float* input, const Shape4& shape, float* output) {
  if (const std::string problem = check_input(shape); !problem.empty()) {
    throw std::invalid_argument(problem);
  }
  const bool use_batch = training_ || !options_.track_running_stats;
  const std::int64_t count = shape.n * shape.h * shape.w;
  if (use_batch) {
    if (shape.h * shape.w == 1) {
      batch_stats_per_pixel(input, shape);
    } else {
      batch_stats_spatial(input, shape);
    }
  }
  if (training_ && options_.track_running_stats) {
    ++num_batches_tracked_;
    const float m = options_.momentum
                        ? static_cast<float>(*options_.momentum)
                        : static_cast<float>(1.0 / static_cast<double>(num_batches_tracked_));
    const float keep = 1.0f - m;
    const float denom = static_cast<float>(count - 1);
    for (std::int64_t ch = 0; ch < shape.c; ++ch) {
      // Separate products: PyTorch does not fuse these updates.
      const float new_part = m * batch_mean_[ch];
      const float old_part = keep * running_mean_[ch];
      running_mean_[ch] = new_part + old_part;
      const double unbiased = static_cast<double>(batch_var_sum_[ch] / denom);
      const double old_var = static_cast<double>(keep * running_var_[ch]);
      const double new_var = static_cast<double>(m) * unbiased;
      running_var_[ch] = static_cast<float>(new_var + old_var);
    }
  }
  if (output != nullptr) normalize(input, shape, output, use_batch);
}

void BatchNorm2d::normalize(const float* input, const Shape4& shape, float* output,
                            bool use_batch) {
  const std::int64_t hw = shape.h * shape.w;
  const float count = static_cast<float>(shape.n * hw);
  for (std::int64_t ch = 0; ch < shape.c; ++ch) {
    float invstd, mean;
    if (use_batch) {
      const double biased = static_cast<double>(batch_var_sum_[ch] / count);
      invstd = static_cast<float>(1.0 / std::sqrt(biased + options_.eps));
      mean = batch_mean_[ch];
    } else {
      invstd = 1.0f / std::sqrt(running_var_[ch] + static_cast<float>(options_.eps));
      mean = running_mean_[ch];
    }
    const float weight = options_.affine ? weight_[ch] : 1.0f;
    const float bias = options_.affine ? bias_[ch] : 0.0f;
    const float alpha = invstd * weight;
    const float beta = std::fma(-mean, alpha, bias);
    for (std::int64_t b = 0; b < shape.n; ++b) {
      const std::int64_t base = (b * shape.c + ch) * hw;
      for (std::int64_t i = 0; i < hw; ++i)
        output[base + i] = std::fma(input[base + i], alpha, beta);
    }
  }
}

}  // namespace bnlab

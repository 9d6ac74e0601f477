#include "batch_norm.h"

#include <cmath>
#include <stdexcept>
#include <string>

#include "fma_simd.h"

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
  alpha_.assign(c, 0.0f);
  beta_.assign(c, 0.0f);
}

namespace {

// The statistics and the normalisation are loops of float multiply-adds
// (std::fma) and conversions: on x86-64 an FMA clone (which also has 256-bit
// AVX vectors) runs next to the portable one, picked at load time. Both give
// the same bits: fma is exact, and no loop below reorders a sum.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__EMSCRIPTEN__)
#define BNLAB_FMA_CLONES __attribute__((target_clones("fma", "default")))
#else
#define BNLAB_FMA_CLONES
#endif

// PyTorch's spatial kernel adds each channel's values one after another into
// a double, so one channel is bound by the latency of a double add (about 4
// cycles a value). Channels are independent: kGroup of them summed side by
// side, each in its own accumulator and in its own order, keep the adder busy
// with the same bits.
constexpr std::int64_t kGroup = 8;

template <int K>
void spatial_sums(const float* input, std::int64_t n, std::int64_t c, std::int64_t hw,
                  std::int64_t ch0, double* out) {
  double acc[K] = {};
  for (std::int64_t b = 0; b < n; ++b) {
    const float* base = input + (b * c + ch0) * hw;
    for (std::int64_t i = 0; i < hw; ++i) {
      for (int k = 0; k < K; ++k) acc[k] += base[k * hw + i];
    }
  }
  for (int k = 0; k < K; ++k) out[k] = acc[k];
}

template <int K>
void spatial_var_sums(const float* input, std::int64_t n, std::int64_t c, std::int64_t hw,
                      std::int64_t ch0, const float* mean, double* out) {
  double acc[K] = {};
  float m[K];
  for (int k = 0; k < K; ++k) m[k] = mean[k];
  for (std::int64_t b = 0; b < n; ++b) {
    const float* base = input + (b * c + ch0) * hw;
    for (std::int64_t i = 0; i < hw; ++i) {
      for (int k = 0; k < K; ++k) {
        const float d = base[k * hw + i] - m[k];
        acc[k] += static_cast<double>(d * d);
      }
    }
  }
  for (int k = 0; k < K; ++k) out[k] = acc[k];
}

// Runs kernel<K> over channel groups: kGroup at a time, then the rest at once.
template <template <int> class Kernel, typename... Args>
void over_channel_groups(std::int64_t c, Args... args) {
  std::int64_t ch0 = 0;
  for (; ch0 + kGroup <= c; ch0 += kGroup) Kernel<kGroup>::run(ch0, args...);
  switch (c - ch0) {
    case 1:
      Kernel<1>::run(ch0, args...);
      break;
    case 2:
      Kernel<2>::run(ch0, args...);
      break;
    case 3:
      Kernel<3>::run(ch0, args...);
      break;
    case 4:
      Kernel<4>::run(ch0, args...);
      break;
    case 5:
      Kernel<5>::run(ch0, args...);
      break;
    case 6:
      Kernel<6>::run(ch0, args...);
      break;
    case 7:
      Kernel<7>::run(ch0, args...);
      break;
    default:
      break;
  }
}

template <int K>
struct MeanKernel {
  static void run(std::int64_t ch0, const float* input, const Shape4* s, float* mean) {
    double sums[K];
    spatial_sums<K>(input, s->n, s->c, s->h * s->w, ch0, sums);
    const auto count = static_cast<double>(s->n * s->h * s->w);
    for (int k = 0; k < K; ++k) mean[ch0 + k] = static_cast<float>(sums[k] / count);
  }
};

template <int K>
struct VarKernel {
  static void run(std::int64_t ch0, const float* input, const Shape4* s, const float* mean,
                  float* var_sum) {
    double sums[K];
    spatial_var_sums<K>(input, s->n, s->c, s->h * s->w, ch0, mean + ch0, sums);
    for (int k = 0; k < K; ++k) var_sum[ch0 + k] = static_cast<float>(sums[k]);
  }
};

// The contiguous NCHW kernel sums in double but squares deviations in float.
BNLAB_FMA_CLONES void stats_spatial(const float* input, const Shape4& shape, float* mean,
                                    float* var_sum) {
  over_channel_groups<MeanKernel>(shape.c, input, &shape, mean);
  over_channel_groups<VarKernel>(shape.c, input, &shape, static_cast<const float*>(mean), var_sum);
}

// PyTorch treats (N, C, 1, 1) as channels-last and accumulates in float, row by
// row. A row holds one value of every channel, so the loops run along the row:
// each channel (vector lane) still adds its values in row order.
BNLAB_FMA_CLONES void stats_per_pixel(const float* __restrict input, std::int64_t n, std::int64_t c,
                                      float* __restrict mean, float* __restrict var_sum) {
  for (std::int64_t ch = 0; ch < c; ++ch) mean[ch] = 0.0f;
  for (std::int64_t row = 0; row < n; ++row) {
    const float* x = input + row * c;
    for (std::int64_t ch = 0; ch < c; ++ch) mean[ch] += x[ch];
  }
  const auto count = static_cast<float>(n);
  for (std::int64_t ch = 0; ch < c; ++ch) {
    mean[ch] = mean[ch] / count;
    var_sum[ch] = 0.0f;
  }
#if defined(__wasm_simd128__)
  fma_var_sums_simd(input, n, c, mean, var_sum);
#else
  for (std::int64_t row = 0; row < n; ++row) {
    const float* x = input + row * c;
    for (std::int64_t ch = 0; ch < c; ++ch) {
      const float d = x[ch] - mean[ch];
      var_sum[ch] = std::fma(d, d, var_sum[ch]);
    }
  }
#endif
}

// y = fma(x, alpha, beta) per channel.
BNLAB_FMA_CLONES void normalize_planes(const float* __restrict input, const Shape4& shape,
                                       const float* alpha, const float* beta,
                                       float* __restrict output) {
  const std::int64_t hw = shape.h * shape.w;
  if (hw == 1) {
    for (std::int64_t row = 0; row < shape.n; ++row) {
      const float* x = input + row * shape.c;
      float* y = output + row * shape.c;
#if defined(__wasm_simd128__)
      fma_lanes_simd(x, alpha, beta, y, shape.c);
#else
      for (std::int64_t ch = 0; ch < shape.c; ++ch) y[ch] = std::fma(x[ch], alpha[ch], beta[ch]);
#endif
    }
    return;
  }
  for (std::int64_t b = 0; b < shape.n; ++b) {
    for (std::int64_t ch = 0; ch < shape.c; ++ch) {
      const std::int64_t base = (b * shape.c + ch) * hw;
      const float a = alpha[ch], bb = beta[ch];
#if defined(__wasm_simd128__)
      fma_scale_shift_simd(input + base, a, bb, output + base, hw);
#else
      for (std::int64_t i = 0; i < hw; ++i) output[base + i] = std::fma(input[base + i], a, bb);
#endif
    }
  }
}

}  // namespace

void BatchNorm2d::batch_stats_per_pixel(const float* input, const Shape4& shape) {
  stats_per_pixel(input, shape.n, shape.c, batch_mean_.data(), batch_var_sum_.data());
}

void BatchNorm2d::batch_stats_spatial(const float* input, const Shape4& shape) {
  stats_spatial(input, shape, batch_mean_.data(), batch_var_sum_.data());
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

void BatchNorm2d::forward_eval(const float* input, const Shape4& shape, float* output) const {
  // Without tracked statistics PyTorch normalises with the batch's even in eval mode.
  if (!options_.track_running_stats) throw std::logic_error("forward_eval needs running stats");
  normalize(input, shape, output, false);
}

void BatchNorm2d::reset_running_stats() {
  running_mean_.assign(running_mean_.size(), 0.0f);
  running_var_.assign(running_var_.size(), 1.0f);
  num_batches_tracked_ = 0;
}

void BatchNorm2d::normalize(const float* input, const Shape4& shape, float* output,
                            bool use_batch) const {
  const float count = static_cast<float>(shape.n * shape.h * shape.w);
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
    alpha_[ch] = alpha;
    beta_[ch] = std::fma(-mean, alpha, bias);
  }
  normalize_planes(input, shape, alpha_.data(), beta_.data(), output);
}

}  // namespace bnlab

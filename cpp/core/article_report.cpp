#include "article_report.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tensor_format.h"

namespace bnlab {
namespace {

std::vector<float> to_float(const std::vector<double>& values) {
  return std::vector<float>(values.begin(), values.end());
}

// The shortest "%.{p}g" text that reads back as the same value: round-trips,
// and is the same bytes from glibc (native) and musl (WebAssembly).
template <typename T>
std::string shortest(T value) {
  if (std::isnan(value)) return "null";
  if (std::isinf(value)) return value > 0 ? "1e999" : "-1e999";
  char buf[40];
  const int max_digits = sizeof(T) == 4 ? 9 : 17;
  for (int p = 1; p <= max_digits; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, static_cast<double>(value));
    if (static_cast<T>(std::strtod(buf, nullptr)) == value) break;
  }
  return buf;
}

template <typename T>
std::string json_array(const std::vector<T>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += shortest(values[i]);
  }
  return out + "]";
}

}  // namespace

std::string article_output(const Experiment& experiment) {
  const ExperimentConfig& config = experiment.config();
  const ExperimentSummary s = experiment.summary();
  std::string out =
      "Buffers in BatchNorm2d: dict_keys(['running_mean', 'running_var', "
      "'num_batches_tracked'])\n\n";
  out += "Shape of stackend tensor: torch.Size([" + std::to_string(s.steps_done * config.batch) +
         ", " + std::to_string(config.channels) + ", " + std::to_string(config.height) + ", " +
         std::to_string(config.width) + "])\n\n";
  out += "Manually Computed:\n------------------\n";
  out += "Mean: " + format_tensor(to_float(s.manual_mean)) + "\n";
  out += "Variance: " + format_tensor(to_float(s.manual_var)) + "\n\n";
  out += "Computed by BatchNorm2d:\n------------------------\n";
  out += "Mean: " + format_tensor(s.running_mean) + "\n";
  out += "Variance: " + format_tensor(s.running_var) + "\n\n";
  out += "Mean Absolute Differences:\n--------------------------\n";
  out += "Mean: " + format_fixed4(s.mean_abs_diff_mean) +
         ", Variance: " + format_fixed4(s.mean_abs_diff_var) + "\n";
  return out;
}

std::string summary_json(const Experiment& experiment) {
  const ExperimentConfig& c = experiment.config();
  const ExperimentSummary s = experiment.summary();
  std::string out =
      "{\"config\": {\"seed\": \"" + c.seed.to_string() +
      "\", \"batch\": " + std::to_string(c.batch) +
      ", \"channels\": " + std::to_string(c.channels) +
      ", \"height\": " + std::to_string(c.height) + ", \"width\": " + std::to_string(c.width) +
      ", \"steps\": " + std::to_string(c.steps) +
      ", \"momentum\": " + (c.momentum ? shortest(*c.momentum) : std::string("null")) +
      ", \"eps\": " + shortest(c.eps) + "}";
  out += ", \"running_mean\": " + json_array(s.running_mean);
  out += ", \"running_var\": " + json_array(s.running_var);
  out += ", \"num_batches_tracked\": " + std::to_string(s.num_batches_tracked);
  out += ", \"manual_mean\": " + json_array(s.manual_mean);
  out += ", \"manual_var\": " + json_array(s.manual_var);
  out += ", \"mean_abs_diff\": {\"mean\": " + shortest(s.mean_abs_diff_mean) +
         ", \"var\": " + shortest(s.mean_abs_diff_var) + "}}\n";
  return out;
}

}  // namespace bnlab

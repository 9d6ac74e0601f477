#include "article_report.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <type_traits>

#include "tensor_format.h"

namespace bnlab {
namespace {

// Whether "%.{p}g" of value reads back as the same value; buf gets the text.
template <typename T>
bool round_trips(T value, int p, char (&buf)[40]) {
  std::snprintf(buf, sizeof buf, "%.*g", p, static_cast<double>(value));
  return static_cast<T>(std::strtod(buf, nullptr)) == value;
}

// The shortest "%.{p}g" text that reads back as the same value: round-trips,
// and is the same bytes from glibc (native) and musl (WebAssembly).
// Where the values that read back as `value` lie symmetrically around it
// (all but powers of two), p + 1 digits round-trip whenever p digits do, so
// a binary search finds the same p as a linear one in 5 tries instead of 17.
template <typename T>
std::string shortest_impl(T value) {
  if (std::isnan(value)) return "null";
  if (std::isinf(value)) return value > 0 ? "1e999" : "-1e999";
  char buf[40];
  const int max_digits = sizeof(T) == 4 ? 9 : 17;
  int exponent = 0;
  const bool power_of_two = value == 0 || std::fabs(std::frexp(value, &exponent)) == 0.5;
  if (power_of_two) {
    for (int p = 1; p < max_digits; ++p) {
      if (round_trips(value, p, buf)) return buf;
    }
  } else {
    int low = 1, high = max_digits;  // the answer is in [low, high]
    while (low < high) {
      const int mid = (low + high) / 2;
      if (round_trips(value, mid, buf)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    if (high < max_digits) {
      round_trips(value, high, buf);
      return buf;
    }
  }
  round_trips(value, max_digits, buf);
  return buf;
}

}  // namespace

std::string shortest_text(double value) { return shortest_impl(value); }
std::string shortest_text(float value) { return shortest_impl(value); }

namespace {

template <typename T>
std::string json_array(const std::vector<T>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += shortest_text(values[i]);
  }
  return out + "]";
}

// (smean - rm).abs().mean() as the article prints it.
double mean_abs_diff(const std::vector<float>& manual, const std::vector<float>& running) {
  double sum = 0;
  for (std::size_t c = 0; c < running.size(); ++c) {
    sum += std::fabs(static_cast<double>(manual[c] - running[c]));
  }
  return sum / static_cast<double>(running.size());
}

}  // namespace

std::string buffers_line() {
  return "Buffers in BatchNorm2d: dict_keys(['running_mean', 'running_var', "
         "'num_batches_tracked'])\n\n";
}

std::string article_output(const Experiment& experiment) {
  const ExperimentConfig& config = experiment.config();
  const ExperimentSummary s = experiment.summary();
  std::string out = buffers_line();
  out += "Shape of stackend tensor: torch.Size([" + std::to_string(s.steps_done * config.batch) +
         ", " + std::to_string(config.channels) + ", " + std::to_string(config.height) + ", " +
         std::to_string(config.width) + "])\n\n";
  out += "Manually Computed:\n------------------\n";
  out += "Mean: " + format_tensor(s.manual_mean) + "\n";
  out += "Variance: " + format_tensor(s.manual_var) + "\n\n";
  out += "Computed by BatchNorm2d:\n------------------------\n";
  out += "Mean: " + format_tensor(s.running_mean) + "\n";
  out += "Variance: " + format_tensor(s.running_var) + "\n\n";
  out += "Mean Absolute Differences:\n--------------------------\n";
  out += "Mean: " + format_fixed4(static_cast<double>(s.mean_abs_diff_mean)) +
         ", Variance: " + format_fixed4(static_cast<double>(s.mean_abs_diff_var)) + "\n";
  return out;
}

std::string precise_bn_output(const Experiment& experiment, const PreciseBn& precise) {
  const ExperimentSummary s = experiment.summary();
  const std::string title = "Precise BN: reset_running_stats(), momentum=None, " +
                            std::to_string(precise.batches) + " batches:";
  std::string out = "\n" + title + "\n" + std::string(title.size(), '-') + "\n";
  out += "Mean: " + format_tensor(precise.running_mean) + "\n";
  out += "Variance: " + format_tensor(precise.running_var) + "\n\n";
  out += "Mean Absolute Differences, manual vs precise BN (vs EMA):\n";
  out += "---------------------------------------------------------\n";
  out += "Mean: " + format_fixed4(mean_abs_diff(s.manual_mean, precise.running_mean)) + " (" +
         format_fixed4(s.mean_abs_diff_mean) +
         "), Variance: " + format_fixed4(mean_abs_diff(s.manual_var, precise.running_var)) + " (" +
         format_fixed4(s.mean_abs_diff_var) + ")\n";
  return out;
}

std::string summary_json(const Experiment& experiment, const PreciseBn* precise) {
  const ExperimentConfig& c = experiment.config();
  std::string out = "{\"config\": " + config_json(c);
  if (c.channels > kMaxJsonChannels) {
    return out + ", \"omitted\": \"per-channel statistics are left out above " +
           std::to_string(kMaxJsonChannels) + " channels (this run has " +
           std::to_string(c.channels) + ")\"}\n";
  }
  const ExperimentSummary s = experiment.summary();
  out += ", \"running_mean\": " + json_array(s.running_mean);
  out += ", \"running_var\": " + json_array(s.running_var);
  out += ", \"num_batches_tracked\": " + std::to_string(s.num_batches_tracked);
  out += ", \"manual_mean\": " + json_array(s.manual_mean);
  out += ", \"manual_var\": " + json_array(s.manual_var);
  out += ", \"exact_mean\": " + json_array(s.exact_mean);
  out += ", \"exact_var\": " + json_array(s.exact_var);
  out += ", \"mean_abs_diff\": {\"mean\": " + shortest_text(s.mean_abs_diff_mean) +
         ", \"var\": " + shortest_text(s.mean_abs_diff_var) + "}";
  if (precise != nullptr && precise->error.empty()) {
    out += ", \"precise_bn\": {\"batches\": " + std::to_string(precise->batches) +
           ", \"running_mean\": " + json_array(precise->running_mean) +
           ", \"running_var\": " + json_array(precise->running_var) +
           ", \"num_batches_tracked\": " + std::to_string(precise->num_batches_tracked) +
           ", \"mean_abs_diff\": {\"mean\": " +
           shortest_text(mean_abs_diff(s.manual_mean, precise->running_mean)) +
           ", \"var\": " + shortest_text(mean_abs_diff(s.manual_var, precise->running_var)) + "}}";
  }
  return out + "}\n";
}

}  // namespace bnlab

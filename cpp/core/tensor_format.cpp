// Mirrors torch/_tensor_str.py (PyTorch 1.13) for a 1-D float32 tensor with the default print
// options: _Formatter decides the mode and width, _vector_str lays the elements out, and
// _str_intern wraps them in "tensor(...)" (no suffixes for a plain CPU float32 tensor).
#include "tensor_format.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdio>
#include <string>
#include <vector>

namespace bnlab {
namespace {

constexpr int kLineWidth = 80;
constexpr std::size_t kThreshold = 1000;
constexpr std::size_t kEdgeItems = 3;
constexpr char kPrefix[] = "tensor(";
constexpr int kIndent = sizeof(kPrefix) - 1;

// snprintf writes the locale's decimal separator (possibly multibyte); Python never does. The
// output shape is fixed ([-]digits[sep digits][e...]), so whatever sits between the integer
// digits and the fraction digits is the separator and becomes '.'.
std::string printf_number(const char* spec, double value) {
  // Large enough for "%.4f" of DBL_MAX (309 integer digits) with sign and fraction.
  char buf[400];
  int n = std::snprintf(buf, sizeof(buf), spec, value);
  if (n < 0) return std::string();
  if (static_cast<std::size_t>(n) >= sizeof(buf)) n = sizeof(buf) - 1;
  std::string out;
  out.reserve(static_cast<std::size_t>(n));
  int i = 0;
  if (i < n && buf[i] == '-') out.push_back(buf[i++]);
  while (i < n && buf[i] >= '0' && buf[i] <= '9') out.push_back(buf[i++]);
  if (i < n && buf[i] != 'e') {
    out.push_back('.');
    while (i < n && !(buf[i] >= '0' && buf[i] <= '9')) ++i;
  }
  out.append(buf + i, buf + n);
  return out;
}

// Python prints every NaN as "nan" regardless of its sign bit; glibc would print "-nan".
std::string python_format(const char* spec, double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value < 0 ? "-inf" : "inf";
  return printf_number(spec, value);
}

enum class Mode { kInt, kSci, kFixed };

struct Formatter {
  Mode mode = Mode::kInt;
  std::size_t max_width = 1;
};

// Only nonzero finite values vote, so all-zero / all-nan tensors stay in int mode with width 1
// and print as "0." / "nan" unpadded.
Formatter make_formatter(const std::vector<float>& sample) {
  Formatter f;
  std::vector<double> vals;
  vals.reserve(sample.size());
  for (float v : sample) {
    if (std::isfinite(v) && v != 0.0f) vals.push_back(static_cast<double>(v));
  }
  if (vals.empty()) return f;

  double min_abs = std::fabs(vals[0]);
  double max_abs = min_abs;
  bool int_mode = true;
  for (double v : vals) {
    double a = std::fabs(v);
    if (a < min_abs) min_abs = a;
    if (a > max_abs) max_abs = a;
    if (v != std::ceil(v)) int_mode = false;
  }

  // The min < 1e-4 rule applies only outside int mode: tiny integers cannot exist, and PyTorch
  // only tests it in the non-integer branch.
  bool sci = max_abs / min_abs > 1000.0 || max_abs > 1.0e8 || (!int_mode && min_abs < 1.0e-4);
  if (sci) {
    f.mode = Mode::kSci;
    for (double v : vals) f.max_width = std::max(f.max_width, printf_number("%.4e", v).size());
  } else if (int_mode) {
    f.mode = Mode::kInt;
    // +1 for the "." appended to integer-valued floats.
    for (double v : vals) f.max_width = std::max(f.max_width, printf_number("%.0f", v).size() + 1);
  } else {
    f.mode = Mode::kFixed;
    for (double v : vals) f.max_width = std::max(f.max_width, printf_number("%.4f", v).size());
  }
  return f;
}

std::string format_element(const Formatter& f, double value) {
  std::string s;
  switch (f.mode) {
    case Mode::kSci:
      s = python_format("%.4e", value);
      break;
    case Mode::kInt:
      s = python_format("%.0f", value);
      if (std::isfinite(value)) s.push_back('.');
      break;
    case Mode::kFixed:
      s = python_format("%.4f", value);
      break;
  }
  // Elements wider than max_width (e.g. "-0.0000" when only positives voted) are left as is.
  if (s.size() < f.max_width) s.insert(0, f.max_width - s.size(), ' ');
  return s;
}

}  // namespace

std::string format_tensor(const std::vector<float>& values) {
  if (values.empty()) return "tensor([])";

  const bool summarize = values.size() > kThreshold;
  std::vector<float> sample;
  if (summarize) {
    // The formatter sees only the printed edge items, so hidden middle values never change the
    // mode or width.
    sample.assign(values.begin(), values.begin() + kEdgeItems);
    sample.insert(sample.end(), values.end() - kEdgeItems, values.end());
  }
  const Formatter f = make_formatter(summarize ? sample : values);

  std::vector<std::string> data;
  if (summarize) {
    data.reserve(2 * kEdgeItems + 1);
    for (std::size_t i = 0; i < kEdgeItems; ++i) data.push_back(format_element(f, values[i]));
    // The ellipsis is an element of its own: it takes a slot in the line count.
    data.push_back(" ...");
    for (std::size_t i = values.size() - kEdgeItems; i < values.size(); ++i) {
      data.push_back(format_element(f, values[i]));
    }
  } else {
    data.reserve(values.size());
    for (float v : values) data.push_back(format_element(f, v));
  }

  // The line budget uses max_width + len(", ") and the "tensor(" indent for every line, not the
  // actual element lengths; the opening "[" is not counted.
  const int element_length = static_cast<int>(f.max_width) + 2;
  const int per_line = std::max(1, (kLineWidth - kIndent) / element_length);

  std::string out = kPrefix;
  out.push_back('[');
  for (std::size_t i = 0; i < data.size(); ++i) {
    if (i > 0) {
      if (i % static_cast<std::size_t>(per_line) == 0) {
        out += ",\n";
        out.append(kIndent + 1, ' ');
      } else {
        out += ", ";
      }
    }
    out += data[i];
  }
  out += "])";
  return out;
}

std::string format_fixed4(double value) { return python_format("%.4f", value); }

}  // namespace bnlab

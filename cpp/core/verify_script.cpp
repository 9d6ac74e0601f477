// Writes the verification script: the config as Python constants, this build's
// results as float32 bit patterns, and the article's loop that recomputes them.
#include "verify_script.h"

#include <cmath>
#include <cstdio>
#include <utility>
#include <vector>

#include "article_report.h"
#include "float_bits.h"

namespace bnlab {
namespace {

// A Python float literal that reads back as exactly `value` ("1000.0", "1e-05").
std::string py_float(double value) {
  if (value == std::floor(value) && std::fabs(value) < 1e15) {
    char whole[32];  // 1000.0 rather than 1e+03; -0.0 keeps its sign
    std::snprintf(whole, sizeof whole, "%.1f", value);
    return whole;
  }
  std::string text = shortest_text(value);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

std::string py_optional_float(const std::optional<double>& value) {
  return value ? py_float(*value) : "None";
}

std::string py_optional_int(const std::optional<std::int64_t>& value) {
  return value ? std::to_string(*value) : "None";
}

// One entry of EXPECTED: the bit patterns, one a line, each with its value.
std::string expected_array(const char* name, const std::vector<float>& values) {
  std::string out = "    \"" + std::string(name) + "\": [\n";
  for (const float v : values) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "0x%08x", static_cast<unsigned>(float_bits(v)));
    out += "        " + std::string(hex) + ",  # " +
           (std::isnan(v) ? std::string("nan") : shortest_text(v)) + "\n";
  }
  return out + "    ],\n";
}

std::string config_flags(const ExperimentConfig& config) {
  std::string out, line = "   ";
  for (const FieldSpec& spec : config_fields()) {
    const std::string item = " --" + std::string(spec.name) + " " + format_field(spec, config);
    if (line.size() + item.size() > 96) {
      out += line + "\n";
      line = "   ";
    }
    line += item;
  }
  return out + line + "\n";
}

// The fixed part of the script after the constants: the loop and the checks.
constexpr const char* kProgram = R"PY(

def draw(y, k):
    """Step k's batch (k from 1; after the loop, the last step's), drawn as the article's loop
    draws it, with the scenario's `* scale + shift` where the config has one."""
    if not TRANSFORMS_INPUT:
        return torch.randn_like(y)
    shift, scale = (SHIFT2, SCALE2) if SWITCH is not None and k > SWITCH else (SHIFT, SCALE)
    return torch.randn_like(y) * scale + shift


def run():
    """The article's experiment (with the scenario): what PyTorch computes for this config."""
    torch.manual_seed(SEED)
    y = torch.randn(N, C, H, W)
    model = nn.BatchNorm2d(C, eps=EPS, momentum=MOMENTUM)
    # Every input, stacked as the article's torch.cat after each step stacks them (the same
    # tensor), joined 1024 steps at a time so that a long run keeps few tensor objects.
    blocks, inputs = [torch.empty(0, C, H, W)], []
    for k in range(1, STEPS + 1):
        if FREEZE is not None and k == FREEZE + 1:
            model.eval()
        x = draw(y, k)
        model(x)
        inputs.append(x)
        if len(inputs) == 1024:
            blocks.append(torch.cat(inputs, dim=0))
            inputs = []
    stacked = torch.cat(blocks + inputs, dim=0)
    got = {
        "running_mean": model.running_mean.clone(),
        "running_var": model.running_var.clone(),
        "num_batches_tracked": model.num_batches_tracked.clone(),
        "manual_mean": stacked.mean(dim=(0, 2, 3)),
        "manual_var": stacked.var(dim=(0, 2, 3)),
    }
    if PRECISE_BN is not None:
        model.reset_running_stats()
        model.momentum = None
        for _ in range(PRECISE_BN):
            model(draw(y, STEPS))
        got["precise_bn running_mean"] = model.running_mean.clone()
        got["precise_bn running_var"] = model.running_var.clone()
        got["precise_bn num_batches_tracked"] = model.num_batches_tracked.clone()
    return got


def int32_tensor(patterns):
    """float32 bit patterns as the int32 tensor that a float32 tensor's .view(torch.int32) is."""
    return torch.tensor([p - (1 << 32) if p >= 1 << 31 else p for p in patterns],
                        dtype=torch.int32)


def float32_text(pattern):
    bits = pattern & 0xFFFFFFFF
    value = struct.unpack("<f", struct.pack("<I", bits))[0]
    return f"0x{bits:08x} ({value:.9g})"


def differences(name, got, patterns):
    """[] when `got` is float32 with exactly these bit patterns, else one line per difference."""
    want = int32_tensor(patterns)
    if got.dtype != torch.float32 or tuple(got.shape) != tuple(want.shape):
        return [f"{name}: PyTorch has {got.dtype} of shape {tuple(got.shape)}, "
                f"BatchNorm Lab float32 of shape {tuple(want.shape)}"]
    have = got.contiguous().view(torch.int32)
    if torch.equal(have, want):
        return []
    return [f"{name}[{i}]: PyTorch {float32_text(h)}, BatchNorm Lab {float32_text(w)}"
            for i, (h, w) in enumerate(zip(have.tolist(), want.tolist())) if h != w]


def main():
    torch.set_num_threads(1)
    print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} thread")
    if not torch.__version__.startswith("1.13"):
        print("note: BatchNorm Lab reproduces PyTorch 1.13 on x86-64; other versions may differ")
    got = run()
    problems = []
    for name, patterns in EXPECTED.items():
        problems += differences(name, got[name], patterns)
    for name, count in EXPECTED_COUNTS.items():
        if not torch.equal(got[name], torch.tensor(count, dtype=torch.int64)):
            problems.append(f"{name}: PyTorch {got[name].item()}, BatchNorm Lab {count}")
    if problems:
        print(f"FAILED: values that differ from BatchNorm Lab's: {len(problems)}")
        for line in problems[:50]:
            print("  " + line)
        if len(problems) > 50:
            print(f"  ... and {len(problems) - 50} more")
        sys.exit(1)
    values = sum(len(patterns) for patterns in EXPECTED.values())
    print(f"{', '.join(EXPECTED)}: {values} float32 values, bit for bit")
    print(", ".join(f"{name} = {count}" for name, count in EXPECTED_COUNTS.items()))
    print("OK: bit-exact")


if __name__ == "__main__":
    main()
)PY";

}  // namespace

std::string check_verify_script(const ExperimentConfig& config) {
  if (config.channels > kMaxVerifyChannels) {
    return "channels must be at most " + std::to_string(kMaxVerifyChannels) +
           " for a verification script; got " + std::to_string(config.channels);
  }
  return "";
}

std::string verify_script(const Experiment& experiment, const PreciseBn* precise) {
  const ExperimentConfig& c = experiment.config();
  const ExperimentSummary s = experiment.summary();
  // At most 2e9 values: 8e9 bytes, well within a double's exact integers.
  const double bytes =
      static_cast<double>(s.steps_done) * static_cast<double>(c.elements_per_batch()) * 4;
  char size[48];
  if (bytes < 1e6) {
    std::snprintf(size, sizeof size, "%.0f bytes", bytes);
  } else {
    std::snprintf(size, sizeof size, "%.1f MB", bytes / 1e6);
  }
  std::string out = "#!/usr/bin/env python3\n";
  out += R"PY("""BatchNorm Lab's numbers for one config, checked in PyTorch bit for bit.

Config, as bnlab flags (link fields of the same names):
)PY";
  out += config_flags(c);
  if (precise != nullptr) {
    out += "    then precise BN over " + std::to_string(precise->batches) + " batches\n";
  }
  out += R"PY(
Run it with a Python that has PyTorch (BatchNorm Lab matches PyTorch 1.13 on x86-64, one thread):

    python3 <this file>

It runs the article's experiment on one thread: torch.manual_seed(SEED), y = torch.randn(N, C, H, W),
then STEPS batches torch.randn_like(y) (times SCALE plus SHIFT in a scenario) through
nn.BatchNorm2d(C, eps=EPS, momentum=MOMENTUM). It then compares the final running_mean,
running_var and num_batches_tracked, and the manual statistics stacked.mean(dim=(0, 2, 3)) and
stacked.var(dim=(0, 2, 3)) of every input stacked (as the article computes them), with the float32
bit patterns BatchNorm Lab computed, by torch.equal on their int32 views. It prints "OK: bit-exact"
and exits with 0 when every value matches; otherwise it prints each value that differs, PyTorch's
and BatchNorm Lab's, and exits with 1. Like the article it keeps every input: )PY";
  out += std::string(size) + " of float32.\n";
  out += R"PY(
Written by BatchNorm Lab (bnlab --verify-script, or the page's "Download verification script").
"""
import struct
import sys

import torch
import torch.nn as nn

)PY";
  const auto regime2 = c.regime(c.switch_step ? *c.switch_step + 1 : 0);
  out += "SEED = " + c.seed.to_string() + "\n";
  out += "N, C, H, W = " + std::to_string(c.batch) + ", " + std::to_string(c.channels) + ", " +
         std::to_string(c.height) + ", " + std::to_string(c.width) + "\n";
  out += "STEPS = " + std::to_string(c.steps) + "\n";
  out += "MOMENTUM = " + py_optional_float(c.momentum) + "  # None: the cumulative average\n";
  out += "EPS = " + py_float(c.eps) + "\n";
  out += "SHIFT, SCALE = " + py_float(c.shift) + ", " + py_float(c.scale) +
         "  # step k draws torch.randn_like(y) * SCALE + SHIFT\n";
  out += "SWITCH = " + py_optional_int(c.switch_step) +
         "  # after step SWITCH, SHIFT2 and SCALE2 instead (None: never)\n";
  out += "SHIFT2, SCALE2 = " + py_float(regime2.shift) + ", " + py_float(regime2.scale) + "\n";
  out += "FREEZE = " + py_optional_int(c.freeze) +
         "  # model.eval() before step FREEZE + 1 (None: never)\n";
  out += std::string("TRANSFORMS_INPUT = ") + (c.transforms_input() ? "True" : "False") +
         "  # the article's own loop has no `* SCALE + SHIFT`\n";
  out += "PRECISE_BN = " +
         (precise != nullptr ? std::to_string(precise->batches) : std::string("None")) +
         "  # then reset_running_stats(), momentum None, this many more batches\n";
  out += "\n# BatchNorm Lab's results: float32 bit patterns, each followed by its value.\n";
  out += "EXPECTED = {\n";
  out += expected_array("running_mean", s.running_mean);
  out += expected_array("running_var", s.running_var);
  out += expected_array("manual_mean", s.manual_mean);
  out += expected_array("manual_var", s.manual_var);
  if (precise != nullptr) {
    out += expected_array("precise_bn running_mean", precise->running_mean);
    out += expected_array("precise_bn running_var", precise->running_var);
  }
  out += "}\nEXPECTED_COUNTS = {\n";
  out += "    \"num_batches_tracked\": " + std::to_string(s.num_batches_tracked) + ",\n";
  if (precise != nullptr) {
    out +=
        "    \"precise_bn num_batches_tracked\": " + std::to_string(precise->num_batches_tracked) +
        ",\n";
  }
  out += "}\n";
  return out + kProgram;
}

VerifyScriptResult make_verify_script(const ExperimentConfig& config,
                                      std::optional<std::int64_t> precise_batches) {
  VerifyScriptResult result;
  const auto refuse = [&](std::string field, std::string error) {
    result.field = std::move(field);
    result.error = std::move(error);
    return result;
  };
  if (const auto errors = validate(config); !errors.empty()) {
    const ConfigError& e = errors.front();
    return refuse(e.field, e.pytorch_error.empty() ? e.message : e.pytorch_error);
  }
  if (std::string problem = check_sizes(config); !problem.empty()) return refuse("size", problem);
  if (std::string problem = check_verify_script(config); !problem.empty()) {
    return refuse("channels", problem);
  }
  if (precise_batches) {
    std::string problem = check_precise_batches(config, static_cast<double>(*precise_batches));
    if (!problem.empty()) return refuse("precise-bn", problem);
  }
  Experiment experiment(config);
  experiment.run(config.steps);
  if (!precise_batches) {
    result.text = verify_script(experiment);
    return result;
  }
  const PreciseBn precise = experiment.precise_bn(*precise_batches);
  if (!precise.error.empty()) return refuse("batch", precise.error);
  result.text = verify_script(experiment, &precise);
  return result;
}

}  // namespace bnlab

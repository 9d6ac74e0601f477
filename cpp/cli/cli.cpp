// bnlab's argument list: flags from the config field table, parsed and
// validated by the core, the run printed as the article's script or as JSON.
#include "cli.h"

#include <cstdint>
#include <cstdlib>
#include <exception>
#include <optional>
#include <utility>

#include "article_report.h"
#include "config_text.h"
#include "experiment.h"

namespace bnlab {
namespace {

std::string usage() {
  std::string text, line = "usage: bnlab";
  const auto add = [&](const std::string& item) {
    if (line.size() + 1 + item.size() > 80) {
      text += line + "\n";
      line = std::string(12, ' ');
    }
    line += " " + item;
  };
  for (const FieldSpec& spec : config_fields()) {
    add("[--" + std::string(spec.name) + " " + spec.placeholder + "]");
  }
  add("[--precise-bn K]");
  add("[--json]");
  text += line + "\n\n";
  text +=
      "Runs the article's BatchNorm2d experiment and prints what its PyTorch script prints\n"
      "(or, with --json, the final statistics). Defaults are the article's. Step k (from 1)\n"
      "draws torch.randn_like(y) * scale + shift, with scale2/shift2 once k > switch;\n"
      "model.eval() is called before step freeze + 1. --precise-bn K then resets the running\n"
      "statistics, sets momentum None and runs K more batches, as\n"
      "tests/fixtures/scenario_experiment.py does.\n\n";
  for (const FieldSpec& spec : config_fields()) {
    text += "  --" + std::string(spec.name) + ": " + spec.range + " (default " + spec.default_text +
            ")\n";
  }
  text += "  --json: at most " + std::to_string(kMaxJsonChannels) + " channels\n";
  text += "  --precise-bn: " + describe_precise_batches() + " (default: none)\n";
  return text;
}

CliResult usage_error(const std::string& message) {
  return CliResult{"", "bnlab: " + message + "\n", 2};
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<FieldInput> fields;
  bool json = false;
  std::optional<std::int64_t> precise_batches;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return CliResult{usage(), "", 0};
    if (arg == "--json") {
      json = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) return usage_error("unexpected argument " + quote_text(arg));
    std::string name = arg.substr(2), value;
    const std::size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    // --precise-bn is what to do after the run, not a field of the experiment.
    const bool precise = name == "precise-bn";
    const FieldSpec* spec = find_field(name);
    if (spec == nullptr && !precise) {
      return usage_error("unknown flag " + quote_text("--" + name) + " (see bnlab --help)");
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        return usage_error("--" + name + " needs a value: " +
                           (precise ? describe_precise_batches() : spec->range));
      }
      value = args[++i];
    }
    if (precise) {
      const auto k = parse_int64(value);
      if (!k || *k < 0 || *k > kMaxPreciseBatches) {
        return usage_error("--precise-bn: precise-bn must be " + describe_precise_batches() +
                           "; got " + quote_text(value));
      }
      precise_batches = *k;
      continue;
    }
    fields.emplace_back(name, value);
  }

  const ConfigParse parsed = parse_config(fields);
  if (!parsed.ok() && !parsed.errors.front().pytorch_error.empty()) {
    // The script would print its first line, then raise at the first training step
    // (before any limit on the run's size could matter).
    return CliResult{json ? "" : buffers_line(), parsed.errors.front().pytorch_error + "\n", 1};
  }
  if (!parsed.ok()) {
    const ConfigError& e = parsed.errors.front();
    const std::string flag =
        e.field == "size" ? "--batch/--channels/--height/--width" : "--" + e.field;
    return usage_error(flag + ": " + e.message);
  }
  // Checked again here because the WebAssembly build cannot catch the
  // constructor's exception: a size product that wraps must never get there.
  if (const std::string sizes = check_sizes(parsed.config); !sizes.empty()) {
    return usage_error("--batch/--channels/--height/--width: " + sizes);
  }
  // Refused up front: a JSON summary that size would be useless (about 65
  // bytes per channel) and too big for the WebAssembly heap.
  if (json && parsed.config.channels > kMaxJsonChannels) {
    return usage_error("--json: channels must be at most " + std::to_string(kMaxJsonChannels) +
                       " with --json; got " + std::to_string(parsed.config.channels));
  }
  if (precise_batches) {
    const std::string problem =
        check_precise_batches(parsed.config, static_cast<double>(*precise_batches));
    if (!problem.empty()) return usage_error("--precise-bn: " + problem);
  }
  try {
    Experiment experiment(parsed.config);
    experiment.run(parsed.config.steps);
    if (!precise_batches) {
      return CliResult{json ? summary_json(experiment) : article_output(experiment), "", 0};
    }
    const PreciseBn precise = experiment.precise_bn(*precise_batches);
    if (!precise.error.empty()) {
      return CliResult{json ? "" : article_output(experiment), precise.error + "\n", 1};
    }
    return CliResult{json ? summary_json(experiment, &precise)
                          : article_output(experiment) + precise_bn_output(experiment, precise),
                     "", 0};
  } catch (const std::exception& e) {
    return CliResult{"", std::string("bnlab: ") + e.what() + "\n", 1};
  }
}

}  // namespace bnlab

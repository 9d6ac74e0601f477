#include "cli.h"

#include <exception>
#include <utility>

#include "article_report.h"
#include "experiment.h"

namespace bnlab {
namespace {

const char* const kFlags[] = {"seed",  "batch", "channels", "height",
                              "width", "steps", "momentum", "eps"};

std::string usage() {
  std::string text =
      "usage: bnlab [--seed S] [--batch N] [--channels C] [--height H] [--width W]\n"
      "             [--steps K] [--momentum M|none] [--eps E] [--json]\n\n"
      "Runs the article's BatchNorm2d experiment and prints what its PyTorch script prints\n"
      "(or, with --json, the final statistics). Defaults are the article's.\n\n";
  for (const char* flag : kFlags) {
    text += "  --" + std::string(flag) + ": " + describe_range(flag) + "\n";
  }
  return text;
}

bool is_flag(const std::string& name) {
  for (const char* flag : kFlags) {
    if (name == flag) return true;
  }
  return false;
}

CliResult usage_error(const std::string& message) {
  return CliResult{"", "bnlab: " + message + "\n", 2};
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<std::pair<std::string, std::string>> fields;
  bool json = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return CliResult{usage(), "", 0};
    if (arg == "--json") {
      json = true;
      continue;
    }
    if (arg.rfind("--", 0) != 0) return usage_error("unexpected argument '" + arg + "'");
    std::string name = arg.substr(2), value;
    const std::size_t eq = name.find('=');
    const bool inline_value = eq != std::string::npos;
    if (inline_value) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (!is_flag(name)) {
      return usage_error("unknown flag '--" + name + "' (see bnlab --help)");
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        return usage_error("--" + name + " needs a value: " + describe_range(name));
      }
      value = args[++i];
    }
    fields.emplace_back(name, value);
  }

  const ConfigParse parsed = parse_config(fields);
  if (!parsed.ok()) {
    const ConfigError& e = parsed.errors.front();
    const std::string flag =
        e.field == "size" ? "--batch/--channels/--height/--width" : "--" + e.field;
    return usage_error(flag + ": " + e.message);
  }
  try {
    Experiment experiment(parsed.config);
    experiment.run(parsed.config.steps);
    return CliResult{json ? summary_json(experiment) : article_output(experiment), "", 0};
  } catch (const std::exception& e) {
    return CliResult{"", std::string("bnlab: ") + e.what() + "\n", 1};
  }
}

}  // namespace bnlab

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
#include "seed_range.h"
#include "verify_script.h"

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
  add("[--seeds FROM:COUNT]");
  add("[--json]");
  add("[--verify-script]");
  text += line + "\n\n";
  text +=
      "Runs the article's BatchNorm2d experiment and prints what its PyTorch script prints\n"
      "(or, with --json, the final statistics). Defaults are the article's. Step k (from 1)\n"
      "draws torch.randn_like(y) * scale + shift, with scale2/shift2 once k > switch;\n"
      "model.eval() is called before step freeze + 1. --precise-bn K then resets the running\n"
      "statistics, sets momentum None and runs K more batches, as\n"
      "tests/fixtures/scenario_experiment.py does. --seeds FROM:COUNT (with --json) runs\n"
      "seeds FROM, FROM + 1, ..., FROM + COUNT - 1 with the other flags and prints one JSON\n"
      "line per seed, in order. --verify-script prints a Python script that runs the config\n"
      "in PyTorch and checks this build's final statistics bit for bit (OK: bit-exact).\n\n";
  for (const FieldSpec& spec : config_fields()) {
    text += "  --" + std::string(spec.name) + ": " + spec.range + " (default " + spec.default_text +
            ")\n";
  }
  text += "  --json: at most " + std::to_string(kMaxJsonChannels) + " channels\n";
  text += "  --precise-bn: " + describe_precise_batches() + " (default: none)\n";
  text +=
      "  --seeds: FROM:COUNT, FROM an integer in [-9223372036854775808,\n"
      "           18446744073709551615] and COUNT an integer in [1, " +
      std::to_string(kMaxSeedCount) + "]; over all seeds at\n           most " +
      std::to_string(kMaxTotalValues) + " values drawn and " + std::to_string(kMaxJsonChannels) +
      " channels printed\n";
  return text;
}

CliResult usage_error(const std::string& message) {
  return CliResult{"", "bnlab: " + message + "\n", 2};
}

// One run of a config that passed every check, printed as text or JSON.
CliResult run_one(const ExperimentConfig& config, bool json,
                  const std::optional<std::int64_t>& precise_batches) {
  try {
    Experiment experiment(config);
    experiment.run(config.steps);
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

// --seeds: the same config once per seed, one JSON line each; stops at the
// first seed that fails, keeping the lines printed before it.
CliResult run_seeds(ExperimentConfig config, const SeedRange& seeds,
                    const std::optional<std::int64_t>& precise_batches) {
  CliResult all;
  for (std::int64_t i = 0; i < seeds.count; ++i) {
    config.seed = seeds.at(i);
    CliResult one = run_one(config, true, precise_batches);
    all.out += one.out;
    if (one.exit_code != 0) return CliResult{all.out, one.err, one.exit_code};
  }
  return all;
}

}  // namespace

CliResult run_cli(const std::vector<std::string>& args) {
  std::vector<FieldInput> fields;
  bool json = false, verify = false;
  std::optional<std::int64_t> precise_batches;
  std::optional<SeedRange> seeds;
  bool seed_given = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (arg == "--help" || arg == "-h") return CliResult{usage(), "", 0};
    if (arg == "--json") {
      json = true;
      continue;
    }
    if (arg == "--verify-script") {
      verify = true;
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
    // --precise-bn is what to do after the run, not a field of the experiment;
    // --seeds says which runs.
    const bool precise = name == "precise-bn", many = name == "seeds";
    const FieldSpec* spec = find_field(name);
    if (spec == nullptr && !precise && !many) {
      return usage_error("unknown flag " + quote_text("--" + name) + " (see bnlab --help)");
    }
    if (!inline_value) {
      if (i + 1 >= args.size()) {
        return usage_error("--" + name + " needs a value: " +
                           (precise ? describe_precise_batches()
                            : many  ? describe_seed_range()
                                    : spec->range));
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
    if (many) {
      SeedRangeParse range = parse_seed_range(value);
      if (!range.range) return usage_error("--seeds: " + range.error);
      seeds = range.range;
      continue;
    }
    seed_given = seed_given || name == "seed";
    fields.emplace_back(name, value);
  }

  if (verify && (json || seeds)) {
    return usage_error(std::string("--verify-script: cannot be combined with ") +
                       (json ? "--json" : "--seeds") + " (it prints a Python script)");
  }
  if (seeds && seed_given) {
    return usage_error(
        "--seeds: --seed and --seeds cannot be used together (--seeds names every seed)");
  }
  if (seeds && !json) {
    return usage_error("--seeds: needs --json (it prints one JSON line per seed)");
  }

  const ConfigParse parsed = parse_config(fields);
  if (verify && !parsed.ok() && !parsed.errors.front().pytorch_error.empty()) {
    return CliResult{"",
                     "bnlab: --verify-script: PyTorch raises for this config, so there are no "
                     "statistics to check: " +
                         parsed.errors.front().pytorch_error + "\n",
                     1};
  }
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
  if (verify) {
    const VerifyScriptResult script = make_verify_script(parsed.config, precise_batches);
    if (script.error.empty()) return CliResult{script.text, "", 0};
    // PyTorch's own error (precise BN of one value per channel) is no usage error.
    const bool pytorch = script.error.rfind("ValueError: ", 0) == 0;
    return CliResult{"", "bnlab: --verify-script: " + script.error + "\n", pytorch ? 1 : 2};
  }
  if (seeds) {
    const std::string problem =
        check_seed_work(parsed.config, seeds->count, precise_batches.value_or(0));
    if (!problem.empty()) return usage_error("--seeds: " + problem);
    return run_seeds(parsed.config, *seeds, precise_batches);
  }
  return run_one(parsed.config, json, precise_batches);
}

}  // namespace bnlab

// libFuzzer harness for bnlab's argument list: one argument per line through
// run_cli. Every refusal is exit code 2 with one printable line on stderr;
// runs whose work is large are only parsed (the harness reads the flags as
// run_cli does and skips configs of more than 200,000 values).
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "checked_size.h"
#include "cli.h"
#include "experiment_config.h"
#include "fuzz_input.h"

namespace {

// The config the flags would give, read the way run_cli reads them.
bnlab::ConfigParse config_of(const std::vector<std::string>& args) {
  std::vector<bnlab::FieldInput> fields;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i].rfind("--", 0) != 0 || args[i] == "--json") continue;
    std::string name = args[i].substr(2), value;
    const std::size_t eq = name.find('=');
    if (eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    }
    if (bnlab::find_field(name) != nullptr) fields.emplace_back(name, value);
  }
  return bnlab::parse_config(fields);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> args = bnlab::fuzz::split_lines(data, size);
  if (size == 0) args.clear();
  for (const std::string& a : args) {
    if (a == "--help" || a == "-h") return 0;  // usage text: covered by the tests
  }
  const bnlab::ConfigParse parsed = config_of(args);
  if (parsed.ok()) {
    const bnlab::ExperimentConfig& c = parsed.config;
    const auto work =
        bnlab::product_within({c.steps + 1, c.batch, c.channels, c.height, c.width}, 200000);
    if (!work) return 0;
  }
  const bnlab::CliResult r = bnlab::run_cli(args);
  // A training batch of one value per channel is PyTorch's own ValueError: the
  // CLI prints what the script printed before it and exits 1, as Python does;
  // with --verify-script it says that there is nothing to verify, with the error.
  if (r.exit_code == 1) {
    // parse_config refuses this config in validation, so only its fields are read.
    const bnlab::ExperimentConfig& c = parsed.config;
    const bool one_value = bnlab::product_within({c.batch, c.height, c.width}, 1).has_value();
    const std::string error = "ValueError: Expected more than 1 value per channel";
    const std::string verify =
        "bnlab: --verify-script: PyTorch raises for this config, so there are no statistics to "
        "check: " +
        error;
    const bool verifying = std::find(args.begin(), args.end(), "--verify-script") != args.end();
    if (!one_value || r.err.rfind(verifying ? verify : error, 0) != 0) {
      bnlab::fuzz::fail("exit 1 that is not PyTorch's batch-of-one error", r.err);
    }
    return 0;
  }
  if (r.exit_code == 0) {
    if (!r.err.empty() || r.out.empty()) bnlab::fuzz::fail("exit 0 without output", r.err);
  } else {
    if (r.exit_code != 2 || !r.out.empty()) bnlab::fuzz::fail("refusal not exit 2", r.err);
    if (r.err.rfind("bnlab: ", 0) != 0 || r.err.back() != '\n') {
      bnlab::fuzz::fail("refusal is not one 'bnlab: ' line", r.err);
    }
    bnlab::fuzz::check_message(r.err.substr(0, r.err.size() - 1));
  }
  return 0;
}

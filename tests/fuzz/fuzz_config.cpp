// libFuzzer harness for the config grammar: lines "name=value" (or a bare
// name) through parse_config and resolve_config. A config that parses must
// pass validation and the checked size products; resolve_config must always
// give a config that runs; every message is one printable line.
#include <cstddef>
#include <cstdint>

#include "experiment.h"
#include "experiment_config.h"
#include "fuzz_input.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::vector<bnlab::FieldInput> fields;
  for (const std::string& line : bnlab::fuzz::split_lines(data, size)) {
    const std::size_t eq = line.find('=');
    bnlab::FieldInput input(line.substr(0, eq), eq == std::string::npos ? "" : line.substr(eq + 1));
    if (!input.field.empty() && input.field[0] == '!') {
      input.non_text = "an object";  // how JavaScript hands over a value with no text
      input.field.erase(0, 1);
    }
    fields.push_back(input);
  }
  const bnlab::ConfigParse parsed = bnlab::parse_config(fields);
  for (const auto& e : parsed.errors) bnlab::fuzz::check_message(e.message);
  if (parsed.ok()) {
    if (!bnlab::validate(parsed.config).empty()) bnlab::fuzz::fail("parsed but invalid", "");
    const std::string sizes = bnlab::check_sizes(parsed.config);
    if (!sizes.empty()) bnlab::fuzz::fail("parsed but sizes overflow", sizes);
  }
  const bnlab::ConfigResolution resolved = bnlab::resolve_config(fields);
  for (const auto& n : resolved.notices) bnlab::fuzz::check_message(n.message);
  if (!bnlab::validate(resolved.config).empty()) bnlab::fuzz::fail("resolved but invalid", "");
  if (!bnlab::check_sizes(resolved.config).empty()) bnlab::fuzz::fail("resolved, sizes bad", "");
  return 0;
}

// tests/fixtures/scenarios.json (generate_scenario_fixtures.py): a case's config
// as the (field, text) pairs a command line or link carries, and as CLI flags.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "experiment_config.h"
#include "fixture_loader.h"

namespace bnlab::testing {

inline constexpr const char* kScenarios = "scenarios.json";

// Every config field of the case, null written as the field's word for absent.
inline std::vector<FieldInput> scenario_fields(const Json& c) {
  std::vector<FieldInput> fields;
  for (const auto& [key, value] : c["config"].items()) {
    if (value.is_null()) {
      const FieldSpec* spec = find_field(key);
      fields.emplace_back(key, spec && spec->absent_word ? spec->absent_word : "null");
    } else if (value.is_string()) {
      fields.emplace_back(key, value.get<std::string>());
    } else {
      fields.emplace_back(key, value.dump());  // shortest text that reads back the same
    }
  }
  return fields;
}

inline std::vector<std::string> scenario_flags(const Json& c) {
  std::vector<std::string> args;
  for (const FieldInput& input : scenario_fields(c)) {
    args.push_back("--" + input.field);
    args.push_back(input.text);
  }
  return args;
}

}  // namespace bnlab::testing

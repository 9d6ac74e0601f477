// The shared grammar cases (tests/fixtures/config_cases.json) through the
// native bnlab's argument list, and resolve_config's fallbacks.
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "cli.h"
#include "experiment_config.h"

namespace {

using OrderedJson = nlohmann::ordered_json;  // combinations keep their fields' order

const OrderedJson& cases() {
  static const OrderedJson json = [] {
    std::ifstream in(std::string(BNLAB_FIXTURES_DIR) + "/config_cases.json");
    return OrderedJson::parse(in, nullptr, /*allow_exceptions=*/false);
  }();
  return json;
}

std::vector<std::string> with_args(const OrderedJson& c) {
  std::vector<std::string> args;
  if (c.contains("with")) {
    for (const auto& [name, text] : c["with"].items()) {
      args.push_back("--" + name);
      args.push_back(text.get<std::string>());
    }
  }
  return args;
}

std::string error_line(const std::string& field, const std::string& message) {
  const std::string flag = field == "size" ? "--batch/--channels/--height/--width" : "--" + field;
  return "bnlab: " + flag + ": " + message + "\n";
}

TEST(ConfigCases, FileLoadsWithCasesForEveryField) {
  ASSERT_TRUE(cases().is_object()) << "tests/fixtures/config_cases.json did not load";
  for (const bnlab::FieldSpec& spec : bnlab::config_fields()) {
    int good = 0, bad = 0;
    for (const auto& c : cases()["fields"]) {
      if (c["field"] == spec.name) (c["ok"].get<bool>() ? good : bad) += 1;
    }
    EXPECT_GE(good, 3) << spec.name;
    EXPECT_GE(bad, 5) << spec.name;
  }
}

// The case's fields as the core's parser receives them.
std::vector<bnlab::FieldInput> inputs_of(const OrderedJson& c) {
  std::vector<bnlab::FieldInput> inputs = {bnlab::FieldInput(c["field"], c["text"])};
  if (c.contains("with")) {
    for (const auto& [name, text] : c["with"].items()) inputs.emplace_back(name, text);
  }
  return inputs;
}

// Configs the CLI can run and print in a blink (the 2^24-channel edge cases
// are checked through the parser the CLI calls, not printed).
bool small(const bnlab::ExperimentConfig& config) {
  return config.channels <= 4096 && config.batch * config.height * config.width <= 65536;
}

TEST(ConfigCases, NativeCliGivesEachFieldCaseItsVerdictAndMessage) {
  for (const auto& c : cases()["fields"]) {
    const std::string field = c["field"], text = c["text"];
    const std::string what = field + "=" + text;
    const bnlab::ConfigParse parsed = bnlab::parse_config(inputs_of(c));
    ASSERT_EQ(parsed.ok(), c["ok"].get<bool>()) << what;
    if (c["ok"] && !small(parsed.config)) {
      const bnlab::FieldSpec& spec = *bnlab::find_field(field);
      EXPECT_EQ(bnlab::format_field(spec, parsed.config),
                c["value"].is_string() ? c["value"].get<std::string>() : c["value"].dump());
      continue;
    }
    // Both spellings of a flag: "--field text" and "--field=text".
    for (const bool inline_value : {false, true}) {
      std::vector<std::string> args;
      if (inline_value) {
        args = {"--" + field + "=" + text};
      } else {
        args = {"--" + field, text};
      }
      const std::vector<std::string> rest = with_args(c);
      args.insert(args.end(), rest.begin(), rest.end());
      if (c["ok"]) args.push_back("--json");
      const bnlab::CliResult r = bnlab::run_cli(args);
      if (c["ok"]) {
        ASSERT_EQ(r.exit_code, 0) << what << ": " << r.err;
        const auto out = OrderedJson::parse(r.out, nullptr, false);
        ASSERT_FALSE(out.is_discarded()) << what;
        EXPECT_EQ(out["config"][field], c["value"]) << what;
      } else {
        EXPECT_EQ(r.exit_code, 2) << what;
        EXPECT_EQ(r.out, "");
        const std::string expected = c.contains("cliMessage")
                                         ? "bnlab: " + c["cliMessage"].get<std::string>() + "\n"
                                         : error_line(field, c["message"]);
        EXPECT_EQ(r.err, expected) << what;
      }
    }
  }
}

TEST(ConfigCases, CombinationsGiveTheFirstErrorAndResolveToAConfigThatRuns) {
  for (const auto& c : cases()["combinations"]) {
    std::vector<std::string> args;
    std::vector<bnlab::FieldInput> inputs;
    for (const auto& [name, text] : c["fields"].items()) {
      inputs.emplace_back(name, text.get<std::string>());
      args.push_back("--" + name + "=" + text.get<std::string>());
    }
    const std::string what = c["fields"].dump();
    const bnlab::ConfigParse parsed = bnlab::parse_config(inputs);
    EXPECT_EQ(parsed.ok(), c["ok"].get<bool>()) << what;
    if (!c["ok"]) {
      ASSERT_FALSE(parsed.errors.empty());
      EXPECT_EQ(parsed.errors[0].field, c["field"]) << what;
      EXPECT_EQ(parsed.errors[0].message, c["message"]) << what;
      // The CLI refuses an unknown flag before it parses any value.
      bool all_known = true;
      for (const auto& input : inputs) all_known &= bnlab::find_field(input.field) != nullptr;
      if (all_known && c.contains("pytorchError")) {
        // PyTorch itself raises: the CLI prints what the script would.
        EXPECT_EQ(parsed.errors[0].pytorch_error, c["pytorchError"]) << what;
        const bnlab::CliResult r = bnlab::run_cli(args);
        EXPECT_EQ(r.err, c["pytorchError"].get<std::string>() + "\n") << what;
        EXPECT_EQ(r.exit_code, 1) << what;
      } else if (all_known) {
        EXPECT_EQ(bnlab::run_cli(args).err, error_line(c["field"], c["message"])) << what;
      }
    }
    const bnlab::ConfigResolution resolved = bnlab::resolve_config(inputs);
    EXPECT_TRUE(bnlab::validate(resolved.config).empty()) << what;
    for (const auto& [name, value] : c["resolved"].items()) {
      const bnlab::FieldSpec& spec = *bnlab::find_field(name);
      EXPECT_EQ(bnlab::format_field(spec, resolved.config),
                value.is_string() ? value.get<std::string>() : value.dump())
          << what << " " << name;
    }
    std::vector<std::string> notices;
    for (const auto& n : resolved.notices) notices.push_back(n.message);
    EXPECT_EQ(notices, c["notices"].get<std::vector<std::string>>()) << what;
  }
}

TEST(ConfigCases, EachBadFieldFallsBackToItsDefaultWithItsNotice) {
  for (const auto& c : cases()["fields"]) {
    if (c["ok"]) continue;
    const bnlab::ConfigResolution r =
        bnlab::resolve_config({bnlab::FieldInput(c["field"], c["text"])});
    ASSERT_EQ(r.notices.size(), 1u) << c["field"] << "=" << c["text"];
    EXPECT_EQ(r.notices[0].message, c["notice"]);
    EXPECT_TRUE(bnlab::validate(r.config).empty());
  }
}

}  // namespace

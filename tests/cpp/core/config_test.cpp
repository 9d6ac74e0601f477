// The config field table, quoting of user text, checked size limits and the
// fallback that always runs (resolve_config), including issue 12's repros.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include "config_text.h"
#include "experiment_config.h"

namespace bnlab {
namespace {

TEST(FieldTable, NamesAreUniqueAndEveryDefaultParsesAndRoundTrips) {
  std::set<std::string> names;
  const ExperimentConfig defaults;
  EXPECT_TRUE(validate(defaults).empty());
  for (const FieldSpec& spec : config_fields()) {
    EXPECT_TRUE(names.insert(spec.name).second) << spec.name;
    EXPECT_EQ(find_field(spec.name), &spec);
    ExperimentConfig c;
    EXPECT_FALSE(parse_field(spec, FieldInput(spec.name, spec.default_text), &c)) << spec.name;
    // format_field writes text that parses back to the same value.
    ExperimentConfig again;
    const std::string text = format_field(spec, c);
    EXPECT_FALSE(parse_field(spec, FieldInput(spec.name, text), &again)) << text;
    EXPECT_EQ(format_field(spec, again), text);
  }
  EXPECT_EQ(find_field("Batch"), nullptr);
  EXPECT_EQ(defaults.batch, 20);
  EXPECT_EQ(defaults.seed.to_string(), "21");
  EXPECT_EQ(*defaults.momentum, 0.1);
  EXPECT_EQ(defaults.eps, 1e-5);
}

TEST(ConfigText, QuotesUserTextSafely) {
  EXPECT_EQ(quote_text("abc"), "'abc'");
  EXPECT_EQ(quote_text(""), "''");
  EXPECT_EQ(quote_text("\x1b]0;pwned\a"), "'\\x1b]0;pwned\\x07'");
  EXPECT_EQ(quote_text("a\\b"), "'a\\\\b'");
  EXPECT_EQ(quote_text("\x7f"), "'\\x7f'");
  EXPECT_EQ(quote_text("\xc2\x9b"
                       "2J"),
            "'\\u009b2J'");  // C1 CSI
  EXPECT_EQ(quote_text("\xe2\x80\xae"
                       "abc"),
            "'\\u202eabc'");  // right-to-left override
  EXPECT_EQ(quote_text("Gr\xc3\xb6\xc3\x9f"
                       "e"),
            "'Gr\xc3\xb6\xc3\x9f"
            "e'");                                             // kept as UTF-8
  EXPECT_EQ(quote_text("\xff\xc3"), "'\\xff\\xc3'");           // invalid bytes
  EXPECT_EQ(quote_text("\xed\xa0\x80"), "'\\xed\\xa0\\x80'");  // a UTF-8 surrogate
  EXPECT_EQ(quote_text(std::string(40, 'x')), "'" + std::string(40, 'x') + "'");
  EXPECT_EQ(quote_text(std::string(41, 'x')), "'" + std::string(40, 'x') + "...'");
  // Cut after 40 characters, never inside one.
  std::string snowmen;
  for (int i = 0; i < 45; ++i) snowmen += "\xe2\x98\x83";
  EXPECT_EQ(quote_text(snowmen), "'" + snowmen.substr(0, 120) + "...'");
}

TEST(ConfigText, NumbersAndIntegers) {
  EXPECT_EQ(parse_decimal_number("1e-00005"), 1e-5);
  EXPECT_EQ(parse_decimal_number(".5"), 0.5);
  EXPECT_EQ(parse_decimal_number("5."), 5.0);
  EXPECT_EQ(parse_decimal_number("+1E+2"), 100.0);
  for (const char* bad :
       {"", ".", "e5", "1e", "1e+", " 1", "1 ", "0x10", "nan", "inf", "1,5", "--1", "1e5.0", "١"}) {
    EXPECT_FALSE(parse_decimal_number(bad)) << bad;
  }
  EXPECT_FALSE(parse_decimal_number("0." + std::string(63, '0')));  // 65 characters
  EXPECT_EQ(parse_int64("-9223372036854775808"), INT64_MIN);
  EXPECT_EQ(parse_int64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64("-9223372036854775809"));
  EXPECT_EQ(parse_int64("+007"), 7);
  EXPECT_EQ(format_number(0.1), "0.1");
  EXPECT_EQ(format_number(1e-5), "1e-05");
}

std::vector<FieldInput> inputs(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::vector<FieldInput> out;
  for (const auto& [f, t] : pairs) out.emplace_back(f, t);
  return out;
}

TEST(ConfigParse, OverflowingShapesAreRefusedBeforeAnythingIsAllocated) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> shapes = {
      {{"batch", "2048"}, {"channels", "8192"}, {"height", "524288"}, {"width", "16777216"}},
      {{"channels", "16777216"}, {"height", "16777216"}, {"width", "16777216"}, {"steps", "0"}},
      {{"batch", "4"}, {"channels", "4194304"}, {"height", "1048576"}, {"width", "1048576"}},
      {{"batch", "16777216"},
       {"channels", "16777216"},
       {"height", "16777216"},
       {"width", "16777216"}},
  };
  for (const auto& shape : shapes) {
    const ConfigParse p = parse_config(inputs(shape));
    ASSERT_EQ(p.errors.size(), 1u);
    EXPECT_EQ(p.errors[0].field, "size");
    EXPECT_NE(p.errors[0].message.find("at most 16777216 values per batch"), std::string::npos);
  }
}

struct Fallback {
  std::vector<std::pair<std::string, std::string>> given;
  std::vector<std::pair<std::string, std::string>> used;  // field -> text after resolving
  std::vector<std::string> notice_fields;
};

TEST(ResolveConfig, ReducesWhatBreaksALimitAndSaysSo) {
  const std::vector<Fallback> cases = {
      {{{"batch", "256"}, {"channels", "64"}, {"height", "8"}, {"width", "8"}, {"steps", "2000"}},
       {{"steps", "1907"}, {"batch", "256"}},
       {"steps"}},
      {{{"batch", "2"}, {"channels", "4194305"}, {"steps", "1"}},
       {{"channels", "4194304"}, {"steps", "1"}},
       {"channels"}},
      {{{"batch", "4"},
        {"channels", "4194304"},
        {"height", "1048576"},
        {"width", "1048576"},
        {"steps", "1"}},
       {{"batch", "4"}, {"channels", "4194304"}, {"height", "1"}, {"width", "1"}},
       {"height", "width"}},
      {{{"batch", "1"}}, {{"batch", "2"}}, {"batch"}},
      {{{"batch", "1"}, {"channels", "16777216"}},
       {{"batch", "2"}, {"channels", "4194304"}, {"steps", "1"}},
       {"batch", "channels", "steps"}},
      {{{"channels", "1000"}, {"steps", "1000000"}}, {{"steps", "4194"}}, {"steps"}},
      {{{"batch", "x"}, {"colour", "red"}, {"momentum", "null"}},
       {{"batch", "20"}, {"momentum", "0.1"}},
       {"batch", "colour", "momentum"}},
      {{{"batch", "1"}, {"steps", "0"}}, {{"batch", "1"}}, {}},
  };
  for (const auto& c : cases) {
    const ConfigResolution r = resolve_config(inputs(c.given));
    EXPECT_TRUE(validate(r.config).empty());
    for (const auto& [field, text] : c.used) {
      EXPECT_EQ(format_field(*find_field(field), r.config), text) << field;
    }
    std::vector<std::string> fields;
    for (const auto& n : r.notices) {
      fields.push_back(n.field);
      EXPECT_EQ(n.message.find('\n'), std::string::npos);
    }
    EXPECT_EQ(fields, c.notice_fields) << (r.notices.empty() ? "" : r.notices[0].message);
  }
  const ConfigResolution r = resolve_config(
      inputs({{"batch", "256"}, {"channels", "64"}, {"height", "8"}, {"width", "8"}}));
  ASSERT_EQ(r.notices.size(), 1u);
  EXPECT_EQ(r.notices[0].message,
            "steps reduced from 2000 to 1907: steps * values per batch must be at most 2000000000 "
            "(the work one run may take)");
}

// Random sizes near and past every limit: the result always validates, and
// every field that changed has a notice.
TEST(ResolveConfig, AnyShapeResolvesToAConfigThatRuns) {
  std::mt19937_64 rng(12);
  const std::vector<std::int64_t> edges = {0,        1,       2,       3,        4096,
                                           4194304,  4194305, 8388608, 16777215, 16777216,
                                           16777217, 1000000, 1000001, INT64_MAX};
  const char* fields[] = {"batch", "channels", "height", "width", "steps"};
  for (int i = 0; i < 5000; ++i) {
    std::vector<FieldInput> given;
    for (const char* f : fields) {
      if (rng() % 4 == 0) continue;
      const std::int64_t v =
          rng() % 2 ? edges[rng() % edges.size()] : static_cast<std::int64_t>(rng() % 20000000);
      given.emplace_back(f, std::to_string(v));
    }
    const ConfigResolution r = resolve_config(given);
    ASSERT_TRUE(validate(r.config).empty());
    const ConfigParse p = parse_config(given);
    for (const FieldInput& in : given) {
      const FieldSpec& spec = *find_field(in.field);
      bool noticed = false;
      for (const auto& n : r.notices) noticed |= n.field == in.field;
      if (format_field(spec, r.config) != in.text) {
        EXPECT_TRUE(noticed) << in.field << " " << in.text;
      }
    }
    if (p.ok()) {
      EXPECT_TRUE(r.notices.empty());
    }
    for (const auto& n : r.notices) EXPECT_NE(n.field, "config") << n.message;
  }
}

}  // namespace
}  // namespace bnlab

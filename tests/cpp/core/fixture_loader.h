// Loading the PyTorch reference fixtures (tests/fixtures/*.json, written by
// tests/fixtures/generate_fixtures.py) and comparing floats bit for bit with
// messages that say where and how a value differs.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <iomanip>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

#include "float_bits.h"

#ifndef BNLAB_FIXTURES_DIR
#error "BNLAB_FIXTURES_DIR must be defined as the absolute path of tests/fixtures"
#endif

namespace bnlab::testing {

using Json = nlohmann::json;

// Parses a fixture once and keeps it for the whole test run. A missing or
// malformed file yields null, which the tests report as a failure.
inline const Json& load_fixture(const std::string& file) {
  static std::map<std::string, Json> cache;
  auto it = cache.find(file);
  if (it != cache.end()) return it->second;
  Json json;
  std::ifstream in(std::string(BNLAB_FIXTURES_DIR) + "/" + file);
  if (in) json = Json::parse(in, nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded()) json = nullptr;
  return cache.emplace(file, std::move(json)).first->second;
}

// The fixture's "cases" array, or an empty array when the file did not load.
inline const Json& fixture_cases(const std::string& file) {
  static const Json empty = Json::array();
  const Json& json = load_fixture(file);
  if (!json.is_object() || !json.contains("cases") || !json["cases"].is_array()) return empty;
  return json["cases"];
}

inline float float_from_bits(std::uint32_t bits) { return bnlab::bits_float(bits); }
inline std::uint32_t bits_of(float f) { return bnlab::float_bits(f); }
inline std::uint64_t bits_of(double d) { return bnlab::double_bits(d); }

// JSON numbers as float32 (null, the JSON of NaN, as NaN).
inline std::vector<float> floats_from_json(const Json& values) {
  std::vector<float> out;
  for (const Json& v : values) out.push_back(v.is_null() ? NAN : v.get<float>());
  return out;
}

inline std::vector<float> floats_from_bits(const Json& bits) {
  std::vector<float> out;
  out.reserve(bits.size());
  for (const auto& b : bits) out.push_back(float_from_bits(b.get<std::uint32_t>()));
  return out;
}

inline std::string hex_bits(std::uint32_t bits) {
  std::ostringstream os;
  os << "0x" << std::hex << std::setw(8) << std::setfill('0') << bits;
  return os.str();
}

// "0x3d80a3d7 (0.0628000274)": the bits and the value, to 9 significant digits.
inline std::string describe_float(float f) {
  std::ostringstream os;
  os << hex_bits(bits_of(f)) << " (" << std::setprecision(9) << f << ")";
  return os.str();
}

// A seed string as PyTorch's manual_seed takes it, in [-2^63, 2^64 - 1], as the
// two's-complement 64-bit pattern. Parsed here, independently of Seed::parse.
inline std::uint64_t seed_bits_from_string(const std::string& text) {
  bool negative = !text.empty() && text[0] == '-';
  std::uint64_t magnitude = 0;
  for (std::size_t i = negative ? 1 : 0; i < text.size(); ++i) {
    magnitude = magnitude * 10 + static_cast<std::uint64_t>(text[i] - '0');
  }
  return negative ? 0 - magnitude : magnitude;
}

// FNV-1a 64 over the little-endian bytes of float32 values, as 16 lowercase hex digits.
inline std::string fnv1a64_hex(const float* values, std::size_t count) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (std::size_t i = 0; i < count; ++i) {
    const std::uint32_t b = bits_of(values[i]);
    for (int k = 0; k < 4; ++k) {
      h ^= (b >> (8 * k)) & 0xffu;
      h *= 0x100000001b3ULL;
    }
  }
  std::ostringstream os;
  os << std::hex << std::setw(16) << std::setfill('0') << h;
  return os.str();
}

// Bit-exact comparison of `count` floats against the fixture's uint32 bit
// patterns. On a mismatch, reports how many differ and the first few with
// index, expected and actual bits and values.
inline ::testing::AssertionResult bits_match(const std::string& what, const Json& expected_bits,
                                             const float* actual, std::size_t count) {
  if (!expected_bits.is_array()) {
    return ::testing::AssertionFailure() << what << ": fixture has no bit array";
  }
  if (expected_bits.size() != count) {
    return ::testing::AssertionFailure() << what << ": expected " << expected_bits.size()
                                         << " values, the core produced " << count;
  }
  std::size_t mismatches = 0;
  std::ostringstream details;
  for (std::size_t i = 0; i < count; ++i) {
    const auto want = expected_bits[i].get<std::uint32_t>();
    if (want == bits_of(actual[i])) continue;
    if (++mismatches <= 8) {
      details << "\n  [" << i << "] expected " << describe_float(float_from_bits(want))
              << ", actual " << describe_float(actual[i]);
    }
  }
  if (mismatches == 0) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << what << ": " << mismatches << " of " << count << " values differ" << details.str()
         << (mismatches > 8 ? "\n  ..." : "");
}

inline ::testing::AssertionResult bits_match(const std::string& what, const Json& expected_bits,
                                             const std::vector<float>& actual) {
  return bits_match(what, expected_bits, actual.data(), actual.size());
}

// A test name from a fixture case name: GoogleTest allows only [A-Za-z0-9_].
inline std::string test_name(const std::string& name) {
  std::string out;
  for (const char ch : name) {
    const bool ok =
        (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
    out += ok ? ch : '_';
  }
  return out.empty() ? "unnamed" : out;
}

// Case indices for INSTANTIATE_TEST_SUITE_P, read when the binary starts.
inline std::vector<std::size_t> case_indices(const std::string& file) {
  std::vector<std::size_t> out(fixture_cases(file).size());
  for (std::size_t i = 0; i < out.size(); ++i) out[i] = i;
  return out;
}

// "<index>_<name>", unique even if two cases shared a name.
inline std::string case_test_name(const std::string& file, std::size_t index) {
  const Json& c = fixture_cases(file)[index];
  return std::to_string(index) + "_" + test_name(c.value("name", std::string()));
}

}  // namespace bnlab::testing

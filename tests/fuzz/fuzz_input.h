// Shared by the libFuzzer harnesses: splitting fuzz bytes into text items, and
// the checks every message must pass.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace bnlab::fuzz {

// The input as items separated by '\n' (a trailing piece counts).
inline std::vector<std::string> split_lines(const std::uint8_t* data, std::size_t size) {
  std::vector<std::string> items(1);
  for (std::size_t i = 0; i < size; ++i) {
    if (data[i] == '\n') {
      items.emplace_back();
    } else {
      items.back().push_back(static_cast<char>(data[i]));
    }
  }
  return items;
}

// Stops the fuzzer with a report: a broken invariant is a finding.
[[noreturn]] inline void fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "invariant broken: %s: %s\n", what, detail.c_str());
  std::abort();
}

// A message shown to a user: one line of printable text (control bytes and
// ESC are escaped by quote_text), and no longer than a screen's worth.
inline void check_message(const std::string& message) {
  if (message.empty()) fail("empty message", "");
  if (message.size() > 600) fail("message longer than 600 bytes", message.substr(0, 200));
  for (const char ch : message) {
    const auto byte = static_cast<unsigned char>(ch);
    if (byte < 0x20 || byte == 0x7f) fail("control byte in a message", message);
  }
}

}  // namespace bnlab::fuzz

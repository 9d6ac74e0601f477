// The token grammar every config entry point shares (docs/config-grammar.md):
// strict decimal integers and numbers, and how user text is quoted back.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace bnlab {

// Longer tokens are refused before they are read: no valid value needs more.
inline constexpr std::size_t kMaxTokenLength = 64;

// [+-]?[0-9]+ : the sign apart so that the whole of [-2^64 + 1, 2^64 - 1] fits.
struct DecimalInteger {
  bool negative = false;
  std::uint64_t magnitude = 0;
};
std::optional<DecimalInteger> parse_decimal(std::string_view text);

// A decimal integer that fits int64, or nullopt.
std::optional<std::int64_t> parse_int64(std::string_view text);

// [+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)? read as the nearest
// double (so "1e999" is infinity and "1e-999" is 0); nullopt on anything else,
// including "nan", "inf", hex and whitespace.
std::optional<double> parse_decimal_number(std::string_view text);

// `text` equals `word` up to ASCII case.
bool equals_word(std::string_view text, std::string_view word);

// The shortest "%.{p}g" text that reads back as the same double; the same
// bytes from glibc (native) and musl (WebAssembly).
std::string format_number(double value);

// 'text' for a message: at most 40 characters then "...", valid UTF-8 kept,
// control and bidi characters and invalid bytes escaped (\x1b, \u202e), so a
// message never moves a terminal's cursor and is the same bytes everywhere.
std::string quote_text(std::string_view text);

// quote_text without the quotes, for names that are shown as a field.
std::string shown_text(std::string_view text);

}  // namespace bnlab

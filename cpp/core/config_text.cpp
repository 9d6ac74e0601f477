// The config token grammar and the quoting of user text in messages.
#include "config_text.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace bnlab {
namespace {

constexpr std::size_t kShownCharacters = 40;

bool is_digit(char ch) { return ch >= '0' && ch <= '9'; }

// Skips [0-9]* from `i`; returns how many digits there were.
std::size_t digits(std::string_view text, std::size_t* i) {
  const std::size_t start = *i;
  while (*i < text.size() && is_digit(text[*i])) ++*i;
  return *i - start;
}

// The code point of the UTF-8 sequence at `i` and its length, or length 0
// when the bytes there are not valid UTF-8 (overlong, surrogate, truncated).
struct CodePoint {
  std::uint32_t value = 0;
  std::size_t length = 0;
};

CodePoint decode_utf8(std::string_view text, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char lead = byte(i);
  if (lead < 0x80) return {lead, 1};
  std::size_t length;
  std::uint32_t value, minimum;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, value = lead & 0x1F, minimum = 0x80;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, value = lead & 0x0F, minimum = 0x800;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, value = lead & 0x07, minimum = 0x10000;
  } else {
    return {};
  }
  if (i + length > text.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return {};
    value = (value << 6) | (byte(i + k) & 0x3F);
  }
  if (value < minimum || value > 0x10FFFF || (value >= 0xD800 && value <= 0xDFFF)) return {};
  return {value, length};
}

// Characters that would act on a terminal or reorder the text around them.
bool is_hidden_control(std::uint32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x2028 && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

std::string hex_escape(const char* prefix, std::uint32_t value, int width) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%s%0*x", prefix, width, static_cast<unsigned>(value));
  return buf;
}

}  // namespace

std::optional<DecimalInteger> parse_decimal(std::string_view text) {
  if (text.empty() || text.size() > kMaxTokenLength) return std::nullopt;
  DecimalInteger result;
  std::size_t i = 0;
  if (text[0] == '+' || text[0] == '-') result.negative = text[i++] == '-';
  if (i == text.size()) return std::nullopt;
  for (; i < text.size(); ++i) {
    if (!is_digit(text[i])) return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(text[i] - '0');
    if (result.magnitude > (std::numeric_limits<std::uint64_t>::max() - digit) / 10) {
      return std::nullopt;
    }
    result.magnitude = result.magnitude * 10 + digit;
  }
  return result;
}

std::optional<std::int64_t> parse_int64(std::string_view text) {
  const auto d = parse_decimal(text);
  if (!d) return std::nullopt;
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (d->magnitude > kMax + (d->negative ? 1 : 0)) return std::nullopt;
  return d->negative ? static_cast<std::int64_t>(0 - d->magnitude)
                     : static_cast<std::int64_t>(d->magnitude);
}

std::optional<double> parse_decimal_number(std::string_view text) {
  if (text.empty() || text.size() > kMaxTokenLength) return std::nullopt;
  std::size_t i = 0;
  if (text[i] == '+' || text[i] == '-') ++i;
  std::size_t mantissa = digits(text, &i);
  if (i < text.size() && text[i] == '.') {
    ++i;
    mantissa += digits(text, &i);
  }
  if (mantissa == 0) return std::nullopt;
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (digits(text, &i) == 0) return std::nullopt;
  }
  if (i != text.size()) return std::nullopt;
  // The text is now plain decimal syntax, which strtod reads the same in
  // every locale-free C library.
  const std::string copy(text);
  return std::strtod(copy.c_str(), nullptr);
}

bool equals_word(std::string_view text, std::string_view word) {
  if (text.size() != word.size()) return false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (ch >= 'A' && ch <= 'Z') ch = static_cast<char>(ch - 'A' + 'a');
    if (ch != word[i]) return false;
  }
  return true;
}

std::string format_number(double value) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buf[40];
  for (int p = 1; p <= 17; ++p) {
    std::snprintf(buf, sizeof buf, "%.*g", p, value);
    if (std::strtod(buf, nullptr) == value) break;
  }
  return buf;
}

std::string shown_text(std::string_view text) {
  std::string out;
  std::size_t shown = 0, i = 0;
  for (; i < text.size() && shown < kShownCharacters; ++shown) {
    const CodePoint cp = decode_utf8(text, i);
    if (cp.length == 0) {
      out += hex_escape("\\x", static_cast<unsigned char>(text[i]), 2);
      ++i;
      continue;
    }
    if (cp.value < 0x20 || cp.value == 0x7F) {
      out += hex_escape("\\x", cp.value, 2);
    } else if (cp.value == '\\') {
      out += "\\\\";
    } else if (is_hidden_control(cp.value)) {
      out += hex_escape("\\u", cp.value, 4);
    } else {
      out.append(text.substr(i, cp.length));
    }
    i += cp.length;
  }
  if (i < text.size()) out += "...";
  return out;
}

std::string quote_text(std::string_view text) { return "'" + shown_text(text) + "'"; }

}  // namespace bnlab

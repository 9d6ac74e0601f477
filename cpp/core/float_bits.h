// A float's or a double's bit pattern and back (C++17 has no std::bit_cast): parity is checked
// on bits, not values, since NaN != NaN and -0.0 == 0.0.
#pragma once

#include <cstdint>
#include <cstring>

namespace bnlab {

inline std::uint32_t float_bits(float f) {
  std::uint32_t u;
  std::memcpy(&u, &f, sizeof u);
  return u;
}

inline float bits_float(std::uint32_t u) {
  float f;
  std::memcpy(&f, &u, sizeof f);
  return f;
}

inline std::uint64_t double_bits(double d) {
  std::uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return u;
}

inline double bits_double(std::uint64_t u) {
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

}  // namespace bnlab

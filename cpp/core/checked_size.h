// Overflow-checked size arithmetic: every product or sum of user-given sizes
// (config limits, tensor shapes, randn counts, trace sizes) goes through here,
// so a hostile size is refused instead of wrapping around.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>

namespace bnlab {

// a * b, or nullopt when either is negative or the product does not fit int64.
inline std::optional<std::int64_t> checked_mul(std::int64_t a, std::int64_t b) {
  std::int64_t product;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product)) return std::nullopt;
  return product;
}

// a + b, or nullopt when either is negative or the sum does not fit int64.
inline std::optional<std::int64_t> checked_add(std::int64_t a, std::int64_t b) {
  std::int64_t sum;
  if (a < 0 || b < 0 || __builtin_add_overflow(a, b, &sum)) return std::nullopt;
  return sum;
}

// The product of all factors, or nullopt on a negative factor or overflow.
inline std::optional<std::int64_t> checked_product(std::initializer_list<std::int64_t> factors) {
  std::int64_t product = 1;
  for (const std::int64_t f : factors) {
    const auto next = checked_mul(product, f);
    if (!next) return std::nullopt;
    product = *next;
  }
  return product;
}

// The product when it is at most `limit`, else nullopt (overflow included).
inline std::optional<std::int64_t> product_within(std::initializer_list<std::int64_t> factors,
                                                  std::int64_t limit) {
  const auto product = checked_product(factors);
  if (!product || *product > limit) return std::nullopt;
  return product;
}

}  // namespace bnlab

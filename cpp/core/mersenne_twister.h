// std::mt19937's stream (same seeding, same draws) with its 624-word state
// regenerated in SIMD blocks and bulk draws turned into randn's uniform floats
// a vector at a time: the generator under TorchGenerator.
#pragma once

#include <cstddef>
#include <cstdint>

namespace bnlab {

class MersenneTwister {
 public:
  static constexpr std::size_t kStateWords = 624;

  explicit MersenneTwister(std::uint32_t seed = 5489u) { this->seed(seed); }

  void seed(std::uint32_t seed);  // as std::mt19937::seed

  std::uint32_t operator()() {
    if (index_ == kStateWords) regenerate();
    return temper(state_[index_++]);
  }

  // The next n draws as uniform floats in [0, 1): (draw & 0xFFFFFF) * 2^-24.
  void uniform_floats(float* out, std::size_t n);
  void discard(std::size_t n);

  static std::uint32_t temper(std::uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    return y ^ (y >> 18);
  }

 private:
  void regenerate();

  alignas(64) std::uint32_t state_[kStateWords];
  std::size_t index_ = kStateWords;
};

}  // namespace bnlab

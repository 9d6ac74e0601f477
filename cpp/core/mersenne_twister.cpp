#include "mersenne_twister.h"

#include <algorithm>
#include <cstring>

namespace bnlab {
namespace {

constexpr std::size_t kN = MersenneTwister::kStateWords;
constexpr std::size_t kM = 397;
constexpr std::uint32_t kMatrix = 0x9908b0dfu;

// Eight words as one vector (GCC/Clang vector extension): SSE2 or AVX2
// natively, 128-bit SIMD in WebAssembly, plain code elsewhere.
typedef std::uint32_t U32x8 __attribute__((vector_size(32)));
// GCC warns that a 32-byte vector passed by value has another ABI with AVX; these
// helpers have internal linkage and are always inlined, so no ABI is involved.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wpsabi"
#endif
#define BNLAB_ALWAYS_INLINE inline __attribute__((always_inline))

inline std::uint32_t twist(std::uint32_t cur, std::uint32_t next, std::uint32_t far) {
  const std::uint32_t y = (cur & 0x80000000u) | (next & 0x7fffffffu);
  return far ^ (y >> 1) ^ ((0u - (y & 1u)) & kMatrix);
}

BNLAB_ALWAYS_INLINE U32x8 load8(const std::uint32_t* p) {
  U32x8 v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

BNLAB_ALWAYS_INLINE void twist8(std::uint32_t* state, std::size_t i, std::size_t far) {
  const U32x8 y = (load8(state + i) & 0x80000000u) | (load8(state + i + 1) & 0x7fffffffu);
  const U32x8 zero = {};
  const U32x8 r = load8(state + far) ^ (y >> 1) ^ ((zero - (y & 1u)) & kMatrix);
  std::memcpy(state + i, &r, sizeof r);
}

// Not under clang: clang 14 refuses target_clones on a member declared without it.
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__EMSCRIPTEN__)
#define BNLAB_AVX2_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define BNLAB_AVX2_CLONES
#endif

}  // namespace

void MersenneTwister::seed(std::uint32_t seed) {
  state_[0] = seed;
  for (std::size_t i = 1; i < kN; ++i) {
    const std::uint32_t prev = state_[i - 1];
    state_[i] = 1812433253u * (prev ^ (prev >> 30)) + static_cast<std::uint32_t>(i);
  }
  index_ = kN;
}

// Word i becomes twist(s[i], s[i+1], s[i+397 mod 624]), in order of i. Its
// inputs are old words except s[i-227] for i >= 227 (already new) and s[0] for
// i = 623, so a block of 8 consecutive words only needs words that are final
// where its far words are all old (i + 7 + 397 < 624) or all new (i >= 227);
// s[i+8] is still old when block i runs. The vector loops give the scalar stream.
BNLAB_AVX2_CLONES void MersenneTwister::regenerate() {
  std::uint32_t* s = state_;
  std::size_t i = 0;
  for (; i + 8 + kM <= kN; i += 8) twist8(s, i, i + kM);             // 0..223: far words old
  for (; i < kN - kM; ++i) s[i] = twist(s[i], s[i + 1], s[i + kM]);  // 224..226
  for (; i + 8 < kN; i += 8) twist8(s, i, i + kM - kN);              // 227..618: far words new
  for (; i < kN - 1; ++i) s[i] = twist(s[i], s[i + 1], s[i + kM - kN]);
  s[kN - 1] = twist(s[kN - 1], s[0], s[kM - 1]);
  index_ = 0;
}

BNLAB_AVX2_CLONES void MersenneTwister::uniform_floats(float* out, std::size_t n) {
  while (n > 0) {
    if (index_ == kN) regenerate();
    const std::size_t take = std::min(n, kN - index_);
    const std::uint32_t* words = state_ + index_;
    for (std::size_t k = 0; k < take; ++k) {
      // Below 2^24, so the signed conversion is exact and vectorises.
      const auto low = static_cast<std::int32_t>(temper(words[k]) & 0xFFFFFFu);
      out[k] = static_cast<float>(low) * (1.0f / 16777216.0f);
    }
    index_ += take;
    out += take;
    n -= take;
  }
}

void MersenneTwister::discard(std::size_t n) {
  while (n > 0) {
    if (index_ == kN) regenerate();
    const std::size_t take = std::min(n, kN - index_);
    index_ += take;
    n -= take;
  }
}

}  // namespace bnlab

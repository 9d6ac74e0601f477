// A random generator that reproduces PyTorch's CPU generator bit for bit:
// torch.manual_seed, the raw 32/64-bit draws, uniform float/double and
// torch.randn for contiguous float32 tensors (both of PyTorch's normal paths).
// The rules are in docs/pytorch-parity.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>

#include "mersenne_twister.h"

namespace bnlab {

// kFastest: randn's Box-Muller blocks on the SIMD kernel this build and CPU
// have (box_muller_simd.h); kPortable: the scalar block. Same bits either way.
enum class RandnPath { kFastest, kPortable };

class TorchGenerator {
 public:
  explicit TorchGenerator(std::uint64_t seed_bits = 67280421310721ULL) { manual_seed(seed_bits); }

  // `seed_bits` is the seed as a two's-complement 64-bit pattern, so a negative
  // seed s is passed as static_cast<uint64_t>(s). Clears the cached normal.
  void manual_seed(std::uint64_t seed_bits);

  std::uint32_t random();    // one 32-bit draw
  std::uint64_t random64();  // two draws: (first << 32) | second
  float uniform_float();     // [0, 1) from the low 24 bits of one draw
  double uniform_double();   // [0, 1) from the low 53 bits of random64()

  // torch.randn(numel) into `out`, which must hold `numel` floats.
  void randn(float* out, std::size_t numel, RandnPath path = RandnPath::kFastest);

  // The kernel RandnPath::kFastest runs here: "avx2+fma", "wasm-simd128" or "portable".
  static const char* fastest_path_name();

  bool has_cached_normal() const { return cached_normal_.has_value(); }

 private:
  void randn_vectorized(float* out, std::size_t numel, RandnPath path);
  void randn_scalar(float* out, std::size_t numel);

  MersenneTwister engine_;
  std::optional<double> cached_normal_;
};

// PyTorch's AVX2 Box-Muller helpers (Cephes float polynomials), exposed for tests.
float cephes_logf(float x);
void cephes_sincosf(float t, float* sin_out, float* cos_out);

}  // namespace bnlab

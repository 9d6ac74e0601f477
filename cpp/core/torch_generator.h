// A random generator that reproduces PyTorch's CPU generator bit for bit:
// torch.manual_seed, the raw 32/64-bit draws, uniform float/double and
// torch.randn for contiguous float32 tensors (both of PyTorch's normal paths).
// The rules are in docs/pytorch-parity.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <random>

namespace bnlab {

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
  void randn(float* out, std::size_t numel);

  bool has_cached_normal() const { return cached_normal_.has_value(); }

 private:
  void randn_vectorized(float* out, std::size_t numel);
  void randn_scalar(float* out, std::size_t numel);

  std::mt19937 engine_;
  std::optional<double> cached_normal_;
};

// PyTorch's AVX2 Box-Muller helpers (Cephes float polynomials), exposed for tests.
float cephes_logf(float x);
void cephes_sincosf(float t, float* sin_out, float* cos_out);

#if defined(__wasm_simd128__)
// The SIMD code that randn runs in WebAssembly instead (torch_generator.cpp),
// exposed for tests/wasm/box_muller_simd_check.cpp: the two above on 8 lanes,
// and one Box-Muller block of 16 values in place. Each returns false when a lane
// flagged a possible fma tie, where randn falls back to the scalar code
// (simd_box_muller_16 then leaves d untouched).
bool simd_logf_x8(const float* x, float* out);
bool simd_sincosf_x8(const float* t, float* sin_out, float* cos_out);
bool simd_box_muller_16(float* d);
#endif

}  // namespace bnlab

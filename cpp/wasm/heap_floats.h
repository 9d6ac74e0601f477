// HeapFloats: float32 buffers in the wasm heap that randn and BatchNorm2d write
// into and read from in place, so JavaScript moves no data through embind.
// JavaScript sees one through view() (pre.js), a fresh HEAPF32 subarray per call:
// a view goes stale when the heap grows, so none is kept across a call that may
// allocate (the CanvasKit discipline).
#pragma once

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace bnlab_wasm {

class HeapFloats {
 public:
  // The most floats one buffer holds: 256 MiB, far below the heap's 2 GiB.
  static constexpr double kMaxLength = 67108864.0;

  static bool valid_length(double length) {
    return length >= 0 && length <= kMaxLength && length == std::floor(length);
  }

  // pre.js checks the length first with a message; an invalid one gives an
  // empty buffer here rather than an exception JavaScript cannot read.
  explicit HeapFloats(double length)
      : values_(valid_length(length) ? static_cast<std::size_t>(length) : 0) {}

  double length() const { return static_cast<double>(values_.size()); }
  // Byte offset of the first float in the wasm memory (0 when empty).
  double byte_offset() const {
    return values_.empty() ? 0
                           : static_cast<double>(reinterpret_cast<std::uintptr_t>(values_.data()));
  }
  float* data() { return values_.data(); }
  std::size_t size() const { return values_.size(); }

 private:
  std::vector<float> values_;
};

}  // namespace bnlab_wasm

// Printing like PyTorch: print(tensor) for a 1-D float32 tensor with the
// default print options, following torch/_tensor_str.py.
#pragma once

#include <string>
#include <vector>

namespace bnlab {

// "tensor([-0.0628,  0.0649,  0.0600])" exactly as PyTorch 1.13 prints it,
// including scientific mode, nan/inf, integer-valued "1.", line wrapping and
// summarization ("...") for more than 1000 elements.
std::string format_tensor(const std::vector<float>& values);

// Python's f"{x:.4f}" for a double (nan -> "nan", inf -> "inf").
std::string format_fixed4(double value);

}  // namespace bnlab

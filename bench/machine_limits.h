// What this machine allows at best, measured by bnlab_bench next to the
// workloads: memory bandwidth (reading and writing buffers larger than any
// cache) and the rate of a scalar std::mt19937, the generator PyTorch's randn
// draws one value at a time from.
#pragma once

struct MachineLimits {
  double read_bytes_per_s = 0;   // summing a 256 MiB buffer
  double write_bytes_per_s = 0;  // filling a 256 MiB buffer
  double mt19937_per_s = 0;      // std::mt19937 draws per second, one at a time
};

// CPU time, best of `repeats`, like the workloads.
MachineLimits measure_machine_limits(int repeats);

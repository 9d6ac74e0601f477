// For tests/fixtures/check_manual_rules.py: reads a stacked float32 tensor
// (header: int64 batch, channels, height, width, steps; then the values) and
// prints ManualStatistics' mean and variance bits after every `every`-th step
// and the last, fed one batch of `batch` samples at a time.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "channel_moments.h"

int main(int argc, char** argv) {
  if (argc != 3) {
    std::fprintf(stderr, "usage: bnlab_manual_probe FILE EVERY\n");
    return 2;
  }
  std::FILE* f = std::fopen(argv[1], "rb");
  const long every = std::atol(argv[2]);
  std::int64_t h[5];
  if (f == nullptr || std::fread(h, sizeof h[0], 5, f) != 5) return 1;
  const std::int64_t batch = h[0], channels = h[1], hw = h[2] * h[3], steps = h[4];
  const std::int64_t per_step = batch * channels * hw;
  std::vector<float> all(static_cast<std::size_t>(per_step * steps));
  if (std::fread(all.data(), sizeof(float), all.size(), f) != all.size()) return 1;
  std::fclose(f);
  bnlab::ManualStatistics stats(batch, channels, hw, steps);
  std::vector<float> mean(static_cast<std::size_t>(channels)), var(mean.size());
  for (std::int64_t k = 1; k <= steps; ++k) {
    stats.add_batch(all.data() + (k - 1) * per_step);
    if (k != steps && (every <= 0 || k % every != 0)) continue;
    if (k == steps && stats.variance_needs_second_pass()) {
      auto pass = stats.start_second_pass();
      for (std::int64_t j = 0; j < steps; ++j) pass.add_batch(all.data() + j * per_step, per_step);
      stats.finish_second_pass(pass);
    }
    stats.mean(mean.data());
    stats.var(var.data());
    std::printf("%lld", static_cast<long long>(k));
    for (std::size_t c = 0; c < mean.size(); ++c) {
      std::uint32_t m, v;
      std::memcpy(&m, &mean[c], sizeof m);
      std::memcpy(&v, &var[c], sizeof v);
      std::printf(" %08x:%08x", m, v);
    }
    std::printf("\n");
  }
  return 0;
}

#include "machine_limits.h"

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <random>
#include <vector>

namespace {

volatile std::uint64_t g_limit_sink;

double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

template <typename Run>
double best_seconds(int repeats, Run&& run) {
  run();  // warm-up: first touch of the pages
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const double start = cpu_seconds();
    run();
    best = std::min(best, cpu_seconds() - start);
  }
  return best;
}

}  // namespace

MachineLimits measure_machine_limits(int repeats) {
  MachineLimits m;
  constexpr std::size_t kWords = std::size_t{64} << 20;  // 256 MiB of 32-bit words
  std::vector<std::uint32_t> buffer(kWords, 1u);
  const double bytes = static_cast<double>(kWords * sizeof(std::uint32_t));
  std::uint32_t fill = 0;
  m.write_bytes_per_s = bytes / best_seconds(repeats, [&] {
                          std::fill(buffer.begin(), buffer.end(), ++fill);
                          g_limit_sink = buffer[kWords / 2];
                        });
  // Integer sums vectorise freely (no rounding order to keep), so this runs
  // at the speed memory delivers.
  m.read_bytes_per_s = bytes / best_seconds(repeats, [&] {
                         std::uint32_t sum = 0;
                         for (const std::uint32_t v : buffer) sum += v;
                         g_limit_sink = sum;
                       });
  constexpr int kDraws = 1 << 24;
  std::mt19937 engine(21);
  m.mt19937_per_s = kDraws / best_seconds(repeats, [&] {
                      std::uint32_t x = 0;
                      for (int i = 0; i < kDraws; ++i) x ^= static_cast<std::uint32_t>(engine());
                      g_limit_sink = x;
                    });
  return m;
}

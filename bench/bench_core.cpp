// bnlab_bench: throughput of the native core, for bench/bench.mjs and by hand.
// Times torch.randn-compatible draws (values/s), BatchNorm2d's training forward
// (elements/s) and the article's experiment (steps/s) for a few shapes, the
// machine's limits (machine_limits.h), then the memory a long run needs. Prints a table,
// then one JSON line (the last line) that bench/bench.mjs reads: the workload
// list in it is what the wasm and PyTorch runs repeat, so the three agree.
//
// Rates are in CPU time of this process, the best of several repeats (the least
// disturbed by other processes); wall-clock rates are in the JSON too. Compare
// them only with rates measured in the same run.
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "batch_norm.h"
#include "experiment.h"
#include "experiment_config.h"
#include "machine_limits.h"
#include "torch_generator.h"

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  double seconds = 0.8;  // measured time per workload, spread over the repeats
  int repeats = 10;
  std::int64_t memory_steps = 20000;
  std::string only;  // run just this workload id (for a profiler), no limits or memory
};

struct Workload {
  std::string id, kind;  // kind: "randn", "forward" or "experiment"
  std::int64_t n = 0;    // randn: values per draw
  std::int64_t batch = 0, channels = 0, height = 0, width = 0;
  std::string shape() const {
    return std::to_string(batch) + "x" + std::to_string(channels) + "x" + std::to_string(height) +
           "x" + std::to_string(width);
  }
  std::int64_t numel() const { return batch * channels * height * width; }
  std::string label() const {
    if (kind == "randn") return "randn n=" + std::to_string(n);
    return kind + " " + shape();
  }
  const char* unit() const {
    return kind == "randn" ? "values" : kind == "forward" ? "elements" : "steps";
  }
};

struct Result {
  Workload workload;
  double rate = 0;              // units per CPU second, best repeat
  double median_rate = 0;       // units per CPU second, median repeat
  double wall_rate = 0;         // units per wall-clock second, best repeat
  std::int64_t per_repeat = 0;  // units timed in each repeat
};

std::vector<Workload> workloads() {
  std::vector<Workload> list;
  // n=8 takes PyTorch's scalar double path (numel < 16), n=60 is the article's
  // 20x3x1x1 batch on the 16-lane path, 1<<22 a large draw (issue 11's target).
  for (const std::int64_t n : {8, 60, 1 << 22}) {
    Workload w;
    w.kind = "randn";
    w.n = n;
    w.id = "randn_" + std::to_string(n);
    list.push_back(w);
  }
  // BatchNorm2d.forward in training mode on a real batch, through the public API.
  Workload forward;
  forward.kind = "forward";
  forward.batch = 32;
  forward.channels = 64;
  forward.height = 32;
  forward.width = 32;
  forward.id = "forward_" + forward.shape();
  list.push_back(forward);
  const std::int64_t shapes[][4] = {{20, 3, 1, 1}, {64, 16, 8, 8}, {256, 64, 1, 1}};
  for (const auto& s : shapes) {
    Workload w;
    w.kind = "experiment";
    w.batch = s[0];
    w.channels = s[1];
    w.height = s[2];
    w.width = s[3];
    w.id = "experiment_" + w.shape();
    list.push_back(w);
  }
  return list;
}

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// CPU time of this process: on a machine shared with other jobs it moves far
// less than wall time, so rates and ratios come from it.
double cpu_seconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

// Doubles the units per call until one call takes a repeat's share of the
// time, then times `repeats` calls. `run(k)` performs k units.
template <typename Run>
Result measure(const Workload& w, const Options& o, Run&& run) {
  const double per_repeat = o.seconds / o.repeats;
  std::int64_t k = 1;
  run(k);  // warm-up: caches, first-touch of buffers
  for (;;) {
    const double start = cpu_seconds();
    run(k);
    const double t = cpu_seconds() - start;
    if (t >= per_repeat || k >= (std::int64_t{1} << 40)) break;
    const double grow = t > 0 ? per_repeat / t : 16.0;
    k = std::max(k * 2, static_cast<std::int64_t>(k * std::min(grow * 1.1, 16.0)));
  }
  std::vector<double> cpu, wall;
  for (int r = 0; r < o.repeats; ++r) {
    const auto wall_start = Clock::now();
    const double cpu_start = cpu_seconds();
    run(k);
    cpu.push_back(cpu_seconds() - cpu_start);
    wall.push_back(seconds_since(wall_start));
  }
  std::sort(cpu.begin(), cpu.end());
  std::sort(wall.begin(), wall.end());
  Result result;
  result.workload = w;
  result.per_repeat = k;
  result.rate = static_cast<double>(k) / cpu.front();
  result.median_rate = static_cast<double>(k) / cpu[cpu.size() / 2];
  result.wall_rate = static_cast<double>(k) / wall.front();
  return result;
}

volatile float g_sink;  // keeps the timed work observable

bnlab::ExperimentConfig experiment_config(const Workload& w) {
  bnlab::ExperimentConfig c;
  c.batch = w.batch;
  c.channels = w.channels;
  c.height = w.height;
  c.width = w.width;
  const std::int64_t elements = c.elements_per_batch();
  c.steps = std::min(
      {bnlab::kMaxSteps, bnlab::kMaxTotalValues / elements, bnlab::kMaxTraceValues / c.channels});
  return c;
}

Result run_workload(const Workload& w, const Options& o) {
  if (w.kind == "randn") {
    bnlab::TorchGenerator gen(21);
    std::vector<float> buffer(static_cast<std::size_t>(w.n));
    Result r = measure(w, o, [&](std::int64_t k) {
      for (std::int64_t i = 0; i < k; ++i) gen.randn(buffer.data(), buffer.size());
      g_sink = buffer[0];
    });
    for (double* rate : {&r.rate, &r.median_rate, &r.wall_rate}) {
      *rate *= static_cast<double>(w.n);  // calls/s -> values/s
    }
    return r;
  }
  if (w.kind == "forward") {
    bnlab::BatchNormOptions options;
    options.num_features = w.channels;
    bnlab::BatchNorm2d layer(options);
    const bnlab::Shape4 shape{w.batch, w.channels, w.height, w.width};
    std::vector<float> input(static_cast<std::size_t>(w.numel())), output(input.size());
    bnlab::TorchGenerator(21).randn(input.data(), input.size());
    Result r = measure(w, o, [&](std::int64_t k) {
      for (std::int64_t i = 0; i < k; ++i) layer.forward(input.data(), shape, output.data());
      g_sink = output[0];
    });
    for (double* rate : {&r.rate, &r.median_rate, &r.wall_rate}) {
      *rate *= static_cast<double>(w.numel());  // forwards/s -> elements/s
    }
    return r;
  }
  // As the page runs it (JsExperiment::run_chunk): k steps per call, each
  // step's running and manual statistics appended to a reused trace.
  const bnlab::ExperimentConfig config = experiment_config(w);
  auto experiment = std::make_unique<bnlab::Experiment>(config);
  bnlab::StepTrace trace;
  return measure(w, o, [&](std::int64_t k) {
    if (experiment->steps_done() + k > config.steps) {
      experiment = std::make_unique<bnlab::Experiment>(config);
    }
    trace.clear(config.channels, k);
    experiment->run(k, &trace);
    g_sink = trace.running_mean.back();
  });
}

// A field of /proc/self/status in kB (VmRSS, VmHWM), or -1 where there is none.
long status_kb(const char* field) {
  std::ifstream in("/proc/self/status");
  std::string line;
  const std::size_t len = std::strlen(field);
  while (std::getline(in, line)) {
    if (line.compare(0, len, field) == 0 && line.size() > len && line[len] == ':') {
      return std::strtol(line.c_str() + len + 1, nullptr, 10);
    }
  }
  return -1;
}

// Bytes malloc has handed out and not had back (glibc), or -1 elsewhere: the
// native twin of the wasm module's heapBytesInUse().
long long heap_bytes_in_use() {
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
  return static_cast<long long>(mallinfo2().uordblks);
#else
  return -1;
#endif
}

struct MemoryResult {
  std::int64_t steps = 0;
  double seconds = 0;
  long hwm_before_kb = -1, hwm_after_kb = -1;  // peak RSS around the long run
  // Heap before the experiment exists, once it exists, and after all its steps.
  long long heap_before = -1, heap_created = -1, heap_after = -1;
};

// The article's config for a long run, before the timed workloads touch
// memory: the streaming statistics keep O(C) state, so nothing should grow.
// The heap figures are exact; peak RSS moves in pages, and the kernel updates
// its counters lazily, so a few dozen kB either way are noise.
MemoryResult measure_memory(std::int64_t steps) {
  MemoryResult m;
  m.steps = steps;
  bnlab::ExperimentConfig config;  // the article's 20x3x1x1, seed 21, momentum 0.1
  {
    // Warm-up: the article's own 2000 steps page in the code and the allocator.
    bnlab::Experiment warm_up(config);
    warm_up.run(config.steps);
    g_sink = warm_up.layer().running_mean()[0] + static_cast<float>(status_kb("VmHWM"));
  }
  config.steps = steps;
  m.hwm_before_kb = status_kb("VmHWM");
  m.heap_before = heap_bytes_in_use();
  const double start = cpu_seconds();
  auto experiment = std::make_unique<bnlab::Experiment>(config);
  m.heap_created = heap_bytes_in_use();
  experiment->run(steps);
  m.seconds = cpu_seconds() - start;
  m.heap_after = heap_bytes_in_use();
  m.hwm_after_kb = status_kb("VmHWM");
  g_sink = experiment->layer().running_mean()[0];
  return m;
}

std::string json_number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", v);
  return buf;
}

int usage(const char* argv0, int code) {
  std::fprintf(
      code == 0 ? stdout : stderr,
      "usage: %s [--seconds S] [--repeats N] [--memory-steps N] [--only ID]\n"
      "  --seconds S       measured seconds per workload (default 0.8)\n"
      "  --repeats N       timed repeats per workload, best is reported (default 10)\n"
      "  --memory-steps N  steps of the article config for the memory run (default "
      "20000; 0 skips)\n"
      "  --only ID         time one workload (e.g. forward_32x64x32x32) under a profiler\n",
      argv0);
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--help" || arg == "-h") return usage(argv[0], 0);
    if (i + 1 >= argc) return usage(argv[0], 2);
    const char* value = argv[++i];
    char* end = nullptr;
    if (arg == "--seconds") {
      o.seconds = std::strtod(value, &end);
      if (*end != '\0' || !(o.seconds > 0)) return usage(argv[0], 2);
    } else if (arg == "--repeats") {
      o.repeats = static_cast<int>(std::strtol(value, &end, 10));
      if (*end != '\0' || o.repeats < 1) return usage(argv[0], 2);
    } else if (arg == "--only") {
      o.only = value;
    } else if (arg == "--memory-steps") {
      o.memory_steps = std::strtoll(value, &end, 10);
      if (*end != '\0' || o.memory_steps < 0 || o.memory_steps > bnlab::kMaxSteps) {
        return usage(argv[0], 2);
      }
    } else {
      return usage(argv[0], 2);
    }
  }

  if (!o.only.empty()) {
    for (const Workload& w : workloads()) {
      if (w.id != o.only) continue;
      const Result r = run_workload(w, o);
      std::printf("%s: %.4g %s/s (CPU, best of %d)\n", w.label().c_str(), r.rate, w.unit(),
                  o.repeats);
      return 0;
    }
    std::fprintf(stderr, "no workload %s\n", o.only.c_str());
    return 2;
  }

  // Memory first, while the peak RSS is still the program's startup.
  MemoryResult memory;
  if (o.memory_steps > 0) memory = measure_memory(o.memory_steps);
  const MachineLimits limits = measure_machine_limits(o.repeats);

  std::printf("bnlab_bench (native): CPU time, best of %d repeats, about %.2g s per workload\n\n",
              o.repeats, o.seconds);
  std::printf("%-28s %-7s %14s %14s %14s %12s\n", "workload", "unit", "best/s", "median/s",
              "wall best/s", "ns/unit");
  std::vector<Result> results;
  for (const Workload& w : workloads()) {
    results.push_back(run_workload(w, o));
    const Result& r = results.back();
    std::printf("%-28s %-7s %14.4g %14.4g %14.4g %12.4g\n", w.label().c_str(), w.unit(), r.rate,
                r.median_rate, r.wall_rate, 1e9 / r.rate);
    std::fflush(stdout);
  }
  std::printf(
      "\nlimits: memory read %.2f GB/s, write %.2f GB/s (256 MiB buffers); std::mt19937 %.4g "
      "draws/s (%.3g ns a draw); randn path %s\n",
      limits.read_bytes_per_s / 1e9, limits.write_bytes_per_s / 1e9, limits.mt19937_per_s,
      1e9 / limits.mt19937_per_s, bnlab::TorchGenerator::fastest_path_name());
  if (o.memory_steps > 0) {
    const MemoryResult& m = memory;
    std::printf(
        "\nmemory: article config 20x3x1x1, %lld steps in %.3f s of CPU (streaming statistics):\n"
        "  heap held by the experiment: %lld bytes when created, %lld bytes after the run\n"
        "  peak RSS %ld kB before, %ld kB after (%+ld kB)\n",
        static_cast<long long>(m.steps), m.seconds, m.heap_created - m.heap_before,
        m.heap_after - m.heap_before, m.hwm_before_kb, m.hwm_after_kb,
        m.hwm_after_kb - m.hwm_before_kb);
  }

  std::ostringstream json;
  json << "{\"bench\":\"bnlab_bench\",\"repeats\":" << o.repeats
       << ",\"seconds\":" << json_number(o.seconds) << ",\"workloads\":[";
  for (std::size_t i = 0; i < results.size(); ++i) {
    const Result& r = results[i];
    const Workload& w = r.workload;
    json << (i ? "," : "") << "{\"id\":\"" << w.id << "\",\"label\":\"" << w.label()
         << "\",\"kind\":\"" << w.kind << "\",\"unit\":\"" << w.unit() << "\"";
    if (w.kind == "randn") {
      json << ",\"n\":" << w.n;
    } else if (w.kind == "forward") {
      json << ",\"batch\":" << w.batch << ",\"channels\":" << w.channels
           << ",\"height\":" << w.height << ",\"width\":" << w.width;
    } else {
      json << ",\"batch\":" << w.batch << ",\"channels\":" << w.channels
           << ",\"height\":" << w.height << ",\"width\":" << w.width;
    }
    json << ",\"rate\":" << json_number(r.rate) << ",\"median_rate\":" << json_number(r.median_rate)
         << ",\"wall_rate\":" << json_number(r.wall_rate) << ",\"per_repeat\":" << r.per_repeat
         << "}";
  }
  json << "],\"randn_path\":\"" << bnlab::TorchGenerator::fastest_path_name()
       << "\",\"limits\":{\"read_bytes_per_s\":" << json_number(limits.read_bytes_per_s)
       << ",\"write_bytes_per_s\":" << json_number(limits.write_bytes_per_s)
       << ",\"mt19937_per_s\":" << json_number(limits.mt19937_per_s) << "}";
  if (o.memory_steps > 0) {
    const MemoryResult& m = memory;
    json << ",\"memory\":{\"steps\":" << m.steps << ",\"seconds\":" << json_number(m.seconds)
         << ",\"hwm_before_kb\":" << m.hwm_before_kb << ",\"hwm_after_kb\":" << m.hwm_after_kb
         << ",\"heap_created_bytes\":" << m.heap_created - m.heap_before
         << ",\"heap_after_bytes\":" << m.heap_after - m.heap_before << "}";
  }
  json << "}";
  std::printf("\n%s\n", json.str().c_str());
  return 0;
}

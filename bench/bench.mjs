// npm run bench: the same workloads natively (bnlab_bench), through the
// WebAssembly module in Node and, when /usr/bin/python3 has torch, in PyTorch
// on one thread; then the memory of a long run of the article's config, the
// Monte Carlo pool, and the page's metrics in headless Chromium (page-metrics.mjs).
// Prints ratios against the native rates measured in this same run: absolute
// rates depend on the machine and on whatever else it is doing.
//
//   node bench/bench.mjs [--seconds S] [--repeats N] [--memory-steps N] [--no-torch]
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { poolBench, poolText } from "./pool.mjs";
import { pageMetrics, pageText } from "./page-metrics.mjs";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const python = process.env.BNLAB_BENCH_PYTHON || "/usr/bin/python3";

const USAGE =
  "usage: node bench/bench.mjs [--seconds S] [--repeats N] [--memory-steps N] [--no-torch]";

function options(args) {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        seconds: { type: "string", default: "0.8" },
        repeats: { type: "string", default: "10" },
        "memory-steps": { type: "string", default: "20000" },
        "no-torch": { type: "boolean", default: false },
      },
    }));
  } catch (err) {
    throw new Error(`${err.message}; ${USAGE}`);
  }
  const number = (name) => {
    const v = Number(values[name]);
    if (values[name].trim() === "" || !Number.isFinite(v) || v < 0) {
      throw new Error(`--${name} needs a number >= 0, got '${values[name]}'; ${USAGE}`);
    }
    return v;
  };
  return {
    seconds: number("seconds"),
    repeats: Math.max(1, Math.floor(number("repeats"))),
    memorySteps: Math.floor(number("memory-steps")),
    torch: !values["no-torch"],
  };
}

function run(cmd, args, input) {
  const r = spawnSync(cmd, args, { cwd: root, input, encoding: "utf8", maxBuffer: 1 << 26 });
  if (r.error) throw r.error;
  if (r.status !== 0)
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}):\n${r.stderr}`);
  return r.stdout;
}

const lastJsonLine = (text) => JSON.parse(text.trim().split("\n").pop());

// ---- native -------------------------------------------------------------

// Its own build directory, without the GoogleTest suite: nothing to install
// beyond a compiler and CMake, and no clash with a build of build/native.
function buildNative() {
  const dir = path.join(root, "build", "bench");
  if (!existsSync(path.join(dir, "CMakeCache.txt"))) run("cmake", ["--preset", "bench"]);
  run("cmake", ["--build", "--preset", "bench", "--parallel"]);
  return path.join(dir, "bnlab_bench");
}

// ---- wasm ---------------------------------------------------------------

function newestSource() {
  let newest = 0;
  for (const name of readdirSync(path.join(root, "cpp"), { recursive: true })) {
    newest = Math.max(newest, statSync(path.join(root, "cpp", name)).mtimeMs);
  }
  return newest;
}

// Builds the module when it is missing or older than cpp/; keeps a stale one
// (with a warning) when Emscripten is not there to rebuild it.
function loadWasm() {
  const file = path.join(root, "build", "wasm", "batchnorm_lab.js");
  const exists = existsSync(file);
  if (!exists || statSync(file).mtimeMs < newestSource()) {
    console.log(`bench: ${exists ? "rebuilding stale" : "building"} build/wasm/batchnorm_lab.js`);
    try {
      execFileSync("bash", ["scripts/build-wasm.sh"], {
        cwd: root,
        stdio: ["ignore", "ignore", "inherit"],
      });
    } catch (err) {
      if (!exists) throw new Error("no WebAssembly module, and building it failed", { cause: err });
      console.log("bench: rebuilding failed; timing the existing, older module");
    }
  }
  return require(file)();
}

// CPU seconds of this process (user + system), as bnlab_bench's std::clock().
const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

// bnlab_bench's measure(): grow k until one run(k) takes a repeat's share of
// the time, then the best CPU time of `repeats` calls (wall time kept too).
function measure(seconds, repeats, runK) {
  const perRepeat = seconds / repeats;
  runK(1);
  let k = 1;
  for (;;) {
    const start = cpuSeconds();
    runK(k);
    const t = cpuSeconds() - start;
    if (t >= perRepeat || k >= 2 ** 40) break;
    const grow = t > 0 ? perRepeat / t : 16;
    k = Math.max(k * 2, Math.floor(k * Math.min(grow * 1.1, 16)));
  }
  const cpu = [];
  const wall = [];
  for (let r = 0; r < repeats; r++) {
    const wallStart = performance.now();
    const cpuStart = cpuSeconds();
    runK(k);
    cpu.push(cpuSeconds() - cpuStart);
    wall.push((performance.now() - wallStart) / 1000);
  }
  cpu.sort((a, b) => a - b);
  wall.sort((a, b) => a - b);
  return {
    rate: k / cpu[0],
    median_rate: k / cpu[Math.floor(cpu.length / 2)],
    wall_rate: k / wall[0],
    per_repeat: k,
  };
}

function configFor(lab, w, steps) {
  const { batch, channels, height, width } = w;
  return { ...lab.defaultConfig(), batch, channels, height, width, steps };
}

function maxSteps(lab, w) {
  const l = lab.limits();
  const elements = w.batch * w.channels * w.height * w.width;
  return Math.min(
    l.maxSteps,
    Math.floor(l.maxTotalValues / elements),
    Math.floor(l.maxTraceValues / w.channels),
  );
}

function wasmWorkload(lab, w, o) {
  const perUnit = (r, units) => ({
    ...r,
    rate: r.rate * units,
    median_rate: r.median_rate * units,
    wall_rate: r.wall_rate * units,
  });
  if (w.kind === "randn") {
    const gen = new lab.Generator();
    gen.manualSeed("21");
    // Zero-copy: randn writes into a buffer in the wasm heap, so this times the
    // kernel, not a new Float32Array per call.
    const out = lab.createHeapFloats(w.n);
    const r = measure(o.seconds, o.repeats, (k) => {
      for (let i = 0; i < k; i++) gen.randnInto(out);
    });
    out.delete();
    gen.delete();
    return perUnit(r, w.n);
  }
  if (w.kind === "forward") {
    const shape = [w.batch, w.channels, w.height, w.width];
    const numel = shape.reduce((a, b) => a * b, 1);
    const made = lab.createBatchNorm2d({ numFeatures: w.channels });
    const layer = made.layer ?? made;
    const gen = new lab.Generator();
    gen.manualSeed("21");
    const input = lab.createHeapFloats(numel);
    const output = lab.createHeapFloats(numel);
    gen.randnInto(input);
    const r = measure(o.seconds, o.repeats, (k) => {
      for (let i = 0; i < k; i++) layer.forwardInto(input, shape, output);
    });
    for (const x of [input, output, gen, layer]) x.delete();
    return perUnit(r, numel);
  }
  // The page's way: runChunk(k) runs k steps and returns their trace.
  const steps = maxSteps(lab, w);
  let experiment = lab.createExperiment(configFor(lab, w, steps)).experiment;
  const r = measure(o.seconds, o.repeats, (k) => {
    if (experiment.stepsDone() + k > steps) {
      experiment.delete();
      experiment = lab.createExperiment(configFor(lab, w, steps)).experiment;
    }
    experiment.runChunk(k);
  });
  experiment.delete();
  return r;
}

// The article's config for a long run, in chunks of 1000 steps as a page would
// run it: heap held after 2000 steps and after all of them.
function wasmMemory(lab, steps) {
  const memoryBytes = () => (lab.HEAP8 ? lab.HEAP8.buffer.byteLength : NaN);
  const memoryBefore = memoryBytes();
  const before = lab.heapBytesInUse();
  const start = cpuSeconds();
  const created = lab.createExperiment({ ...lab.defaultConfig(), steps });
  if (!created.ok) throw new Error(created.errors.map((e) => e.message).join("; "));
  const experiment = created.experiment;
  let heapAt2000 = NaN;
  while (!experiment.finished()) {
    experiment.runChunk(1000);
    if (experiment.stepsDone() === 2000) heapAt2000 = lab.heapBytesInUse() - before;
  }
  const seconds = cpuSeconds() - start;
  const result = {
    steps,
    seconds,
    heap_at_2000_bytes: heapAt2000,
    heap_after_bytes: lab.heapBytesInUse() - before,
    memory_before_bytes: memoryBefore,
    memory_after_bytes: memoryBytes(),
  };
  experiment.delete();
  return result;
}

// ---- PyTorch ------------------------------------------------------------

function torchAvailable() {
  const r = spawnSync(python, ["-c", "import torch; print(torch.__version__)"], {
    encoding: "utf8",
  });
  return r.status === 0 ? r.stdout.trim() : null;
}

function torchTiming(workloads, o) {
  const script = path.join("bench", "bench_torch.py");
  const args = [script, "timing", String(o.seconds), String(o.repeats)];
  return lastJsonLine(run(python, args, JSON.stringify(workloads))).results;
}

function torchMemory(steps) {
  const script = path.join("bench", "bench_torch.py");
  return lastJsonLine(run(python, [script, "memory", String(steps)])).results;
}

// ---- report -------------------------------------------------------------

// Time per unit (value or step) from a rate, in ns, us or ms.
function fmtTime(rate, unit) {
  if (!Number.isFinite(rate) || rate <= 0) return "-";
  const t = 1 / rate;
  const [scale, name] = t < 1e-6 ? [1e9, "ns"] : t < 1e-3 ? [1e6, "us"] : [1e3, "ms"];
  const v = t * scale;
  return `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)} ${name}/${unit.replace(/s$/, "")}`;
}
// How many times the native time the other runtime takes (> 1: slower than native).
const ratio = (nativeRate, otherRate) =>
  Number.isFinite(otherRate) && otherRate > 0 ? nativeRate / otherRate : NaN;
const fmtRatio = (v) =>
  Number.isFinite(v) ? `${v < 10 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : v.toFixed(0)}x` : "-";
const kb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1024).toFixed(1)} kB` : "n/a");
const mb = (bytes) => (Number.isFinite(bytes) ? `${(bytes / 1048576).toFixed(1)} MB` : "n/a");

// Columns padded to their widest cell; `left` lists the left-aligned ones.
function table(rows, left = [0]) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) =>
          left.includes(c) ? String(cell).padEnd(widths[c]) : String(cell).padStart(widths[c]),
        )
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

// Time per unit, the ratios against native and, with PyTorch, against it.
function timesTable(workloads, wasm, torch) {
  const header = ["workload", "native", "wasm", "wasm/native"];
  if (torch) header.push("PyTorch", "torch/native", "PyTorch+cat", "cat steps", "cat/native");
  const rows = [header];
  for (const w of workloads) {
    const row = [
      w.label,
      fmtTime(w.rate, w.unit),
      fmtTime(wasm[w.id].rate, w.unit),
      fmtRatio(ratio(w.rate, wasm[w.id].rate)),
    ];
    if (torch) {
      const t = torch[w.id];
      row.push(fmtTime(t.rate, w.unit), fmtRatio(ratio(w.rate, t.rate)));
      if (t.cat_rate) {
        row.push(fmtTime(t.cat_rate, w.unit), String(t.cat_steps));
        row.push(fmtRatio(ratio(w.rate, t.cat_rate)));
      } else {
        row.push("-", "-", "-");
      }
    }
    rows.push(row);
  }
  return rows;
}

// Speed-ups against PyTorch in this run (PyTorch's time over ours), next to the goals.
function targetsTable(workloads, wasm, torch) {
  const rows = [["target", "runtime", "speed-up", "goal", "met"]];
  const byId = Object.fromEntries(workloads.map((w) => [w.id, w]));
  const add = (name, runtime, ours, theirs, goal) => {
    const speedup = Number.isFinite(ours) && Number.isFinite(theirs) ? ours / theirs : NaN;
    rows.push([name, runtime, fmtRatio(speedup), `>= ${goal}x`, speedup >= goal ? "yes" : "no"]);
  };
  const pairs = [
    ["randn_4194304", "randn n=4194304", 2.0, 0.5],
    ["forward_32x64x32x32", "BatchNorm2d forward 32x64x32x32", 2.0, 1.0],
    ["experiment_64x16x8x8", "experiment step 64x16x8x8", 1.5, 0.75],
    ["experiment_256x64x1x1", "experiment step 256x64x1x1", 1.5, 0.75],
  ];
  for (const [id, name, nativeGoal, wasmGoal] of pairs) {
    if (!byId[id] || !torch[id]) continue;
    add(name, "native", byId[id].rate, torch[id].rate, nativeGoal);
    add(name, "wasm", wasm[id].rate, torch[id].rate, wasmGoal);
  }
  const article = "experiment_20x3x1x1";
  if (torch[article]?.cat_rate) {
    add(
      `article run (${torch[article].cat_steps} steps) vs its script`,
      "wasm",
      wasm[article].rate,
      torch[article].cat_rate,
      50,
    );
  }
  return rows;
}

// The machine's limits and how far the memory-bound workloads are from them.
function limitsText(native) {
  const l = native.limits;
  if (!l) return "";
  const gb = (x) => `${(x / 1e9).toFixed(1)} GB/s`;
  const lines = [
    `limits: memory read ${gb(l.read_bytes_per_s)}, write ${gb(l.write_bytes_per_s)} ` +
      `(256 MiB buffers); std::mt19937 ${(1e9 / l.mt19937_per_s).toFixed(2)} ns a draw; ` +
      `native randn path: ${native.randn_path}`,
  ];
  for (const w of native.workloads) {
    // The least memory traffic each needs: randn writes 4 bytes a value; the
    // forward reads 4 and writes 4 bytes an element. Others stay in cache.
    let floor = NaN;
    if (w.kind === "randn" && w.n >= 1 << 20) floor = 4 / l.write_bytes_per_s;
    if (w.kind === "forward") floor = 4 / l.read_bytes_per_s + 4 / l.write_bytes_per_s;
    if (Number.isFinite(floor)) {
      lines.push(
        `  ${w.label}: ${fmtTime(w.rate, w.unit)} native, memory floor ` +
          `${fmtTime(1 / floor, w.unit)} (${fmtRatio(1 / w.rate / floor)} the floor)`,
      );
    }
  }
  const randn = native.workloads.find((w) => w.id === "randn_4194304");
  if (randn) {
    lines.push(
      `  one std::mt19937 draw per value: ${fmtTime(l.mt19937_per_s, "values")} ` +
        `(native randn: ${fmtTime(randn.rate, "values")}, from a SIMD Mersenne Twister)`,
    );
  }
  return lines.join("\n");
}

async function main() {
  const o = options(process.argv.slice(2));
  const started = performance.now();
  const cpus = os.cpus();
  console.log(
    `bench: ${new Date().toISOString().slice(0, 10)}, ${cpus.length} cores (${cpus[0]?.model ?? "unknown CPU"}), ` +
      `node ${process.version}; best of ${o.repeats} repeats, ~${o.seconds} s per workload`,
  );

  const binary = buildNative();
  const native = lastJsonLine(
    run(binary, [
      "--seconds",
      String(o.seconds),
      "--repeats",
      String(o.repeats),
      "--memory-steps",
      String(o.memorySteps),
    ]),
  );
  const workloads = native.workloads;

  const lab = await loadWasm();
  const wasmMem = o.memorySteps > 0 ? wasmMemory(lab, o.memorySteps) : null;
  const wasm = {};
  for (const w of workloads) wasm[w.id] = wasmWorkload(lab, w, o);

  let torch = null;
  let torchMem = null;
  let torchVersion = null;
  if (o.torch) {
    torchVersion = torchAvailable();
    if (torchVersion) {
      torch = torchTiming(workloads, o);
      if (o.memorySteps > 0) torchMem = torchMemory(o.memorySteps);
    }
  }

  console.log("\nCPU time per value (randn), element (forward) or step (experiment), best of the");
  console.log(
    "repeats; x/native = that time over native's in this run (> 1: slower than native)\n",
  );
  console.log(table(timesTable(workloads, wasm, torch)));
  if (!o.torch) {
    console.log("\nPyTorch skipped (--no-torch): native vs wasm only.");
  } else if (!torch) {
    console.log(`\nPyTorch not found (${python} cannot import torch): native vs wasm only.`);
  } else {
    console.log(
      `\nPyTorch ${torchVersion}, torch.set_num_threads(1). PyTorch: torch.randn(n), ` +
        "BatchNorm2d(C)(x) in training mode, or per step randn_like + BatchNorm2d forward (no " +
        "manual statistics). PyTorch+cat: the article's loop with torch.cat stacking and the " +
        "final mean/var, over `cat steps` steps (its cost per step grows with the steps).",
    );
    console.log(
      "\nissue 11's targets: speed against PyTorch (PyTorch's time / ours; >= goal is met)\n",
    );
    console.log(table(targetsTable(workloads, wasm, torch), [0, 1]));
  }
  console.log(`\n${limitsText(native)}`);

  if (o.memorySteps > 0) {
    const m = native.memory;
    const steps = o.memorySteps;
    console.log(`\nmemory and time of one ${steps}-step run of the article's 20x3x1x1 config\n`);
    const memRows = [["run", "CPU time", "x native", "memory"]];
    const timeRow = (name, seconds, memory) =>
      memRows.push([name, `${seconds.toFixed(3)} s`, fmtRatio(seconds / m.seconds), memory]);
    const hwm = m.hwm_after_kb - m.hwm_before_kb;
    timeRow(
      "native, streaming statistics",
      m.seconds,
      `heap held ${kb(m.heap_after_bytes)} (${kb(m.heap_created_bytes)} when created); ` +
        `peak RSS ${hwm >= 0 ? "+" : ""}${hwm} kB`,
    );
    timeRow(
      "wasm, streaming statistics",
      wasmMem.seconds,
      `heap held ${kb(wasmMem.heap_after_bytes)} (${kb(wasmMem.heap_at_2000_bytes)} after 2000 ` +
        `steps; incl. the 1000-step trace); wasm memory ${mb(wasmMem.memory_before_bytes)} -> ` +
        `${mb(wasmMem.memory_after_bytes)}`,
    );
    if (torchMem) {
      timeRow(
        "PyTorch, article loop (torch.cat)",
        torchMem.cat_seconds,
        `peak RSS +${mb((torchMem.cat_peak_kb - torchMem.base_kb) * 1024)} over ` +
          `${mb(torchMem.base_kb * 1024)} after import; stacked tensor ${mb(torchMem.stacked_bytes)}`,
      );
      timeRow(
        "PyTorch, no stacking",
        torchMem.plain_seconds,
        `peak RSS +${mb((torchMem.plain_peak_kb - torchMem.base_kb) * 1024)}`,
      );
    }
    console.log(table(memRows, [0, 3]));
  }

  // Monte Carlo: K article runs on a pool of worker threads vs one (bench/pool.mjs).
  const pool = await poolBench();
  console.log(`\n${poolText(pool)}`);

  // The page in headless Chromium (bench/page-metrics.mjs): needs dist/ built and Chromium.
  let page = null;
  try {
    page = await pageMetrics();
    console.log(`\n${pageText(page)}`);
  } catch (err) {
    console.log(`\npage metrics skipped: ${err.message}`);
  }

  const seconds = (performance.now() - started) / 1000;
  console.log(`\nbench: done in ${seconds.toFixed(1)} s`);
  console.log(
    JSON.stringify({
      date: new Date().toISOString(),
      cores: cpus.length,
      native,
      wasm,
      wasm_memory: wasmMem,
      pool,
      page,
      torch: torch ? { version: torchVersion, results: torch, memory: torchMem } : null,
    }),
  );
}

main().catch((err) => {
  console.error(`bench: ${err.message}`);
  process.exitCode = 1;
});

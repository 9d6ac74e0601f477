// A hostile user's campaign against the CLI and the module (issue 12's
// targets): random CLI argument lists run by the native bnlab and by the
// module's runCli (same bytes, no signals), random shapes near and past every
// limit through the module, random abuses of the JavaScript API, and a
// 1,000,000-step run with its memory sampled. Prints the counts as JSON and
// exits 1 on any failure. Usage: node scripts/hostile-campaign.mjs
//   [--seed N] [--cli 10000] [--shapes 5000] [--abuses 1000] [--long-steps 1000000]
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const { values: opts } = parseArgs({
  options: {
    seed: { type: "string", default: "12" },
    cli: { type: "string", default: "10000" },
    shapes: { type: "string", default: "5000" },
    abuses: { type: "string", default: "1000" },
    "long-steps": { type: "string", default: "1000000" },
  },
});
const require = createRequire(import.meta.url);
const modulePath =
  process.env.BNLAB_WASM_JS || path.join(root, "build", "wasm", "batchnorm_lab.js");
const lab = await require(path.resolve(modulePath))();
const nativeCli = path.join(root, "build", "native", "bnlab");
const nativeBatch = path.join(root, "build", "native", "bnlab_cli_batch");

// xorshift32: the same lists for the same seed.
let state = Number(opts.seed) >>> 0 || 1;
function random() {
  state ^= state << 13;
  state >>>= 0;
  state ^= state >>> 17;
  state ^= state << 5;
  state >>>= 0;
  return state / 4294967296;
}
const pick = (list) => list[Math.floor(random() * list.length)];
const failures = [];
function fail(kind, detail) {
  if (failures.length < 20) failures.push({ kind, detail });
  else failures.length++;
}

// Values near and past every limit, plus junk of every kind.
const limits = lab.limits();
const sizeEdges = [
  0,
  1,
  2,
  3,
  7,
  20,
  64,
  255,
  4095,
  4096,
  4097,
  65536,
  1048575,
  1048576,
  1048577,
  limits.maxElementsPerBatch - 1,
  limits.maxElementsPerBatch,
  limits.maxElementsPerBatch + 1,
  2 ** 31 - 1,
  2 ** 31,
  2 ** 32 + 3,
  274177,
  67280421310721,
  2 ** 53,
  "9223372036854775807",
  "9223372036854775808",
  "18446744073709551616",
  -1,
  "-0",
  "+5",
  "1e3",
  "0x10",
  " 5",
  "",
];
const stepEdges = [0, 1, 2, 5, 100, 2000, 999999, 1000000, 1000001, -1, "1e6", "abc"];
const junk = [
  "\u001b]0;pwned\u0007",
  "caf\u00e9",
  "\u202eevil",
  "\u0001\u007f",
  "x".repeat(300),
  "<img src=x>",
  "none",
  "NaN",
  "inf",
  "1e-400",
  "1e999",
  "--",
  "-",
  "=",
  "--=",
  "--json",
];
const flags = ["seed", "batch", "channels", "height", "width", "steps", "momentum", "eps"];

function randomValue(flag) {
  const r = random();
  if (r < 0.15) return pick(junk);
  if (flag === "steps") return String(pick(stepEdges));
  if (flag === "momentum") return pick(["0", "1", "0.1", "none", "NULL", "1.0000001", "-0", "2"]);
  if (flag === "eps") return pick(["1e-5", "0", "-1e-5", "1e308", "1e-320", "5e-324"]);
  if (flag === "seed") return pick(["21", "-9223372036854775808", "18446744073709551615", "1.5"]);
  return String(pick(sizeEdges));
}

function randomArgs() {
  const args = [];
  const count = Math.floor(random() * 6);
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.08) {
      args.push(pick(junk));
    } else if (r < 0.12) {
      args.push(`--${pick(junk)}`);
    } else {
      const flag = pick(flags);
      if (random() < 0.5) args.push(`--${flag}=${randomValue(flag)}`);
      else args.push(`--${flag}`, randomValue(flag));
    }
  }
  if (random() < 0.2) args.push("--json");
  return args;
}

// Work of an accepted config: lists that would run long get --steps=0 (a later
// repeat wins), and ones whose single draw is large are counted as too heavy.
function bounded(args) {
  const fields = {};
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z]+)(?:=(.*))?$/s.exec(args[i]);
    if (!m || !flags.includes(m[1])) continue;
    fields[m[1]] = m[2] !== undefined ? m[2] : args[++i];
  }
  const parsed = lab.parseConfig(fields);
  if (!parsed.ok) return args;
  const c = parsed.config;
  const perBatch = c.batch * c.channels * c.height * c.width;
  if (perBatch > 2 ** 21) return null;
  return perBatch * (c.steps + 1) > 4e6 ? [...args, "--steps=0"] : args;
}

const counts = {};
const started = Date.now();

// 1. CLI argument lists: native and module agree byte for byte, no signals.
// The native side runs them in batches in one process (bnlab_cli_batch, the
// same run_cli as bnlab); a batch that dies is rerun list by list with the
// bnlab binary to name the list and its signal.
function runNativeBatch(lists) {
  const parts = [];
  for (const args of lists) {
    parts.push(Buffer.from(`${args.length}\n`));
    for (const arg of args) {
      const bytes = Buffer.from(arg, "utf8");
      parts.push(Buffer.from(`${bytes.length}\n`), bytes);
    }
  }
  const run = spawnSync(nativeBatch, [], { input: Buffer.concat(parts), maxBuffer: 1 << 30 });
  if (run.signal || run.status !== 0) return null;
  const results = [];
  let at = 0;
  const out = run.stdout;
  while (at < out.length) {
    const nl = out.indexOf(10, at);
    const [code, outLength, errLength] = out.subarray(at, nl).toString().split(" ").map(Number);
    at = nl + 1;
    const stdout = out.subarray(at, at + outLength);
    at += outLength;
    const stderr = out.subarray(at, at + errLength);
    at += errLength;
    results.push({ status: code, stdout, stderr, signal: null });
  }
  return results;
}

{
  const c = { lists: 0, agree: 0, disagree: 0, signals: 0, refused: 0, ran: 0, tooHeavy: 0 };
  const lists = [];
  for (let i = 0; i < Number(opts.cli); i++) {
    const args = bounded(randomArgs());
    if (args === null) c.tooHeavy++;
    else lists.push(args);
  }
  for (let first = 0; first < lists.length; first += 500) {
    const batch = lists.slice(first, first + 500);
    let natives = runNativeBatch(batch);
    if (natives === null) {
      natives = batch.map((args) =>
        spawnSync(nativeCli, args, { encoding: "buffer", maxBuffer: 1 << 30 }),
      );
    }
    batch.forEach((args, k) => {
      const native = natives[k];
      c.lists++;
      if (native.signal) {
        c.signals++;
        fail("native signal", { args, signal: native.signal });
        return;
      }
      let wasm;
      try {
        wasm = lab.runCli(args);
      } catch (error) {
        fail("runCli threw", { args, message: String(error && error.message) });
        return;
      }
      const same =
        native.status === wasm.exitCode &&
        native.stdout.equals(Buffer.from(wasm.out, "utf8")) &&
        native.stderr.equals(Buffer.from(wasm.err, "utf8"));
      if (same) c.agree++;
      else {
        c.disagree++;
        fail("native and module differ", {
          args,
          native: native.stderr.toString(),
          wasm: wasm.err,
        });
      }
      if (native.status === 0) c.ran++;
      else c.refused++;
      // eslint-disable-next-line no-control-regex
      if (/[\u0000-\u0008\u000b-\u001f\u007f]/.test(wasm.err)) {
        fail("control byte in stderr", { args });
      }
    });
  }
  counts.cli = c;
}

// 2. Shapes near and past every limit, through the module's experiment and layer.
{
  const c = { shapes: 0, accepted: 0, refused: 0, ran: 0, unnamedRefusals: 0, layerRefused: 0 };
  for (let i = 0; i < Number(opts.shapes); i++) {
    c.shapes++;
    // Each field an edge value (30%) or a small valid one, so that both sides
    // of every limit and their combinations come up.
    const size = () => (random() < 0.3 ? pick(sizeEdges) : 1 + Math.floor(random() * 8));
    const config = {
      batch: size(),
      channels: size(),
      height: size(),
      width: size(),
      steps: random() < 0.3 ? pick(stepEdges) : Math.floor(random() * 4),
    };
    const created = lab.createExperiment(config);
    if (created.ok) {
      c.accepted++;
      const e = created.experiment;
      const perBatch = [config.batch, config.channels, config.height, config.width]
        .map(Number)
        .reduce((a, b) => a * b, 1);
      if (perBatch * Math.min(3, e.totalSteps()) <= 4e6) {
        e.runChunk(3);
        c.ran++;
      }
      e.delete();
    } else {
      c.refused++;
      for (const err of created.errors) {
        if (!err.field || !/must|at most|at least|Expected/.test(err.message)) {
          c.unnamedRefusals++;
          fail("refusal without a field and range", err);
        }
      }
    }
    // The same sizes as a forward shape on a one-value input (eval mode).
    const made = lab.createBatchNorm2d({ numFeatures: 1 });
    const layer = made.layer;
    layer.train(false);
    const dim = () => (random() < 0.5 ? 1 : Number(pick(sizeEdges)));
    const shape = [dim(), 1, dim(), dim()];
    try {
      layer.forward(new Float32Array(1), shape);
    } catch (error) {
      if (!(error instanceof Error)) fail("forward threw a non-Error", { shape });
      c.layerRefused++;
    }
    layer.delete();
  }
  counts.shapes = c;
}

// 3. Abuses of the JavaScript API with values of every type.
{
  const values = [
    () => pick([0, -1, 1.5, NaN, Infinity, 2 ** 64, -0, 1e9, 6e8, 2 ** 32 + 3]),
    () => pick(junk),
    () => pick([null, undefined, true, 10n, Symbol("s"), () => 1]),
    () =>
      pick([
        {},
        [],
        [1, 2, 3, 4],
        new Float32Array(2),
        new Float64Array(4),
        new DataView(new ArrayBuffer(4)),
      ]),
    () => ({ length: pick([-1, 1e12, NaN, 4]) }),
    () =>
      new Proxy(
        {},
        {
          get() {
            throw new Error("proxy");
          },
          ownKeys() {
            throw 5;
          },
        },
      ),
    () => ({
      toString() {
        throw 7;
      },
      valueOf() {
        throw 8;
      },
    }),
    () => [pick([274177, 2 ** 40, 2]), 1, pick([67280421310721, 1]), pick([1, 2 ** 33])],
  ];
  const value = () => pick(values)();
  const generator = new lab.Generator();
  const layer = lab.createBatchNorm2d({ numFeatures: 2 }).layer;
  const calls = [
    (v) => lab.createExperiment(v),
    (v) => lab.createExperiment({ batch: v, channels: value(), steps: 1 }),
    (v) => lab.parseConfig(v),
    (v) => lab.resolveConfig(v),
    (v) => lab.validateConfig({ seed: v, momentum: value() }),
    (v) => lab.createBatchNorm2d(v),
    (v) => lab.createBatchNorm2d({ numFeatures: v, eps: value(), affine: value() }),
    (v) => lab.runCli(v),
    (v) => lab.runCli(["--steps", "0", v]),
    (v) => generator.randn(v),
    (v) => generator.manualSeed(v),
    (v) => layer.forward(v, value()),
    (v) => layer.forward(new Float32Array(4), v),
    (v) => layer.setWeight(v),
    (v) => layer.setBias(v),
    (v) => layer.train(v),
  ];
  const c = { abuses: 0, errors: 0, results: 0, nonErrorThrows: 0 };
  for (let i = 0; i < Number(opts.abuses); i++) {
    c.abuses++;
    let result;
    try {
      result = pick(calls)(value());
      c.results++;
    } catch (error) {
      if (error instanceof Error && error.message) c.errors++;
      else {
        c.nonErrorThrows++;
        fail("non-Error throw", String(error));
      }
      continue;
    }
    if (result && result.experiment) {
      result.experiment.runChunk(2);
      result.experiment.delete();
    }
    if (result && result.layer) result.layer.delete();
  }
  generator.delete();
  layer.delete();
  // Still the article's numbers, bit for bit, after all of that.
  const { experiment } = lab.createExperiment({});
  experiment.runChunk(Infinity);
  c.articleStillExact = /Mean: tensor\(\[-0\.0628, {2}0\.0649, {2}0\.0600\]\)/.test(
    experiment.articleOutput(),
  );
  if (!c.articleStillExact) fail("article output changed after the abuses", "");
  experiment.delete();
  counts.abuses = c;
}

// 4. The article's config for a million steps: heap and RSS sampled.
{
  const steps = Number(opts["long-steps"]);
  const { experiment } = lab.createExperiment({ steps });
  const samples = [];
  const sample = () =>
    samples.push({
      step: experiment.stepsDone(),
      heapInUse: lab.heapBytesInUse(),
      rss: process.memoryUsage().rss,
    });
  const chunk = Math.max(1, Math.floor(steps / 10));
  sample();
  const t0 = Date.now();
  while (!experiment.finished()) {
    experiment.runChunk(chunk);
    sample();
  }
  const text = experiment.articleOutput();
  experiment.delete();
  const afterFirst = samples.slice(1).map((s) => s.heapInUse);
  counts.long = {
    steps,
    seconds: (Date.now() - t0) / 1000,
    heapInUseFirstChunk: afterFirst[0],
    heapInUseMax: Math.max(...afterFirst),
    rssMiBStart: Math.round(samples[0].rss / 2 ** 20),
    rssMiBEnd: Math.round(samples[samples.length - 1].rss / 2 ** 20),
    shape: /torch\.Size\(\[(\d+), 3, 1, 1\]\)/.exec(text)?.[1],
  };
  if (counts.long.heapInUseMax > counts.long.heapInUseFirstChunk + 1024) {
    fail("heap grew during the long run", counts.long);
  }
  const native = (n) =>
    spawnSync("/usr/bin/time", ["-f", "%M", nativeCli, "--steps", String(n)], { encoding: "utf8" });
  const short = native(1000);
  const long = native(steps);
  counts.long.nativeMaxRssKiB = {
    steps1000: Number(short.stderr.trim()),
    [`steps${steps}`]: Number(long.stderr.trim()),
  };
}

counts.seconds = (Date.now() - started) / 1000;
counts.failures = failures;
console.log(JSON.stringify(counts, null, 2));
process.exitCode = failures.length ? 1 : 0;

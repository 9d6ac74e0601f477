// Monte Carlo over seeds (issue 11's "K article runs on a pool of workers vs
// one worker"): K runs of the article's config as the seeds lens does them,
// jobs of `bnlab --seeds FROM:COUNT --json` through the WebAssembly module
// (runCli), handed out by the lens's own queue (web/src/mc-math.js) to N Node
// worker_threads, against the same K runs on one worker. The workers are
// started and the module compiled before the clock starts; the lines must
// be the single-process `--seeds FROM:K` output byte for byte.
//
//   node bench/pool.mjs [--runs K] [--workers N] [--repeats R]
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { Worker, isMainThread, parentPort, workerData } from "node:worker_threads";
import { createRequire } from "node:module";
import { SeedJobs, jobSize, seedAt } from "../web/src/mc-math.js";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const modulePath = path.join(root, "build", "wasm", "batchnorm_lab.js");
const FROM = "21";

// One worker thread: the module, then {from, count} -> {lines}.
async function workerMain() {
  const lab = await createRequire(import.meta.url)(workerData.modulePath)();
  parentPort.postMessage({ ready: true });
  parentPort.on("message", ({ from, count }) => {
    const r = lab.runCli(["--seeds", `${from}:${count}`, "--json"]);
    parentPort.postMessage({ lines: r.out.split("\n").filter((l) => l !== "") });
  });
}

function startWorkers(n) {
  return Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(fileURLToPath(import.meta.url), { workerData: { modulePath } });
          w.once("message", () => resolve(w));
          w.once("error", reject);
        }),
    ),
  );
}

// K runs on the workers, jobs as the lens sizes them; seconds and the lines.
function runPool(workers, runs) {
  const valuesPerSeed = 2000 * 20 * 3; // the article's config
  const jobs = new SeedJobs(runs, jobSize(runs, workers.length, valuesPerSeed));
  const t0 = performance.now();
  // CPU time of the whole process (every thread): the work's cost, apart from
  // how much of the machine the other processes left.
  const c0 = process.cpuUsage();
  const cpu = () => {
    const c = process.cpuUsage(c0);
    return (c.user + c.system) / 1e6;
  };
  return new Promise((resolve) => {
    let idle = 0;
    for (const w of workers) {
      const next = () => {
        const job = jobs.take();
        if (!job) {
          w.removeAllListeners("message");
          if (++idle === workers.length)
            resolve({ seconds: (performance.now() - t0) / 1000, cpu: cpu(), lines: jobs.lines });
          return;
        }
        w.once("message", ({ lines }) => {
          jobs.complete(job, lines);
          next();
        });
        w.postMessage({ from: seedAt(FROM, job.index), count: job.count });
      };
      next();
    }
  });
}

export async function poolBench({
  runs = 200,
  workers = os.availableParallelism(),
  repeats = 3,
} = {}) {
  const load = os.loadavg();
  const lab = await createRequire(import.meta.url)(modulePath)();
  const want = lab
    .runCli(["--seeds", `${FROM}:${runs}`, "--json"])
    .out.trim()
    .split("\n");
  const one = await startWorkers(1);
  const many = await startWorkers(workers);
  let best1 = Infinity;
  let bestN = Infinity;
  let cpu1 = Infinity;
  let cpuN = Infinity;
  for (let r = 0; r < repeats; r++) {
    const a = await runPool(one, runs);
    const b = await runPool(many, runs);
    for (const got of [a.lines, b.lines]) {
      if (got.join("\n") !== want.join("\n"))
        throw new Error("pool lines differ from bnlab --seeds");
    }
    best1 = Math.min(best1, a.seconds);
    bestN = Math.min(bestN, b.seconds);
    cpu1 = Math.min(cpu1, a.cpu);
    cpuN = Math.min(cpuN, b.cpu);
  }
  await Promise.all([...one, ...many].map((w) => w.terminate()));
  const speedup = best1 / bestN;
  return {
    runs,
    workers,
    cores: os.availableParallelism(),
    repeats,
    one_worker_seconds: best1,
    pool_seconds: bestN,
    one_worker_cpu_seconds: cpu1,
    pool_cpu_seconds: cpuN,
    speedup,
    target: 0.8 * workers,
    loadavg_before: load,
    loadavg_after: os.loadavg(),
  };
}

export function poolText(r) {
  const f = (v) => v.toFixed(2);
  return (
    `Monte Carlo: ${r.runs} article runs (bnlab --seeds ${FROM}:${r.runs} through the module, ` +
    `jobs of the seeds lens's queue), best of ${r.repeats}:\n` +
    `  1 worker ${f(r.one_worker_seconds)} s, ${r.workers} workers ${f(r.pool_seconds)} s: ` +
    `speed-up ${f(r.speedup)} (target 0.8 x ${r.workers} = ${f(r.target)}: ` +
    `${r.speedup >= r.target ? "met" : "not met"}); lines identical to one --seeds run\n` +
    `  CPU time (all threads) 1 worker ${f(r.one_worker_cpu_seconds)} s, ${r.workers} workers ` +
    `${f(r.pool_cpu_seconds)} s: the pool's work costs ${f(r.pool_cpu_seconds / r.one_worker_cpu_seconds)} x\n` +
    `  load average before ${r.loadavg_before.map(f).join(" ")}, ` +
    `after ${r.loadavg_after.map(f).join(" ")} (${r.cores} cores)`
  );
}

if (!isMainThread) {
  workerMain();
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      runs: { type: "string", default: "200" },
      workers: { type: "string", default: String(os.availableParallelism()) },
      repeats: { type: "string", default: "3" },
    },
  });
  const n = (name) => {
    const v = Number(values[name]);
    if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} needs an integer >= 1`);
    return v;
  };
  poolBench({ runs: n("runs"), workers: n("workers"), repeats: n("repeats") }).then(
    (r) => {
      console.log(poolText(r));
      console.log(JSON.stringify(r));
    },
    (error) => {
      console.error(`bench/pool: ${error.message}`);
      process.exitCode = 1;
    },
  );
}

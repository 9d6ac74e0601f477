// The experiment runs here, off the page's main thread. Protocol: the page
// sends {id, type, ...}; every request gets exactly one reply {id, ok, ...}
// (ok: false with `message` on failure). While running, the worker also posts
// events without id: {type: "chunk", runId, ...} with the trace buffers
// transferred, and {type: "finished", runId, ...}. A WebAssembly trap is
// reported as {type: "crash", message}; the page then replaces this worker.
import createBatchNormLab from "virtual:batchnorm-lab-factory";
import { resolveCompare, compareRequest } from "./compare-worker.js";
import { chunkMessage } from "./worker-chunk.js";
import { seedsRequest } from "./worker-seeds.js";
import { finalStatsRequest, verifyScriptRequest } from "./worker-final.js";
import { stepsPerSecond } from "./playback.js";

let modulePromise = null;
let M = null;
let experiment = null; // embind object: deleted on reset and on the next start
let finished = false; // the "finished" event was sent for this run
let runId = 0;
let running = false;
let timer = null;
let speed = Infinity; // steps per second
let lastTick = 0;
let credit = 0;

function loadModule() {
  if (!modulePromise) {
    modulePromise = createBatchNormLab().then((m) => {
      M = m;
      return m;
    });
  }
  return modulePromise;
}

function dropExperiment() {
  stopTimer();
  running = false;
  finished = false;
  if (experiment) {
    experiment.delete();
    experiment = null;
  }
}

function stopTimer() {
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

// Tells the page whether a long silence is possible (a run in progress, or a
// request that may take a while on a big config): its heartbeat waits longer.
let busy = false;
function setBusy(value) {
  if (value === busy) return;
  busy = value;
  self.postMessage({ type: "busy", busy });
}

// Runs up to `count` steps and posts them as one chunk.
function runSteps(count) {
  const chunk = experiment.runChunk(count);
  const done = experiment.finished();
  const { message, buffers } = chunkMessage(chunk, {
    runId,
    stepsDone: experiment.stepsDone(),
    totalSteps: experiment.totalSteps(),
    articleOutput: experiment.articleOutput(),
  });
  self.postMessage(message, buffers);
  if (done && !finished) {
    finished = true;
    finish();
  }
  return chunk.steps;
}

// The run is done. The experiment is kept until the next start or reset, for
// its summary: the CLI's JSON, asked for only when a download needs it (it
// takes long for millions of channels).
function finish() {
  running = false;
  stopTimer();
  setBusy(false);
  self.postMessage({ type: "finished", runId, articleOutput: experiment.articleOutput() });
}

// Steps per tick: at "as fast as possible", as many as fit in ~40 ms (tuned
// from the last tick); otherwise `speed` steps per second of wall time.
let stepsPerSlice = 16;
const CHUNK_VALUES = 65536;
function tick() {
  timer = null;
  if (!running || !experiment || finished) return;
  try {
    const now = performance.now();
    let count;
    if (speed === Infinity) {
      count = stepsPerSlice;
    } else {
      credit += ((now - lastTick) / 1000) * speed;
      count = Math.floor(credit);
      credit -= count;
    }
    lastTick = now;
    if (count > 0) {
      const t0 = performance.now();
      runSteps(count);
      const ms = performance.now() - t0;
      if (speed === Infinity) {
        const perStep = Math.max(ms, 0.05) / count;
        // At most CHUNK_VALUES values a chunk, so the page's trace (trace.js) keeps or drops
        // a long run's steps in pieces much smaller than what it keeps.
        const cap = Math.floor(CHUNK_VALUES / experiment.channels());
        stepsPerSlice = Math.max(1, Math.min(200000, cap, Math.round(40 / perStep)));
      }
    }
    if (running && experiment) timer = setTimeout(tick, speed === Infinity ? 0 : 16);
    else setBusy(false);
  } catch (error) {
    crash(error);
  }
}

function startTimer() {
  stopTimer();
  lastTick = performance.now();
  credit = speed === Infinity ? 0 : 1; // the first step shows at once
  timer = setTimeout(tick, 0);
}

// The config from the fields' text, through the C++ grammar: parsed strictly
// (the form), or resolved (a link: what cannot run falls back, with notices).
function configFrom(fields, resolve) {
  if (resolve) {
    const { config, notices } = M.resolveConfig(fields);
    // A field that falls back because PyTorch itself would raise (a batch of
    // one value per channel in training) keeps PyTorch's exact words.
    const strict = M.parseConfig(fields);
    for (const e of strict.ok ? [] : strict.errors) {
      const notice = e.pytorchError && notices.find((n) => n.field === e.field);
      if (notice) notice.pytorchError = e.pytorchError;
    }
    return { ok: true, config, notices };
  }
  const parsed = M.parseConfig(fields);
  return parsed.ok ? { ok: true, config: parsed.config, notices: [] } : parsed;
}

// The eval-mode probe from the seed text `seed` (null: none): its train-mode
// reference {seed, trainMean, trainStd} or {seed, trainError}, and the eval-mode
// values before the first step; null when off or not a seed (the page checks
// the seed's grammar first).
function startProbe(seed) {
  if (seed === null || !experiment.setProbe(String(seed))) return null;
  const p = experiment.probe();
  const out = { seed: String(seed), evalMean: p.evalMean, evalStd: p.evalStd };
  if (p.trainError !== undefined) out.trainError = p.trainError;
  else Object.assign(out, { trainMean: p.trainMean, trainStd: p.trainStd });
  return out;
}

const handlers = {
  async init() {
    await loadModule();
    return { fields: M.configFields() };
  },
  ping() {
    return {};
  },
  // Builds the config from `fields` (text by name) and creates a fresh
  // experiment; runs it unless `run` is false.
  // compare: run B's fields (text by name), checked against the config here
  // (the reply's `compare`, see compare-worker.js); B itself runs on `compare`.
  // pace: {speed (the link's: "auto", "max" or steps per second), reducedMotion}: the pace
  // for the steps resolved here replaces `speed` (the reply's `speed`, null: as fast as possible).
  start({ fields, resolve = false, run = true, speed: s, probe = null, compare = null, pace }) {
    if (s !== undefined) speed = s === null ? Infinity : s;
    const built = configFrom(fields, resolve);
    if (!built.ok) return { ok: false, errors: built.errors };
    dropExperiment();
    const created = M.createExperiment(built.config);
    if (!created.ok) return { ok: false, errors: created.errors };
    experiment = created.experiment;
    runId++;
    if (pace) {
      const { speed: choice, reducedMotion = false } = pace;
      speed = stepsPerSecond(choice, experiment.totalSteps(), { reducedMotion });
    }
    const probeReference = startProbe(probe);
    const reply = {
      ok: true,
      config: built.config,
      notices: built.notices,
      runId,
      channels: experiment.channels(),
      totalSteps: experiment.totalSteps(),
      articleOutput: experiment.articleOutput(),
      probe: probeReference,
      compare: resolveCompare(M, built.config, compare),
      ...(pace ? { speed: speed === Infinity ? null : speed } : {}),
    };
    if (experiment.finished()) {
      // steps = 0: nothing to run, the text is final (after this reply).
      const id = runId;
      setTimeout(() => {
        if (experiment && runId === id && !finished) {
          finished = true;
          finish();
        }
      }, 0);
    } else if (run) {
      running = true;
      startTimer();
    }
    return reply;
  },
  pause() {
    running = false;
    stopTimer();
    return {};
  },
  resume() {
    if (!experiment || finished) return { resumed: false };
    running = true;
    startTimer();
    return { resumed: true };
  },
  // One step (or `count`), pausing a run in progress.
  step({ count = 1 }) {
    running = false;
    stopTimer();
    if (!experiment || finished) return { steps: 0 };
    return { steps: runSteps(Math.max(1, count)) };
  },
  setSpeed({ speed: s }) {
    speed = s === null ? Infinity : s;
    if (running) startTimer();
    return {};
  },
  reset() {
    dropExperiment();
    runId++;
    return { runId };
  },
  // The grammar's verdict on fields, nothing run: {ok, config} or {ok: false, errors}.
  check({ fields }) {
    return M.parseConfig(fields);
  },
  // Precise BN after the steps run so far (the run itself is left as it is):
  // {batches, runningMean, runningVar, numBatchesTracked, text} or {ok: false, message}.
  preciseBn({ batches }) {
    if (!experiment) return { ok: false, message: "no run yet: press Run first" };
    const r = experiment.preciseBnOrError(typeof batches === "number" ? batches : Number.NaN);
    if (r.error !== undefined) return { ok: false, message: r.error };
    const { runningMean, runningVar, numBatchesTracked, text } = r;
    return { batches: r.batches, runningMean, runningVar, numBatchesTracked, text };
  },
  // Another config run to its end apart from the run shown (worker-final.js):
  // its final running statistics, and the script that checks it in PyTorch.
  finalStats: (msg) => finalStatsRequest(M, msg),
  verifyScript: (msg) => verifyScriptRequest(M, msg),
  // The Monte Carlo lens's pool (worker-seeds.js).
  seeds: (msg) => seedsRequest(M, msg),
  // Run B of a comparison (compare-worker.js).
  compare: (msg) => compareRequest(M, msg),
  // The CLI's --json summary of the run so far (null without a run).
  summary() {
    return { summaryJson: experiment ? experiment.summaryJson() : null };
  },
  // For the browser tests only (the page never sends it, a link cannot): a
  // real WebAssembly trap inside the module, a load far outside its memory.
  trapForTests() {
    M._free(0xfffffff0);
    return {};
  },
};

function crash(error) {
  running = false;
  stopTimer();
  setBusy(false);
  experiment = null; // its memory is gone with this worker
  self.postMessage({
    type: "crash",
    message: String(error && error.message ? error.message : error),
  });
}

self.onmessage = async (event) => {
  const msg = event.data || {};
  const handler = Object.hasOwn(handlers, msg.type) ? handlers[msg.type] : null;
  if (!handler) {
    self.postMessage({ id: msg.id, ok: false, message: `unknown request ${msg.type}` });
    return;
  }
  try {
    if (msg.type !== "ping") setBusy(true);
    if (!M) await loadModule();
    const reply = await handler(msg);
    self.postMessage({ id: msg.id, ok: reply.ok !== false, ...reply });
    setBusy(running);
  } catch (error) {
    // A WebAssembly trap (RuntimeError) leaves the module unusable.
    const message = String(error && error.message ? error.message : error);
    self.postMessage({ id: msg.id, ok: false, message });
    if (error instanceof WebAssembly.RuntimeError) crash(error);
  }
};

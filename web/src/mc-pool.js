// The Monte Carlo lens's pool of Web Workers: each one the page's own worker
// (worker.js, the module loaded once per worker), asked for whole jobs of
// seeds (`seeds` requests, bnlab --seeds's lines); a free worker takes the next
// job of the queue (mc-math.js's SeedJobs). Cancel terminates every worker at
// once. The main thread only passes messages.
import ExperimentWorker from "#worker-constructor";
import { SeedJobs, jobSize, poolSize, seedAt } from "./mc-math.js";

// Runs seeds from..from+count-1 with `flags`. onProgress(jobs, job, lines) after
// each job. Returns {done: Promise<{cancelled, jobs}>, cancel(), workers}; done
// rejects with the first failure (every worker is stopped then).
export function runSeedPool({ flags, from, count, valuesPerSeed, onProgress }) {
  const cores = typeof navigator !== "undefined" ? navigator.hardwareConcurrency : 2;
  const size0 = jobSize(count, poolSize(cores, count), valuesPerSeed);
  const jobs = new SeedJobs(count, size0);
  const workers = poolSize(cores, Math.ceil(count / jobs.size));
  const live = new Set();
  let settle = null;
  const done = new Promise((resolve, reject) => {
    settle = { resolve, reject };
  });
  let over = false;

  const stopAll = () => {
    for (const w of live) w.terminate();
    live.clear();
  };
  const finish = (error) => {
    if (over) return;
    over = true;
    stopAll();
    if (error) settle.reject(error);
    else settle.resolve({ cancelled: jobs.cancelled, jobs });
  };

  for (let i = 0; i < workers; i++) {
    let worker;
    try {
      worker = new ExperimentWorker({ name: `batchnorm-lab-seeds-${i}` });
    } catch (error) {
      finish(new Error(`a worker could not be created (${error.message || error})`));
      break;
    }
    live.add(worker);
    let nextId = 1;
    let current = null; // {id, job}
    const send = () => {
      const job = jobs.take();
      if (!job) {
        live.delete(worker);
        worker.terminate();
        if (live.size === 0) finish(null);
        return;
      }
      current = { id: nextId++, job };
      worker.postMessage({
        id: current.id,
        type: "seeds",
        flags,
        from: seedAt(from, job.index),
        count: job.count,
      });
    };
    worker.onmessage = (event) => {
      const msg = event.data || {};
      if (over || msg.id === undefined) return; // busy events
      if (msg.ok === false) {
        finish(new Error(msg.message || "a worker failed"));
        return;
      }
      if (current && msg.id === current.id) {
        const { job } = current;
        current = null;
        if (!jobs.complete(job, msg.lines)) {
          finish(new Error(`seeds ${job.index}..: ${msg.lines.length} lines for ${job.count}`));
          return;
        }
        onProgress(jobs, job, msg.lines);
      }
      send(); // the init reply, or the next job after one
    };
    worker.onerror = (event) => {
      event.preventDefault();
      finish(new Error(event.message || "a worker stopped"));
    };
    worker.postMessage({ id: 0, type: "init" });
  }
  return {
    done,
    workers,
    jobSize: jobs.size,
    cancel() {
      jobs.cancel();
      finish(null);
    },
  };
}

// The page's side of the worker protocol: requests with ids and promises for
// their replies, events (chunk, finished) passed on, a heartbeat that notices
// a worker that stopped answering, and a bounded number of restarts with
// back-off when the worker dies (a WebAssembly trap, an uncaught error, a
// worker that cannot start or went silent).
import ExperimentWorker from "#worker-constructor";

const HEARTBEAT_MS = 1000;
// An idle worker answers a ping at once; this long without any message
// means it is gone (closed, killed or hung). A busy one (a run, or a request
// on a big config: millions of channels take seconds per call) may be silent
// longer.
const SILENCE_MS = 15000;
const BUSY_SILENCE_MS = 120000;
// Failures in a row (no finished run in between) before giving up, and the
// wait before each new worker.
export const MAX_RESTARTS = 3;
const BACKOFF_MS = [200, 1000, 3000];

export class Engine {
  // onEvent(msg): events from the worker. onRestart(reason): a worker failed
  // and another one is on its way. onGiveUp(message): no more restarts.
  constructor({ onEvent, onRestart, onGiveUp }) {
    this.onEvent = onEvent;
    this.onRestart = onRestart;
    this.onGiveUp = onGiveUp;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.failures = 0;
    this.stopped = null; // the final message once restarts are given up
    this.heartbeat = null;
    this.lastHeard = 0;
    this.#newReady();
    this.#spawn();
  }

  // `ready` resolves with the init reply of the next worker that starts; one
  // still waiting (the first worker failed) waits on for its successor.
  #newReady() {
    if (this.ready && !this.readySettled) return;
    this.readySettled = false;
    this.ready = new Promise((resolve, reject) => {
      this.readyResolve = (reply) => {
        this.readySettled = true;
        resolve(reply);
      };
      this.readyReject = reject;
    });
    this.ready.catch(() => {}); // rejected only when giving up, reported by onGiveUp
  }

  #spawn() {
    let worker;
    try {
      worker = new ExperimentWorker({ name: "batchnorm-lab" });
    } catch (error) {
      this.#fail(`the worker could not be created (${error.message || error})`);
      return;
    }
    this.worker = worker;
    this.busy = true; // starting: loading and compiling the module
    this.lastHeard = performance.now();
    worker.onmessage = (event) => {
      if (worker !== this.worker) return;
      this.lastHeard = performance.now();
      const msg = event.data;
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const { resolve, reject } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.ok === false && msg.message !== undefined) reject(new Error(msg.message));
        else resolve(msg);
        return;
      }
      if (msg.type === "busy") {
        this.busy = msg.busy;
        return;
      }
      if (msg.type === "crash") return this.#fail(msg.message);
      if (msg.type === "finished") this.failures = 0;
      if (msg.type) this.onEvent(msg);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (worker === this.worker) this.#fail(event.message || "the worker stopped");
    };
    worker.onmessageerror = () => {
      if (worker === this.worker) this.#fail("a message from the worker could not be read");
    };
    this.heartbeat = setInterval(() => this.#beat(), HEARTBEAT_MS);
    this.#send("init").then(
      (reply) => this.readyResolve(reply),
      (error) => {
        if (worker === this.worker) this.#fail(`the module did not start: ${error.message}`);
      },
    );
  }

  #beat() {
    const limit = this.busy ? BUSY_SILENCE_MS : SILENCE_MS;
    if (performance.now() - this.lastHeard > limit) {
      this.#fail(`the worker stopped answering for ${limit / 1000} s`);
      return;
    }
    this.#send("ping").catch(() => {});
  }

  #fail(reason) {
    const old = this.worker;
    this.worker = null;
    clearInterval(this.heartbeat);
    old?.terminate();
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of failed) {
      // Marked: a request the worker never answered (boot.js sends its first again).
      reject(Object.assign(new Error(`the engine stopped: ${reason}`), { unanswered: true }));
    }
    this.failures++;
    if (this.failures > MAX_RESTARTS) {
      this.stopped =
        `The computation failed ${this.failures} times in a row and was not restarted again. ` +
        `Last reason: ${reason}. Reload the page to try again.`;
      this.readyReject(new Error(this.stopped));
      this.onGiveUp(this.stopped);
      return;
    }
    this.#newReady();
    this.onRestart(reason);
    setTimeout(() => this.#spawn(), BACKOFF_MS[this.failures - 1] ?? BACKOFF_MS.at(-1));
  }

  #send(type, payload = {}, transfer = []) {
    if (!this.worker) {
      return Promise.reject(new Error(this.stopped ?? "the engine is restarting"));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }

  // Sends a request once the worker is ready; resolves with its reply.
  request(type, payload = {}, transfer = []) {
    return this.ready.then(() => this.#send(type, payload, transfer));
  }

  // Sends a request at once, behind the init message of the worker that is starting (a worker
  // takes its messages in order, but its reply may come before init's: both wait for the module,
  // and init's handler has one more step); rejects if that worker fails first. The page's first
  // start goes this way, with no round trip between init's reply and the start; its caller waits
  // for `ready` too (session.start's `after`).
  requestNow(type, payload = {}) {
    return this.worker ? this.#send(type, payload) : this.request(type, payload);
  }
}

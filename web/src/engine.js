// The page's side of the worker protocol: requests with ids and promises for
// their replies, events (chunk, finished) passed on, and a new worker when the
// old one dies (a WebAssembly trap, or an error it did not catch).
import ExperimentWorker from "#worker-constructor";

export class Engine {
  constructor({ onEvent, onCrash }) {
    this.onEvent = onEvent;
    this.onCrash = onCrash;
    this.nextId = 1;
    this.pending = new Map();
    this.worker = null;
    this.ready = null;
    this.#spawn();
  }

  #spawn() {
    const worker = new ExperimentWorker({ name: "batchnorm-lab" });
    this.worker = worker;
    worker.onmessage = (event) => {
      if (worker !== this.worker) return;
      const msg = event.data;
      if (msg.id !== undefined && this.pending.has(msg.id)) {
        const { resolve, reject } = this.pending.get(msg.id);
        this.pending.delete(msg.id);
        if (msg.ok === false && msg.message !== undefined) reject(new Error(msg.message));
        else resolve(msg);
        return;
      }
      if (msg.type === "crash") {
        this.#restart(msg.message);
        return;
      }
      this.onEvent(msg);
    };
    worker.onerror = (event) => {
      event.preventDefault();
      if (worker === this.worker) this.#restart(event.message || "the worker stopped");
    };
    worker.onmessageerror = () => {
      if (worker === this.worker) this.#restart("a message from the worker could not be read");
    };
    this.ready = this.request("init");
  }

  #restart(reason) {
    const old = this.worker;
    this.worker = null;
    old.terminate();
    const failed = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of failed) reject(new Error(`the engine stopped: ${reason}`));
    this.#spawn();
    this.onCrash(reason);
  }

  request(type, payload = {}, transfer = []) {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, type, ...payload }, transfer);
    });
  }
}

// The page's engine, started as the page's script begins to run: main.js imports this module
// first, so the worker, its module's fetch and compilation start before the rest of the bundle
// (Chart.js, the panels) is evaluated and the charts are built, and overlap with them. Its
// callbacks go to the handlers main.js gives (engineHandlers); one that comes before them (a
// worker that cannot even be constructed fails at once, inside `new Engine`) waits for them.
import { Engine } from "./engine.js";

const handlers = {};
const early = []; // [name, args] of the callbacks that came before the handlers
const forward =
  (name) =>
  (...args) =>
    handlers[name] ? handlers[name](...args) : early.push([name, args]);
export const engine = new Engine({
  onEvent: forward("onEvent"),
  onRestart: forward("onRestart"),
  onGiveUp: forward("onGiveUp"),
});

export function engineHandlers({ onEvent, onRestart, onGiveUp }) {
  Object.assign(handlers, { onEvent, onRestart, onGiveUp });
  // After the rest of main.js has run (the handlers use what it makes after this call).
  queueMicrotask(() => {
    for (const [name, args] of early.splice(0)) handlers[name](...args);
  });
}

// The page's engine, started as the page's script begins to run: main.js imports this module
// first, so the worker, its module's fetch and compilation start before the rest of the bundle
// (Chart.js, the panels) is evaluated and the charts are built, and overlap with them. Its
// callbacks go to the handlers main.js gives (engineHandlers) in the same task, before any
// message from the worker can arrive.
import { Engine } from "./engine.js";

const handlers = {};
export const engine = new Engine({
  onEvent: (msg) => handlers.onEvent(msg),
  onRestart: (reason) => handlers.onRestart(reason),
  onGiveUp: (message) => handlers.onGiveUp(message),
});

export function engineHandlers({ onEvent, onRestart, onGiveUp }) {
  Object.assign(handlers, { onEvent, onRestart, onGiveUp });
}

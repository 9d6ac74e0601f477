// Yields to the browser between the parts of a long job (input, a frame): scheduler.yield where
// there is one (the rest then runs before other tasks queued meanwhile), else a new task.
export function nextTask() {
  if (globalThis.scheduler?.yield) return globalThis.scheduler.yield();
  return new Promise((resolve) => setTimeout(resolve, 0));
}

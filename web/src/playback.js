// How fast a run plays: the `speed` link field (auto, max or steps per
// second) turned into steps per second. "auto" plays any run in a few seconds,
// so that a first-time reader sees the running mean drift, unless the reader
// asked for reduced motion: then it is drawn at once.

export const WATCH_SECONDS = 4;
// Below this a run is too short to watch: it is drawn at once.
const MIN_WATCH_STEPS = 20;

export function stepsPerSecond(speed, totalSteps, { reducedMotion = false } = {}) {
  if (speed === "max") return Infinity;
  if (typeof speed === "number" && speed > 0) return speed;
  if (reducedMotion || totalSteps < MIN_WATCH_STEPS) return Infinity;
  return Math.ceil(totalSteps / WATCH_SECONDS);
}

// The options of the speed menu: the usual rates, plus the link's own rate
// when it is another one, in increasing order, "as fast as possible" last.
export const SPEED_CHOICES = [30, 300, 3000, 30000];
export function speedOptions(current) {
  const rates = new Set(SPEED_CHOICES);
  if (Number.isFinite(current)) rates.add(current);
  const fmt = new Intl.NumberFormat("en-US");
  return [
    ...[...rates]
      .sort((a, b) => a - b)
      .map((r) => ({ value: String(r), label: `${fmt.format(r)} steps/s` })),
    { value: "max", label: "As fast as possible" },
  ];
}

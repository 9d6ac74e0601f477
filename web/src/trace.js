// Keeps every step's running and manual statistics as the worker sends them
// (a list of chunks, step-major: [i * C + c]) and a decimated copy for the
// charts: at most ~2 points per bucket of steps (the minimum and the maximum
// in the bucket, in step order), so a million-step run draws ~1,000 points
// per line instead of a million. A long run keeps every step's values only for
// its first and its latest DETAIL_VALUES values per series: the chunks between
// are dropped as the run goes (left as `{firstStep, steps, dropped: true}`, so
// that readers folding chunks by index keep their place), and the page's
// memory stays flat however many steps run (issue 12).

// Values (steps x channels) of each series kept at the start, and again at the
// end, of a run: 2 MiB per float32 series each, so at most ~40 MiB for all of them.
export const DETAIL_VALUES = 1 << 19;

export const SERIES = [
  "runningMean",
  "manualMean",
  "runningVar",
  "manualVar",
  "diffMean",
  "diffVar",
];

export class TraceStore {
  constructor(
    channels,
    totalSteps,
    { buckets = 500, shownChannels = channels, detailValues = DETAIL_VALUES } = {},
  ) {
    this.detailValues = detailValues; // a smaller budget lets the tests stay quick
    this.channels = channels;
    this.totalSteps = totalSteps;
    this.shown = Math.min(channels, shownChannels);
    this.chunks = [];
    this.stepsDone = 0;
    // One point per step while that stays small, otherwise min/max per bucket.
    this.bucketSize = totalSteps <= 2 * buckets ? 1 : Math.ceil(totalSteps / buckets);
    this.points = {};
    for (const s of SERIES) this.points[s] = Array.from({ length: this.shown }, () => []);
    this.pending = null; // the bucket being filled
    this.version = 0;
    this.headValues = 0; // values per series in the chunks kept from the start
    this.tailValues = 0; // ... and in the kept chunks after them
    this.firstTail = 0; // index of the oldest chunk of the tail not yet dropped
    this.droppedSteps = 0;
  }

  // Steps whose values were dropped, as [first, last] ranges (empty while all are kept).
  droppedRanges() {
    const ranges = [];
    for (const chunk of this.chunks) {
      if (!chunk.dropped) continue;
      const last = ranges[ranges.length - 1];
      if (last && last[1] + 1 === chunk.firstStep) last[1] += chunk.steps;
      else ranges.push([chunk.firstStep, chunk.firstStep + chunk.steps - 1]);
    }
    return ranges;
  }

  #keep(chunk) {
    const values = chunk.steps * this.channels;
    if (this.tailValues === 0 && this.headValues + values <= this.detailValues) {
      this.headValues += values;
      this.firstTail = this.chunks.length;
      return;
    }
    this.tailValues += values;
    // Drop the oldest tail chunks (never the newest) until the tail fits.
    while (this.tailValues > this.detailValues && this.firstTail < this.chunks.length - 1) {
      const old = this.chunks[this.firstTail];
      this.chunks[this.firstTail] = { firstStep: old.firstStep, steps: old.steps, dropped: true };
      this.tailValues -= old.steps * this.channels;
      this.droppedSteps += old.steps;
      this.firstTail++;
    }
  }

  // chunk: {firstStep, steps, runningMean, runningVar, manualMean, manualVar}
  append(chunk) {
    if (chunk.steps <= 0) return;
    if (chunk.firstStep !== this.stepsDone + 1) {
      throw new Error(
        `trace chunk starts at step ${chunk.firstStep}, expected ${this.stepsDone + 1}`,
      );
    }
    this.chunks.push(chunk);
    this.#keep(chunk);
    const C = this.channels;
    for (let i = 0; i < chunk.steps; i++) {
      const step = chunk.firstStep + i;
      for (let c = 0; c < this.shown; c++) {
        const k = i * C + c;
        const rm = chunk.runningMean[k];
        const mm = chunk.manualMean[k];
        const rv = chunk.runningVar[k];
        const mv = chunk.manualVar[k];
        this.#add("runningMean", c, step, rm);
        this.#add("manualMean", c, step, mm);
        this.#add("runningVar", c, step, rv);
        this.#add("manualVar", c, step, mv);
        this.#add("diffMean", c, step, Math.abs(mm - rm));
        this.#add("diffVar", c, step, Math.abs(mv - rv));
      }
      if (this.bucketSize > 1 && step % this.bucketSize === 0) this.#flush();
    }
    this.stepsDone += chunk.steps;
    this.version++;
  }

  #add(series, c, step, value) {
    if (this.bucketSize === 1) {
      this.points[series][c].push({ x: step, y: Number.isFinite(value) ? value : null });
      return;
    }
    if (!this.pending) this.pending = {};
    let b = this.pending[series];
    if (!b) b = this.pending[series] = [];
    let e = b[c];
    if (!e) {
      b[c] = e = { minX: step, minY: Infinity, maxX: step, maxY: -Infinity, any: false };
    }
    if (!Number.isFinite(value)) return;
    e.any = true;
    if (value < e.minY) {
      e.minY = value;
      e.minX = step;
    }
    if (value > e.maxY) {
      e.maxY = value;
      e.maxX = step;
    }
  }

  static #bucketPoints(e) {
    if (!e || !e.any) return [];
    if (e.minX === e.maxX) return [{ x: e.minX, y: e.minY }];
    const a = { x: e.minX, y: e.minY };
    const b = { x: e.maxX, y: e.maxY };
    return e.minX < e.maxX ? [a, b] : [b, a];
  }

  #flush() {
    if (!this.pending) return;
    for (const s of SERIES) {
      const b = this.pending[s];
      if (!b) continue;
      for (let c = 0; c < this.shown; c++)
        this.points[s][c].push(...TraceStore.#bucketPoints(b[c]));
    }
    this.pending = null;
  }

  // Decimated points of one series and channel, the bucket in progress included.
  display(series, c) {
    const done = this.points[series][c];
    const open = this.pending?.[series]?.[c];
    if (!open) return done;
    return done.concat(TraceStore.#bucketPoints(open));
  }

  // Calls fn(step, c, rm, rv, mm, mv) for every kept value, in step order.
  forEach(fn) {
    const C = this.channels;
    for (const chunk of this.chunks) {
      if (chunk.dropped) continue;
      for (let i = 0; i < chunk.steps; i++) {
        for (let c = 0; c < C; c++) {
          const k = i * C + c;
          fn(
            chunk.firstStep + i,
            c,
            chunk.runningMean[k],
            chunk.runningVar[k],
            chunk.manualMean[k],
            chunk.manualVar[k],
          );
        }
      }
    }
  }

  // Values of the last step done, per channel (or null before any step).
  last() {
    const chunk = this.chunks[this.chunks.length - 1];
    if (!chunk) return null;
    const C = this.channels;
    const i = chunk.steps - 1;
    const pick = (a) => Array.from({ length: C }, (_, c) => a[i * C + c]);
    return {
      step: chunk.firstStep + i,
      runningMean: pick(chunk.runningMean),
      runningVar: pick(chunk.runningVar),
      manualMean: pick(chunk.manualMean),
      manualVar: pick(chunk.manualVar),
    };
  }
}

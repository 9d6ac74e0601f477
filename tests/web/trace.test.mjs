// The page's trace (web/src/trace.js) over a long run, in Node: it keeps the
// first and the latest DETAIL_VALUES values per series and drops the chunks
// between, so memory stays flat; the charts' decimated points, the downloads,
// the inspector and the distance chart all cope with the dropped middle.
import { test } from "node:test";
import assert from "node:assert/strict";
import { TraceStore, DETAIL_VALUES, SERIES } from "../../web/src/trace.js";
import { traceCsvParts, traceJsonParts } from "../../web/src/exporters.js";
import { stepValues } from "../../web/src/inspect-math.js";
import { distanceSeries } from "../../web/src/distance.js";

// A value that tells step and channel apart, exactly representable in float32.
const value = (step, c) => (step % 4096) + c / 8;

function chunkOf(firstStep, steps, C) {
  const chunk = { firstStep, steps, numBatchesTracked: new Float64Array(steps) };
  for (const key of ["runningMean", "runningVar", "manualMean", "manualVar", "batchMean"]) {
    chunk[key] = new Float32Array(steps * C);
  }
  chunk.batchVar = new Float32Array(steps * C);
  chunk.batchVarUnbiased = new Float32Array(steps * C);
  for (let i = 0; i < steps; i++) {
    chunk.numBatchesTracked[i] = firstStep + i;
    for (let c = 0; c < C; c++) {
      for (const key of ["runningMean", "runningVar", "manualMean", "manualVar"])
        chunk[key][i * C + c] = value(firstStep + i, c);
    }
  }
  return chunk;
}

// Shows (decimates for the charts) at most 3 channels, as the page shows a few;
// `budget` is the kept values per series at each end (the page's: DETAIL_VALUES).
function run(totalSteps, C, chunkSteps, budget = DETAIL_VALUES) {
  const store = new TraceStore(C, totalSteps, { shownChannels: 3, detailValues: budget });
  for (let first = 1; first <= totalSteps; first += chunkSteps) {
    store.append(chunkOf(first, Math.min(chunkSteps, totalSteps - first + 1), C));
  }
  return store;
}

const keptValues = (store) =>
  store.chunks.reduce((n, c) => n + (c.dropped ? 0 : c.steps * store.channels), 0);

test("a run that fits keeps every step", () => {
  const store = run(20000, 3, 997);
  assert.equal(store.droppedSteps, 0);
  assert.deepEqual(store.droppedRanges(), []);
  assert.equal(keptValues(store), 20000 * 3);
  let rows = 0;
  store.forEach((step, c) => (rows += c === 0 ? 1 : 0));
  assert.equal(rows, 20000);
});

test("a long run keeps the first and latest values, at most twice the budget", () => {
  const C = 3;
  const total = 200000;
  const BUDGET = 60000; // values per series at each end: 20,000 steps
  const store = run(total, C, 400, BUDGET);
  const kept = keptValues(store);
  assert.ok(kept <= 2 * BUDGET + 400 * C, `${kept} values kept`);
  assert.ok(kept >= 2 * BUDGET - 2 * 400 * C, `${kept} values kept`);
  assert.equal(store.droppedSteps + kept / C, total);
  for (const chunk of store.chunks.filter((c) => c.dropped)) {
    assert.deepEqual(Object.keys(chunk).sort(), ["dropped", "firstStep", "steps"]);
  }
  // The start and the end are kept; one range in the middle is dropped.
  assert.ok(!store.chunks[0].dropped);
  assert.ok(!store.chunks.at(-1).dropped);
  const ranges = store.droppedRanges();
  assert.equal(ranges.length, 1);
  const [first, last] = ranges[0];
  assert.ok(first > BUDGET / C - 400 && first <= BUDGET / C + 1, `${first}`);
  assert.ok(last < total - BUDGET / C + 400, `${last}`);
  assert.equal(last - first + 1, store.droppedSteps);

  // The inspector: kept steps give their numbers, dropped ones null.
  assert.equal(stepValues(store.chunks, C, 1, 2).runningMean, value(1, 2));
  assert.equal(stepValues(store.chunks, C, total, 1).runningMean, value(total, 1));
  assert.equal(stepValues(store.chunks, C, last + 2, 0).runningMeanBefore, value(last + 1, 0));
  assert.equal(stepValues(store.chunks, C, first, 0), null);
  assert.equal(stepValues(store.chunks, C, last + 1, 0), null); // its step before is gone
  assert.equal(stepValues(store.chunks, C, Math.floor((first + last) / 2), 0), null);

  // The charts' decimated points still span the whole run, middle included.
  const xs = store.display(SERIES[0], 0).map((p) => p.x);
  assert.ok(xs.some((x) => x > first && x < last));
  assert.equal(Math.max(...xs) > total - store.bucketSize, true);

  // The distance chart skips the dropped steps instead of stopping at them.
  const steps = [1, first, Math.floor((first + last) / 2), last + 1, total];
  const d = distanceSeries(store.chunks, C, 0, steps);
  assert.deepEqual(
    d.runningMean.map((p) => p.x),
    [1, last + 1, total],
  );

  // Downloads: one CSV row per kept step, and the JSON names the dropped range.
  const csv = traceCsvParts(store).join("");
  const rows = csv.trimEnd().split("\n");
  assert.equal(rows.length - 1, kept / C);
  assert.equal(rows[1].split(",")[0], "1");
  assert.equal(rows.at(-1).split(",")[0], String(total));
  assert.ok(!rows.some((r) => r.startsWith(`${first},`)));
  const json = JSON.parse(traceJsonParts(store, { steps: total }, "").join(""));
  assert.deepEqual(json.dropped_steps, [[first, last]]);
  assert.equal(json.running_mean.length, kept / C);
  assert.equal(json.running_mean.at(-1)[1], value(total, 1));
});

test("many channels: the budget counts values, not steps", () => {
  const C = 4096;
  const store = run(600, C, 16);
  assert.ok(keptValues(store) <= 2 * DETAIL_VALUES + 16 * C);
  assert.ok(store.droppedSteps > 0);
  assert.ok(!store.chunks.at(-1).dropped);
});

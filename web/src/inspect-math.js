// The step inspector's numbers: one step's values out of the trace's chunks,
// BatchNorm2d's update redone in float32 exactly as PyTorch 1.13 does it (so
// every intermediate shown is PyTorch's), and float32 text (shortest round-trip) and bits. Pure: no DOM.

const f32 = Math.fround;

// The shortest decimal that reads back as the same float32 (as Python's
// repr of np.float32 does): 0.1f is "0.1", not 0.100000001490116.
export function f32Text(x) {
  if (Number.isNaN(x)) return "nan";
  if (x === Infinity) return "inf";
  if (x === -Infinity) return "-inf";
  if (x === 0) return Object.is(x, -0) ? "-0" : "0";
  const v = f32(x);
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (f32(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

// The float32's bit pattern as 8 hex digits ("0x3dcccccd" for 0.1).
export function f32Hex(x) {
  const view = new DataView(new ArrayBuffer(4));
  view.setFloat32(0, x);
  return "0x" + view.getUint32(0).toString(16).padStart(8, "0");
}

// The chunk holding `step` (1-based), by bisection over the store's chunks.
function chunkAt(chunks, step) {
  let lo = 0;
  let hi = chunks.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const c = chunks[mid];
    if (step < c.firstStep) hi = mid - 1;
    else if (step >= c.firstStep + c.steps) lo = mid + 1;
    else return c.dropped ? null : c;
  }
  return null;
}

function pick(chunk, key, step, channel, C) {
  const a = chunk[key];
  return a ? a[(step - chunk.firstStep) * C + channel] : NaN;
}

// One step's values for one channel: the batch statistics (NaN when the layer
// was in eval mode), the running statistics before and after, the counter
// before and after; null when the step is not in the trace (not run yet, or
// in the middle of a long run, whose values the trace drops).
export function stepValues(chunks, channels, step, channel) {
  const chunk = chunkAt(chunks, step);
  if (!chunk) return null;
  const at = (key) => pick(chunk, key, step, channel, channels);
  const i = step - chunk.firstStep;
  let before = { runningMean: 0, runningVar: 1, numBatchesTracked: 0 };
  if (step > 1) {
    const prev = chunkAt(chunks, step - 1);
    if (!prev) return null;
    before = {
      runningMean: pick(prev, "runningMean", step - 1, channel, channels),
      runningVar: pick(prev, "runningVar", step - 1, channel, channels),
      numBatchesTracked: prev.numBatchesTracked?.[step - 1 - prev.firstStep] ?? NaN,
    };
  }
  return {
    step,
    channel,
    batchMean: at("batchMean"),
    batchVar: at("batchVar"),
    batchVarUnbiased: at("batchVarUnbiased"),
    runningMeanBefore: before.runningMean,
    runningVarBefore: before.runningVar,
    runningMean: at("runningMean"),
    runningVar: at("runningVar"),
    numBatchesTrackedBefore: before.numBatchesTracked,
    numBatchesTracked: chunk.numBatchesTracked?.[i] ?? NaN,
    manualMean: at("manualMean"),
    manualVar: at("manualVar"),
  };
}

// BatchNorm2d's update of one channel, each operation as PyTorch's CPU kernel
// does it (cpp/core/batch_norm.cpp, docs/pytorch-parity.md section 4):
// m = float(momentum) or float(1.0 / num_batches_tracked) after the increment;
// running_mean = float(m * mean) + float((1 - m) * running_mean), in float;
// running_var = float(double(m) * unbiased + double(float((1 - m) * running_var))).
export function updateRule(momentum, v) {
  const tracked = v.numBatchesTrackedBefore + 1;
  const m = momentum === null ? f32(1 / tracked) : f32(momentum);
  const keep = f32(1 - m);
  const newMean = f32(m * v.batchMean);
  const oldMean = f32(keep * v.runningMeanBefore);
  const oldVar = f32(keep * v.runningVarBefore);
  const newVar = m * v.batchVarUnbiased; // double: both factors are floats widened
  return {
    tracked,
    m,
    keep,
    newMean,
    oldMean,
    runningMean: f32(newMean + oldMean),
    newVar,
    oldVar,
    varSum: newVar + oldVar,
    runningVar: f32(newVar + oldVar),
  };
}

// Text that leaves the page: the trace as CSV and JSON, a PyTorch script for
// the config (the embed snippets are in snippets.js).
import { formatValue } from "./link.js";

// Shortest decimal that reads back as the same float32.
export function float32Text(v) {
  if (!Number.isFinite(v)) return Number.isNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity";
  for (let p = 1; p <= 9; p++) {
    const s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) return String(Number(s));
  }
  return String(v);
}

// CSV, one row per step, columns per channel; returned as parts for a Blob.
export function traceCsvParts(store) {
  const C = store.channels;
  const cols = ["step"];
  for (const name of ["running_mean", "running_var", "manual_mean", "manual_var"]) {
    for (let c = 0; c < C; c++) cols.push(`${name}_c${c}`);
  }
  const parts = [cols.join(",") + "\n"];
  for (const chunk of store.chunks) {
    if (chunk.dropped) continue; // a long run's middle: the step column says which rows there are
    let block = "";
    for (let i = 0; i < chunk.steps; i++) {
      const row = [String(chunk.firstStep + i)];
      const base = i * C;
      for (let c = 0; c < C; c++) row.push(float32Text(chunk.runningMean[base + c]));
      for (let c = 0; c < C; c++) row.push(float32Text(chunk.runningVar[base + c]));
      for (let c = 0; c < C; c++) row.push(float32Text(chunk.manualMean[base + c]));
      for (let c = 0; c < C; c++) row.push(float32Text(chunk.manualVar[base + c]));
      block += row.join(",") + "\n";
      if (block.length > 1 << 20) {
        parts.push(block);
        block = "";
      }
    }
    if (block) parts.push(block);
  }
  return parts;
}

// JSON: the config, the summary of the CLI's --json, and per step arrays of
// per-channel values (null where undefined). Returned as parts for a Blob.
export function traceJsonParts(store, config, summaryJson) {
  const C = store.channels;
  const num32 = (v) => (Number.isFinite(v) ? float32Text(v) : "null");
  const head = {
    format: "batchnorm-lab trace v1",
    config: { ...config, momentum: config.momentum },
    steps_done: store.stepsDone,
    layout:
      "arrays indexed [step - 1][channel]; all float32 as PyTorch computes them: running_* the layer's buffers, manual_* torch.mean and torch.var (unbiased) over every input so far",
  };
  const dropped = store.droppedRanges?.() ?? [];
  if (dropped.length) {
    head.layout =
      "arrays indexed [row][channel], one row per kept step in step order; all float32 as PyTorch computes them: running_* the layer's buffers, manual_* torch.mean and torch.var (unbiased) over every input so far";
    head.dropped_steps = dropped;
    head.dropped_note =
      "the page keeps the first and the latest steps of a long run; the steps in dropped_steps ([first, last] ranges) have no row";
  }
  const parts = [JSON.stringify(head, null, 1).replace(/\n}$/, "")];
  parts.push(`,\n "summary": ${summaryJson && summaryJson.trim() ? summaryJson.trim() : "null"}`);
  const fields = [
    ["running_mean", "runningMean", num32],
    ["running_var", "runningVar", num32],
    ["manual_mean", "manualMean", num32],
    ["manual_var", "manualVar", num32],
  ];
  for (const [name, key, fmt] of fields) {
    parts.push(`,\n "${name}": [`);
    let first = true;
    let block = "";
    for (const chunk of store.chunks) {
      if (chunk.dropped) continue;
      const a = chunk[key];
      for (let i = 0; i < chunk.steps; i++) {
        const row = [];
        for (let c = 0; c < C; c++) row.push(fmt(a[i * C + c]));
        block += (first ? "\n  [" : ",\n  [") + row.join(",") + "]";
        first = false;
        if (block.length > 1 << 20) {
          parts.push(block);
          block = "";
        }
      }
    }
    parts.push(block + "\n ]");
  }
  parts.push("\n}\n");
  return parts;
}

function pyNumber(v) {
  const s = String(v);
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

// The scenario fields' defaults (the article's run): left out of the header.
const SCENARIO_DEFAULTS = {
  shift: 0,
  scale: 1,
  switch: null,
  shift2: null,
  scale2: null,
  freeze: null,
};

// The experiment's loop: the article's when no scenario field is set, else the
// loop of issue 9 with the scenario's values as Python names.
function loopCode(c) {
  const scenario = ["shift", "scale", "switch", "freeze"].some(
    (k) => (c[k] ?? SCENARIO_DEFAULTS[k]) !== SCENARIO_DEFAULTS[k],
  );
  if (!scenario) {
    return `for _ in range(${c.steps}):
    x = torch.randn_like(y)
    model(x)
    stacked = torch.cat([stacked, x], dim=0)
`;
  }
  const opt = (v, unset) => (v === null ? unset : pyNumber(v));
  const int = (v) => (v === null ? "None" : String(v));
  return `# Each batch is randn * scale + shift; from step switch + 1 on, shift2 and
# scale2 (a domain shift); model.eval() before step freeze + 1 stops the
# running statistics. Steps count from 1; None: never.
shift, scale = ${pyNumber(c.shift)}, ${pyNumber(c.scale)}
switch = ${int(c.switch)}
shift2, scale2 = ${opt(c.shift2, "shift")}, ${opt(c.scale2, "scale")}
freeze = ${int(c.freeze)}
for k in range(1, ${c.steps} + 1):
    if freeze is not None and k == freeze + 1:
        model.eval()
    sh, sc = (shift2, scale2) if switch is not None and k > switch else (shift, scale)
    x = torch.randn_like(y) * sc + sh
    model(x)
    stacked = torch.cat([stacked, x], dim=0)
`;
}

// The config's fields as k=v (the scenario fields only when set).
export function configLine(config) {
  return Object.keys(config)
    .filter((k) => !(k in SCENARIO_DEFAULTS) || (config[k] ?? null) !== SCENARIO_DEFAULTS[k])
    .map((k) => `${k}=${formatValue(config[k], k)}`)
    .join(" ");
}

// A standalone script that reproduces the run in PyTorch and prints what the
// article's script prints.
export function pytorchCode(config, pageUrl) {
  return `# The BatchNorm2d experiment of BatchNorm Lab with this config:
#   ${configLine(config)}
# ${pageUrl}
# Prints what the page shows under "The article's output", bit for bit.
import torch
import torch.nn as nn

# One thread: for inputs of shape (N, C, 1, 1), PyTorch splits the batch
# statistics across threads, which changes the last bits.
torch.set_num_threads(1)

${pytorchRun(config)}`;
}

// The run itself, from the seed to the last print (the two-run script of a
// comparison, compare-export.js, puts two of them in functions).
export function pytorchRun(config) {
  const momentum = config.momentum === null ? "None" : pyNumber(config.momentum);
  return `torch.manual_seed(${config.seed})
num_channels = ${config.channels}
y = torch.randn(${config.batch}, num_channels, ${config.height}, ${config.width})
model = nn.BatchNorm2d(num_channels, eps=${pyNumber(config.eps)}, momentum=${momentum})
nb = dict(model.named_buffers())
print(f"Buffers in BatchNorm2d: {nb.keys()}\\n")
stacked = torch.tensor([]).reshape(0, num_channels, ${config.height}, ${config.width})
${loopCode(config)}print(f"Shape of stackend tensor: {stacked.shape}\\n")
smean = stacked.mean(dim=(0, 2, 3))
svar = stacked.var(dim=(0, 2, 3))
print("Manually Computed:")
print("------------------")
print(f"Mean: {smean}\\nVariance: {svar}\\n")
print("Computed by BatchNorm2d:")
print("------------------------")
rm, rv = nb["running_mean"], nb["running_var"]
print(f"Mean: {rm}\\nVariance: {rv}\\n")
print("Mean Absolute Differences:")
print("--------------------------")
print(f"Mean: {(smean-rm).abs().mean():.4f}, Variance: {(svar-rv).abs().mean():.4f}")
`;
}

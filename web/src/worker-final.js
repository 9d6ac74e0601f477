// The worker's requests that run another config to its end, apart from the run
// shown: its final running statistics (finalStats) and the Python script that
// checks it in PyTorch bit for bit (verifyScript).

// finalStats repeats a run only up to this many input values (a second or so).
const FINAL_STATS_LIMIT = 20000000;

// The final running statistics of another config (what the same run would end
// at without a freeze, say): {runningMean, runningVar} or {ok: false, message}.
export function finalStatsRequest(M, { fields }) {
  const created = M.createExperiment(fields);
  if (!created.ok) return { ok: false, message: created.errors.map((e) => e.message).join("; ") };
  const other = created.experiment;
  try {
    const c = M.parseConfig(fields).config;
    if (c.steps * c.batch * c.channels * c.height * c.width > FINAL_STATS_LIMIT)
      return { ok: false, message: "too large a run to repeat here" };
    let last = null;
    while (!other.finished()) last = other.runChunk(4096);
    if (!last) return { ok: false, message: "no steps to run" };
    const C = other.channels();
    const from = (last.steps - 1) * C;
    return {
      runningMean: last.runningMean.slice(from, from + C),
      runningVar: last.runningVar.slice(from, from + C),
    };
  } finally {
    other.delete();
  }
}

// bnlab --verify-script's bytes for a config: {text} or {ok: false, message}.
export function verifyScriptRequest(M, { fields }) {
  const r = M.verifyScript(fields);
  if (r.ok) return { text: r.text };
  return { ok: false, message: r.errors.map((e) => e.pytorchError ?? e.message).join("; ") };
}

// The second run of a comparison (B), on the worker's side: B's link fields
// overlaid on A's config and checked by the C++ grammar (M.parseConfig, the
// same rules as A's), the fields it refuses dropped one by one with the
// grammar's message, and B run to its end apart from A's run.

// B runs in one request, apart from A's ticks: at most this many input values
// (steps · batch · channels · height · width, about a second) and this many
// trace values per statistic (steps · channels; 4 statistics of float32).
export const COMPARE_INPUT_LIMIT = 20000000;
export const COMPARE_TRACE_LIMIT = 2000000;

// base: A's config (values by name); overrides: B's fields as text by name.
// Returns null without overrides, else {ok, config (B's, parsed), fields (the
// names kept), dropped: [{field, message, pytorchError?}]}; ok false when
// nothing of B is left to run (every field dropped, or B too large).
export function resolveCompare(M, base, overrides) {
  const kept = Object.create(null);
  for (const [name, text] of Object.entries(overrides ?? {})) kept[name] = text;
  if (!Object.keys(kept).length) return null;
  const dropped = [];
  const drop = (error) => {
    const out = { field: error.field, message: error.message };
    if (error.pytorchError) out.pytorchError = error.pytorchError;
    dropped.push(out);
    delete kept[error.field];
  };
  for (;;) {
    const parsed = M.parseConfig({ ...base, ...kept });
    if (parsed.ok) {
      const fields = Object.keys(kept);
      if (!fields.length) return { ok: false, fields, dropped };
      const c = parsed.config;
      const inputs = c.steps * c.batch * c.channels * c.height * c.width;
      if (inputs > COMPARE_INPUT_LIMIT || c.steps * c.channels > COMPARE_TRACE_LIMIT) {
        for (const field of fields) {
          drop({
            field,
            message:
              "run B would be too large to run beside A here (at most " +
              `${COMPARE_INPUT_LIMIT.toLocaleString("en-US")} input values and ` +
              `${COMPARE_TRACE_LIMIT.toLocaleString("en-US")} steps × channels)`,
          });
        }
        return { ok: false, fields: [], dropped };
      }
      return { ok: true, config: c, fields, dropped };
    }
    if (!Object.keys(kept).length) return { ok: false, fields: [], dropped };
    const own = parsed.errors.filter((e) => Object.hasOwn(kept, e.field));
    // Refused because of A's fields with B's together (none of B's is named):
    // B as a whole cannot run.
    const errors = own.length
      ? own
      : Object.keys(kept).map((field) => ({
          field,
          message: parsed.errors.map((e) => e.message).join("; "),
        }));
    for (const e of errors) drop(e);
  }
}

// Runs B's config to its end: {config, channels, totalSteps, chunks (the
// trace, as the page's TraceStore takes it), articleOutput}.
export function runCompare(M, config) {
  const created = M.createExperiment(config);
  if (!created.ok) return { ok: false, message: created.errors.map((e) => e.message).join("; ") };
  const run = created.experiment;
  try {
    const chunks = [];
    while (!run.finished()) {
      const c = run.runChunk(4096);
      if (c.steps <= 0) break;
      const { firstStep, steps, runningMean, runningVar, manualMean, manualVar } = c;
      chunks.push({ firstStep, steps, runningMean, runningVar, manualMean, manualVar });
    }
    return {
      config,
      channels: run.channels(),
      totalSteps: run.totalSteps(),
      chunks,
      articleOutput: run.articleOutput(),
    };
  } finally {
    run.delete();
  }
}

// The worker's `compare` request: {base: A's config, overrides: B's fields}
// -> {resolved, run} (run: B's trace and text, when any of B is left).
export function compareRequest(M, { base, overrides }) {
  const resolved = resolveCompare(M, base, overrides);
  return { resolved, run: resolved?.ok ? runCompare(M, resolved.config) : null };
}

// The config grammar as the worker uses it: the module's configFields,
// parseConfig and resolveConfig (the C++ parser, the only definition of the
// rules). A module built before those existed gets an adapter over its older
// defaultConfig/validateConfig, which are the same C++ parser.
export function grammarOf(M) {
  if (typeof M.parseConfig === "function" && typeof M.resolveConfig === "function") {
    return {
      fields: () => M.configFields(),
      parse: (fields) => M.parseConfig(fields),
      resolve: (fields) => M.resolveConfig(fields),
    };
  }
  return olderModule(M);
}

const NAMES = ["seed", "batch", "channels", "height", "width", "steps", "momentum", "eps"];
const SIZES = ["batch", "channels", "height", "width"];

function olderModule(M) {
  const defaults = M.defaultConfig();
  const text = (v) => (v === null ? "none" : String(v));
  const typed = (name, t) => {
    if (name === "seed") return BigInt(t.trim()).toString();
    if (name === "momentum" && t.trim().toLowerCase() === "none") return null;
    return Number(t);
  };
  const known = (fields) => {
    const out = {};
    const unknown = [];
    for (const [name, value] of Object.entries(fields)) {
      if (NAMES.includes(name)) out[name] = text(value);
      else unknown.push(name);
    }
    return { out, unknown };
  };
  const toConfig = (texts) =>
    Object.fromEntries(
      NAMES.map((n) => [n, n in texts ? typed(n, texts[n]) : (defaults[n] ?? null)]),
    );
  const unknownError = (name) => ({ field: name, message: `unknown setting '${name}'; ignored` });
  return {
    fields: () =>
      NAMES.map((name) => ({
        name,
        kind: typeof defaults[name],
        defaultText: text(defaults[name]),
      })),
    parse(fields) {
      const { out, unknown } = known(fields);
      const errors = [...unknown.map(unknownError), ...M.validateConfig(out)];
      return errors.length ? { ok: false, errors } : { ok: true, config: toConfig(out) };
    },
    resolve(fields) {
      const { out, unknown } = known(fields);
      const notices = unknown.map(unknownError);
      for (let round = 0; round < 3; round++) {
        const errors = M.validateConfig(out);
        if (!errors.length) break;
        for (const e of errors) {
          const names = e.field === "size" ? SIZES : NAMES.includes(e.field) ? [e.field] : NAMES;
          for (const n of names) {
            delete out[n];
            if (!notices.some((x) => x.field === n)) {
              notices.push({ field: n, message: `${e.message}; using ${text(defaults[n])}` });
            }
          }
        }
      }
      if (M.validateConfig(out).length) {
        // Still over a limit: the defaults, which run.
        for (const n of Object.keys(out)) {
          if (!notices.some((x) => x.field === n)) {
            notices.push({ field: n, message: `over a limit; using ${text(defaults[n])}` });
          }
          delete out[n];
        }
      }
      return { config: toConfig(out), notices };
    },
  };
}

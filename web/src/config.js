// The experiment's config as it appears in a link: parsing each query
// parameter strictly, falling back to the default with a readable message,
// and writing a config back into a query string. Nothing here touches the DOM.

export const PARAMS = ["seed", "batch", "channels", "height", "width", "steps", "momentum", "eps"];

// Used only until the module has answered with its own defaults and limits.
export const FALLBACK_DEFAULTS = Object.freeze({
  seed: "21",
  batch: 20,
  channels: 3,
  height: 1,
  width: 1,
  steps: 2000,
  momentum: 0.1,
  eps: 1e-5,
});
export const FALLBACK_LIMITS = Object.freeze({
  maxElementsPerBatch: 1 << 24,
  maxSteps: 1000000,
  maxTotalValues: 2000000000,
  maxTraceValues: 1 << 22,
});

const SEED_MIN = -(2n ** 63n);
const SEED_MAX = 2n ** 64n - 1n;
const INTEGER = /^[+-]?\d{1,20}$/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d{1,4})?$/;

export function rangeText(field, limits = FALLBACK_LIMITS) {
  switch (field) {
    case "seed":
      return "an integer in [-9223372036854775808, 18446744073709551615]";
    case "steps":
      return `an integer in [0, ${limits.maxSteps}]`;
    case "momentum":
      return "a number in [0, 1], or none";
    case "eps":
      return "a finite number > 0";
    default:
      return `an integer in [1, ${limits.maxElementsPerBatch}]`;
  }
}

// Parses one field's text. Returns {ok: true, value} or {ok: false, message}.
export function parseField(field, rawText, limits = FALLBACK_LIMITS) {
  const text = String(rawText ?? "").trim();
  const bad = () => ({ ok: false, message: `${field} must be ${rangeText(field, limits)}` });
  if (text.length === 0 || text.length > 64) return bad();
  switch (field) {
    case "seed": {
      if (!INTEGER.test(text)) return bad();
      const v = BigInt(text);
      if (v < SEED_MIN || v > SEED_MAX) return bad();
      return { ok: true, value: v.toString() };
    }
    case "batch":
    case "channels":
    case "height":
    case "width":
    case "steps": {
      if (!INTEGER.test(text)) return bad();
      const v = Number(text);
      const lo = field === "steps" ? 0 : 1;
      const hi = field === "steps" ? limits.maxSteps : limits.maxElementsPerBatch;
      if (!Number.isSafeInteger(v) || v < lo || v > hi) return bad();
      return { ok: true, value: v };
    }
    case "momentum": {
      if (text.toLowerCase() === "none") return { ok: true, value: null };
      if (!NUMBER.test(text)) return bad();
      const v = Number(text);
      if (!Number.isFinite(v) || v < 0 || v > 1) return bad();
      return { ok: true, value: v };
    }
    case "eps": {
      if (!NUMBER.test(text)) return bad();
      const v = Number(text);
      if (!Number.isFinite(v) || !(v > 0)) return bad();
      return { ok: true, value: v };
    }
    default:
      return { ok: false, message: `unknown parameter ${field}` };
  }
}

// How a value is written in a link and in the form.
export function formatField(field, value) {
  if (field === "momentum" && value === null) return "none";
  return String(value);
}

// Shortens text from a link before it is shown (always as text, never HTML).
export function shownValue(text) {
  const s = String(text).replace(/[\u0000-\u001f\u007f]/g, "?");
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}

// Reads the config from a query string. Each parameter that is present but
// invalid falls back to its default and yields a problem {field, value, message}.
export function readQuery(search, defaults = FALLBACK_DEFAULTS, limits = FALLBACK_LIMITS) {
  const query = new URLSearchParams(search);
  const config = { ...defaults };
  const problems = [];
  const given = new Set();
  for (const field of PARAMS) {
    if (!query.has(field)) continue;
    const raw = query.get(field);
    const parsed = parseField(field, raw, limits);
    if (parsed.ok) {
      config[field] = parsed.value;
      given.add(field);
    } else {
      problems.push({ field, value: shownValue(raw), message: parsed.message });
    }
  }
  const embed = query.get("embed") === "1";
  return { config, problems, given, embed };
}

// The fields a cross-field error from the module's validateConfig points at:
// "size" names no single parameter, so it resets all four sizes.
export function fieldsOfError(error) {
  if (error.field === "size") return ["batch", "channels", "height", "width"];
  return PARAMS.includes(error.field) ? [error.field] : [];
}

export function toQuery(config, { embed = false } = {}) {
  const query = new URLSearchParams();
  for (const field of PARAMS) query.set(field, formatField(field, config[field]));
  if (embed) query.set("embed", "1");
  return query.toString();
}

export function sameConfig(a, b) {
  return PARAMS.every((f) => a[f] === b[f]);
}

// The link fields that say how the page is shown rather than what it runs
// (embed, theme, panels, controls, autoplay, speed, frame-height, lens): their grammar,
// defaults and messages, shared by the page and the <batchnorm-lab> element
// (web/embed.js), and the fixed height that fits a set of panels. Pure: no DOM.
import { LENSES, LENS_NAMES, parseLensList, lensRangeText } from "./lens-table.js";

// "frame-height", not "height": height is the input's H in the config.
export const VIEW_FIELDS = [
  "embed",
  "theme",
  "panels",
  "controls",
  "autoplay",
  "speed",
  "frame-height",
  "lens",
];

// The page's other link fields that an embed may carry: the step inspector's
// step, the eval-mode probe's seed, the Monte Carlo lens's seeds. The page
// checks them and says what it did with a bad one, so an element passes them on
// as they are (tests/web/embed_fields.test.mjs keeps this list equal to the
// page's own, with VIEW_FIELDS and story).
export const LINK_ONLY_FIELDS = ["step", "probe-seed", "mc", "mc-from"];

// Run B of a side-by-side comparison: b.FIELD for each config field (compare.js).
export const COMPARE_PREFIX = "b.";

// "charts" stands for the three charts; each can also be named alone.
export const CHARTS = ["mean", "variance", "distance"];
// Each lens (lens-table.js) is a panel too: panels=freezing embeds that lens alone.
export const PANELS = ["charts", ...CHARTS, "explanation", "controls", "output", ...LENS_NAMES];

export const VIEW_DEFAULTS = Object.freeze({
  embed: false,
  theme: "auto",
  panels: null, // null: the page's own layout (every panel)
  controls: "full",
  autoplay: true,
  speed: "auto", // "auto" (a few seconds a run), "max", or steps per second
  "frame-height": "auto", // "auto" (the page posts its height) or pixels (the page fills them)
  lens: null, // null: no lens opened by the link; else lens names (lens-table.js)
});

export const SPEED_MAX = 10000000;
export const HEIGHT_MIN = 240;
export const HEIGHT_MAX = 20000;

const RANGES = {
  embed: "1 or 0",
  theme: "light, dark or auto",
  panels: `a comma-separated list of ${PANELS.join(", ")}`,
  controls: "full, run or none",
  autoplay: "1 or 0",
  speed: `auto, max, or steps per second (an integer in [1, ${SPEED_MAX}])`,
  "frame-height": `auto or pixels (an integer in [${HEIGHT_MIN}, ${HEIGHT_MAX}])`,
  lens: lensRangeText(),
};

export function viewRangeText(field) {
  return RANGES[field];
}

const FLAG = { 1: true, 0: false, true: true, false: false };
const INTEGER = /^\d{1,9}$/;

// Parses one field's text: {ok: true, value} or {ok: false, message}.
export function parseViewField(field, rawText) {
  const text = String(rawText ?? "")
    .trim()
    .toLowerCase();
  const bad = () => ({ ok: false, message: `${field} must be ${RANGES[field]}` });
  if (!(field in RANGES)) return { ok: false, message: `unknown field ${field}` };
  if (text.length > 200) return bad();
  switch (field) {
    case "embed":
    case "autoplay":
      return text in FLAG ? { ok: true, value: FLAG[text] } : bad();
    case "theme":
      return ["light", "dark", "auto"].includes(text) ? { ok: true, value: text } : bad();
    case "controls":
      return ["full", "run", "none"].includes(text) ? { ok: true, value: text } : bad();
    case "panels": {
      const list = text.split(",").map((s) => s.trim());
      if (!list.length || list.some((p) => !PANELS.includes(p))) return bad();
      // "charts" is the three charts, in place; a panel named twice counts once.
      const out = [];
      for (const p of list)
        for (const q of p === "charts" ? CHARTS : [p]) out.includes(q) || out.push(q);
      return { ok: true, value: out };
    }
    case "speed": {
      if (text === "auto" || text === "max") return { ok: true, value: text };
      if (!INTEGER.test(text)) return bad();
      const v = Number(text);
      return v >= 1 && v <= SPEED_MAX ? { ok: true, value: v } : bad();
    }
    case "lens":
      return parseLensList(text);
    case "frame-height": {
      if (text === "auto") return { ok: true, value: text };
      if (!INTEGER.test(text)) return bad();
      const v = Number(text);
      return v >= HEIGHT_MIN && v <= HEIGHT_MAX ? { ok: true, value: v } : bad();
    }
  }
  return bad();
}

// How a value is written back into a link.
export function formatViewField(field, value) {
  if (field === "embed" || field === "autoplay") return value ? "1" : "0";
  if (field === "panels" || field === "lens") return value.join(",");
  return String(value);
}

// Reads the view fields of a query string (URLSearchParams or text): each
// invalid one falls back to its default with a problem {field, value, message}.
export function readView(search) {
  const query = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const view = { ...VIEW_DEFAULTS };
  const problems = [];
  for (const field of VIEW_FIELDS) {
    if (!query.has(field)) continue;
    const raw = query.get(field);
    const parsed = parseViewField(field, raw);
    if (parsed.ok) view[field] = parsed.value;
    else problems.push({ field, value: raw, message: parsed.message });
  }
  return { view, problems };
}

// The fields of a query that no part of the page knows, each named once.
export function unknownFields(search, known) {
  const query = search instanceof URLSearchParams ? search : new URLSearchParams(search);
  const set = new Set(known);
  return [...new Set(query.keys())].filter((k) => !set.has(k));
}

// The view fields that differ from their defaults, as query pairs, in order.
export function viewQueryPairs(view) {
  const pairs = [];
  for (const field of VIEW_FIELDS) {
    const value = view[field];
    if (value === undefined || value === null) continue;
    if (value !== VIEW_DEFAULTS[field]) pairs.push([field, formatViewField(field, value)]);
  }
  return pairs;
}

// Heights (px) that the embedded page's panels need at most, at any width from
// 320 px up (the browser tests check them at 360 and 1280): the charts share
// what is left, and need at least CHART_MIN each.
export const PANEL_HEIGHTS = Object.freeze({
  header: 44, // the title bar with the Run button (controls=run or full)
  controls: 300,
  explanation: 380,
  output: 330,
  ...Object.fromEntries(LENSES.map((l) => [l.name, l.height])),
});
export const CHART_MIN = 230;
const LENS_CLOSED = 64; // a closed lens: its heading
export const CHART_COMFORT = 420;

// A fixed height that fits the panels with each chart at a comfortable size:
// what a snippet without a script uses (and the page then lays itself out to).
export function fittingHeight(panels, controls = "full") {
  // The page's own layout shows the lenses closed (a heading each).
  const list = panels ?? PANELS.filter((p) => p !== "charts" && !LENS_NAMES.includes(p));
  let h = controls === "none" ? 0 : PANEL_HEIGHTS.header;
  for (const p of list) h += CHARTS.includes(p) ? CHART_COMFORT : (PANEL_HEIGHTS[p] ?? 0);
  if (!panels) h += LENS_NAMES.length * LENS_CLOSED;
  return Math.min(HEIGHT_MAX, Math.max(HEIGHT_MIN, h + 16));
}

// The same fields in the shape of link.js's PAGE_FIELDS entries: {initial,
// parse(text), write(value) -> text, or null for the default}.
export function pageFieldEntries() {
  return Object.fromEntries(
    VIEW_FIELDS.map((field) => [
      field,
      {
        initial: VIEW_DEFAULTS[field],
        parse: (text) => parseViewField(field, text),
        write: (value) =>
          value === null || value === VIEW_DEFAULTS[field] ? null : formatViewField(field, value),
      },
    ]),
  );
}

// The link's state: which query fields exist, reading them from an address,
// writing the running config and the page's own fields back, the page URL.
//
// Two kinds of field. The experiment's config fields (seed, batch, ...) are
// defined by the C++ grammar (Module.configFields(), through the worker): here
// they stay text, and the worker parses, checks and resolves them. The page's
// own fields (embed, theme, panels, ...) are PAGE_FIELDS below: a new one is
// one entry there. Any other name in the link goes to the grammar too, which
// reports it as unknown.
import { pageFieldEntries } from "./embed-fields.js";
import { STEP_FIELD } from "./inspect-field.js";
import { PROBE_SEED_FIELD } from "./probe-seed.js";
import { STORY_FIELD } from "./story-table.js";
import { MC_FIELD, MC_FROM_FIELD } from "./mc-math.js";

// Each page field: `parse(text)` -> {ok: true, value} or {ok: false, message}
// (the message names the allowed values), `write(value)` -> the text in the
// link, or null to leave it out (its default), and `initial`, the value when
// the link does not have it. The view fields (embed, theme, panels, ...) are
// defined in embed-fields.js, shared with the <batchnorm-lab> element.
// `step` (the step inspector's step) is defined in inspect-field.js, `probe-seed`
// (the eval-mode probe's seed) in probe-seed.js, `story` (a guided story) in story-table.js,
// `mc` and `mc-from` (the Monte Carlo lens's seeds) in mc-math.js.
export const PAGE_FIELDS = Object.freeze({
  ...pageFieldEntries(),
  step: STEP_FIELD,
  "probe-seed": PROBE_SEED_FIELD,
  story: STORY_FIELD,
  mc: MC_FIELD,
  "mc-from": MC_FROM_FIELD,
});

// Each optional config field's word for "unset" (momentum none, freeze never,
// shift2 same, ...), from the grammar's field list, and its default text. The
// fields the grammar marks alwaysInLink (the article's own) are always written,
// so a shared link pins the run even if a default changes; another (shift,
// freeze, ...) only when it differs from its default, so the article's link
// stays short.
const absentWords = new Map();
const defaultTexts = new Map();
const alwaysWritten = new Set();
export function setConfigFields(fields) {
  for (const f of fields) {
    defaultTexts.set(f.name, f.defaultText);
    if (f.absentWord !== undefined) absentWords.set(f.name, f.absentWord);
    if (f.alwaysInLink) alwaysWritten.add(f.name);
  }
}

// How a config value is written in a link and in the form: an unset field is
// its grammar's word (momentum=None is "none"), every other value its
// JavaScript text (64-bit seeds come as text).
export function formatValue(value, name = "momentum") {
  return value === null ? (absentWords.get(name) ?? "none") : String(value);
}

// Shortens text taken from a link before it is shown (always as text, never
// as HTML): control characters become "?", long values are cut.
export function shownValue(text) {
  const s = String(text).replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  return s.length > 40 ? s.slice(0, 40) + "…" : s;
}

// A comparison's second run (B) is A's config with B's own fields: each
// config field prefixed, `b.momentum=none&b.batch=4`. The grammar checks them
// as it checks A's (compare-worker.js); a refused one is dropped.
export const COMPARE_PREFIX = "b.";

// Reads a query string. Returns {configText, compareText, page, problems}:
// configText maps every non-page name to its text (the grammar decides what
// it means), compareText B's fields (prefix removed), page holds the page
// fields (a bad one keeps its initial value and adds a problem {field, value,
// message}).
export function readLink(search) {
  const query = new URLSearchParams(search);
  const configText = Object.create(null); // names such as __proto__ stay plain keys
  const compareText = Object.create(null);
  const page = initialPage();
  const problems = [];
  for (const [name, text] of query) {
    if (name.startsWith(COMPARE_PREFIX)) {
      compareText[name.slice(COMPARE_PREFIX.length)] = text;
      continue;
    }
    const field = Object.hasOwn(PAGE_FIELDS, name) ? PAGE_FIELDS[name] : null;
    if (!field) {
      // A repeated name: the last one counts, as in the grammar (and the CLI).
      configText[name] = text;
      continue;
    }
    const parsed = field.parse(text);
    if (parsed.ok) page[name] = parsed.value;
    else problems.push({ field: name, value: shownValue(text), message: parsed.message });
  }
  return { configText, compareText, page, problems };
}

export function initialPage() {
  return Object.fromEntries(Object.entries(PAGE_FIELDS).map(([k, f]) => [k, f.initial]));
}

// The query for a config (fields in the grammar's order), page fields and
// B's config when comparing (compare: {config, fields}: B's parsed config and
// the names B sets; each written as the grammar's text of B's value).
export function linkQuery(config, names, page = {}, compare = null) {
  const query = new URLSearchParams();
  for (const name of names) {
    const text = formatValue(config[name], name);
    if (!alwaysWritten.has(name) && text === defaultTexts.get(name)) continue;
    query.set(name, text);
  }
  for (const name of names) {
    if (compare?.fields.includes(name))
      query.set(COMPARE_PREFIX + name, formatValue(compare.config[name], name));
  }
  for (const [name, field] of Object.entries(PAGE_FIELDS)) {
    const text = name in page ? field.write(page[name]) : null;
    if (text !== null) query.set(name, text);
  }
  // Commas stay commas (panels=mean,output): legal in a query, easier to read.
  return query.toString().replace(/%2C/gi, ",");
}

// The page's address for a query: the document's own address, query replaced.
export function pageUrl(query, base = location.href) {
  const url = new URL(base);
  url.search = query;
  url.hash = "";
  return url.toString();
}

// Puts the query into the address bar without a new history entry.
export function writeAddress(query) {
  const search = query ? "?" + query : "";
  if (location.search === search) return;
  try {
    history.replaceState(null, "", search + location.hash);
  } catch {
    // Some file:// setups refuse; the share panel still shows the address.
  }
}

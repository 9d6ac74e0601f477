// DOM helpers of the lens modules: an element builder (text only, never
// HTML), a table cell holding a number with every digit it needs to round-trip,
// and the request to run the current config again (main.js listens for it).

// el("p", {className: "x", "data-testid": "y"}, "text", child, [children]):
// lenses.js's builder (strings become text nodes, never HTML).
import { h as el } from "./lenses.js";

export { el };

// A number as JavaScript's shortest text that reads back to the same double
// (String(x)); NaN as PyTorch prints it, a missing value as a dash.
export function roundTrip(v) {
  if (v === undefined || v === null) return "–";
  if (Number.isNaN(v)) return "nan";
  return String(v);
}

export function valueCell(v, testid) {
  return el("td", { "data-testid": testid }, roundTrip(v));
}

// Asks the page to start the current config again, with `fields` (text by
// name) changed: after a lens changed a page field such as probe-seed, needs
// data the run did not record, or sets a config field (momentum).
export const RERUN_EVENT = "batchnorm-lab:rerun";
export function rerun(node, fields = {}) {
  node.dispatchEvent(new CustomEvent(RERUN_EVENT, { bubbles: true, detail: { fields } }));
}

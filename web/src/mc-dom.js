// The Monte Carlo lens's DOM parts: one figure per statistic (histogram,
// counts table, words beside it), the table of counts, the derivation in
// words, the download of the per-seed lines. Text only, no HTML.
import { h, scrollable } from "./lenses.js";
import { countText, sizeText } from "./format.js";

export const STATS = [
  {
    key: "mean",
    x: "|running_mean − manual_mean| at the end",
    axis: "|running_mean − manual_mean|, channels pooled",
    title: "The mean",
  },
  {
    key: "var",
    x: "|running_var − manual_var| at the end",
    axis: "|running_var − manual_var|, channels pooled",
    title: "The variance",
  },
];

// {canvas, counts, theory, observed, verdict, node} of one statistic.
export function statFigure(s) {
  const canvas = h("canvas", { role: "img", "aria-label": `Histogram of ${s.x}` });
  const counts = h("div", { className: "mc-counts" });
  const theory = h("p", {});
  const observed = h("p", {});
  const verdict = h("p", { dataset: { testid: `mc-verdict-${s.key}` } });
  const node = h(
    "div",
    { className: "lens-columns mc-stat", dataset: { testid: `mc-${s.key}` } },
    h(
      "figure",
      { className: "lens-figure" },
      h("h3", {}, `${s.title}: ${s.x}`),
      h("div", { className: "lens-chart-box" }, canvas),
      h("details", { className: "mc-counts-details" }, h("summary", {}, "The counts"), counts),
    ),
    h("div", { className: "lens-words" }, theory, observed, verdict),
  );
  return { ...s, canvas, counts, theory, observed, verdict, node, chart: null };
}

// The histogram's bins and counts (data-count: the number, for tests).
export function countsTable(key, x, hist) {
  const row = (label, n) =>
    h("tr", {}, h("td", {}, label), h("td", { dataset: { count: String(n) } }, countText(n)));
  const rows = hist.counts.map((n, i) =>
    row(`${sizeText(hist.edges[i])} – ${sizeText(hist.edges[i + 1])}`, n),
  );
  if (hist.nan) rows.push(row("not a number", hist.nan));
  return scrollable(
    h(
      "table",
      { className: "lens-table", dataset: { testid: `mc-counts-${key}` } },
      h("caption", {}, `Counts of ${x}`),
      h(
        "thead",
        {},
        h("tr", {}, h("th", { scope: "col" }, "bin"), h("th", { scope: "col" }, "count")),
      ),
      h("tbody", {}, rows),
    ),
    `Counts of ${x}`,
  );
}

export function derivation() {
  return h(
    "p",
    { className: "hint" },
    "How the theory is derived: each batch's mean b_k is normal with the input's variance / n " +
      "(n = batch·height·width values per channel). running_mean is Σ w_k b_k with " +
      "w_k = m(1 − m)^(T−k) (1/T for momentum None; 0 after a freeze); manual_mean is " +
      "Σ b_k / T. Their difference Σ (w_k − 1/T) b_k is normal with variance " +
      "Σ (w_k − 1/T)² σ_k²/n. For the variance the same weights meet each batch's unbiased " +
      "variance (variance 2σ⁴/(n − 1)) and the start value 1; the spread between batch means " +
      "enters the manual variance only.",
  );
}

// The per-seed lines as a file: bnlab --seeds FROM:K --json's bytes.
export function downloadLines(lines, name) {
  const blob = new Blob([lines.join("\n") + "\n"], { type: "application/x-ndjson" });
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

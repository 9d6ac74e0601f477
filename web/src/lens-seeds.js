// The Monte Carlo lens (lens=seeds): the config run for K seeds in a pool of
// workers (mc-pool.js), histograms of the final |running - manual| of the
// mean and the variance (channels pooled) against the theory (mc-theory.js),
// the link's seed marked, typical or not; K and the first seed in the link
// (mc=, mc-from=), a link with mc= and the lens open runs at once.
import { h } from "./lenses.js";
import { STATS, statFigure, countsTable, downloadLines, derivation } from "./mc-dom.js";
import { formatValue } from "./link.js";
import { countText, sizeText } from "./format.js";
import {
  MC_DEFAULT_COUNT,
  MC_MAX_VALUES,
  parseMcCount,
  parseMcFrom,
  seedRange,
  seedFlags,
  seedValues,
  distances,
  histogram,
  histogramTop,
} from "./mc-math.js";
import { differenceTheory, absPdf, absQuantile } from "./mc-theory.js";
import { theoryWords, observedWords, percentileIn, seedVerdict } from "./mc-words.js";
import { histogramChart, drawHistogram, MARKED_CHANNELS } from "./mc-chart.js";
import { runSeedPool } from "./mc-pool.js";

const BINS = 30;

function field(id, label, input, hint) {
  const error = h("p", { className: "field-error", id: `e-${id}`, hidden: true });
  return {
    error,
    node: h("div", { className: "field" }, h("label", { htmlFor: id }, label, hint), input, error),
  };
}

export function seedsLens({ body, state, onLink }) {
  body.classList.add("lens-wide");
  const kInput = h("input", { id: "mc-k", type: "number", min: "1", max: "10000", step: "1" });
  const fromInput = h("input", { id: "mc-from", type: "text", inputMode: "numeric" });
  const k = field("mc-k", "Seeds (K)", kInput);
  const from = field("mc-from", "First seed", fromInput);
  const run = h("button", { type: "button", className: "button primary" }, "Run the seeds");
  const cancel = h("button", { type: "button", className: "button", disabled: true }, "Cancel");
  const save = h("button", { type: "button", className: "button", disabled: true });
  save.textContent = "Download per-seed values (.jsonl)";
  const bar = h("progress", { max: "1", value: "0", "aria-label": "Seeds done" });
  const status = h("p", {
    className: "lens-status",
    role: "status",
    dataset: { testid: "mc-status" },
  });
  const figures = STATS.map(statFigure);
  body.append(
    h(
      "p",
      {},
      "One run answers “what happened with this seed”. Is it typical? This runs the same " +
        "config (every field but the seed) for K seeds, each in full and bit for bit as ",
      h("code", {}, "bnlab --seeds FROM:K --json"),
      " prints it, on a pool of workers, and shows where the final distance between the " +
        "running statistics and the manual ones falls.",
    ),
    h(
      "div",
      { className: "mc-controls" },
      k.node,
      from.node,
      h("p", { className: "lens-actions" }, run, cancel),
    ),
    h("div", { className: "mc-progress" }, bar, status),
    ...figures.map((f) => f.node),
    h("p", { className: "lens-actions" }, save),
    derivation(),
  );

  let result = null; // {key, count, from, seeds: [], lines, channels, done, cancelled, workers}
  let pool = null;
  let pending = null;
  let askedByLink = state.page.mc !== null && state.page.mc !== undefined;

  const configKey = () =>
    state.config ? seedFlags(state.config, state.names, formatValue).join(" ") : "";
  const fillInputs = () => {
    kInput.value = String(state.page.mc ?? MC_DEFAULT_COUNT);
    fromInput.value = state.page["mc-from"] ?? String(state.config?.seed ?? 21);
  };
  const setError = (f, message) => {
    f.error.textContent = message ?? "";
    f.error.hidden = !message;
    const input = f.node.querySelector("input");
    if (message) input.setAttribute("aria-invalid", "true");
    else input.removeAttribute("aria-invalid");
    if (message) input.setAttribute("aria-describedby", f.error.id);
    else input.removeAttribute("aria-describedby");
  };

  function stop() {
    pool?.cancel();
    pool = null;
    cancel.disabled = true;
    run.disabled = false;
  }

  function start() {
    const c = state.config;
    if (!c) return;
    setError(k, null);
    setError(from, null);
    const kk = parseMcCount(kInput.value);
    const ff = parseMcFrom(fromInput.value);
    if (!kk.ok) setError(k, kk.message.replace(/^mc/, "K"));
    if (!ff.ok) setError(from, ff.message.replace(/^mc-from/, "The first seed"));
    if (!kk.ok || !ff.ok) return;
    if (c.steps === 0)
      return void (status.textContent = "steps = 0: no batch, nothing to compare.");
    const most = Math.floor(MC_MAX_VALUES / c.channels);
    if (kk.value > most) {
      setError(
        k,
        `K × channels must be at most ${countText(MC_MAX_VALUES)}: K at most ${countText(Math.max(1, most))} for ${countText(c.channels)} channels`,
      );
      return;
    }
    const range = seedRange(ff.value, kk.value);
    if (!range.ok) return setError(from, range.message);
    stop();
    state.page.mc = kk.value;
    state.page["mc-from"] = ff.value === String(c.seed) ? null : ff.value;
    onLink?.();
    const key = configKey();
    const flags = seedFlags(c, state.names, formatValue);
    result = { key, count: kk.value, from: ff.value, seeds: [], channels: c.channels };
    result.seeds = new Array(kk.value).fill(null);
    const valuesPerSeed = c.steps * c.batch * c.channels * c.height * c.width;
    const t0 = performance.now();
    const mine = runSeedPool({
      flags,
      from: ff.value,
      count: kk.value,
      valuesPerSeed,
      onProgress(jobs, job, lines) {
        if (pool !== mine) return;
        lines.forEach((line, i) => (result.seeds[job.index + i] = seedValues(line)));
        result.done = jobs.done;
        bar.value = jobs.done / jobs.count;
        status.textContent = `Running on ${mine.workers} worker${mine.workers === 1 ? "" : "s"}: ${countText(jobs.done)} of ${countText(jobs.count)} seeds.`;
        schedule();
      },
    });
    pool = mine;
    result.workers = mine.workers;
    run.disabled = true;
    cancel.disabled = false;
    save.disabled = true;
    bar.value = 0;
    status.textContent = `Starting ${mine.workers} worker${mine.workers === 1 ? "" : "s"}…`;
    mine.done.then(
      ({ cancelled, jobs }) => {
        if (pool !== mine && !cancelled) return;
        result.lines = jobs.prefix();
        result.cancelled = cancelled;
        const s = ((performance.now() - t0) / 1000).toFixed(1);
        status.textContent = cancelled
          ? `Cancelled after ${countText(jobs.done)} of ${countText(jobs.count)} seeds.`
          : `Done: ${countText(jobs.count)} seeds on ${mine.workers} worker${mine.workers === 1 ? "" : "s"} in ${s} s.`;
        if (pool === mine) pool = null;
        cancel.disabled = true;
        run.disabled = false;
        save.disabled = !result.lines.length;
        render();
      },
      (error) => {
        if (pool === mine) pool = null;
        cancel.disabled = true;
        run.disabled = false;
        status.textContent = `The seeds could not run: ${error.message}`;
      },
    );
  }

  // While the seeds run, the histograms grow twice a second (the progress bar
  // at every job): little work for the main thread, which the workers share.
  // Each statistic in its own task, so that no task holds the main thread long.
  function schedule() {
    if (pending !== null) return;
    pending = setTimeout(() => {
      render("mean");
      pending = setTimeout(() => ((pending = null), render("var")), 0);
    }, 500);
  }

  // The theory of one config (a loop over its steps: once per config).
  let theory = { key: null, value: null };
  const theoryOf = (c) => {
    const key = configKey();
    if (theory.key !== key) theory = { key, value: differenceTheory(c) };
    return theory.value;
  };

  // Redraws both statistics, or only the one named.
  function render(only = null) {
    const t0 = performance.now();
    const c = state.config;
    const done = result ? result.seeds.filter(Boolean) : [];
    body.dataset.mcDone = String(done.length);
    const th = c ? theoryOf(c) : null;
    for (const f of figures) {
      if (only && f.key !== only) continue;
      f.chart ??= histogramChart(f.canvas, { xTitle: f.axis });
      const t = th?.[f.key] ?? null;
      f.theory.textContent = c ? theoryWords(f.key, t, c) : "";
      const model = (total) =>
        t && t.sd > 0 ? { sd: t.sd, total, pdf: (x) => absPdf(x, t.mu, t.sd) } : null;
      if (!done.length) {
        // Before a run: what the theory expects for K seeds (predict, then run).
        const k = parseMcCount(kInput.value).value ?? MC_DEFAULT_COUNT;
        const top = histogramTop([], t && t.sd > 0 ? absQuantile(0.999, t.mu, t.sd) : 0);
        f.observed.textContent =
          "Before the run the chart shows the theory alone: where do you expect this seed? " +
          "Press “Run the seeds” to see the distribution.";
        f.verdict.replaceChildren();
        f.counts.replaceChildren();
        f.counts.parentElement.hidden = true; // no counts to show yet
        drawHistogram(f.chart, histogram([], BINS, top), model(k * (c?.channels ?? 1)), [], "");
        continue;
      }
      const values = distances(done, f.key);
      const hi = histogramTop(values, t && t.sd > 0 ? absQuantile(0.999, t.mu, t.sd) : 0);
      const hist = histogram(values, BINS, hi);
      const sorted = Float64Array.from(values.filter((v) => !Number.isNaN(v))).sort();
      const total = values.length;
      const seed = String(c.seed);
      const mine = done.find((v) => v.seed === seed);
      const marks = mine
        ? [...distances([mine], f.key)].slice(0, MARKED_CHANNELS).map((x, ch) => ({
            x,
            note: `seed ${seed}, channel ${ch}: ${sizeText(x)} (percentile ${Math.round(percentileIn(sorted, x))})`,
          }))
        : [];
      drawHistogram(f.chart, hist, model(total), marks, `seed ${seed} (each channel)`);
      f.canvas.setAttribute(
        "aria-label",
        `Histogram of ${f.x} over ${countText(done.length)} seeds, ${countText(total)} values`,
      );
      f.observed.textContent = observedWords(sorted, done.length, c.channels);
      // The seed's own summary (what the article prints) among every seed's.
      const summaries = Float64Array.from(done, (v) => v.meanAbsDiff[f.key] ?? NaN).sort();
      const value = mine?.meanAbsDiff[f.key];
      const found = mine ? { value, percentile: percentileIn(summaries, value) } : null;
      const { head, rest } = seedVerdict(seed, f.key, found);
      f.verdict.replaceChildren(h("strong", {}, head), rest);
      if (!pool) f.counts.replaceChildren(countsTable(f.key, f.x, hist));
      f.counts.parentElement.hidden = Boolean(pool); // the table comes at the end
    }
    // For the bench and curious readers (DevTools' timings): the cost of a redraw.
    performance.measure("seeds-lens-render", { start: t0 });
  }

  run.addEventListener("click", () => start());
  cancel.addEventListener("click", () => stop());
  save.addEventListener("click", () => {
    if (result?.lines?.length)
      downloadLines(
        result.lines,
        `batchnorm-lab-seeds-${result.from}-${result.lines.length}.jsonl`,
      );
  });
  kInput.addEventListener("input", () => !result && render());
  for (const input of [kInput, fromInput])
    input.addEventListener("keydown", (e) => e.key === "Enter" && start());

  const open = () => body.closest("details")?.open === true;
  return {
    config() {
      if (result && result.key !== configKey()) {
        stop();
        result = null;
        status.textContent = "The config changed: run the seeds again.";
        bar.value = 0;
        save.disabled = true;
      }
      fillInputs();
      render();
      if (askedByLink && open()) {
        askedByLink = false;
        start();
      }
    },
    opened() {
      if (askedByLink && state.config) {
        askedByLink = false;
        start();
      }
    },
    theme() {
      for (const f of figures) {
        f.chart?.destroy();
        f.chart = null;
      }
      render();
    },
  };
}

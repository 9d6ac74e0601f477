// Side by side: run B, A's config with some fields changed (`b.FIELD=` in
// the link), checked by the grammar in the worker with A's start and run
// there to its end as a second experiment; drawn over A's charts
// (compare-chart.js), with the "Compare with…" control, the A/B legend above
// the charts, what changed and what to look at, and B's printed output.
import { h } from "./inspect-view.js";
import { TraceStore } from "./trace.js";
import { MAX_SHOWN_CHANNELS } from "./chart-style.js";
import { formatValue, shownValue, COMPARE_PREFIX } from "./link.js";
import { differences, legendText, sideText, lookAt, finalDifferences } from "./compare-words.js";

// The fields the control offers, with a value for B that shows something.
const CHOICES = [
  ["momentum", "momentum", (a) => (a.momentum === null ? "0.1" : "none")],
  ["batch", "batch size", (a) => (a.batch === 4 ? "20" : "4")],
  ["shift", "shift (inputs' mean)", (a) => (a.shift === 0 ? "2" : "0")],
  ["seed", "seed", (a) => String(BigInt(a.seed) + 1n)],
  ["steps", "steps", (a) => String(Math.max(1, Math.round(a.steps / 4)))],
];
const TRIES = [
  ["momentum none", { momentum: "none" }],
  ["batch 4", { batch: "4" }],
  ["shift 2", { shift: "2" }],
  ["another seed", null],
];

export class Compare {
  // onChange(): B changed (the page rewrites its address and its share panel).
  constructor({ state, engine, charts, root, legend, onChange }) {
    this.state = state;
    this.engine = engine;
    this.charts = charts;
    this.root = root;
    this.legend = legend;
    this.onChange = onChange;
    this.text = null; // B's fields as text by name, for the worker
    this.token = 0;
    state.compare = null;
    this.#build();
  }

  // B's fields from the link (before the first start).
  setLink(compareText) {
    this.text = Object.keys(compareText).length ? { ...compareText } : null;
  }

  // B's fields for A's next start (the worker checks them against A's config).
  fields() {
    return this.text;
  }

  // A started: reply.compare is the grammar's verdict on B. Returns the notice
  // lines for B's fields that were dropped, and runs what is left of B.
  configured(reply) {
    const resolved = reply.compare ?? null;
    const lines = (resolved?.dropped ?? []).map(
      (d) =>
        `“${COMPARE_PREFIX}${shownValue(d.field)}” = “${shownValue(this.text?.[d.field] ?? "")}”: ` +
        `${d.message}. Dropped: run B keeps A's value.`,
    );
    this.#accept(resolved);
    if (this.state.compare) this.#run(this.state.compare).catch((e) => this.#say(e.message));
    this.render();
    if (lines.length) this.#say(lines.join(" "));
    return lines;
  }

  #accept(resolved) {
    // The charts drop the old B at A's next setup, or at once when B stops.
    this.charts.compare = null;
    if (!resolved?.ok) {
      this.text = null;
      this.state.compare = null;
      return;
    }
    const { config, fields } = resolved;
    this.text = Object.fromEntries(fields.map((n) => [n, formatValue(config[n], n)]));
    this.state.compare = { config, fields, store: null, articleOutput: "" };
    // The control shows B's last field that it offers, with B's value.
    const shown = fields.filter((n) => CHOICES.some(([name]) => name === n)).at(-1);
    if (shown) {
      this.field.value = shown;
      this.value.value = this.text[shown];
    }
  }

  async #run(b) {
    const token = ++this.token;
    this.root.dataset.compare = "running";
    const reply = await this.engine.request("compare", {
      base: this.state.config,
      overrides: this.text,
    });
    if (token !== this.token || this.state.compare !== b) return;
    if (!reply.run || reply.run.ok === false) {
      this.#say(`Run B cannot run: ${reply.run?.message ?? "its fields were refused"}.`);
      this.stop();
      return;
    }
    const { channels, totalSteps, chunks, articleOutput } = reply.run;
    const shown = Math.min(channels, MAX_SHOWN_CHANNELS);
    b.store = new TraceStore(channels, totalSteps, { shownChannels: shown });
    for (const chunk of chunks) b.store.append(chunk);
    b.articleOutput = articleOutput;
    this.charts.setCompare(b, () => this.state.status === "finished");
    this.root.dataset.compare = "ready";
    this.render();
  }

  // A choice of the control: B gets `fields` (text by name) on top of the
  // fields it has (or only these, with `only`).
  async pick(fields, { only = false } = {}) {
    if (!this.state.config) return;
    const text = { ...(only ? {} : (this.text ?? {})), ...fields };
    const reply = await this.engine.request("compare", {
      base: this.state.config,
      overrides: text,
    });
    const refused = (reply.resolved?.dropped ?? []).filter((d) => d.field in fields);
    if (refused.length || !reply.resolved?.ok) {
      const why = refused.map((d) => `${COMPARE_PREFIX}${d.field}: ${d.message}`);
      this.#say(`Not changed. ${why.join(" ") || "B cannot run."}`);
      return;
    }
    this.text = text;
    this.#accept(reply.resolved);
    this.#say("");
    await this.#run(this.state.compare);
    this.onChange();
  }

  stop() {
    this.token++;
    this.text = null;
    this.state.compare = null;
    this.charts.setCompare(null);
    delete this.root.dataset.compare;
    this.render();
    this.onChange();
  }

  #say(text) {
    this.status.textContent = text;
  }

  #build() {
    this.field = h("select", { id: "compare-field" });
    for (const [name, label] of CHOICES)
      this.field.append(h("option", { value: name, text: label }));
    this.value = h("input", { id: "compare-value", type: "text", spellcheck: "false", size: "8" });
    this.field.addEventListener("change", () => this.#suggest());
    const go = h("button", { type: "button", class: "button primary", id: "compare-go" });
    go.textContent = "Compare";
    go.addEventListener("click", () =>
      this.pick({ [this.field.value]: this.value.value.trim() }).catch((e) => this.#say(e.message)),
    );
    this.value.addEventListener("keydown", (event) => {
      if (event.key === "Enter") go.click();
    });
    this.stopButton = h("button", { type: "button", class: "button", id: "compare-stop" });
    this.stopButton.textContent = "Stop comparing";
    this.stopButton.addEventListener("click", () => this.stop());
    const tries = TRIES.map(([label, fields]) => {
      const b = h("button", { type: "button", class: "button small", text: label });
      b.addEventListener("click", () => {
        const f = fields ?? { seed: String(BigInt(this.state.config.seed) + 1n) };
        this.pick(f, { only: true }).catch((e) => this.#say(e.message));
      });
      return b;
    });
    this.status = h("p", { class: "compare-status", id: "compare-status", role: "status" });
    this.words = h("div", { class: "compare-words", id: "compare-words" });
    this.output = h("pre", { class: "code", "data-testid": "compare-output", tabindex: "0" });
    this.outputBox = h(
      "details",
      { class: "compare-output" },
      h("summary", { text: "What the article's script prints for B" }),
      this.output,
    );
    this.root.replaceChildren(
      h("h2", { id: "compare-title", text: "Compare with…" }),
      h("p", {
        class: "hint",
        text: "Run a second config, B, beside this one, A: the same settings and seed with one field changed, drawn on the same charts.",
      }),
      h(
        "div",
        { class: "compare-pick", role: "group", "aria-label": "Run B's field and value" },
        h("label", { for: "compare-field", text: "B's field" }),
        this.field,
        h("label", { for: "compare-value", text: "B's value" }),
        this.value,
        go,
        this.stopButton,
      ),
      h("div", { class: "compare-tries", role: "group", "aria-label": "Try" }, ...tries),
      this.status,
      this.words,
      this.outputBox,
    );
  }

  #suggest() {
    const choice = CHOICES.find(([name]) => name === this.field.value);
    if (choice && this.state.config) this.value.value = choice[2](this.state.config);
  }

  // The legend, the words and B's output, for the runs as they are.
  render() {
    const b = this.state.compare;
    const a = this.state.config;
    if (a && !this.value.value) this.#suggest();
    this.stopButton.hidden = !b;
    this.outputBox.hidden = !b?.store;
    if (!b || !a) {
      this.legend.hidden = true;
      this.words.replaceChildren();
      this.output.textContent = "";
      return;
    }
    const diffs = differences(a, b.config, this.state.names);
    this.legend.hidden = false;
    this.legend.dataset.text = legendText(diffs);
    // Each key with its word, kept on one line.
    const key = (cls, word) => h("span", { class: "k" }, h("span", { class: `key ${cls}` }), word);
    this.legend.replaceChildren(
      h(
        "span",
        { class: "compare-side" },
        h("strong", { text: `A: ${sideText(diffs, "a")}` }),
        key("solid", "running"),
        key("dashed", "manual"),
        h("span", { class: "compare-note", text: "(channel colours)" }),
      ),
      h(
        "span",
        { class: "compare-side" },
        h("strong", { text: `B: ${sideText(diffs, "b")}` }),
        key("b-running", "running"),
        key("b-manual", "manual"),
        h("span", { class: "compare-note", text: "(dark lines)" }),
      ),
    );
    const changed = diffs.length
      ? `What changed: ${diffs.map((d) => `${d.name} ${d.a} → ${d.b}`).join(", ")}.`
      : "B has the same config as A.";
    const paragraphs = [changed, ...lookAt(diffs)].map((text) => h("p", { text }));
    const fa = finalDifferences(this.state.status === "finished" ? this.state.articleOutput : "");
    const fb = b.store ? finalDifferences(b.articleOutput) : null;
    if (fa && fb) {
      paragraphs.push(
        h("p", {
          class: "compare-final",
          text:
            `At the end, |manual − running| averaged over the channels: A mean ${fa.mean}, ` +
            `variance ${fa.variance}; B mean ${fb.mean}, variance ${fb.variance}.`,
        }),
      );
    }
    this.words.replaceChildren(...paragraphs);
    if (this.output.textContent !== b.articleOutput) this.output.textContent = b.articleOutput;
  }
}

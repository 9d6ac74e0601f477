// The step inspector: a slider (and the charts, by hover or click) picks a
// step; the panel shows that step's batch statistics per channel, BatchNorm2d's
// update of the focused channel written out with PyTorch's float32 numbers,
// and how much each past batch weighs in running_mean after it. The step is
// in the link (`step=`). Text only through textContent.
import { stepValues } from "./inspect-math.js";
import { fitStep } from "./inspect-field.js";
import { setMarker, setMarkerHandlers, setMarkerRange } from "./inspect-marker.js";
import { h, numberText, batchTable, updateLines, weightsFigure } from "./inspect-view.js";
import { showNotices } from "./notices.js";

const fmt = new Intl.NumberFormat("en-US");

export class Inspector {
  // onLink(): the step pinned changed (the page rewrites its address).
  constructor({ state, charts, root, onLink }) {
    this.state = state;
    this.charts = charts;
    this.root = root;
    this.onLink = onLink;
    this.preview = null; // a step hovered on a chart
    this.key = "";
    this.note = "";
    this.#build();
    setMarkerHandlers({
      onHover: (step) => {
        this.preview = step;
        this.render();
      },
      onPick: (step) => this.pin(step),
    });
  }

  #build() {
    this.slider = h("input", {
      type: "range",
      id: "inspect-step",
      min: "1",
      max: "1",
      step: "1",
      value: "1",
    });
    this.stepText = h("output", { id: "inspect-step-text", for: "inspect-step" });
    this.latest = h("button", { type: "button", class: "button small", text: "Last step" });
    this.bits = h("input", { type: "checkbox", id: "inspect-bits" });
    this.status = h("p", { class: "inspect-status", id: "inspect-status" });
    this.table = h("table", { class: "inspect-table" });
    this.rule = h("div", { class: "inspect-rule", id: "inspect-rule" });
    this.figure = h("div", { class: "inspect-weights" });
    this.figCaption = h("figcaption");
    this.root.replaceChildren(
      h(
        "header",
        { class: "inspect-head" },
        h("h2", { id: "inspector-title", text: "Step inspector" }),
        h(
          "div",
          { class: "inspect-scrub" },
          h("label", { for: "inspect-step", text: "Step" }),
          this.slider,
          this.stepText,
          this.latest,
        ),
      ),
      this.status,
      h(
        "div",
        { class: "inspect-body" },
        h(
          "div",
          { class: "inspect-numbers" },
          h(
            "div",
            {
              class: "inspect-scroll",
              tabindex: "0",
              role: "region",
              "aria-label": "Batch statistics per channel",
            },
            this.table,
          ),
          this.rule,
          h(
            "p",
            { class: "check" },
            this.bits,
            h("label", { for: "inspect-bits", text: "Show the float32 bits (hex)" }),
          ),
        ),
        h("figure", { class: "inspect-figure" }, this.figure, this.figCaption),
      ),
    );
    this.root.setAttribute("aria-labelledby", "inspector-title");
    this.slider.setAttribute("aria-describedby", "inspect-status");
    this.slider.addEventListener("input", () => this.pin(Number(this.slider.value)));
    this.latest.addEventListener("click", () => this.pin(null));
    this.bits.addEventListener("change", () => this.render(true));
    // The lesson's channel picker moves the focus: follow it after its handler ran.
    document
      .getElementById("channel-picker")
      ?.addEventListener("click", () => requestAnimationFrame(() => this.render()));
  }

  // A step picked by the reader (null: follow the last step).
  pin(step) {
    this.state.page.step = step;
    this.preview = null;
    this.note = "";
    this.render();
    clearTimeout(this.linkTimer);
    this.linkTimer = setTimeout(() => this.onLink(), 150);
  }

  // A new run: the slider's range; a step past the run's end moves to its
  // last step, with a notice for the link's (the first run's, after the boot's
  // own notices).
  started() {
    const fromLink = !this.seenRun;
    this.seenRun = true;
    const total = this.state.store?.totalSteps ?? 0;
    this.slider.max = String(Math.max(1, total));
    this.slider.disabled = total < 1;
    const fit = fitStep(this.state.page.step, total);
    this.note = fit.message;
    if (fit.message && this.state.page.step !== null) {
      this.state.page.step = total >= 1 ? fit.step : null;
      if (fromLink) setTimeout(() => addNotice(`“step”: ${fit.message}.`), 0);
      this.onLink();
    }
    this.render(true);
  }

  // The step shown: hovered, pinned, or the last run.
  current() {
    const store = this.state.store;
    if (!store) return 0;
    return this.preview ?? this.state.page.step ?? store.stepsDone;
  }

  render(force = false) {
    const { store, config } = this.state;
    if (this.root.hidden || !config) return;
    const step = this.current();
    const c = this.charts.focus;
    const done = store ? store.stepsDone : 0;
    const key = [
      step,
      c,
      done >= step,
      this.bits.checked,
      store?.totalSteps,
      config.momentum,
    ].join();
    setMarkerRange(done);
    setMarker(store && step >= 1 && step <= done ? step : null, this.charts.focusColor());
    if (!force && key === this.key) return;
    // Following a run in progress: a few redraws a second are enough to read.
    const now = performance.now();
    const live = this.state.status === "running" && this.state.page.step === null;
    if (!force && live && this.preview === null && now - (this.drawnAt ?? 0) < 250) {
      clearTimeout(this.liveTimer);
      this.liveTimer = setTimeout(() => this.render(), 260);
      return;
    }
    this.drawnAt = now;
    this.key = key;
    if (document.activeElement !== this.slider) this.slider.value = String(Math.max(step, 1));
    const total = store?.totalSteps ?? 0;
    this.stepText.textContent = step >= 1 ? `${fmt.format(step)} of ${fmt.format(total)}` : "–";
    this.slider.setAttribute("aria-valuetext", `step ${fmt.format(step)} of ${fmt.format(total)}`);
    const following = this.state.page.step === null && this.preview === null;
    this.latest.disabled = following;
    if (!store || step < 1 || step > done) {
      this.status.textContent =
        total < 1
          ? "This run has no steps to inspect."
          : `Step ${fmt.format(step)} has not run yet (${fmt.format(done)} of ${fmt.format(total)} done).`;
      this.table.replaceChildren();
      this.rule.replaceChildren();
      this.figure.replaceChildren();
      this.figCaption.textContent = "";
      return;
    }
    const values = Array.from({ length: store.shown }, (_, ch) =>
      stepValues(store.chunks, store.channels, step, ch),
    );
    const v = values[Math.min(c, values.length - 1)];
    if (!v) {
      const [first, last] = store.droppedRanges().find(([, b]) => b >= step - 1) ?? [step, step];
      this.status.textContent =
        `Step ${fmt.format(step)} is in the middle of a long run, whose per-step values the page ` +
        `does not keep, so that its memory stays flat (steps ${fmt.format(first)} to ` +
        `${fmt.format(last)} are dropped; the first and the latest are kept). ` +
        `bnlab with --steps ${step} --json prints the running statistics after it.`;
      this.table.replaceChildren();
      this.rule.replaceChildren();
      this.figure.replaceChildren();
      this.figCaption.textContent = "";
      return;
    }
    const how =
      this.preview !== null ? "hovered on a chart" : following ? "the last step run" : "picked";
    this.status.textContent = `Step ${fmt.format(step)} (${how}), channel ${v.channel}. ${this.note ? this.note + ". " : ""}Arrow keys on the slider move one step; hover or click a chart to pick one.`;
    const num = (x, o = {}) => numberText(x, { ...o, bits: this.bits.checked });
    batchTable(this.table, values, c, num);
    updateLines(this.rule, v, config, num);
    weightsFigure(this.figure, this.figCaption, v, config);
  }
}

// Adds a line to the notice box (or opens it), keeping what it already says.
function addNotice(text) {
  const box = document.getElementById("notices");
  const list = document.getElementById("notice-list");
  if (box && !box.hidden && list) {
    list.append(h("li", { text }));
    list.hidden = false;
  } else {
    showNotices("Some settings in the link could not be used as given:", [text]);
  }
}

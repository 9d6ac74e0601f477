// The guided stories on the page (story=NAME): the question, the reader's
// prediction first, then the run that reveals the answer beside it, why, and
// next/previous/leave; plus the stories' index in the header. Text only.
import { STORIES, storyByName, neighbours, storyConfigText } from "./story-table.js";
import { answerParts, summarize } from "./story-answer-view.js";
import { h } from "./lenses.js";
import { showNotices } from "./notices.js";

export class Stories {
  // state: the page's state; session, lenses, engine: as main.js has them;
  // onLeave(): the story was left (the address and the share panel follow).
  constructor({ state, session, lenses, engine, onLeave }) {
    Object.assign(this, { state, session, lenses, engine, onLeave });
    this.story = storyByName(state.page.story);
    this.revealed = false;
    this.pending = false;
    this.held = null;
    // The story opens its lenses with the answer: a link's lens= would show it early.
    if (this.story) state.page.lens = null;
  }

  // The config the page starts with: the story's own (complete: every field
  // it does not name takes its default), else the link's.
  configText(linkText) {
    return this.story ? storyConfigText(this.story) : linkText;
  }

  // Until the reader has predicted, nothing plays and no notice gives it away.
  holdsRun() {
    return this.story !== null && !this.revealed;
  }

  // Run or Step pressed before the prediction: no peeking; the story asks
  // for the prediction instead. True when it held the run.
  askFirst() {
    if (!this.holdsRun()) return false;
    this.hint.textContent =
      "Make your prediction first: this story runs the experiment when you reveal the answer.";
    this.section.scrollIntoView({ block: "nearest" });
    this.form.querySelector("input")?.focus();
    return true;
  }

  holdNotices(title, messages) {
    if (!this.holdsRun()) return false;
    this.held = { title, messages };
    return true;
  }

  // The index in the header (hidden while a story is open) and the story's panel.
  mount(app) {
    this.menu = this.#index("story-menu");
    const header = app.querySelector(".site-header");
    const menu = h(
      "details",
      { className: "story-menu", hidden: this.story !== null },
      h("summary", {}, "Guided stories"),
      h(
        "div",
        { className: "story-menu-panel" },
        h("p", { className: "story-menu-note" }, "Predict first, then run PyTorch's numbers:"),
        this.menu,
      ),
    );
    header?.append(menu);
    this.menuBox = menu;
    if (!this.story) return;
    this.section = this.#panel(this.story);
    app.querySelector("main.layout").before(this.section);
  }

  #href(story) {
    const q = new URLSearchParams({ story: story.name });
    if (this.state.page.embed) q.set("embed", "1");
    if (this.state.page.theme !== "auto") q.set("theme", this.state.page.theme);
    return `?${q}`;
  }

  #index(className) {
    return h(
      "ol",
      { className },
      STORIES.map((s) =>
        h(
          "li",
          {},
          h(
            "a",
            {
              href: this.#href(s),
              "aria-current": s === this.story ? "page" : "false",
              dataset: { story: s.name },
            },
            s.title,
          ),
        ),
      ),
    );
  }

  #panel(story) {
    const { previous, next, index } = neighbours(story.name);
    this.hint = h("p", { className: "story-hint", role: "status" });
    this.button = h(
      "button",
      { type: "submit", className: "button primary", dataset: { testid: "story-reveal" } },
      "Run it and reveal the answer",
    );
    this.form = h(
      "form",
      { className: "story-predict", noValidate: true },
      this.#predictInput(story),
      h("div", { className: "story-go" }, this.button, this.hint),
    );
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.reveal();
    });
    this.answer = h("div", {
      className: "story-answer",
      hidden: true,
      dataset: { testid: "story-answer" },
    });
    const leave = h("button", { type: "button", className: "button" }, "Explore this run freely");
    leave.addEventListener("click", () => this.leave());
    const link = (s, text, rel) =>
      s ? h("a", { className: "button small", href: this.#href(s), rel }, text) : null;
    return h(
      "section",
      {
        className: "card story",
        id: "story",
        "aria-labelledby": "story-title",
        dataset: { story: story.name },
      },
      h("p", { className: "story-kicker" }, `Guided story ${index + 1} of ${STORIES.length}`),
      h("h2", { id: "story-title" }, story.title),
      h(
        "p",
        { className: "story-question", dataset: { testid: "story-question" } },
        story.question,
      ),
      this.form,
      this.answer,
      h(
        "nav",
        { className: "story-nav", "aria-label": "Guided stories" },
        h(
          "div",
          { className: "story-steps" },
          link(previous, `← ${previous?.title}`, "prev"),
          link(next, `Next: ${next?.title} →`, "next"),
          leave,
        ),
        h(
          "details",
          { className: "story-index" },
          h("summary", {}, "All stories"),
          this.#index("story-list"),
        ),
      ),
    );
  }

  #predictInput(story) {
    const p = story.predict;
    if (p.kind === "choice") {
      return h(
        "fieldset",
        { className: "story-choices" },
        h("legend", {}, "Your prediction"),
        p.choices.map((c, i) =>
          h(
            "label",
            { className: "story-choice" },
            h("input", { type: "radio", name: "story-choice", value: c.value, id: `story-c${i}` }),
            h("span", {}, c.label),
          ),
        ),
      );
    }
    this.touched = false;
    const out = h("output", { className: "story-value", htmlFor: "story-estimate" });
    const range = h("input", {
      type: "range",
      id: "story-estimate",
      min: p.min,
      max: p.max,
      step: p.step,
      value: p.initial,
    });
    const show = () => (out.textContent = Number(range.value).toFixed(2).replace("-", "−"));
    range.addEventListener("input", () => {
      this.touched = true;
      show();
    });
    show();
    const ticks = h(
      "div",
      { className: "story-ticks", "aria-hidden": "true" },
      h("span", {}, String(p.min).replace("-", "−")),
      h("span", {}, String((p.min + p.max) / 2)),
      h("span", {}, String(p.max)),
    );
    return h(
      "fieldset",
      { className: "story-estimate" },
      h("legend", {}, "Your prediction"),
      h("label", { htmlFor: "story-estimate" }, p.label),
      h("div", { className: "story-slider" }, range, out),
      ticks,
    );
  }

  // The reader's prediction, or null before one is made.
  prediction() {
    if (this.story.predict.kind === "choice") {
      return this.form.querySelector("input[name=story-choice]:checked")?.value ?? null;
    }
    return this.touched ? Number(this.form.querySelector("#story-estimate").value) : null;
  }

  async reveal() {
    const prediction = this.prediction();
    if (prediction === null || this.pending) {
      if (prediction === null) {
        const choice = this.story.predict.kind === "choice";
        this.hint.textContent = choice
          ? "Pick one of the answers first."
          : "Move the slider to your estimate first (arrow keys work).";
        this.form.querySelector("input")?.focus();
      }
      return;
    }
    this.prediction_ = prediction;
    this.pending = true;
    this.revealed = true;
    for (const el of this.form.querySelectorAll("input, button")) el.disabled = true;
    this.hint.textContent = "Running the experiment…";
    // The lens goes with the answer; the probe lens must be open before the run starts.
    this.lenses.open(this.story.lens);
    const error = this.engine
      .request("check", { fields: storyConfigText(this.story) })
      .then((r) => r?.errors?.find((e) => e.pytorchError)?.pytorchError ?? null)
      .catch(() => null);
    this.pytorchError = await error;
    const reply = await this.session.start(this.session.fields());
    if (reply.ok === false) this.hint.textContent = "This story's config cannot run.";
    // A run of no steps, or one drawn at once, may have finished already.
    else this.status(this.state);
  }

  // Called on every status change of the page: the run the reveal started has finished.
  status(state) {
    if (!this.pending || state.status !== "finished" || !state.store) return;
    this.pending = false;
    const { parts, title } = answerParts(
      this.story,
      this.prediction_,
      summarize(state, this.pytorchError),
    );
    this.hint.textContent = "";
    this.button.hidden = true;
    this.answer.replaceChildren(...parts);
    this.answer.hidden = false;
    title.focus();
    if (this.held) showNotices(this.held.title, this.held.messages);
    this.held = null;
  }

  // Back to the free page with the story's config: the run stays, the link
  // loses story=, the index comes back to the header.
  leave() {
    this.state.page.story = null;
    this.story = null;
    this.pending = false;
    this.section?.remove();
    this.menuBox.hidden = false;
    if (this.held) showNotices(this.held.title, this.held.messages);
    this.held = null;
    this.onLeave();
    document.getElementById("charts")?.focus();
  }
}

// The lens panels on the page: one <section data-panel=NAME> per entry of
// lens-table.js, each a <details> that the link (lens=...), an embed's
// panels=... or the reader opens. A lens module registers hooks that follow
// the run; this file only mounts, opens and notifies. Text only, no HTML.
import { LENSES } from "./lens-table.js";

// hooks a lens module may give (all optional): config(state) when a config
// starts, trace(state) as steps arrive, finished(state), theme().
export class Lenses {
  constructor({ state, engine, onToggle }) {
    this.state = state;
    this.engine = engine;
    this.onToggle = onToggle;
    this.sections = new Map();
    this.hooks = new Map();
    // Closed lenses that skipped run events: they catch up when opened.
    this.behind = new Set();
  }

  // Creates the sections at the end of `container` (the page's .layout), in
  // the table's order, closed. Called before the view fields are applied.
  mount(container) {
    for (const lens of LENSES) {
      const section = document.createElement("section");
      section.className = "card lens";
      section.id = `lens-${lens.name}`;
      section.dataset.panel = lens.name;
      section.setAttribute("aria-labelledby", `lens-${lens.name}-title`);
      const details = document.createElement("details");
      details.className = "lens-details";
      const summary = document.createElement("summary");
      const h2 = document.createElement("h2");
      h2.id = `lens-${lens.name}-title`;
      h2.textContent = lens.title;
      summary.append(h2);
      const body = document.createElement("div");
      body.className = "lens-body";
      details.append(summary, body);
      section.append(details);
      container.append(section);
      details.addEventListener("toggle", () => {
        const hooks = this.hooks.get(lens.name);
        if (details.open) this.catchUp(lens.name);
        if (details.open && hooks?.opened) hooks.opened(this.state);
        this.onToggle(this.openNames());
      });
      this.sections.set(lens.name, { section, details, body });
    }
  }

  // factory({body, state, engine, lenses}) -> hooks; `body` is the panel's
  // content element, empty until the module fills it.
  register(name, factory) {
    const parts = this.sections.get(name);
    if (!parts) throw new Error(`no lens named ${name} in lens-table.js`);
    this.hooks.set(name, factory({ body: parts.body, state: this.state, engine: this.engine }));
  }

  // Opens the named lenses (the link's lens=, an embed's panels=); the first
  // one scrolls into view when `scroll` (the full page).
  open(names, { scroll = false } = {}) {
    let first = null;
    for (const name of names ?? []) {
      const parts = this.sections.get(name);
      if (!parts) continue;
      parts.details.open = true;
      first ??= parts.section;
    }
    if (first && scroll) first.scrollIntoView({ block: "start" });
  }

  openNames() {
    return [...this.sections].filter(([, p]) => p.details.open).map(([name]) => name);
  }

  isOpen(name) {
    return this.sections.get(name)?.details.open === true;
  }

  // event: "config" | "trace" | "finished" | "theme" | "notices". A closed lens follows no
  // run (config, trace, finished, theme): its charts, folds and tables would cost the main thread
  // for nothing shown; it catches up when opened.
  notify(event) {
    const deferred = event !== "notices";
    for (const [name, hooks] of this.hooks) {
      const fn = hooks?.[event];
      if (!fn) continue;
      if (deferred && !this.isOpen(name)) this.behind.add(name);
      else fn(this.state);
    }
  }

  catchUp(name) {
    if (!this.behind.delete(name) || !this.state.config) return;
    const hooks = this.hooks.get(name);
    hooks?.config?.(this.state);
    hooks?.trace?.(this.state);
    if (this.state.status === "finished") hooks?.finished?.(this.state);
  }
}

// A small element builder for the lens modules: h("p", {className}, "text", child).
// Strings become text nodes, never HTML.
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "dataset") Object.assign(el.dataset, v);
    else if (k in el) el[k] = v;
    else el.setAttribute(k, v);
  }
  el.append(...children.flat().filter((c) => c !== null && c !== undefined && c !== false));
  return el;
}

// A table in a box that scrolls sideways on a narrow screen; focusable, so
// that a keyboard can scroll it too.
export function scrollable(table, label) {
  return h(
    "div",
    { className: "lens-table-wrap", tabIndex: 0, role: "region", "aria-label": label },
    table,
  );
}

// <batchnorm-lab>: the custom element for authors' pages that can load a
// script. It renders an iframe of the page (the index.html next to this
// script, or the element's src) with its attributes as link fields plus
// embed=1, and sizes it from the page's "batchnorm-lab:height" messages.
// Built by Vite as a classic script, dist/embed.js. Creates no inline style or
// script, so it also runs on hosts with a strict Content Security Policy.
import {
  VIEW_FIELDS,
  LINK_ONLY_FIELDS,
  COMPARE_PREFIX,
  parseViewField,
  readView,
  fittingHeight,
  VIEW_DEFAULTS,
} from "./src/embed-fields.js";
import { STORY_FIELD } from "./src/story-table.js";

// Attributes the element keeps for itself (HTML's own, and the page's address).
const OWN = new Set(["id", "class", "style", "title", "hidden", "lang", "dir", "slot", "src"]);
const own = (name) => OWN.has(name) || name.startsWith("data-") || name.startsWith("aria-");
// The experiment's fields, validated by the page, which shows a notice for a bad one
// (the grammar's configFields(); tests/node/lens_page.test.mjs keeps them equal).
const CONFIG_FIELDS = [
  "seed",
  "batch",
  "channels",
  "height",
  "width",
  "steps",
  "momentum",
  "eps",
  "shift",
  "scale",
  "switch",
  "shift2",
  "scale2",
  "freeze",
];

// Run B's fields (b.momentum=none) and the page's other fields, checked by the page.
const passedOn = (name) =>
  LINK_ONLY_FIELDS.includes(name) ||
  (name.startsWith(COMPARE_PREFIX) && CONFIG_FIELDS.includes(name.slice(COMPARE_PREFIX.length)));

const scriptSrc = document.currentScript?.src || location.href;
const defaultPage = new URL("index.html", scriptSrc).href;
const frames = new Set();

// One listener for every element on the page: a message is taken only from
// the window of a frame that an element created.
addEventListener("message", (event) => {
  const data = event.data;
  if (!data || data.type !== "batchnorm-lab:height") return;
  for (const element of frames) element.onHeight(event.source, data.height);
});

class BatchNormLab extends HTMLElement {
  static get observedAttributes() {
    return [
      ...CONFIG_FIELDS,
      ...CONFIG_FIELDS.map((f) => COMPARE_PREFIX + f),
      ...VIEW_FIELDS,
      ...LINK_ONLY_FIELDS,
      "story",
      "src",
      "title",
    ];
  }

  constructor() {
    super();
    this.frame = null;
    this.fixed = null;
    this.queued = false;
  }

  connectedCallback() {
    frames.add(this);
    this.render();
  }

  disconnectedCallback() {
    frames.delete(this);
  }

  attributeChangedCallback() {
    if (!this.isConnected || this.queued) return;
    // Several attributes set in a row make one new address, not several loads.
    this.queued = true;
    queueMicrotask(() => {
      this.queued = false;
      this.render();
    });
  }

  // The link: every attribute but the element's own, in order, then embed=1.
  // Bad view fields are reported here and passed on, so that the page shows
  // the same message to the reader; unknown ones too.
  query() {
    const query = new URLSearchParams();
    for (const { name, value } of this.attributes) {
      if (own(name) || name === "embed") continue;
      if (VIEW_FIELDS.includes(name)) {
        const parsed = parseViewField(name, value);
        if (!parsed.ok) console.warn(`<batchnorm-lab>: ${parsed.message}; got "${value}".`);
      } else if (name === "story") {
        // A guided story (story-table.js) in the frame.
        const parsed = STORY_FIELD.parse(value);
        if (!parsed.ok) console.warn(`<batchnorm-lab>: ${parsed.message}; got "${value}".`);
      } else if (!CONFIG_FIELDS.includes(name) && !passedOn(name)) {
        console.warn(`<batchnorm-lab>: unknown attribute "${name}" (the page will say so too).`);
      }
      query.set(name, value);
    }
    query.set("embed", "1");
    return query;
  }

  render() {
    const query = this.query();
    const { view } = readView(query);
    let src;
    try {
      src = new URL(this.getAttribute("src") || defaultPage, location.href);
    } catch {
      console.warn(`<batchnorm-lab>: src "${this.getAttribute("src")}" is not an address.`);
      src = new URL(defaultPage);
    }
    src.search = query.toString().replace(/%2C/gi, ",");
    this.fixed = view["frame-height"] === "auto" ? null : view["frame-height"];
    if (!this.frame) {
      const frame = document.createElement("iframe");
      // CSSOM, not a style attribute: allowed under style-src 'self'.
      frame.style.display = "block";
      frame.style.width = "100%";
      frame.style.border = "0";
      frame.loading = "lazy";
      this.frame = frame;
      this.replaceChildren(frame);
      this.style.display = "block";
    }
    this.frame.title =
      this.getAttribute("title") ||
      "BatchNorm Lab: BatchNorm2d's running statistics against the mean and variance of every input";
    // Until the page says how tall it is, a height that fits the chosen panels.
    const height =
      this.fixed ?? fittingHeight(view.panels, view.controls ?? VIEW_DEFAULTS.controls);
    this.frame.style.height = `${height}px`;
    if (this.frame.src !== src.href) this.frame.src = src.href;
  }

  onHeight(source, height) {
    if (!this.frame || source !== this.frame.contentWindow || this.fixed !== null) return;
    const h = Number(height);
    if (!Number.isFinite(h) || h < 0 || h > 100000) return;
    this.frame.style.height = `${Math.ceil(h)}px`;
  }
}

if (!customElements.get("batchnorm-lab")) customElements.define("batchnorm-lab", BatchNormLab);

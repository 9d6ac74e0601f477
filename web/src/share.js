// The share panel: the link to this run, copying it (or an embed snippet, or
// a PyTorch script), and downloading the trace (CSV, JSON) and the charts (PNG).
import { traceCsvParts, traceJsonParts, pytorchCode, embedCode } from "./exporters.js";
import { formatValue } from "./link.js";

const $ = (id) => document.getElementById(id);
const CHART_TITLES = [
  "Mean per channel",
  "Variance per channel",
  "Absolute difference |running − manual|",
];

export class SharePanel {
  // urls(): {page, embed}: the full page's address and the embed's, for the
  // config that runs.
  constructor({ state, session, charts, urls }) {
    this.state = state;
    this.urls = urls;
    const say = (text) => ($("share-status").textContent = text);
    this.say = say;
    $("copy-link").addEventListener("click", () => this.#copy(urls().page, "Link"));
    $("copy-embed").addEventListener("click", () =>
      this.#copy(embedCode(urls().embed), "Embed code"),
    );
    $("copy-pytorch").addEventListener("click", () =>
      this.#copy(pytorchCode(state.config, urls().page), "PyTorch code"),
    );
    $("dl-csv").addEventListener("click", () => {
      if (this.#haveTrace()) this.#download(traceCsvParts(state.store), "text/csv", "csv");
    });
    $("dl-json").addEventListener("click", async () => {
      if (!this.#haveTrace()) return;
      const summary = await session.summaryJson();
      this.#download(
        traceJsonParts(state.store, state.config, summary),
        "application/json",
        "json",
      );
    });
    $("dl-png").addEventListener("click", async () => {
      if (!this.#haveTrace()) return;
      const blob = await charts.toPngBlob(CHART_TITLES);
      if (blob) this.#download(blob, "image/png", "png");
    });
    $("share-link").addEventListener("focus", (event) => event.target.select());
  }

  // Follows the config that runs.
  render() {
    const { page } = this.urls();
    $("share-link").value = page;
    $("open-full").href = page;
    $("pytorch-code").textContent = pytorchCode(this.state.config, page);
  }

  async #copy(text, what) {
    let ok = false;
    try {
      await navigator.clipboard.writeText(text);
      ok = true;
    } catch {
      // No clipboard API (file://, an old browser, a sandboxed frame): the old way.
      const area = document.createElement("textarea");
      area.value = text;
      area.setAttribute("readonly", "");
      area.style.position = "fixed";
      area.style.opacity = "0";
      document.body.append(area);
      area.select();
      try {
        ok = document.execCommand("copy");
      } catch {
        ok = false;
      }
      area.remove();
    }
    this.say(
      ok
        ? `${what} copied to the clipboard.`
        : `Could not reach the clipboard: select the ${what.toLowerCase()} and copy it by hand.`,
    );
  }

  #haveTrace() {
    if (this.state.store && this.state.store.stepsDone > 0) return true;
    this.say("Run at least one step first.");
    return false;
  }

  #download(parts, type, extension) {
    const name = `${fileStem(this.state.config)}.${extension}`;
    const blob = parts instanceof Blob ? parts : new Blob(parts, { type });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = name;
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    this.say(`Saved ${name}.`);
  }
}

function fileStem(c) {
  return `batchnorm-lab_seed${c.seed}_${c.batch}x${c.channels}x${c.height}x${c.width}_steps${c.steps}_m${formatValue(c.momentum)}`;
}

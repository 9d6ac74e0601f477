// The share panel: the link to this run, copying it (or an embed snippet, or
// a PyTorch script), and downloading the trace (CSV, JSON), the charts (PNG) and
// the script that verifies this run in PyTorch.
import { traceCsvParts, traceJsonParts, pytorchCode } from "./exporters.js";
import { formatValue } from "./link.js";
import { setupEmbedDialog } from "./embed-dialog.js";
import { setupVerifyDownload } from "./verify-download.js";
import { pytorchPairCode } from "./compare-export.js";
import { pagePng } from "./chart-png.js";

const $ = (id) => document.getElementById(id);
const CHART_TITLES = ["Mean", "Variance", "Distance from the true value"];

export class SharePanel {
  // urls(): {page, embed}: the full page's address and the embed's, for the
  // config that runs. pairs(): the config's fields as [name, text].
  constructor({ state, session, charts, urls, pairs }) {
    this.state = state;
    this.urls = urls;
    const say = (text) => ($("share-status").textContent = text);
    this.say = say;
    $("copy-link").addEventListener("click", async () => {
      const ok = await this.#copy(urls().page, "Link");
      // The single file opened from disk: a link only this computer can open.
      if (location.protocol === "file:") {
        say(
          `${ok ? "Link copied, but" : "Careful:"} it is a file:// address: it opens only on ` +
            "this computer. Put the page on a web server to share it.",
        );
      }
    });
    const dialog = setupEmbedDialog({ pairs, copy: (text) => copyText(text) });
    $("copy-embed").addEventListener("click", () => dialog.open());
    $("copy-pytorch").addEventListener("click", () => this.#copy(this.code(), "PyTorch code"));
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
      const blob = await pagePng(charts, CHART_TITLES);
      if (blob) this.#download(blob, "image/png", "png");
    });
    setupVerifyDownload({
      button: $("download-verify"),
      state,
      engine: session.engine,
      say,
      save: (parts, type, name) => this.#download(parts, type, "py", name),
    });
    $("share-link").addEventListener("focus", (event) => event.target.select());
  }

  // Follows the config that runs.
  render() {
    const { page } = this.urls();
    $("share-link").value = page;
    $("open-full").href = page;
    $("pytorch-code").textContent = this.code();
    // While comparing, the downloads hold run A only (the code holds both).
    $("share-compare-note").hidden = !this.state.compare;
  }

  // The PyTorch script: the run, or runs A then B while comparing.
  code() {
    const { page } = this.urls();
    const b = this.state.compare;
    return b
      ? pytorchPairCode(this.state.config, b.config, page)
      : pytorchCode(this.state.config, page);
  }

  async #copy(text, what) {
    const ok = await copyText(text);
    this.say(
      ok
        ? `${what} copied to the clipboard.`
        : `Could not reach the clipboard: select the ${what.toLowerCase()} and copy it by hand.`,
    );
    return ok;
  }

  #haveTrace() {
    if (this.state.store && this.state.store.stepsDone > 0) return true;
    this.say("Run at least one step first.");
    return false;
  }

  #download(parts, type, extension, name = `${fileStem(this.state.config)}.${extension}`) {
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

// Copies text; resolves with whether it reached the clipboard.
export async function copyText(text) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    // No clipboard API (file://, an old browser, a sandboxed frame): the old way.
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    let ok = false;
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
    return ok;
  }
}

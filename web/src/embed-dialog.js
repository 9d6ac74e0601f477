// "Copy embed code…": a dialog that asks which panels, theme, buttons and
// size, shows the code for the chosen form and a live preview of the embed
// (the page itself in an iframe, with the same link fields).
import { embedSnippet } from "./snippets.js";
import { fittingHeight, HEIGHT_MIN, HEIGHT_MAX } from "./embed-fields.js";
import { LENSES } from "./lens-table.js";

const $ = (id) => document.getElementById(id);

// pairs(): the config fields of the run shown, as [name, text];
// copy(text, what): the page's clipboard helper.
export function setupEmbedDialog({ pairs, copy }) {
  const dialog = $("embed-dialog");
  const height = $("embed-height");
  const preview = $("embed-preview");
  let lastPreview = "";
  let heightTouched = false;
  // One checkbox per lens (lens-table.js), after the markup's own panels.
  for (const lens of LENSES) {
    const box = document.createElement("input");
    box.type = "checkbox";
    box.name = "panel";
    box.value = lens.name;
    const label = document.createElement("label");
    label.append(box, ` Lens: ${lens.title.split(":")[0]}`);
    dialog.querySelector(".embed-panels").append(label);
  }

  const pageAddress = () => {
    const url = new URL(location.href);
    url.search = "";
    url.hash = "";
    return url.href;
  };

  const choices = () => {
    const panels = [...dialog.querySelectorAll('input[name="panel"]:checked')].map((i) => i.value);
    const controls = $("embed-controls").value;
    const form = $("embed-form-kind").value;
    const fitting = fittingHeight(panels.length ? panels : null, controls);
    if (!heightTouched) height.value = String(fitting);
    const typed = Number(height.value);
    const px =
      Number.isInteger(typed) && typed >= HEIGHT_MIN && typed <= HEIGHT_MAX ? typed : fitting;
    return {
      form,
      view: {
        panels: panels.length ? panels : null,
        controls,
        theme: $("embed-theme").value,
        // The fixed iframe always has a height; the others only when one was typed.
        height: form === "fixed" || heightTouched ? px : undefined,
      },
      px,
    };
  };

  const update = () => {
    const { form, view, px } = choices();
    const address = pageAddress();
    $("embed-code").value = embedSnippet(form, address, pairs(), view);
    const local = location.protocol === "file:";
    $("embed-warning").hidden = !local;
    $("embed-warning").textContent = local
      ? "This page was opened from a file on your disk (a file:// address): other people's " +
        "browsers cannot load it. Put the folder build (dist/) on a web server and copy the " +
        "embed code from there."
      : "";
    // The preview is the fixed form of the same choices: the page at that height.
    const src = new URL(
      embedSnippet("fixed", address, pairs(), { ...view, height: px })
        .match(/src="([^"]+)"/)[1]
        .replace(/&amp;/g, "&"),
    );
    if (src.href !== lastPreview) {
      lastPreview = src.href;
      preview.src = src.href;
    }
    preview.style.height = `${px}px`;
  };

  dialog.addEventListener("input", (event) => {
    if (event.target === height) heightTouched = height.value !== "";
    update();
  });
  dialog.addEventListener("change", update);
  $("embed-copy").addEventListener("click", async () => {
    const ok = await copy($("embed-code").value, "Embed code");
    $("embed-status").textContent = ok
      ? "Copied to the clipboard."
      : "Could not reach the clipboard: select the code and copy it by hand.";
  });
  $("embed-code").addEventListener("focus", (event) => event.target.select());
  dialog.addEventListener("close", () => {
    // An embed that keeps running in a closed dialog wastes the reader's CPU.
    preview.removeAttribute("src");
    lastPreview = "";
  });

  return {
    open() {
      $("embed-status").textContent = "";
      update();
      dialog.showModal();
    },
  };
}

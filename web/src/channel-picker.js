// The channel picker and the single legend above the charts: one toggle
// button per drawn channel, marked with its colour (the focused channel is
// drawn full, the others faint); the legend names only what is drawn.

export class ChannelPicker {
  constructor(fieldset, onPick) {
    this.fieldset = fieldset;
    this.onPick = onPick;
    this.focus = 0;
    this.buttons = [];
  }

  // colors: the palette colour of each drawn channel.
  render(count, colors) {
    const legend = this.fieldset.querySelector("legend");
    this.focus = Math.min(this.focus, Math.max(count - 1, 0));
    this.buttons = Array.from({ length: count }, (_, c) => {
      const b = document.createElement("button");
      b.type = "button";
      b.textContent = String(c);
      b.setAttribute("aria-label", `channel ${c}`);
      b.style.setProperty("--channel", colors[c]);
      b.addEventListener("click", () => this.pick(c));
      return b;
    });
    this.fieldset.replaceChildren(legend, ...this.buttons);
    // One channel: nothing to pick.
    this.fieldset.hidden = count < 2;
    this.#mark();
  }

  pick(c) {
    if (c === this.focus) return;
    this.focus = c;
    this.#mark();
    this.onPick(c);
  }

  #mark() {
    this.buttons.forEach((b, c) => b.setAttribute("aria-pressed", String(c === this.focus)));
  }
}

// shown: {band, theory, others}: whether a band is drawn, the distance chart
// (with its theory curves) is shown, and other channels are drawn faint.
export function renderLegend(shown) {
  for (const el of document.querySelectorAll("#legend-keys [data-key]")) {
    el.hidden = !shown[el.dataset.key];
  }
}

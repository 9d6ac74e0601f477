// How the page is shown, from the link's view fields: the theme (forced or
// the reader's), which panels appear and in what order (embeds), which run
// controls, and the fixed-height layout. Classes and attributes on <html>
// only (panels.css does the rest), and CSSOM for the panels' order: nothing
// that a strict style-src would refuse.
import { CHARTS } from "./embed-fields.js";

const root = document.documentElement;

// The theme in force: "light" or "dark".
export function currentTheme() {
  const forced = root.dataset.theme;
  if (forced === "light" || forced === "dark") return forced;
  return matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
}

// Calls onChange whenever the theme in force changes (the OS theme, for auto).
export function applyTheme(theme, onChange) {
  if (theme === "light" || theme === "dark") root.dataset.theme = theme;
  else delete root.dataset.theme;
  const media = matchMedia("(prefers-color-scheme: dark)");
  media.addEventListener("change", () => {
    if (!root.dataset.theme) onChange();
  });
}

// panels: null (every panel, the page's own layout) or a list of names from
// embed-fields.js; the page's elements carry data-panel.
export function applyPanels(panels) {
  const list = panels ?? null;
  const chartsShown = list ? CHARTS.filter((c) => list.includes(c)) : CHARTS;
  for (const el of document.querySelectorAll("[data-panel]")) {
    const name = el.dataset.panel;
    let index;
    if (!list) index = 0;
    else if (name === "charts") {
      index = chartsShown.length ? list.indexOf(chartsShown[0]) + 1 : 0;
    } else index = list.indexOf(name) + 1;
    el.hidden = list !== null && index === 0;
    // Cards inside the charts section keep their own order there.
    if (list && !CHARTS.includes(name)) el.style.order = String(index);
  }
  for (const name of CHARTS) {
    const card = document.querySelector(`[data-panel="${name}"]`);
    if (card && list) card.style.order = String(list.indexOf(name));
  }
  return chartsShown;
}

export function applyControls(controls) {
  if (controls === "full") delete root.dataset.controls;
  else root.dataset.controls = controls;
}

// frame-height=N in an embed: the page fills exactly N pixels.
export function applyFrameHeight(height, embed) {
  root.classList.toggle("fixed-height", embed && typeof height === "number");
}

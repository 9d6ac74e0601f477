// The notice box above the page: fallbacks taken from a link, failures of the
// engine, unexpected errors. Text only (textContent), never HTML.
import { shownValue } from "./link.js";

const $ = (id) => document.getElementById(id);

export function showNotices(title, items, { alert = false } = {}) {
  const box = $("notices");
  box.setAttribute("role", alert ? "alert" : "status");
  $("notice-title").textContent = title;
  const list = $("notice-list");
  list.replaceChildren(
    ...items.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }),
  );
  list.hidden = items.length === 0;
  box.hidden = false;
}

export function hideNotices() {
  $("notices").hidden = true;
}

export function initNotices() {
  $("notice-close").addEventListener("click", hideNotices);
}

export function reportError(error) {
  const message = error && error.message ? error.message : String(error);
  showNotices("Something went wrong:", [shownValue(message)], { alert: true });
}

// The lenses' tables: a header row and a row per item (lens-conventions), and
// the "numbers at a step" block (lens-probe, lens-variance): a step field, a
// note saying which step is shown, and every channel's values at that step.
import { el, valueCell } from "./lens-dom.js";

export function headRow(titles) {
  return el(
    "tr",
    {},
    titles.map((t) => el("th", { scope: "col" }, t)),
  );
}

// A row headed by `label` (a th of scope row) and then `cells`.
export function bodyRow(label, cells) {
  return el("tr", {}, el("th", { scope: "row" }, label), ...cells);
}

// The step shown for the field's text: an integer in [first, done], else the
// last step run (`done`), as an empty field asks.
export function shownStep(text, first, done) {
  const asked = text.trim() === "" ? done : Number(text);
  return Number.isInteger(asked) && asked >= first && asked <= done ? asked : done;
}

// id: the lens's prefix (the field is `${id}-step`, test ids `${id}-table`,
// `${id}-table-step`, `${id}-step`); first: the first step that has numbers;
// columns: [{title, testid, value(row)}] after the channel column, a cell's
// test id being `${testid}-${channel}`; rowsAt(step): one row per channel, or
// null when the step has none; note(step, done): the words above the table
// when it has rows, `empty` when not. render(done) shows the asked step (of
// the `done` steps run); the field re-renders with the last `done`.
export function stepTable({ id, first, columns, rowsAt, note, empty }) {
  const stepInput = el("input", {
    id: `${id}-step`,
    type: "number",
    min: String(first),
    step: "1",
    inputmode: "numeric",
    "data-testid": `${id}-step`,
  });
  const table = el("table", { className: "lens-table", "data-testid": `${id}-table` });
  const tableNote = el("p", { className: "hint", "data-testid": `${id}-table-step` });
  const element = el(
    "details",
    { className: "lens-numbers" },
    el("summary", {}, "The numbers at a step"),
    el(
      "div",
      { className: "field lens-inline" },
      el("label", { htmlFor: `${id}-step` }, "Step (empty: the last one)"),
      stepInput,
    ),
    tableNote,
    el("div", { className: "table-scroll", tabIndex: 0 }, table),
  );
  let lastDone = 0;

  function render(done) {
    lastDone = done;
    stepInput.max = String(done);
    const step = shownStep(stepInput.value, first, done);
    const rows = rowsAt(step);
    tableNote.textContent = rows ? note(step, done) : empty;
    tableNote.dataset.step = rows ? String(step) : "";
    const body = (rows ?? []).map((row, c) =>
      bodyRow(
        String(c),
        columns.map((col) => valueCell(col.value(row), `${col.testid}-${c}`)),
      ),
    );
    table.replaceChildren(
      el("thead", {}, headRow(["channel", ...columns.map((col) => col.title)])),
      el("tbody", {}, body),
    );
  }
  stepInput.addEventListener("input", () => render(lastDone));
  return { element, render };
}

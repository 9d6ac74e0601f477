// The settings form's hand-written rows (web/index.html: labels and hints for
// the article's eight fields) against the grammar's field table, the one list
// of fields: no row for a field the table does not have (the rows' order is
// the layout's: two to a line), each with its error line, and a number
// input's min/max the field's range. Fields without a row (the scenario's) are made by web/src/form.js.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import path from "node:path";
import { before, test } from "node:test";

import { loadLab, repoRoot } from "./lab.mjs";

let fields;
before(async () => {
  fields = (await loadLab()).configFields();
});

const html = readFileSync(path.join(repoRoot, "web", "index.html"), "utf8");
const form = html.slice(html.indexOf('<form id="config-form"'), html.indexOf("</form>"));

// Each <input ...> of the form as {id, attributes}; the momentum=None box is
// the momentum field's second control, not a field.
const inputs = [...form.matchAll(/<input\b([^>]*)>/g)]
  .map((m) =>
    Object.fromEntries([...m[1].matchAll(/([a-z-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])),
  )
  .filter((a) => a.id !== "f-momentum-none");

test("the form's rows are fields of the grammar", () => {
  assert.ok(form.length > 0 && inputs.length >= 8, "the form and its inputs are found");
  const names = fields.map((f) => f.name);
  const rows = inputs.map((a) => a.id.replace(/^f-/, ""));
  for (const row of rows) assert.ok(names.includes(row), `a row for ${row}, not in the grammar`);
  assert.equal(new Set(rows).size, rows.length, "one row a field");
  for (const a of inputs) {
    const name = a.id.replace(/^f-/, "");
    assert.equal(a.name, name, `#${a.id}'s name`);
    assert.ok(form.includes(`id="e-${name}"`), `#e-${name}, the line for its message`);
  }
});

test("a number input's min and max are its field's range", () => {
  const byName = Object.fromEntries(fields.map((f) => [f.name, f]));
  let checked = 0;
  for (const a of inputs.filter((a) => a.type === "number")) {
    const field = byName[a.id.replace(/^f-/, "")];
    const [, low, high] = field.range.match(/in \[(-?[\d.]+), (-?[\d.]+)\]/);
    assert.equal(a.min, low, `${field.name}: min`);
    if (a.max !== undefined) assert.equal(a.max, high, `${field.name}: max`);
    checked++;
  }
  assert.ok(checked >= 6, `${checked} number inputs checked`);
});

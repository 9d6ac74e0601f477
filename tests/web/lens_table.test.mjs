// The lens link field (web/src/lens-table.js through embed-fields.js), in Node:
// each lens is a panel and a lens= value; bad lists get the field's message.
import { test } from "node:test";
import assert from "node:assert/strict";
import { LENSES, LENS_NAMES, parseLensList } from "../../web/src/lens-table.js";
import {
  PANELS,
  parseViewField,
  readView,
  viewQueryPairs,
  fittingHeight,
  VIEW_DEFAULTS,
} from "../../web/src/embed-fields.js";

test("every lens has a unique name, a title and a height, and is a panel", () => {
  assert.ok(LENSES.length >= 1);
  assert.equal(new Set(LENS_NAMES).size, LENS_NAMES.length);
  for (const lens of LENSES) {
    assert.match(lens.name, /^[a-z][a-z0-9-]*$/);
    assert.ok(lens.title.length > 10, lens.name);
    assert.ok(lens.height >= 120 && lens.height <= 2000, lens.name);
    assert.ok(PANELS.includes(lens.name), lens.name);
  }
});

test("lens= reads a list of lens names and refuses anything else", () => {
  const first = LENS_NAMES[0];
  assert.deepEqual(parseLensList(first), { ok: true, value: [first] });
  assert.deepEqual(parseLensList(` ${first.toUpperCase()} ,${first}`), {
    ok: true,
    value: [first],
  });
  assert.deepEqual(parseLensList(LENS_NAMES.join(",")), { ok: true, value: LENS_NAMES });
  for (const bad of ["", ",", "mean", `${first},nope`, "x".repeat(300), "<b>"]) {
    const r = parseViewField("lens", bad);
    assert.equal(r.ok, false, bad);
    assert.equal(r.message, `lens must be a comma-separated list of ${LENS_NAMES.join(", ")}`);
  }
  const { view, problems } = readView(`?lens=${first}&theme=dark`);
  assert.deepEqual(view.lens, [first]);
  assert.deepEqual(problems, []);
  assert.deepEqual(
    readView("?lens=bogus").problems.map((p) => p.field),
    ["lens"],
  );
  assert.deepEqual(viewQueryPairs({ ...VIEW_DEFAULTS, lens: [first] }), [["lens", first]]);
  assert.deepEqual(viewQueryPairs(VIEW_DEFAULTS), []);
});

test("an embedded lens counts its open height; the whole page counts lenses closed", () => {
  for (const lens of LENSES) {
    assert.equal(fittingHeight([lens.name], "none"), Math.max(240, lens.height + 16));
    assert.ok(fittingHeight(["mean", lens.name], "run") > fittingHeight(["mean"], "run"));
  }
  const all = fittingHeight(null, "full");
  const openAll = fittingHeight(
    PANELS.filter((p) => p !== "charts"),
    "full",
  );
  assert.ok(all < openAll, `${all} < ${openAll}`);
});

// Which step the lenses' "numbers at a step" table shows for its field's text
// (web/src/lens-step-table.js): an integer in range, else the last step run.
import { test } from "node:test";
import assert from "node:assert/strict";
import { shownStep } from "../../web/src/lens-step-table.js";

test("an integer in [first, done] is shown; empty, out of range or not an integer is the last", () => {
  assert.equal(shownStep("", 0, 7), 7);
  assert.equal(shownStep("  ", 1, 7), 7);
  assert.equal(shownStep("0", 0, 7), 0);
  assert.equal(shownStep("0", 1, 7), 7, "below the first step with numbers");
  assert.equal(shownStep("1", 1, 7), 1);
  assert.equal(shownStep("7", 1, 7), 7);
  assert.equal(shownStep("8", 1, 7), 7, "past the last step run");
  assert.equal(shownStep("2.5", 0, 7), 7);
  assert.equal(shownStep("-1", 0, 7), 7);
  assert.equal(shownStep("abc", 0, 7), 7);
  assert.equal(shownStep(" 3 ", 0, 7), 3, "Number() trims, as the field did");
  assert.equal(shownStep("", 0, 0), 0);
});

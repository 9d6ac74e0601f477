// The lines a link's fallbacks show (web/src/link-notices.js), in Node: the
// page's own fields, the grammar's notices, PyTorch's words, text cut and cleaned.
import { test } from "node:test";
import assert from "node:assert/strict";
import { fallbackMessages, pytorchNotice, LINK_NOTICE_TITLE } from "../../web/src/link-notices.js";

test("one line per page-field problem, per grammar notice, then PyTorch's words", () => {
  const problems = [
    { field: "theme", value: "pink", message: "theme must be auto, light or dark" },
  ];
  const notices = [
    { field: "batch", message: "batch must be an integer in [1, 16777216]; using 20" },
    {
      field: "height",
      message: "a batch of one value per channel cannot train; using batch 2",
      pytorchError: "ValueError: Expected more than 1 value per channel when training",
    },
  ];
  assert.deepEqual(fallbackMessages(notices, problems), [
    "“theme” = “pink”: theme must be auto, light or dark. Ignored.",
    "“batch”: batch must be an integer in [1, 16777216]; using 20.",
    "“height”: a batch of one value per channel cannot train; using batch 2.",
    "What PyTorch would raise for “height” as given: ValueError: Expected more than 1 value per channel when training",
  ]);
  assert.deepEqual(fallbackMessages([], []), []);
  assert.match(LINK_NOTICE_TITLE, /could not be used as given/);
});

test("an unknown field's name is shown as text, control characters replaced, long names cut", () => {
  const [line] = fallbackMessages([{ field: "a\u0007b" + "x".repeat(60), message: "unknown" }], []);
  assert.equal(line, `“a?b${"x".repeat(37)}…”: unknown.`);
});

test("pytorchNotice: the first field PyTorch would refuse, with the link's text for it", () => {
  const notices = [
    { field: "batch", message: "m" },
    { field: "batch", message: "m", pytorchError: "ValueError: x" },
  ];
  assert.deepEqual(pytorchNotice(notices, { batch: "1" }), { field: "batch", asked: "1" });
  assert.deepEqual(pytorchNotice(notices, {}), { field: "batch", asked: "" });
  assert.equal(pytorchNotice([{ field: "eps", message: "m" }], { eps: "0" }), null);
});

// The view fields of a link (web/src/embed-fields.js), in Node: grammar,
// fallbacks with messages, unknown fields, writing back, fitting heights.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  parseViewField,
  readView,
  unknownFields,
  viewQueryPairs,
  fittingHeight,
  VIEW_DEFAULTS,
  VIEW_FIELDS,
  HEIGHT_MIN,
  HEIGHT_MAX,
  pageFieldEntries,
} from "../../web/src/embed-fields.js";

test("each view field accepts its grammar and nothing else", () => {
  const ok = (f, t) => parseViewField(f, t);
  assert.deepEqual(ok("embed", "1"), { ok: true, value: true });
  assert.deepEqual(ok("autoplay", "0"), { ok: true, value: false });
  assert.deepEqual(ok("autoplay", "FALSE"), { ok: true, value: false });
  for (const t of ["light", "dark", "auto", " Dark "])
    assert.equal(ok("theme", t).value, t.trim().toLowerCase());
  for (const t of ["full", "run", "none"]) assert.equal(ok("controls", t).value, t);
  assert.deepEqual(ok("panels", "mean"), { ok: true, value: ["mean"] });
  assert.deepEqual(ok("panels", "output,charts,mean"), {
    ok: true,
    value: ["output", "mean", "variance", "distance"],
  });
  assert.deepEqual(ok("speed", "300"), { ok: true, value: 300 });
  assert.deepEqual(ok("speed", "max"), { ok: true, value: "max" });
  assert.deepEqual(ok("frame-height", "500"), { ok: true, value: 500 });
  assert.deepEqual(ok("frame-height", "auto"), { ok: true, value: "auto" });
  const bad = {
    embed: ["2", "yes", ""],
    autoplay: ["on", "-1"],
    theme: ["blue", "", "light dark"],
    controls: ["some", "fulll"],
    panels: ["", "charts,,output", "lenses", "chart", "<b>"],
    speed: ["0", "-5", "1.5", "1e3", "10000001", "fast"],
    "frame-height": [String(HEIGHT_MIN - 1), String(HEIGHT_MAX + 1), "50%", "500px", "1e3"],
  };
  for (const [field, list] of Object.entries(bad)) {
    for (const text of list) {
      const r = ok(field, text);
      assert.equal(r.ok, false, `${field}=${text}`);
      assert.ok(r.message.startsWith(`${field} must be `), r.message);
    }
  }
  assert.match(ok("frame-height", "5").message, /\[240, 20000\]/);
  assert.equal(ok("nonsense", "1").ok, false);
});

test("readView falls back per field; unknown fields are named once", () => {
  const { view, problems } = readView(
    "?seed=3&embed=1&theme=dark&panels=mean,bogus&speed=120&frame-height=80&autoplay=0",
  );
  assert.equal(view.embed, true);
  assert.equal(view.theme, "dark");
  assert.equal(view.panels, VIEW_DEFAULTS.panels);
  assert.equal(view.speed, 120);
  assert.equal(view["frame-height"], "auto");
  assert.equal(view.autoplay, false);
  assert.deepEqual(
    problems.map((p) => [p.field, p.value]),
    [
      ["panels", "mean,bogus"],
      ["frame-height", "80"],
    ],
  );
  const known = ["seed", ...VIEW_FIELDS];
  assert.deepEqual(unknownFields("?seed=1&sead=2&x=1&x=2&embed=1", known), ["sead", "x"]);
  assert.deepEqual(unknownFields("", known), []);
});

test("view fields write back only what differs from the defaults, and read back the same", () => {
  assert.deepEqual(viewQueryPairs(VIEW_DEFAULTS), []);
  const view = {
    ...VIEW_DEFAULTS,
    embed: true,
    theme: "light",
    panels: ["mean", "controls"],
    autoplay: false,
    speed: 30,
    "frame-height": 480,
  };
  const pairs = viewQueryPairs(view);
  assert.deepEqual(pairs, [
    ["embed", "1"],
    ["theme", "light"],
    ["panels", "mean,controls"],
    ["autoplay", "0"],
    ["speed", "30"],
    ["frame-height", "480"],
  ]);
  assert.deepEqual(readView(new URLSearchParams(pairs)).view, view);
});

test("fitting heights grow with the panels and stay in range", () => {
  const compact = fittingHeight(["mean"], "run");
  assert.ok(compact >= 400 && compact <= 520, `compact embed: ${compact}`);
  assert.ok(fittingHeight(["mean"], "none") < compact);
  assert.ok(fittingHeight(["mean", "variance"], "run") > compact);
  assert.ok(fittingHeight(["mean", "output"], "run") > compact);
  // Every panel (the default) is the tallest.
  const all = fittingHeight(null, "full");
  for (const p of [["mean"], ["mean", "variance", "distance"], ["explanation", "output"]])
    assert.ok(fittingHeight(p, "full") < all);
  assert.ok(all <= HEIGHT_MAX && fittingHeight([], "none") >= HEIGHT_MIN);
});

test("the page-field entries parse and write like the rest of the module", () => {
  const entries = pageFieldEntries();
  assert.deepEqual(Object.keys(entries), VIEW_FIELDS);
  assert.deepEqual(entries.panels.parse("mean,output"), { ok: true, value: ["mean", "output"] });
  assert.equal(entries.panels.write(["mean", "output"]), "mean,output");
  assert.equal(entries.panels.write(null), null);
  assert.equal(entries.theme.write("auto"), null, "defaults stay out of the link");
  assert.equal(entries.theme.write("dark"), "dark");
  assert.equal(entries.autoplay.write(false), "0");
  assert.equal(entries["frame-height"].parse("abc").ok, false);
  for (const [field, entry] of Object.entries(entries))
    assert.equal(entry.initial, VIEW_DEFAULTS[field]);
});

test("an element passes on every link field of the page: view fields, story and the rest", async () => {
  const { PAGE_FIELDS } = await import("../../web/src/link.js");
  const { LINK_ONLY_FIELDS } = await import("../../web/src/embed-fields.js");
  assert.deepEqual(
    [...VIEW_FIELDS, "story", ...LINK_ONLY_FIELDS].sort(),
    Object.keys(PAGE_FIELDS).sort(),
  );
});

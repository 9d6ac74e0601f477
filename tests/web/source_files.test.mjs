// The page's modules stay small and say what they hold (issue 6): every file
// in web/src/ opens with a comment and has at most about 300 lines, and
// main.js's top-level functions are short (it wires; the handlers it passes
// to the panels are not checked here).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const src = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../web/src");
const MAX_LINES = 320; // "about 300"

const files = readdirSync(src)
  .filter((f) => f.endsWith(".js"))
  .map((f) => ({ name: f, text: readFileSync(path.join(src, f), "utf8") }));

test("every module opens with a comment and stays near 300 lines", () => {
  assert.ok(files.length > 40, `${files.length} modules found`);
  for (const { name, text } of files) {
    assert.match(text, /^\/\/ \S/, `${name} opens with a line saying what it holds`);
    const lines = text.split("\n").length - 1;
    assert.ok(lines <= MAX_LINES, `${name}: ${lines} lines (at most ${MAX_LINES})`);
  }
});

test("main.js wires: its top-level functions are short", () => {
  const main = files.find((f) => f.name === "main.js").text.split("\n");
  // A top-level function or arrow at column 0, up to its closing brace at column 0.
  for (let i = 0; i < main.length; i++) {
    if (!/^((async )?function |const \w+ = (async )?\().*\{$/.test(main[i])) continue;
    const end = main.findIndex((line, j) => j > i && /^}/.test(line));
    if (end === -1) continue;
    assert.ok(end - i <= 15, `main.js:${i + 1}: ${main[i].trim()} is ${end - i} lines long`);
  }
});

// Printed at the end of `npm test`: the exhaustive checks it leaves out (each
// file's opening comment says what it covers), and how to run them.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "tests", "exhaustive");
const files = readdirSync(dir).filter((name) => name.endsWith(".test.mjs"));
console.log(
  `\nnpm test passed. Not run by it: ${files.length} exhaustive check(s) in tests/exhaustive/,`,
);
for (const name of files.sort()) {
  const first = readFileSync(path.join(dir, name), "utf8").split("\n")[0];
  console.log(`  ${name}: ${first.replace(/^\/\/\s*/, "")}`);
}
console.log(
  "Run them with `npm run test:exhaustive`, or everything with `npm run test:full` (CI does).",
);

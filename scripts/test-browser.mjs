// `npm run test:browser`: the browser test files three at a time (they mostly
// wait on runs played at watching speed), then the files whose checks are
// about wall-clock pacing (a run played over seconds, skipped, or drawn at
// once) alone, so that the other files' load cannot make a paced run late.
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../tests/browser");
// Files with checks of how long a run takes on the page's own clock.
const PACED = new Set(["pacing.test.mjs"]);

// The biggest files first (size stands in for how long a file runs): a long file started last
// would run on after the others, with the cores it leaves idle.
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".test.mjs"))
  .map((f) => ({ f, size: statSync(path.join(dir, f)).size }))
  .sort((a, b) => b.size - a.size || a.f.localeCompare(b.f))
  .map(({ f }) => f);
const shared = files.filter((f) => !PACED.has(f)).map((f) => path.join(dir, f));
const alone = files.filter((f) => PACED.has(f)).map((f) => path.join(dir, f));

const run = (concurrency, list) =>
  list.length === 0
    ? 0
    : spawnSync(process.execPath, ["--test", `--test-concurrency=${concurrency}`, ...list], {
        stdio: "inherit",
      }).status;

const first = run(Number(process.env.BNLAB_BROWSER_JOBS || 3), shared);
const second = run(1, alone);
process.exit(first === 0 && second === 0 ? 0 : 1);

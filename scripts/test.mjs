// `npm test` after the dependency check: the format checks first, then the builds and test
// suites as a small graph, so that the browser tests (which mostly wait on Chromium) overlap the
// native build (which keeps both cores busy) instead of following it. The wasm build goes first,
// alone: the page and its browser tests, the longest chain, wait on it.
//
//   format:check ─┬─ build:wasm ─┬─ build:web ── test:browser
//                 │              └─ test:native (build + ctest) ── test:node
//                 └─ test:web (the page's pure modules, no build needed)
//
// Each stage is the npm script of the same name. Its output is kept and printed whole when it
// ends, under a header with its time; the first failure stops the others.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const stages = [
  { name: "format:check", after: [] },
  { name: "test:web", after: ["format:check"] },
  { name: "build:wasm", after: ["format:check"] },
  { name: "build:web", after: ["build:wasm"] },
  { name: "test:browser", after: ["build:web"] },
  { name: "test:native", after: ["build:wasm"] },
  { name: "test:node", after: ["test:native"] },
];

// Every test:* script is a stage here, or left to CI (.ci/run names it; test:full runs npm test
// and the exhaustive checks): a suite added to package.json but to neither would otherwise be
// skipped without a word.
const scripts = JSON.parse(readFileSync(path.join(repo, "package.json"), "utf8")).scripts;
const ci = readFileSync(path.join(repo, ".ci", "run"), "utf8");
const forgotten = Object.keys(scripts).filter(
  (name) =>
    name.startsWith("test:") &&
    name !== "test:full" &&
    !stages.some((s) => s.name === name) &&
    !new RegExp(`npm run ${name.replace(":", "\\:")}(\\s|$)`, "m").test(ci),
);
if (forgotten.length) {
  console.error(
    `npm test: ${forgotten.join(", ")} run neither in the stage graph of scripts/test.mjs nor in .ci/run`,
  );
  process.exit(1);
}

const started = performance.now();
const seconds = (from, to = performance.now()) => ((to - from) / 1000).toFixed(1);
const running = new Map(); // name -> child process
const done = new Map(); // name -> seconds
let failed = false;

function stopAll(signal = "SIGTERM") {
  for (const child of running.values()) {
    try {
      process.kill(-child.pid, signal); // its own process group: npm, the shell and the tools
    } catch {
      // already gone
    }
  }
}

for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    stopAll(signal);
    process.exit(130);
  });
}

function start(stage) {
  console.log(`npm test: ${stage.name} started (${seconds(started)} s)`);
  const begin = performance.now();
  const child = spawn("npm", ["run", "--silent", stage.name], {
    cwd: repo,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  running.set(stage.name, child);
  const output = [];
  child.stdout.on("data", (chunk) => output.push(chunk));
  child.stderr.on("data", (chunk) => output.push(chunk));
  child.on("close", (code, signal) => {
    running.delete(stage.name);
    if (failed) return;
    const text = Buffer.concat(output).toString("utf8").trimEnd();
    const took = seconds(begin);
    const verdict = code === 0 ? "passed" : `FAILED (${signal ?? `exit ${code}`})`;
    console.log(`\n──── ${stage.name}: ${verdict} in ${took} s ────`);
    if (text) console.log(text);
    if (code !== 0) {
      failed = true;
      stopAll();
      console.error(`\nnpm test: ${stage.name} failed; the stages still running were stopped.`);
      process.exitCode = 1;
      return;
    }
    done.set(stage.name, took);
    next();
  });
}

function next() {
  for (const stage of stages) {
    if (done.has(stage.name) || running.has(stage.name)) continue;
    if (stage.after.every((name) => done.has(name))) start(stage);
  }
  if (done.size === stages.length) finish();
}

function finish() {
  console.log(`\nnpm test passed in ${seconds(started)} s (wall time per stage; stages overlap):`);
  for (const stage of stages) console.log(`  ${stage.name.padEnd(13)} ${done.get(stage.name)} s`);
  const dir = path.join(repo, "tests", "exhaustive");
  const files = readdirSync(dir)
    .filter((name) => name.endsWith(".test.mjs"))
    .sort();
  console.log(`Not run by npm test: the exhaustive checks in tests/exhaustive/ (${files.length}):`);
  for (const name of files) {
    const first = readFileSync(path.join(dir, name), "utf8").split("\n")[0];
    console.log(`  ${name}: ${first.replace(/^\/\/\s*/, "")}`);
  }
  console.log(
    "Run them with `npm run test:exhaustive`, or everything with `npm run test:full` (CI).",
  );
}

next();

// The Node version check: package.json "engines" and scripts/ensure-deps.sh agree, and with a
// Node that is too old first on PATH, `npm start`, `npm test` and .ci/run stop with one line.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { after, test } from "node:test";

import { repoRoot } from "./lab.mjs";

const fakeBin = mkdtempSync(path.join(tmpdir(), "bnlab-fake-node-"));
after(() => rmSync(fakeBin, { recursive: true, force: true }));

// A `node` that reports FAKE_NODE_VERSION to the version check and runs the real Node otherwise
// (npm itself runs on it), and an `npm` whose installs fail (no registry in a test).
writeFileSync(
  path.join(fakeBin, "node"),
  `#!/bin/sh
if [ "$1" = -p ] && [ "$2" = process.versions.node ]; then echo "$FAKE_NODE_VERSION"; exit 0; fi
if [ "$1" = --version ]; then echo "v$FAKE_NODE_VERSION"; exit 0; fi
exec "${process.execPath}" "$@"
`,
);
chmodSync(path.join(fakeBin, "node"), 0o755);
const npmDir = mkdtempSync(path.join(tmpdir(), "bnlab-fake-npm-"));
after(() => rmSync(npmDir, { recursive: true, force: true }));
writeFileSync(path.join(npmDir, "npm"), "#!/bin/sh\necho 'npm: no registry here' >&2\nexit 1\n");
chmodSync(path.join(npmDir, "npm"), 0o755);

function runWithNode(version, command, args, { pathPrefix = [] } = {}) {
  // As typed in a shell: without the npm_* settings of an npm script running these tests
  // (`npm run --silent` would hide the lifecycle lines checked below).
  const shell = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)),
  );
  const env = {
    ...shell,
    FAKE_NODE_VERSION: version,
    PATH: [...pathPrefix, fakeBin, process.env.PATH].join(path.delimiter),
    BNLAB_NODE_PREFIX: path.join(fakeBin, "prefix"),
  };
  const run = spawnSync(command, args, { cwd: repoRoot, env, encoding: "utf8", timeout: 60000 });
  const ours = run.stderr.split("\n").filter((line) => /^(ensure-deps|ci):/.test(line));
  return { ...run, ours };
}

const refusal = (version) =>
  new RegExp(
    `^ensure-deps: Node ${version.replaceAll(".", "\\.")} cannot run Vite 8 \\(it needs \\^20\\.19\\.0 \\|\\| >=22\\.12\\.0\\); install Node 22\\.12\\+ or 20\\.19\\+ `,
  );

test("package.json engines and ensure-deps.sh name the same Node range", () => {
  const engines = JSON.parse(readFileSync(path.join(repoRoot, "package.json"), "utf8")).engines;
  const script = readFileSync(path.join(repoRoot, "scripts", "ensure-deps.sh"), "utf8");
  assert.equal(script.match(/^NODE_RANGE="(.*)"$/m)[1], engines.node);
  assert.equal(engines.node, "^20.19.0 || >=22.12.0");
});

test("the version check accepts Vite 8's range and refuses the rest with one line", () => {
  const verdicts = {
    "18.20.4": false, // Debian 12's nodejs
    "20.18.3": false,
    "20.19.0": true,
    "20.20.2": true,
    "21.7.3": false,
    "22.11.0": false,
    "22.12.0": true,
    "24.1.0": true,
    "": false,
    garbage: false,
  };
  for (const [version, ok] of Object.entries(verdicts)) {
    const run = runWithNode(version, "bash", ["scripts/ensure-deps.sh", "node"]);
    assert.equal(run.status, ok ? 0 : 1, `Node '${version}': ${run.stderr}`);
    if (ok) {
      assert.equal(run.stderr, "");
    } else {
      assert.equal(run.stderr.split("\n").length, 2, run.stderr); // one line and its newline
      if (version === "") assert.match(run.stderr, /^ensure-deps: Node\.js not found; install /);
      else assert.match(run.stderr, refusal(version));
    }
  }
});

for (const script of ["start", "test"]) {
  test(`npm ${script} on Node 18 stops first, with one line saying what to install`, () => {
    const run = runWithNode("18.20.4", "npm", [script]);
    assert.notEqual(run.status, 0);
    assert.equal(run.ours.length, 1, run.stderr);
    assert.match(run.ours[0], refusal("18.20.4"));
    // Nothing after the check ran: npm started no other script (no format check, no build).
    assert.deepEqual(run.stdout.match(/^> batchnorm-lab@\S+ \S+$/gm), [
      `> batchnorm-lab@0.1.0 ${script}`,
    ]);
  });
}

test(".ci/run on Node 18 that cannot install another stops with the same line", () => {
  const run = runWithNode("18.20.4", "bash", [".ci/run"], { pathPrefix: [npmDir] });
  assert.equal(run.status, 1, run.stdout + run.stderr);
  assert.match(
    run.stdout,
    /^ci: Node v18\.20\.4 does not fit; installing node-linux-\w+@\^22\.12\.0/m,
  );
  assert.equal(run.ours.length, 1, run.stderr);
  assert.match(run.ours[0], refusal("18.20.4"));
  assert.equal(run.stderr.trimEnd().split("\n").at(-1), run.ours[0]);
});

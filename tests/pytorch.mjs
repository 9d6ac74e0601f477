// Real PyTorch for the tests that compare with it (Node and browser): which Python, and why it
// cannot be used here, for a skip that says so.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";

// The Python with torch 1.13 (Debian's python3-torch) that the fixtures come from.
export const PYTHON = "/usr/bin/python3";

// Why PYTHON cannot run PyTorch, or null; asked once per test file. Python looks torch up without
// importing it: an import costs about a second of CPU, in every file that asks. A torch that is
// found but does not import is not skipped: the tests that run it fail with Python's error.
let answer;
export function torchMissing() {
  if (answer !== undefined) return answer;
  if (!existsSync(PYTHON)) return (answer = `${PYTHON} does not exist`);
  const r = spawnSync(
    PYTHON,
    ["-c", "import importlib.util, sys; sys.exit(importlib.util.find_spec('torch') is None)"],
    { encoding: "utf8" },
  );
  answer =
    r.status === 0
      ? null
      : `${PYTHON} has no torch (apt-get install -y python3-torch)${r.stderr ? `: ${r.stderr.trim().split("\n").pop()}` : ""}`;
  return answer;
}

// The skip option of a test that needs PyTorch: false, or the reason.
export function needsTorch() {
  const missing = torchMissing();
  return missing ? `no PyTorch: ${missing}` : false;
}

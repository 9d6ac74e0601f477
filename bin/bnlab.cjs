#!/usr/bin/env node
// bnlab on Node: the same command line as the native bnlab, run by the
// WebAssembly module, printing the same bytes (both call cpp/cli/cli.cpp).
"use strict";

const path = require("node:path");

// BNLAB_WASM_JS picks another build of the module (the tests' wasm-safe run).
const modulePath = path.resolve(
  process.env.BNLAB_WASM_JS || path.join(__dirname, "..", "build", "wasm", "batchnorm_lab.js"),
);

function loadFactory() {
  try {
    return require(modulePath);
  } catch (error) {
    process.stderr.write(
      `bnlab: cannot load ${modulePath} (${error.code || error.message}); build it with 'npm run build:wasm'\n`,
    );
    process.exit(1);
  }
}

loadFactory()()
  .then((lab) => {
    const result = lab.runCli(process.argv.slice(2));
    process.stdout.write(result.out);
    process.stderr.write(result.err);
    process.exitCode = result.exitCode;
  })
  .catch((error) => {
    process.stderr.write(`bnlab: ${error && error.message ? error.message : error}\n`);
    process.exitCode = 1;
  });

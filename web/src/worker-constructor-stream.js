// The worker of the site build (dist/index.html): its own file, started from a small blob: script
// that names the module's .wasm and imports the worker. A blob: worker runs in a sandboxed iframe
// too, where a worker script URL of the server's origin is refused (the frame's origin is opaque).
import workerFile from "./worker.js?worker&url";
import { wasmFile, wasmScriptFile } from "virtual:batchnorm-lab-wasm";

// Opened from disk (file://), a worker can import neither its script nor the module beside the
// page: the single file next to it (batchnorm-lab.html, everything inlined) takes over, same link.
const fromDisk = location.protocol === "file:";
if (fromDisk) {
  location.replace(
    new URL(`batchnorm-lab.html${location.search}${location.hash}`, document.baseURI).href,
  );
}

export default function ExperimentWorker({ name } = {}) {
  const at = (file) => new URL(file, document.baseURI).href;
  const assets = { wasm: at(wasmFile), wasmScript: at(wasmScriptFile) };
  // From disk the page is being replaced: a worker that stays silent until then.
  // The module's fetch starts before the worker's script is imported (importScripts waits for
  // it), so both come in together; wasm-stream.js compiles that response as it streams. Not from
  // an opaque origin ("null"), whose fetch the server would refuse: the worker imports the base64
  // copy there.
  const code = fromDisk
    ? ""
    : `self.batchNormLabAssets = ${JSON.stringify(assets)};\n` +
      `if (self.origin !== "null") {\n` +
      `  self.batchNormLabWasmResponse = fetch(self.batchNormLabAssets.wasm, { credentials: "same-origin" });\n` +
      `  self.batchNormLabWasmResponse.catch(() => {});\n` +
      `}\n` +
      `importScripts(${JSON.stringify(at(workerFile))});\n`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  try {
    return new Worker(url, { name });
  } finally {
    URL.revokeObjectURL(url);
  }
}

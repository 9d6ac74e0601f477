// The worker of the site build (dist/index.html): its own file, started from a small blob: script
// that names the module's .wasm and imports the worker. A blob: worker runs in a sandboxed iframe
// too, where a worker script URL of the server's origin is refused (the frame's origin is opaque).
import workerFile from "./worker.js?worker&url";
import { wasmFile, wasmScriptFile } from "virtual:batchnorm-lab-wasm";

export default function ExperimentWorker({ name } = {}) {
  const at = (file) => new URL(file, document.baseURI).href;
  const assets = { wasm: at(wasmFile), wasmScript: at(wasmScriptFile) };
  const code =
    `self.batchNormLabAssets = ${JSON.stringify(assets)};\n` +
    `importScripts(${JSON.stringify(at(workerFile))});\n`;
  const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
  try {
    return new Worker(url, { name });
  } finally {
    URL.revokeObjectURL(url);
  }
}

// The site's worker gets the module's code from its .wasm file, compiled while it streams in; where
// that fetch cannot work it imports the same bytes as base64 from a classic script beside it.
//
// Why the second way: a page in an iframe sandboxed without allow-same-origin (or opened from
// file://) has an opaque origin, "null". Its worker's fetch of the .wasm is then a CORS request,
// which a static host without Access-Control-Allow-Origin refuses; importScripts is not (a classic
// script loads from anywhere 'self' allows). The page's worker constructor
// (worker-constructor-stream.js) sets self.batchNormLabAssets = {wasm, wasmScript}, absolute URLs,
// before it imports this worker.

// Emscripten's factory with its own fetch replaced by instantiate() below (the instantiateWasm hook).
// Emscripten does not reject its promise when that hook fails, so the failure is passed on here.
export function streamedFactory(factory) {
  return (options = {}) =>
    new Promise((resolve, reject) => {
      factory({
        ...options,
        instantiateWasm(imports, receiveInstance) {
          instantiate(imports).then(
            ({ instance, module }) => receiveInstance(instance, module),
            reject,
          );
          return {};
        },
      }).then(resolve, reject);
    });
}

async function instantiate(imports) {
  const assets = self.batchNormLabAssets;
  if (!assets || !assets.wasm || !assets.wasmScript) {
    throw new Error("the worker was started without the module's address (batchNormLabAssets)");
  }
  let fetchProblem = "the page's origin is opaque (a sandboxed frame or a file), so no fetch";
  if (self.origin !== "null") {
    try {
      // Started by the worker's first lines (worker-constructor-stream.js), else here.
      const early = self.batchNormLabWasmResponse;
      self.batchNormLabWasmResponse = null;
      const response = await (early ?? fetch(assets.wasm, { credentials: "same-origin" }));
      if (response.ok) {
        // Streaming compilation needs the server to say application/wasm; otherwise the bytes first.
        if ((response.headers.get("content-type") || "").startsWith("application/wasm")) {
          return await WebAssembly.instantiateStreaming(response, imports);
        }
        return await WebAssembly.instantiate(await response.arrayBuffer(), imports);
      }
      fetchProblem = `HTTP ${response.status}`;
    } catch (error) {
      fetchProblem = error.message;
    }
  }
  try {
    importScripts(assets.wasmScript);
  } catch (error) {
    throw new Error(
      `the module's code could not be loaded from ${assets.wasm} (${fetchProblem}) ` +
        `nor from ${assets.wasmScript} (${error.message})`,
    );
  }
  const text = atob(self.batchNormLabWasmBase64 || "");
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return WebAssembly.instantiate(bytes, imports);
}

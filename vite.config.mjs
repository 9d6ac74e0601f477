// Vite config for the page in web/.
//
//   vite build                    -> dist/ (static site, relative paths, worker as its own file)
//   vite build --mode singlefile  -> dist/batchnorm-lab.html (everything inlined, works from file://)
//   vite build --mode embed       -> dist/embed.js (the <batchnorm-lab> element, a classic script)
//   vite                          -> dev server
//
// The WebAssembly module is Emscripten's classic-script factory
// (build/wasm/batchnorm_lab.js, wasm inlined as base64). The worker imports it
// through the virtual module "virtual:batchnorm-lab-factory": the factory's
// own code with `export default createBatchNormLab` appended, so it is bundled
// as ordinary module code (no eval, no new Function: the page runs under
// `script-src 'self' 'wasm-unsafe-eval'`). The same in the multi-file build, in
// the single file and under the dev server.
import { createHash } from "node:crypto";
import { readFileSync, existsSync } from "node:fs";
import { resolve, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { defineConfig } from "vite";
import { viteSingleFile } from "vite-plugin-singlefile";

const repoRoot = dirname(fileURLToPath(import.meta.url));
const webRoot = resolve(repoRoot, "web");
const factoryPath = resolve(repoRoot, "build/wasm/batchnorm_lab.js");
const FACTORY_ID = "virtual:batchnorm-lab-factory";
const RESOLVED_FACTORY_ID = "\0" + FACTORY_ID;

// The factory's wasm: a base64 data: URI in Emscripten's single-file output.
const WASM_DATA_URI =
  /wasmBinaryFile\s*=\s*"data:application\/octet-stream;base64,([A-Za-z0-9+/=]+)"/;

function readFactory(context) {
  if (!existsSync(factoryPath)) {
    context.error(`${factoryPath} is missing: run \`npm run build:wasm\` first.`);
  }
  context.addWatchFile(factoryPath);
  return readFileSync(factoryPath, "utf8");
}

// streamed (the site build): the base64 wasm is cut from the factory, which then gets its code
// from the .wasm file beside the page (src/wasm-stream.js); elsewhere the factory keeps it inlined.
function batchNormLabFactory({ streamed = false } = {}) {
  return {
    name: "batchnorm-lab-factory",
    resolveId(id) {
      return id === FACTORY_ID ? RESOLVED_FACTORY_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_FACTORY_ID) return null;
      let text = readFactory(this);
      // Emscripten's UMD tail (module.exports, define) is for CommonJS and AMD:
      // cut, the factory becomes the default export. Its Node branch requires
      // fs and path, which a browser never reaches: a local `require` keeps the
      // bundler from resolving them.
      const tail = text.indexOf("if (typeof exports === 'object' && typeof module === 'object')");
      if (tail < 0) this.error(`${factoryPath}: Emscripten's UMD tail not found`);
      text = text.slice(0, tail);
      if (streamed) {
        if (!WASM_DATA_URI.test(text)) this.error(`${factoryPath}: the inlined wasm was not found`);
        text = text.replace(WASM_DATA_URI, 'wasmBinaryFile = ""');
      }
      const head =
        "const require = (name) => {\n" +
        "  throw new Error(`the page's worker has no ${name} module`);\n" +
        "};\n";
      if (!streamed) return head + text + "export default createBatchNormLab;\n";
      return (
        `import { streamedFactory } from ${JSON.stringify(resolve(webRoot, "src/wasm-stream.js"))};\n` +
        head +
        text +
        "export default streamedFactory(createBatchNormLab);\n"
      );
    },
  };
}

// The site build's module files, named by their content: assets/batchnorm_lab-HASH.wasm (streamed
// by the worker) and assets/batchnorm_lab-HASH.wasm.js (the same bytes as base64 in a classic
// script, for pages whose origin is opaque). "virtual:batchnorm-lab-wasm" exports their paths.
function batchNormLabWasmFiles() {
  const id = "virtual:batchnorm-lab-wasm";
  return {
    name: "batchnorm-lab-wasm-files",
    resolveId: (source) => (source === id ? "\0" + id : null),
    load(source) {
      if (source !== "\0" + id) return null;
      const match = WASM_DATA_URI.exec(readFactory(this));
      if (!match) this.error(`${factoryPath}: the inlined wasm was not found`);
      const bytes = Buffer.from(match[1], "base64");
      const hash = createHash("sha256").update(bytes).digest("hex").slice(0, 10);
      const wasmFile = `assets/batchnorm_lab-${hash}.wasm`;
      const wasmScriptFile = `${wasmFile}.js`;
      this.emitFile({ type: "asset", fileName: wasmFile, source: bytes });
      this.emitFile({
        type: "asset",
        fileName: wasmScriptFile,
        source:
          "// BatchNorm Lab's module as base64, for workers that cannot fetch the .wasm beside it.\n" +
          `self.batchNormLabWasmBase64 = "${match[1]}";\n`,
      });
      return `export const wasmFile = ${JSON.stringify(wasmFile)};\nexport const wasmScriptFile = ${JSON.stringify(wasmScriptFile)};\n`;
    },
  };
}

// The custom element for authors' pages: one classic script that a plain
// <script src> loads, next to index.html (which it frames).
const embedConfig = {
  root: webRoot,
  publicDir: false,
  build: {
    outDir: resolve(repoRoot, "dist"),
    emptyOutDir: false,
    target: "es2020",
    reportCompressedSize: false,
    lib: {
      entry: resolve(webRoot, "embed.js"),
      formats: ["iife"],
      name: "BatchNormLabEmbed",
      fileName: () => "embed.js",
    },
  },
};

// In an iframe sandboxed without allow-same-origin the page's origin is
// opaque: module scripts and crossorigin stylesheets are then CORS requests,
// which a static host without Access-Control-Allow-Origin refuses. The site's
// entry is therefore one classic script (iife, deferred) and its stylesheet a
// plain link; the worker comes from a blob (a worker script URL from another
// origin is refused too, and worker-src allows blob:).
function classicEntry() {
  return {
    name: "batchnorm-lab-classic-entry",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler: (html) =>
        html
          .replace(
            /<script type="module" crossorigin (src="[^"]+")><\/script>/g,
            "<script defer $1></script>",
          )
          .replace(/(<link rel="stylesheet") crossorigin/g, "$1"),
    },
  };
}

export default defineConfig(({ mode }) => {
  if (mode === "embed") return embedConfig;
  const singleFile = mode === "singlefile";
  // The site build streams the wasm; the single file and the dev server keep it inlined.
  const streamed = mode === "production";
  return {
    root: webRoot,
    base: "./",
    publicDir: false,
    plugins: [
      batchNormLabFactory(),
      batchNormLabWasmFiles(),
      ...(singleFile
        ? [viteSingleFile({ outputFileName: "batchnorm-lab.html", removeViteModuleLoader: true })]
        : [classicEntry()]),
    ],
    resolve: {
      alias: {
        // The built page takes its worker from a blob (see classicEntry), the
        // dev server from a separate file.
        "#worker-constructor": resolve(
          webRoot,
          streamed
            ? "src/worker-constructor-stream.js"
            : mode === "development"
              ? "src/worker-constructor.js"
              : "src/worker-constructor-inline.js",
        ),
      },
    },
    worker: {
      format: "iife",
      plugins: () => [batchNormLabFactory({ streamed })],
    },
    build: {
      outDir: resolve(repoRoot, "dist"),
      emptyOutDir: !singleFile,
      target: "es2022",
      chunkSizeWarningLimit: 2048,
      reportCompressedSize: false,
      rolldownOptions: singleFile ? {} : { output: { format: "iife" } },
      cssCodeSplit: false,
    },
    server: {
      fs: { allow: [repoRoot] },
    },
  };
});

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

function batchNormLabFactory() {
  return {
    name: "batchnorm-lab-factory",
    resolveId(id) {
      return id === FACTORY_ID ? RESOLVED_FACTORY_ID : null;
    },
    load(id) {
      if (id !== RESOLVED_FACTORY_ID) return null;
      if (!existsSync(factoryPath)) {
        this.error(`${factoryPath} is missing: run \`npm run build:wasm\` first.`);
      }
      this.addWatchFile(factoryPath);
      const text = readFileSync(factoryPath, "utf8");
      // Emscripten's UMD tail (module.exports, define) is for CommonJS and AMD:
      // cut, the factory becomes the default export. Its Node branch requires
      // fs and path, which a browser never reaches: a local `require` keeps the
      // bundler from resolving them.
      const tail = text.indexOf("if (typeof exports === 'object' && typeof module === 'object')");
      if (tail < 0) this.error(`${factoryPath}: Emscripten's UMD tail not found`);
      return (
        "const require = (name) => {\n" +
        "  throw new Error(`the page's worker has no ${name} module`);\n" +
        "};\n" +
        text.slice(0, tail) +
        "export default createBatchNormLab;\n"
      );
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
  return {
    root: webRoot,
    base: "./",
    publicDir: false,
    plugins: [
      batchNormLabFactory(),
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
          mode === "development" ? "src/worker-constructor.js" : "src/worker-constructor-inline.js",
        ),
      },
    },
    worker: {
      format: "iife",
      plugins: () => [batchNormLabFactory()],
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

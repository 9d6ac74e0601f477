// The worker inlined into the page (the single-file build).
export { default } from "./worker.js?worker&inline";

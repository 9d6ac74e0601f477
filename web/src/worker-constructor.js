// The worker as its own file (the multi-file site and the dev server).
export { default } from "./worker.js?worker";

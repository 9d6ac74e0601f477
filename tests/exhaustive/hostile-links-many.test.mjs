// The hostile-links browser test at a larger size: issue 12's links and 300
// random hostile links (npm test opens 24; BNLAB_HOSTILE_LINKS still sets the
// number). Needs the page built (npm test or npm run build).
process.env.BNLAB_HOSTILE_LINKS ??= "300";
await import("../browser/hostile-links.test.mjs");

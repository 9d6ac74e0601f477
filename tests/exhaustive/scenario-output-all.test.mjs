// Every runnable case of tests/fixtures/scenarios.json opened as a link, its
// printed text against PyTorch's (npm test opens every eighth). Needs the page
// built (npm test or npm run build).
process.env.BNLAB_SCENARIO_LINKS = "all";
await import("../browser/scenario-output.test.mjs");

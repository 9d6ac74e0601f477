// The Monte Carlo lens's theory (web/src/mc-theory.js) against the module's
// own runs: `bnlab --seeds` (runCli, bit for bit PyTorch's) over a few hundred
// seeds; the share of |running - manual| below the theory's quantiles is what
// the quantile says, within binomial noise. Also: the lens's flags for a
// config give the CLI's lines, and the pure job queue reassembles them.
import assert from "node:assert/strict";
import { before, test } from "node:test";

import { loadLab } from "./lab.mjs";
import { differenceTheory, absQuantile } from "../../web/src/mc-theory.js";
import { seedValues, distances, fractionAtMost, SeedJobs, seedAt } from "../../web/src/mc-math.js";

let lab;
before(async () => {
  lab = await loadLab();
});

function seedsOf(flags, from, count) {
  const r = lab.runCli([...flags, "--seeds", `${from}:${count}`, "--json"]);
  assert.equal(r.exitCode, 0, r.err);
  return r.out.trim().split("\n");
}

const article = {
  batch: 20,
  height: 1,
  width: 1,
  steps: 2000,
  momentum: 0.1,
  shift: 0,
  scale: 1,
  switch: null,
  shift2: null,
  scale2: null,
  freeze: null,
};

const CASES = [
  // The article's config (3 channels): 150 seeds, 450 values.
  { flags: [], config: article, seeds: 150 },
  // A short scenario run: shift, scale, a switch and a freeze, 4 channels.
  {
    flags: ["--steps=300", "--batch=4", "--channels=4", "--shift=2", "--scale=3"].concat([
      "--switch=100",
      "--shift2=-1",
      "--scale2=0.5",
      "--freeze=250",
      "--momentum=0.05",
    ]),
    config: {
      ...article,
      steps: 300,
      batch: 4,
      shift: 2,
      scale: 3,
      switch: 100,
      shift2: -1,
      scale2: 0.5,
      freeze: 250,
      momentum: 0.05,
    },
    seeds: 200,
  },
  // Momentum None: the variance only (the mean's difference is 0 but for rounding).
  {
    flags: ["--momentum=none", "--steps=400", "--channels=4", "--batch=5", "--height=2"],
    config: { ...article, momentum: null, steps: 400, batch: 5, height: 2 },
    seeds: 150,
    stats: ["var"],
  },
];

test("the share of seeds below the theory's quantiles is the quantile (module runs)", () => {
  for (const { flags, config, seeds, stats = ["mean", "var"] } of CASES) {
    const values = seedsOf(flags, 1000, seeds).map(seedValues);
    const th = differenceTheory(config);
    for (const stat of stats) {
      const d = distances(values, stat);
      const { mu, sd } = th[stat];
      for (const p of [0.25, 0.5, 0.9]) {
        const share = fractionAtMost(d, absQuantile(p, mu, sd));
        // Binomial noise over d.length values; 4.5 of its sds (channels of a
        // seed are independent draws).
        const tol = 4.5 * Math.sqrt((p * (1 - p)) / d.length);
        assert.ok(
          Math.abs(share - p) <= tol,
          `${flags.join(" ")} ${stat}: ${share} of ${d.length} below the ${p} quantile`,
        );
      }
    }
  }
});

test("momentum None: running_mean - manual_mean is float32 rounding only", () => {
  const values = seedsOf(["--momentum=none", "--steps=500"], 5, 20).map(seedValues);
  const d = distances(values, "mean");
  assert.equal(differenceTheory({ ...article, momentum: null, steps: 500 }).mean.sd, 0);
  for (const v of d) assert.ok(v < 1e-6, String(v));
});

test("jobs of a few seeds each, done in any order, give the lines of one --seeds run", () => {
  const flags = ["--steps=30", "--channels=2", "--shift=0.5", "--momentum=none"];
  const whole = seedsOf(flags, "18446744073709551600", 13);
  const jobs = new SeedJobs(13, 4);
  const list = [];
  for (let job = jobs.take(); job; job = jobs.take()) list.push(job);
  for (const job of list.reverse()) {
    assert.ok(
      jobs.complete(job, seedsOf(flags, seedAt("18446744073709551600", job.index), job.count)),
    );
  }
  assert.deepEqual(jobs.lines, whole);
});

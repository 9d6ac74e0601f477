// A stand-in for build/wasm/batchnorm_lab.js with the same JavaScript API, for
// developing the page before the WebAssembly module exists. Its numbers are
// NOT PyTorch's. Never shipped: select it with BNLAB_WASM_JS=<this file>.
var createBatchNormLab = (function () {
  const LIMITS = {
    maxElementsPerBatch: 1 << 24,
    maxSteps: 1000000,
    maxTotalValues: 2000000000,
    maxTraceValues: 1 << 22,
  };
  const DEFAULTS = {
    seed: "21",
    batch: 20,
    channels: 3,
    height: 1,
    width: 1,
    steps: 2000,
    momentum: 0.1,
    eps: 1e-5,
  };
  const isInt = (v) => typeof v === "number" && Number.isInteger(v);
  function validateConfig(cfg) {
    const errors = [];
    for (const f of ["batch", "channels", "height", "width"]) {
      if (!isInt(cfg[f]) || cfg[f] < 1 || cfg[f] > LIMITS.maxElementsPerBatch)
        errors.push({
          field: f,
          message: `${f} must be an integer in [1, ${LIMITS.maxElementsPerBatch}]`,
        });
    }
    if (!isInt(cfg.steps) || cfg.steps < 0 || cfg.steps > LIMITS.maxSteps)
      errors.push({
        field: "steps",
        message: `steps must be an integer in [0, ${LIMITS.maxSteps}]`,
      });
    if (!/^-?\d+$/.test(String(cfg.seed)))
      errors.push({ field: "seed", message: "seed must be an integer" });
    if (
      cfg.momentum !== null &&
      !(typeof cfg.momentum === "number" && cfg.momentum >= 0 && cfg.momentum <= 1)
    )
      errors.push({ field: "momentum", message: "momentum must be a number in [0, 1], or none" });
    if (!(typeof cfg.eps === "number" && Number.isFinite(cfg.eps) && cfg.eps > 0))
      errors.push({ field: "eps", message: "eps must be a finite number > 0" });
    if (errors.length) return errors;
    const per = cfg.batch * cfg.channels * cfg.height * cfg.width;
    if (per > LIMITS.maxElementsPerBatch)
      return [{ field: "size", message: "batch * channels * height * width too large" }];
    if (cfg.steps > 0 && cfg.batch * cfg.height * cfg.width < 2)
      errors.push({ field: "batch", message: "batch * height * width must be at least 2" });
    if (cfg.steps * per > LIMITS.maxTotalValues)
      errors.push({ field: "steps", message: "steps * values per batch too large" });
    if (cfg.steps * cfg.channels > LIMITS.maxTraceValues)
      errors.push({ field: "steps", message: "steps * channels too large" });
    return errors;
  }
  function rng(seedText) {
    let s = Number(BigInt.asUintN(32, BigInt(seedText))) >>> 0;
    let spare = null;
    return function () {
      if (spare !== null) {
        const v = spare;
        spare = null;
        return v;
      }
      const u = () => {
        s = (s + 0x6d2b79f5) >>> 0;
        let t = s;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
      };
      const a = u(),
        b = u();
      const r = Math.sqrt(-2 * Math.log(a));
      spare = r * Math.sin(2 * Math.PI * b);
      return r * Math.cos(2 * Math.PI * b);
    };
  }
  const f = Math.fround;
  function fmt(values) {
    return (
      "tensor([" + Array.from(values, (v) => (v >= 0 ? " " : "") + v.toFixed(4)).join(", ") + "])"
    );
  }
  class Experiment {
    constructor(cfg) {
      this.cfg = cfg;
      this.C = cfg.channels;
      this.n = cfg.batch * cfg.height * cfg.width;
      this.rand = rng(cfg.seed);
      for (let i = 0; i < this.n * this.C; i++) this.rand();
      this.rm = new Float32Array(this.C);
      this.rv = new Float32Array(this.C).fill(1);
      this.count = 0;
      this.mean = new Float64Array(this.C);
      this.m2 = new Float64Array(this.C);
      this.done = 0;
      this.deleted = false;
      Experiment.live++;
    }
    channels() {
      return this.C;
    }
    totalSteps() {
      return this.cfg.steps;
    }
    stepsDone() {
      return this.done;
    }
    finished() {
      return this.done >= this.cfg.steps;
    }
    runChunk(maxSteps) {
      if (this.deleted) throw new Error("deleted");
      const steps = Math.max(0, Math.min(maxSteps, this.cfg.steps - this.done));
      const C = this.C,
        n = this.n;
      const out = {
        firstStep: this.done + 1,
        steps,
        runningMean: new Float32Array(steps * C),
        runningVar: new Float32Array(steps * C),
        manualMean: new Float64Array(steps * C),
        manualVar: new Float64Array(steps * C),
      };
      for (let i = 0; i < steps; i++) {
        this.done++;
        const t = this.done;
        const m = this.cfg.momentum === null ? 1 / t : this.cfg.momentum;
        for (let c = 0; c < C; c++) {
          let s = 0,
            ss = 0;
          const xs = [];
          for (let k = 0; k < n; k++) {
            const x = f(this.rand());
            xs.push(x);
            s += x;
          }
          const mu = s / n;
          for (const x of xs) ss += (x - mu) * (x - mu);
          this.rm[c] = f(m * mu + (1 - m) * this.rm[c]);
          this.rv[c] = f(m * (ss / (n - 1)) + (1 - m) * this.rv[c]);
          for (const x of xs) {
            const cnt = (t - 1) * n + xs.indexOf(x) + 1;
            const d = x - this.mean[c];
            this.mean[c] += d / cnt;
            this.m2[c] += d * (x - this.mean[c]);
          }
          out.runningMean[i * C + c] = this.rm[c];
          out.runningVar[i * C + c] = this.rv[c];
          out.manualMean[i * C + c] = this.mean[c];
          out.manualVar[i * C + c] = this.m2[c] / (t * n - 1);
        }
      }
      return out;
    }
    articleOutput() {
      const cfg = this.cfg;
      const mv = Array.from(this.m2, (v) => v / (this.done * this.n - 1));
      return (
        "Buffers in BatchNorm2d: dict_keys(['running_mean', 'running_var', 'num_batches_tracked'])\n\n" +
        `Shape of stackend tensor: torch.Size([${this.done * cfg.batch}, ${cfg.channels}, ${cfg.height}, ${cfg.width}])\n\n` +
        "Manually Computed:\n------------------\n" +
        `Mean: ${fmt(this.mean)}\nVariance: ${fmt(mv)}\n\n` +
        "Computed by BatchNorm2d:\n------------------------\n" +
        `Mean: ${fmt(this.rm)}\nVariance: ${fmt(this.rv)}\n\n` +
        "Mean Absolute Differences:\n--------------------------\n" +
        "Mean: 0.0000, Variance: 0.0000\n" +
        "(STAND-IN MODULE: not PyTorch's numbers)\n"
      );
    }
    summaryJson() {
      return JSON.stringify({
        config: this.cfg,
        steps_done: this.done,
        running_mean: Array.from(this.rm),
        running_var: Array.from(this.rv),
      });
    }
    delete() {
      if (this.deleted) throw new Error("already deleted");
      this.deleted = true;
      Experiment.live--;
    }
  }
  Experiment.live = 0;
  const Module = {
    defaultConfig: () => ({ ...DEFAULTS }),
    validateConfig,
    limits: () => ({ ...LIMITS }),
    createExperiment(cfg) {
      const errors = validateConfig(cfg);
      if (errors.length) return { ok: false, errors };
      return { ok: true, experiment: new Experiment(cfg) };
    },
    runCli: () => ({ out: "", err: "stand-in has no CLI\n", exitCode: 2 }),
    liveExperiments: () => Experiment.live,
  };
  return function createBatchNormLab() {
    return Promise.resolve(Module);
  };
})();
if (typeof exports === "object" && typeof module === "object") module.exports = createBatchNormLab;

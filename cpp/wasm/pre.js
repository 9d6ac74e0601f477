// Runs inside the Emscripten factory before the module starts: the small
// JavaScript layer over the embind API (bindings.cpp). It validates before
// constructing so that a bad config is a readable message, never a C++ throw.
Module["createExperiment"] = function (config) {
  const errors = Module["validateConfig"](config);
  if (errors.length > 0) return { ok: false, errors: errors };
  return { ok: true, experiment: new Module["Experiment"](config) };
};

// createBatchNorm2d({numFeatures, eps, momentum, affine, trackRunningStats}) -> BatchNorm2d,
// or throws an Error naming the bad option.
Module["createBatchNorm2d"] = function (options) {
  const o = options || {};
  const features = o["numFeatures"];
  if (!Number.isInteger(features) || features < 1 || features > 16777216) {
    throw new Error("numFeatures must be an integer in [1, 16777216]");
  }
  if (o["eps"] !== undefined && !(Number.isFinite(o["eps"]) && o["eps"] > 0)) {
    throw new Error("eps must be a finite number > 0");
  }
  const m = o["momentum"];
  if (m !== undefined && m !== null && !(Number.isFinite(m) && m >= 0 && m <= 1)) {
    throw new Error("momentum must be a number in [0, 1], or null");
  }
  return new Module["BatchNorm2d"](o);
};

Module["onRuntimeInitialized"] = function () {
  const proto = Module["BatchNorm2d"].prototype;
  // forward(input: Float32Array, shape: [N, C, H, W]) -> Float32Array, or throws an Error.
  proto["forward"] = function (input, shape) {
    const result = this["forwardOrError"](input, shape);
    if (result.error !== undefined) throw new Error(result.error);
    return result.output;
  };
};

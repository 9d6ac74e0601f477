// Runs inside the Emscripten factory before the module starts: the JavaScript
// API over the embind functions (bindings.cpp). Every entry point takes any
// value and answers with {ok, ...} or a JavaScript Error carrying a message
// written by the C++ core; nothing reaches a C++ throw or abort.

// At most this many keys of an input object are read (each is a setting).
const MAX_KEYS = 64;
// Longer strings are cut before they cross into the module: no valid value
// is longer than 64 characters and messages show at most 40.
const MAX_TEXT = 256;

// What a value that is no text is called in messages ("got an object").
function describeNonText(value) {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "boolean":
      return "a boolean";
    case "symbol":
      return "a symbol";
    case "function":
      return "a function";
    case "number":
    case "bigint":
      return "a number";
    case "string":
      return "a string";
    case "undefined":
      return "undefined";
    default:
      return "an object";
  }
}

// One value -> [text, nonText]: strings as they are, numbers and BigInts as
// String() writes them, booleans as "true"/"false" beside "a boolean".
function entryOf(value) {
  switch (typeof value) {
    case "string":
      return [value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value, ""];
    case "number":
      return [String(value), ""];
    case "bigint": {
      const text = value.toString();
      return [text.length > MAX_TEXT ? text.slice(0, MAX_TEXT) : text, ""];
    }
    case "boolean":
      return [value ? "true" : "false", "a boolean"];
    default:
      return ["", describeNonText(value)];
  }
}

// Reads an input object into [[name, text, nonText], ...] of plain strings,
// the shape the C++ side reads; a throwing getter or Proxy becomes a message.
// Returns {entries, notAnObject, keysLeft}.
function readEntries(input) {
  const result = { entries: [], notAnObject: "", keysLeft: 0 };
  if (input === undefined || input === null) return result;
  if (typeof input !== "object" || Array.isArray(input)) {
    result.notAnObject = typeof input === "string" ? "a string" : describeNonText(input);
    if (typeof input === "number" || typeof input === "bigint") result.notAnObject = "a number";
    if (typeof input === "undefined") result.notAnObject = "undefined";
    return result;
  }
  let keys;
  try {
    keys = Object.keys(input);
  } catch (error) {
    result.notAnObject = "an object whose keys cannot be read";
    return result;
  }
  result.keysLeft = Math.max(0, keys.length - MAX_KEYS);
  for (const key of keys.slice(0, MAX_KEYS)) {
    let value;
    try {
      value = input[key];
    } catch (error) {
      result.entries.push([String(key).slice(0, MAX_TEXT), "", "a value that cannot be read"]);
      continue;
    }
    if (value === undefined) continue;
    result.entries.push([String(key).slice(0, MAX_TEXT), ...entryOf(value)]);
  }
  return result;
}

// parseConfig(input) -> {ok: true, config} or {ok: false, errors: [{field, message}]}.
Module["parseConfig"] = function (input) {
  const r = readEntries(input);
  return Module["parseConfigEntries"](r.entries, r.notAnObject, r.keysLeft);
};

// resolveConfig(input) -> {config, notices}: always a config that runs.
Module["resolveConfig"] = function (input) {
  const r = readEntries(input);
  return Module["resolveConfigEntries"](r.entries, r.notAnObject, r.keysLeft);
};

// verifyScript(input) -> {ok: true, text}: the Python script that checks this
// config's final statistics in PyTorch bit for bit (bnlab --verify-script's
// bytes), or {ok: false, errors: [{field, message, pytorchError?}]}.
Module["verifyScript"] = function (input) {
  const r = readEntries(input);
  return Module["verifyScriptEntries"](r.entries, r.notAnObject, r.keysLeft);
};

// validateConfig(input) -> [{field, message}], empty when the config runs.
Module["validateConfig"] = function (input) {
  const parsed = Module["parseConfig"](input);
  return parsed["ok"] ? [] : parsed["errors"];
};

// createExperiment(input) -> {ok: true, experiment} or {ok: false, errors}.
Module["createExperiment"] = function (input) {
  const r = readEntries(input);
  const parsed = Module["parseConfigEntries"](r.entries, r.notAnObject, r.keysLeft);
  if (!parsed["ok"]) return { ok: false, errors: parsed["errors"] };
  return { ok: true, experiment: Module["experimentFromEntries"](r.entries) };
};

// createBatchNorm2d({numFeatures, eps, momentum, affine, trackRunningStats})
// -> {ok: true, layer} or {ok: false, errors}.
Module["createBatchNorm2d"] = function (options) {
  const r = readEntries(options);
  const errors = Module["batchNormOptionErrors"](r.entries, r.notAnObject, r.keysLeft);
  if (errors.length > 0) return { ok: false, errors: errors };
  return { ok: true, layer: Module["batchNormFromEntries"](r.entries) };
};

// A number list for forward, setWeight and setBias, or an Error naming `what`.
function requireNumberList(value, what) {
  if (!ArrayBuffer.isView(value) && !Array.isArray(value)) {
    throw new Error(
      `${what} must be a Float32Array or an array of numbers; got ${describeNonText(value)}`,
    );
  }
}

Module["onRuntimeInitialized"] = function () {
  // runCli(args: array of strings) -> {out, err, exitCode}, or throws an Error.
  const runCli = Module["runCli"];
  Module["runCli"] = function (args) {
    if (!Array.isArray(args)) {
      throw new Error(`runCli needs an array of strings; got ${describeNonText(args)}`);
    }
    const list = [];
    for (let i = 0; i < args.length; i++) {
      if (typeof args[i] !== "string") {
        throw new Error(
          `runCli needs an array of strings; item ${i} is ${describeNonText(args[i])}`,
        );
      }
      list.push(args[i]);
    }
    return runCli(list);
  };
  const experiment = Module["Experiment"].prototype;
  const runChunk = experiment["runChunk"];
  // runChunk(maxSteps: a number >= 0; Infinity runs the rest) -> the chunk's trace.
  experiment["runChunk"] = function (maxSteps) {
    if (typeof maxSteps !== "number" || !(maxSteps >= 0)) {
      throw new Error(
        `runChunk needs a number of steps >= 0; got ${typeof maxSteps === "number" ? maxSteps : describeNonText(maxSteps)}`,
      );
    }
    return runChunk.call(this, maxSteps);
  };
  const layer = Module["BatchNorm2d"].prototype;
  const train = layer["train"];
  // train(on = true): only a boolean switches the mode.
  layer["train"] = function (on) {
    if (on !== undefined && typeof on !== "boolean") {
      throw new Error(`train needs true or false; got ${describeNonText(on)}`);
    }
    train.call(this, on !== false);
  };
  for (const name of ["setWeight", "setBias"]) {
    const set = layer[name];
    // setWeight(values) -> true, or false when values has the wrong length.
    layer[name] = function (values) {
      requireNumberList(values, `${name}'s values`);
      return set.call(this, values);
    };
  }
  // forward(input: Float32Array or array, shape: [N, C, H, W]) -> Float32Array, or throws an Error.
  layer["forward"] = function (input, shape) {
    requireNumberList(input, "input");
    const result = this["forwardOrError"](input, Array.isArray(shape) ? shape : null);
    if (result.error !== undefined) throw new Error(result.error);
    return result.output;
  };
  // setProbe(seed: string, number or BigInt) -> true, or false (nothing changed)
  // when it is no seed in PyTorch's range. Then every runChunk also carries
  // probeMean and probeStd, and probe() answers.
  experiment["setProbe"] = function (seed) {
    const kind = typeof seed;
    const text = kind === "string" || kind === "number" || kind === "bigint" ? String(seed) : "";
    return this["setProbeText"](text.length > MAX_TEXT ? "" : text);
  };
  // preciseBn(K) -> {batches, runningMean, runningVar, numBatchesTracked, text, json},
  // or throws an Error (K out of range, or PyTorch's ValueError for one value per channel).
  experiment["preciseBn"] = function (batches) {
    const result = this["preciseBnOrError"](typeof batches === "number" ? batches : Number.NaN);
    if (result.error !== undefined) throw new Error(result.error);
    return result;
  };
  // randn(count) -> Float32Array of count values, or throws an Error.
  Module["Generator"].prototype["randn"] = function (count) {
    const result = this["randnOrError"](typeof count === "number" ? count : Number.NaN);
    if (result.error !== undefined) throw new Error(result.error);
    return result.values;
  };
};

// ---- Zero-copy: randn and BatchNorm2d on buffers in the wasm heap ----------
// createHeapFloats(length) -> HeapFloats, a float32 buffer in the wasm heap
// (delete() it when done). buffer.view() returns a NEW Float32Array view of it
// on each call: the heap may grow (and old views go empty) during any call that
// allocates, so take a view right before using it and never keep one across a
// call into the module.
Module["createHeapFloats"] = function (length) {
  if (!Number.isInteger(length) || length < 0 || length > 67108864) {
    throw new Error("length must be an integer in [0, 67108864]");
  }
  return new Module["HeapFloats"](length);
};

// Buffers reused by the Float32Array forms below, grown when a call needs more.
const zeroCopyScratch = [null, null];
function scratchFloats(slot, length) {
  let buffer = zeroCopyScratch[slot];
  if (buffer === null || buffer["length"]() < length) {
    if (buffer !== null) buffer["delete"]();
    buffer = zeroCopyScratch[slot] = Module["createHeapFloats"](length);
  }
  return buffer;
}

function heapView(buffer, length) {
  const start = buffer["byteOffset"]() >>> 2;
  return HEAPF32.subarray(start, start + length);
}

function isHeapFloats(x) {
  return x instanceof Module["HeapFloats"];
}

const previousOnRuntimeInitialized = Module["onRuntimeInitialized"];
Module["onRuntimeInitialized"] = function () {
  if (previousOnRuntimeInitialized) previousOnRuntimeInitialized();
  Module["HeapFloats"].prototype["view"] = function () {
    return heapView(this, this["length"]());
  };

  // randnInto(target) fills all of target (a HeapFloats in place, or a
  // Float32Array through one reused heap buffer) and returns it.
  Module["Generator"].prototype["randnInto"] = function (target) {
    if (isHeapFloats(target)) {
      this["randnIntoHeap"](target, target["length"]());
      return target;
    }
    if (!(target instanceof Float32Array)) {
      throw new Error("target must be a Float32Array or a HeapFloats");
    }
    if (target.length > 67108864) throw new Error("target must hold at most 67108864 values");
    const scratch = scratchFloats(0, target.length);
    this["randnIntoHeap"](scratch, target.length);
    target.set(heapView(scratch, target.length));
    return target;
  };

  // forwardInto(input, shape, output): BatchNorm2d.forward writing into output.
  // Both HeapFloats: no copy at all. Both Float32Array: copied through reused
  // heap buffers (no allocation once they are big enough). Throws an Error on a
  // bad shape or length; returns output.
  Module["BatchNorm2d"].prototype["forwardInto"] = function (input, shape, output) {
    if (!Array.isArray(shape) || shape.length !== 4) {
      throw new Error("shape must be an array of 4 positive integers [N, C, H, W]");
    }
    if (isHeapFloats(input) && isHeapFloats(output)) {
      const problem = this["forwardIntoHeap"](input, input["length"](), shape, output);
      if (problem !== "") throw new Error(problem);
      return output;
    }
    if (!(input instanceof Float32Array) || !(output instanceof Float32Array)) {
      throw new Error("input and output must both be Float32Arrays or both HeapFloats");
    }
    if (output.length !== input.length) {
      throw new Error(
        "output has " + output.length + " values; it must match the input's " + input.length,
      );
    }
    if (input.length > 67108864) throw new Error("input must hold at most 67108864 values");
    const heapIn = scratchFloats(0, input.length);
    const heapOut = scratchFloats(1, input.length);
    heapView(heapIn, input.length).set(input);
    const problem = this["forwardIntoHeap"](heapIn, input.length, shape, heapOut);
    if (problem !== "") throw new Error(problem);
    output.set(heapView(heapOut, input.length));
    return output;
  };
};

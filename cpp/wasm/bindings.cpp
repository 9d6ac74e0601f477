// The only file that knows about Emscripten: embind wrappers that turn the
// core's C++ API into JavaScript objects, typed arrays and plain messages.
// Errors never cross as C++ exceptions (3.1.6 shows those as bare pointers):
// objects whose constructor could throw are made only by factories that
// validate first, and pre.js wraps everything in the {ok, ...} API.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "article_report.h"
#include "batch_norm.h"
#include "batch_norm_options.h"
#include "checked_size.h"
#include "cli.h"
#include "config_text.h"
#include "experiment.h"
#include "heap_floats.h"
#include "seed_range.h"
#include "torch_generator.h"
#include "verify_script.h"

using emscripten::val;

namespace {

// pre.js reads hostile JavaScript values into [[name, text, nonText], ...],
// all strings, so nothing here can meet a getter, a Proxy or a Symbol.
std::vector<bnlab::FieldInput> entries_from_js(const val& entries) {
  std::vector<bnlab::FieldInput> fields;
  const auto count = entries["length"].as<unsigned>();
  for (unsigned i = 0; i < count; ++i) {
    const val entry = entries[i];
    bnlab::FieldInput input(entry[0].as<std::string>(), entry[1].as<std::string>());
    input.non_text = entry[2].as<std::string>();
    fields.push_back(std::move(input));
  }
  return fields;
}

// pre.js says what the whole input was when it was no plain object ("an
// array", "a string"...), or how many keys it had beyond the ones it read.
std::vector<bnlab::ConfigError> shape_errors(const std::string& not_an_object, int keys_left) {
  std::vector<bnlab::ConfigError> errors;
  if (!not_an_object.empty()) {
    errors.push_back({"config", "the config must be an object of settings; got " + not_an_object});
  }
  if (keys_left > 0) {
    errors.push_back({"config", "the config has " + std::to_string(keys_left) +
                                    " more keys than the 64 that are read"});
  }
  return errors;
}

val errors_to_js(const std::vector<bnlab::ConfigError>& errors) {
  val list = val::array();
  for (const auto& e : errors) {
    val item = val::object();
    item.set("field", e.field);
    item.set("message", e.message);
    // What PyTorch itself raises for this config ("ValueError: ..."), when it does.
    if (!e.pytorch_error.empty()) item.set("pytorchError", e.pytorch_error);
    list.call<void>("push", item);
  }
  return list;
}

const char* kind_name(bnlab::FieldKind kind) {
  switch (kind) {
    case bnlab::FieldKind::kSeed:
      return "seed";
    case bnlab::FieldKind::kInteger:
      return "integer";
    case bnlab::FieldKind::kOptionalInteger:
      return "optional-integer";
    case bnlab::FieldKind::kNumber:
      return "number";
    case bnlab::FieldKind::kOptionalNumber:
      return "optional-number";
  }
  return "";
}

val config_fields() {
  val list = val::array();
  for (const bnlab::FieldSpec& spec : bnlab::config_fields()) {
    val item = val::object();
    item.set("name", std::string(spec.name));
    item.set("kind", std::string(kind_name(spec.kind)));
    item.set("defaultText", std::string(spec.default_text));
    item.set("range", std::string(spec.range));
    if (spec.absent_word != nullptr) item.set("absentWord", std::string(spec.absent_word));
    item.set("alwaysInLink", spec.always_in_link);
    list.call<void>("push", item);
  }
  return list;
}

// The seed as a decimal string (a 64-bit seed does not survive a double),
// sizes and numbers as numbers, unset optional fields as null.
val config_to_js(const bnlab::ExperimentConfig& c) {
  val out = val::object();
  for (const bnlab::FieldSpec& spec : bnlab::config_fields()) {
    switch (spec.kind) {
      case bnlab::FieldKind::kSeed:
        out.set(spec.name, (c.*spec.seed).to_string());
        break;
      case bnlab::FieldKind::kInteger:
        out.set(spec.name, static_cast<double>(c.*spec.integer));
        break;
      case bnlab::FieldKind::kOptionalInteger: {
        const auto& v = c.*spec.optional_integer;
        out.set(spec.name, v ? val(static_cast<double>(*v)) : val::null());
        break;
      }
      case bnlab::FieldKind::kNumber:
        out.set(spec.name, c.*spec.number);
        break;
      case bnlab::FieldKind::kOptionalNumber: {
        const auto& v = c.*spec.optional_number;
        out.set(spec.name, v ? val(*v) : val::null());
        break;
      }
    }
  }
  return out;
}

val default_config() { return config_to_js(bnlab::ExperimentConfig()); }

val parse_config_entries(const val& entries, const std::string& not_an_object, int keys_left) {
  std::vector<bnlab::ConfigError> errors = shape_errors(not_an_object, keys_left);
  const bnlab::ConfigParse parsed = bnlab::parse_config(entries_from_js(entries));
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  val out = val::object();
  out.set("ok", errors.empty());
  if (errors.empty()) {
    out.set("config", config_to_js(parsed.config));
  } else {
    out.set("errors", errors_to_js(errors));
  }
  return out;
}

val resolve_config_entries(const val& entries, const std::string& not_an_object, int keys_left) {
  std::vector<bnlab::ConfigError> notices = shape_errors(not_an_object, keys_left);
  for (auto& n : notices) n.message += "; using the defaults for the rest";
  const bnlab::ConfigResolution resolved = bnlab::resolve_config(entries_from_js(entries));
  notices.insert(notices.end(), resolved.notices.begin(), resolved.notices.end());
  val out = val::object();
  out.set("config", config_to_js(resolved.config));
  out.set("notices", errors_to_js(notices));
  return out;
}

// The verification script for a config (cpp/core/verify_script.h), the bytes
// bnlab --verify-script prints: {ok: true, text} or {ok: false, errors}.
val verify_script_entries(const val& entries, const std::string& not_an_object, int keys_left) {
  std::vector<bnlab::ConfigError> errors = shape_errors(not_an_object, keys_left);
  const bnlab::ConfigParse parsed = bnlab::parse_config(entries_from_js(entries));
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  val out = val::object();
  if (errors.empty()) {
    const bnlab::VerifyScriptResult script = bnlab::make_verify_script(parsed.config, {});
    if (script.error.empty()) {
      out.set("ok", true);
      out.set("text", script.text);
      return out;
    }
    errors.push_back({script.field, script.error});
  }
  out.set("ok", false);
  out.set("errors", errors_to_js(errors));
  return out;
}

// The most values one randn call returns: 256 MiB of float32, as much as
// the page's largest run draws in one go and far less than the heap's 2 GiB.
constexpr std::int64_t kMaxRandnValues = std::int64_t{1} << 26;

val limits() {
  val out = val::object();
  out.set("maxElementsPerBatch", static_cast<double>(bnlab::kMaxElementsPerBatch));
  out.set("maxSteps", static_cast<double>(bnlab::kMaxSteps));
  out.set("maxTotalValues", static_cast<double>(bnlab::kMaxTotalValues));
  out.set("maxTraceValues", static_cast<double>(bnlab::kMaxTraceValues));
  out.set("maxNumFeatures", static_cast<double>(bnlab::kMaxNumFeatures));
  out.set("maxRandnValues", static_cast<double>(kMaxRandnValues));
  out.set("maxJsonChannels", static_cast<double>(bnlab::kMaxJsonChannels));
  out.set("maxSeedCount", static_cast<double>(bnlab::kMaxSeedCount));
  out.set("maxVerifyChannels", static_cast<double>(bnlab::kMaxVerifyChannels));
  return out;
}

// Bytes malloc has handed out and not had back: lets tests show that deleted
// embind objects free everything (the wasm memory itself never shrinks).
double heap_bytes_in_use() { return static_cast<double>(mallinfo().uordblks); }

// pre.js hands over an array of strings only (runCli throws otherwise).
val run_cli(const val& args) {
  const bnlab::CliResult r = bnlab::run_cli(emscripten::vecFromJSArray<std::string>(args));
  val out = val::object();
  out.set("out", r.out);
  out.set("err", r.err);
  out.set("exitCode", r.exit_code);
  return out;
}

// A count of steps or values from JavaScript: NaN and negatives are 0, and
// anything at or past `limit` is `limit` (no double reaches the int64 cast
// out of range).
std::int64_t clamp_count(double value, std::int64_t limit) {
  if (!(value > 0)) return 0;
  if (value >= static_cast<double>(limit)) return limit;
  return static_cast<std::int64_t>(value);
}

// Made only by experiment_from_entries, with a config that validated.
class JsExperiment {
 public:
  explicit JsExperiment(const bnlab::ExperimentConfig& config) : experiment_(config) {}

  int channels() const { return static_cast<int>(experiment_.config().channels); }
  double total_steps() const { return static_cast<double>(experiment_.config().steps); }
  double steps_done() const { return static_cast<double>(experiment_.steps_done()); }
  bool finished() const { return experiment_.finished(); }

  val run_chunk(double max_steps) {
    const std::int64_t left = experiment_.config().steps - experiment_.steps_done();
    const std::int64_t steps = clamp_count(max_steps, left);
    trace_.clear(experiment_.config().channels, steps);
    experiment_.run(steps, &trace_);
    val out = val::object();
    out.set("firstStep", static_cast<double>(trace_.first_step));
    out.set("steps", static_cast<double>(trace_.steps));
    out.set("runningMean", copy_out(trace_.running_mean));
    out.set("runningVar", copy_out(trace_.running_var));
    // PyTorch's float32 manual statistics (Float32Array) and the same in double
    // precision (Float64Array), for the page to show side by side.
    out.set("manualMean", copy_out(trace_.manual_mean));
    out.set("manualVar", copy_out(trace_.manual_var));
    out.set("exactMean", copy_out(trace_.exact_mean));
    out.set("exactVar", copy_out(trace_.exact_var));
    // The step's batch statistics (NaN after a freeze) and num_batches_tracked
    // after it (one per step), for the step inspector.
    out.set("batchMean", copy_out(trace_.batch_mean));
    out.set("batchVar", copy_out(trace_.batch_var));
    out.set("batchVarUnbiased", copy_out(trace_.batch_var_unbiased));
    out.set("numBatchesTracked", copy_out(trace_.num_batches_tracked));
    if (experiment_.probing()) {
      out.set("probeMean", copy_out(trace_.probe_mean));
      out.set("probeStd", copy_out(trace_.probe_std));
    }
    return out;
  }

  std::string article_output() const { return bnlab::article_output(experiment_); }
  std::string summary_json() const { return bnlab::summary_json(experiment_); }

  // From now on every chunk also carries the eval-mode probe's per-channel mean
  // and std (probeMean, probeStd). False, changing nothing, on text that is not a seed.
  bool set_probe(const std::string& seed_text) {
    const auto seed = bnlab::Seed::parse(seed_text);
    if (!seed) return false;
    experiment_.set_probe(*seed);
    return true;
  }

  // The probe now: {evalMean, evalStd, evalOutput, trainMean, trainStd}, with
  // trainError instead of the train-mode values for one value per channel; {}
  // before setProbe.
  val probe() const {
    val out = val::object();
    if (!experiment_.probing()) return out;
    const bnlab::ProbeResult r = experiment_.probe();
    out.set("evalMean", copy_out(r.eval.mean));
    out.set("evalStd", copy_out(r.eval.std));
    out.set("evalOutput", copy_out(experiment_.probe_output()));
    if (r.train_error.empty()) {
      out.set("trainMean", copy_out(r.train.mean));
      out.set("trainStd", copy_out(r.train.std));
    } else {
      out.set("trainError", r.train_error);
    }
    return out;
  }

  // Precise BN after the steps run so far (the experiment is left as it is):
  // {batches, runningMean, runningVar, numBatchesTracked, text, json}, or {error}
  // with PyTorch's ValueError line or the bound K broke.
  val precise_bn(double batches) const {
    val out = val::object();
    if (const std::string problem = bnlab::check_precise_batches(experiment_.config(), batches);
        !problem.empty()) {
      out.set("error", problem);
      return out;
    }
    const bnlab::PreciseBn p = experiment_.precise_bn(static_cast<std::int64_t>(batches));
    if (!p.error.empty()) {
      out.set("error", p.error);
      return out;
    }
    out.set("batches", static_cast<double>(p.batches));
    out.set("runningMean", copy_out(p.running_mean));
    out.set("runningVar", copy_out(p.running_var));
    out.set("numBatchesTracked", static_cast<double>(p.num_batches_tracked));
    out.set("text", bnlab::precise_bn_output(experiment_, p));
    out.set("json", bnlab::summary_json(experiment_, &p));
    return out;
  }

  template <typename T>
  static val copy_out(const std::vector<T>& values) {
    // slice() copies out of the wasm heap at once: no view survives a later allocation.
    return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
  }

 private:
  bnlab::Experiment experiment_;
  bnlab::StepTrace trace_;  // reused: its capacity survives from chunk to chunk
};

JsExperiment* experiment_from_entries(const val& entries) {
  const bnlab::ConfigParse parsed = bnlab::parse_config(entries_from_js(entries));
  return parsed.ok() ? new JsExperiment(parsed.config) : nullptr;
}

// A shape entry from JavaScript: a positive integer that a double holds
// exactly, else 0, which every caller refuses.
std::int64_t dimension(const val& v) {
  const double d = v.isNumber() ? v.as<double>() : 0.0;
  return d >= 1 && d <= 9.0e15 && d == std::floor(d) ? static_cast<std::int64_t>(d) : 0;
}

// Made only by batch_norm_from_entries, with options that validated.
class JsBatchNorm2d {
 public:
  explicit JsBatchNorm2d(const bnlab::BatchNormOptions& options) : layer_(options) {}

  void train(bool on) { layer_.train(on); }
  bool is_training() const { return layer_.is_training(); }

  val forward(const val& input, const val& shape) {
    val out = val::object();
    if (!shape.isArray() || shape["length"].as<unsigned>() != 4) {
      out.set("error", std::string("shape must be an array of 4 positive integers [N, C, H, W]"));
      return out;
    }
    const bnlab::Shape4 s{dimension(shape[0]), dimension(shape[1]), dimension(shape[2]),
                          dimension(shape[3])};
    // Checked: a shape whose product wraps around must not pass as small.
    const auto numel = bnlab::checked_product({s.n, s.c, s.h, s.w});
    const double length = input["length"].isNumber() ? input["length"].as<double>() : -1;
    if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1 || !numel ||
        length != static_cast<double>(*numel)) {
      out.set("error", "input has " + (length >= 0 ? bnlab::format_number(length) : "no") +
                           " values; the shape needs " +
                           (numel ? std::to_string(*numel) : std::string("more than 2^63")));
      return out;
    }
    if (const std::string problem = layer_.check_input(s); !problem.empty()) {
      out.set("error", problem);
      return out;
    }
    const std::vector<float> x = emscripten::convertJSArrayToNumberVector<float>(input);
    std::vector<float> y(x.size());
    layer_.forward(x.data(), s, y.data());
    out.set("output", JsExperiment::copy_out(y));
    return out;
  }

  // Zero-copy forward: input and output live in the wasm heap. Returns "" or
  // why it refused (pre.js throws it as an Error).
  // `length` is how many values of `input` the caller passes: the shape's product.
  std::string forward_into(bnlab_wasm::HeapFloats& input, double length, const val& shape,
                           bnlab_wasm::HeapFloats& output) {
    const bnlab::Shape4 s{dimension(shape[0]), dimension(shape[1]), dimension(shape[2]),
                          dimension(shape[3])};
    const auto numel = bnlab::checked_product({s.n, s.c, s.h, s.w});
    if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1 || !numel) {
      return "shape must be 4 positive integers [N, C, H, W] whose product fits in 2^63";
    }
    const auto needed = static_cast<std::size_t>(*numel);
    if (length != static_cast<double>(needed) || input.size() < needed || output.size() < needed) {
      return "input has " + bnlab::format_number(length) + " values and output room for " +
             std::to_string(output.size()) + "; the shape needs " + std::to_string(needed);
    }
    if (std::string problem = layer_.check_input(s); !problem.empty()) return problem;
    layer_.forward(input.data(), s, output.data());
    return "";
  }

  val running_mean() const { return JsExperiment::copy_out(layer_.running_mean()); }
  val running_var() const { return JsExperiment::copy_out(layer_.running_var()); }
  double num_batches_tracked() const { return static_cast<double>(layer_.num_batches_tracked()); }
  bool set_weight(const val& values) { return assign(values, &layer_.weight()); }
  bool set_bias(const val& values) { return assign(values, &layer_.bias()); }

 private:
  static bool assign(const val& values, std::vector<float>* target) {
    if (!values["length"].isNumber() ||
        values["length"].as<double>() != static_cast<double>(target->size())) {
      return false;
    }
    *target = emscripten::convertJSArrayToNumberVector<float>(values);
    return true;
  }

  bnlab::BatchNorm2d layer_;
};

val batch_norm_option_errors(const val& entries, const std::string& not_an_object, int keys_left) {
  std::vector<bnlab::ConfigError> errors = shape_errors(not_an_object, keys_left);
  const auto parsed = bnlab::parse_batch_norm_options(entries_from_js(entries));
  errors.insert(errors.end(), parsed.errors.begin(), parsed.errors.end());
  return errors_to_js(errors);
}

JsBatchNorm2d* batch_norm_from_entries(const val& entries) {
  const auto parsed = bnlab::parse_batch_norm_options(entries_from_js(entries));
  return parsed.ok() ? new JsBatchNorm2d(parsed.options) : nullptr;
}

class JsGenerator {
 public:
  // Returns false, leaving the state as it was, on text that is not a seed.
  bool manual_seed(const std::string& seed_text) {
    const auto seed = bnlab::Seed::parse(seed_text);
    if (!seed) return false;
    generator_.manual_seed(seed->bits);
    return true;
  }
  // {values} or {error}: pre.js turns the error into a JavaScript Error.
  val randn(double count) {
    val out = val::object();
    if (!(count >= 0 && count <= static_cast<double>(kMaxRandnValues) &&
          count == std::floor(count))) {
      out.set("error", "randn needs a count that is an integer in [0, " +
                           std::to_string(kMaxRandnValues) + "]; got " +
                           bnlab::format_number(count));
      return out;
    }
    std::vector<float> values(static_cast<std::size_t>(count));
    generator_.randn(values.data(), values.size());
    out.set("values", JsExperiment::copy_out(values));
    return out;
  }
  double random() { return generator_.random(); }
  // Zero-copy randn: the first `count` floats of `out` (pre.js checks count).
  void randn_into(bnlab_wasm::HeapFloats& out, double count) {
    const double n = count >= 0 && count <= out.length() ? std::floor(count) : 0;
    generator_.randn(out.data(), static_cast<std::size_t>(n));
  }

 private:
  bnlab::TorchGenerator generator_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(batchnorm_lab) {
  using emscripten::allow_raw_pointers;
  emscripten::function("configFields", &config_fields);
  emscripten::function("defaultConfig", &default_config);
  emscripten::function("parseConfigEntries", &parse_config_entries);
  emscripten::function("resolveConfigEntries", &resolve_config_entries);
  emscripten::function("experimentFromEntries", &experiment_from_entries, allow_raw_pointers());
  emscripten::function("batchNormOptionErrors", &batch_norm_option_errors);
  emscripten::function("batchNormFromEntries", &batch_norm_from_entries, allow_raw_pointers());
  emscripten::function("limits", &limits);
  emscripten::function("runCli", &run_cli);
  emscripten::function("verifyScriptEntries", &verify_script_entries);
  emscripten::function("heapBytesInUse", &heap_bytes_in_use);

  // No constructors: Module.createExperiment and Module.createBatchNorm2d
  // (pre.js) validate and then call the factories above.
  emscripten::class_<JsExperiment>("Experiment")
      .function("channels", &JsExperiment::channels)
      .function("totalSteps", &JsExperiment::total_steps)
      .function("stepsDone", &JsExperiment::steps_done)
      .function("finished", &JsExperiment::finished)
      .function("runChunk", &JsExperiment::run_chunk)
      .function("articleOutput", &JsExperiment::article_output)
      .function("summaryJson", &JsExperiment::summary_json)
      .function("setProbeText", &JsExperiment::set_probe)
      .function("probe", &JsExperiment::probe)
      .function("preciseBnOrError", &JsExperiment::precise_bn);

  emscripten::class_<JsBatchNorm2d>("BatchNorm2d")
      .function("train", &JsBatchNorm2d::train)
      .function("isTraining", &JsBatchNorm2d::is_training)
      .function("forwardOrError", &JsBatchNorm2d::forward)
      .function("runningMean", &JsBatchNorm2d::running_mean)
      .function("runningVar", &JsBatchNorm2d::running_var)
      .function("numBatchesTracked", &JsBatchNorm2d::num_batches_tracked)
      .function("setWeight", &JsBatchNorm2d::set_weight)
      .function("setBias", &JsBatchNorm2d::set_bias)
      .function("forwardIntoHeap", &JsBatchNorm2d::forward_into);

  emscripten::class_<JsGenerator>("Generator")
      .constructor<>()
      .function("manualSeed", &JsGenerator::manual_seed)
      .function("randnOrError", &JsGenerator::randn)
      .function("random", &JsGenerator::random)
      .function("randnIntoHeap", &JsGenerator::randn_into);

  emscripten::class_<bnlab_wasm::HeapFloats>("HeapFloats")
      .constructor<double>()
      .function("length", &bnlab_wasm::HeapFloats::length)
      .function("byteOffset", &bnlab_wasm::HeapFloats::byte_offset);
}

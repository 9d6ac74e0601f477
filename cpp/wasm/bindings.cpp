// The only file that knows about Emscripten: embind wrappers that turn the
// core's C++ API into JavaScript objects, typed arrays and plain messages.
// Errors never cross as C++ exceptions (3.1.6 shows those as bare pointers):
// they come back as {field, message} lists or {error} objects, and the pre-js
// (pre.js) turns the latter into JavaScript Errors.
#include <emscripten/bind.h>
#include <emscripten/val.h>
#include <malloc.h>

#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "article_report.h"
#include "batch_norm.h"
#include "cli.h"
#include "experiment.h"
#include "torch_generator.h"

using emscripten::val;

namespace {

// JavaScript values become the text a URL or command line would carry, so a
// config from JS goes through the same parser as the CLI's flags.
std::vector<bnlab::FieldInput> fields_from_js(const val& config) {
  std::vector<bnlab::FieldInput> fields;
  if (config.isUndefined() || config.isNull()) return fields;
  const val to_string = val::global("String");
  for (const bnlab::FieldSpec& spec : bnlab::config_fields()) {
    const val value = config[spec.name];
    if (value.isUndefined()) continue;
    bnlab::FieldInput input(spec.name, "");
    if (value.isNull()) {
      input.non_text = "null";
    } else {
      input.text = to_string(value).as<std::string>();
    }
    fields.push_back(std::move(input));
  }
  return fields;
}

val errors_to_js(const std::vector<bnlab::ConfigError>& errors) {
  val list = val::array();
  for (const auto& e : errors) {
    val item = val::object();
    item.set("field", e.field);
    item.set("message", e.message);
    list.call<void>("push", item);
  }
  return list;
}

// JavaScript numbers arrive as doubles (no BigInt in 3.1.6's embind); a
// non-integer or out-of-range size becomes 0, which the callers reject.
std::int64_t dimension(const val& v) {
  const double d = v.isNumber() ? v.as<double>() : 0.0;
  return d >= 1 && d <= 9.0e15 && d == static_cast<double>(static_cast<std::int64_t>(d))
             ? static_cast<std::int64_t>(d)
             : 0;
}

template <typename T>
val copy_out(const std::vector<T>& values) {
  // slice() copies out of the wasm heap at once: no view survives a later allocation.
  return val(emscripten::typed_memory_view(values.size(), values.data())).call<val>("slice");
}

val default_config() {
  const bnlab::ExperimentConfig c;
  val out = val::object();
  out.set("seed", c.seed.to_string());
  out.set("batch", static_cast<double>(c.batch));
  out.set("channels", static_cast<double>(c.channels));
  out.set("height", static_cast<double>(c.height));
  out.set("width", static_cast<double>(c.width));
  out.set("steps", static_cast<double>(c.steps));
  out.set("momentum", *c.momentum);
  out.set("eps", c.eps);
  return out;
}

val validate_config(const val& config) {
  return errors_to_js(bnlab::parse_config(fields_from_js(config)).errors);
}

val limits() {
  val out = val::object();
  out.set("maxElementsPerBatch", static_cast<double>(bnlab::kMaxElementsPerBatch));
  out.set("maxSteps", static_cast<double>(bnlab::kMaxSteps));
  out.set("maxTotalValues", static_cast<double>(bnlab::kMaxTotalValues));
  out.set("maxTraceValues", static_cast<double>(bnlab::kMaxTraceValues));
  return out;
}

// Bytes malloc has handed out and not had back: lets tests show that deleted
// embind objects free everything (the wasm memory itself never shrinks).
double heap_bytes_in_use() { return static_cast<double>(mallinfo().uordblks); }

val run_cli(const val& args) {
  const bnlab::CliResult r = bnlab::run_cli(emscripten::vecFromJSArray<std::string>(args));
  val out = val::object();
  out.set("out", r.out);
  out.set("err", r.err);
  out.set("exitCode", r.exit_code);
  return out;
}

// JavaScript creates this only through Module.createExperiment (pre.js),
// which validates first, so the constructor does not throw on a bad config.
class JsExperiment {
 public:
  explicit JsExperiment(const val& config)
      : experiment_(bnlab::parse_config(fields_from_js(config)).config) {}

  int channels() const { return static_cast<int>(experiment_.config().channels); }
  double total_steps() const { return static_cast<double>(experiment_.config().steps); }
  double steps_done() const { return static_cast<double>(experiment_.steps_done()); }
  bool finished() const { return experiment_.finished(); }

  val run_chunk(double max_steps) {
    const auto limit = static_cast<std::int64_t>(max_steps > 0 ? max_steps : 0);
    const std::int64_t left = experiment_.config().steps - experiment_.steps_done();
    trace_.clear(experiment_.config().channels, limit < left ? limit : left);
    experiment_.run(limit, &trace_);
    val out = val::object();
    out.set("firstStep", static_cast<double>(trace_.first_step));
    out.set("steps", static_cast<double>(trace_.steps));
    out.set("runningMean", copy_out(trace_.running_mean));
    out.set("runningVar", copy_out(trace_.running_var));
    out.set("manualMean", copy_out(trace_.manual_mean));
    out.set("manualVar", copy_out(trace_.manual_var));
    return out;
  }

  std::string article_output() const { return bnlab::article_output(experiment_); }
  std::string summary_json() const { return bnlab::summary_json(experiment_); }

 private:
  bnlab::Experiment experiment_;
  bnlab::StepTrace trace_;  // reused: its capacity survives from chunk to chunk
};

class JsBatchNorm2d {
 public:
  // options: {numFeatures, eps, momentum (number or null), affine, trackRunningStats}
  explicit JsBatchNorm2d(const val& options) : layer_(to_options(options)) {}

  void train(bool on) { layer_.train(on); }
  bool is_training() const { return layer_.is_training(); }

  val forward(const val& input, const val& shape) {
    val out = val::object();
    const bnlab::Shape4 s{dimension(shape[0]), dimension(shape[1]), dimension(shape[2]),
                          dimension(shape[3])};
    const std::vector<float> x = emscripten::convertJSArrayToNumberVector<float>(input);
    if (s.n < 1 || s.c < 1 || s.h < 1 || s.w < 1 ||
        static_cast<std::int64_t>(x.size()) != s.numel()) {
      out.set("error", std::string("input has ") + std::to_string(x.size()) +
                           " values; the shape needs " + std::to_string(s.numel()));
      return out;
    }
    if (const std::string problem = layer_.check_input(s); !problem.empty()) {
      out.set("error", problem);
      return out;
    }
    std::vector<float> y(x.size());
    layer_.forward(x.data(), s, y.data());
    out.set("output", copy_out(y));
    return out;
  }

  val running_mean() const { return copy_out(layer_.running_mean()); }
  val running_var() const { return copy_out(layer_.running_var()); }
  double num_batches_tracked() const { return static_cast<double>(layer_.num_batches_tracked()); }
  bool set_weight(const val& values) { return assign(values, &layer_.weight()); }
  bool set_bias(const val& values) { return assign(values, &layer_.bias()); }

 private:
  static bnlab::BatchNormOptions to_options(const val& o) {
    bnlab::BatchNormOptions options;
    // Module.createBatchNorm2d (pre.js) rejects bad options with a message
    // first; 1 keeps a direct `new` from throwing a C++ exception into JavaScript.
    const std::int64_t features = dimension(o["numFeatures"]);
    options.num_features = features > 0 ? features : 1;
    if (!o["eps"].isUndefined()) options.eps = o["eps"].as<double>();
    if (o["momentum"].isNull()) {
      options.momentum.reset();
    } else if (!o["momentum"].isUndefined()) {
      options.momentum = o["momentum"].as<double>();
    }
    if (!o["affine"].isUndefined()) options.affine = o["affine"].as<bool>();
    if (!o["trackRunningStats"].isUndefined()) {
      options.track_running_stats = o["trackRunningStats"].as<bool>();
    }
    return options;
  }

  static bool assign(const val& values, std::vector<float>* target) {
    std::vector<float> v = emscripten::convertJSArrayToNumberVector<float>(values);
    if (v.size() != target->size()) return false;
    *target = std::move(v);
    return true;
  }

  bnlab::BatchNorm2d layer_;
};

class JsGenerator {
 public:
  // Returns false, leaving the state as it was, on text that is not a seed.
  bool manual_seed(const std::string& seed_text) {
    const auto seed = bnlab::Seed::parse(seed_text);
    if (!seed) return false;
    generator_.manual_seed(seed->bits);
    return true;
  }
  val randn(double count) {
    std::vector<float> values(static_cast<std::size_t>(count > 0 ? count : 0));
    generator_.randn(values.data(), values.size());
    return copy_out(values);
  }
  double random() { return generator_.random(); }

 private:
  bnlab::TorchGenerator generator_;
};

}  // namespace

EMSCRIPTEN_BINDINGS(batchnorm_lab) {
  emscripten::function("defaultConfig", &default_config);
  emscripten::function("validateConfig", &validate_config);
  emscripten::function("limits", &limits);
  emscripten::function("runCli", &run_cli);
  emscripten::function("heapBytesInUse", &heap_bytes_in_use);

  emscripten::class_<JsExperiment>("Experiment")
      .constructor<val>()
      .function("channels", &JsExperiment::channels)
      .function("totalSteps", &JsExperiment::total_steps)
      .function("stepsDone", &JsExperiment::steps_done)
      .function("finished", &JsExperiment::finished)
      .function("runChunk", &JsExperiment::run_chunk)
      .function("articleOutput", &JsExperiment::article_output)
      .function("summaryJson", &JsExperiment::summary_json);

  emscripten::class_<JsBatchNorm2d>("BatchNorm2d")
      .constructor<val>()
      .function("train", &JsBatchNorm2d::train)
      .function("isTraining", &JsBatchNorm2d::is_training)
      .function("forwardOrError", &JsBatchNorm2d::forward)
      .function("runningMean", &JsBatchNorm2d::running_mean)
      .function("runningVar", &JsBatchNorm2d::running_var)
      .function("numBatchesTracked", &JsBatchNorm2d::num_batches_tracked)
      .function("setWeight", &JsBatchNorm2d::set_weight)
      .function("setBias", &JsBatchNorm2d::set_bias);

  emscripten::class_<JsGenerator>("Generator")
      .constructor<>()
      .function("manualSeed", &JsGenerator::manual_seed)
      .function("randn", &JsGenerator::randn)
      .function("random", &JsGenerator::random);
}

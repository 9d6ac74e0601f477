// BatchNorm Lab's page: reads the config from the link, runs the experiment in
// a worker, charts the trace as it arrives, and keeps the link in sync.
// Nothing taken from the URL or the module is ever inserted as HTML: text
// only (textContent, value).
import { Engine } from "./engine.js";
import { Charts, MAX_SHOWN_CHANNELS } from "./charts.js";
import { TraceStore } from "./trace.js";
import {
  PARAMS,
  FALLBACK_DEFAULTS,
  FALLBACK_LIMITS,
  readQuery,
  parseField,
  formatField,
  fieldsOfError,
  toQuery,
  sameConfig,
  shownValue,
} from "./config.js";
import {
  halfLife,
  runningMeanVariance,
  runningVarVariance,
  steadyRunningMeanStd,
  bandPoints,
} from "./theory.js";
import { traceCsvParts, traceJsonParts, pytorchCode, pageUrl, embedCode } from "./exporters.js";

const $ = (id) => document.getElementById(id);
const fmtInt = new Intl.NumberFormat("en-US");
const CHART_TITLES = [
  "Mean per channel",
  "Variance per channel",
  "Absolute difference |running − manual|",
];

const state = {
  defaults: { ...FALLBACK_DEFAULTS },
  limits: { ...FALLBACK_LIMITS },
  config: { ...FALLBACK_DEFAULTS },
  embed: false,
  status: "loading", // loading | starting | idle | running | paused | finished
  runId: null,
  store: null,
  articleOutput: "",
  summaryJson: "",
  speed: Infinity,
  dirty: false,
  rate: { t: 0, steps: 0, value: 0 },
};

const charts = new Charts({
  mean: $("chart-mean"),
  variance: $("chart-variance"),
  diff: $("chart-diff"),
});
let engine = null;

// ---------------------------------------------------------------- notices

function showNotices(title, items, { alert = false } = {}) {
  const box = $("notices");
  box.setAttribute("role", alert ? "alert" : "status");
  $("notice-title").textContent = title;
  const list = $("notice-list");
  list.replaceChildren(
    ...items.map((text) => {
      const li = document.createElement("li");
      li.textContent = text;
      return li;
    }),
  );
  list.hidden = items.length === 0;
  box.hidden = false;
}

function hideNotices() {
  $("notices").hidden = true;
}

function fallbackMessages(problems, config) {
  return problems.map(
    (p) =>
      `“${p.field}”${p.value !== undefined ? ` = “${p.value}”` : ""}: ${p.message}. ` +
      `Using ${p.field}=${formatField(p.field, config[p.field])}.`,
  );
}

// ---------------------------------------------------------------- form

const form = $("config-form");
const inputs = Object.fromEntries(PARAMS.map((f) => [f, $(`f-${f}`)]));
const momentumNone = $("f-momentum-none");

function fillForm(config) {
  for (const f of PARAMS) {
    if (f === "momentum") continue;
    inputs[f].value = formatField(f, config[f]);
  }
  momentumNone.checked = config.momentum === null;
  inputs.momentum.disabled = config.momentum === null;
  inputs.momentum.value = config.momentum === null ? "" : String(config.momentum);
  if (config.momentum === null && !inputs.momentum.dataset.last)
    inputs.momentum.dataset.last = "0.1";
  clearFieldErrors();
}

function clearFieldErrors() {
  for (const f of [...PARAMS, "size"]) setFieldError(f, null);
}

function setFieldError(field, message) {
  const el = $(`e-${field}`);
  if (!el) return;
  el.textContent = message || "";
  el.hidden = !message;
  const input = inputs[field];
  if (input) {
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", `e-${field}`);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  }
}

// Reads the form; returns {config} or {errors: [{field, message}]}.
function readForm() {
  const config = {};
  const errors = [];
  for (const f of PARAMS) {
    if (f === "momentum" && momentumNone.checked) {
      config.momentum = null;
      continue;
    }
    const parsed = parseField(f, inputs[f].value, state.limits);
    if (parsed.ok) config[f] = parsed.value;
    else errors.push({ field: f, message: parsed.message });
  }
  return errors.length ? { errors } : { config };
}

async function applyForm({ force = false } = {}) {
  clearFieldErrors();
  const read = readForm();
  if (read.errors) {
    for (const e of read.errors) setFieldError(e.field, e.message);
    return;
  }
  const { errors } = await engine.request("validate", { config: read.config });
  if (errors.length) {
    for (const e of errors) {
      const fields = fieldsOfError(e);
      setFieldError(fields.length === 1 ? fields[0] : "size", e.message);
    }
    return;
  }
  if (!force && sameConfig(read.config, state.config) && state.status !== "idle") return;
  state.config = read.config;
  hideNotices();
  updateLink();
  await start({ run: true });
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  applyForm({ force: true }).catch(reportError);
});
for (const f of PARAMS) {
  inputs[f].addEventListener("change", () => applyForm().catch(reportError));
}
momentumNone.addEventListener("change", () => {
  if (momentumNone.checked) {
    inputs.momentum.dataset.last = inputs.momentum.value;
    inputs.momentum.value = "";
  } else {
    inputs.momentum.value = inputs.momentum.dataset.last || String(state.defaults.momentum ?? 0.1);
  }
  inputs.momentum.disabled = momentumNone.checked;
  applyForm().catch(reportError);
});
$("preset-article").addEventListener("click", () => {
  fillForm(state.defaults);
  applyForm({ force: true }).catch(reportError);
});

// ---------------------------------------------------------------- link

function currentUrl({ embed = state.embed } = {}) {
  return pageUrl(state.config, { embed });
}

function updateLink() {
  const query = "?" + toQuery(state.config, { embed: state.embed });
  if (location.search !== query) {
    try {
      history.replaceState(null, "", query + location.hash);
    } catch {
      // Some file:// setups refuse; the link field below still has the address.
    }
  }
  $("share-link").value = currentUrl({ embed: false });
  $("open-full").href = currentUrl({ embed: false });
  $("pytorch-code").textContent = pytorchCode(state.config, currentUrl({ embed: false }));
  updateExplanation();
}

// ---------------------------------------------------------------- run

let focusLost = null;
function setStatus(status) {
  state.status = status;
  const run = $("btn-run");
  const pause = $("btn-pause");
  const step = $("btn-step");
  const reset = $("btn-reset");
  const busy = status === "loading" || status === "starting";
  run.textContent = status === "paused" ? "Resume" : status === "finished" ? "Run again" : "Run";
  const enable = {
    run: !busy && status !== "running",
    pause: status === "running",
    step: !busy,
    reset: status === "running" || status === "paused" || status === "finished",
  };
  const focused = document.activeElement;
  run.disabled = !enable.run;
  pause.disabled = !enable.pause;
  step.disabled = !enable.step;
  reset.disabled = !enable.reset;
  // Keep the keyboard focus on a usable button: Run hands it to Pause and back;
  // while starting, when none is usable, it waits for the next status.
  const lost =
    focused && focused.disabled
      ? focused
      : focusLost && document.activeElement === document.body
        ? focusLost
        : null;
  focusLost = null;
  if (lost) {
    if (lost === run && enable.pause) pause.focus();
    else if (lost === pause && enable.run) run.focus();
    else if (!lost.disabled) lost.focus();
    else if (enable.step) step.focus();
    else focusLost = lost;
  }
  document.documentElement.dataset.status = status;
  renderProgress();
}

function bands(config, totalSteps) {
  const n = config.batch * config.height * config.width;
  const m = config.momentum;
  return {
    meanBand: bandPoints((t) => runningMeanVariance(m, n, t), 0, 2, totalSteps),
    varBand: bandPoints((t) => runningVarVariance(m, n, t), 1, 2, totalSteps),
  };
}

async function start({ run }) {
  const config = state.config;
  state.runId = null;
  setStatus("starting");
  let reply;
  try {
    reply = await engine.request("start", {
      config,
      run,
      speed: state.speed === Infinity ? undefined : state.speed,
    });
  } catch (error) {
    setStatus("idle");
    throw error;
  }
  if (reply.ok === false) {
    // The form and the link were validated first, so this is unexpected.
    showNotices(
      "This config cannot run:",
      reply.errors.map((e) => e.message),
      { alert: true },
    );
    setStatus("idle");
    return false;
  }
  state.runId = reply.runId;
  const shown = Math.min(reply.channels, MAX_SHOWN_CHANNELS);
  state.store = new TraceStore(reply.channels, reply.totalSteps, { shownChannels: shown });
  state.articleOutput = reply.articleOutput;
  state.summaryJson = "";
  state.rate = { t: performance.now(), steps: 0, value: 0 };
  charts.setup({
    shown,
    totalSteps: reply.totalSteps,
    decimated: state.store.bucketSize > 1,
    ...bands(config, reply.totalSteps),
  });
  const note = $("channel-note");
  note.hidden = reply.channels <= shown;
  note.textContent = `The charts show channels 0 to ${shown - 1} of ${fmtInt.format(reply.channels)}; the downloads and the article's output cover all of them.`;
  renderOutput();
  setStatus(run ? "running" : "paused");
  return true;
}

function onEvent(msg) {
  if (msg.runId !== state.runId || !state.store) return;
  if (msg.type === "chunk") {
    state.store.append(msg);
    state.articleOutput = msg.articleOutput;
    const now = performance.now();
    const r = state.rate;
    r.steps += msg.steps;
    if (now - r.t > 500) {
      r.value = (r.steps * 1000) / (now - r.t);
      r.t = now;
      r.steps = 0;
    }
    scheduleRender();
  } else if (msg.type === "finished") {
    state.articleOutput = msg.articleOutput;
    state.summaryJson = msg.summaryJson;
    // The final text is on the page before the status says "finished".
    state.status = "finished";
    renderOutput();
    setStatus("finished");
    scheduleRender();
  }
}

function onCrash(reason) {
  state.runId = null;
  showNotices(
    "The computation stopped unexpectedly and was restarted. Press Run to start again.",
    [`Reason: ${shownValue(reason)}`],
    { alert: true },
  );
  engine.ready.then(() => setStatus("idle")).catch(reportError);
  setStatus("loading");
}

$("btn-run").addEventListener("click", async () => {
  try {
    if (state.status === "paused" && state.runId !== null) {
      await engine.request("resume");
      setStatus("running");
    } else {
      await start({ run: true });
    }
  } catch (error) {
    reportError(error);
  }
});
$("btn-pause").addEventListener("click", async () => {
  try {
    await engine.request("pause");
    if (state.status === "running") setStatus("paused");
  } catch (error) {
    reportError(error);
  }
});
$("btn-step").addEventListener("click", async () => {
  try {
    if (state.runId === null || state.status === "finished" || state.status === "idle") {
      if (!(await start({ run: false }))) return;
    }
    if (state.status === "running") setStatus("paused");
    await engine.request("step", { count: 1 });
  } catch (error) {
    reportError(error);
  }
});
$("btn-reset").addEventListener("click", async () => {
  try {
    await engine.request("reset");
    state.runId = null;
    state.store = null;
    state.articleOutput = "";
    state.summaryJson = "";
    charts.clear();
    setStatus("idle");
    renderOutput();
  } catch (error) {
    reportError(error);
  }
});
$("speed").addEventListener("change", async (event) => {
  const value = event.target.value;
  state.speed = value === "max" ? Infinity : Number(value);
  try {
    await engine.request("setSpeed", { speed: state.speed === Infinity ? null : state.speed });
  } catch (error) {
    reportError(error);
  }
});
for (const radio of document.querySelectorAll('input[name="diff-scale"]')) {
  radio.addEventListener("change", () => charts.setLogScale($("scale-log").checked));
}

// ---------------------------------------------------------------- render

// The text (progress, the article's output) follows every frame; the charts
// are redrawn at most once a frame, and less often when drawing is slow (a big
// trace, a slow machine, no GPU): the cost of a redraw is measured up to the
// next frame, painting included, and the next one waits three times that long
// (half a second at most), so that the page keeps responding to input.
let textQueued = false;
let chartQueued = false;
let lastChart = 0;
let chartCost = 0;
function scheduleRender() {
  if (!textQueued) {
    textQueued = true;
    requestAnimationFrame(() => {
      textQueued = false;
      renderProgress();
      renderOutput();
    });
  }
  if (chartQueued) return;
  chartQueued = true;
  const wait = Math.max(0, lastChart + Math.min(3 * chartCost, 500) - performance.now());
  const draw = () =>
    requestAnimationFrame(() => {
      chartQueued = false;
      const t0 = performance.now();
      if (state.store) charts.update(state.store);
      lastChart = performance.now();
      requestAnimationFrame(() => {
        chartCost = performance.now() - t0;
      });
    });
  if (wait > 0) setTimeout(draw, wait);
  else draw();
}

function renderProgress() {
  const store = state.store;
  const bar = $("progress");
  const text = $("progress-text");
  if (state.status === "loading" || state.status === "starting") {
    bar.removeAttribute("value");
    text.textContent = state.status === "loading" ? "Loading the WebAssembly module…" : "Starting…";
    return;
  }
  if (!store) {
    bar.max = 1;
    bar.value = 0;
    text.textContent = "Ready. Press Run.";
    return;
  }
  const total = store.totalSteps;
  bar.max = Math.max(total, 1);
  bar.value = total === 0 ? 1 : store.stepsDone;
  const done = `${fmtInt.format(store.stepsDone)} of ${fmtInt.format(total)} steps`;
  const label =
    { running: "Running", paused: "Paused", finished: "Done", idle: "Ready" }[state.status] ?? "";
  const rate =
    state.status === "running" && state.rate.value > 0
      ? ` · ${fmtInt.format(Math.round(state.rate.value))} steps/s`
      : "";
  text.textContent = `${label}: ${done}${rate}`;
}

function renderOutput() {
  const pre = $("article-output");
  if (pre.textContent !== state.articleOutput) pre.textContent = state.articleOutput;
  const store = state.store;
  const caption = $("output-caption");
  if (!store) {
    caption.textContent =
      "What the article's PyTorch script prints for this config appears here once it runs.";
  } else if (state.status === "finished") {
    caption.textContent = `Exactly what the article's PyTorch script prints for this config (all ${fmtInt.format(store.totalSteps)} steps).`;
  } else {
    caption.textContent = `What the article's PyTorch script would print after the ${fmtInt.format(store.stepsDone)} of ${fmtInt.format(store.totalSteps)} steps done so far.`;
  }
  renderObserved();
}

function fmtNum(v, digits = 4) {
  if (!Number.isFinite(v)) return "–";
  return Math.abs(v) < 1e-4 && v !== 0 ? v.toExponential(2) : v.toFixed(digits);
}

function updateExplanation() {
  const c = state.config;
  const n = c.batch * c.height * c.width;
  const m = c.momentum;
  const fill = (name, text) => {
    for (const el of document.querySelectorAll(`[data-fill="${name}"]`)) el.textContent = text;
  };
  fill("momentum", m === null ? "None" : String(m));
  const h = halfLife(m);
  fill(
    "half-life",
    h === null
      ? "–"
      : h === Infinity
        ? "∞ (momentum 0: nothing is learned)"
        : h === 0
          ? "0 (only the last batch counts)"
          : h.toFixed(2),
  );
  fill("window", m === null ? "–" : m === 0 ? "∞" : fmtNum((2 - m) / m, 2));
  fill("n", fmtInt.format(n));
  fill("sigma", m === null ? "–" : fmtNum(steadyRunningMeanStd(m, n, c.steps), 4));
  for (const el of document.querySelectorAll("[data-when]")) {
    el.hidden = el.dataset.when === "none" ? m !== null : m === null;
  }
  renderObserved();
}

function renderObserved() {
  const el = $("observed");
  const last = state.store?.last();
  if (!last) {
    el.textContent = "";
    el.hidden = true;
    return;
  }
  const C = last.runningMean.length;
  let dm = 0;
  let dv = 0;
  for (let i = 0; i < C; i++) {
    dm += Math.abs(last.manualMean[i] - last.runningMean[i]);
    dv += Math.abs(last.manualVar[i] - last.runningVar[i]);
  }
  const c = state.config;
  const n = c.batch * c.height * c.width;
  const sd = Math.sqrt(runningMeanVariance(c.momentum, n, last.step) + 1 / (n * last.step));
  el.hidden = false;
  el.textContent =
    `This run, after step ${fmtInt.format(last.step)}: |running − manual| averaged over the ${fmtInt.format(C)} ` +
    `channel${C === 1 ? "" : "s"} is ${fmtNum(dm / C)} for the mean and ${fmtNum(dv / C)} for the variance. ` +
    (c.momentum === null
      ? "With momentum=None the means agree up to float rounding."
      : `For the mean, about ${fmtNum(Math.sqrt(2 / Math.PI) * sd)} is typical (the mean absolute value of a normal with that spread).`);
}

// ---------------------------------------------------------------- share

async function copyText(text, what) {
  let ok = false;
  try {
    await navigator.clipboard.writeText(text);
    ok = true;
  } catch {
    const area = document.createElement("textarea");
    area.value = text;
    area.setAttribute("readonly", "");
    area.style.position = "fixed";
    area.style.opacity = "0";
    document.body.append(area);
    area.select();
    try {
      ok = document.execCommand("copy");
    } catch {
      ok = false;
    }
    area.remove();
  }
  $("share-status").textContent = ok
    ? `${what} copied to the clipboard.`
    : `Could not reach the clipboard: select the ${what.toLowerCase()} and copy it by hand.`;
}

function download(parts, type, name) {
  const blob = parts instanceof Blob ? parts : new Blob(parts, { type });
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
  $("share-status").textContent = `Saved ${name}.`;
}

function fileStem() {
  const c = state.config;
  const m = c.momentum === null ? "none" : String(c.momentum);
  return `batchnorm-lab_seed${c.seed}_${c.batch}x${c.channels}x${c.height}x${c.width}_steps${c.steps}_m${m}`;
}

function needTrace() {
  if (state.store && state.store.stepsDone > 0) return true;
  $("share-status").textContent = "Run at least one step first.";
  return false;
}

$("copy-link").addEventListener("click", () => copyText(currentUrl({ embed: false }), "Link"));
$("copy-embed").addEventListener("click", () => copyText(embedCode(state.config), "Embed code"));
$("copy-pytorch").addEventListener("click", () =>
  copyText(pytorchCode(state.config, currentUrl({ embed: false })), "PyTorch code"),
);
$("dl-csv").addEventListener("click", () => {
  if (needTrace()) download(traceCsvParts(state.store), "text/csv", `${fileStem()}.csv`);
});
$("dl-json").addEventListener("click", async () => {
  if (!needTrace()) return;
  let summary = state.summaryJson;
  if (!summary) {
    try {
      const reply = await engine.request("snapshot");
      summary = reply.snapshot?.summaryJson ?? "";
    } catch {
      summary = "";
    }
  }
  download(
    traceJsonParts(state.store, state.config, summary),
    "application/json",
    `${fileStem()}.json`,
  );
});
$("dl-png").addEventListener("click", async () => {
  if (!needTrace()) return;
  const blob = await charts.toPngBlob(CHART_TITLES);
  if (blob) download(blob, "image/png", `${fileStem()}.png`);
});
$("share-link").addEventListener("focus", (event) => event.target.select());
$("notice-close").addEventListener("click", hideNotices);

// ---------------------------------------------------------------- embed

function setupEmbed() {
  document.documentElement.classList.add("embed");
  $("settings").open = false;
  $("explain-details").open = false;
  if (window.parent === window) return;
  const app = $("app");
  let last = 0;
  const post = () => {
    const height = Math.ceil(app.getBoundingClientRect().height);
    if (height === last) return;
    last = height;
    window.parent.postMessage({ type: "batchnorm-lab:height", height }, "*");
  };
  new ResizeObserver(post).observe(app);
  post();
}

// ---------------------------------------------------------------- errors

function reportError(error) {
  const message = error && error.message ? error.message : String(error);
  showNotices("Something went wrong:", [shownValue(message)], { alert: true });
}

// ---------------------------------------------------------------- boot

async function boot() {
  const query = readQuery(location.search, state.defaults, state.limits);
  state.embed = query.embed;
  if (state.embed) setupEmbed();
  fillForm(query.config);
  setStatus("loading");
  engine = new Engine({ onEvent, onCrash });
  const ready = await engine.ready;
  state.defaults = ready.defaults;
  state.limits = ready.limits;

  // Parse again with the module's own defaults and limits, then let the module
  // check what needs several fields at once; each bad field falls back.
  const { config, problems } = readQuery(location.search, state.defaults, state.limits);
  for (let round = 0; round < 3; round++) {
    const { errors } = await engine.request("validate", { config });
    if (!errors.length) break;
    for (const e of errors) {
      const fields = fieldsOfError(e);
      if (!fields.length) fields.push(...PARAMS);
      for (const f of fields) {
        config[f] = state.defaults[f];
        if (!problems.some((p) => p.field === f)) problems.push({ field: f, message: e.message });
      }
    }
  }
  state.config = config;
  fillForm(config);
  if (problems.length) {
    showNotices(
      "Some settings in the link were invalid and were replaced by their defaults:",
      fallbackMessages(problems, config),
    );
  }
  updateLink();
  setStatus("idle");
  await start({ run: true });
}

matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => charts.retheme());

boot().catch(reportError);

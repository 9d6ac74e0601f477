// Boots the page and wires its parts. Data flows one way: the link's fields
// go to the worker, whose grammar resolves them into the config that runs;
// its trace goes to the charts and the text; the controls and the form send
// commands and fields the same way; the link and the views follow the config.
// Nothing from the URL or the module is inserted as HTML: text only.
// First: the worker starts while the rest of the script is evaluated (engine-boot.js).
import { engine, engineHandlers } from "./engine-boot.js";
import { Charts } from "./charts.js";
import { Session } from "./session.js";
import { ConfigForm } from "./form.js";
import { Controls } from "./controls.js";
import { RenderLoop, renderChannelNote } from "./render-loop.js";
import { SharePanel } from "./share.js";
import { renderExplanation, renderObserved } from "./explanation.js";
import { showNotices, hideNotices, reportError } from "./notices.js";
import { readLink, linkQuery, pageUrl, writeAddress, formatValue, shownValue } from "./link.js";
import { bootPage } from "./boot.js";
import { LessonPanel } from "./lesson-panel.js";
import { applyTheme, applyPanels, applyControls, applyFrameHeight } from "./view.js";
import { stepsPerSecond } from "./playback.js";
import { Lenses } from "./lenses.js";
import { registerLenses } from "./lens-registry.js";
import { Inspector } from "./inspector.js";
import { RERUN_EVENT } from "./lens-dom.js";
import { Stories } from "./stories.js";
import { Compare } from "./compare.js";

const $ = (id) => document.getElementById(id);
const link = readLink(location.search);

const state = {
  names: [], // the config's fields, in the grammar's order
  config: null, // the config that runs (parsed by the grammar)
  page: link.page, // the page's own link fields
  status: "loading", // loading | starting | idle | running | paused | finished | failed
  runId: null,
  booting: false, // the boot's first start has not settled (boot.js sends it again after a restart)
  store: null,
  articleOutput: "",
  speed: Infinity,
  rate: { t: 0, steps: 0, value: 0 },
};

const query = (page) =>
  linkQuery(state.config, state.names, { ...state.page, ...page }, state.compare);
// The address and the share panel follow a change of the link's state.
const relink = () => {
  writeAddress(query());
  share.render();
};
const urls = () => ({
  page: pageUrl(query({ embed: false })),
  embed: pageUrl(query({ embed: true })),
});

const charts = new Charts({
  mean: $("chart-mean"),
  variance: $("chart-variance"),
  distance: $("chart-distance"),
});
const lesson = new LessonPanel({ state, charts });
const inspector = new Inspector({
  state,
  charts,
  root: $("inspector"),
  onLink: () => relink(),
});
const compare = new Compare({
  state,
  engine: { request: (...args) => engine.request(...args) },
  charts,
  root: $("compare"),
  legend: $("compare-legend"),
  onChange: () => relink(),
});
compare.setLink(link.compareText);
const reducedMotion = matchMedia("(prefers-reduced-motion: reduce)");

// The lens panels (lens-table.js), made before the view fields apply to them.
const lenses = new Lenses({
  state,
  engine: { request: (...args) => engine.request(...args) },
  onToggle(names) {
    state.page.lens = names.length ? names : null;
    if (state.config) relink();
  },
});
lenses.mount(document.querySelector("main.layout"));
registerLenses(lenses, {
  charts,
  // A lens with link fields of its own (the seeds lens's mc=) rewrites the link.
  onLink() {
    if (state.config) relink();
  },
});
// A guided story (story=NAME): its config, its lens with the answer, no autoplay.
const stories = new Stories({
  state,
  session: { start: (...a) => session.start(...a), fields: () => session.fields() },
  lenses,
  engine: { request: (...args) => engine.request(...args) },
  onLeave: () => relink(),
});
stories.mount(document.getElementById("app"));

// How the page is shown, from the link's view fields, before anything runs.
applyTheme(state.page.theme, () => {
  charts.retheme();
  if (state.store) lesson.started(state.store.shown);
  lenses.notify("theme");
});
applyPanels(state.page.panels);
// A lens named by the link, or alone in an embed's panels, is shown open.
lenses.open([...(state.page.lens ?? []), ...(state.page.panels ?? [])]);
applyControls(state.page.controls);
applyFrameHeight(state.page["frame-height"], state.page.embed);

// The rate for a run of totalSteps at the speed chosen (link or menu).
const rateFor = (totalSteps) =>
  stepsPerSecond(state.page.speed, totalSteps, { reducedMotion: reducedMotion.matches });
engineHandlers({
  onEvent: (msg) => session.onEvent(msg),
  onRestart(reason) {
    const stopped = "The computation stopped unexpectedly and was restarted.";
    const details = [`Reason: ${shownValue(reason)}`];
    showNotices(stopped, details, { alert: true });
    state.runId = null;
    session.setStatus("loading");
    // Idle once the next worker is up, unless a start was sent meanwhile or the boot is still to
    // send the link's config to the new worker: that run plays, so no button needs pressing.
    engine.ready.then(
      () => {
        if (state.status !== "loading" || state.booting) return;
        session.setStatus("idle");
        showNotices(`${stopped} Press Run to start again.`, details, { alert: true });
      },
      () => {},
    );
  },
  onGiveUp(message) {
    showNotices("The computation stopped.", [message], { alert: true });
    session.setStatus("failed");
  },
});
const renderLoop = new RenderLoop(state, charts, {
  afterOutput() {
    renderObserved(state);
    lesson.renderRun();
    lenses.notify("trace");
    inspector.render();
  },
});
const session = new Session(state, engine, {
  config(reply) {
    state.compareNotices = compare.configured(reply);
    relink();
    renderExplanation(state.config);
    lesson.renderConfig();
    lenses.notify("config");
  },
  // Returns a promise while the charts are built (the first time, in several tasks): the status
  // changes to running or paused after it.
  started(reply) {
    const { shown, totalSteps, bucketSize } = state.store;
    const run = { shown, totalSteps, config: state.config, decimated: bucketSize > 1 };
    const rest = () => {
      renderChannelNote(shown, reply.channels);
      lesson.started(shown);
      inspector.started();
      // Each run at the chosen pace: "auto" depends on the run's length.
      const rate = rateFor(totalSteps);
      if (rate !== state.speed) session.setSpeed(rate).catch(reportError);
    };
    if (charts.warm) {
      charts.setup(run);
      rest();
      return null;
    }
    // Chart.js's first charts are costly: one chart per task (charts.setupInParts).
    return charts.setupInParts(run).then((shows) => {
      if (shows) rest();
    });
  },
  status() {
    controls.render(state.status);
    controls.renderSkip(state.status === "running" && state.speed !== Infinity);
    renderLoop.progress();
    if (state.status === "finished") lenses.notify("finished");
    stories.status(state);
    compare.render();
  },
  trace: () => renderLoop.schedule(),
  output: () => renderLoop.output(),
  // The eval-mode probe runs while its lens is open (it costs a forward a step).
  probeSeed: () => (lenses.isOpen("probe") ? state.page["probe-seed"] : null),
  compareFields: () => compare.fields(),
});
const controls = new Controls({
  session,
  charts,
  onError: reportError,
  heldRun: () => stories.askFirst(),
  async onSpeed(choice) {
    state.page.speed = choice;
    relink();
    await session.setSpeed(rateFor(state.store?.totalSteps ?? 0));
    session.on.status();
  },
  async onSkip() {
    await session.setSpeed(Infinity);
    session.on.status();
  },
});
controls.renderSpeed(state.page.speed);
const share = new SharePanel({
  state,
  session,
  charts,
  urls,
  pairs: () => state.names.map((name) => [name, formatValue(state.config[name], name)]),
});
const form = new ConfigForm({
  onApply: (fields, { force }) => apply(fields, force).catch(reportError),
  onPreset: (fields) => apply(fields, true).catch(reportError),
});

// A change in the form: one round trip, parsed by the grammar in the worker;
// refused fields keep the run and the link as they were.
async function apply(fields, force) {
  form.clearErrors();
  if (stories.askFirst()) return;
  if (!force && state.status !== "idle" && form.matches(state.config)) return;
  const reply = await session.start(fields);
  if (reply.ok === false) form.showErrors(reply.errors);
  else hideNotices();
}

// A lens asks for the run again: a new probe seed (a page field, already set),
// the probe switched on, or config fields changed (the momentum).
document.addEventListener(RERUN_EVENT, (event) => {
  if (!state.config) return;
  session
    .start({ ...session.fields(), ...event.detail.fields })
    .then((reply) => {
      if (reply.ok === false)
        showNotices(
          "This change cannot run:",
          reply.errors.map((e) => e.message),
        );
      else form.fill(state.config);
    })
    .catch(reportError);
});

bootPage({ state, link, engine, session, form, stories, lenses, reducedMotion }).catch((error) => {
  if (!engine.stopped) reportError(error);
});

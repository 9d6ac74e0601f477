// The run session: starts, pauses, steps, resets runs through the engine, and
// turns the worker's events into the page's state (status, trace, the
// article's text). Views learn of changes through the `on` callbacks.
import { TraceStore } from "./trace.js";
import { MAX_SHOWN_CHANNELS } from "./chart-style.js";

export class Session {
  // on: {config(reply), started(reply) (may return a promise: the charts being built),
  // status(), trace(), output(), probeSeed()
  // (the probe seed's text for a new run, or null: no probe), compareFields()
  // (run B's fields, text by name, or null)}
  constructor(state, engine, on) {
    this.state = state;
    this.engine = engine;
    this.on = on;
  }

  setStatus(status) {
    this.state.status = status;
    this.on.status();
  }

  // Starts a run from `fields` (text by name). resolve: a link's fields, bad
  // ones fall back (the reply's notices say how); otherwise a bad field is
  // refused: resolves with {ok: false, errors} and the old run stays as it was.
  //
  // The page's first start (boot.js) sends at once, behind the worker's init
  // (`now`), waits for `after` (the grammar's field names set) before the reply is
  // used, and gives the worker the link's pace (`pace`: {speed, reducedMotion}), which
  // it turns into steps per second for the steps it resolved, so that the run starts
  // at its pace without another round trip.
  async start(
    fields,
    { resolve = false, run = true, now = false, after = null, pace = null } = {},
  ) {
    const state = this.state;
    const before = { status: state.status, runId: state.runId };
    this.setStatus("starting");
    let reply;
    try {
      const request = {
        fields,
        resolve,
        run,
        speed: state.speed === Infinity ? null : state.speed,
        probe: this.on.probeSeed?.() ?? null,
        compare: this.on.compareFields?.() ?? null,
        ...(pace ? { pace } : {}),
      };
      reply = await (now
        ? this.engine.requestNow("start", request)
        : this.engine.request("start", request));
      if (after) await after;
    } catch (error) {
      state.runId = null;
      this.setStatus(this.engine.stopped ? "failed" : "idle");
      throw error;
    }
    if (reply.ok === false) {
      // Refused before anything was dropped: the old run goes on as it was.
      state.runId = before.runId;
      this.setStatus(before.status);
      return reply;
    }
    state.config = reply.config;
    state.runId = reply.runId;
    // The pace the worker chose from `pace` (null: as fast as possible).
    if (pace) state.speed = reply.speed === null ? Infinity : reply.speed;
    const shown = Math.min(reply.channels, MAX_SHOWN_CHANNELS);
    state.store = new TraceStore(reply.channels, reply.totalSteps, { shownChannels: shown });
    state.articleOutput = reply.articleOutput;
    // The eval-mode probe's reference and step-0 values (null: not probed).
    state.probe = reply.probe ?? null;
    state.rate = { t: performance.now(), steps: 0, value: 0 };
    this.on.config(reply);
    const building = this.on.started(reply);
    this.on.output();
    // The charts built over several tasks (the first time): the run's status follows them.
    if (building) {
      try {
        await building;
      } catch (error) {
        // Charts that could not be built: the run and its text go on, the error is reported.
        if (state.runId === reply.runId && state.status === "starting")
          this.setStatus(run ? "running" : "paused");
        throw error;
      }
      // The run finished meanwhile, or another start (or a restart) took over: that status stands.
      if (state.runId !== reply.runId || state.status !== "starting") return reply;
    }
    this.setStatus(run ? "running" : "paused");
    return reply;
  }

  // The config that runs, as fields for another start.
  fields() {
    return { ...this.state.config };
  }

  onEvent(msg) {
    const state = this.state;
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
      this.on.trace();
    } else if (msg.type === "finished") {
      state.articleOutput = msg.articleOutput;
      // The final text is on the page before the status says "finished".
      state.status = "finished";
      this.on.output();
      this.setStatus("finished");
      this.on.trace();
    }
  }

  // Run: resumes a paused run, or starts the current config again.
  async run() {
    if (this.state.status === "paused" && this.state.runId !== null) {
      await this.engine.request("resume");
      this.setStatus("running");
    } else {
      await this.start(this.fields());
    }
  }

  async pause() {
    await this.engine.request("pause");
    if (this.state.status === "running") this.setStatus("paused");
  }

  async step() {
    const s = this.state;
    if (s.runId === null || s.status === "finished" || s.status === "idle") {
      const reply = await this.start(this.fields(), { run: false });
      if (reply.ok === false) return;
    }
    if (s.status === "running") this.setStatus("paused");
    await this.engine.request("step", { count: 1 });
  }

  async reset() {
    await this.engine.request("reset");
    const s = this.state;
    s.runId = null;
    s.store = null;
    s.articleOutput = "";
    this.setStatus("idle");
    this.on.output();
  }

  async setSpeed(speed) {
    this.state.speed = speed;
    await this.engine.request("setSpeed", { speed: speed === Infinity ? null : speed });
  }

  // The CLI's --json summary of the run so far, from the worker ("" if none).
  async summaryJson() {
    try {
      const reply = await this.engine.request("summary");
      return reply.summaryJson ?? "";
    } catch {
      return "";
    }
  }
}

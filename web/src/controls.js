// The run controls (Run, Pause, Step, Reset, Skip to the end, speed) and the
// distance chart's statistic: they send commands to the session, and follow
// its status (which buttons work, where the keyboard focus goes, <html
// data-status>).
import { speedOptions } from "./playback.js";
const $ = (id) => document.getElementById(id);

const BUSY = new Set(["loading", "starting", "failed"]);

export class Controls {
  // onSpeed(choice): "auto", "max" or steps per second, chosen in the menu.
  // onSkip(): the rest of this run at once.
  // heldRun(): true when something else owns the run for now (a guided story
  // waiting for the reader's prediction), which it then says itself.
  constructor({ session, charts, onError, onSpeed, onSkip, heldRun = () => false }) {
    this.session = session;
    this.focusLost = null;
    const act = (fn) => () => fn().catch(onError);
    const unlessHeld = (fn) => () => (heldRun() ? Promise.resolve() : fn());
    $("btn-run").addEventListener("click", act(unlessHeld(() => session.run())));
    $("btn-pause").addEventListener(
      "click",
      act(() => session.pause()),
    );
    $("btn-step").addEventListener("click", act(unlessHeld(() => session.step())));
    $("btn-reset").addEventListener(
      "click",
      act(() => session.reset()),
    );
    $("speed").addEventListener(
      "change",
      act(() => {
        const value = $("speed").value;
        return onSpeed(value === "max" || value === "auto" ? value : Number(value));
      }),
    );
    $("btn-skip").addEventListener("click", act(onSkip));
    for (const radio of document.querySelectorAll('input[name="dist-stat"]')) {
      radio.addEventListener("change", () =>
        charts.setDistanceStatistic($("dist-var").checked ? "var" : "mean"),
      );
    }
  }

  // The speed menu: "auto", the usual rates, the link's own, "max".
  renderSpeed(choice) {
    const select = $("speed");
    const auto = document.createElement("option");
    auto.value = "auto";
    auto.textContent = "Watchable (~4 s a run)";
    const options = speedOptions(typeof choice === "number" ? choice : NaN).map((o) => {
      const el = document.createElement("option");
      el.value = o.value;
      el.textContent = o.label;
      return el;
    });
    select.replaceChildren(auto, ...options);
    select.value = String(choice);
  }

  // Skip shows while a run plays slower than it could.
  renderSkip(visible) {
    $("btn-skip").hidden = !visible;
  }

  render(status) {
    const run = $("btn-run");
    const pause = $("btn-pause");
    const step = $("btn-step");
    const reset = $("btn-reset");
    const busy = BUSY.has(status);
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
    // Keep the keyboard focus on a usable button: Run hands it to Pause and
    // back; while starting, when none is usable, it waits for the next status.
    const lost =
      focused && focused.disabled
        ? focused
        : this.focusLost && document.activeElement === document.body
          ? this.focusLost
          : null;
    this.focusLost = null;
    if (lost) {
      if (lost === run && enable.pause) pause.focus();
      else if (lost === pause && enable.run) run.focus();
      else if (!lost.disabled) lost.focus();
      else if (enable.step) step.focus();
      else this.focusLost = lost;
    }
    document.documentElement.dataset.status = status;
  }
}

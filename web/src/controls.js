// The run controls (Run, Pause, Step, Reset, speed) and the difference
// chart's scale: they send commands to the session, and follow its status
// (which buttons work, where the keyboard focus goes, <html data-status>).
const $ = (id) => document.getElementById(id);

const BUSY = new Set(["loading", "starting", "failed"]);

export class Controls {
  constructor({ session, charts, onError }) {
    this.session = session;
    this.focusLost = null;
    const act = (fn) => () => fn().catch(onError);
    $("btn-run").addEventListener(
      "click",
      act(() => session.run()),
    );
    $("btn-pause").addEventListener(
      "click",
      act(() => session.pause()),
    );
    $("btn-step").addEventListener(
      "click",
      act(() => session.step()),
    );
    $("btn-reset").addEventListener(
      "click",
      act(() => session.reset()),
    );
    $("speed").addEventListener(
      "change",
      act(() => {
        const value = $("speed").value;
        return session.setSpeed(value === "max" ? Infinity : Number(value));
      }),
    );
    for (const radio of document.querySelectorAll('input[name="diff-scale"]')) {
      radio.addEventListener("change", () => charts.setLogScale($("scale-log").checked));
    }
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

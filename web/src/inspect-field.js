// The link's `step` field: which step the step inspector shows (and the charts
// mark). Absent: the inspector follows the last step run. Pure: no DOM.

const INTEGER = /^\d{1,15}$/;
export const STEP_RANGE = "a positive integer (a step of the run, from 1 to its number of steps)";

// In the shape of link.js's PAGE_FIELDS entries.
export const STEP_FIELD = Object.freeze({
  initial: null,
  parse(raw) {
    const text = String(raw ?? "").trim();
    if (!INTEGER.test(text) || Number(text) < 1) {
      return { ok: false, message: `step must be ${STEP_RANGE}` };
    }
    return { ok: true, value: Number(text) };
  },
  write: (value) => (value === null ? null : String(value)),
});

// The step to show for a run of totalSteps: the link's (or the reader's) pick,
// or the last. {step, message}: a message when a pick past the run's end was
// moved to its last step; step 0 when the run has no steps.
export function fitStep(pinned, totalSteps) {
  if (totalSteps < 1) {
    return {
      step: 0,
      message: pinned === null ? "" : `step ${pinned}: this run has no steps to inspect`,
    };
  }
  if (pinned === null) return { step: totalSteps, message: "" };
  if (pinned > totalSteps) {
    return {
      step: totalSteps,
      message: `step ${pinned} is past the run's ${totalSteps} steps; showing step ${totalSteps}`,
    };
  }
  return { step: pinned, message: "" };
}

// The variance lens's arithmetic (pure, no DOM): Bessel's factor and the
// running_var update in PyTorch's float32 steps, which with the biased batch
// variance in place of the unbiased one gives the lens's what-if.

const f32 = Math.fround;

// Bessel's factor: the unbiased variance is the biased one times n / (n - 1).
export function besselFactor(n) {
  return n / (n - 1);
}

// The momentum blended in at step t (1-based), as BatchNorm uses it: the
// float momentum, or float(1 / t) for momentum=None.
export function stepMomentum(momentum, t) {
  return momentum === null ? f32(1 / t) : f32(momentum);
}

// One update of running_var in PyTorch's arithmetic (rule 4), with `value` in
// place of the unbiased variance. With value = unbiased it is PyTorch's own
// update; with value = biased it is the what-if no PyTorch code computes.
export function blendVariance(previous, value, momentum, t) {
  const m = stepMomentum(momentum, t);
  const keep = f32(1 - m);
  return f32(m * value + f32(keep * previous));
}

// "Copy as Keras code" and "Copy as Flax code": the run's layer and loop in
// each framework, with the momentum converted (theirs is 1 - PyTorch's), and
// the momentum arithmetic the conventions lens shows (window, half-life).
// Pure text, no DOM. Only PyTorch's numbers are bit-exact in BatchNorm Lab.

// Keras/TF/Flax's momentum for PyTorch's m: the weight of the old value.
export function kerasMomentum(m) {
  return m === null ? null : Number((1 - m).toPrecision(15));
}

// A running statistic is as noisy as a plain mean over the last (2 - m)/m =
// 2/m - 1 batches (its variance is m/(2 - m) of one batch's), and a batch's
// weight halves every ln 2 / -ln(1 - m) batches.
export function windowOf(m) {
  return m > 0 ? 2 / m - 1 : Infinity;
}
export function halfLifeOf(m) {
  if (!(m > 0)) return Infinity;
  if (m >= 1) return 0;
  return Math.LN2 / -Math.log1p(-m);
}

// A config number as Python reads it (JavaScript's shortest round-trip text).
function py(v) {
  return v === null || v === undefined ? "None" : String(v);
}

// The loop's (sh, sc) per step as Python, and the mode, from the config.
function loopLines(c, indent) {
  const lines = [];
  const sh2 = c.shift2 ?? c.shift;
  const sc2 = c.scale2 ?? c.scale;
  if (c.switch !== null) {
    lines.push(
      `sh, sc = (${py(sh2)}, ${py(sc2)}) if k > ${c.switch} else (${py(c.shift)}, ${py(c.scale)})`,
    );
  } else {
    lines.push(`sh, sc = ${py(c.shift)}, ${py(c.scale)}`);
  }
  lines.push(
    c.freeze === null
      ? "training = True"
      : `training = k <= ${c.freeze}  # PyTorch: model.eval() before step ${c.freeze + 1}`,
  );
  return lines.map((l) => indent + l);
}

const shape = (c) => `(${c.batch}, ${c.channels}, ${c.height}, ${c.width})`;

export function kerasCode(c) {
  const km = kerasMomentum(c.momentum);
  const lines = [
    "# Keras 3: BatchNorm Lab's run with keras.layers.BatchNormalization.",
    "# Only PyTorch's numbers are bit-exact in BatchNorm Lab. Keras draws other random",
    "# numbers, and keeps the BIASED batch variance in moving_variance (PyTorch: unbiased).",
    "import numpy as np",
    "import keras",
    "",
    `rng = np.random.default_rng(${c.seed})  # not torch.manual_seed: other inputs`,
    "layer = keras.layers.BatchNormalization(",
    "    axis=1,  # channels first, as PyTorch's NCHW",
    c.momentum === null
      ? "    momentum=0.0,  # set each step below: PyTorch's momentum=None has no Keras twin"
      : `    momentum=${km},  # Keras's momentum = 1 - PyTorch's momentum (${c.momentum})`,
    `    epsilon=${c.eps},  # PyTorch's eps (Keras's default is 1e-3)`,
    ")",
    `layer.build(${shape(c)})  # moving_mean 0, moving_variance 1, as PyTorch's buffers`,
    `for k in range(1, ${c.steps} + 1):`,
    ...loopLines(c, "    "),
  ];
  if (c.momentum === null) {
    lines.push("    layer.momentum = 1.0 - 1.0 / k  # the cumulative average, step by step");
  }
  lines.push(
    `    x = rng.standard_normal(${shape(c)}).astype("float32") * sc + sh`,
    "    layer(x, training=training)",
    'print("moving_mean", layer.moving_mean.numpy())',
    'print("moving_variance", layer.moving_variance.numpy())',
  );
  return lines.join("\n") + "\n";
}

export function flaxCode(c) {
  const km = kerasMomentum(c.momentum);
  const momentum = c.momentum === null ? "1.0 - 1.0 / k" : String(km);
  const lines = [
    "# Flax (linen): BatchNorm Lab's run with flax.linen.BatchNorm.",
    "# Only PyTorch's numbers are bit-exact in BatchNorm Lab. JAX draws other random",
    "# numbers, and Flax keeps the BIASED batch variance in batch_stats (PyTorch: unbiased).",
    "import jax",
    "import jax.numpy as jnp",
    "import flax.linen as nn",
    "",
    "def layer(momentum):",
    `    return nn.BatchNorm(axis=1, momentum=momentum, epsilon=${c.eps})  # axis 1: NCHW channels`,
    "",
    `key = jax.random.PRNGKey(${c.seed})  # not torch.manual_seed: other inputs`,
    `variables = layer(${c.momentum === null ? "0.0" : km}).init(key, jnp.zeros(${shape(c)}), use_running_average=False)`,
    "# batch_stats: mean 0, var 1, as PyTorch's buffers",
    `for k in range(1, ${c.steps} + 1):`,
    ...loopLines(c, "    "),
    "    key, sub = jax.random.split(key)",
    `    x = jax.random.normal(sub, ${shape(c)}) * sc + sh`,
    "    if training:",
    c.momentum === null
      ? "        # PyTorch's momentum=None (cumulative average): Flax's momentum is 1 - 1/k"
      : `        # Flax's momentum = 1 - PyTorch's momentum (${c.momentum})`,
    `        _, updates = layer(${momentum}).apply(`,
    '            variables, x, use_running_average=False, mutable=["batch_stats"])',
    "        variables = {**variables, **updates}",
    "    else:  # eval: normalise with batch_stats, change nothing",
    `        layer(${momentum}).apply(variables, x, use_running_average=True)`,
    'print("mean", variables["batch_stats"]["mean"])',
    'print("var", variables["batch_stats"]["var"])',
  ];
  return lines.join("\n") + "\n";
}

// The eval-mode probe's numbers, out of the DOM: its per-channel eval mean and
// std at a step (from the run's chunks, or the start reply for step 0), the
// chunks walked in order for the lens's charts, and the probe in PyTorch.

// The probe's values after `step` (0: before the first) for the first `limit`
// channels: {mean, std}, or null when not recorded. probe: the start reply's
// probe ({evalMean, evalStd, ...}); store: the trace (channels, chunks).
export function probeAt(probe, store, step, limit = 64) {
  if (!probe) return null;
  const C = store?.channels ?? 0;
  const K = Math.min(C, limit);
  if (step === 0) {
    return {
      mean: Array.from(probe.evalMean.subarray(0, K)),
      std: Array.from(probe.evalStd.subarray(0, K)),
    };
  }
  for (const chunk of store?.chunks ?? []) {
    const i = step - chunk.firstStep;
    if (i < 0 || i >= chunk.steps || !chunk.probeMean) continue;
    return {
      mean: Array.from(chunk.probeMean.subarray(i * C, i * C + K)),
      std: Array.from(chunk.probeStd.subarray(i * C, i * C + K)),
    };
  }
  return null;
}

// The table's rows after `step`: per channel {evalMean, evalStd, trainMean,
// trainStd} (the train-mode reference is the same at every step; undefined
// when train mode refused the probe), or null when not recorded.
export function probeRows(probe, store, step, limit = 64) {
  const now = probeAt(probe, store, step, limit);
  return (
    now?.mean.map((_, c) => ({
      evalMean: now.mean[c],
      evalStd: now.std[c],
      trainMean: probe.trainMean?.[c],
      trainStd: probe.trainStd?.[c],
    })) ?? null
  );
}

// Walks the chunks not seen yet (from chunks[seen]) in step order: for every
// step, visit(step, c, evalMean, evalStd) for the first `shown` channels, then
// endStep(step). A chunk without the probe (a long run's dropped middle) is
// skipped. Returns the new count of chunks seen.
export function foldProbe(store, seen, shown, visit, endStep) {
  const C = store.channels;
  for (; seen < store.chunks.length; seen++) {
    const chunk = store.chunks[seen];
    if (!chunk.probeMean) continue;
    for (let i = 0; i < chunk.steps; i++) {
      const step = chunk.firstStep + i;
      for (let c = 0; c < shown; c++) {
        visit(step, c, chunk.probeMean[i * C + c], chunk.probeStd[i * C + c]);
      }
      endStep(step);
    }
  }
  return seen;
}

export function probePytorchCode(seed) {
  return [
    "# once, beside the model: its own generator, so the run's draws are untouched",
    `probe = torch.randn(N, C, H, W, generator=torch.Generator().manual_seed(${seed}))`,
    "# after each step of the loop:",
    "with torch.no_grad():",
    "    was_training = model.training",
    "    model.eval()                       # running_mean / running_var",
    "    out = model(probe)",
    "    model.train(was_training)",
    "    out.mean(dim=(0, 2, 3)), out.std(dim=(0, 2, 3))",
    "# the reference: train mode, the probe's own batch statistics, nothing kept",
    "F.batch_norm(probe, None, None, model.weight, model.bias, training=True, eps=model.eps)",
  ].join("\n");
}

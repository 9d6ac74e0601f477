// A run's chunk as the worker posts it to the page: the message ({type:
// "chunk", ...}, see worker.js) and the buffers it transfers (not copied).

// chunk: experiment.runChunk's result; run: {runId, stepsDone, totalSteps,
// articleOutput} of the experiment after it.
export function chunkMessage(chunk, run) {
  const buffers = [
    chunk.runningMean.buffer,
    chunk.runningVar.buffer,
    chunk.manualMean.buffer,
    chunk.manualVar.buffer,
    chunk.batchMean.buffer,
    chunk.batchVar.buffer,
    chunk.batchVarUnbiased.buffer,
    chunk.numBatchesTracked.buffer,
  ];
  // The eval-mode probe's per-channel mean and std (Float64Array), while probing.
  if (chunk.probeMean) buffers.push(chunk.probeMean.buffer, chunk.probeStd.buffer);
  const message = {
    type: "chunk",
    runId: run.runId,
    firstStep: chunk.firstStep,
    steps: chunk.steps,
    runningMean: chunk.runningMean,
    runningVar: chunk.runningVar,
    manualMean: chunk.manualMean,
    manualVar: chunk.manualVar,
    // For the step inspector: the batch statistics of each step (NaN after a
    // freeze) and num_batches_tracked after it.
    batchMean: chunk.batchMean,
    batchVar: chunk.batchVar,
    batchVarUnbiased: chunk.batchVarUnbiased,
    numBatchesTracked: chunk.numBatchesTracked,
    probeMean: chunk.probeMean,
    probeStd: chunk.probeStd,
    stepsDone: run.stepsDone,
    totalSteps: run.totalSteps,
    articleOutput: run.articleOutput,
  };
  return { message, buffers };
}

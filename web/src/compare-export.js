// The PyTorch script of a comparison: runs A then B, each in its own function
// (its own seed and layer), printing for each exactly what the CLI (and the
// article's script) prints for that config.
import { pytorchRun, configLine } from "./exporters.js";

const indent = (text) =>
  text
    .split("\n")
    .map((line) => (line ? `    ${line}` : line))
    .join("\n");

export function pytorchPairCode(a, b, pageUrl) {
  return `# Two runs of BatchNorm Lab's BatchNorm2d experiment, A then B:
#   A: ${configLine(a)}
#   B: ${configLine(b)}
# ${pageUrl}
# Prints what the page shows under "The article's output" for A, then what it
# shows for B, bit for bit.
import torch
import torch.nn as nn

# One thread: for inputs of shape (N, C, 1, 1), PyTorch splits the batch
# statistics across threads, which changes the last bits.
torch.set_num_threads(1)


def run_a():
${indent(pytorchRun(a))}

def run_b():
${indent(pytorchRun(b))}

run_a()
run_b()
`;
}

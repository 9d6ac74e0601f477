#!/usr/bin/env python3
"""PyTorch's side of `npm run bench` (bench/bench.mjs runs it with /usr/bin/python3).

  bench_torch.py timing SECONDS REPEATS < workloads.json   -> one JSON line of rates
  bench_torch.py memory STEPS                              -> one JSON line of peak RSS

The workloads are the ones bnlab_bench printed, so every runtime times the same
thing. One thread (torch.set_num_threads(1)), like the parity fixtures and like
the single-threaded native and wasm cores. Times are process CPU time (steadier
than wall time on a shared machine); rates are the best of REPEATS.
"""
import json
import resource
import sys
import time

import torch
import torch.nn as nn

# Steps of the article loop with torch.cat stacking, per shape: its cost grows
# with the square of the steps (every cat copies everything stacked so far), so
# its rate is only meaningful together with the step count it was measured at.
CAT_STEPS = {"experiment_20x3x1x1": 2000, "experiment_64x16x8x8": 100, "experiment_256x64x1x1": 200}
CAT_STEPS_DEFAULT = 200


def peak_rss_kb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # kB on Linux


def measure(seconds, repeats, run):
    """bnlab_bench's measure(): k grown until one run(k) takes its share, then the best
    process CPU time of `repeats` calls (wall time kept too)."""
    per_repeat = seconds / repeats
    run(1)
    k = 1
    while True:
        start = time.process_time()
        run(k)
        t = time.process_time() - start
        if t >= per_repeat or k >= 1 << 40:
            break
        grow = per_repeat / t if t > 0 else 16.0
        k = max(k * 2, int(k * min(grow * 1.1, 16.0)))
    cpu, wall = [], []
    for _ in range(repeats):
        wall_start = time.perf_counter()
        cpu_start = time.process_time()
        run(k)
        cpu.append(time.process_time() - cpu_start)
        wall.append(time.perf_counter() - wall_start)
    cpu.sort()
    wall.sort()
    return {
        "rate": k / cpu[0],
        "median_rate": k / cpu[len(cpu) // 2],
        "wall_rate": k / wall[0],
        "per_repeat": k,
    }


def shape_of(w):
    return (w["batch"], w["channels"], w["height"], w["width"])


def article_loop(shape, steps, stack):
    """The article's script, as timed: seed, y, the layer, `steps` steps, the manual statistics."""
    torch.manual_seed(21)
    y = torch.randn(*shape)
    model = nn.BatchNorm2d(shape[1], eps=1e-5, momentum=0.1)
    if stack:
        stacked = torch.tensor([]).reshape(0, *shape[1:])
        for _ in range(steps):
            x = torch.randn_like(y)
            model(x)
            stacked = torch.cat([stacked, x], dim=0)
        smean = stacked.mean(dim=(0, 2, 3))
        svar = stacked.var(dim=(0, 2, 3))
        return stacked, smean, svar, model
    for _ in range(steps):
        x = torch.randn_like(y)
        model(x)
    return None, None, None, model


def timing(seconds, repeats, workloads):
    results = {}
    for w in workloads:
        if w["kind"] == "randn":
            n = w["n"]

            def run(k, n=n):
                for _ in range(k):
                    torch.randn(n)

            r = measure(seconds, repeats, run)
            for key in ("rate", "median_rate", "wall_rate"):
                r[key] *= n
            results[w["id"]] = r
            continue
        shape = shape_of(w)
        if w["kind"] == "forward":
            # BatchNorm2d.forward in training mode, as a new user calls it.
            torch.manual_seed(21)
            x = torch.randn(*shape)
            model = nn.BatchNorm2d(shape[1])

            def run(k, x=x, model=model):
                for _ in range(k):
                    model(x)

            r = measure(seconds, repeats, run)
            for key in ("rate", "median_rate", "wall_rate"):
                r[key] *= x.numel()
            results[w["id"]] = r
            continue
        # Without stacking: randn_like + the layer's training forward, the
        # least a PyTorch loop does per step (no manual statistics at all).
        torch.manual_seed(21)
        y = torch.randn(*shape)
        model = nn.BatchNorm2d(shape[1], eps=1e-5, momentum=0.1)

        def run(k, y=y, model=model):
            for _ in range(k):
                model(torch.randn_like(y))

        r = measure(seconds, repeats, run)
        # With stacking: the article's loop, from seed to printed statistics.
        steps = CAT_STEPS.get(w["id"], CAT_STEPS_DEFAULT)
        best = float("inf")
        for _ in range(max(1, min(repeats, 3))):
            start = time.process_time()
            article_loop(shape, steps, stack=True)
            best = min(best, time.process_time() - start)
        r["cat_steps"] = steps
        r["cat_rate"] = steps / best
        results[w["id"]] = r
    return results


def memory(steps):
    shape = (20, 3, 1, 1)
    article_loop(shape, 2000, stack=False)  # warm-up: allocator, autograd, kernels
    base = peak_rss_kb()
    start = time.process_time()
    article_loop(shape, steps, stack=False)
    plain_seconds = time.process_time() - start
    plain_peak = peak_rss_kb()
    start = time.process_time()
    stacked, _, _, _ = article_loop(shape, steps, stack=True)
    cat_seconds = time.process_time() - start
    cat_peak = peak_rss_kb()
    return {
        "steps": steps,
        "base_kb": base,
        "plain_peak_kb": plain_peak,
        "plain_seconds": plain_seconds,
        "cat_peak_kb": cat_peak,
        "cat_seconds": cat_seconds,
        "stacked_bytes": stacked.numel() * stacked.element_size(),
    }


def main():
    torch.set_num_threads(1)
    mode = sys.argv[1]
    if mode == "timing":
        workloads = json.load(sys.stdin)
        out = timing(float(sys.argv[2]), int(sys.argv[3]), workloads)
    elif mode == "memory":
        out = memory(int(sys.argv[2]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")
    out = {"torch": torch.__version__, "threads": torch.get_num_threads(), "results": out}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""CPU seconds used while a command runs, summed by kind of process (Chromium's renderer, browser,
GPU process..., node, python3), sampled from /proc every 0.3 s.

`time` undercounts the browser tests: Chromium's renderers are not its own children's children in
the way rusage follows, so their CPU is missing from the total. Samples miss at most the last 0.3 s
of a process, so the figures here are lower bounds too. The last line is the whole machine's busy
CPU time over the run (from /proc/stat): everything, whoever ran it.

    python3 scripts/cpu-by-process.py npm run --silent test:browser
"""
import collections
import os
import subprocess
import sys
import time

TICK = os.sysconf("SC_CLK_TCK")


def kind(cmd):
    exe = os.path.basename(cmd[0])
    if not exe.startswith("chromium"):
        return exe if exe in ("node", "python3") else None
    name = "browser"
    for arg in cmd:
        if arg.startswith("--type="):
            name = arg[len("--type=") :]
        elif arg.startswith("--utility-sub-type="):
            name += ":" + arg.split("=", 1)[1].split(".")[-1]
    return "chromium " + name


def sample(seen):
    for pid in filter(str.isdigit, os.listdir("/proc")):
        if int(pid) == os.getpid():
            continue
        try:
            # Chromium's children rewrite their command line as one space-joined string.
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace").split()
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = kind(cmd) if cmd else None
        if name:
            cpu = (int(fields[11]) + int(fields[12])) / TICK
            seen[pid] = (name, max(cpu, seen.get(pid, ("", 0.0))[1]))


def machine_busy():
    with open("/proc/stat") as f:
        ticks = [int(v) for v in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / TICK  # all but idle and iowait


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    busy_before, started = machine_busy(), time.time()
    child = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seen = {}
    while child.poll() is None:
        sample(seen)
        time.sleep(0.3)
    totals = collections.Counter()
    for name, cpu in seen.values():
        totals[name] += cpu
    for name, cpu in totals.most_common():
        print(f"{cpu:8.1f} s  {name}")
    print(f"{sum(totals.values()):8.1f} s  in all (exit status {child.returncode})")
    busy, wall = machine_busy() - busy_before, time.time() - started
    print(f"{busy:8.1f} s  the machine was busy, over {wall:.1f} s of wall time")
    sys.exit(child.returncode)


if __name__ == "__main__":
    main()

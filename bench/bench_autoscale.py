#!/usr/bin/env python3
"""Benchmark: `toscac autoscale` replaying long metric traces (issue 6's target: 10 million
samples across 1,000 sources at >= 1 million samples per second on one core, memory bounded by
the policies' windows rather than by the trace's length).

Usage: bench/bench_autoscale.py [--toscac BUILD/toscac] [--samples 1000000,10000000]
                                [--sources 1000] [--runs 2] [--cache /tmp/toscac-bench]

The blueprint is bench/autoscale/policies.yaml: five Cloudify metric policies on one tier (a
`web.requests` sample reaches three of them). The trace (generated once per size into --cache):
every source reports `web.requests` each second, a slow wave plus a per-source offset, and a
`heartbeat` every tenth second. For each size it prints wall seconds (best, median), samples per
second, peak RSS and the decisions made. Equal RSS across sizes is what shows memory is bounded
by the windows. There is no peer to run side by side: Cloudify's policy engine (Riemann on a
manager) is not installable here. Exits 0 whatever the figures.
"""
import argparse
import math
import os
import re
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def generate(path, samples, sources):
    """Writes the trace: per second, each source's requests, and heartbeats every 10 s."""
    tmp = str(path) + ".part"
    written, t = 0, 0
    names = [f"web_{i}" for i in range(1, sources + 1)]
    with open(tmp, "w", encoding="utf-8") as f:
        while written < samples:
            wave = 50 + 30 * math.sin(2 * math.pi * t / 1800)
            lines = []
            for i, name in enumerate(names):
                if written >= samples:
                    break
                value = round(wave + (i % 7) - 3, 2)
                lines.append(f'{{"ts": {t}, "source": "{name}", "name": "web.requests", "value": {value}}}\n')
                written += 1
                if t % 10 == 0 and written < samples:
                    lines.append(f'{{"ts": {t}, "source": "{name}", "name": "heartbeat", "value": 1}}\n')
                    written += 1
            f.writelines(lines)
            t += 1
    os.replace(tmp, path)


def measure(command):
    """(wall seconds, peak RSS MiB of the child, exit code, stdout)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    started = time.perf_counter()
    done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return wall, max(after, before) / 1024, done.returncode, done.stdout + done.stderr


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", default=str(ROOT / "build" / "toscac"))
    parser.add_argument("--samples", default="1000000,10000000")
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--cache", default="/tmp/toscac-bench")
    args = parser.parse_args()
    blueprint = ROOT / "bench" / "autoscale" / "policies.yaml"
    os.makedirs(args.cache, exist_ok=True)
    print(f"toscac: {args.toscac}")
    print("peer: none (Cloudify's Riemann policy engine is not installable here)")
    print(f"machine: {os.cpu_count()} cores; best of {args.runs} runs; {args.sources} sources\n")
    header = (f"{'samples':>10} | {'trace MB':>8} | {'wall s':>7} {'median':>7} |"
              f" {'samples/s':>10} | {'RSS MiB':>8} | decisions")
    print(header)
    print("-" * len(header))
    for samples in (int(s) for s in args.samples.split(",")):
        trace = Path(args.cache) / f"autoscale_{samples}_{args.sources}.jsonl"
        if not trace.exists():
            generate(trace, samples, args.sources)
        command = [args.toscac, "autoscale", "--offline", "-q", str(blueprint),
                   "--metrics", str(trace)]
        results = [measure(command) for _ in range(args.runs)]
        if any(r[2] != 0 for r in results):
            print(f"toscac failed on {samples} samples:\n{results[0][3][-2000:]}")
            return 1
        walls = sorted(r[0] for r in results)
        rss = max(r[1] for r in results)
        found = re.search(r"(\d+) decisions?;", results[0][3])
        print(f"{samples:>10} | {trace.stat().st_size / 1e6:>8.0f} | {walls[0]:>7.2f}"
              f" {walls[len(walls) // 2]:>7.2f} | {samples / walls[0]:>10,.0f} | {rss:>8.1f} |"
              f" {found.group(1) if found else '?'}", flush=True)
    print("\ntarget: >= 1,000,000 samples/s; RSS the same at every size")
    return 0


if __name__ == "__main__":
    sys.exit(main())

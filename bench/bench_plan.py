#!/usr/bin/env python3
"""Benchmark: `toscac plan` (validate + plan install, end to end) on synthetic templates.

Usage: bench/bench_plan.py [--toscac BUILD/toscac] [--sizes 1000,8000,100000] [--runs 3]
                           [--peer-max 8000]

Same templates as bench_validate.py (../shared/bench/gen_synthetic.py, `1_2` form). For each
size it prints `toscac validate` and `toscac plan` (text plan rendered to /dev/null, which is
what a user waits for) wall seconds, best and median of --runs, peak RSS, the planning share and
the cost per 1,000 nodes. tosca-parser has no planner: its column is its validation of the same
file, so the ratio compares our whole dry run with the peer's parse alone. Exits 0 whatever the
figures: targets are read by people, not enforced by timed tests.
"""
import os
import subprocess
import sys
import tempfile

from bench_validate import best_of, setup


def main() -> int:
    ready = setup(", validation only")
    if ready is None:
        return 0
    args, generator, peer = ready
    header = (f"{'nodes':>8} | {'validate':>8} | {'plan s':>7} {'median':>7} {'RSS MiB':>8}"
              f" {'plan %':>6} {'ms/1k':>6} | {'peer s':>7} | {'speedup':>8}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = os.path.join(tmp, f"synthetic_{size}.yaml")
            subprocess.run([sys.executable, str(generator), str(size), path, "--version", "1_2"],
                           check=True)
            validate, _, _, vcodes = best_of([args.toscac, "validate", "--offline", "-q", path],
                                             args.runs)
            wall, median, rss, codes = best_of([args.toscac, "plan", "--offline", path], args.runs)
            if codes != {0} or vcodes != {0}:
                print(f"toscac failed on {size} nodes (exit {codes | vcodes})")
                return 1
            share = max(wall - validate, 0) / wall * 100
            line = (f"{size:>8} | {validate:>8.3f} | {wall:>7.3f} {median:>7.3f} {rss:>8.1f}"
                    f" {share:>5.0f}% {1000 * wall / size * 1000:>6.2f} |")
            if peer and size <= args.peer_max:
                pwall, _, _, _ = best_of([peer, f"--template-file={path}"],
                                         1 if size > 1000 else args.runs)
                line += f" {pwall:>7.2f} | {pwall / wall:>7.1f}x"
            else:
                line += f" {'-':>7} | {'-':>8}"
            print(line, flush=True)
    print("\ntargets: 8,000 nodes <= 0.2 s end to end; 100,000 nodes <= 3 s and <= 2048 MiB;"
          " ms/1k roughly flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())

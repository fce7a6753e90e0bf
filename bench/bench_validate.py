#!/usr/bin/env python3
"""Benchmark: `toscac validate` on synthetic templates, side by side with OpenStack tosca-parser.

Usage: bench/bench_validate.py [--toscac BUILD/toscac] [--sizes 1000,8000,100000]
                               [--runs 3] [--peer-max 8000]

Templates come from ../shared/bench/gen_synthetic.py in the `1_2` form that tosca-parser 2.6.0
reads. tosca-parser runs when it is installed (../shared/bench/setup-tosca-parser) and only up to
--peer-max nodes (it takes minutes beyond). Prints wall seconds (best and median of --runs), peak RSS, the
ratio to the peer, and the cost per 1,000 nodes to show how it scales. Exits 0 whatever the
figures: targets are read by people, not enforced by timed tests.
"""
import argparse
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
SHARED = ROOT.parent / "shared"


def measure(command):
    """Runs a command; returns (wall seconds, peak RSS in MiB, exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.stderr.close()
    return wall, usage.ru_maxrss / 1024.0, os.waitstatus_to_exitcode(status)


def best_of(command, runs):
    """Returns (best wall, median wall, largest RSS, exit codes) over `runs` runs."""
    results = [measure(command) for _ in range(runs)]
    walls = sorted(r[0] for r in results)
    rss = max(r[1] for r in results)
    codes = {r[2] for r in results}
    return walls[0], walls[len(walls) // 2], rss, codes


def setup(peer_note=""):
    """Parses the common flags and prints the header lines; returns (args, generator, peer), or
    None when the shared generator is absent (the benchmark is skipped)."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", default=str(ROOT / "build" / "toscac"))
    parser.add_argument("--sizes", default="1000,8000,100000")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--peer-max", type=int, default=8000)
    args = parser.parse_args()
    generator = SHARED / "bench" / "gen_synthetic.py"
    if not generator.exists():
        print(f"skipped: {generator} not found")
        return None
    peer = shutil.which("tosca-parser")
    print(f"toscac: {args.toscac}")
    print(f"peer: {'tosca-parser 2.6.0 (' + peer + ')' + peer_note if peer else 'tosca-parser not installed (run ../shared/bench/setup-tosca-parser)'}")
    print(f"machine: {os.cpu_count()} cores; best of {args.runs} runs\n")
    return args, generator, peer


def main() -> int:
    ready = setup()
    if ready is None:
        return 0
    args, generator, peer = ready
    header = (f"{'nodes':>8} {'MB':>6} | {'toscac s':>9} {'median':>7} {'RSS MiB':>8} {'ms/1k':>7} |"
              f" {'peer s':>8} {'RSS MiB':>8} | {'speedup':>8}")
    print(header)
    print("-" * len(header))
    with tempfile.TemporaryDirectory() as tmp:
        for size in (int(s) for s in args.sizes.split(",")):
            path = os.path.join(tmp, f"synthetic_{size}.yaml")
            subprocess.run([sys.executable, str(generator), str(size), path, "--version", "1_2"], check=True)
            mb = os.path.getsize(path) / 1e6
            wall, median, rss, codes = best_of([args.toscac, "validate", "--offline", "-q", path], args.runs)
            if codes != {0}:
                print(f"toscac failed on {size} nodes (exit {codes})")
                return 1
            line = (f"{size:>8} {mb:>6.1f} | {wall:>9.3f} {median:>7.3f} {rss:>8.1f}"
                    f" {1000 * wall / size * 1000:>7.2f} |")
            if peer and size <= args.peer_max:
                pwall, _, prss, pcodes = best_of([peer, f"--template-file={path}"], 1 if size > 1000 else args.runs)
                line += f" {pwall:>8.2f} {prss:>8.1f} | {pwall / wall:>7.1f}x"
                if pcodes != {0}:
                    line += f" (peer exit {pcodes})"
            else:
                line += f" {'-':>8} {'-':>8} | {'-':>8}"
            print(line, flush=True)
    print("\ntargets: 8,000 nodes <= 0.15 s; 100,000 nodes <= 2 s and <= 2048 MiB; ms/1k roughly flat")
    return 0


if __name__ == "__main__":
    sys.exit(main())

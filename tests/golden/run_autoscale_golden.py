#!/usr/bin/env python3
"""Runs one golden autoscale case: `toscac autoscale` once per AUTOSCALE line, compared with the
.expected file (the decision log: each decision, the numbers that made it, its plan).

A case is a blueprint `NAME.yaml` whose first comment lines are `# AUTOSCALE: <flags>` (one run
each) and optionally `# ARGS: <flags>`, or a `NAME.autoscale` file of ARGS:/AUTOSCALE: lines
naming the blueprint. Runs happen in the case's folder; `@CORPUS@` stands for --root (the shared
corpus; exit 77 when it is absent).

Every run that exits 0 is repeated with `--format json`: each line must be JSON, and its
decisions must be the text's (time, policy, workflow, target, from, to), in the same order, with
the summary's count. TOSCAC_UPDATE_GOLDENS=1 (or --update) rewrites expectations.
"""
import argparse
import json
import os
import re
import shlex
import sys

from golden_lib import finish, read_case, run, update_requested

HEADER = re.compile(r"^t=(\S+)  (\S+) \([^)]*\): (\S+) (\S+)(?: (-?\d+) -> (-?\d+))?$")


def text_decisions(stdout):
    out = []
    for line in stdout.splitlines():
        m = HEADER.match(line)
        if m:
            ts, policy, workflow, target, a, b = m.groups()
            out.append((float(ts), policy, workflow, target,
                        int(a) if a is not None else None, int(b) if b is not None else None))
    return out


def json_problems(stdout, expected):
    decisions, summary = [], None
    for k, line in enumerate(stdout.splitlines(), 1):
        try:
            item = json.loads(line)
        except json.JSONDecodeError as e:
            return [f"--format json line {k} is not JSON: {e}"]
        if "summary" in item:
            summary = item["summary"]
            continue
        decisions.append((float(item["ts"]), item["policy"], item["workflow"], item["target"],
                          item.get("from"), item.get("to")))
        if item.get("plan") is None:
            decisions[-1] += ("no plan",)
    problems = []
    plain = [d[:6] for d in decisions]
    if plain != expected:
        problems.append(f"--format json gives other decisions than the text:\n{plain}\n{expected}")
    if summary is None or summary.get("decisions") != len(decisions):
        problems.append("--format json: the summary's count is not the number of decisions")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", required=True)
    parser.add_argument("--root", help="the shared corpus, for @CORPUS@")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("case")
    args = parser.parse_args()
    toscac = os.path.abspath(args.toscac) if os.sep in args.toscac else args.toscac
    case = os.path.abspath(args.case)
    folder, name = os.path.split(case)
    shared, runs = read_case(case, "AUTOSCALE")
    if not runs:
        print(f"{name}: no AUTOSCALE lines")
        return 1
    blueprint = [name] if case.endswith(".yaml") else []
    words = " ".join(shared + [w for r in runs for w in r])
    if "@CORPUS@" in words and not (args.root and os.path.isdir(args.root)):
        print(f"{name}: skipped, {args.root} is absent")
        return 77
    corpus = os.path.relpath(args.root or ".", folder)

    actual, problems = [], []
    for flags in runs:
        shown = " ".join(shlex.quote(a) for a in shared + flags + blueprint)
        command = [toscac, "autoscale", "--offline", "--color", "never"] + [
            w.replace("@CORPUS@", corpus) for w in shared + flags + blueprint]
        done = run(command, folder)
        if done is None:
            problems.append(f"toscac autoscale {shown}: did not finish within 60 s")
            continue
        actual.append(f"$ toscac autoscale {shown}\n{done.stdout}{done.stderr}"
                      f"[exit {done.returncode}]\n")
        if done.returncode != 0:
            continue
        as_json = run(command + ["--format", "json"], folder)
        if as_json is None or as_json.returncode != 0:
            problems.append(f"toscac autoscale {shown} --format json failed")
            continue
        problems += [f"{shown}: {p}" for p in json_problems(as_json.stdout,
                                                            text_decisions(done.stdout))]
    return finish(case, "".join(actual), problems, update_requested(args), f"{len(runs)} runs")


if __name__ == "__main__":
    sys.exit(main())

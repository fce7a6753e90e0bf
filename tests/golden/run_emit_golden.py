#!/usr/bin/env python3
"""Runs one golden emit case: `toscac emit` once per EMIT line, compared with the .expected file.

A case is a blueprint `NAME.yaml` whose first comment lines are `# EMIT: <backend> <flags>` (one
run each) and optionally `# ARGS: <flags>` (added to every run); or a `NAME.emit` file of
ARGS:/EMIT: lines naming the blueprint. Runs happen in the case's folder; in flags, `@CORPUS@`
stands for --root (the shared corpus; exit 77 when it is absent) and `@REPO@` for the checkout. The expectation holds each run's stdout (every object), diagnostics
and exit code. A run that succeeds is written again with `-o` into a fresh folder, which the
backend's validators must accept (--k8s-check: tests/k8s/check_manifests.py and its modules;
--heat-check: tests/heat/validate_hot.py, Heat's own template code, with dummy values for the
parameters that have no default).
TOSCAC_UPDATE_GOLDENS=1 (or --update) rewrites expectations instead of comparing.
"""
import argparse
import os
import shlex
import sys
import tempfile

from golden_lib import check_heat, finish, read_case, run, update_requested


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", required=True)
    parser.add_argument("--root", help="folder that .emit cases' paths are relative to")
    parser.add_argument("--k8s-check", nargs=2, metavar=("SCRIPT", "NODE_MODULES"), required=True)
    parser.add_argument("--heat-check", metavar="SCRIPT", required=True,
                        help="tests/heat/validate_hot.py (run with Debian's /usr/bin/python3)")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("case")
    args = parser.parse_args()
    toscac = os.path.abspath(args.toscac) if os.sep in args.toscac else args.toscac
    check_script, node_modules = (os.path.abspath(p) for p in args.k8s_check)
    case = os.path.abspath(args.case)
    folder, name = os.path.split(case)
    shared, runs = read_case(case, "EMIT")
    if not runs:
        print(f"{name}: no EMIT lines")
        return 1
    cwd, blueprint = folder, [name] if case.endswith(".yaml") else []
    words = " ".join(shared + [w for r in runs for w in r])
    if "@CORPUS@" in words and not (args.root and os.path.isdir(args.root)):
        print(f"{name}: skipped, {args.root} is absent")
        return 77
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    places = {"@CORPUS@": os.path.relpath(args.root or ".", cwd), "@REPO@": os.path.relpath(repo, cwd)}

    def place(word):
        for key, value in places.items():
            word = word.replace(key, value)
        return word

    actual, problems, checked = [], [], 0
    for flags in runs:
        shown = " ".join(shlex.quote(a) for a in flags[:1] + shared + flags[1:] + blueprint)
        words = [place(w) for w in flags[:1] + ["--offline", "--color", "never"] + shared +
                 flags[1:] + blueprint]
        done = run([toscac, "emit"] + words, cwd)
        if done is None:
            problems.append(f"toscac emit {shown}: did not finish within 60 s")
            continue
        actual.append(f"$ toscac emit {shown}\n{done.stdout}{done.stderr}[exit {done.returncode}]\n")
        if done.returncode != 0:
            continue
        with tempfile.TemporaryDirectory() as out:
            wrote = run([toscac, "emit"] + words + ["-o", out, "-q"], cwd)
            if wrote is None or wrote.returncode != 0:
                problems.append(f"toscac emit {shown} -o DIR failed: {wrote and wrote.stderr}")
                continue
            if flags[0] == "heat":
                as_json = run([toscac, "emit"] + words + ["--format", "json"], cwd)
                check = check_heat(args.heat_check, out, cwd, as_json.stdout if as_json else "{}")
                checked += 1
                if check is None or check.returncode != 0:
                    problems.append(f"toscac emit {shown}: Heat rejects the template:\n"
                                    f"{check.stdout + check.stderr if check else 'timed out'}")
                continue
            as_json = run([toscac, "emit"] + words + ["--format", "json"], cwd)
            expected = os.path.join(out, "..", os.path.basename(out) + ".json")
            with open(expected, "w", encoding="utf-8") as f:
                f.write(as_json.stdout if as_json else "")
            check = run(["/usr/bin/python3", check_script, out, node_modules, expected], cwd, 300)
            os.unlink(expected)
            checked += 1
            if check is None or check.returncode != 0:
                problems.append(f"toscac emit {shown}: the validators reject the output:\n"
                                f"{check.stdout + check.stderr if check else 'timed out'}")
    summary = f"{len(runs)} runs, {checked} checked by the validators"
    return finish(case, "".join(actual), problems, update_requested(args), summary)


if __name__ == "__main__":
    sys.exit(main())

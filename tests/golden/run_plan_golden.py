#!/usr/bin/env python3
"""Runs one golden plan case: `toscac plan` once per PLAN line, compared with the .expected file.

A case is either
- a blueprint `NAME.yaml` whose first comment lines are `# PLAN: <flags>` (one run each) and
  optionally `# ARGS: <flags>` (added to every run); it runs in its own folder; or
- a `NAME.plan` file of `ARGS:`/`PLAN:` lines whose ARGS name a blueprint relative to --root
  (the shared corpus), for blueprints we did not write. Exit 77 (skipped) when --root is absent.

For each run the expectation holds the text plan with its diagnostics and exit code, then the
JSON plan (when there is one). Every plan is also saved with --out and read back with
`toscac show`: the JSON must come back byte for byte and the text must be the same.
TOSCAC_UPDATE_GOLDENS=1 (or --update) rewrites expectations instead of comparing.
"""
import argparse
import os
import shlex
import sys
import tempfile

from golden_lib import finish, read_case, run, update_requested


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", required=True)
    parser.add_argument("--root", help="folder that .plan cases' paths are relative to")
    parser.add_argument("--update", action="store_true")
    parser.add_argument("case")
    args = parser.parse_args()
    update = update_requested(args)
    toscac = os.path.abspath(args.toscac) if os.sep in args.toscac else args.toscac
    case = os.path.abspath(args.case)
    folder, name = os.path.split(case)
    shared, runs = read_case(case, "PLAN")
    if not runs:
        print(f"{name}: no PLAN lines")
        return 1
    if case.endswith(".yaml"):
        cwd, blueprint = folder, [name]
    else:
        if not args.root or not os.path.isdir(args.root):
            print(f"{name}: skipped, {args.root} is absent")
            return 77
        cwd, blueprint = os.path.abspath(args.root), []

    actual, problems = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for k, flags in enumerate(runs):
            base = [toscac, "plan", "--offline", "--color", "never"] + shared + flags + blueprint
            shown = " ".join(shlex.quote(a) for a in (shared + flags + blueprint))
            text = run(base, cwd)
            if text is None:
                problems.append(f"toscac plan {shown}: did not finish within 60 s")
                continue
            actual.append(f"$ toscac plan {shown}\n{text.stdout}{text.stderr}[exit {text.returncode}]\n")
            # 2 is "changes" only with --detailed-exitcode; otherwise it is a usage error.
            planned = text.returncode == 0 or (
                text.returncode == 2 and "--detailed-exitcode" in shared + flags)
            if not planned:
                continue
            saved = os.path.join(tmp, f"plan{k}.json")
            js = run(base + ["--format", "json", "--out", saved], cwd)
            actual.append(f"$ toscac plan {shown} --format json\n{js.stdout}{js.stderr}")
            if not os.path.exists(saved):
                problems.append(f"toscac plan {shown}: the JSON run saved no plan (exit {js.returncode})")
                continue
            with open(saved, encoding="utf-8") as f:
                saved_text = f.read()
            back = run([toscac, "show", saved, "--format", "json"], cwd)
            if back.stdout != saved_text or saved_text != js.stdout:
                problems.append(f"toscac plan {shown}: the saved plan does not read back as written")
            shown_text = run([toscac, "show", saved], cwd)
            if shown_text.stdout != text.stdout:
                problems.append(f"toscac plan {shown}: `toscac show` prints another plan")
    return finish(case, "".join(actual), problems, update, f"{len(runs)} plans")


if __name__ == "__main__":
    sys.exit(main())

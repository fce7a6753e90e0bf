#!/usr/bin/env python3
"""Runs one golden case: toscac validate on a YAML file, compared with the .expected beside it.

fail_*.yaml must exit 1 and the expectation is every diagnostic (code, file:line:col, message,
source line, notes). ok_*.yaml must exit 0 and the expectation is `--dump=ir` plus any warnings.
A first line `# ARGS: ...` adds command-line flags (`--download` there drops the default
--offline). Set TOSCAC_UPDATE_GOLDENS=1 (or pass --update)
to rewrite expectations instead of comparing.
"""
import argparse
import difflib
import os
import shlex
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", required=True)
    parser.add_argument("--update", action="store_true")
    parser.add_argument("case")
    args = parser.parse_args()
    update = args.update or os.environ.get("TOSCAC_UPDATE_GOLDENS") == "1"
    # The case runs in its own folder: a relative --toscac path must not depend on that.
    if os.sep in args.toscac:
        args.toscac = os.path.abspath(args.toscac)

    case = os.path.abspath(args.case)
    folder, name = os.path.split(case)
    expect_failure = name.startswith("fail_")
    extra = []
    with open(case, encoding="utf-8", errors="replace") as f:
        first = f.readline()
    if first.startswith("# ARGS:"):
        extra = shlex.split(first[len("# ARGS:"):])
    # `--download` (only meaningful in ARGS) lets the case reach the network (loopback only).
    offline = [] if "--download" in extra else ["--offline"]
    extra = [a for a in extra if a != "--download"]
    command = [args.toscac, "validate", *offline, "--color", "never", "-q"] + extra + [name]
    if not expect_failure:
        command.insert(2, "--dump=ir")
    try:
        run = subprocess.run(command, cwd=folder, capture_output=True, text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        print(f"{name}: toscac did not finish within 60 s")
        return 1
    actual = run.stdout + run.stderr
    expected_path = case[: -len(".yaml")] + ".expected"

    wanted_code = 1 if expect_failure else 0
    if run.returncode != wanted_code:
        print(f"{name}: exit code {run.returncode}, expected {wanted_code}\n{actual}")
        if not update:
            return 1
    if update:
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write(actual)
        print(f"updated {os.path.relpath(expected_path)}")
        return 0 if run.returncode == wanted_code else 1
    if not os.path.exists(expected_path):
        print(f"{name}: no {os.path.basename(expected_path)}; run with TOSCAC_UPDATE_GOLDENS=1\n{actual}")
        return 1
    with open(expected_path, encoding="utf-8") as f:
        expected = f.read()
    if actual != expected:
        diff = difflib.unified_diff(expected.splitlines(True), actual.splitlines(True),
                                    "expected", "actual")
        print(f"{name}: output differs (TOSCAC_UPDATE_GOLDENS=1 rewrites it)")
        sys.stdout.writelines(diff)
        return 1
    print(f"{name}: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())

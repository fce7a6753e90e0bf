#!/usr/bin/env python3
"""Runs toscac validate over every file in the tosca-parser VERDICTS.tsv and compares verdicts.

Prints the agreement figure. Fails on a crash or hang (any exit other than 0 or 1, or a timeout),
on agreement below 90 %, and on a disagreement that tests/corpus/tosca_parser_disagreements.tsv
does not list with its reason (or one it lists that no longer disagrees), and when a function case
tosca-parser rejects is rejected for another reason. Exit 77 (skipped) when
../shared/corpus is absent.
"""
import argparse
import csv
import os
import subprocess
import sys


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--disagreements", required=True)
    args = parser.parse_args()
    verdicts = os.path.join(args.corpus, "tosca-parser", "VERDICTS.tsv")
    if not os.path.exists(verdicts):
        print(f"skipped: {verdicts} not found (the shared corpus is not next to this checkout)")
        return 77
    listed = {}
    with open(args.disagreements, encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t"):
            if row and not row[0].startswith("#"):
                listed[row[0]] = row[2] if len(row) > 2 else ""
    total = agree = 0
    problems = []
    # For the function cases tosca-parser rejects, agreeing on the exit code is not enough: the
    # reason must be the same mistake, so each must carry the diagnostic code that names it.
    reasons = {
        "data/functions/test_concat_invalid.yaml": "T0702",
        "data/functions/test_token_invalid.yaml": "T0702",
        "data/functions/test_invalid_function_signature.yaml": "T0702",
        "data/functions/test_get_attribute_host_not_found.yaml": "T0706",
        "data/functions/test_get_attribute_illegal_host_in_outputs.yaml": "T0705",
        "data/functions/test_get_attribute_unknown_attribute_name.yaml": "T0704",
        "data/functions/test_get_attribute_unknown_node_template_name.yaml": "T0703",
        "data/functions/test_get_attribute_with_index_error.yaml": "T0704",
        "data/functions/test_unknown_capability_property.yaml": "T0704",
        "data/functions/test_unknown_input_in_interface.yaml": "T0701",
        "data/functions/test_unknown_input_in_property.yaml": "T0701",
    }
    with open(verdicts, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    for row in rows:
        path = os.path.join(args.corpus, "tosca-parser", row["file"])
        peer = int(row["tosca_parser_2_6_0_exit"])
        # tosca-parser has no folder boundary, so its material needs --allow-outside-imports.
        command = [args.toscac, "validate", "--offline", "--allow-outside-imports", "-q", "--color", "never", path]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except subprocess.TimeoutExpired:
            problems.append(f"HANG {row['file']}")
            continue
        total += 1
        if run.returncode not in (0, 1):
            problems.append(f"CRASH {row['file']}: exit {run.returncode}\n{run.stderr[-2000:]}")
            continue
        wanted = reasons.get(row["file"])
        if wanted and f"error[{wanted}]" not in run.stderr:
            problems.append(f"REASON {row['file']}: expected error {wanted}\n{run.stderr[-1500:]}")
        if run.returncode == peer:
            agree += 1
            if row["file"] in listed:
                problems.append(f"STALE {row['file']}: listed as a disagreement but now agrees")
        elif row["file"] not in listed:
            first = next((l for l in run.stderr.splitlines() if "error[" in l), "")
            problems.append(f"UNLISTED {row['file']}: tosca-parser {peer}, toscac {run.returncode}: {first}")
    share = 100.0 * agree / max(total, 1)
    print(f"agreement with tosca-parser 2.6.0: {agree}/{len(rows)} files ({share:.1f}%)")
    for p in problems:
        print(p)
    if share < 90.0:
        print("agreement below the 90% target")
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

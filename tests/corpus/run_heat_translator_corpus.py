#!/usr/bin/env python3
"""toscac emit heat over OpenStack heat-translator's test inputs, against its outputs.

For each pair in heat_translator_pairs.tsv: every template toscac writes must pass Heat's own
validation (tests/heat/validate_hot.py); and it is compared with heat-translator's HOT in
resource types (a multiset) and dependencies (which resource refers to which, through
get_resource, get_attr or depends_on, among the names both templates have). The result of each
pair, `match`, `differs` or `refused` (toscac did not write a template), must be the one
heat_translator_differences.tsv lists with its reason, unless it is `match`; the list may not
hold pairs that now match (it would hide progress). Prints the figures. Exit 77 without the
corpus.
"""
import argparse
import collections
import json
import os
import shlex
import sys
import tempfile

import yaml

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "golden"))
from golden_lib import check_heat, run  # noqa: E402


def read_tsv(path, columns):
    rows = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#") or not line.strip():
                continue
            cells = line.rstrip("\n").split("\t")
            rows.append(cells + [""] * (columns - len(cells)))
    return rows


def references(value):
    """Names a value refers to through get_resource / get_attr."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "get_resource" and isinstance(item, str):
                yield item
            elif key == "get_attr" and isinstance(item, list) and item and isinstance(item[0], str):
                yield item[0]
            else:
                yield from references(item)
    elif isinstance(value, list):
        for item in value:
            yield from references(item)


def shape(template):
    resources = template.get("resources") or {}
    types = collections.Counter(r.get("type") for r in resources.values())
    edges = set()
    for name, r in resources.items():
        deps = r.get("depends_on") or []
        for target in list(references(r.get("properties") or {})) + list(
                deps if isinstance(deps, list) else [deps]):
            edges.add((name, target))
    return types, edges, set(resources)


def compare(ours, theirs):
    t1, e1, n1 = shape(ours)
    t2, e2, n2 = shape(theirs)
    notes = []
    if t1 != t2:
        extra, missing = t1 - t2, t2 - t1
        if missing:
            notes.append("heat-translator also has " + ", ".join(
                f"{n}× {t}" for t, n in sorted(missing.items())))
        if extra:
            notes.append("toscac also has " + ", ".join(f"{n}× {t}" for t, n in sorted(extra.items())))
    common = n1 & n2
    e1c = {e for e in e1 if e[0] in common and e[1] in common}
    e2c = {e for e in e2 if e[0] in common and e[1] in common}
    if e1c != e2c:
        notes.append("dependencies differ: " + "; ".join(
            [f"only toscac {a}->{b}" for a, b in sorted(e1c - e2c)] +
            [f"only heat-translator {a}->{b}" for a, b in sorted(e2c - e1c)]))
    return notes


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--toscac", required=True)
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--heat-check", required=True)
    args = parser.parse_args()
    root = os.path.join(args.corpus, "heat-translator")
    if not os.path.isdir(root):
        print(f"skipped: {root} is absent")
        return 77
    here = os.path.dirname(os.path.abspath(__file__))
    pairs = read_tsv(os.path.join(here, "heat_translator_pairs.tsv"), 3)
    listed = {row[0]: (row[1], row[2]) for row in read_tsv(
        os.path.join(here, "heat_translator_differences.tsv"), 3)}
    toscac = os.path.abspath(args.toscac)
    counts = collections.Counter()
    problems = []
    for source, expected, flags in pairs:
        cwd = os.path.dirname(os.path.join(root, source))
        words = ["emit", "heat", "--offline", "--color", "never"] + shlex.split(flags) + [
            os.path.basename(source)]
        with tempfile.TemporaryDirectory() as out:
            done = run([toscac] + words + ["-o", out, "-q"], cwd)
            if done is None or done.returncode != 0:
                first = next((line for line in (done.stderr if done else "timeout").splitlines()
                              if "error" in line), "no template")
                status, detail = "refused", first
            else:
                as_json = run([toscac] + words + ["--format", "json"], cwd)
                check = check_heat(args.heat_check, out, cwd, as_json.stdout)
                if check is None or check.returncode != 0:
                    problems.append(f"{source}: Heat rejects toscac's template: "
                                    f"{check.stdout.strip() if check else 'timed out'}")
                with open(os.path.join(root, expected), encoding="utf-8") as f:
                    theirs = yaml.safe_load(f)
                notes = compare(json.loads(as_json.stdout), theirs)
                status, detail = ("differs", " | ".join(notes)) if notes else ("match", "")
        counts[status] += 1
        print(f"{status:8} {source}{': ' + detail if detail else ''}")
        want = listed.pop(source, None)
        if status == "match" and want:
            problems.append(f"{source} now matches; remove it from heat_translator_differences.tsv")
        elif status != "match" and (want is None or want[0] != status):
            problems.append(f"{source}: {status}, which heat_translator_differences.tsv does not "
                            f"list with a reason" + (f" (it says {want[0]})" if want else ""))
    for source in listed:
        problems.append(f"heat_translator_differences.tsv lists {source}, which is no pair")
    written = counts["match"] + counts["differs"]
    print(f"heat-translator corpus: {len(pairs)} translated inputs; toscac writes {written} "
          f"templates (each passes Heat's validation), {counts['match']} match heat-translator's "
          f"in resource types and dependencies; {counts['refused']} refused")
    for p in problems:
        print(f"FAIL {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

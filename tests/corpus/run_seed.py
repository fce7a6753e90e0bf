#!/usr/bin/env python3
"""The three seed blueprints validate with no errors, offline, with the bundled profiles alone and
with --catalog ../shared/corpus/imports. Exit 77 (skipped) when the corpus is absent."""
import os
import subprocess
import sys

toscac, corpus = sys.argv[1], sys.argv[2]
seed = os.path.join(corpus, "seed")
if not os.path.isdir(seed):
    print(f"skipped: {seed} not found")
    sys.exit(77)
failed = 0
for name in ("openstack-mongo-blueprint.yaml", "openstack-kubonly-blueprint.yaml",
             "openstack-hybridservices-blueprint.yaml"):
    for extra in ([], ["--catalog", os.path.join(corpus, "imports")]):
        run = subprocess.run([toscac, "validate", "--offline", "--color", "never", *extra,
                              os.path.join(seed, name)], capture_output=True, text=True, timeout=60)
        label = "catalog" if extra else "bundled"
        print(f"{name} ({label}): exit {run.returncode}")
        if run.returncode != 0:
            print(run.stderr)
            failed += 1
sys.exit(1 if failed else 0)

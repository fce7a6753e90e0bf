#!/usr/bin/env python3
"""The seed microservice blueprint's six pod.yaml overrides, through its deployment proxies.

With the Kubernetes and MongoDB deployments' outputs given as files (tests/corpus/seed_deployments,
written for this test) and the deployment context on the command line, every override must fold
to a concrete value in `--dump=ir`; without them, validation must still pass and the values that
depend on other deployments must read `(known after apply ...)`. Exit 77 when the corpus is absent.
"""
import os
import re
import subprocess
import sys

toscac, corpus = os.path.abspath(sys.argv[1]), sys.argv[2]
seed = os.path.join(corpus, "seed")
blueprint = "openstack-hybridservices-blueprint.yaml"
if not os.path.exists(os.path.join(seed, blueprint)):
    print(f"skipped: {seed} not found")
    sys.exit(77)
here = os.path.dirname(os.path.abspath(__file__))
outputs = os.path.join(here, "seed_deployments")


def pod_overrides(extra):
    run = subprocess.run([toscac, "validate", "--offline", "--dump=ir", "-q", *extra, blueprint],
                         cwd=seed, capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        print(run.stdout + run.stderr)
        sys.exit(1)
    lines = run.stdout.splitlines()
    start = lines.index("  config file pod.yaml")
    found = []
    for line in lines[start + 1:]:
        if not line.startswith("    "):
            break
        found.append(line.strip())
    return found


resolved = pod_overrides([
    "-i", "kub_deployment=kubernetes", "-i", "mongo_deployment=mongodb",
    "--deployment-outputs", f"kubernetes={outputs}/kubernetes.json",
    "--deployment-outputs", f"mongodb={outputs}/mongodb.json",
    "--deployment-id", "nodecellar", "--management-ip", "192.0.2.2"])
print("with outputs:\n  " + "\n  ".join(resolved))
expected = ['"192.0.2.20"', '"27017"', '"192.0.2.2"', '"nodecellar"', '"nodecellar"', '"nodecellar_1"']
values = [line.split(" = ", 1)[1] for line in resolved]
if values != expected:
    print(f"expected the values {expected}")
    sys.exit(1)

symbolic = pod_overrides([])
print("without outputs:\n  " + "\n  ".join(symbolic))
unknown = [line for line in symbolic if "(known after apply" in line]
if len(symbolic) != 6 or len(unknown) != 3 or not all("mongo_proxy" in l or "management_ip" in l for l in unknown):
    print("expected six overrides, the two proxy reads and management_ip known after apply")
    sys.exit(1)
print("all six overrides resolve with the other deployments' outputs")

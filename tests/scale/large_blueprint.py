#!/usr/bin/env python3
"""A blueprint large enough for the parallel paths (node_templates parsed in pieces, or libyaml on
its own thread, from 1 MiB; node templates checked on two threads from 4,096 nodes), with mistakes
planted at known places. Checks that every mistake is reported, once, in source order, as a small
blueprint would; then that a template repeated across the pieces is reported once, as a whole
parse would."""
import os
import re
import subprocess
import sys
import tempfile

toscac = sys.argv[1]
pairs = 4000
bad_cpu = {7, 1999, 2000, 3999}      # num_cpus: "many" (T0503)
bad_host = {42, 2000, 3001}                # requirement to a missing node (T0601)
lines = ["tosca_definitions_version: tosca_simple_yaml_1_3", "topology_template:", "  node_templates:"]
for i in range(pairs):
    cpus = '"many"' if i in bad_cpu else str(1 + i % 4)
    host = f"server_missing_{i}" if i in bad_host else f"server_{i}"
    lines += [f"    server_{i}:", "      type: tosca.nodes.Compute", "      capabilities:",
              "        host:", "          properties:", f"            num_cpus: {cpus}",
              "            mem_size: 2 GB", "            disk_size: 10 GB",
              f"    app_{i}:", "      type: tosca.nodes.SoftwareComponent",
              "      properties:", "        component_version: 1.2.3",
              "      requirements:", f"        - host: {host}"]
text = "\n".join(lines) + "\n"
assert len(text) > (1 << 20), "the file must be large enough for the threaded parser"
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "large.yaml")
    with open(path, "w") as f:
        f.write(text)
    run = subprocess.run([toscac, "validate", "--offline", "--color", "never", "--format", "json", path],
                         capture_output=True, text=True, timeout=300)
import json
report = json.loads(run.stdout)
got = [(d["code"], d["location"]["line"]) for d in report["diagnostics"]]
expected_lines = []
for i in sorted(bad_cpu | bad_host):
    if i in bad_cpu:
        expected_lines.append(("T0503", 4 + i * 14 + 5))
    if i in bad_host:
        expected_lines.append(("T0601", 4 + i * 14 + 13))
print(f"{pairs * 2} node templates; diagnostics: {got}")
if run.returncode != 1 or got != expected_lines:
    print(f"expected exit 1 and {expected_lines}")
    sys.exit(1)
print("all planted mistakes reported once, in order")

# server_5 again, in the last piece: the pieces must give way to the whole parse (one T0102).
repeat = ["    server_5:", "      type: tosca.nodes.Compute"]
text = "\n".join(lines + repeat) + "\n"
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "repeat.yaml")
    with open(path, "w") as f:
        f.write(text)
    run = subprocess.run([toscac, "validate", "--offline", "--format", "json", path],
                         capture_output=True, text=True, timeout=300)
report = json.loads(run.stdout)
got = [(d["code"], d["location"]["line"]) for d in report["diagnostics"] if d["code"] == "T0102"]
expected = [("T0102", len(lines) + 1)]
print(f"repeated template: {got}")
if got != expected:
    print(f"expected {expected}")
    sys.exit(1)

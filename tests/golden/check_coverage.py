#!/usr/bin/env python3
"""Every diagnostic code in diag/kinds.def must appear in at least one golden expectation."""
import pathlib
import re
import sys

kinds = pathlib.Path(sys.argv[1]).read_text()
golden = pathlib.Path(sys.argv[2])
codes = re.findall(r'TOSCAC_DIAG\(\w+, "(T\d{4})"', kinds)
seen = set()
for expected in golden.rglob("*.expected"):
    seen.update(re.findall(r"\[(T\d{4})\]", expected.read_text()))
missing = [c for c in codes if c not in seen]
print(f"diagnostic codes exercised by golden tests: {len(codes) - len(missing)}/{len(codes)}")
fail_cases = list(golden.rglob("fail_*.yaml"))
print(f"failing golden cases: {len(fail_cases)}")
if missing:
    print("not exercised: " + ", ".join(missing))
    sys.exit(1)

#!/usr/bin/env python3
"""Writes docs/diagnostics.md from diag/kinds.def. `--check` fails when the file is stale."""
import pathlib
import re
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
AREAS = {
    "T01": "Reading YAML", "T02": "Files and imports", "T03": "Document structure and keynames",
    "T04": "Types", "T05": "Templates and values", "T06": "Requirements and relationships",
    "T07": "Intrinsic functions and inputs",
}


def render() -> str:
    kinds = (ROOT / "diag" / "kinds.def").read_text()
    rows = re.findall(r'TOSCAC_DIAG\((\w+), "(T\d{4})", (\w+), "((?:[^"\\]|\\.)*)"\)', kinds)
    out = ["# Diagnostics", "",
           "Every problem toscac reports has a stable code. Errors make `toscac validate` exit 1;",
           "warnings do only with `--warnings-as-errors`. `{}` in a message stands for a name or value.",
           "Each code has at least one golden test under `tests/golden/` (`grep -r T0503 tests/golden`).",
           "This page is generated from `diag/kinds.def` by `docs/gen_diagnostics.py`.", ""]
    area = None
    for name, code, severity, message in rows:
        if code[:3] != area:
            area = code[:3]
            out += ["", f"## {code[:3]}xx: {AREAS.get(area, '')}", "", "| code | severity | name | message |", "|---|---|---|---|"]
        message = message.replace("|", "\\|")
        out.append(f"| {code} | {severity.lower()} | {name} | {message} |")
    return "\n".join(out) + "\n"


def main() -> int:
    target = ROOT / "docs" / "diagnostics.md"
    text = render()
    if "--check" in sys.argv:
        if not target.exists() or target.read_text() != text:
            print("docs/diagnostics.md is stale: run docs/gen_diagnostics.py")
            return 1
        print("docs/diagnostics.md is up to date")
        return 0
    target.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

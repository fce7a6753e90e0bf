"""What the golden runners share: reading a case's command lines, running toscac, and comparing
the output with (or, with TOSCAC_UPDATE_GOLDENS=1 / --update, writing) the .expected file."""
import difflib
import json
import os
import shlex
import subprocess
import sys


def read_case(path, keyword):
    """The ARGS: flags shared by every run, and one flag list per `keyword:` line. In a .yaml
    case the lines are its leading comments; in other files, plain lines."""
    shared, runs = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if path.endswith(".yaml"):
                if not line.startswith("#"):
                    break
                line = line[1:].strip()
            if line.startswith("ARGS:"):
                shared += shlex.split(line[len("ARGS:"):])
            elif line.startswith(keyword + ":"):
                runs.append(shlex.split(line[len(keyword) + 1:]))
    return shared, runs


def run(command, cwd, timeout=60):
    """The finished process, or None when it did not finish in time."""
    try:
        return subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None


def update_requested(args):
    return args.update or os.environ.get("TOSCAC_UPDATE_GOLDENS") == "1"


def finish(case, actual, problems, update, summary):
    """Compares `actual` with the case's .expected file (or rewrites it); returns the exit code."""
    name = os.path.basename(case)
    for p in problems:
        print(f"{name}: {p}")
    expected_path = case.rsplit(".", 1)[0] + ".expected"
    if update:
        with open(expected_path, "w", encoding="utf-8") as f:
            f.write(actual)
        print(f"updated {os.path.relpath(expected_path)}")
        return 1 if problems else 0
    if not os.path.exists(expected_path):
        print(f"{name}: no {os.path.basename(expected_path)}; run with TOSCAC_UPDATE_GOLDENS=1")
        print(actual)
        return 1
    with open(expected_path, encoding="utf-8") as f:
        expected = f.read()
    if actual != expected:
        print(f"{name}: output differs (TOSCAC_UPDATE_GOLDENS=1 rewrites it)")
        sys.stdout.writelines(difflib.unified_diff(expected.splitlines(True),
                                                   actual.splitlines(True), "expected", "actual"))
        return 1
    if problems:
        return 1
    print(f"{name}: ok ({summary})")
    return 0


# Values for the parameters that have no default, as `openstack stack create --parameter` would
# give them: Heat checks them against their types; names are not looked up (validate_hot.py).
DUMMIES = {"string": "x", "number": 1, "boolean": False, "json": {}, "comma_delimited_list": "a"}


def check_heat(script, out, cwd, as_json):
    template = json.loads(as_json)
    values = {name: DUMMIES.get(p.get("type"), "x")
              for name, p in (template.get("parameters") or {}).items() if "default" not in p}
    # A script the blueprint names but does not ship (reported as T1006) would stop Heat at
    # get_file; an empty stand-in lets the rest of the template be checked.
    def files(value):
        if isinstance(value, dict):
            if "get_file" in value and isinstance(value["get_file"], str):
                yield value["get_file"]
            for item in value.values():
                yield from files(item)
        elif isinstance(value, list):
            for item in value:
                yield from files(item)
    for name in files(template.get("resources", {})):
        path = os.path.join(out, name)
        if not os.path.exists(path):
            os.makedirs(os.path.dirname(path), exist_ok=True)
            open(path, "w").close()
    env = os.path.join(out, "..", os.path.basename(out) + ".env.yaml")
    with open(env, "w", encoding="utf-8") as f:
        json.dump({"parameters": values}, f)
    try:
        return run(["/usr/bin/python3", os.path.abspath(script),
                    os.path.join(out, "stack.yaml"), "--env", env], cwd, 300)
    finally:
        os.unlink(env)

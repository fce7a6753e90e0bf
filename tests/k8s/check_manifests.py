#!/usr/bin/python3
"""Checks a folder written by `toscac emit k8s -o DIR` with validators we did not write.

1. Every file reads back as YAML (PyYAML, YAML 1.1 like kubectl), one object per file, and
   kustomization.yaml lists exactly those files.
2. No unknown field anywhere: each key must be a field of the object's model class in Debian's
   python3-kubernetes (22.6, Kubernetes 1.22). That release predates autoscaling/v2, whose fields
   are those of autoscaling/v2beta2 (v2 is v2beta2 made GA), so v2 objects are checked against the
   v2beta2 classes.
3. The upstream OpenAPI schemas (npm kubernetes-models via validate.js; types, required fields,
   enums, formats).
4. `kubectl kustomize DIR` builds the folder.
5. With EXPECTED (`toscac emit --format json`, a List): each file reads back as exactly that
   object, so no string was read back as a number, boolean, null or date.
Runs with Debian's python3 (/usr/bin/python3), where python3-kubernetes and python3-yaml live.
"""
import json
import os
import subprocess
import sys
import tempfile

import kubernetes.client as models
import yaml

PRIMITIVES = {"str", "int", "bool", "float", "object", "datetime", "date"}


def model_class(api_version, kind):
    version = api_version.rpartition("/")[2]
    if api_version == "autoscaling/v2":
        version = "v2beta2"
    return getattr(models, version[0].upper() + version[1:] + kind, None)


def unknown_fields(value, type_name, path, problems):
    if value is None:
        return
    if type_name.startswith("list["):
        for i, item in enumerate(value):
            unknown_fields(item, type_name[5:-1], f"{path}[{i}]", problems)
        return
    if type_name.startswith("dict("):
        inner = type_name[type_name.index(",") + 1:-1].strip()
        for key, item in value.items():
            unknown_fields(item, inner, f"{path}.{key}", problems)
        return
    if type_name in PRIMITIVES:
        return
    cls = getattr(models, type_name)
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object ({type_name})")
        return
    fields = {json_name: attr for attr, json_name in cls.attribute_map.items()}
    for key, item in value.items():
        if key not in fields:
            problems.append(f"{path}.{key}: unknown field of {type_name}")
        else:
            unknown_fields(item, cls.openapi_types[fields[key]], f"{path}.{key}", problems)


def main():
    folder, node_modules = sys.argv[1], sys.argv[2]
    expected = None
    if len(sys.argv) > 3:
        with open(sys.argv[3], encoding="utf-8") as f:
            expected = json.load(f)["items"]
    problems, entries = [], []
    files = sorted(f for f in os.listdir(folder) if f.endswith(".yaml") and f != "kustomization.yaml")
    for name in files:
        with open(os.path.join(folder, name), encoding="utf-8") as f:
            docs = [d for d in yaml.safe_load_all(f) if d is not None]
        if len(docs) != 1:
            problems.append(f"{name}: {len(docs)} documents, expected one object")
            continue
        obj = docs[0]
        cls = model_class(obj.get("apiVersion", ""), obj.get("kind", ""))
        if cls is None:
            problems.append(f"{name}: python3-kubernetes has no model for {obj.get('apiVersion')} {obj.get('kind')}")
        else:
            unknown_fields(obj, cls.__name__, name, problems)
        entries.append({"file": name, "object": obj})
    with open(os.path.join(folder, "kustomization.yaml"), encoding="utf-8") as f:
        listed = yaml.safe_load(f).get("resources", [])
    if sorted(listed) != files:
        problems.append(f"kustomization.yaml lists {listed}, the folder has {files}")
    if expected is not None:
        by_file = {e["file"]: e["object"] for e in entries}
        read = [by_file.get(name) for name in listed]
        for name, got, want in zip(listed, read, expected):
            if got != want:
                problems.append(f"{name} reads back as\n{json.dumps(got, indent=1, default=repr)}\n"
                                f"but toscac meant\n{json.dumps(want, indent=1)}")
        if len(read) != len(expected):
            problems.append(f"{len(read)} files, {len(expected)} objects in the JSON form")
    print(f"field check: {len(entries)} objects, {len(problems)} problems")

    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
        json.dump(entries, tmp, default=str)
    here = os.path.dirname(os.path.abspath(__file__))
    env = dict(os.environ, NODE_PATH=node_modules)
    schema = subprocess.run(["node", os.path.join(here, "validate.js"), tmp.name],
                            capture_output=True, text=True, env=env)
    os.unlink(tmp.name)
    print(schema.stdout, end="")
    if schema.returncode != 0:
        problems.append("schema check failed" + (f": {schema.stderr.strip()}" if schema.stderr else ""))

    built = subprocess.run(["kubectl", "kustomize", folder], capture_output=True, text=True)
    if built.returncode != 0:
        problems.append(f"kubectl kustomize: {built.stderr.strip()}")
    else:
        count = len([d for d in yaml.safe_load_all(built.stdout) if d is not None])
        print(f"kubectl kustomize: {count} objects")
        if count != len(entries):
            problems.append(f"kubectl kustomize built {count} objects, expected {len(entries)}")

    for p in problems:
        print(f"FAIL {p}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())

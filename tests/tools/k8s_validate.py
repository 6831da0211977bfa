#!/usr/bin/python3
"""Validates Kubernetes manifests offline, against the API types that Debian's
python3-kubernetes knows (its models: every field's JSON name and type):

  * every field is one of its object's (a misspelt field is an error; the API
    server and kubectl's client side would drop it, or need a cluster to say),
  * every value has its field's type (a string where an integer goes, an
    integer where a string goes, as in an env value: 8 instead of "8"),
  * every required field is there (a container's name, a Job's template).

Enum values (completionMode: Indexed) are not checked: the models do not know
them.  Usage: k8s_validate.py [--json OUT.json] FILE.yaml... (OUT: the
documents of the one FILE as a JSON array, for jq).  Exit 0 when every
document of every FILE is valid, else 1 with one line per error:
FILE: DOC.PATH: what.
"""
import json
import re
import sys

import yaml
from kubernetes.client import models

PRIMITIVES = {"str": str, "int": int, "bool": bool, "float": (int, float)}


def model_of(api_version, kind):
    """batch/v1 Job -> V1Job, v1 Pod -> V1Pod, batch/v1beta1 CronJob -> V1beta1CronJob."""
    version = api_version.split("/")[-1]
    return getattr(models, version[0].upper() + version[1:] + kind, None)


def check(value, typ, path, errs):
    if value is None:
        return
    m = re.fullmatch(r"list\[(.*)\]", typ)
    if m:
        if not isinstance(value, list):
            errs.append(f"{path}: expected a list, got {value!r}")
            return
        for i, v in enumerate(value):
            check(v, m.group(1), f"{path}[{i}]", errs)
        return
    m = re.fullmatch(r"dict\(([^,]*), (.*)\)", typ)
    if m:
        if not isinstance(value, dict):
            errs.append(f"{path}: expected a map, got {value!r}")
            return
        for k, v in value.items():
            check(v, m.group(2), f"{path}.{k}", errs)
        return
    if typ == "object":  # int-or-string, quantities, raw extensions
        return
    if typ in ("datetime", "date"):
        return
    if typ in PRIMITIVES:
        ok = isinstance(value, PRIMITIVES[typ]) and not (typ != "bool" and isinstance(value, bool))
        if not ok:
            errs.append(f"{path}: expected {typ}, got {value!r}")
        return
    cls = getattr(models, typ)
    if not isinstance(value, dict):
        errs.append(f"{path}: expected an object ({typ}), got {value!r}")
        return
    attr_of = {j: a for a, j in cls.attribute_map.items()}
    known = {}
    for k, v in value.items():
        if k not in attr_of:
            errs.append(f"{path}.{k}: unknown field of {typ} ({', '.join(sorted(attr_of))})")
            continue
        known[attr_of[k]] = v
        check(v, cls.openapi_types[attr_of[k]], f"{path}.{k}", errs)
    # The constructor refuses a missing required field, naming it.
    try:
        cls(**known)
    except ValueError as e:
        errs.append(f"{path}: {e}")
    except TypeError:
        pass


def validate(path):
    """The documents of the file at path and their errors."""
    with open(path) as f:
        docs = [d for d in yaml.safe_load_all(f) if d is not None]
    errs = [] if docs else ["no document"]
    for i, doc in enumerate(docs):
        name = f"doc{i}"
        if not isinstance(doc, dict) or "apiVersion" not in doc or "kind" not in doc:
            errs.append(f"{name}: not a Kubernetes object (apiVersion and kind)")
            continue
        cls = model_of(str(doc["apiVersion"]), str(doc["kind"]))
        if cls is None:
            errs.append(f"{name}: unknown apiVersion/kind {doc['apiVersion']} {doc['kind']}")
            continue
        check(doc, cls.__name__, f"{name}({doc['kind']})", errs)
    return docs, errs


def main(argv):
    out = None
    if len(argv) > 2 and argv[1] == "--json":
        out, argv = argv[2], argv[2:]
    files = argv[1:]
    if not files or (out and len(files) != 1):
        print("usage: k8s_validate.py [--json OUT.json] FILE.yaml...", file=sys.stderr)
        return 2
    bad = False
    for path in files:
        docs, errs = validate(path)
        for e in errs:
            print(f"{path}: {e}")
        bad = bad or bool(errs)
        if out:
            with open(out, "w") as f:
                json.dump(docs, f, default=str)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

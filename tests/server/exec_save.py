#!/usr/bin/env python3
"""A `-m exec` child that keeps what the model is shown: each request's image
is written to DIR/ID (ID is the task's key, samples.jsonl's "key"), and every
request is answered "yes".  Python 3 stdlib only.

    exec_save.py DIR
"""
import base64
import json
import os
import sys


def main():
    d = sys.argv[1]
    os.makedirs(d, exist_ok=True)
    for line in sys.stdin:
        req = json.loads(line)
        if "image" in req:
            with open(os.path.join(d, req["id"]), "wb") as f:
                f.write(base64.b64decode(req["image"]))
        sys.stdout.write(json.dumps({"id": req["id"], "text": "yes"}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()

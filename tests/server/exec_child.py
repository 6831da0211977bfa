#!/usr/bin/env python3
"""A `-m exec` child for the tests: reads one JSON request per line on stdin,
answers each through a real vsrbench plug-in (tests/server/plugin.py) and
writes one JSON response per line on stdout.  Python 3 stdlib only.

    exec_child.py [--plugin SO] [--die-after N] [--die-on-prompt FILE]
                  [--retry-first] [--noise] [--reverse] [--log FILE]

--die-after N   exit with status 3 after answering N requests
--once FILE     ... only when FILE does not exist yet (it is created): a crash
                that the next run of the same command does not meet
--die-on-prompt FILE  exit with status 3 on reading a request whose prompt is
                FILE's text (a model that crashes on one item, every time)
--retry-first   answer {"error":..., "retry": true} the first time an id is seen
--noise         print a non-JSON line to stdout first (a stray print())
--reverse       answer requests read together in reverse order (ids, not order, match)
--log FILE      append each request's keys (without the image) as a JSON line
"""
import argparse
import base64
import json
import os
import select
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plugin  # noqa: E402


def handle(a, model, seen, req):
    if a.die_on_prompt is not None and req["prompt"] == a.die_on_prompt:
        sys.stdout.flush()
        os._exit(3)
    if a.log:
        with open(a.log, "a") as f:
            f.write(json.dumps({k: v for k, v in req.items() if k != "image"}) + "\n")
    if "image" in req:
        image = base64.b64decode(req["image"])
    elif "image_path" in req:
        with open(req["image_path"], "rb") as f:
            image = f.read()
    else:
        image = None
    if a.retry_first and req["id"] not in seen:
        seen.add(req["id"])
        return {"id": req["id"], "error": "warming up", "retry": True}
    status, text, error = model.answer(req["prompt"], image, req.get("image_mime"),
                                       req.get("choices"), req["max_tokens"],
                                       req["temperature"], req["seed"])
    resp = {"id": req["id"], "text": text} if status == 0 else \
        {"id": req["id"], "error": error, "retry": status == 1}
    resp["meta"] = {"child": "exec_child.py"}
    return resp


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin")
    ap.add_argument("--die-after", type=int, default=-1)
    ap.add_argument("--once")
    ap.add_argument("--die-on-prompt")
    ap.add_argument("--retry-first", action="store_true")
    ap.add_argument("--noise", action="store_true")
    ap.add_argument("--reverse", action="store_true")
    ap.add_argument("--log")
    a = ap.parse_args()
    if a.die_on_prompt:
        with open(a.die_on_prompt, encoding="utf-8") as f:
            a.die_on_prompt = f.read()
    if a.once:
        if os.path.exists(a.once):
            a.die_after = -1
        else:
            open(a.once, "w").close()
    model = plugin.load(a.plugin)
    seen = set()
    answered = 0
    out = sys.stdout
    if a.noise:
        print("loading model weights... done", flush=True)
    pending, data, eof = [], b"", False
    while not eof or pending:
        if not eof:
            # --reverse holds answers while more requests keep arriving.
            wait = 0.005 if (a.reverse and pending) else None
            ready, _, _ = select.select([0], [], [], wait)
            if ready:
                chunk = os.read(0, 1 << 20)
                eof = not chunk
                data += chunk
                *lines, data = data.split(b"\n")
                pending += [handle(a, model, seen, json.loads(x)) for x in lines if x.strip()]
                if a.reverse and not eof and len(pending) < 8:
                    continue
        for r in (reversed(pending) if a.reverse else pending):
            out.write(json.dumps(r) + "\n")
            answered += 1
            if answered == a.die_after:
                out.flush()
                sys.exit(3)
        pending = []
        out.flush()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A vsrbench model behind a pipe in 20 lines: one JSON request per line on stdin, one JSON
reply per line on stdout (docs/models.md, "-m exec").  Put your model in answer().
    vsrbench run -m exec -M cmd='python3 examples/exec_model.py'"""
import base64, json, sys

def answer(prompt, image, choices):
    return "A" if choices else "yes"  # letter questions list their options in choices

print("exec_model: ready", file=sys.stderr)  # logs go to stderr; stdout is for replies
for line in sys.stdin:
    req = json.loads(line)
    try:
        image = base64.b64decode(req["image"]) if "image" in req else None  # None: a blind task
        text = answer(req["prompt"], image, req.get("choices"))
        meta = {"image_bytes": len(image) if image else 0}  # optional; kept in the journal
        reply = {"id": req["id"], "text": text, "meta": meta}
    except Exception as e:  # this task fails (journaled as an error); the run goes on
        reply = {"id": req["id"], "error": repr(e)}
    print(json.dumps(reply), flush=True)

#!/usr/bin/env python3
"""A loopback OpenAI-shaped model that looks at the picture, but not well:
its reply is a pure function of the prompt and the image's bytes
(sha256 of both): "hmm" (no answer) when the hash's second byte is a
multiple of 8, else "Yes" or "No" by the first byte's parity.  So every
wording, every mirror and the missing image each give an answer of their
own, the same one each time (no noise), which tests of the diagnosis can
recompute from the journal.  Python 3 standard library only.

    image_hash_llm.py [--reply TEXT]   prints "PORT <n>" once listening on 127.0.0.1

--reply TEXT answers TEXT to every request instead (a model no reply of
which is read: "hmm").
"""
import argparse
import base64
import hashlib
import json
import re
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


REPLY = None


def answer(prompt, image):
    if REPLY is not None:
        return REPLY
    h = hashlib.sha256(prompt.encode() + (image or b"")).digest()
    if h[1] % 8 == 0:
        return "hmm"
    return "Yes" if h[0] % 2 == 0 else "No"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go as two writes: no 40 ms wait between

    def log_message(self, *a):
        pass

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        content = body["messages"][-1]["content"]
        prompt, image = (content, None) if isinstance(content, str) else (None, None)
        for part in content if isinstance(content, list) else []:
            if part["type"] == "text":
                prompt = part["text"]
            elif part["type"] == "image_url":
                m = re.match(r"data:[^;]+;base64,(.*)\Z", part["image_url"]["url"], re.S)
                image = base64.b64decode(m.group(1))
        out = json.dumps({"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                          "choices": [{"index": 0, "finish_reason": "stop",
                                       "message": {"role": "assistant", "content": answer(prompt, image)}}]})
        data = out.encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--reply")
    REPLY = ap.parse_args().reply
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()

#!/usr/bin/env python3
"""A loopback judge for tests/e2e/judge.sh: an OpenAI-compatible
/v1/chat/completions endpoint that reads the reply out of vsrbench's judge
prompt (the text between "Reply:\\n<<<\\n" and the last "\\n>>>") and answers
by a rule the test knows.  Python 3 standard library only.

    fake_judge.py [--mode rule|garbage|500] [--answer-first N]

Rule (--mode rule): a reply containing "leans to X" gets the answer "X";
one containing "JUDGE-GARBAGE" gets "purple elephant" (no answer in it);
any other gets "none".  --mode garbage answers every request
"purple elephant"; --mode 500 answers every request with HTTP 500.
--answer-first N answers the first N requests, then stops answering: each
later request has its connection closed with no reply (logged with status
0) until GET /_revive, after which it answers again.
The key demanded comes from $FAKE_JUDGE_KEY (unset: none).  Prints
"PORT <n>" once listening on 127.0.0.1; GET /_log returns every request as
{"reply": the reply it read, "status": the HTTP status sent}.
"""
import argparse
import json
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KEY = os.environ.get("FAKE_JUDGE_KEY") or None
MODE = "rule"
LIMIT = None  # --answer-first: requests still to answer (None: all)
LOG = []
LOCK = threading.Lock()


def reply_of(prompt):
    a = prompt.rfind("Reply:\n<<<\n")
    if a < 0:
        return None
    a += len("Reply:\n<<<\n")
    z = prompt.rfind("\n>>>")
    return prompt[a:z] if z >= a else None


def verdict(reply):
    if MODE == "garbage":
        return "purple elephant"
    if reply is None:
        return "none"
    m = re.search(r"leans to (\w+)", reply)
    if m:
        return m.group(1)
    if "JUDGE-GARBAGE" in reply:
        return "purple elephant"
    return "none"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def send(self, status, obj):
        body = json.dumps(obj).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        global LIMIT
        if self.path == "/_log":
            with LOCK:
                self.send(200, LOG)
        elif self.path == "/_revive":
            with LOCK:
                LIMIT = None
            self.send(200, {})
        else:
            self.send(404, {"error": "no such path"})

    def do_POST(self):
        global LIMIT
        n = int(self.headers.get("Content-Length", "0"))
        body = json.loads(self.rfile.read(n) or b"{}")
        if KEY and self.headers.get("Authorization") != "Bearer " + KEY:
            self.send(401, {"error": {"message": "bad key"}})
            return
        if not self.path.endswith("/chat/completions"):
            self.send(404, {"error": {"message": "no such path"}})
            return
        prompt = ""
        for msg in body.get("messages", []):
            c = msg.get("content")
            if isinstance(c, str):
                prompt += c
            else:
                for part in c or []:
                    if part.get("type") == "text":
                        prompt += part["text"]
        reply = reply_of(prompt)
        status = 500 if MODE == "500" else 200
        with LOCK:
            if LIMIT is not None:
                if LIMIT <= 0:
                    status = 0
                else:
                    LIMIT -= 1
            LOG.append({"reply": reply, "status": status})
        if status == 0:  # stopped answering: no reply at all
            self.close_connection = True
            return
        if status != 200:
            self.send(status, {"error": {"message": "judge is down"}})
            return
        text = verdict(reply)
        self.send(200, {"id": "cmpl-judge", "object": "chat.completion",
                        "model": body.get("model"),
                        "choices": [{"index": 0, "finish_reason": "stop",
                                     "message": {"role": "assistant", "content": text}}],
                        "usage": {"prompt_tokens": 1, "completion_tokens": 1,
                                  "total_tokens": 2}})


def main():
    global MODE, LIMIT
    ap = argparse.ArgumentParser()
    ap.add_argument("--mode", default="rule", choices=["rule", "garbage", "500"])
    ap.add_argument("--answer-first", type=int, default=None)
    a = ap.parse_args()
    MODE, LIMIT = a.mode, a.answer_first
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A loopback static file server for the data-pull tests (python3 -m
http.server cannot do Range requests).  Python 3 standard library only.

    static_range.py --root DIR [--root DIR]... [--rules FILE] [--log FILE]

Serves GET and HEAD for files under the roots (the first root holding the
path wins, so a test can lay generated files over a read-only tree), with
HTTP/1.1 keep-alive and single byte ranges ("bytes=A-", "bytes=A-B",
"bytes=-N"): 206 with Content-Range, or 416 when the range starts past the
end.  Prints "PORT <n>" on stdout once listening on 127.0.0.1 (the kernel
picks the port).

Faults, read from the rules FILE before every request (so a test changes
them between two commands without restarting the server), one per line:
  cut PATH N     send the headers of the full answer, then only N bytes of
                 the body, then close the connection
  corrupt PATH   serve PATH with the byte at offset size // 2 XOR 0x01
                 (consistently, also under ranges)
  norange        ignore Range headers: always 200 with the whole file
  status PATH C  answer PATH with HTTP status C and a short text body
  hold PATH N    send the headers, N bytes of the body, then wait (no more
                 bytes) until this line is gone from the rules file, then
                 the rest; logged as "HOLD PATH" when the wait begins
  short PATH N   serve only the first N bytes of PATH as if that were the
                 whole file (a truncated upstream file, consistent length)
PATH is the URL path, e.g. /vsr/data/splits/zeroshot/test.jsonl.

Every request is appended to the log FILE as one line:
  METHOD PATH range=<Range header or -> status=<code> sent=<body bytes>
"""
import argparse
import os
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

ROOTS = []
RULES = None
LOG = None
LOCK = threading.Lock()


def rules():
    out = {"cut": {}, "corrupt": set(), "norange": False, "status": {}, "hold": {},
           "short": {}}
    if not RULES or not os.path.exists(RULES):
        return out
    with open(RULES) as f:
        for line in f:
            w = line.split()
            if not w or w[0].startswith("#"):
                continue
            if w[0] == "cut" and len(w) == 3:
                out["cut"][w[1]] = int(w[2])
            elif w[0] == "corrupt" and len(w) == 2:
                out["corrupt"].add(w[1])
            elif w[0] == "norange" and len(w) == 1:
                out["norange"] = True
            elif w[0] in ("hold", "short") and len(w) == 3:
                out[w[0]][w[1]] = int(w[2])
            elif w[0] == "status" and len(w) == 3:
                out["status"][w[1]] = int(w[2])
            else:
                raise ValueError("bad rule: " + line.strip())
    return out


def find(path):
    rel = path.lstrip("/")
    parts = rel.split("/")
    if not rel or any(p in ("", ".", "..") for p in parts):
        return None
    for root in ROOTS:
        full = os.path.join(root, *parts)
        if os.path.isfile(full):
            return full
    return None


def parse_range(header, size):
    """(start, end) inclusive, "bad" for 416, or None to serve everything."""
    if not header or not header.startswith("bytes=") or "," in header:
        return None
    a, _, b = header[6:].strip().partition("-")
    try:
        if a == "":
            n = int(b)
            return (max(size - n, 0), size - 1) if n > 0 and size else "bad"
        start = int(a)
        end = int(b) if b else size - 1
    except ValueError:
        return None
    if start >= size or end < start:
        return "bad"
    return start, min(end, size - 1)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body are two writes: without this, Nagle + delayed ACK
    # stall each small answer ~40 ms (ranged zip reads make hundreds).
    disable_nagle_algorithm = True

    def log_message(self, fmt, *args):
        pass

    def log(self, status, sent):
        if LOG:
            with LOCK, open(LOG, "a") as f:
                f.write("%s %s range=%s status=%d sent=%d\n" % (
                    self.command, self.path, self.headers.get("Range") or "-", status, sent))

    def plain(self, code, text):
        body = text.encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self.log(code, len(body))

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        r = rules()
        if path in r["status"]:
            self.plain(r["status"][path], "scripted status\n")
            return
        full = find(path)
        if not full:
            self.plain(404, "not found\n")
            return
        whole = path in r["short"] or path in r["corrupt"]
        if whole:
            with open(full, "rb") as f:
                data = bytearray(f.read())
            if path in r["short"]:
                data = data[:r["short"][path]]
            if path in r["corrupt"] and data:
                data[len(data) // 2] ^= 0x01
            size = len(data)
        else:
            # Only the bytes asked for are read: a ranged zip read makes many
            # small requests into a large archive.
            size = os.path.getsize(full)
        rng = None if r["norange"] else parse_range(self.headers.get("Range"), size)
        if rng == "bad":
            self.send_response(416)
            self.send_header("Content-Range", "bytes */%d" % size)
            self.send_header("Content-Length", "0")
            self.end_headers()
            self.log(416, 0)
            return
        first, last = (0, size - 1) if rng is None else rng
        if whole:
            body = bytes(data[first:last + 1])
        else:
            with open(full, "rb") as f:
                f.seek(first)
                body = f.read(last + 1 - first)
        code = 200 if rng is None else 206
        self.send_response(code)
        self.send_header("Content-Type", "application/octet-stream")
        self.send_header("Accept-Ranges", "none" if r["norange"] else "bytes")
        self.send_header("Content-Length", str(len(body)))
        if code == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (rng[0], rng[1], size))
        self.end_headers()
        if self.command == "HEAD":
            self.log(code, 0)
            return
        cut = r["cut"].get(path)
        if cut is not None and cut < len(body):
            self.wfile.write(body[:cut])
            self.wfile.flush()
            self.close_connection = True
            self.log(code, cut)
            return
        hold = r["hold"].get(path)
        if hold is not None and hold < len(body):
            self.wfile.write(body[:hold])
            self.wfile.flush()
            if LOG:
                with LOCK, open(LOG, "a") as f:
                    f.write("HOLD %s\n" % path)
            while path in rules()["hold"]:
                time.sleep(0.05)
            self.wfile.write(body[hold:])
            self.log(code, len(body))
            return
        self.wfile.write(body)
        self.log(code, len(body))


def main():
    global RULES, LOG
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", action="append", required=True)
    ap.add_argument("--rules")
    ap.add_argument("--log")
    a = ap.parse_args()
    ROOTS.extend(os.path.abspath(x) for x in a.root)
    RULES, LOG = a.rules, a.log
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    print("PORT %d" % srv.server_address[1], flush=True)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())

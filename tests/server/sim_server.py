#!/usr/bin/env python3
"""A simulated model server for the adaptive-concurrency tests and benchmarks
(issue 16): loopback, OpenAI chat-completions shape, asyncio, Python 3
standard library only.  It does no model work: it sleeps as a server with
the given capacity would take, and answers "Yes".

    sim_server.py [--t0 S] [--per-seq S] [--max-batch B]      continuous batching
                  [--rate N --burst K]                         a rate-limited API
                  [--image-cost S --cache-window W]            a prefix cache
                  [--slow-after N --slow-batch B]              a server that slows down
                  [--metrics]                                  GET /metrics, as vLLM's
                  [--log FILE]

Continuous batching: a request joins the running batch when fewer than B
run; its service time is t0 + per_seq * (requests running once it joined)
(+ image_cost when its image prefix is not cached); beyond B requests queue
(first come, first served) and start as others finish.  So throughput
b / (t0 + per_seq * b) rises with the concurrency b up to B, then stays flat
while latency grows: the best fixed concurrency is B.

Rate limit (--rate N): a token bucket of N per second holding at most
--burst tokens (default N/2); a request finding no token is answered 429 at
once with Retry-After (whole seconds, rounded up) and retry-after-ms (the
wait for the next token).

Prefix cache (--image-cost S --cache-window W): the server keeps the last W
distinct prefixes it computed; a request whose prefix is among them costs
S less.  The prefix is the message's first content part: the image when the
image comes first (vsrbench's order), else the text (then nothing is shared
across templates).

--slow-after N: after N answered requests the batch limit becomes
--slow-batch (the server got slower: another tenant, a smaller GPU share).

--metrics: GET /metrics answers in Prometheus' text format with vLLM's
gauges vllm:num_requests_running and vllm:num_requests_waiting (the batch
and the queue beyond it) among a few others, as vLLM serves them;
--metrics llamacpp with llama.cpp's llama-server's (--metrics there):
llamacpp:requests_processing and llamacpp:requests_deferred, no labels.
Without it /metrics is a 404, as on a server without metrics.  "metrics_polls" in
/_stats counts the GETs of /metrics either way; "waited" the requests that
waited for a batch slot, "max_waiting" the longest that queue was.

Prints "PORT <n>" on stdout once listening, the parameters on stderr.
GET /_stats: {"answered", "refused" (429s), "in_flight", "max_in_flight",
"max_running", "hits", "misses", "in_flight_hist" (arrivals by in-flight
count, a list), "late_max_in_flight" (max in flight over the last half of
the answered requests, see --late)}.  --log FILE: one JSON line per request
{"t_recv","t_sent","status","in_flight","hit"} (time.monotonic()).
"""
import argparse
import asyncio
import collections
import hashlib
import json
import math
import sys
import time

A = None
S = {"answered": 0, "refused": 0, "in_flight": 0, "max_in_flight": 0, "max_running": 0,
     "hits": 0, "misses": 0, "in_flight_hist": [], "late_max_in_flight": 0, "metrics_polls": 0,
     "max_waiting": 0, "waited": 0}
RUNNING = 0
WAITERS = collections.deque()
CACHE = collections.OrderedDict()
TOKENS = None
TOK_T = None
LOG = None


def take_token(now):
    global TOKENS, TOK_T
    TOKENS = min(A.burst, TOKENS + (now - TOK_T) * A.rate)
    TOK_T = now
    if TOKENS >= 1:
        TOKENS -= 1
        return 0.0
    return (1 - TOKENS) / A.rate


def prefix_key(body):
    """The first content part of the last message: the cacheable prefix."""
    try:
        msg = json.loads(body)["messages"][-1]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        return None
    if isinstance(msg, str):
        return hashlib.sha256(msg.encode()).hexdigest()
    if not msg:
        return None
    first = msg[0]
    raw = first.get("image_url", {}).get("url") if first.get("type") == "image_url" else first.get("text")
    return hashlib.sha256((raw or "").encode()).hexdigest()


def cache_hit(key):
    if key is None or A.cache_window <= 0:
        return False
    hit = key in CACHE
    if hit:
        CACHE.move_to_end(key)
    else:
        CACHE[key] = True
        while len(CACHE) > A.cache_window:
            CACHE.popitem(last=False)
    return hit


def batch_limit():
    if A.slow_after and S["answered"] >= A.slow_after:
        return A.slow_batch
    return A.max_batch


async def serve(body):
    """Returns (status, headers, payload)."""
    global RUNNING
    now = time.monotonic()
    if A.rate:
        wait = take_token(now)
        if wait > 0:
            S["refused"] += 1
            hdrs = [("Retry-After", str(max(1, math.ceil(wait)))),
                    ("retry-after-ms", str(max(1, math.ceil(wait * 1000))))]
            return 429, hdrs, b'{"error":{"message":"rate limited","type":"rate_limit"}}', None
    if RUNNING >= batch_limit() or WAITERS:
        fut = asyncio.get_running_loop().create_future()
        WAITERS.append(fut)
        S["waited"] += 1
        S["max_waiting"] = max(S["max_waiting"], len(WAITERS))
        await fut  # RUNNING was raised for us by the one that left
    else:
        RUNNING += 1
    S["max_running"] = max(S["max_running"], RUNNING)
    hit = False
    cost = A.t0 + A.per_seq * RUNNING
    if A.image_cost > 0:
        hit = cache_hit(prefix_key(body))
        S["hits" if hit else "misses"] += 1
        if not hit:
            cost += A.image_cost
    try:
        await asyncio.sleep(cost)
    finally:
        RUNNING -= 1
        while WAITERS and RUNNING < batch_limit():
            w = WAITERS.popleft()
            if not w.done():
                RUNNING += 1
                w.set_result(None)
    S["answered"] += 1
    reply = {"id": "sim", "object": "chat.completion", "model": "sim",
             "choices": [{"index": 0, "message": {"role": "assistant", "content": "Yes"},
                          "finish_reason": "stop"}],
             "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11}}
    return 200, [], json.dumps(reply).encode(), hit


def metrics_text():
    """The scheduler's gauges in the shape vLLM's (or llama-server's) /metrics has them."""
    if A.metrics == "llamacpp":
        lab = ""
        rows = [("llamacpp:prompt_tokens_total", "counter", "Number of prompt tokens processed.",
                 10 * S["answered"]),
                ("llamacpp:requests_processing", "gauge", "Number of requests processing.", RUNNING),
                ("llamacpp:requests_deferred", "gauge", "Number of requests deferred.", len(WAITERS))]
    else:
        lab = '{engine="0",model_name="sim"}'
        rows = [("vllm:num_requests_running", "gauge", "Number of requests in model execution batches.", RUNNING),
                ("vllm:num_requests_waiting", "gauge", "Number of requests waiting to be processed.",
                 len(WAITERS)),
                ("vllm:kv_cache_usage_perc", "gauge", "KV-cache usage. 1 means 100 percent usage.",
                 min(1.0, RUNNING / max(1, batch_limit()))),
                ("vllm:request_success_total", "counter", "Count of successfully processed requests.",
                 S["answered"])]
    out = []
    for name, kind, doc, v in rows:
        out += ["# HELP %s %s" % (name, doc), "# TYPE %s %s" % (name, kind),
                "%s%s %s" % (name, lab, v if A.metrics == "llamacpp" else float(v))]
    return ("\n".join(out) + "\n").encode()


async def handle(reader, writer):
    try:
        while True:
            line = await reader.readline()
            if not line:
                break
            method, path, _ = line.decode("latin-1").split(" ", 2)
            length = 0
            while True:
                h = await reader.readline()
                if h in (b"\r\n", b"\n", b""):
                    break
                k, _, v = h.decode("latin-1").partition(":")
                if k.strip().lower() == "content-length":
                    length = int(v.strip())
            body = await reader.readexactly(length) if length else b""
            if method == "GET" and path.startswith("/_stats"):
                status, hdrs, payload, hit = 200, [], json.dumps(S).encode(), None
            elif method == "GET" and path == "/metrics":
                S["metrics_polls"] += 1
                if A.metrics:
                    status, hdrs, payload, hit = 200, [], metrics_text(), None
                else:
                    status, hdrs, payload = 404, [], b'{"error":"not found"}'
            elif method == "POST":
                t_recv = time.monotonic()
                S["in_flight"] += 1
                n = S["in_flight"]
                S["max_in_flight"] = max(S["max_in_flight"], n)
                hist = S["in_flight_hist"]
                while len(hist) <= n:
                    hist.append(0)
                hist[n] += 1
                if A.late and S["answered"] + S["refused"] >= A.late:
                    S["late_max_in_flight"] = max(S["late_max_in_flight"], n)
                try:
                    status, hdrs, payload, hit = await serve(body)
                finally:
                    S["in_flight"] -= 1
                if LOG:
                    LOG.write(json.dumps({"t_recv": t_recv, "t_sent": time.monotonic(),
                                          "status": status, "in_flight": n, "hit": hit}) + "\n")
            else:
                status, hdrs, payload = 404, [], b'{"error":"not found"}'
            head = ["HTTP/1.1 %d X" % status, "Content-Type: application/json",
                    "Content-Length: %d" % len(payload)] + ["%s: %s" % kv for kv in hdrs]
            writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + payload)
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError, ValueError):
        pass
    finally:
        writer.close()


async def main():
    global A, TOKENS, TOK_T, LOG
    p = argparse.ArgumentParser()
    p.add_argument("--t0", type=float, default=0.05)
    p.add_argument("--per-seq", type=float, default=0.0)
    p.add_argument("--max-batch", type=int, default=1 << 30)
    p.add_argument("--rate", type=float, default=0)
    p.add_argument("--burst", type=float, default=0)
    p.add_argument("--image-cost", type=float, default=0)
    p.add_argument("--cache-window", type=int, default=0)
    p.add_argument("--slow-after", type=int, default=0)
    p.add_argument("--slow-batch", type=int, default=8)
    p.add_argument("--late", type=int, default=0,
                   help="late_max_in_flight counts arrivals after this many answers")
    p.add_argument("--metrics", nargs="?", const="vllm", choices=["vllm", "llamacpp"])
    p.add_argument("--log")
    A = p.parse_args()
    if A.rate and not A.burst:
        A.burst = A.rate / 2
    TOKENS, TOK_T = A.burst, time.monotonic()
    if A.log:
        LOG = open(A.log, "w", buffering=1)
    print("sim_server: t0=%gs per_seq=%gs max_batch=%s rate=%s/s burst=%g image_cost=%gs "
          "cache_window=%d slow_after=%d slow_batch=%d metrics=%s"
          % (A.t0, A.per_seq, A.max_batch if A.max_batch < 1 << 30 else "none",
             A.rate or "none", A.burst, A.image_cost, A.cache_window, A.slow_after, A.slow_batch,
             A.metrics or "none"),
          file=sys.stderr, flush=True)
    server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=1024)
    print("PORT %d" % server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass

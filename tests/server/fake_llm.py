#!/usr/bin/env python3
"""A loopback model server for the HTTP adapter tests (like curl's test
servers): it speaks the OpenAI, Ollama, Anthropic and Gemini shapes, checks
every request strictly (headers, key, body shape, image MIME), and answers
through a real vsrbench plug-in (--plugin builtin-geometry.so: the same code
the in-process model runs), or, without one, "Yes"/"No" from a hash of the
prompt.  Python 3 standard library only.

    fake_llm.py [--plugin SO] [--plan JSON] [--model NAME] [--tls CERT,KEY]

Errors come in each API's own shape on its route: a 429 or a wrong key
on /v1/messages is Anthropic's {"type": "error", "error": {"type":
"rate_limit_error" / "authentication_error", "message"}, "request_id"}; a wrong
key on :generateContent is the Gemini API's 400 API_KEY_INVALID, no key its
403 PERMISSION_DENIED ("Method doesn't allow unregistered callers ...").

Prints "PORT <n>" on stdout once listening on 127.0.0.1 (--host ::1: on
the IPv6 loopback only) (port 0: the kernel picks).  --tls serves HTTPS with that certificate chain and key (PEM files).  The API key it demands comes from $FAKE_LLM_KEY (unset: none).

Faults, so the tests can script misbehaviour per request:
  --plan '{"every":N,"faults":[F0,F1,...]}'  a request body whose sha256
      (first 8 bytes, big-endian) is divisible by N gets fault F_k the k-th
      time that exact body arrives (k = 0, 1, ...), then normal answers.
      Retries resend the same body, so a task meets its faults in order
      whatever the concurrency.
  POST /_faults {"next":[F,...]}  the next requests (any body) get these
      ("clear":true first drops those still queued, and the sticky one).
  POST /_faults {"sticky":F,"seconds":S}  every request after the queued
      ones gets F, for S seconds from now (no "seconds": until cleared), as
      a server does that fails alike until it is fixed or loaded.
Fault names: slow:SECONDS, 429:SECONDS (Retry-After in seconds),
429date:SECONDS (Retry-After as an HTTP-date), 429reset:SECONDS (no
Retry-After; x-ratelimit-remaining-requests: 0 and x-ratelimit-reset-requests),
400 (an error body), 400echo (an error body quoting the credentials it
received), echo400 (a 400 quoting the key minus its last character),
echo200 (OpenAI: a 200 whose text, model and system_fingerprint echo the
key, whole and cut), echo200esc and echo400esc (OpenAI: a 200 whose text,
model and system_fingerprint, or a 400 whose raw body, echo the key escaped:
JSON's \\/ and \\u00XX, percent-encoded once and twice, whole and 8+ byte
runs), leak:OFFSET and leak400:OFFSET (a 200 or a 400 whose error
message quotes the key bare after OFFSET bytes), any other status code (401, 408, 409, 500, 502, 503 ...), notjson (200 with HTML), truncate (200 with a
Content-Length longer than the body, then the connection is closed), drop
(the connection is closed without a reply), bighead (a 200 with a 1 MiB
header), drip:SECONDS (a 200 whose body comes a byte per 0.1 s, never
whole), okreset:SECONDS (a normal 200 with x-ratelimit-remaining-requests:
0 and x-ratelimit-reset-requests: SECONDSs), hangup (a whole reply, then the
connection is closed 50 ms later, as a server's keep-alive timeout does),
and the provider-shaped outcomes cut, think, thinkcut, refuse, safety, block
(see outcome()), thinktag (the answer after an inline <think>...</think> that
holds both answers, THINKTAG), thinkclose (the same reasoning with only
its close tag: a chat template that put <think> into the prompt), thinkkimi (the same
between Kimi-VL's tags, "\u25c1think\u25b7" and "\u25c1/think\u25b7"), thinkbracket (between
Magistral's [THINK] and [/THINK]), and gpt-oss's harmony
format reaching the client unparsed: harmony (the analysis channel holding both answers,
THINKTAG's text, then the final channel with the answer), harmonybare (the same with the
special tokens left out of the text: "analysis...assistantfinal..."), harmonycut (only an
analysis that says yes, cut by the token limit as each API says so), misfiled (OpenAI:
the answer as reasoning_content, content null, finish_reason "stop": a reasoning parser
that takes a reply without a think block for thinking), thinkrouter (OpenAI: OpenRouter's
reasoning null and reasoning_details, a summary and an encrypted item), thinkparts (OpenAI:
Mistral's content array, a thinking part then the text part).  gzip (a normal answer, gzip-compressed).  Refusals as servers word them: 429quota (OpenAI's
429 insufficient_quota: the account's credit is used up), 429spend (Anthropic's
429 rate_limit_error with details.error_code enforced_spend_limit_reached and no
retry-after: the tier's monthly spend cap, till the date it names), 400spend
(Anthropic's 400 when a spend limit the user set is reached), 429spendopenai
(OpenAI's 429 code organization_spend_limit_exceeded: a hard spend limit), 400badkey (the Gemini API's 400
API_KEY_INVALID), redirect:URL (a 307 to URL), 429body:SECONDS (Gemini's
429: no header, the wait in error.details[] RetryInfo.retryDelay), 429bare (a
429 naming no wait at all), 400param:NAME (OpenAI's 400
unsupported_parameter for NAME), 400anthropic:MESSAGE (Anthropic's 400 shape,
with a new request_id each time), 400ollama:MESSAGE (Ollama's), noimage (llama.cpp's server without
--mmproj: 500 "image input is not supported").  Server errors as real
servers send them: 500oom (Ollama's 500 "model requires more system memory
(9.8 GiB) than is available (5.2 GiB)"), 500litellm (LiteLLM's 500
APIConnectionError: the proxy lost its server), 503loading (llama.cpp's 503
"Loading model" while it loads), 529overloaded (Anthropic's 529
overloaded_error, a new request_id each time), error200 (a 200 holding an error object),
sse (a 200 streamed as server-sent events though no stream was asked: two
content chunks and [DONE], no finish_reason, no usage), stream, streamcrlf,
streamerror, streamcut (OpenAI: vLLM's stream, whole, with \r\n line ends, with an
error event, cut short: see fake_sse.py; a request with "stream": true is
streamed too),
finisherror (OpenAI: a 200 whose content says "Generation failed: ..." with
finish_reason "error"), nullstop (OpenAI: content null, finish_reason
"stop"), nul (the answer, then a NUL, "\\u0000" in the JSON, then more
text).  Refusals as real servers word them: 400ctx:SHAPE:PROMPT (a request
over a context of 4096 tokens whose prompt and image take PROMPT; SHAPE
vllm, sglang or llamacpp: each server's words; the completion is the
request's own max tokens), 400litellm (LiteLLM's 400 "Invalid model name
passed in model=..." with "param": "None"), 404model (vLLM's 404 "The model
`X` does not exist." with "param": "model"), 400imageurl (OpenAI's 400
"Invalid content type. image_url is only supported by certain models.").

--dump-req DIR writes every POST body as it came, to DIR/N.json (N: its
index in the log), for tests that take the request apart (http_image_types).

--dump DIR writes each body sent to .../chat/completions as DIR/N.req.json
and the 200 reply to it as DIR/N.resp.json (N: the request's number in the
log; a streamed reply's chunks as DIR/N.chunkK.json), for
tests/server/openai_schema.py.

POST /_served {"id": NAME, "root": WEIGHTS} makes GET /v1/models list one
model (vLLM's shape, "created" and "permission" new each call) and GET
/api/tags one Ollama model whose digest is WEIGHTS; a list of such objects
lists each ([] an empty list); {} lists nothing (404).

GET /_log returns every request: {"i","path","t_recv","t_sent","status",
"fault","body_sha","params" (the body's keys but messages/contents),"peer" (the client's port: one per connection)} with time.monotonic() stamps taken by this server; a
request still being served has status null and no t_sent; status 0 is a
dropped connection, -1 a client that left before the reply.  GET /_stats:
{"in_flight", "max_in_flight"}: requests being served, now and at most.
"""
import argparse
import base64
import email.utils
import gzip
import hashlib
import json
import os
import re
import socket
import ssl
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plugin  # noqa: E402
import fake_sse  # noqa: E402
import fake_errors  # noqa: E402
from fake_errors import anthropic_error, GEMINI_BAD_KEY  # noqa: E402

MODEL = None
DUMP = None
DUMP_REQ = None
KEY = os.environ.get("FAKE_LLM_KEY") or None
PLAN = None
LOCK = threading.Lock()
SEEN = {}
QUEUE = []
STICKY = {"fault": None, "until": None}  # POST /_faults {"sticky": F, "seconds": S}
LOG = []
STATS = {"in_flight": 0, "max_in_flight": 0}
# What GET /v1/models and /api/tags list (POST /_served {"id","root"}); None: 404.
SERVED = None
LISTED = [0]  # listings served: each one's "created" differs, as vLLM's does


class BadRequest(Exception):
    pass


def need(cond, why):
    if not cond:
        raise BadRequest(why)


def decode_image(b64, mime):
    try:
        raw = base64.b64decode(b64, validate=True)
    except Exception as e:  # noqa: BLE001
        raise BadRequest("image is not valid base64: %s" % e)
    if mime is not None:
        need(plugin.sniff(raw) == mime, "image MIME %s does not match its bytes (%s)"
             % (mime, plugin.sniff(raw)))
    return raw


def gen_settings(max_tokens, temperature, seed):
    need(isinstance(max_tokens, int) and max_tokens > 0, "max tokens must be a positive integer")
    # absent: the model's own default (--temperature default)
    need(temperature is None or isinstance(temperature, (int, float)), "temperature must be a number")
    need(seed is None or isinstance(seed, int), "seed must be an integer")


# ---- the four protocols: (prompt, image, mime) from a request; a reply body

def openai_in(h, body):
    auth = h.get("Authorization") or ""
    if KEY:
        need(auth == "Bearer " + KEY or h.get("api-key") == KEY, "401")
    need(isinstance(body.get("model"), str), "model missing")
    msgs = body.get("messages")
    need(isinstance(msgs, list) and msgs and msgs[-1].get("role") == "user", "messages")
    content = msgs[-1].get("content")
    prompt, image, mime = None, None, None
    if isinstance(content, str):
        prompt = content
    else:
        need(isinstance(content, list), "content must be a string or a list")
        for part in content:
            if part.get("type") == "text":
                prompt = part.get("text")
            elif part.get("type") == "image_url":
                url = part["image_url"]["url"]
                m = re.match(r"data:([a-z]+/[a-z0-9.+-]+);base64,(.*)\Z", url, re.S)
                need(m, "image_url is not a base64 data: URI")
                mime = m.group(1)
                image = decode_image(m.group(2), mime)
                need(part["image_url"].get("detail") in (None, "low", "high", "auto"), "detail")
            else:
                raise BadRequest("unknown content part %r" % part.get("type"))
    need(isinstance(prompt, str), "no text part")
    need(not ("max_tokens" in body and "max_completion_tokens" in body), "both max_tokens fields")
    # reasoning controls as OpenAI's spec (ReasoningEffort) and vLLM/SGLang take them
    need(body.get("reasoning_effort") in (None, "none", "minimal", "low", "medium", "high"),
         "reasoning_effort")
    need(isinstance(body.get("chat_template_kwargs", {}), dict), "chat_template_kwargs")
    gen_settings(body.get("max_tokens", body.get("max_completion_tokens")),
                 body.get("temperature"), body.get("seed"))
    # as OpenAI's API: stream a boolean; stream_options only with stream true
    need(body.get("stream") in (None, True, False), "stream must be a boolean")
    need("stream_options" not in body or (body.get("stream") is True and isinstance(body["stream_options"], dict)),
         "The 'stream_options' parameter is only allowed when 'stream' is enabled.")
    return prompt, image, mime


def openai_out(text, body):
    return {"id": "chatcmpl-fake", "object": "chat.completion", "created": int(time.time()),
            "model": MODEL or body.get("model"), "system_fingerprint": "fp_fake1",
            "choices": [{"index": 0, "logprobs": None, "finish_reason": "stop",
                         "message": {"role": "assistant", "content": text, "refusal": None}}],
            "usage": {"prompt_tokens": 100, "completion_tokens": 1, "total_tokens": 101}}


def ollama_in(h, body):
    need(isinstance(body.get("model"), str), "model missing")
    need(body.get("stream") is False, "stream must be false")
    msg = body["messages"][-1]
    need(msg.get("role") == "user" and isinstance(msg.get("content"), str), "messages")
    image = None
    if "images" in msg:
        need(isinstance(msg["images"], list) and len(msg["images"]) == 1, "images")
        image = decode_image(msg["images"][0], None)
    o = body.get("options", {})
    gen_settings(o.get("num_predict"), o.get("temperature"), o.get("seed"))
    need(body.get("think") in (None, True, False, "low", "medium", "high"), "think")
    return msg["content"], image, plugin.sniff(image) if image else None


def ollama_out(text, body):
    return {"model": MODEL or body["model"], "created_at": "2024-01-01T00:00:00Z",
            "message": {"role": "assistant", "content": text}, "done": True,
            "done_reason": "stop", "prompt_eval_count": 100, "eval_count": 1}


def anthropic_in(h, body):
    if KEY:
        need(h.get("x-api-key") == KEY, "401")
    need(h.get("anthropic-version") == "2023-06-01", "anthropic-version header")
    need(isinstance(body.get("model"), str), "model missing")
    msg = body["messages"][-1]
    need(msg.get("role") == "user" and isinstance(msg.get("content"), list), "messages")
    prompt, image, mime = None, None, None
    for part in msg["content"]:
        if part["type"] == "text":
            prompt = part["text"]
        elif part["type"] == "image":
            src = part["source"]
            need(src["type"] == "base64", "source type")
            mime = src["media_type"]
            image = decode_image(src["data"], mime)
        else:
            raise BadRequest("unknown block %r" % part["type"])
    need(isinstance(prompt, str), "no text block")
    gen_settings(body.get("max_tokens"), body.get("temperature"), None)
    th = body.get("thinking")
    if th is not None:  # Anthropic's rules for extended thinking
        need(th.get("type") in ("enabled", "disabled"), "thinking.type")
        if th["type"] == "enabled":
            b = th.get("budget_tokens")
            need(isinstance(b, int) and 1024 <= b < body["max_tokens"],
                 "thinking.budget_tokens must be >= 1024 and below max_tokens")
            need(body.get("temperature", 1) == 1, "temperature may only be set to 1 when thinking is enabled")
    t = body.get("temperature")
    need(t is None or 0 <= t <= 1, "temperature: range: 0..1")
    return prompt, image, mime


def anthropic_out(text, body):
    return {"id": "msg_fake", "type": "message", "role": "assistant",
            "model": MODEL or body["model"], "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn", "usage": {"input_tokens": 100, "output_tokens": 1}}


def gemini_in(h, body):
    if KEY:
        need(h.get("x-goog-api-key") == KEY, "401")
    c = body["contents"][-1]
    need(c.get("role") == "user", "role")
    prompt, image, mime = None, None, None
    for part in c["parts"]:
        if "text" in part:
            prompt = part["text"]
        elif "inline_data" in part:
            mime = part["inline_data"]["mime_type"]
            image = decode_image(part["inline_data"]["data"], mime)
        else:
            raise BadRequest("unknown part")
    need(isinstance(prompt, str), "no text part")
    g = body.get("generationConfig", {})
    gen_settings(g.get("maxOutputTokens"), g.get("temperature"), g.get("seed"))
    tc = g.get("thinkingConfig")
    # one of the two, never both (the API answers 400 to both in one request)
    need(tc is None or ("thinkingLevel" in tc) != ("thinkingBudget" in tc), "thinkingConfig: level or budget")
    need(tc is None or "thinkingBudget" not in tc
         or (isinstance(tc["thinkingBudget"], int) and tc["thinkingBudget"] >= -1), "thinkingConfig.thinkingBudget")
    need(tc is None or tc.get("thinkingLevel", "low") in ("minimal", "low", "medium", "high"),
         "thinkingConfig.thinkingLevel")
    return prompt, image, mime


def gemini_out(text, body):
    return {"candidates": [{"content": {"role": "model", "parts": [{"text": text}]},
                            "finishReason": "STOP", "index": 0}],
            "usageMetadata": {"promptTokenCount": 100, "candidatesTokenCount": 1,
                              "totalTokenCount": 101},
            "modelVersion": MODEL or "gemini-fake"}


ROUTES = [
    (re.compile(r"/v1/chat/completions\Z"), openai_in, openai_out),
    (re.compile(r"/api/chat\Z"), ollama_in, ollama_out),
    (re.compile(r"/v1/messages\Z"), anthropic_in, anthropic_out),
    (re.compile(r"/v1beta/models/[A-Za-z0-9._-]+:generateContent\Z"), gemini_in, gemini_out),
]


OUTCOMES = ("cut", "think", "thinkcut", "refuse", "safety", "block")
# The thinktag fault: reasoning inside the reply's text, both answers in it.
THINKTAG = "<think>No. Yes. The answer is no.</think>\n\n"
THOUGHT = "No. Yes. The answer is no."
# gpt-oss's harmony format as its tokens come out of a server without a parser.
HARMONY = "<|channel|>analysis<|message|>%s<|end|><|start|>assistant<|channel|>final<|message|>%s<|return|>"
HARMONY_CUT = "<|channel|>analysis<|message|>The cat is on the left of the dog, so yes"


def inline_reasoning(kind, text):
    """The reply's text for the faults that put reasoning inline."""
    if kind == "thinktag":  # reasoning inline, as a server without a reasoning parser sends it
        return THINKTAG + text
    if kind == "thinkclose":  # the open tag was in the prompt
        return THOUGHT + "</think>\n\n" + text
    if kind == "thinkkimi":  # Kimi-VL Thinking's own tags
        return "\u25c1think\u25b7" + THOUGHT + "\u25c1/think\u25b7" + text
    if kind == "thinkbracket":  # Magistral's, Ministral 3 Reasoning's
        return "[THINK]" + THOUGHT + "[/THINK]" + text
    if kind == "harmony":
        return HARMONY % (THOUGHT, text)
    if kind == "harmonybare":  # skip_special_tokens: the markers' words stay, glued
        return "analysis" + THOUGHT + "assistantfinal" + text
    if kind == "harmonycut":
        return HARMONY_CUT
    return text


def mark_cut(make_out, r):
    """The reply as cut by the token limit, its text kept, in each API's words."""
    if make_out is openai_out:
        r["choices"][0]["finish_reason"] = "length"
    elif make_out is anthropic_out:
        r["stop_reason"] = "max_tokens"
    elif make_out is gemini_out:
        r["candidates"][0]["finishReason"] = "MAX_TOKENS"
    else:
        r["done_reason"] = "length"
    return r


def outcome(kind, make_out, r):
    """A 200 reply reshaped as each provider answers: cut (empty text, cut by
    the token limit), think (thinking apart, then the answer), thinkcut
    (thinking only, cut: vLLM's content null + its reasoning; think carries
    DeepSeek's and older vLLM's reasoning_content, thinkcut vLLM's current
    field, reasoning, the only one since vLLM removed the other), refuse (a
    refusal), safety (a blocked candidate), block (Gemini: the prompt
    blocked, no candidates).  think and thinkcut count 7 reasoning tokens
    where the API reports them (OpenAI's completion_tokens_details, inside
    completion_tokens; Gemini's thoughtsTokenCount, beside
    candidatesTokenCount); Anthropic and Ollama report none."""
    if kind in ("think", "thinkcut") and make_out is openai_out:
        r["usage"].update(completion_tokens=8, total_tokens=108,
                          completion_tokens_details={"reasoning_tokens": 7})
    elif kind in ("think", "thinkcut") and make_out is gemini_out:
        r["usageMetadata"].update(thoughtsTokenCount=7, totalTokenCount=108)
    if make_out is openai_out:
        m, c = r["choices"][0]["message"], r["choices"][0]
        if kind == "cut":
            m["content"], c["finish_reason"] = "", "length"
        elif kind == "think":
            m["reasoning_content"] = "Let me look at the image first."
        elif kind == "thinkcut":
            m["reasoning"] = "Let me look at the image first."
            m["content"], c["finish_reason"] = None, "length"
        elif kind == "refuse":
            m["content"], m["refusal"] = None, "I can't help with that."
        else:
            m["content"], c["finish_reason"] = None, "content_filter"
    elif make_out is anthropic_out:
        if kind in ("cut", "thinkcut"):
            r["content"], r["stop_reason"] = [], "max_tokens"
        if kind in ("think", "thinkcut"):
            r["content"].insert(0, {"type": "thinking", "thinking": "Let me look.",
                                    "signature": "sig"})
        elif kind in ("refuse", "safety", "block"):
            r["content"], r["stop_reason"] = [], "refusal"
    elif make_out is gemini_out:
        cand = r["candidates"][0]
        if kind in ("cut", "thinkcut"):
            cand["content"]["parts"], cand["finishReason"] = [], "MAX_TOKENS"
        if kind in ("think", "thinkcut"):
            cand["content"]["parts"].insert(0, {"text": "Let me look.", "thought": True})
        elif kind in ("refuse", "safety"):
            del cand["content"]
            cand["finishReason"] = "SAFETY"
        elif kind == "block":
            del r["candidates"]
            r["promptFeedback"] = {"blockReason": "SAFETY"}
    else:  # ollama
        if kind in ("cut", "thinkcut"):
            r["message"]["content"], r["done_reason"] = "", "length"
        if kind in ("think", "thinkcut"):
            r["message"]["thinking"] = "Let me look."
    return r


def pick_fault(raw):
    sha = hashlib.sha256(raw).digest()
    with LOCK:
        if QUEUE:
            return QUEUE.pop(0), sha.hex()[:16]
        if STICKY["fault"] and (STICKY["until"] is None or time.monotonic() < STICKY["until"]):
            return STICKY["fault"], sha.hex()[:16]
        if PLAN:
            n = SEEN.get(sha, 0)
            SEEN[sha] = n + 1
            if int.from_bytes(sha[:8], "big") % PLAN["every"] == 0 and n < len(PLAN["faults"]):
                return PLAN["faults"][n], sha.hex()[:16]
    return None, sha.hex()[:16]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send_json(self, status, obj, extra=()):
        data = json.dumps(obj).encode()
        if getattr(self, "gzip_next", False):  # fault "gzip": compressed, asked for or not
            self.gzip_next = False
            data = gzip.compress(data)
            extra = list(extra) + [("Content-Encoding", "gzip")]
        self.send_bytes(status, "application/json", data, extra)

    def send_bytes(self, status, ctype, data, extra=()):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def do_GET(self):
        if self.path == "/_log":
            with LOCK:
                self.send_json(200, list(LOG))
        elif self.path == "/_stats":
            with LOCK:
                self.send_json(200, dict(STATS))
        elif self.path in ("/v1/models", "/api/tags") and SERVED is not None:
            with LOCK:
                LISTED[0] += 1
                n = LISTED[0]
            served = SERVED if isinstance(SERVED, list) else [SERVED]
            if self.path == "/api/tags":  # Ollama's shape: the weights' digest
                self.send_json(200, {"models": [{"name": m["id"] + ":latest", "model": m["id"] + ":latest",
                                                 "modified_at": "2026-01-0%dT00:00:00Z" % (n % 9 + 1),
                                                 "size": 4700000000, "digest": m["root"]} for m in served]})
            else:  # vLLM's: "root" names the weights; "created" and "permission" change every call
                self.send_json(200, {"object": "list", "data": [{
                    "id": m["id"], "object": "model", "created": 1767225600 + n, "owned_by": "vllm",
                    "root": m["root"], "parent": None, "max_model_len": 4096,
                    "permission": [{"id": "modelperm-%032x" % n, "object": "model_permission",
                                    "created": 1767225600 + n}]} for m in served]})
        else:
            self.send_json(404, {"error": {"message": "no such path"}})

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        rec = {"path": self.path, "t_recv": time.monotonic(), "peer": self.client_address[1]}
        if self.path == "/_served":
            global SERVED
            v = json.loads(raw)
            SERVED = v if v or isinstance(v, list) else None
            self.send_json(200, {"ok": True})
            return
        if self.path == "/_faults":
            with LOCK:
                req = json.loads(raw)
                if req.get("clear"):
                    del QUEUE[:]
                    STICKY.update(fault=None, until=None)
                QUEUE.extend(req.get("next", []))
                if "sticky" in req:
                    secs = req.get("seconds")
                    STICKY.update(fault=req["sticky"],
                                  until=None if secs is None else time.monotonic() + float(secs))
            self.send_json(200, {"ok": True})
            return
        fault, rec["body_sha"] = pick_fault(raw)
        try:  # the request's settings (all but the messages), for the tests to assert
            rec["params"] = {k: v for k, v in json.loads(raw).items()
                             if k not in ("messages", "contents")}
        except (ValueError, AttributeError):
            rec["params"] = None
        rec["fault"] = fault
        self.rec = rec
        rec["status"] = None  # logged on arrival: a test can wait for a request in progress
        with LOCK:
            rec["i"] = len(LOG)
            LOG.append(rec)
        if DUMP_REQ:  # every request body as it came, for the tests to take apart
            with open(os.path.join(DUMP_REQ, "%05d.json" % rec["i"]), "wb") as f:
                f.write(raw)
        with LOCK:
            STATS["in_flight"] += 1
            STATS["max_in_flight"] = max(STATS["max_in_flight"], STATS["in_flight"])
        try:
            status = self.serve(raw, fault)
        except (BrokenPipeError, ConnectionResetError):
            status = -1  # the client gave up (e.g. its timeout) before the reply
            self.close_connection = True
        with LOCK:
            rec["status"] = status
            rec["t_sent"] = time.monotonic()
            STATS["in_flight"] -= 1

    def serve(self, raw, fault):
        kind, arg = (fault.split(":", 1) + [None])[:2] if fault else (None, None)
        err = fake_errors.error(kind, arg, self.path, raw) if kind else None
        if err:  # a refusal in a server's own words
            self.send_json(*err)
            return err[0]
        if kind == "slow":
            time.sleep(float(arg))
        elif kind == "drop":
            self.close_connection = True
            return 0
        elif kind == "bighead":
            # A 200 whose one header is 1 MiB (more than any client keeps).
            self.send_response(200)
            self.send_header("X-Padding", "a" * (1 << 20))
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"{}")
            self.wfile.flush()
            return 200
        elif kind == "drip":
            # A 200 whose body comes one byte every 0.1 s for SECONDS, then stops.
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(int(float(arg) * 10)):
                self.wfile.write(b" ")
                self.wfile.flush()
                time.sleep(0.1)
            self.close_connection = True
            return 200
        elif kind == "okreset":
            # A normal answer that says the request limit is used up for SECONDS.
            pass
        elif kind in ("429", "429date", "429reset"):
            secs = int(arg)
            if kind == "429":
                hdr = [("Retry-After", str(secs))]
            elif kind == "429date":
                hdr = [("Retry-After", email.utils.formatdate(time.time() + secs, usegmt=True))]
            else:
                hdr = [("x-ratelimit-remaining-requests", "0"),
                       ("x-ratelimit-reset-requests", "%ds" % secs)]
            if self.path.endswith("/messages"):  # Anthropic's shape
                self.send_json(429, anthropic_error("rate_limit_error", "Rate limit reached (fake)"), hdr)
            else:
                self.send_json(429, {"error": {"message": "Rate limit reached (fake)",
                                               "type": "rate_limit"}}, hdr)
            return 429
        elif kind == "redirect":  # 307 to another address (an http:// URL moved to https://)
            self.send_json(307, {}, [("Location", arg)])
            return 307
        elif kind == "gzip":  # a normal answer, gzip-compressed
            self.gzip_next = True
        elif kind == "error200":  # a proxy's 200 with the upstream's error
            self.send_json(200, {"error": {"message": "upstream error", "type": "server_error",
                                           "code": 500}})
            return 200
        elif kind == "sse":  # a 200 streamed as events, though no stream was asked
            out = b"".join(b"data: " + json.dumps({"id": "c", "object": "chat.completion.chunk",
                                                   "choices": [{"index": 0, "delta": {"content": p},
                                                                "finish_reason": None}]}).encode()
                           + b"\n\n" for p in ("Ye", "s")) + b"data: [DONE]\n\n"
            self.send_bytes(200, "text/event-stream", out)
            return 200
        elif kind == "400":
            self.send_json(400, {"error": {"message": "Invalid image: fake rejection",
                                           "type": "invalid_request_error"}})
            return 400
        elif kind == "400echo":
            got = " ".join("%s: %s" % (k, v) for k, v in self.headers.items()
                           if k.lower() in ("authorization", "x-api-key", "x-goog-api-key",
                                            "api-key"))
            self.send_json(400, {"error": {"message": "bad request; you sent %s" % got}})
            return 400
        elif kind == "echo400":
            # A 400 quoting the key minus its last character, bare.
            self.send_json(400, {"error": {"message": "unknown key %s" % (KEY or "")[:-1]}})
            return 400
        elif kind == "echo400esc":
            # Not JSON: the excerpt quotes the raw text, escapes and all.
            data = ("bad key: " + " | ".join(escaped_forms(KEY or ""))).encode()
            self.send_bytes(400, "text/plain", data)
            return 400
        elif kind in ("leak", "leak400"):
            # The key quoted bare (no header name before it) after OFFSET
            # filler bytes: where a message's length limit may cut it.
            msg = "x" * int(arg) + " " + (KEY or "")
            status = 200 if kind == "leak" else 400
            self.send_json(status, {"error": {"message": msg}})
            return status
        elif kind and kind.isdigit():  # 401, 408, 409, 500, 502, 503 ...
            self.send_json(int(kind), {"error": {"message": "fake %s" % kind}})
            return int(kind)
        for pat, parse_in, make_out in ROUTES:
            if pat.match(self.path):
                break
        else:
            self.send_json(404, {"error": {"message": "no route %s" % self.path}})
            return 404
        try:
            body = json.loads(raw)
            prompt, image, mime = parse_in(self.headers, body)
        except BadRequest as e:
            if str(e) == "401" and parse_in is anthropic_in:
                self.send_json(401, anthropic_error("authentication_error", "invalid x-api-key"))
                return 401
            if str(e) == "401" and parse_in is gemini_in:
                if self.headers.get("x-goog-api-key"):
                    self.send_json(400, GEMINI_BAD_KEY)
                    return 400
                self.send_json(403, {"error": {
                    "code": 403, "status": "PERMISSION_DENIED",
                    "message": "Method doesn't allow unregistered callers (callers without established "
                               "identity). Please use API Key or other form of API consumer identity "
                               "to call this API."}})
                return 403
            if str(e) == "401":
                self.send_json(401, {"error": {"message": "Incorrect API key provided"}})
                return 401
            self.send_json(400, {"error": {"message": "fake server: bad request: %s" % e}})
            return 400
        except (ValueError, KeyError, TypeError, IndexError, AttributeError) as e:
            self.send_json(400, {"error": {"message": "fake server: malformed: %r" % e}})
            return 400
        status, text, error = ANSWER.answer(prompt, image, mime)
        if status != 0:
            self.send_json(500, {"error": {"message": "model: %s" % error}})
            return 500
        text = inline_reasoning(kind, text)
        if kind == "nul":  # a NUL inside the reply ("\u0000" in the JSON)
            text = text + "\u0000 after the NUL"
        reply = make_out(text, body)
        if kind in ("finisherror", "nullstop") and make_out is openai_out:
            c = reply["choices"][0]
            if kind == "finisherror":  # a server whose generation failed, in its own words
                c["message"]["content"] = ("Generation failed: Model.__call__() missing 1 required "
                                           "positional argument: 'pixel_values'")
                c["finish_reason"] = "error"
            else:  # a model that stopped at once
                c["message"]["content"] = None
        if kind in OUTCOMES:
            reply = outcome(kind, make_out, reply)
        if kind == "harmonycut":
            reply = mark_cut(make_out, reply)
        if kind == "misfiled" and make_out is openai_out:
            m = reply["choices"][0]["message"]
            m["content"], m["reasoning_content"] = None, text
        if kind == "thinkrouter" and make_out is openai_out:
            m = reply["choices"][0]["message"]
            m["reasoning"] = None
            m["reasoning_details"] = [
                {"type": "reasoning.summary", "summary": THOUGHT, "format": "openai-responses-v1", "index": 0},
                {"type": "reasoning.encrypted", "data": "gAAAAB-fake", "format": "openai-responses-v1", "index": 1}]
        if kind == "thinkparts" and make_out is openai_out:
            reply["choices"][0]["message"]["content"] = [
                {"type": "thinking", "thinking": [{"type": "text", "text": THOUGHT}]},
                {"type": "text", "text": text}]
        if kind == "echo200" and make_out is openai_out:
            # The key echoed in every field a client keeps: the answer's
            # text (whole and cut), the model, the system fingerprint.
            k = KEY or ""
            reply["choices"][0]["message"]["content"] = "%s. key %s, cut %s" % (text, k, k[3:-2])
            reply["model"] = k
            reply["system_fingerprint"] = k[:-1]
        if kind == "echo200esc" and make_out is openai_out:
            f = escaped_forms(KEY or "")
            reply["choices"][0]["message"]["content"] = "%s. keys %s" % (text, " ".join(f))
            reply["model"] = f[1]
            reply["system_fingerprint"] = f[2]
        if make_out is openai_out and (body.get("stream") is True or kind in fake_sse.FAULTS):
            dump = DUMP and os.path.join(DUMP, "%05d" % self.rec["i"])  # N.req.json, N.chunkK.json
            if dump:
                with open(dump + ".req.json", "wb") as f:
                    f.write(raw)
            return fake_sse.send(self, reply, body, kind, dump)  # asked for, or forced by a gateway
        out = json.dumps(reply).encode()
        if kind == "echo200esc":  # JSON's own \/ escape in the body itself
            out = out.replace(b"/", b"\\/")
        if DUMP and make_out is openai_out:
            i = self.rec["i"]
            with open(os.path.join(DUMP, "%05d.req.json" % i), "wb") as f:
                f.write(raw)
            if kind != "notjson":
                with open(os.path.join(DUMP, "%05d.resp.json" % i), "wb") as f:
                    f.write(out)
        if kind == "notjson":
            out = b"<html><body>502 Bad Gateway (fake)</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html" if kind == "notjson" else "application/json")
        if kind == "truncate":
            self.send_header("Content-Length", str(len(out) + 100))
            self.end_headers()
            self.wfile.write(out[: len(out) // 2])
            self.wfile.flush()
            self.close_connection = True
            return 200
        self.send_header("Content-Length", str(len(out)))
        if kind == "okreset":
            self.send_header("x-ratelimit-remaining-requests", "0")
            self.send_header("x-ratelimit-reset-requests", "%ss" % arg)
        self.end_headers()
        self.wfile.write(out)
        self.wfile.flush()
        if kind == "hangup":
            # A keep-alive timeout: the reply was whole, then the server
            # closes the connection the client holds idle for its next request.
            time.sleep(0.05)
            self.close_connection = True
        return 200


def escaped_forms(k):
    """The key as a server may echo it escaped: whole, and runs of 8+ bytes."""
    uni = lambda t: "".join("\\u%04x" % ord(c) for c in t)
    pct = lambda t: "".join("%%%02X" % ord(c) for c in t)
    json_slash = k.replace("/", "\\/")
    return [json_slash, uni(k), pct(k), pct(k).replace("%", "%25"), uni(k[2:12]),
            pct(k[5:13]).lower(), "\\\\" + json_slash[3:] + " " + uni(k[-9:])]


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256


def main():
    global ANSWER, PLAN, MODEL, DUMP, DUMP_REQ
    ap = argparse.ArgumentParser()
    ap.add_argument("--plugin")
    ap.add_argument("--plan")
    ap.add_argument("--model")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--host", default="127.0.0.1")  # "::1": IPv6 loopback only
    ap.add_argument("--tls")
    ap.add_argument("--dump")
    ap.add_argument("--dump-req")  # DIR: every POST body, as NNNNN.json (its log index)
    a = ap.parse_args()
    DUMP_REQ = a.dump_req
    ANSWER = plugin.load(a.plugin)
    PLAN = json.loads(a.plan) if a.plan else None
    MODEL = a.model
    DUMP = a.dump
    if ":" in a.host:
        Server.address_family = socket.AF_INET6
    srv = Server((a.host, a.port), Handler)
    if a.tls:
        cert, key = a.tls.split(",", 1)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        srv.socket = ctx.wrap_socket(srv.socket, server_side=True)
    print("PORT %d" % srv.server_address[1], flush=True)
    srv.serve_forever()


if __name__ == "__main__":
    main()

"""A chat completion streamed as server-sent events, as vLLM's OpenAI server
sends one (vllm/entrypoints/openai/serving_chat.py, its stream generator):
the headers at once, then with chunked transfer encoding one
"data: {chat.completion.chunk}" event per piece, each in a write of its own
after a short sleep:

  - a first chunk with delta {"role": "assistant", "content": ""};
  - the reasoning, when the reply has some, in pieces of delta
    "reasoning_content" or "reasoning" (the field the whole reply uses);
  - the content in pieces of delta "content" (a refusal: delta "refusal");
  - a chunk with an empty delta and the finish_reason;
  - when the request's stream_options.include_usage is true, or the stream
    was not asked for (a gateway that streams every reply and reports the
    usage, as OpenRouter does), a chunk with "choices": [] and the usage;
  - "data: [DONE]".

Every stream opens with an SSE comment, OpenRouter's keep-alive
": OPENROUTER PROCESSING", which a client must read over.  fake_llm.py uses
it for a request that asks to stream, and for the faults that stream
unasked:
  stream        the whole stream above (a gateway that streams every reply)
  streamcrlf    the same with "\\r\\n" line ends
  streamerror   the first chunks, then an error event in OpenRouter's and
                vLLM's shape ({"error": {"message", "type", "code"}}), then [DONE]
  streamcut     the first chunks, then the body ends properly (the last
                chunk of the chunked encoding) with no finish_reason and
                no [DONE]: a proxy that ended the stream on its timeout
"""
import json
import time

PIECE = 2       # characters per content piece
PAUSE = 0.005   # seconds between writes
FAULTS = ("stream", "streamcrlf", "streamerror", "streamcut")
ERROR_MESSAGE = "upstream model went away mid-stream (fake)"


def pieces(s):
    return [s[i:i + PIECE] for i in range(0, len(s), PIECE)] if s else []


def events(reply, include_usage, kind):
    """The events' data, in order (None: stop there, no more)."""
    head = {k: reply[k] for k in ("id", "created", "model", "system_fingerprint") if k in reply}
    head["object"] = "chat.completion.chunk"
    choice = reply["choices"][0]
    msg = choice["message"]

    def chunk(delta, finish=None):
        return dict(head, choices=[{"index": 0, "delta": delta, "logprobs": None,
                                    "finish_reason": finish}])

    out = [chunk({"role": "assistant", "content": ""})]
    for field in ("reasoning_content", "reasoning"):
        out += [chunk({field: p}) for p in pieces(msg.get(field))]
    if msg.get("refusal"):
        out += [chunk({"refusal": p}) for p in pieces(msg["refusal"])]
    content = msg.get("content")
    content_pieces = pieces(content) if isinstance(content, str) else []
    if kind in ("streamerror", "streamcut"):
        out += [chunk({"content": p}) for p in content_pieces[:1]]
        if kind == "streamerror":
            out += [{"error": {"message": ERROR_MESSAGE, "type": "server_error", "code": 500}}, "[DONE]"]
        return out
    out += [chunk({"content": p}) for p in content_pieces]
    out.append(chunk({}, choice.get("finish_reason")))
    if include_usage and reply.get("usage"):
        out.append(dict(head, choices=[], usage=reply["usage"]))
    out.append("[DONE]")
    return out


def send(handler, reply, body, kind, dump=None):
    """Streams reply (a chat.completion dict) to handler's client; returns the
    status.  dump: a path prefix each chunk is also written to, as
    PREFIX.chunkK.json (not the error event: no chunk)."""
    opts = body.get("stream_options") or {}
    eol = b"\r\n" if kind == "streamcrlf" else b"\n"
    handler.send_response(200)
    handler.send_header("Content-Type", "text/event-stream")
    handler.send_header("Cache-Control", "no-cache")
    handler.send_header("Transfer-Encoding", "chunked")
    handler.end_headers()
    handler.wfile.flush()

    def write(data):
        handler.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        handler.wfile.flush()
        time.sleep(PAUSE)

    write(b": OPENROUTER PROCESSING" + eol + eol)
    usage = opts.get("include_usage") is True or body.get("stream") is not True
    for k, e in enumerate(events(reply, usage, kind)):
        data = e if isinstance(e, str) else json.dumps(e)
        if dump and isinstance(e, dict) and "error" not in e:
            with open("%s.chunk%02d.json" % (dump, k), "w") as f:
                f.write(data)
        write(b"data: " + data.encode() + eol + eol)
    handler.wfile.write(b"0\r\n\r\n")  # the chunked body's end: whole, as far as HTTP goes
    handler.wfile.flush()
    return 200

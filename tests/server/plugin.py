"""Calls a real vsrbench plug-in (.so, include/vsrbench_adapter.h ABI 2.x)
from Python through ctypes, so the test servers answer exactly as the
in-process model would: same prompt, same image bytes, same code.

Python 3 standard library only.
"""
import ctypes
import hashlib
import threading
from ctypes import (CFUNCTYPE, POINTER, Structure, c_char, c_char_p, c_double,
                    c_int, c_size_t, c_uint32, c_uint64, c_void_p)

ABI_MAJOR = 2


class Request(Structure):
    _fields_ = [("struct_size", c_size_t), ("id", c_char_p), ("prompt", c_char_p),
                ("image", c_void_p), ("image_len", c_size_t), ("image_mime", c_char_p),
                ("choices", POINTER(c_char_p)), ("n_choices", c_size_t),
                ("max_tokens", c_int), ("temperature", c_double), ("seed", c_uint64)]


class Response(Structure):
    _fields_ = [("struct_size", c_size_t), ("text", c_void_p), ("choice_logprobs", c_void_p),
                ("status", c_int), ("error", c_char * 256)]


OPEN = CFUNCTYPE(c_int, c_char_p, POINTER(c_void_p), c_char_p, c_size_t)
# answer_batch takes arrays of pointers to the structs (ABI 2.0).
ANSWER = CFUNCTYPE(c_int, c_void_p, POINTER(POINTER(Request)), POINTER(POINTER(Response)),
                   c_size_t)
FREE = CFUNCTYPE(None, c_void_p, POINTER(Response))
CLOSE = CFUNCTYPE(None, c_void_p)


class Adapter(Structure):
    _fields_ = [("abi_major", c_uint32), ("abi_minor", c_uint32), ("struct_size", c_size_t),
                ("name", c_char_p), ("max_batch", c_size_t), ("thread_safe", c_int),
                ("open", OPEN), ("answer_batch", ANSWER), ("free_response", FREE),
                ("close", CLOSE), ("version", c_char_p)]


class Plugin:
    """answer(prompt, image, mime, choices, max_tokens, temperature, seed)
    returns (status, text, error): status 0 ok, 1 retry, 2 fatal."""

    def __init__(self, path, config="{}"):
        self.lib = ctypes.CDLL(path)
        entry = self.lib.vsrbench_adapter_entry
        entry.restype = POINTER(Adapter)
        entry.argtypes = [c_uint32]
        tab = entry(ABI_MAJOR)
        if not tab:
            raise RuntimeError("%s refuses ABI %d" % (path, ABI_MAJOR))
        self.a = tab.contents
        self.state = c_void_p()
        err = ctypes.create_string_buffer(256)
        if self.a.open(config.encode(), ctypes.byref(self.state), err, 256):
            raise RuntimeError("%s: open failed: %s" % (path, err.value.decode()))
        self.lock = None if self.a.thread_safe else threading.Lock()

    def answer(self, prompt, image=None, mime=None, choices=None, max_tokens=32,
               temperature=0.0, seed=1):
        req = Request()
        req.struct_size = ctypes.sizeof(Request)
        req.id = b"0000000000000000"
        req.prompt = prompt.encode()
        buf = None
        if image:
            buf = ctypes.create_string_buffer(image, len(image))
            req.image = ctypes.cast(buf, c_void_p)
            req.image_len = len(image)
            req.image_mime = (mime or "image/png").encode()
        arr = None
        if choices:
            arr = (c_char_p * len(choices))(*[c.encode() for c in choices])
            req.choices = arr
            req.n_choices = len(choices)
        req.max_tokens = max_tokens
        req.temperature = temperature
        req.seed = seed
        resp = Response()
        resp.struct_size = ctypes.sizeof(Response)
        resp.status = 2  # what the host does: an adapter that sets nothing failed
        reqs = (POINTER(Request) * 1)(ctypes.pointer(req))
        resps = (POINTER(Response) * 1)(ctypes.pointer(resp))
        if self.lock:
            with self.lock:
                r = self.a.answer_batch(self.state, reqs, resps, 1)
        else:
            r = self.a.answer_batch(self.state, reqs, resps, 1)
        if r:
            return 1, None, "adapter failed the batch"
        text = ctypes.string_at(resp.text).decode() if resp.text else None
        status, error = resp.status, resp.error.decode(errors="replace")
        self.a.free_response(self.state, ctypes.byref(resp))
        del buf, arr, reqs, resps
        return status, text, error


class HashModel:
    """No plug-in: "Yes" when the first byte of sha256(prompt) is even."""

    def answer(self, prompt, image=None, mime=None, choices=None, max_tokens=32,
               temperature=0.0, seed=1):
        even = hashlib.sha256(prompt.encode()).digest()[0] % 2 == 0
        return 0, "Yes" if even else "No", ""


def load(path):
    return Plugin(path) if path else HashModel()


def sniff(b):
    if b[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if b[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if b[:2] == b"BM":
        return "image/bmp"
    if b[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if b[:4] == b"RIFF" and b[8:12] == b"WEBP":
        return "image/webp"
    return "application/octet-stream"

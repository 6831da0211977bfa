#!/usr/bin/env python3
"""Reference values for tests/unit/test_task_key.c, computed apart from the C code.

hash64 (base/util.c) over n bytes with a seed: h = seed ^ (n * GOLDEN); each
whole 8-byte little-endian word w: h = mix(h ^ w) + C; the 0..7 bytes left, as
a zero-padded little-endian word w: h = mix(h ^ w ^ (left << 56)).  mix is
x ^= x >> 32; x *= M; x ^= x >> 32; x *= M; x ^= x >> 32 (mod 2^64).
task_key (harness/task.c, DESIGN.md "stable key"): hash64 of suite from
HASH_SEED, then item id, variant, template id and prompt each chained as the
next seed, then the 40 bytes image digest, model fingerprint, max_tokens
(sign-extended to 64 bits), temperature (IEEE double bits), seed, all
little-endian.  Run: python3 tests/unit/task_key_ref.py
"""
import struct

MASK = (1 << 64) - 1
GOLDEN = 0x9E3779B97F4A7C15  # also HASH_SEED
M = 0xD6E8FEB86659FD93
C = 0x632BE59BD9B4E019


def mix(x):
    x ^= x >> 32
    x = (x * M) & MASK
    x ^= x >> 32
    x = (x * M) & MASK
    x ^= x >> 32
    return x


def hash64(data, seed):
    n = len(data)
    h = (seed ^ (n * GOLDEN)) & MASK
    i = 0
    while n - i >= 8:
        (w,) = struct.unpack_from("<Q", data, i)
        h = (mix(h ^ w) + C) & MASK
        i += 8
    left = n - i
    w = int.from_bytes(data[i:] + b"\0" * (8 - left), "little")
    return mix(h ^ w ^ (left << 56))


def task_key(suite, item, variant, tmpl, prompt, digest, fp, max_tokens, temperature, seed):
    h = GOLDEN
    for s in (suite, item, variant, tmpl, prompt):
        h = hash64(s.encode(), h)
    tail = struct.pack("<QQqdQ", digest, fp, max_tokens, temperature, seed)
    return hash64(tail, h)


if __name__ == "__main__":
    for data in (b"", b"abcdefg", b"abcdefgh", b"abcdefghi"):
        print("hash64(%r, HASH_SEED) = 0x%016x" % (data, hash64(data, GOLDEN)))
    print("key1 = 0x%016x" % task_key(
        "vsr-zeroshot-test", "L00001", "base", "yn01",
        "The cat is left of the dog. Is this statement correct? Answer yes or no.",
        0x0123456789ABCDEF, 0xFEDCBA9876543210, 32, 0.0, 0))
    print("key2 = 0x%016x" % task_key(
        "mmbench-spatial", "1000241", "hflip+rot1", "mc01", "",
        0, 0, -1, 0.7, 12345))

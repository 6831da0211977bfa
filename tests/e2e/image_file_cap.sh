#!/usr/bin/env bash
# The cap on image files follows the pixel cap: 64 MiB plus 4 bytes for
# each pixel --max-pixels allows (an uncompressed RGBA image of that many
# pixels).  A 5000 x 5000 noise PNG, stored without compression (75 MB,
# 25 megapixels: within the default 64-megapixel cap), is read under the
# default (before: "cannot read image img/noise25mp.png: larger than 64
# MiB", exit 3, no item named); under --max-pixels 1000000 it is over
# 64 MiB + 4,000,000 bytes and refused before it is read, the error naming
# the item, the file, its size, the cap and --max-pixels.  Sizes come from
# stat and shell arithmetic.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

"$VSR_BUILD/tests/mkimage" img/small.jpg 48 32
python3 - img/noise25mp.png <<'PY'
import os, struct, sys, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d))
w = h = 5000
raw = b"".join(b"\0" + os.urandom(w * 3) for _ in range(h))
with open(sys.argv[1], "wb") as f:
    f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
    f.write(chunk(b"IDAT", zlib.compress(raw, 0)) + chunk(b"IEND", b""))
PY
SIZE=$(stat -c %s img/noise25mp.png)
[ "$SIZE" -gt $((64 << 20)) ] || fail "the noise PNG is only $SIZE bytes"
line() { printf '{"image": "%s", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$1"; }
{ line small.jpg; line noise25mp.png; } >data/vsr/data/splits/zeroshot/test.jsonl

expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -m builtin:yes -q -o run
[ "$(jq -s 'length' run/samples.jsonl)" = 2 ] || fail "2 samples: $(cat run/samples.jsonl)"

CAP=$(((64 << 20) + 4 * 1000000))
expect_exit 3 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -m builtin:yes \
	--max-pixels 1000000 -q -o capped
expect_err "vsr-zeroshot-test L00002 (data/vsr/data/splits/zeroshot/test.jsonl:2): cannot read image img/noise25mp.png: $SIZE bytes, over the cap of $CAP bytes on image files (64 MiB plus 4 bytes for each of the 1000000 pixels --max-pixels allows; a larger --max-pixels raises it)"
expect_one_line_err
echo ok

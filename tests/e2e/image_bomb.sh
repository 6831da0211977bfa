#!/usr/bin/env bash
# Decompression bombs through -p hflip: a 1 KB JPEG whose header claims
# 65,499 x 65,499 pixels and a PNG claiming 20,000 x 20,000 are refused from
# their headers (exit 3, the item named) before any decoder allocates, under
# a 1.5 GB address-space limit (before the cap: 12.6 GB and 117 s, or an
# abort under a limit).  With the cap raised, a buffer the limit refuses is
# the same data error, naming the image.
. "$(dirname "$0")/lib.bash"
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

# A real small JPEG with the SOF0 frame's height and width patched.
"$VSR_BUILD/tests/mkimage" small.jpg 48 32
python3 - small.jpg img/bomb.jpg <<'PY'
import sys, struct
b = bytearray(open(sys.argv[1], 'rb').read())
i = b.index(b'\xff\xc0')
struct.pack_into('>HH', b, i + 5, 65499, 65499)
open(sys.argv[2], 'wb').write(b)
PY
# A PNG whose IHDR says 20,000 x 20,000, with a few rows of data.
python3 - img/bomb.png <<'PY'
import sys, struct, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w = h = 20000
raw = zlib.compress(b'\0' * ((w * 3 + 1) * 4))
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) \
    + chunk(b'IDAT', raw) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
PY
"$VSR_BUILD/tests/mkimage" img/fine.jpg 48 32
line() { printf '{"image": "%s", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$1"; }
S=data/vsr/data/splits/zeroshot/test.jsonl

limit() {
	# An address-space limit, except under a sanitizer (its shadow memory
	# needs terabytes of address space).
	if ldd "$VSRBENCH" | grep libasan >/dev/null; then "$@"; else (ulimit -v 1500000 && "$@"); fi
}

for bomb in bomb.jpg bomb.png; do
	{ line fine.jpg; line "$bomb"; } >$S
	kind=JPEG sides="65499 x 65499"
	[ $bomb = bomb.png ] && kind=PNG sides="20000 x 20000"
	expect_exit 3 limit "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img \
		-m builtin:yes -p hflip -q -o "run-$bomb"
	expect_err "cannot mirror the image of vsr-zeroshot-test L00002 (img/$bomb)"
	expect_err "a $kind of $sides pixels is over the cap of 67108864 pixels (--max-pixels)"
done

# The cap raised past what the memory limit allows: the pixel buffer cannot
# be had, a data error naming the image (no abort: under the limit, before
# the cap, the 65,499^2 JPEG ended with rc 134).  Not under a sanitizer (no
# address-space limit there, and its allocator aborts on 12 GB requests).
# A PNG whose IHDR says 60,000 x 60,000 (10.8 GB of RGB).
python3 - img/huge.png <<'PY'
import sys, struct, zlib
def chunk(t, d):
    return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
w = h = 60000
png = b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0)) \
    + chunk(b'IDAT', zlib.compress(b'\0' * (w * 3 + 1))) + chunk(b'IEND', b'')
open(sys.argv[1], 'wb').write(png)
PY
if ldd "$VSRBENCH" | grep libasan >/dev/null; then
	echo "not under a sanitizer: the out-of-memory cases"
else
	# 65,499^2 x 3 and 60,000^2 x 3 bytes of pixels, worked out here.
	for case in "bomb.jpg $((65499 * 65499 * 3))" "huge.png $((60000 * 60000 * 3))"; do
		set -- $case
		{ line fine.jpg; line "$1"; } >$S
		expect_exit 3 limit "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img \
			-m builtin:yes -p hflip -q --max-pixels 10000000000 -o "oom-$1"
		expect_err "cannot mirror the image of vsr-zeroshot-test L00002 (img/$1): not enough memory to decode the image ($2 bytes of pixels)"
		expect_one_line_err
	done
fi

# Without -p hflip nothing is decoded: the bytes go to the model as they are.
{ line fine.jpg; line bomb.jpg; } >$S
expect_exit 0 limit "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -m builtin:yes -q -o plain
echo ok

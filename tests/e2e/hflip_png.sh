#!/usr/bin/env bash
# -p hflip on PNGs beyond 8-bit RGB, written here byte by byte (no gAMA,
# no sRGB chunk), each mirror decoded by PIL and checked sample by sample
# at the mirrored position:
#   - 16-bit grey (0.125 = 8192 first, then a ramp) and 16-bit RGB: the
#     mirror's 8-bit samples are the original's scaled, v * 255 / 65535
#     (within 1), grey still grey.  Before, libpng's simplified API took
#     the 16-bit samples as linear light and the mirror came out brighter
#     (0.125 became 99, not 32), and grey became RGB;
#   - 8-bit grey + alpha: mirrored exactly, still grey + alpha (it became
#     RGBA).
# The images the model is shown come from a -m exec child
# (tests/server/exec_save.py).
. "$(dirname "$0")/lib.bash"
need_pil
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

/usr/bin/python3 - img expected.json <<'PY'
import json, struct, sys, zlib
d, exp = sys.argv[1], {}

def png(name, w, h, depth, ctype, rows):
    """rows: lists of samples, packed big-endian at depth bits, filter 0."""
    def chunk(t, b):
        return struct.pack(">I", len(b)) + t + b + struct.pack(">I", zlib.crc32(t + b))
    fmt = ">%d%s" % (len(rows[0]), "H" if depth == 16 else "B")
    raw = b"".join(b"\0" + struct.pack(fmt, *r) for r in rows)
    open("%s/%s" % (d, name), "wb").write(
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ctype, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))

grey = [[8192 if (x, y) == (0, 0) else (x * 7 + y * 3) * 1900 + 257 for x in range(5)] for y in range(3)]
png("g16.png", 5, 3, 16, 0, grey)
rgb = [[((x * 9000 + y * 20000) % 65536, 65535 - x * 12000, 4096 * (x + y + 1)) for x in range(4)]
       for y in range(2)]
png("rgb16.png", 4, 2, 16, 2, [[s for p in r for s in p] for r in rgb])
la = [[(x * 40 + y, 255 - x * 50) for x in range(4)] for y in range(3)]
png("la8.png", 4, 3, 8, 4, [[s for p in r for s in p] for r in la])
scale = lambda v: v * 255 / 65535
exp["g16.png"] = {"mode": "L", "rows": [[scale(v) for v in r] for r in grey], "tol": 1}
exp["rgb16.png"] = {"mode": "RGB", "rows": [[[scale(s) for s in p] for p in r] for r in rgb], "tol": 1}
exp["la8.png"] = {"mode": "LA", "rows": la, "tol": 0}
json.dump(exp, open(sys.argv[2], "w"))
PY
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -p hflip \
	-m exec -M cmd="python3 $VSR_SRC/tests/server/exec_save.py shown" -q -o run

/usr/bin/python3 - run/samples.jsonl shown expected.json <<'PY' || fail "a mirror is not the original's samples mirrored"
import json, os, sys
from PIL import Image
samples, shown, exp = sys.argv[1], sys.argv[2], json.load(open(sys.argv[3]))
mirror = {}
for line in open(samples):
    s = json.loads(line)
    if s["variant"] == "hflip":
        mirror[os.path.basename(s["image"])] = os.path.join(shown, s["key"])
if sorted(mirror) != sorted(exp):
    sys.exit("mirrors of %s, images %s" % (sorted(mirror), sorted(exp)))

def samples_of(v):
    return list(v) if isinstance(v, (tuple, list)) else [v]

bad = []
for name, e in sorted(exp.items()):
    m = Image.open(mirror[name])
    if m.mode != e["mode"]:
        bad.append("%s: a %s mirror, not %s" % (name, m.mode, e["mode"]))
    rows = e["rows"]
    w = len(rows[0])
    if m.size != (w, len(rows)):
        bad.append("%s: %dx%d" % ((name,) + m.size))
        continue
    for y, row in enumerate(rows):
        for x in range(w):
            got, want = samples_of(m.getpixel((x, y))), samples_of(row[w - 1 - x])
            if len(got) != len(want) or any(abs(g - v) > e["tol"] for g, v in zip(got, want)):
                bad.append("%s (%d, %d): %s, expected %s" % (name, x, y, got, ["%.1f" % v for v in want]))
if bad:
    sys.exit("\n".join(bad[:20]))
PY
echo ok

#!/usr/bin/env bash
# Issue 18, finding 8, for exec models: with -M image=path the child opens an
# image file itself, so the host's check of the file it opened would not
# cover it if the child were handed the dataset's path.  It is handed a copy
# the host writes, from the bytes it already read and checked, into a
# private per-run directory (mkdtemp, 0700).  Here the child itself swaps
# every dataset image for a symlink to a file outside --images as soon as
# its first request arrives, before it opens the path it was given: the
# swap is part of the protocol's order, not a race, so the test is
# deterministic.  The child must still read the original bytes (never the
# outside file); the images the host loads after the swap are refused
# (exit 3, "leads out of"); no image copy is left behind.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
mkdir -p data/vsr/data/splits/zeroshot img outside tmp
# Eight small PNGs (each its own colour) and the outside one, written by python's zlib.
python3 - img outside/secret.png <<'PY'
import struct, sys, zlib
def png(path, rgb):
    def chunk(t, d):
        return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t + d))
    raw = b"".join(b"\0" + bytes(rgb) * 4 for _ in range(4))
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0))
                           + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))
for i in range(8):
    png("%s/i%d.png" % (sys.argv[1], i), (30 * i, 200 - 20 * i, 7 * i))
png(sys.argv[2], (255, 255, 255))
PY
for i in 0 1 2 3 4 5 6 7; do
	printf '{"image": "i%d.png", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$i"
done >data/vsr/data/splits/zeroshot/test.jsonl
cat >child.py <<'PY'
import hashlib, json, os, sys
imgdir, secret, log = sys.argv[1:4]
swapped = False
with open(log, "w") as lg:
    for line in sys.stdin:
        req = json.loads(line)
        path = req.get("image_path")
        if path and not swapped:
            # Every dataset image becomes a symlink out of --images (atomically: rename over it).
            for f in os.listdir(imgdir):
                p = os.path.join(imgdir, f)
                os.symlink(os.path.abspath(secret), p + ".swap")
                os.replace(p + ".swap", p)
            swapped = True
        if path:
            data = open(path, "rb").read()
            lg.write(json.dumps({"path": path, "sha": hashlib.sha256(data).hexdigest()}) + "\n")
            lg.flush()
        print(json.dumps({"id": req["id"], "text": "yes"}), flush=True)
PY
sha() { sha256sum "$1" | cut -d' ' -f1; }
for i in 0 1 2 3 4 5 6 7; do sha "img/i$i.png"; done >originals.txt
secret_sha=$(sha outside/secret.png)

expect_exit 3 env TMPDIR="$T/tmp" "$V" run -s vsr-zeroshot-test --data data --images img -t yn01 \
	-m exec -M cmd="python3 $T/child.py $T/img $T/outside/secret.png $T/child.log" \
	-M image=path -j 1 -q -o run
expect_err "leads out of"
[ -L img/i0.png ] || fail "the child did not swap the images"
[ -s child.log ] || fail "the child read no image"
python3 - child.log originals.txt "$secret_sha" "$T/img" <<'PY' || fail "the child saw what it should not: $(cat child.log)"
import json, os, sys
log, orig, secret, imgdir = sys.argv[1:5]
origs = set(open(orig).read().split())
for line in open(log):
    r = json.loads(line)
    assert r["sha"] != secret, "the child read the file outside --images through %s" % r["path"]
    assert r["sha"] in origs, "the child read bytes of no dataset image: %s" % r["path"]
    d = os.path.dirname(r["path"])
    assert os.path.basename(d).startswith("vsrbench-exec-"), "not the private directory: %s" % d
    assert not os.path.realpath(r["path"]).startswith(os.path.realpath(imgdir) + "/"), r["path"]
PY
# Answered before the refusal, journaled; the image copies and their directory are gone.
[ "$(wc -l <run/samples.jsonl)" -ge 1 ] || fail "nothing journaled before the refusal"
[ -z "$(ls -A tmp)" ] || fail "left behind in TMPDIR: $(ls -laR tmp)"
echo ok

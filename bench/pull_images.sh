#!/usr/bin/env bash
# Pulling the unified test set's 715 images from a loopback server:
# `vsrbench data pull vsr-unified -j N` against the same files fetched by
# N parallel curl processes (xargs -P N curl), the floor a user would
# script by hand; and `--from-zip URL` (Range requests into archives where
# the needed images are a small part) against curl downloading the
# archives whole, what a user does without it.  All are bound by the same
# Python server (tests/server/static_range.py); the images are generated
# 640x480 JPEGs.  Prints one markdown table, the ratios in the same run.
#   bench/pull_images.sh BUILD_DIR [JOBS]      needs VSRBENCH_SHARED_DATA
set -euo pipefail
B=$(cd "${1:?build dir}" && pwd)
J=${2:-8}
SRC=$(cd "$(dirname "$0")/.." && pwd)
D=${VSRBENCH_SHARED_DATA:-$SRC/../shared/data}
T=$(mktemp -d /tmp/vsr-bench-pull.XXXXXX)
SRV=
trap '[ -n "$SRV" ] && kill $SRV 2>/dev/null; rm -rf "$T"' EXIT
cd "$T"
python3 - "$D/vsr/data/splits/zeroshot/test.jsonl" >needed.txt <<'PY'
import json, sys, urllib.parse
seen = {}
for l in open(sys.argv[1]):
    if l.strip():
        seen.setdefault(urllib.parse.urlsplit(json.loads(l)["image_link"]).path.lstrip("/"), 1)
print("\n".join(seen))
PY
mkdir -p coco/train2017 coco/val2017
grep '^train2017/' needed.txt | sed 's|.*/||' >train.txt
grep '^val2017/' needed.txt | sed 's|.*/||' >val.txt
"$B/tests/mkimage" --names train.txt coco/train2017 640 480
"$B/tests/mkimage" --names val.txt coco/val2017 640 480
MB=$(du -sb coco | awk '{ printf "%.1f", $1 / 1e6 }')
# The archives: the needed images (every third stored, the rest deflated)
# among 48 incompressible 2 MiB members no item names, as in COCO's zips
# where the 715 are a small part.
mkdir -p zips
python3 - <<'PY'
import os, zipfile
for split in ("train2017", "val2017"):
    names = sorted(os.listdir("coco/" + split))
    with zipfile.ZipFile("zips/%s.zip" % split, "w") as z:
        for i, n in enumerate(names):
            z.write("coco/%s/%s" % (split, n), "%s/%s" % (split, n),
                    compress_type=zipfile.ZIP_STORED if i % 3 == 0 else zipfile.ZIP_DEFLATED)
            if split == "train2017" and i % 15 == 0:
                z.writestr("%s/other_%03d.bin" % (split, i), os.urandom(2 << 20))
PY
ZMB=$(du -sb zips | awk '{ printf "%.1f", $1 / 1e6 }')
python3 "$SRC/tests/server/static_range.py" --root coco --root . --root "$D" >srv.out 2>/dev/null &
SRV=$!
for _ in $(seq 400); do grep -q '^PORT' srv.out && break; sleep 0.05; done
S=http://127.0.0.1:$(awk '/^PORT/ { print $2 }' srv.out)
RW=(--rewrite "https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/b27a0af0ee1462d2b6b92c8c83e869d9254a241a/=$S/vsr/"
	--rewrite "http://images.cocodataset.org/=$S/")
"$B/vsrbench" data pull vsr --data data "${RW[@]}" >/dev/null
cp -r data data0
now() { date +%s.%N; }
# 1. one by one over HTTP, against N parallel curl processes.
t0=$(now)
"$B/vsrbench" data pull vsr-unified -j "$J" --data data "${RW[@]}" >/dev/null 2>&1
t1=$(now)
mkdir out
sed "s|^|$S/|" needed.txt | (cd out && xargs -P "$J" -n 16 curl -s --remote-name-all)
t2=$(now)
"$B/vsrbench" data pull vsr-unified -j "$J" --data data "${RW[@]}" >/dev/null 2>&1
t3=$(now)
# 2. from the archives with Range requests, against downloading them whole.
"$B/vsrbench" data pull vsr-unified -j "$J" --data data0 "${RW[@]}" --from-zip "$S/zips/train2017.zip" \
	--from-zip "$S/zips/val2017.zip" >zip.out 2>&1
t4=$(now)
mkdir whole
(cd whole && curl -s --remote-name-all "$S/zips/train2017.zip" "$S/zips/val2017.zip")
t5=$(now)
ZGOT=$(awk '/bytes fetched/ { s += $3 } END { printf "%.1f", s / 1e6 }' zip.out)
[ "$(ls data/vsr/images | wc -l)" = 715 ] && [ "$(ls out | wc -l)" = 715 ] &&
	[ "$(ls data0/vsr/images | wc -l)" = 715 ] || { echo "incomplete" >&2; cat zip.out >&2; exit 1; }
awk -v mb="$MB" -v zmb="$ZMB" -v zgot="$ZGOT" -v j="$J" -v a="$t0" -v b="$t1" -v c="$t2" -v e="$t3" \
	-v f="$t4" -v g="$t5" 'BEGIN {
	printf "| 715 images (%s MB), -j %s | seconds | MB/s | vs. reference |\n|---|---:|---:|---:|\n", mb, j
	printf "| vsrbench data pull, one by one (decode check + sha256 each, one sync) | %.2f | %.1f | %.2fx the time |\n", b - a, mb / (b - a), (b - a) / (c - b)
	printf "| reference: xargs -P %s curl, same files (no checks) | %.2f | %.1f | 1 |\n", j, c - b, mb / (c - b)
	printf "| vsrbench data pull again (all present: hash + record) | %.2f | - | - |\n", e - c
	printf "| vsrbench data pull --from-zip URL x2 (%s of %s MB fetched, CRC-32 + decode + sha256) | %.2f | %.1f | %.2fx the time |\n", zgot, zmb, f - e, mb / (f - e), (f - e) / (g - f)
	printf "| reference: curl of both archives whole (%s MB, no extraction) | %.2f | %.1f | 1 |\n", zmb, g - f, zmb / (g - f)
}'

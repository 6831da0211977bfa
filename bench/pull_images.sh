#!/usr/bin/env bash
# Pulling the unified test set's 715 images from a loopback server:
# `vsrbench data pull vsr-unified -j N` against the same files fetched by
# N parallel curl processes (xargs -P N curl), the floor a user would
# script by hand.  Both are bound by the same Python server
# (tests/server/static_range.py); the images are generated 640x480 JPEGs.
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
python3 "$SRC/tests/server/static_range.py" --root coco --root "$D" >srv.out 2>/dev/null &
SRV=$!
for _ in $(seq 200); do grep -q '^PORT' srv.out && break; sleep 0.05; done
S=http://127.0.0.1:$(awk '/^PORT/ { print $2 }' srv.out)
RW=(--rewrite "https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/b27a0af0ee1462d2b6b92c8c83e869d9254a241a/=$S/vsr/"
	--rewrite "http://images.cocodataset.org/=$S/")
"$B/vsrbench" data pull vsr --data data "${RW[@]}" >/dev/null
now() { date +%s.%N; }
t0=$(now)
"$B/vsrbench" data pull vsr-unified -j "$J" --data data "${RW[@]}" >/dev/null 2>&1
t1=$(now)
mkdir out
sed "s|^|$S/|" needed.txt | (cd out && xargs -P "$J" -n 16 curl -s --remote-name-all)
t2=$(now)
t3=$(now)
"$B/vsrbench" data pull vsr-unified -j "$J" --data data "${RW[@]}" >/dev/null 2>&1
t4=$(now)
[ "$(ls data/vsr/images | wc -l)" = 715 ] && [ "$(ls out | wc -l)" = 715 ] || { echo "incomplete" >&2; exit 1; }
awk -v mb="$MB" -v j="$J" -v a="$t0" -v b="$t1" -v c="$t2" -v e="$t3" -v f="$t4" 'BEGIN {
	printf "| 715 images, %s MB, -j %s | seconds | MB/s |\n|---|---:|---:|\n", mb, j
	printf "| vsrbench data pull (decode check + sha256 + fsync each) | %.2f | %.1f |\n", b - a, mb / (b - a)
	printf "| xargs -P %s curl (no checks) | %.2f | %.1f |\n", j, c - b, mb / (c - b)
	printf "| vsrbench data pull again (all present: hash + record) | %.2f | - |\n", f - e
}'

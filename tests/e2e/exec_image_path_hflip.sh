#!/usr/bin/env bash
# -M image=path hands an exec child every image as a file, the mirrored one
# of -p hflip too: it went inline as "image" while the docs promise
# "image_path" for every task with an image, so a child reading paths only
# answered the mirrored tasks without their image.  The child here decodes
# each file it is given with PIL and says its left-most pixel's colour: red
# for the original (red left half, blue right), blue for the mirror.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
PY=/usr/bin/python3
"$PY" -c 'import PIL' 2>/dev/null ||
	fail "Debian's python3-pil is not installed: run 'make -f Makefile.ci test-deps' (CI installs it)"
mkdir -p d/vsr/data/splits/zeroshot img tmp
"$PY" - <<'PYEOF'
from PIL import Image
for i in range(3):
    im = Image.new("RGB", (8, 4), (0, 0, 255))
    im.paste((255, 0, 0), (0, 0, 4, 4))
    im.save("img/i%d.png" % i)
PYEOF
for i in 0 1 2; do
	printf '{"image": "i%d.png", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$i"
done >d/vsr/data/splits/zeroshot/test.jsonl
cat >child.py <<'PYEOF'
import json, os, sys
from PIL import Image
for line in sys.stdin:
    r = json.loads(line)
    saw = {"inline": "image" in r, "path": r.get("image_path")}
    if saw["path"]:
        px = Image.open(saw["path"]).convert("RGB").getpixel((0, 0))
        saw["left"] = "red" if px[0] > 200 and px[2] < 50 else "blue" if px[2] > 200 and px[0] < 50 else str(px)
    print(json.dumps({"id": r["id"], "text": "yes", "meta": {"saw": saw}}), flush=True)
PYEOF
expect_exit 0 env TMPDIR="$T/tmp" "$V" run -s vsr-zeroshot-test --data d --images img -t yn01 -p hflip \
	-m exec -M cmd="$PY $T/child.py" -M image=path -q -o r
[ "$(jq -s length r/samples.jsonl)" = 6 ] || fail "not 6 tasks: $(jq -s length r/samples.jsonl)"
jq -e -s 'all(.[]; .meta.saw.inline == false and (.meta.saw.path | type == "string")) and
	(map(select(.variant == "base")) | length == 3 and all(.[]; .meta.saw.left == "red")) and
	(map(select(.variant == "hflip")) | length == 3 and all(.[]; .meta.saw.left == "blue"))' \
	r/samples.jsonl >/dev/null || fail "what the child saw: $(jq -c '[.variant, .meta.saw]' r/samples.jsonl)"
# The mirrored files go with the job, as the originals do.
[ -z "$(ls -A tmp)" ] || fail "left behind in TMPDIR: $(ls -laR tmp)"
echo ok

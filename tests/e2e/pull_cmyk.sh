#!/usr/bin/env bash
# `vsrbench data pull` decodes each image whole before keeping it; a CMYK
# JPEG (as print workflows and some photo archives save them) is a valid
# image.  Before, the check decoded into grey, which libjpeg-turbo cannot
# make of CMYK: "does not decode whole (Unsupported color conversion
# request)", exit 3, on every pull.  Here seed-spatial's images come from a
# local SEED-Bench-image.zip holding CMYK JPEGs made by PIL
# (Image.convert('CMYK').save) at 64 x 48 and 642 x 482, and an RGB one;
# all three must be kept byte for byte, a later pull finds them present,
# and a CMYK JPEG cut short is still refused.  The SEED question file is
# written here, the other SEED files come from ../shared/data through a
# loopback server.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
if [ ! -d "$D/seed/evaluate_result" ]; then
	echo "skipped: the SEED data is not at \$VSRBENCH_SHARED_DATA ($D)"
	exit 77
fi
need_pil
V=$VSRBENCH
cd "$T"

mkdir -p ov/seed img
: >log
python3 -S "$VSR_SRC/tests/server/static_range.py" --root ov --root "$D" --log log >srv.out 2>srv.err &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT

/usr/bin/python3 - <<'PY'
import json, zipfile
from PIL import Image, ImageDraw
for w, h in ((64, 48), (642, 482)):
    im = Image.new("RGB", (w, h), (200, 60, 40))
    ImageDraw.Draw(im).rectangle([0, 0, w // 3, h // 2], fill=(20, 200, 90))
    im.convert("CMYK").save("img/cmyk%d.jpg" % w, quality=90)
    im.save("img/rgb%d.jpg" % w, quality=90)
ids = ["cmyk64.jpg", "cmyk642.jpg", "rgb642.jpg"]
qs = [{"question_id": str(100 + i), "question": "q%d?" % i, "choice_a": "a", "choice_b": "b",
       "choice_c": "c", "choice_d": "d", "answer": "A", "data_id": d, "data_type": "image",
       "question_type_id": 6} for i, d in enumerate(ids)]
json.dump({"questions": qs, "question_type": {"Instance Location": 3, "Spatial Relation": 6}},
          open("ov/seed/SEED-Bench.json", "w"))
with zipfile.ZipFile("SEED-Bench-image.zip", "w") as z:
    for f in ids:
        z.write("img/" + f, "SEED-Bench-image/" + f)
# The same, the 642 x 482 CMYK image cut 200 bytes short.
b = open("img/cmyk642.jpg", "rb").read()
with zipfile.ZipFile("cut.zip", "w") as z:
    z.writestr("SEED-Bench-image/cmyk642.jpg", b[:-200])
PY
/usr/bin/python3 -c 'from PIL import Image; import sys; sys.exit(Image.open("img/cmyk642.jpg").mode != "CMYK")' ||
	fail "PIL did not write a CMYK JPEG"

for _ in $(seq 400); do grep -q '^PORT' srv.out && break; sleep 0.05; done
PORT=$(awk '/^PORT/ { print $2 }' srv.out)
[ -n "$PORT" ] || fail "test server did not start: $(cat srv.err)"
S=http://127.0.0.1:$PORT

expect_exit 0 "$V" data pull seed-spatial --data data --mirror "$S" --from-zip SEED-Bench-image.zip
expect_out "seed-spatial: 3 of 3 images in data/seed/images (3 extracted from the --from-zip archives, 0 already present)"
for f in cmyk64.jpg cmyk642.jpg rgb642.jpg; do
	cmp -s "img/$f" "data/seed/images/$f" || fail "$f differs from the archive's"
done
expect_exit 0 "$V" data pull seed-spatial --data data --mirror "$S" --from-zip SEED-Bench-image.zip
expect_out "(0 extracted from the --from-zip archives, 3 already present)"
expect_exit 0 "$V" data verify seed --data data
expect_out "seed/images: 3 of 3 images match the sha256 recorded"

# Cut short: refused, nothing kept under the name.
rm data/seed/images/cmyk642.jpg
expect_exit 3 "$V" data pull seed-spatial --data data --mirror "$S" --from-zip cut.zip
expect_err "seed/images/cmyk642.jpg: the JPEG does not decode whole"
grep -q "color conversion" "$T/err" && fail "a cut CMYK JPEG refused for its colour space: $(cat "$T/err")"
[ -e data/seed/images/cmyk642.jpg ] && fail "a cut CMYK JPEG was kept"
echo ok

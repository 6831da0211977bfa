#!/usr/bin/env bash
# -p hflip on JPEGs that are not YCbCr colour, each mirror checked as PIL
# decodes it against the original mirrored by PIL:
#   - CMYK JPEGs (PIL's Image.convert('CMYK').save), 64 x 48 (whole MCUs:
#     the lossless path) and 642 x 482 (decoded and re-encoded).  Before, the
#     second stopped the run (exit 3, "cannot decode JPEG: Unsupported color
#     conversion request": it was decoded to RGB, which libjpeg-turbo cannot
#     make of CMYK).  Made RGB by PIL, the mirror must be the original's
#     mirrored: exactly up to the decoder's rounding (2 levels) on the
#     lossless path, within 2 levels on average after re-encoding;
#   - a grey JPEG of partial MCUs (re-encoded): still grey (it became RGB),
#     the same tones.
# The images the model is shown come from a -m exec child
# (tests/server/exec_save.py).
. "$(dirname "$0")/lib.bash"
need_pil
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

/usr/bin/python3 - img <<'PY'
import sys
from PIL import Image, ImageDraw
d = sys.argv[1]
for w, h in ((64, 48), (642, 482)):
    im = Image.new("RGB", (w, h), (200, 60, 40))
    ImageDraw.Draw(im).rectangle([0, 0, w // 3, h // 2], fill=(20, 200, 90))
    im.convert("CMYK").save("%s/cmyk%d.jpg" % (d, w), quality=95)
g = Image.new("L", (642, 482), 40)
ImageDraw.Draw(g).rectangle([0, 0, 200, 240], fill=210)
g.save("%s/grey642.jpg" % d, quality=95)
PY
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -p hflip \
	-m exec -M cmd="python3 $VSR_SRC/tests/server/exec_save.py shown" -q -o run

/usr/bin/python3 - run/samples.jsonl shown img <<'PY' || fail "a mirror is not the original mirrored"
import json, os, sys
from PIL import Image, ImageChops, ImageOps, ImageStat
samples, shown, img = sys.argv[1:]
mirror = {}
for line in open(samples):
    s = json.loads(line)
    if s["variant"] == "hflip":
        mirror[os.path.basename(s["image"])] = os.path.join(shown, s["key"])
names = sorted(os.listdir(img))
if sorted(mirror) != names:
    sys.exit("mirrors of %s, images %s" % (sorted(mirror), names))
bad = []
for name in names:
    o, m = Image.open(os.path.join(img, name)), Image.open(mirror[name])
    if o.mode == "L" and m.mode != "L":
        bad.append("%s: a %s mirror of a grey JPEG" % (name, m.mode))
    diff = ImageChops.difference(ImageOps.mirror(o.convert("RGB")), m.convert("RGB"))
    worst = max(hi for _, hi in diff.getextrema())
    mean = max(ImageStat.Stat(diff).mean)
    if m.size != o.size or (name == "cmyk64.jpg" and worst > 2) or mean > 2:
        bad.append("%s: %dx%d, differs from the original mirrored by up to %d (%.2f on average)"
                   % ((name,) + m.size + (worst, mean)))
if bad:
    sys.exit("\n".join(bad))
PY
echo ok

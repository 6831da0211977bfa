#!/usr/bin/env bash
# PNGs with an EXIF orientation (an eXIf chunk, PNG 1.5 extensions; shown
# turned by PIL's exif_transpose and by browsers, as a JPEG's tag is): the
# image sent is the PNG as shown, upright, with no turn left in a tag, and
# -p hflip's mirror is its mirror, for all 8 orientations.  Before: the
# image was sent as stored with its chunk (a server or script that ignores
# it saw it turned), and at first the mirror lost the chunk while its
# stored pixels were mirrored left-right, so an image stored sideways
# (orientation 6) was shown upright and its mirror sideways.
#
# The images are drawn upright (a red block top left, a blue bar bottom
# right), turned by the inverse of each orientation and saved by PIL with
# the tag; a -m exec child (tests/server/exec_save.py) keeps what it is
# sent.  PNG is lossless: the image sent must equal, pixel for pixel, the
# original as shown by PIL, and the mirror that mirrored.
. "$(dirname "$0")/lib.bash"
need_pil
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

/usr/bin/python3 - img <<'PY'
import sys
from PIL import Image, ImageDraw
T = Image.Transpose
inverse = {1: None, 2: T.FLIP_LEFT_RIGHT, 3: T.ROTATE_180, 4: T.FLIP_TOP_BOTTOM,
           5: T.TRANSPOSE, 6: T.ROTATE_90, 7: T.TRANSVERSE, 8: T.ROTATE_270}
for o in range(1, 9):
    im = Image.new("RGB", (60, 40), (90, 140, 90))
    d = ImageDraw.Draw(im)
    d.rectangle([4, 4, 15, 15], fill=(230, 30, 30))
    d.rectangle([35, 28, 55, 33], fill=(30, 30, 230))
    if inverse[o] is not None:
        im = im.transpose(inverse[o])
    exif = Image.Exif()
    exif[0x0112] = o
    im.save("%s/o%d.png" % (sys.argv[1], o), exif=exif.tobytes())
PY
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -p hflip \
	-m exec -M cmd="python3 $VSR_SRC/tests/server/exec_save.py shown" -q -o run

/usr/bin/python3 - run/samples.jsonl shown img <<'PY' || fail "a mirrored PNG is not the mirror of the image as shown"
import json, os, sys
from PIL import Image, ImageChops, ImageOps
samples, shown, img = sys.argv[1:]
keys = {}
for line in open(samples):
    s = json.loads(line)
    keys.setdefault(os.path.basename(s["image"]), {})[s["variant"]] = s["key"]
bad = []
for name in sorted(os.listdir(img)):
    v = keys.get(name, {})
    if set(v) != {"base", "hflip"}:
        bad.append("%s: tasks %s" % (name, sorted(v)))
        continue
    orig = Image.open(os.path.join(img, name))
    base = Image.open(os.path.join(shown, v["base"]))
    mir = Image.open(os.path.join(shown, v["hflip"]))
    for what, im in (("the image", base), ("its mirror", mir)):
        if im.getexif().get(0x0112, 1) != 1:
            bad.append("%s: %s was sent with orientation %s" % (name, what, im.getexif().get(0x0112)))
    up = ImageOps.exif_transpose(orig).convert("RGB")
    for what, im, want in (("the image", base, up), ("its mirror", mir, ImageOps.mirror(up))):
        got = ImageOps.exif_transpose(im).convert("RGB")
        if got.size != want.size:
            bad.append("%s: shown %dx%d, %s %dx%d" % ((name,) + want.size + (what,) + got.size))
        elif ImageChops.difference(want, got).getbbox():
            bad.append("%s: %s as shown is not the picture as shown%s" % (name, what,
                       ", mirrored" if im is mir else ""))
if bad:
    sys.exit("\n".join(bad))
PY
echo ok

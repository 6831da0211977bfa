#!/usr/bin/env bash
# JPEGs with an EXIF orientation (a phone's photo stored sideways, shown
# upright by viewers that apply the tag, as vLLM and browsers do; SGLang
# and a script that opens it with PIL's Image.open do not): the image the
# model is sent is the picture as shown, upright, with no turn left in its
# tag (1 or none), and -p hflip's mirror is its mirror, for all 8
# orientations, at a size of whole MCUs (640 x 480 upright: the lossless
# path) and at one of partial MCUs (642 x 482: the re-encode path).
# Before: the image was sent as stored with its tag, so a server ignoring
# the tag was shown it sideways and its mirror upside down; earlier still
# the mirror itself was wrong (the lossless path mirrored the stored pixels
# under the unchanged tag, the re-encode path dropped the tag).
#
# The images are drawn by PIL upright (a red disc top left, a blue bar
# bottom right), turned by the inverse of each orientation and saved with
# the tag; a -m exec child (tests/server/exec_save.py) keeps the base and
# the mirrored image it is sent; PIL's ImageOps.exif_transpose shows both as
# a viewer does, and the disc's and the bar's centres in the mirror must be
# the original's with x -> W-1-x (within a pixel), the sides the same.  On
# the lossless path the pixels must match the original's (turned upright,
# mirrored), up to the decoder's rounding (3 levels: a flipped or turned
# block does not decode to the exact flip of its pixels, and the smoothing
# of the half-resolution colour is not the same across a quarter turn).
. "$(dirname "$0")/lib.bash"
need_pil
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

/usr/bin/python3 - img <<'PY'
import sys
from PIL import Image, ImageDraw
T = Image.Transpose
# The stored pixels from the upright image: the inverse of what a viewer applies.
inverse = {1: None, 2: T.FLIP_LEFT_RIGHT, 3: T.ROTATE_180, 4: T.FLIP_TOP_BOTTOM,
           5: T.TRANSPOSE, 6: T.ROTATE_90, 7: T.TRANSVERSE, 8: T.ROTATE_270}
for w, h in ((640, 480), (642, 482)):
    for o in range(1, 9):
        im = Image.new("RGB", (w, h), (90, 140, 90))
        d = ImageDraw.Draw(im)
        cx, cy, r = w * 0.25, h * 0.3, h * 0.12
        d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=(230, 30, 30))
        d.rectangle([w * 0.55, h * 0.7, w * 0.9, h * 0.8], fill=(30, 30, 230))
        if inverse[o] is not None:
            im = im.transpose(inverse[o])
        exif = Image.Exif()
        exif[0x0112] = o
        im.save("%s/o%d_%d.jpg" % (sys.argv[1], o, w), quality=95, subsampling=2,
                exif=exif.tobytes())
PY
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -p hflip \
	-m exec -M cmd="python3 $VSR_SRC/tests/server/exec_save.py shown" -q -o run

/usr/bin/python3 - run/samples.jsonl shown img <<'PY' || fail "a mirrored image is not the mirror of the image as shown"
import json, os, sys
from PIL import Image, ImageChops, ImageOps
samples, shown, img = sys.argv[1:]
keys = {}
for line in open(samples):
    s = json.loads(line)
    keys.setdefault(os.path.basename(s["image"]), {})[s["variant"]] = s["key"]

def features(im):
    """The red disc's and the blue bar's pixel counts and centres."""
    w, h = im.size
    acc = {"disc": [0, 0, 0], "bar": [0, 0, 0]}
    for i, (r, g, b) in enumerate(im.getdata()):
        k = "disc" if r > 180 and g < 90 and b < 90 else "bar" if b > 180 and r < 90 and g < 90 else None
        if k:
            a = acc[k]
            a[0] += 1
            a[1] += i % w
            a[2] += i // w
    return {k: (n, x / n, y / n) for k, (n, x, y) in acc.items() if n}

bad = []
for name in sorted(os.listdir(img)):
    v = keys.get(name, {})
    if set(v) != {"base", "hflip"}:
        bad.append("%s: tasks %s" % (name, sorted(v)))
        continue
    base = Image.open(os.path.join(shown, v["base"]))
    up = ImageOps.exif_transpose(Image.open(os.path.join(img, name))).convert("RGB")
    for what, im in (("the image", base), ("its mirror", Image.open(os.path.join(shown, v["hflip"])))):
        if im.getexif().get(0x0112, 1) != 1:
            bad.append("%s: %s was sent with orientation %s" % (name, what, im.getexif().get(0x0112)))
    if base.size != up.size:
        bad.append("%s: sent %dx%d, shown %dx%d" % ((name,) + base.size + up.size))
    else:
        fb, fu = features(base.convert("RGB")), features(up)
        for k in ("disc", "bar"):
            if k in fu and (k not in fb or abs(fb[k][1] - fu[k][1]) > 1 or abs(fb[k][2] - fu[k][2]) > 1):
                bad.append("%s: the %s is not where the picture as shown has it" % (name, k))
        if name.endswith("_640.jpg"):
            diff = ImageChops.difference(up, base.convert("RGB")).getextrema()
            if max(hi for _, hi in diff) > 3:
                bad.append("%s: the upright pixels differ from the picture shown by up to %d"
                           % (name, max(hi for _, hi in diff)))
    mir = ImageOps.exif_transpose(Image.open(os.path.join(shown, v["hflip"]))).convert("RGB")
    w, h = up.size
    if mir.size != up.size:
        bad.append("%s: shown %dx%d, its mirror %dx%d" % ((name,) + up.size + mir.size))
        continue
    fu, fm = features(up), features(mir)
    for k in ("disc", "bar"):
        if k not in fu or k not in fm:
            bad.append("%s: no %s in %s" % (name, k, "the original" if k not in fu else "the mirror"))
            continue
        (n, x, y), (n2, x2, y2) = fu[k], fm[k]
        if abs(w - 1 - x - x2) > 1 or abs(y - y2) > 1 or abs(n - n2) > 0.03 * n:
            bad.append("%s: the %s at (%.1f, %.1f) is at (%.1f, %.1f) in the mirror, not (%.1f, %.1f)"
                       % (name, k, x, y, x2, y2, w - 1 - x, y))
    if name.endswith("_640.jpg"):
        diff = ImageChops.difference(ImageOps.mirror(up), mir).getextrema()
        if max(hi for _, hi in diff) > 3:
            bad.append("%s: pixels differ from the mirror by up to %d" % (name, max(hi for _, hi in diff)))
if bad:
    sys.exit("\n".join(bad))
PY
echo ok

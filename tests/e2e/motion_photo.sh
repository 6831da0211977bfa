#!/usr/bin/env bash
# Phones' photos with more after the picture: a Google motion photo (an MP4
# appended after the JPEG's end-of-image marker), a Samsung one (the marker
# "MotionPhoto_Data", the MP4, a SEF trailer), and an MPO (a 3D camera's
# pictures one after the other), also named .jpg.  Every viewer shows the
# first picture; the model must be sent that picture alone, not a megabyte
# of video, and -p hflip must mirror it.  Before: the motion photos were
# refused as "the JPEG is cut short: no end-of-image marker" (exit 3; the
# check looked for the marker only in the file's last bytes), and an MPO
# was sent whole, both pictures in one request.  The MPO's picture is sent
# without its multi-picture index (APP2 "MPF"), which would name pictures
# no longer there (PIL read such a picture as a 2-frame MPO).  A PNG with
# data appended after its IEND chunk is taken the same way.
#
# Expected bytes come from how the files were made: the JPEG PIL wrote
# before the video was appended; for the MPO, the size of its first
# picture in the file's own MP index (PIL's mpinfo, tag B002), less the
# index's segment.  A -m exec
# child (tests/server/exec_save.py) keeps what it is sent.
. "$(dirname "$0")/lib.bash"
need_pil
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img

/usr/bin/python3 - img <<'PY'
import io, os, sys
from PIL import Image, ImageDraw
d = sys.argv[1]
def pic(flip=False):
    im = Image.new("RGB", (640, 480), (90, 140, 90))
    ImageDraw.Draw(im).ellipse([100, 100, 200, 200], fill=(230, 30, 30))
    return im.transpose(Image.Transpose.FLIP_LEFT_RIGHT) if flip else im
b = io.BytesIO()
pic().save(b, "JPEG", quality=90)
jpeg = b.getvalue()
open(d + "/../picture.jpg", "wb").write(jpeg)
# An ISO media file: ftyp, then a megabyte of mdat.
mdat = bytes(range(256)) * 4096
mp4 = b"\0\0\0\x18ftypmp42\0\0\0\0isommp42" + (8 + len(mdat)).to_bytes(4, "big") + b"mdat" + mdat
open(d + "/google.jpg", "wb").write(jpeg + mp4)
open(d + "/samsung.jpg", "wb").write(jpeg + b"MotionPhoto_Data" + mp4 +
                                      b"\0\0\0\x30SEFH" + b"\0" * 40 + b"SEFT")
pic().save(d + "/stereo.mpo", save_all=True, append_images=[pic(True)])
os.link(d + "/stereo.mpo", d + "/stereo.jpg")
PY
mpo_first=$(/usr/bin/python3 -c 'import sys; from PIL import Image
print(Image.open(sys.argv[1]).mpinfo[0xB002][0]["Size"])' img/stereo.mpo)
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -p hflip \
	-m exec -M cmd="python3 $VSR_SRC/tests/server/exec_save.py shown" -q -o run
# Said once, naming the first file and what follows its picture.
[ "$(grep -c 'warning: ' "$T/err")" = 1 ] || fail "expected one warning: $(cat "$T/err")"
expect_err "after its JPEG picture: only the picture ("
expect_err "is sent"

/usr/bin/python3 - run/samples.jsonl shown img picture.jpg "$mpo_first" <<'PY' || fail "the pictures sent are not the files' first pictures"
import io, json, os, sys
from PIL import Image, ImageChops, ImageOps
samples, shown, img, picture, mpo_first = sys.argv[1:]
want = {"google.jpg": open(picture, "rb").read(), "samsung.jpg": open(picture, "rb").read()}
def without_mpf(j):
    """The JPEG j without its APP2 "MPF" segments (walked by their lengths, to the first scan)."""
    out, i = j[:2], 2
    while j[i] == 0xFF and j[i + 1] != 0xDA:
        n = 2 + int.from_bytes(j[i + 2:i + 4], "big")
        if not (j[i + 1] == 0xE2 and j[i + 4:i + 8] == b"MPF\0"):
            out += j[i:i + n]
        i += n
    return out + j[i:]
for n in ("stereo.mpo", "stereo.jpg"):
    want[n] = without_mpf(open(os.path.join(img, n), "rb").read()[:int(mpo_first)])
keys = {}
for line in open(samples):
    s = json.loads(line)
    keys.setdefault(os.path.basename(s["image"]), {})[s["variant"]] = s["key"]
bad = []
for name, w in sorted(want.items()):
    v = keys.get(name, {})
    if set(v) != {"base", "hflip"}:
        bad.append("%s: tasks %s" % (name, sorted(v)))
        continue
    base = open(os.path.join(shown, v["base"]), "rb").read()
    if base != w:
        bad.append("%s: sent %d bytes, not its first picture's %d" % (name, len(base), len(w)))
    if Image.open(io.BytesIO(base)).format != "JPEG":
        bad.append("%s: the picture sent still reads as %s" % (name, Image.open(io.BytesIO(base)).format))
    mir = open(os.path.join(shown, v["hflip"]), "rb").read()
    if len(mir) > 2 * len(w):
        bad.append("%s: the mirror is %d bytes" % (name, len(mir)))
    up = Image.open(io.BytesIO(w)).convert("RGB")
    m = Image.open(io.BytesIO(mir)).convert("RGB")
    diff = max(hi for _, hi in ImageChops.difference(ImageOps.mirror(up), m).getextrema())
    if diff > 2:
        bad.append("%s: the mirror differs from the picture mirrored by up to %d" % (name, diff))
if bad:
    sys.exit("\n".join(bad))
PY

# A PNG with data appended after its IEND chunk (some programs do): taken,
# the PNG alone sent.  Before: refused as "the PNG has no IEND chunk: it is
# cut short" once the data was longer than the 2 KiB read from the end.
mkdir png
/usr/bin/python3 - <<'EOF'
from PIL import Image
Image.new("RGB", (64, 48), (90, 140, 90)).save("picture.png")
open("png/appended.png", "wb").write(open("picture.png", "rb").read() + b"PK\3\4" + b"z" * 5000)
EOF
vsr_left_of_split png data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images png -t yn01 \
	-m exec -M cmd="python3 $VSR_SRC/tests/server/exec_save.py shown-png" -q -o run-png
expect_err "png/appended.png holds other data after its PNG picture: only the picture ("
cmp -s shown-png/"$(jq -r .key run-png/samples.jsonl)" picture.png || fail "the PNG sent is not the PNG alone"

# The check still refuses a JPEG cut in its image data, whatever follows.
head -c 3000 picture.jpg >img/cut.jpg
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 3 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -m builtin:yes -q -o run2
expect_err "img/cut.jpg: the JPEG is cut short: no end-of-image marker"
echo ok

#!/usr/bin/env bash
# MMBench's own TSV holds its images as base64.  A JPEG there with an EXIF
# orientation (a phone's photo stored sideways) is sent upright, as a file
# image is (e2e/hflip_exif): the picture a viewer shows, with no turn left in
# its tag.  Before, the base64 text went to the server as it was, so a server
# that ignores the tag (SGLang, a script with PIL's Image.open) saw it sideways.
#
# PIL draws each picture upright (a red disc top left, a blue bar bottom
# right), stores it turned by the inverse of orientations 3, 6 and 8 with the
# tag, at 64 x 48 (whole MCUs: the lossless turn) and at 66 x 50 (partial
# MCUs: decoded and re-encoded), and as a PNG with orientation 6 in its eXIf.  Each goes into a row of a generated
# MMBench TSV; the loopback server keeps every request (--dump-req).  The
# image of each request must be, opened with PIL as stored, the picture PIL's
# ImageOps.exif_transpose shows of the row's image: the same size, the disc
# and the bar where they are, no orientation other than 1.  One upright
# JPEG's base64 must reach the server as it is in the file.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
need_pil
cd "$T"
mkdir -p mm/mmbench dump

/usr/bin/python3 - mm/mmbench/MMBench_DEV_EN.tsv <<'PY'
import base64, io, sys
from PIL import Image, ImageDraw
T = Image.Transpose
inverse = {1: None, 3: T.ROTATE_180, 6: T.ROTATE_90, 8: T.ROTATE_270}
rows = []
for w, h in ((64, 48), (66, 50)):
    for o in (1, 3, 6, 8):
        im = Image.new("RGB", (w, h), (90, 140, 90))
        d = ImageDraw.Draw(im)
        d.ellipse([4, 4, 20, 20], fill=(230, 30, 30))
        d.rectangle([w - 24, h - 14, w - 4, h - 4], fill=(30, 30, 230))
        if inverse[o] is not None:
            im = im.transpose(inverse[o])
        exif = Image.Exif()
        exif[0x0112] = o
        b = io.BytesIO()
        im.save(b, "JPEG", quality=95, subsampling=2, exif=exif.tobytes())
        idx = len(rows) + 1
        rows.append([str(idx), "Where is the disc? (o%d %dx%d)" % (o, w, h), "", "top left",
                     "bottom right", "", "", "A", "spatial_relationship",
                     base64.b64encode(b.getvalue()).decode(), "x", "", "", "dev"])
# A PNG with orientation 6 in its eXIf chunk: turned too, sent without the chunk.
im = Image.new("RGB", (64, 48), (90, 140, 90))
d = ImageDraw.Draw(im)
d.ellipse([4, 4, 20, 20], fill=(230, 30, 30))
d.rectangle([40, 34, 60, 44], fill=(30, 30, 230))
exif = Image.Exif()
exif[0x0112] = 6
b = io.BytesIO()
im.transpose(T.ROTATE_90).save(b, "PNG", exif=exif.tobytes())
rows.append([str(len(rows) + 1), "Where is the disc? (png o6 64x48)", "", "top left", "bottom right",
             "", "", "A", "spatial_relationship", base64.b64encode(b.getvalue()).decode(), "x", "",
             "", "dev"])
with open(sys.argv[1], "w") as f:
    f.write("index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n")
    for r in rows:
        f.write("\t".join(r) + "\n")
PY

start_server llm --dump-req dump
expect_exit 0 "$VSRBENCH" run -s mmbench -S circular=off --data mm -m openai \
	-M base_url="http://127.0.0.1:$PORT/v1" -M model=m -q -o run
grep -q "sent upright" "$T/err" || fail "the turn is not said: $(cat "$T/err")"

/usr/bin/python3 - dump mm/mmbench/MMBench_DEV_EN.tsv <<'PY' || fail "an image was not sent upright"
import base64, io, json, os, re, sys
from PIL import Image, ImageOps
dump, tsv = sys.argv[1:]
want = {}
for line in open(tsv).read().splitlines()[1:]:
    f = line.split("\t")
    want[f[1]] = f[9]

def features(im):
    """The red disc's and the blue bar's centres."""
    w, h = im.size
    acc = {"disc": [0, 0, 0], "bar": [0, 0, 0]}
    for i, (r, g, b) in enumerate(im.convert("RGB").getdata()):
        k = "disc" if r > 180 and g < 90 and b < 90 else "bar" if b > 180 and r < 90 and g < 90 else None
        if k:
            acc[k][0] += 1
            acc[k][1] += i % w
            acc[k][2] += i // w
    return {k: (x / n, y / n) for k, (n, x, y) in acc.items() if n}

bad, seen = [], set()
for name in sorted(os.listdir(dump)):
    body = json.load(open(os.path.join(dump, name)))
    parts = body["messages"][-1]["content"]
    text = next(p["text"] for p in parts if p["type"] == "text")
    q = next(k for k in want if k in text)
    url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
    sent_b64 = url.split(",", 1)[1]
    seen.add(q)
    sent = Image.open(io.BytesIO(base64.b64decode(sent_b64)))
    orient = sent.getexif().get(0x0112, 1)
    shown = ImageOps.exif_transpose(Image.open(io.BytesIO(base64.b64decode(want[q]))))
    if orient != 1:
        bad.append("%s: sent with orientation %d" % (q, orient))
    if sent.size != shown.size:
        bad.append("%s: sent %s, shown %s" % (q, sent.size, shown.size))
        continue
    fs, fw = features(sent), features(shown)
    for k in ("disc", "bar"):
        if k not in fs or abs(fs[k][0] - fw[k][0]) > 1 or abs(fs[k][1] - fw[k][1]) > 1:
            bad.append("%s: %s at %s, shown at %s" % (q, k, fs.get(k), fw[k]))
    if "(o1 " in q and sent_b64 != want[q]:
        bad.append("%s: an upright image was not sent as it is in the file" % q)
if seen != set(want):
    bad.append("requests for %s, rows %s" % (sorted(seen), sorted(want)))
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo ok

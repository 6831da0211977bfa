#!/usr/bin/env bash
# GIFs that do not end in their trailer (3B): one without it (its blocks
# whole: a writer that stopped one byte early), one with other data after it
# (a tool appended bytes), an animated one without it.  PIL, browsers and
# stb_image show all three; vsrbench refused them as "cut short".  Now they
# are sent, as the picture: with the trailer added to the first and the
# third (so that a decoder that reads every frame, as Go's image/gif
# DecodeAll does, takes them too), cut after it for the second, each said
# once on stderr.  A GIF cut inside its picture's data is still refused
# before any request, named, with exit 3; so is one whose bytes after the
# header start no GIF block.
#
# The GIFs are PIL's; the bytes each must be sent as are computed here from
# the file PIL wrote (its trailer is its last byte), and every image the
# loopback server received (--dump-req) must be one of them, each once, and
# open whole in PIL, every frame.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
need_pil
cd "$T"
mkdir -p data/vsr/data/splits/zeroshot img bad dump

/usr/bin/python3 - img bad want <<'PY'
import io, os, sys
from PIL import Image, ImageDraw
img, bad, want = sys.argv[1:]
os.makedirs(want)

def frame(x):
    im = Image.new("P", (40, 30), 0)
    im.putpalette([90, 140, 90, 230, 30, 30] + [0] * 762)
    ImageDraw.Draw(im).ellipse([x, 4, x + 12, 16], fill=1)
    return im

def gif(frames):
    b = io.BytesIO()
    frames[0].save(b, "GIF", save_all=len(frames) > 1, append_images=frames[1:], duration=100)
    g = b.getvalue()
    assert g[-1] == 0x3B
    return g

# Each picture its own (the disc elsewhere), so that the bytes sent tell which file they are.
one = [gif([frame(x)]) for x in (2, 6, 10, 14)]
anim = gif([frame(4), frame(20)])
files = {
    "whole.gif": (one[0], one[0]),
    "notrailer.gif": (one[1][:-1], one[1]),
    "after.gif": (one[2] + b"appended by some tool\n", one[2]),
    "anim_notrailer.gif": (anim[:-1], anim),
}
for name, (stored, sent) in files.items():
    open(os.path.join(img, name), "wb").write(stored)
    open(os.path.join(want, name), "wb").write(sent)
open(os.path.join(bad, "cut.gif"), "wb").write(one[3][: len(one[3]) // 2])
open(os.path.join(bad, "junk.gif"), "wb").write(one[3][:-1] + b"\x99more")
PY
vsr_left_of_split img data/vsr/data/splits/zeroshot/test.jsonl
start_server llm --dump-req dump
expect_exit 0 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images img -t yn01 -m openai \
	-M base_url="http://127.0.0.1:$PORT/v1" -M model=m -q -o run
expect_err "img/after.gif holds other data after its GIF picture: only the picture"
expect_err "lacks the trailer (3B) that ends a GIF; its pictures are whole, and it is sent with the trailer added"
/usr/bin/python3 - dump want <<'PY' || fail "a GIF was not sent as its picture"
import base64, io, json, os, sys
from PIL import Image
dump, want = sys.argv[1:]
expect = {open(os.path.join(want, n), "rb").read(): n for n in os.listdir(want)}
bad, got = [], []
for name in sorted(os.listdir(dump)):
    parts = json.load(open(os.path.join(dump, name)))["messages"][-1]["content"]
    url = next(p["image_url"]["url"] for p in parts if p["type"] == "image_url")
    assert url.startswith("data:image/gif;base64,"), url[:40]
    sent = base64.b64decode(url.split(",", 1)[1])
    if sent not in expect:
        bad.append("%s: %d bytes sent, none of the expected images" % (name, len(sent)))
        continue
    got.append(expect[sent])
    im = Image.open(io.BytesIO(sent))
    for k in range(getattr(im, "n_frames", 1)):
        im.seek(k)
        im.load()
if sorted(got) != sorted(expect.values()):
    bad.append("sent %s, expected %s" % (sorted(got), sorted(expect.values())))
print("\n".join(bad), file=sys.stderr)
sys.exit(1 if bad else 0)
PY

# What no decoder takes whole is refused before any request, named.
n=$(requests_sent)
vsr_left_of_split bad data/vsr/data/splits/zeroshot/test.jsonl
expect_exit 3 "$VSRBENCH" run -s vsr-zeroshot-test --data data --images bad -t yn01 -m openai \
	-M base_url="http://127.0.0.1:$PORT/v1" -M model=m -q -o run2
expect_err "bad/cut.gif: the GIF is cut short: it stops before its first picture is whole and has no trailer (3B)"
expect_err "bad/junk.gif: the GIF is damaged: no trailer (3B) at its end, and byte"
[ "$(requests_sent)" = "$n" ] || fail "a request was sent for a GIF cut short"
echo ok

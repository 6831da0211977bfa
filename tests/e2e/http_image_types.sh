#!/usr/bin/env bash
# Issue 21 §5: an image type a provider does not take (BMP: not for
# Anthropic, Gemini, Ollama or OpenAI's own endpoint; their documented
# lists) is converted to PNG before it is sent: the request bodies the
# loopback server received carry PNGs whose pixels are the BMPs' (decoded
# here by a small PNG reader of its own, against the pixels the generator
# wrote), the conversion is said once on stderr and in every journal
# line's meta.  What cannot be converted (an RLE-compressed BMP; a GIF for
# Gemini) still stops the run before it is sent: exit 3 naming the item,
# its type, what the API takes and why it was not converted.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
mkdir -p data/vsr/data/splits/zeroshot img dump
# Three BMPs written by hand (24 bits bottom-up with row padding, 8 bits
# with a palette top-down, 16 bits 5-6-5 bit fields) and what their pixels
# are, as RGB rows top first (expected.json); plus an RLE8 one.
python3 - img expected.json <<'PY'
import json, struct, sys
d, exp = sys.argv[1], {}

def bmp(name, w, h, bpp, rows_bytes, comp=0, extra=b"", top_down=False, palette=b""):
    pix = b"".join(rows_bytes if top_down else rows_bytes[::-1])
    off = 14 + 40 + len(extra) + len(palette)
    hdr = struct.pack("<2sIHHI", b"BM", off + len(pix), 0, 0, off)
    info = struct.pack("<IiiHHIIiiII", 40, w, -h if top_down else h, 1, bpp, comp, len(pix),
                       2835, 2835, len(palette) // 4, 0)
    open("%s/%s" % (d, name), "wb").write(hdr + info + extra + palette + pix)

def pad(b):
    return b + b"\0" * (-len(b) % 4)

# 24 bits, 5 x 3: pixel (x, y) = (40x, 80y, 7x + 11y + 3)
rgb = [[(40 * x, 80 * y, 7 * x + 11 * y + 3) for x in range(5)] for y in range(3)]
bmp("b24.bmp", 5, 3, 24, [pad(b"".join(bytes((b, g, r)) for r, g, b in row)) for row in rgb])
exp["b24.bmp"] = rgb
# 8 bits, 3 x 2, a palette of 4 colours (B, G, R, 0 each), top-down.
pal = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (12, 34, 56)]
idx = [[0, 1, 2], [3, 3, 1]]
bmp("b8.bmp", 3, 2, 8, [pad(bytes(r)) for r in idx], top_down=True,
    palette=b"".join(bytes((b, g, r, 0)) for r, g, b in pal))
exp["b8.bmp"] = [[pal[i] for i in r] for r in idx]
# 16 bits, 2 x 2, BI_BITFIELDS 5-6-5: each channel scaled to 8 bits, rounded.
vals = [[(31, 0, 10), (1, 63, 0)], [(0, 32, 31), (16, 5, 2)]]
bmp("b16.bmp", 2, 2, 16,
    [pad(b"".join(struct.pack("<H", r << 11 | g << 5 | b) for r, g, b in row)) for row in vals],
    comp=3, extra=struct.pack("<III", 0xF800, 0x07E0, 0x001F))
exp["b16.bmp"] = [[(round(r * 255 / 31), round(g * 255 / 63), round(b * 255 / 31))
                   for r, g, b in row] for row in vals]
# RLE8 (compression 1): not decoded.
bmp("rle.bmp", 2, 1, 8, [b"\x02\x00\x00\x01"], comp=1, palette=b"\0\0\0\0")
json.dump(exp, open(sys.argv[2], "w"))
PY
printf 'GIF89a\x01\x00\x01\x00\x00\x00\x00;' >img/g.gif
line() { printf '{"image": "%s", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$1"; }
{ line b24.bmp; line b8.bmp; line b16.bmp; } >data/vsr/data/splits/zeroshot/test.jsonl
cp -r data data_rle
line rle.bmp >data_rle/vsr/data/splits/zeroshot/test.jsonl
cp -r data data_gif
line g.gif >data_gif/vsr/data/splits/zeroshot/test.jsonl

# pngs_in FIRST [EXPECTED]: the PNGs in the request bodies the server kept
# from index FIRST on, decoded (a reader of its own: zlib + the five row
# filters), checked against EXPECTED (expected.json): every body's image is
# one of its pixel grids, and each was sent.
pngs_in() {
	python3 - dump "$1" "${2:-expected.json}" <<'PY'
import base64, binascii, json, os, struct, sys, zlib
d, first, exp = sys.argv[1], int(sys.argv[2]), json.load(open(sys.argv[3]))
want = {k: [[list(p) for p in row] for row in v] for k, v in exp.items()}

def png_pixels(b):
    assert b[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    i, idat, ihdr = 8, b"", None
    while i < len(b):
        n, t = struct.unpack(">I4s", b[i:i + 8])
        c = b[i + 8:i + 8 + n]
        if t == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", c)
        elif t == b"IDAT":
            idat += c
        i += 12 + n
    w, h, depth, ctype, _, _, interlace = ihdr
    assert depth == 8 and ctype in (2, 6) and interlace == 0, ihdr
    bpp = 3 if ctype == 2 else 4
    raw, rows, prev, o = zlib.decompress(idat), [], bytearray(w * bpp), 0
    for y in range(h):
        f, line = raw[o], bytearray(raw[o + 1:o + 1 + w * bpp])
        o += 1 + w * bpp
        for x in range(len(line)):
            a = line[x - bpp] if x >= bpp else 0
            up, c = prev[x], prev[x - bpp] if x >= bpp else 0
            if f == 1: line[x] = (line[x] + a) & 255
            elif f == 2: line[x] = (line[x] + up) & 255
            elif f == 3: line[x] = (line[x] + (a + up) // 2) & 255
            elif f == 4:
                p = a + up - c
                pa, pb, pc = abs(p - a), abs(p - up), abs(p - c)
                pr = a if pa <= pb and pa <= pc else up if pb <= pc else c
                line[x] = (line[x] + pr) & 255
        rows.append([list(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return rows

def strings(v):
    if isinstance(v, str):
        yield v
    elif isinstance(v, dict):
        for x in v.values(): yield from strings(x)
    elif isinstance(v, list):
        for x in v: yield from strings(x)

seen = set()
for f in sorted(os.listdir(d)):
    if int(f.split(".")[0]) < first:
        continue
    body = json.load(open(os.path.join(d, f)))
    imgs = []
    for s in strings(body):
        s = s.split(",", 1)[1] if s.startswith("data:") else s
        try:
            raw = base64.b64decode(s, validate=True)
        except (binascii.Error, ValueError):
            continue
        if raw[:2] == b"BM":
            sys.exit("%s: a BMP was sent" % f)
        if raw[:8] == b"\x89PNG\r\n\x1a\n":
            imgs.append(png_pixels(raw))
    if len(imgs) != 1:
        sys.exit("%s: %d PNG images in the body" % (f, len(imgs)))
    names = [k for k, v in want.items() if v == imgs[0]]
    if not names:
        sys.exit("%s: pixels %r are none of the BMPs'" % (f, imgs[0]))
    seen.update(names)
if seen != set(want):
    sys.exit("BMPs never sent: %s" % sorted(set(want) - seen))
print(len(seen))
PY
}

start_server llm --dump-req "$T/dump"
KEY="sk-test-$RANDOM$RANDOM-marker" # the server checks no key (started without one)
declare -A URL=([openai]="http://127.0.0.1:$PORT/v1" [ollama]="http://127.0.0.1:$PORT"
	[anthropic]="http://127.0.0.1:$PORT/v1" [gemini]="http://127.0.0.1:$PORT/v1beta")
envs=(env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY")
for kind in anthropic gemini ollama openai; do
	n0=$(server_log "$PORT" | jq length)
	extra=()
	[ "$kind" = openai ] && extra=(-M preset=openai) # OpenAI's own endpoint (a vLLM takes BMP)
	expect_exit 0 "${envs[@]}" "$V" run -s vsr-zeroshot-test --data data --images img -t yn01 \
		-m "$kind" -M "base_url=${URL[$kind]}" -M model=m "${extra[@]}" -q -o "r$kind"
	[ "$(grep -c 'converted to PNG' "$T/err")" = 1 ] ||
		fail "$kind: the conversion is not said once on stderr: $(cat "$T/err")"
	expect_err "its image is image/bmp, which this API does not take"
	[ "$(pngs_in "$n0")" = 3 ] || { cat "r$kind/samples.jsonl" >&2; ls dump >&2; fail "$kind: not every BMP was sent as its PNG"; }
	jq -e -s 'length == 3 and all(.[]; .meta.image_converted == "image/bmp")' \
		"r$kind/samples.jsonl" >/dev/null ||
		fail "$kind: journal meta: $(jq -c .meta "r$kind/samples.jsonl")"
done
# -p hflip on a BMP: the mirrored image is the BMP's pixels, each row
# reversed, sent as a PNG (the grids here reversed by jq, not by vsrbench).
jq 'with_entries(.) + (to_entries | map({key: (.key + " mirrored"), value: (.value | map(reverse))})
	| from_entries)' expected.json >expected_hflip.json
n0=$(server_log "$PORT" | jq length)
expect_exit 0 "${envs[@]}" "$V" run -s vsr-zeroshot-test --data data --images img -t yn01 -p hflip \
	-m anthropic -M "base_url=${URL[anthropic]}" -M model=m -q -o rhflip
[ "$(pngs_in "$n0" expected_hflip.json)" = 6 ] || fail "hflip: not every BMP and its mirror were sent as PNGs"
jq -e -s 'length == 6 and (map(select(.variant == "hflip")) | length) == 3' rhflip/samples.jsonl >/dev/null ||
	fail "hflip: $(jq -c '[.variant, .error]' rhflip/samples.jsonl)"

# A server that takes BMP (a vLLM: no list) gets the BMP as it is.
n0=$(server_log "$PORT" | jq length)
expect_exit 0 "${envs[@]}" "$V" run -s vsr-zeroshot-test --data data --images img -t yn01 \
	-m openai -M "base_url=${URL[openai]}" -M model=m -q -o rvllm
grep -q 'converted' "$T/err" && fail "a BMP was converted for a server that takes it"
jq -e -s 'all(.[]; .meta.image_converted == null)' rvllm/samples.jsonl >/dev/null ||
	fail "rvllm: meta says converted"
[ "$(server_log "$PORT" | jq length)" -gt "$n0" ] || fail "rvllm: nothing sent"

# What cannot be converted is still refused before it is sent.
for kind in anthropic ollama; do
	n0=$(server_log "$PORT" | jq length)
	expect_exit 3 "${envs[@]}" "$V" run -s vsr-zeroshot-test --data data_rle --images img \
		-t yn01 -m "$kind" -M "base_url=${URL[$kind]}" -M model=m -q -o "rle$kind"
	expect_err "vsr-zeroshot-test item "
	expect_err "its image is image/bmp, which -m $kind does not take (only "
	expect_err "cannot be converted: BMP compression RLE8 is not decoded"
	expect_err "convert the images to PNG or JPEG first"
	expect_one_line_err
	[ "$(server_log "$PORT" | jq length)" = "$n0" ] || fail "$kind: an RLE BMP was sent"
done
expect_err "(only jpeg, png, gif, webp)"
n0=$(server_log "$PORT" | jq length)
expect_exit 3 "${envs[@]}" "$V" run -s vsr-zeroshot-test --data data_gif --images img -t yn01 \
	-m gemini -M "base_url=${URL[gemini]}" -M model=m -q -o gifgemini
expect_err "its image is image/gif, which -m gemini does not take"
expect_err "cannot be converted: vsrbench converts only BMP images"
[ "$(server_log "$PORT" | jq length)" = "$n0" ] || fail "gemini: a GIF was sent"
echo ok

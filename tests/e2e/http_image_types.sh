#!/usr/bin/env bash
# Issue 21 §5: an image type a provider does not take (BMP: not for
# Anthropic, Gemini, Ollama or OpenAI's own endpoint; their documented
# lists) stops the run before that image is sent: exit 3 naming the item,
# its type and what the API takes.  The loopback server's log shows no
# request carried it.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
mkdir -p data/vsr/data/splits/zeroshot img
# A 2 x 2 24-bit BMP, written by hand (BITMAPINFOHEADER, rows padded to 4 bytes).
python3 - img/b.bmp <<'PY'
import struct, sys
row = b"\x00\x00\xff\x00\xff\x00" + b"\x00\x00"
pix = row * 2
hdr = struct.pack("<2sIHHI", b"BM", 54 + len(pix), 0, 0, 54)
info = struct.pack("<IiiHHIIiiII", 40, 2, 2, 1, 24, 0, len(pix), 2835, 2835, 0, 0)
open(sys.argv[1], "wb").write(hdr + info + pix)
PY
line() { printf '{"image": "%s", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$1"; }
line b.bmp >data/vsr/data/splits/zeroshot/test.jsonl
start_fake_apis
for kind in anthropic gemini ollama openai; do
	n0=$(server_log "$PORT" | jq length)
	extra=()
	[ "$kind" = openai ] && extra=(-M preset=openai) # OpenAI's own endpoint (a vLLM takes BMP)
	expect_exit 3 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -s vsr-zeroshot-test --data data --images img -t yn01 -m "$kind" \
		-M "base_url=${URL[$kind]}" -M model=m "${extra[@]}" -q -o "r$kind"
	expect_err "vsr-zeroshot-test item "
	expect_err "its image is image/bmp, which -m $kind does not take (only "
	expect_err "convert the images to PNG or JPEG first"
	[ "$(server_log "$PORT" | jq length)" = "$n0" ] || fail "$kind: a BMP was sent"
done
expect_err "(only png, jpeg, webp, gif)"
echo ok

#!/usr/bin/env bash
# Broken image files are bad data named before any request (exit 3), not
# model failures paid for and retried on every resume: a zero-byte .jpg, a
# HEIC named .jpg, a JPEG cut in its image data, a PNG without its IEND
# chunk; under -p hflip, a GIF or WebP (mirroring takes JPEG, PNG, BMP).
# For VSR, MME and SEED-Bench, with a loopback OpenAI-shaped server that
# counts the requests: none for a refused run, --dry-run refuses alike.
# --skip-missing-images skips them like missing ones, and says so on
# stderr (one warning line per suite), in run.json and in the reports.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
MK=$VSR_BUILD/tests/mkimage
mkdir -p data/vsr/data/splits/zeroshot img
S=data/vsr/data/splits/zeroshot/test.jsonl

# --- the fixtures, made here --------------------------------------------------
"$MK" img/good.jpg 64 48
"$MK" big.jpg 640 480 5
"$MK" good.png 64 48
: >img/empty.jpg
# An iPhone photo's start (ISO media, brand heic) under a .jpg name.
printf '\0\0\0\x18ftypheic\0\0\0\0mif1heic\0\0\0\x08free' >img/heic.jpg
# Cut in half: inside the entropy-coded data (the headers are ~600 bytes).
head -c $(($(stat -c %s big.jpg) / 2)) big.jpg >img/cut.jpg
[ "$(stat -c %s img/cut.jpg)" -gt 2000 ] || fail "big.jpg is too small to cut in its data"
# The PNG without its last 12 bytes: the IEND chunk.
head -c $(($(stat -c %s good.png) - 12)) good.png >img/noiend.png
# A whole JPEG with padding after its end-of-image marker: still whole.
{ cat big.jpg; head -c 300 /dev/zero; } >img/padded.jpg
printf 'GIF89a\x01\x00\x01\x00\x00\x00\x00;' >img/g.gif
python3 - img/w.webp <<'PY'
import struct, sys
vp8l = b"\x2f\x00\x00\x00\x00"  # a 1 x 1 lossless frame header
body = b"WEBP" + b"VP8L" + struct.pack("<I", len(vp8l)) + vp8l + b"\0"
open(sys.argv[1], "wb").write(b"RIFF" + struct.pack("<I", len(body)) + body)
PY
line() { printf '{"image": "%s", "image_link": "http://images.cocodataset.org/train2017/%s", "caption": "The cat is left of the dog.", "label": 1, "relation": "left of", "subj": "cat", "obj": "dog"}\n' "$1" "$1"; }

start_server llm
MODEL=(-m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m)
# refused CMD...: exit 3, one error line, not one request, no journal.
refused() {
	local n0
	n0=$(requests_sent)
	expect_exit 3 "$@"
	expect_one_line_err
	[ "$(requests_sent)" = "$n0" ] || fail "$(($(requests_sent) - n0)) requests reached the server: $*"
}

# --- VSR: three broken files, named with their items, lines and what is wrong --
{ line good.jpg; line empty.jpg; line heic.jpg; line cut.jpg; } >$S
refused "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -q -o r1
expect_err "3 of the images of vsr-zeroshot-test cannot be used (3 items; first: "
expect_err "item L00002 ($S:2) img/empty.jpg: empty file; "
expect_err "item L00003 (line 3) img/heic.jpg: not an image vsrbench can send (JPEG, PNG, GIF, WebP, BMP): looks like HEIC; "
expect_err "item L00004 (line 4) img/cut.jpg: the JPEG is cut short: no end-of-image marker)"
expect_err "--skip-missing-images"
[ -e r1/samples.jsonl ] && fail "a journal was started for a refused run"
refused "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" --dry-run
expect_err "3 of the images of vsr-zeroshot-test cannot be used"
# One alone: the item, its line, the file and what is wrong.
{ line good.jpg; line noiend.png; } >$S
refused "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -q -o r2
expect_err "vsr-zeroshot-test item L00002 ($S:2) img/noiend.png: the PNG has no IEND chunk"
# Padding after a JPEG's end is no cut: sent.
{ line good.jpg; line padded.jpg; } >$S
n0=$(requests_sent)
expect_exit 0 "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -q -o r3
[ "$(requests_sent)" = $((n0 + 2)) ] || fail "padded: $(($(requests_sent) - n0)) requests, expected 2"

# --- --skip-missing-images: skipped, counted with the missing, said on stderr ---
{ line good.jpg; line empty.jpg; line heic.jpg; line cut.jpg; line gone.jpg; line good.jpg; } >$S
n0=$(requests_sent)
expect_exit 0 "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -q --skip-missing-images -o r4
[ "$(requests_sent)" = $((n0 + 2)) ] || fail "skip: $(($(requests_sent) - n0)) requests, expected 2 (the good items)"
[ "$(grep -c 'warning: ' "$T/err")" = 1 ] || fail "expected one warning line: $(cat "$T/err")"
expect_err "warning: vsr-zeroshot-test: --skip-missing-images skipped 4 of 6 items: 1 image is missing, 3 images cannot be used (first: img/empty.jpg: empty file)"
jq -e '.suites[0].data | .skipped_missing_images == 4 and .unusable_images == 3 and .skipped_unusable_images == 3' \
	r4/run.json >/dev/null || fail "run.json: $(jq -c '.suites[0].data' r4/run.json)"
grep -qF "**4 items were skipped because their image is missing or cannot be used** (3 of them" r4/report.md ||
	fail "report.md: $(grep -i skipped r4/report.md)"
grep -qF "<b>4 items were skipped because their image is missing or cannot be used</b> (3 of them" r4/report.html ||
	fail "report.html lacks the skipped note"
# Missing images alone: the same warning (before, nothing on the terminal said so).
{ line good.jpg; line gone.jpg; line gone.jpg; } >$S
expect_exit 0 "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -q --skip-missing-images -o r5
expect_err "warning: vsr-zeroshot-test: --skip-missing-images skipped 2 of 3 items: 1 image is missing; the numbers are over the other 1"

# --- -p hflip: a GIF or WebP cannot be mirrored: refused up front --------------
for f in g.gif w.webp; do
	{ line good.jpg; line "$f"; } >$S
	refused "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -p hflip -q -o "h-$f"
	kind=GIF
	[ "$f" = w.webp ] && kind=WebP
	expect_err "vsr-zeroshot-test item L00002 ($S:2) img/$f: -p hflip cannot mirror a $kind image (JPEG, PNG and BMP only)"
	refused "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -p hflip --dry-run
	# Without hflip it is asked as it is (the in-process model: the
	# loopback server takes JPEG, PNG and BMP only).
	expect_exit 0 "$V" run -s vsr-unified --data data --images img -m builtin:yes -q -o "n-$f"
	[ "$(jq -s length "n-$f/samples.jsonl")" = 2 ] || fail "$f without hflip: not asked"
done
# With --skip-missing-images the mirrorable items run, both variants.
n0=$(requests_sent)
expect_exit 0 "$V" run -s vsr-unified --data data --images img "${MODEL[@]}" -p hflip -q --skip-missing-images -o h-skip
[ "$(requests_sent)" = $((n0 + 2)) ] || fail "hflip skip: $(($(requests_sent) - n0)) requests, expected 2"
expect_err "1 image cannot be used (first: img/w.webp: -p hflip cannot mirror a WebP image"

# --- MME: a list's empty image ------------------------------------------------
mkdir -p lists mimg
cp img/good.jpg mimg/a.jpg
: >mimg/b.jpg
printf 'a.jpg\tIs it left? Please answer yes or no.\tYes\na.jpg\tIs it right? Please answer yes or no.\tNo\nb.jpg\tIs it up? Please answer yes or no.\tYes\nb.jpg\tIs it down? Please answer yes or no.\tNo\n' \
	>lists/position.txt
refused "$V" run -s mme-position -S dir=lists --data data --images mimg "${MODEL[@]}" -q -o m1
expect_err "mme-position item position/b.jpg#1 (lists/position.txt:3) mimg/b.jpg: empty file"
n0=$(requests_sent)
expect_exit 0 "$V" run -s mme-position -S dir=lists --data data --images mimg "${MODEL[@]}" -q --skip-missing-images -o m2
[ "$(requests_sent)" = $((n0 + 2)) ] || fail "mme skip: $(($(requests_sent) - n0)) requests, expected 2"
expect_err "warning: mme-position: --skip-missing-images skipped 2 of 4 items: 1 image cannot be used (first: mimg/b.jpg: empty file)"

# --- SEED-Bench: a question whose image is a HEIC ------------------------------
mkdir -p data/seed simg
cp img/good.jpg simg/1_a.jpg
cp img/heic.jpg simg/1_b.jpg
python3 - data/seed/SEED-Bench.json <<'PY'
import json, sys
qs = [{"question_id": str(100 + i), "question": "Where is it %d?" % i, "choice_a": "a", "choice_b": "b",
       "choice_c": "c", "choice_d": "d", "answer": "A", "data_id": d, "data_type": "image",
       "question_type_id": 6} for i, d in enumerate(["1_a.jpg", "1_b.jpg"])]
json.dump({"questions": qs, "question_type": {"Instance Location": 4, "Spatial Relation": 6}},
          open(sys.argv[1], "w"))
PY
n0=$(requests_sent)
expect_exit 3 "$V" run -s seed-spatial --data data --images simg "${MODEL[@]}" -q -o s1
[ "$(requests_sent)" = "$n0" ] || fail "seed: a request reached the server"
tail -1 "$T/err" | grep -qF "error: seed-spatial item 101 (data/seed/SEED-Bench.json) simg/1_b.jpg: not an image vsrbench can send (JPEG, PNG, GIF, WebP, BMP): looks like HEIC" ||
	fail "seed error: $(cat "$T/err")"
echo ok

#!/usr/bin/env bash
# `vsrbench data pull vsr-unified` fetches the COCO images the unified test
# set's items name, from each item's image_link, against a loopback "COCO"
# server (tests/server/static_range.py serving generated JPEGs under
# train2017/ and val2017/, the real VSR files beside them).  Expected names
# come from python over the real split file, fetches from the server's log,
# the score from counting label==1 lines.
. "$(dirname "$0")/lib.bash"

need_shared_vsr
command -v python3 >/dev/null || { echo "skipped: python3 is needed for the test server"; exit 77; }
V=$VSRBENCH
cd "$T"

# --- the needed images, computed independently: distinct image_link paths ----
vsr_needed_images "$TEST_JSONL" >needed.txt
[ "$(wc -l <needed.txt)" = 715 ] || fail "expected 715 distinct images, found $(wc -l <needed.txt)"
[ "$(grep -c '^train2017/' needed.txt)" = 687 ] || fail "687 in train2017"
mkdir -p coco/train2017 coco/val2017
grep '^train2017/' needed.txt | sed 's|.*/||' >train.txt
grep '^val2017/' needed.txt | sed 's|.*/||' >val.txt
"$VSR_BUILD/tests/mkimage" --names train.txt coco/train2017 64 48
"$VSR_BUILD/tests/mkimage" --names val.txt coco/val2017 64 48
# An image no item names: must never be requested.
"$VSR_BUILD/tests/mkimage" coco/train2017/000000999999.jpg 64 48 7

# --- the server: coco/ for the images, the shared tree for the VSR files -----
: >rules
: >log
python3 "$VSR_SRC/tests/server/static_range.py" --root coco --root "$D" --rules rules --log log \
	>srv.out 2>srv.err &
SRV=$!
PULL=
trap 'kill $SRV 2>/dev/null; [ -n "$PULL" ] && kill -9 $PULL 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 200); do grep -q '^PORT' srv.out && break; sleep 0.05; done
PORT=$(awk '/^PORT/ { print $2 }' srv.out)
[ -n "$PORT" ] || fail "test server did not start: $(cat srv.err)"
S=http://127.0.0.1:$PORT
# The VSR files come from the loopback server too: no test touches the internet.
RW=(--rewrite "https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/b27a0af0ee1462d2b6b92c8c83e869d9254a241a/=$S/vsr/"
	--rewrite "http://images.cocodataset.org/=$S/")
image_gets() { grep -E '^GET /(train|val)2017/' log | awk '{ print $2 }' | sed 's|^/||'; }

# --- --list: every URL and target, nothing fetched ----------------------------
expect_exit 0 "$V" data pull vsr --data data "${RW[@]}"
: >log
expect_exit 0 "$V" data pull vsr-unified --list --data data "${RW[@]}"
[ "$(grep -c "^$S/train2017/.*	data/vsr/images/" "$T/out")" = 687 ] || fail "--list: $(head -3 "$T/out")"
[ "$(grep -c "^$S/val2017/" "$T/out")" = 28 ] || fail "--list val2017"
[ -z "$(image_gets)" ] || fail "--list fetched images"

# --- interrupted: two held transfers, kill -9 --------------------------------
H1=$(sed -n 100p needed.txt)
H2=$(sed -n 101p needed.txt)
printf 'hold /%s 200\nhold /%s 200\n' "$H1" "$H2" >rules
"$V" data pull vsr-unified -j 2 --data data "${RW[@]}" >pull1.out 2>pull1.err &
PULL=$!
for _ in $(seq 600); do [ "$(grep -c '^HOLD' log)" = 2 ] && break; sleep 0.05; done
[ "$(grep -c '^HOLD' log)" = 2 ] || fail "the two held transfers never started: $(tail -3 log)"
for _ in $(seq 200); do
	[ "$(stat -c %s "data/vsr/images/${H1##*/}.part" 2>/dev/null)" = 200 ] &&
		[ "$(stat -c %s "data/vsr/images/${H2##*/}.part" 2>/dev/null)" = 200 ] && break
	sleep 0.05
done
kill -9 $PULL
wait $PULL 2>/dev/null || true
PULL=
: >rules
ls data/vsr/images | grep -v '\.part$' | sort >done1.txt
N1=$(wc -l <done1.txt)
[ "$N1" -ge 90 ] && [ "$N1" -le 99 ] || fail "expected ~99 finished before the kill, got $N1"
[ -e "data/vsr/images/${H1##*/}" ] && fail "a held (partial) image is under its final name"

# --- resumed: nothing finished is fetched again, the .part files resume --------
: >log
expect_exit 0 "$V" data pull vsr-unified -j 4 --data data "${RW[@]}"
expect_out "vsr-unified: 715 of 715 images in data/vsr/images"
expect_out "trusted on first use"
image_gets | sed 's|.*/||' | sort >refetched.txt
[ -z "$(comm -12 done1.txt refetched.txt)" ] || fail "fetched again: $(comm -12 done1.txt refetched.txt | head -3)"
[ "$(image_gets | sort -u | wc -l)" = $((715 - N1)) ] || fail "expected $((715 - N1)) fetches, got $(image_gets | sort -u | wc -l)"
grep -q "^GET /$H1 range=bytes=200- status=206" log || fail "$H1 not resumed at byte 200: $(grep "$H1" log)"
grep -q '000000999999' log && fail "an image no item names was requested"
# Exactly the needed names, byte for byte.
(cd data/vsr/images && ls) | sort >have.txt
sed 's|.*/||' needed.txt | sort >want.txt
cmp -s have.txt want.txt || fail "images present differ from the needed names: $(diff have.txt want.txt | head -5)"
while read -r p; do cmp -s "coco/$p" "data/vsr/images/${p##*/}" || fail "$p differs"; done <needed.txt
# Recorded with their sha256, trusted on first use.
[ "$(jq '[.files | to_entries[] | select(.value.dataset == "vsr-images")] | length' data/.vsrbench-manifest.json)" = 715 ] ||
	fail "715 images in the record"
want_sha=$(sha256sum "coco/$H1" | cut -d' ' -f1)
[ "$(jq -r --arg k "vsr/images/${H1##*/}" '.files[$k].sha256' data/.vsrbench-manifest.json)" = "$want_sha" ] ||
	fail "recorded sha256 of $H1"

# --- a second pull fetches nothing -------------------------------------------
: >log
expect_exit 0 "$V" data pull vsr-unified --data data "${RW[@]}"
[ -z "$(image_gets)" ] || fail "a complete pull fetched again: $(image_gets | head -3)"
expect_out "(0 fetched, 715 already present)"

# --- verify detects a changed image -------------------------------------------
expect_exit 0 "$V" data verify vsr --data data
cp data/vsr/images/${H2##*/} saved.jpg
printf 'x' >>"data/vsr/images/${H2##*/}"
expect_exit 3 "$V" data verify vsr --data data
expect_err "vsr/images/${H2##*/}"
expect_err "changed since it was pulled"
cp saved.jpg "data/vsr/images/${H2##*/}"

# --- the run finds the pulled images without --images: 629/1222 ---------------
YES=$(python3 -c 'import json,sys; print(sum(json.loads(l)["label"] == 1 for l in open(sys.argv[1]) if l.strip()))' "$TEST_JSONL")
[ "$YES" = 629 ] || fail "label==1 count of the real file: $YES"
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data data -o run1 -t single
[ "$(jq -s '[.[] | select(.correct == true)] | length' run1/samples.jsonl)" = 629 ] ||
	fail "builtin:yes should get 629 right: $(jq -s length run1/samples.jsonl)"
[ "$(jq -s 'length' run1/samples.jsonl)" = 1222 ] || fail "1222 samples"
# Which version of the zero-shot test: by its digest (sha256sum of the real file).
want_zs=$(sha256sum "$TEST_JSONL" | cut -d' ' -f1)
[ "$(jq -r '.suites[0].data.version' run1/run.json)" = tacl-1222 ] || fail "run.json version: $(jq .suites run1/run.json)"
[ "$(jq -r '.suites[0].data.sha256' run1/run.json)" = "$want_zs" ] || fail "run.json sha256"
# ... and the reports name it beside the suite (issue 13 §5).
[ "$(jq -r '.suites["vsr-zeroshot-test"].data_version' run1/report.json)" = tacl-1222 ] ||
	fail "report.json suite data_version: $(jq -c '.suites | map_values(.data_version)' run1/report.json)"
grep -qF "Data version: \`tacl-1222\` (1222 items; sha256 of the split file \`${want_zs:0:12}…\`)" run1/report.md ||
	fail "report.md data version: $(grep -i version run1/report.md)"
grep -qF 'Data version: <code>tacl-1222</code> (1222 items)' run1/report.html || fail "report.html data version"
expect_exit 0 "$V" data check vsr --data data
expect_out "version of vsr-zeroshot-test: tacl-1222 (1222 items, sha256 $want_zs)"
mkdir -p old/vsr && cp -r data/vsr/data data/vsr/analysis_scripts old/vsr/
head -731 "$TEST_JSONL" >old/vsr/data/splits/zeroshot/test.jsonl
expect_exit 0 "$V" data check vsr --data old
expect_out "version of vsr-zeroshot-test: pre-tacl-731-by-count (731 items"
# compare refuses numbers on two versions of the test set, naming both.
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data old --images data/vsr/images -o run5 -t single
[ "$(jq -r '.suites[0].data.version' run5/run.json)" = pre-tacl-731-by-count ] || fail "run5 version"
grep -qF 'Data version: `pre-tacl-731-by-count` (731 items;' run5/report.md || fail "run5 report.md version"
expect_exit 2 "$V" compare run1 run5
expect_err "ran on different versions of its data (run1: tacl-1222, run5: pre-tacl-731-by-count)"
expect_one_line_err
expect_exit 0 "$V" compare run1 run5 --allow-different-content
expect_err "ran on different versions of its data (base: tacl-1222, candidate: pre-tacl-731-by-count)"
# The seed paper's names: one template is Test-S, a pool Test-G.
[ "$(jq -r .run.protocol run1/report.json)" = Test-S ] || fail "report.json protocol: $(jq .run run1/report.json)"
grep -q "Test-S on the unified test set" run1/report.md || fail "report.md names Test-S"
# -t vsre: the paper's wording; its numbers beside the run's; box templates left out.
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data data -o run4 -t vsre -n 20
grep -qF '| vsre01 | 1.00 |' run4/report.md || fail "report.md vsre01 row: $(grep vsre01 run4/report.md)"
grep -F '| vsre01 |' run4/report.md | grep -qF '| 1.00 | 0.61 | 0.61 |' || fail "paper's numbers for vsre01"
grep -qF '| vsre49 |' run4/report.md && fail "a box template was asked without boxes"
python3 - "$TEST_JSONL" run4/samples.jsonl <<'PY' || fail "vsre01 prompts are not '<caption>, Yes or no.'"
import json, sys
caps = {json.loads(l)["caption"] for l in open(sys.argv[1]) if l.strip()}
ps = [json.loads(l)["prompt"] for l in open(sys.argv[2]) if '"vsre01"' in l]
ps = [p for p in ps if p]
assert ps and all(p.endswith(", Yes or no.") and p[:-len(", Yes or no.")] in caps for p in ps), ps[:2]
PY
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data data -o run3 -t yn01,yn02 -n 20
[ "$(jq -r .run.protocol run3/report.json)" = Test-G ] || fail "an id list is Test-G"

# --- missing images: exit 3, naming the data pull command ----------------------
rm "data/vsr/images/${H1##*/}"
expect_exit 3 "$V" run -s vsr-unified -m builtin:yes --data data -o run2 -t single
expect_err "vsrbench data pull vsr-zeroshot-test"
expect_one_line_err
cp saved.jpg "data/vsr/images/${H2##*/}"

# --- a truncated body and a non-image body: exit 3, named, nothing kept ---------
rm "data/vsr/images/${H2##*/}"
# Cut after the headers, inside the entropy-coded data (the file is ~1-2 kB).
CUT=$(( $(stat -c %s "coco/$H1") - 60 ))
printf 'short /%s %s\n' "$H1" "$CUT" >rules
: >log
expect_exit 3 "$V" data pull vsr-unified --data data "${RW[@]}"
expect_err "vsr/images/${H1##*/}"
expect_err "does not decode whole"
[ -e "data/vsr/images/${H1##*/}" ] && fail "a truncated image was kept under its final name"
[ -e "data/vsr/images/${H1##*/}.part" ] && fail "a truncated image left a .part"
[ -e "data/vsr/images/${H2##*/}" ] || fail "the good image of the same pull was not kept"
# A server answering a text page with 200 instead of the image.
printf 'status /%s 200\n' "$H1" >rules
expect_exit 3 "$V" data pull vsr-unified --data data "${RW[@]}"
expect_err "vsr/images/${H1##*/}: not a JPEG or PNG image"
[ -e "data/vsr/images/${H1##*/}" ] && fail "a text page was kept as an image"
: >rules
expect_exit 0 "$V" data pull vsr-unified --data data "${RW[@]}"
cmp -s "coco/$H1" "data/vsr/images/${H1##*/}" || fail "$H1 after the faults"

# --- --mirror: a server with the data folder's own layout (vsr/images/NAME) ----
python3 "$VSR_SRC/tests/server/static_range.py" --root data --log mlog >m.out 2>m.err &
MSRV=$!
trap 'kill $SRV $MSRV 2>/dev/null; rm -rf "$T"' EXIT
for _ in $(seq 200); do grep -q '^PORT' m.out && break; sleep 0.05; done
MP=$(awk '/^PORT/ { print $2 }' m.out)
[ -n "$MP" ] || fail "mirror server did not start"
expect_exit 0 "$V" data pull vsr-unified --data mirrored --mirror "http://127.0.0.1:$MP/" -j 4
[ "$(grep -c '^GET /vsr/images/' mlog)" = 715 ] || fail "mirror: $(grep -c '^GET /vsr/images/' mlog) image requests"
(cd mirrored/vsr/images && ls) | sort | cmp -s - want.txt || fail "mirror: wrong names"
echo ok

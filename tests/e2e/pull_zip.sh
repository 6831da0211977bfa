#!/usr/bin/env bash
# `vsrbench data pull vsr-unified --from-zip PATH`: the unified test set's
# images taken from local zips laid out like COCO's train2017.zip and
# val2017.zip (built here by python's zipfile from generated JPEGs, stored
# and deflated members, plus members no item names), never downloaded.
# Expected names come from python over the real split file, the score from
# counting label==1 lines; the VSR text files come from a loopback server.
. "$(dirname "$0")/lib.bash"

need_shared_vsr
command -v python3 >/dev/null || { echo "skipped: python3 is needed to build the zips"; exit 77; }
V=$VSRBENCH
cd "$T"

# The VSR text files from a loopback server (no test touches the internet),
# started first: it comes up while the fixtures are built.
: >log
mkdir -p fx
python3 -S "$VSR_SRC/tests/server/static_range.py" --root "$D" --root . --log log >srv.out 2>srv.err &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT

vsr_needed_images "$TEST_JSONL" >needed.txt
[ "$(wc -l <needed.txt)" = 715 ] || fail "expected 715 distinct images"
mkdir -p coco/train2017 coco/val2017
grep '^train2017/' needed.txt | sed 's|.*/||' >train.txt
grep '^val2017/' needed.txt | sed 's|.*/||' >val.txt
[ "$(wc -l <train.txt)" = 687 ] && [ "$(wc -l <val.txt)" = 28 ] || fail "687 + 28 images"
"$VSR_BUILD/tests/mkimage" --names train.txt coco/train2017 64 48
"$VSR_BUILD/tests/mkimage" --names val.txt coco/val2017 64 48
"$VSR_BUILD/tests/mkimage" coco/train2017/000000999999.jpg 64 48 7

# The fixtures, in one python (each start costs seconds on a loaded machine;
# -S: no site packages, the standard library is all they use):
# - the archives: every other member stored, the rest deflated; a folder
#   entry and an image no item names, as in the real archives;
# - bad.zip: val2017.zip with one stored member's middle byte flipped (the
#   second val2017 image, named in bad.txt), so its CRC-32 no longer matches;
# - ann.zip, COCO-format annotations for vsr-boxes: one test item's image
#   gets a 640x480 COCO record: its subject a 320x240 box at (64, 48) ->
#   [0.10, 0.10, 0.60, 0.60] (a larger crowd region and a smaller box of the
#   same category ignored), its object the larger of two boxes,
#   (320, 240, 160, 120) -> [0.50, 0.50, 0.75, 0.75]; pick.txt names the
#   image, the counts of captions with both categories, subject and object;
# - yes.txt: the split's label==1 lines (what builtin:yes gets right).
python3 -S - "$TEST_JSONL" "$D/vsr/data/data_files/all_vsr_validated_data.jsonl" <<'PY'
import json, os, sys, zipfile
for split in ("train2017", "val2017"):
    names = sorted(os.listdir("coco/" + split))
    with zipfile.ZipFile(split + ".zip", "w") as z:
        z.writestr(split + "/", b"")
        for i, n in enumerate(names):
            z.write("coco/%s/%s" % (split, n), "%s/%s" % (split, n),
                    compress_type=zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED)

B = open("val.txt").read().split()[1]
open("bad.txt", "w").write(B + "\n")
info = zipfile.ZipFile("val2017.zip").getinfo("val2017/" + B)
assert info.compress_type == zipfile.ZIP_STORED, info.compress_type
data = bytearray(open("val2017.zip", "rb").read())
# The member's data follows its local header (30 bytes + name + extra).
h = info.header_offset
assert data[h:h + 4] == b"PK\x03\x04"
start = h + 30 + int.from_bytes(data[h + 26:h + 28], "little") + int.from_bytes(data[h + 28:h + 30], "little")
data[start + info.compress_size // 2] ^= 0x01
open("bad.zip", "wb").write(bytes(data))

def split(o):
    c, rel = o["caption"], " %s the " % o["relation"]
    if not c.startswith("The ") or rel not in c or not c.endswith("."):
        return None, None
    i = c.index(rel)
    return c[4:i], c[i + len(rel):-1]
for line in open(sys.argv[1]):
    o = json.loads(line)
    s, ob = split(o)
    if s and ob and s != ob and (s, ob) == (o["subj"], o["obj"]):
        break
img, S, O = o["image"], s, ob
inst = {"images": [{"id": 5, "file_name": img, "width": 640, "height": 480},
                   {"id": 6, "file_name": "000000999999.jpg", "width": 10, "height": 10}],
        "annotations": [
            {"image_id": 5, "category_id": 1, "bbox": [0, 0, 640, 480], "iscrowd": 1},
            {"image_id": 5, "category_id": 1, "bbox": [64, 48, 320, 240], "iscrowd": 0},
            {"image_id": 5, "category_id": 1, "bbox": [1, 1, 10, 10], "iscrowd": 0},
            {"image_id": 5, "category_id": 2, "bbox": [0, 0, 20, 20], "iscrowd": 0},
            {"image_id": 5, "category_id": 2, "bbox": [320, 240, 160, 120], "iscrowd": 0},
            {"image_id": 6, "category_id": 2, "bbox": [0, 0, 5, 5], "iscrowd": 0}],
        "categories": [{"id": 1, "name": S}, {"id": 2, "name": O}, {"id": 3, "name": "zebra"}]}
with zipfile.ZipFile("fx/ann.zip", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("annotations/captions_val2017.json", "{}")
    z.writestr("annotations/instances_val2017.json", json.dumps(inst))
z = zipfile.ZipFile("fx/ann.zip")
cap, ins = z.getinfo("annotations/captions_val2017.json"), z.getinfo("annotations/instances_val2017.json")
raw = open("fx/ann.zip", "rb").read()
h = cap.header_offset
cap_data = h + 30 + int.from_bytes(raw[h + 26:h + 28], "little") + int.from_bytes(raw[h + 28:h + 30], "little")
open("ann_offsets.txt", "w").write("%d %d\n" % (cap_data, ins.compress_size))
def both(path):
    n = 0
    for line in open(path):
        if line.strip():
            o = json.loads(line)
            s, ob = split(o)
            n += o["image"] == img and s in (S, O) and ob in (S, O)
    return n
with open("pick.txt", "w") as f:
    print(img, both(sys.argv[2]), both(sys.argv[1]), sum(1 for l in open(sys.argv[2]) if l.strip()), file=f)
    print(S, file=f)
    print(O, file=f)
with open("yes.txt", "w") as f:
    print(sum(json.loads(l)["label"] == 1 for l in open(sys.argv[1]) if l.strip()), file=f)
PY

for _ in $(seq 400); do grep -q '^PORT' srv.out && break; sleep 0.05; done
PORT=$(awk '/^PORT/ { print $2 }' srv.out)
[ -n "$PORT" ] || fail "test server did not start: $(cat srv.err)"
S=http://127.0.0.1:$PORT
RW=(--rewrite "https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/b27a0af0ee1462d2b6b92c8c83e869d9254a241a/=$S/vsr/"
	--rewrite "http://images.cocodataset.org/=$S/")
expect_exit 0 "$V" data pull vsr --data data "${RW[@]}"
cp -r data data0 # a folder with the text files and no image, for the fault cases

# --- both archives: exactly the 715 needed images, nothing downloaded ----------
: >log
expect_exit 0 "$V" data pull vsr-unified --data data "${RW[@]}" --from-zip train2017.zip --from-zip val2017.zip
expect_out "vsr-unified: 715 of 715 images in data/vsr/images (715 extracted from the --from-zip archives, 0 already present)"
grep -E '^GET /(train|val)2017/' log && fail "an image was downloaded"
expect_pulled_images needed.txt coco data/vsr/images
# Recorded with their sha256 and the archive member as source.
H=$(sed -n 5p needed.txt)
[ "$(jq -r --arg k "vsr/images/${H##*/}" '.files[$k].sha256' data/.vsrbench-manifest.json)" = \
	"$(sha256sum "coco/$H" | cut -d' ' -f1)" ] || fail "recorded sha256 of $H"
[ "$(jq -r --arg k "vsr/images/${H##*/}" '.files[$k].source' data/.vsrbench-manifest.json)" = \
	"${H%%/*}.zip!$H" ] || fail "recorded source of $H"
expect_exit 0 "$V" data verify vsr --data data

# --- offline: the split put there by hand, the other VSR files unreachable ----
# (every URL answers 404): they are named, the images still come out of the
# zips, and the suite runs.
mkdir -p off/vsr/data/splits/zeroshot && cp "$TEST_JSONL" off/vsr/data/splits/zeroshot/
NW=(--rewrite "https://raw.githubusercontent.com/cambridgeltl/visual-spatial-reasoning/b27a0af0ee1462d2b6b92c8c83e869d9254a241a/=$S/nowhere/")
expect_exit 3 "$V" data pull vsr-unified --data off "${NW[@]}" --from-zip train2017.zip --from-zip val2017.zip
expect_err "vsr/LICENSE: HTTP 404 for $S/nowhere/LICENSE"
expect_out "vsr-unified: 715 of 715 images in off/vsr/images (715 extracted from the --from-zip archives, 0 already present)"
expect_pulled_images needed.txt coco off/vsr/images
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data off -q -o run_off
[ "$(jq -s length run_off/samples.jsonl)" = 1222 ] || fail "offline run: $(jq -s length run_off/samples.jsonl)"
rm -rf off run_off

# --- again: nothing extracted -------------------------------------------------
expect_exit 0 "$V" data pull vsr-unified --data data "${RW[@]}" --from-zip train2017.zip --from-zip val2017.zip
expect_out "(0 extracted from the --from-zip archives, 715 already present)"

# --- progress: a line on stderr every 5 s without a terminal -------------------
# A local archive is read as fast as the disk allows, so instead of a server
# holding the bytes (e2e/pull_zip_url) the pull itself is held: stopped
# (SIGSTOP) once train2017.zip's first needed image is in place, continued
# 5.5 s later.  The members taken after that print one line (members done,
# MB read, rate) and the last line of the batch; nothing else is printed.
cp -r data0 d5
F=$(head -1 train.txt) # the first member taken (the archive's members go in the split's order)
"$V" data pull vsr-unified --data d5 "${RW[@]}" --from-zip train2017.zip --from-zip val2017.zip \
	>slow.out 2>slow.err &
P=$!
for _ in $(seq 20000); do [ -e "d5/vsr/images/$F" ] && break; sleep 0.001; done
kill -STOP $P
[ -e "d5/vsr/images/$F" ] || { kill -CONT $P; fail "no image was extracted: $(cat slow.err)"; }
NOW=$(ls d5/vsr/images | wc -l)
sleep 5.5 # past the 5 s between two progress lines (not a timing assertion)
kill -CONT $P
wait $P || fail "pull held midway: $(cat slow.err)"
grep -q "715 of 715 images in d5/vsr/images (715 extracted" slow.out || fail "held pull: $(cat slow.out)"
grep -q $'\r' slow.err && fail "a terminal's progress line on a non-terminal"
if [ "$NOW" -lt 687 ]; then # held before train2017.zip's batch was over (the usual case)
	grep -Eq "^--from-zip train2017.zip: [0-9]+/687 members, [0-9.]+ MB read, [0-9.]+ MB/s$" slow.err ||
		fail "no progress line after the hold: $(cat slow.err)"
else
	echo "note: the pull had taken all 687 train2017 images before it was held ($NOW)"
fi
[ "$(grep -Evc '^--from-zip (train2017.zip: [0-9]+/687|val2017.zip: [0-9]+/28) members, ' slow.err)" = 0 ] ||
	fail "other stderr: $(cat slow.err)"

# --- the run finds them without --images: builtin:yes scores 629/1222 ----------
YES=$(cat yes.txt)
[ "$YES" = 629 ] || fail "label==1 count: $YES"
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data data -o run1 -t single
[ "$(jq -s '[.[] | select(.correct == true)] | length' run1/samples.jsonl)" = 629 ] || fail "629 right"
[ "$(jq -s length run1/samples.jsonl)" = 1222 ] || fail "1222 samples"

# --- only val2017.zip: the 28 are kept, the 687 named as missing, exit 3 --------
cp -r data0 d1
expect_exit 3 "$V" data pull vsr-unified --data d1 "${RW[@]}" --from-zip val2017.zip
expect_err "687 of the needed images are in none of the archives given with --from-zip (val2017.zip; first: $(head -1 train.txt))"
[ "$(ls d1/vsr/images | wc -l)" = 28 ] || fail "the 28 val2017 images were not kept"
# Running again would not help: the summary says what would.
expect_out "vsr-unified: 687 images FAILED: in none of the --from-zip archives given (add the archive that holds them, named above)"
grep -q 'run the command again' "$T/out" && fail "told to run again for images no archive holds"

# --- a member whose bytes do not match its CRC-32: named, nothing kept ---------
B=$(cat bad.txt) # stored (every other member, after the folder entry)
cp -r data0 d2
expect_exit 3 "$V" data pull vsr-unified --data d2 "${RW[@]}" --from-zip bad.zip --from-zip train2017.zip
expect_err "bad.zip: member val2017/$B: CRC error"
[ -e "d2/vsr/images/$B" ] && fail "a member with a wrong CRC was kept"
[ -e "d2/vsr/images/$B.part" ] && fail "a member with a wrong CRC left a .part"
[ "$(ls d2/vsr/images | wc -l)" = 714 ] || fail "the other 714 images were not kept"

# --- vsr-boxes: boxes from a generated annotations zip (ann.zip), checked by hand
read -r IMG NBOTH NTEST NVAL < <(sed -n 1p pick.txt)
SUBJ=$(sed -n 2p pick.txt)
OBJ=$(sed -n 3p pick.txt)
[ "$NBOTH" -ge 1 ] && [ "$NTEST" -ge 1 ] || fail "pick: $(cat pick.txt)"
expect_exit 0 "$V" data pull vsr-boxes --data data "${RW[@]}" --from-zip fx/ann.zip
expect_out "vsr-boxes: 2 boxes written to data/vsr/boxes.jsonl; $NBOTH of $NVAL validated captions have both boxes, $((NVAL - NBOTH)) have no instance"
[ "$(wc -l <data/vsr/boxes.jsonl)" = 2 ] || fail "boxes.jsonl: $(cat data/vsr/boxes.jsonl)"
jq -e -s --arg i "$IMG" --arg c "$SUBJ" 'map(select(.category == $c)) | length == 1 and .[0].image == $i and .[0].box == "[0.10, 0.10, 0.60, 0.60]" and .[0].instances == 2' \
	data/vsr/boxes.jsonl >/dev/null || fail "subject box: $(cat data/vsr/boxes.jsonl)"
jq -e -s --arg i "$IMG" --arg c "$OBJ" 'map(select(.category == $c)) | length == 1 and .[0].image == $i and .[0].box == "[0.50, 0.50, 0.75, 0.75]" and .[0].instances == 2' \
	data/vsr/boxes.jsonl >/dev/null || fail "object box: $(cat data/vsr/boxes.jsonl)"
# The box templates now apply to the captions with both boxes, and only to them.
expect_exit 0 "$V" run -s vsr-unified -m builtin:yes --data data -o run2 -t vsre49,vsre01
[ "$(jq -s '[.[] | select(.template == "vsre49")] | length' run2/samples.jsonl)" = "$NTEST" ] ||
	fail "vsre49 asked $(jq -s '[.[] | select(.template == "vsre49")] | length' run2/samples.jsonl) times, want $NTEST"
jq -e -s --arg s "The $SUBJ [0.10, 0.10, 0.60, 0.60] is " --arg o " $OBJ [0.50, 0.50, 0.75, 0.75], yes or no." \
	'[.[] | select(.template == "vsre49") | .prompt | startswith($s) and endswith($o)] | all' \
	run2/samples.jsonl >/dev/null || fail "vsre49 prompt: $(jq -r 'select(.template == "vsre49") | .prompt' run2/samples.jsonl | head -2)"
# The same annotations over HTTP: the instances member streamed with Range
# requests (never the archive whole, nor its captions member), the same boxes.
cp -r data0 dU
: >log
expect_exit 0 "$V" data pull vsr-boxes --data dU "${RW[@]}" --from-zip "$S/fx/ann.zip"
expect_out "vsr-boxes: 2 boxes written to dU/vsr/boxes.jsonl"
cmp -s data/vsr/boxes.jsonl dU/vsr/boxes.jsonl || fail "boxes over HTTP differ: $(cat dU/vsr/boxes.jsonl)"
grep -E '^GET /fx/ann.zip ' log | grep -vq 'status=206' && fail "a request was not a Range answer: $(cat log)"
# (Beyond the tail, which a small archive lies in) the captions member's data
# is never asked for; the instances member's data is, in one range (offsets
# from python's zipfile, in ann_offsets.txt).
read -r CAP_DATA INST_CSIZE <ann_offsets.txt
awk -v cap="$CAP_DATA" -v cs="$INST_CSIZE" '
	match($0, /^GET \/fx\/ann\.zip range=bytes=[0-9]+-[0-9]+ status=206/) {
		split(substr($3, 13), r, "-")
		if (r[1] + 0 <= cap && cap < r[2] + 1) bad = 1
		if (r[2] - r[1] + 1 == cs) whole = 1
	}
	END { exit !(whole && !bad) }' log || fail "the ranges asked of ann.zip: $(grep ann.zip log)"
expect_exit 2 "$V" data pull vsr-boxes --data data "${RW[@]}"
expect_err "vsr-boxes: give COCO's annotations with --from-zip"
expect_exit 3 "$V" data pull vsr-boxes --data data "${RW[@]}" --from-zip val2017.zip
expect_err "val2017.zip: no instances_*.json in it"

# --- usage ---------------------------------------------------------------------
expect_exit 2 "$V" data pull mme --data d2 --from-zip val2017.zip
expect_err "--from-zip: the images of VSR suites"
expect_one_line_err
expect_exit 3 "$V" data pull vsr-unified --data d2 --from-zip nothere.zip
expect_err "--from-zip nothere.zip: No such file or directory"
printf 'not a zip' >notzip.zip
expect_exit 3 "$V" data pull vsr-unified --data d2 "${RW[@]}" --from-zip notzip.zip
expect_err "--from-zip notzip.zip: cannot open it as a zip archive"
echo ok

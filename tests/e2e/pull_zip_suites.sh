#!/usr/bin/env bash
# `vsrbench data pull seed-spatial --from-zip URL` and `data pull
# mme-position --from-zip PATH`: the images of a SEED-Bench and an MME suite
# taken from archives laid out like the benchmarks' own (SEED-Bench-image.zip:
# SEED-Bench-image/<data_id>; MME_Benchmark_release_version.zip:
# MME_Benchmark_release_version/<subtask>/<image>), built here by python's
# zipfile from generated JPEGs.  The images expected are computed by python
# from the question files (SEED: the data_id of the two spatial dimensions'
# image questions, a data_id without its .jpg included; MME: the names
# position.txt lists); the archives also hold images no question of the
# suite names (another SEED dimension, the same file name under MME's count/
# folder with other bytes), which must not be taken.  Then the suites run
# without --images, and a missing image names the pull command (exit 3).
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
if [ ! -f "$D/mme/eval_tool/Your_Results/position.txt" ] || [ ! -d "$D/seed/evaluate_result" ]; then
	echo "skipped: the MME and SEED data are not at \$VSRBENCH_SHARED_DATA ($D)"
	exit 77
fi
command -v python3 >/dev/null || { echo "skipped: python3 is needed to build the zips"; exit 77; }
V=$VSRBENCH
cd "$T"

# The loopback server (the data folder's layout, for --mirror; the SEED
# question file laid over it), started first.
mkdir -p ov/seed ov/zips
: >log
python3 -S "$VSR_SRC/tests/server/static_range.py" --root ov --root "$D" --log log >srv.out 2>srv.err &
SRV=$!
trap 'kill $SRV 2>/dev/null; rm -rf "$T"' EXIT

# 8 SEED questions: 3 Spatial Relation, 3 Instance Location (5 images; one data_id
# without .jpg, one image asked twice), 2 Scene Understanding (not spatial).
mkdir -p img
printf '%s\n' 1001_1.jpg 1002_2.jpg 1003_3.jpg 1004_4.jpg 1005_5 1006_6.jpg 1007_7.jpg >seed_ids.txt
sed 's/$/.jpg/; s/\.jpg\.jpg$/.jpg/' seed_ids.txt >seed_files.txt
"$VSR_BUILD/tests/mkimage" --names seed_files.txt img 64 48
cut -f1 "$D/mme/eval_tool/Your_Results/position.txt" | sort -u >mme_names.txt
mkdir -p mme_img mme_other
"$VSR_BUILD/tests/mkimage" --names mme_names.txt mme_img 64 48
"$VSR_BUILD/tests/mkimage" "mme_other/$(head -1 mme_names.txt)" 64 48 9

python3 -S - <<'PY'
import json, os, zipfile
ids = open("seed_ids.txt").read().split()
dims = ["Spatial Relation"] * 3 + ["Instance Location"] * 3 + ["Scene Understanding"] * 2
data = [ids[0], ids[1], ids[2], ids[3], ids[4], ids[4], ids[5], ids[6]]
tid = {"Scene Understanding": 1, "Instance Location": 3, "Spatial Relation": 6}
qs = [{"question_id": str(100 + i), "question": "q%d?" % i, "choice_a": "a", "choice_b": "b",
       "choice_c": "c", "choice_d": "d", "answer": "A", "data_id": d, "data_type": "image",
       "question_type_id": tid[dims[i]]} for i, d in enumerate(data)]
json.dump({"questions": qs, "question_type": tid}, open("ov/seed/SEED-Bench.json", "w"))
spatial = sorted(set(q["data_id"] for q in qs if q["question_type_id"] in (3, 6)))
open("seed_want.txt", "w").write("\n".join(spatial) + "\n")
with zipfile.ZipFile("ov/zips/SEED-Bench-image.zip", "w") as z:
    z.writestr("SEED-Bench-image/", b"")
    for i, f in enumerate(sorted(os.listdir("img"))):
        z.write("img/" + f, "SEED-Bench-image/" + f,
                compress_type=zipfile.ZIP_STORED if i % 2 else zipfile.ZIP_DEFLATED)
with zipfile.ZipFile("MME_Benchmark_release_version.zip", "w", zipfile.ZIP_DEFLATED) as z:
    other = os.listdir("mme_other")[0]
    z.write("mme_other/" + other, "MME_Benchmark_release_version/count/" + other)
    for f in sorted(os.listdir("mme_img")):
        z.write("mme_img/" + f, "MME_Benchmark_release_version/position/" + f)
        z.writestr("MME_Benchmark_release_version/position/" + f[:-4] + ".txt", "q?\tYes\nq?\tNo\n")
PY
# Where each expected SEED image lands: its member's name (1005_5 is 1005_5.jpg).
sed 's/$/.jpg/; s/\.jpg\.jpg$/.jpg/' seed_want.txt | sort >seed_want_files.txt
[ "$(wc -l <seed_want_files.txt)" = 5 ] || fail "5 spatial images: $(cat seed_want_files.txt)"

for _ in $(seq 400); do grep -q '^PORT' srv.out && break; sleep 0.05; done
PORT=$(awk '/^PORT/ { print $2 }' srv.out)
[ -n "$PORT" ] || fail "test server did not start: $(cat srv.err)"
S=http://127.0.0.1:$PORT

# --- SEED: only the spatial dimensions' images, over HTTP ----------------------
expect_exit 0 "$V" data pull seed-spatial --data data --mirror "$S" --from-zip "$S/zips/SEED-Bench-image.zip"
expect_out "seed-spatial: 5 of 5 images in data/seed/images (5 extracted from the --from-zip archives, 0 already present)"
ls data/seed/images | sort | cmp -s - seed_want_files.txt || fail "seed images: $(ls data/seed/images)"
for f in $(cat seed_want_files.txt); do cmp -s "img/$f" "data/seed/images/$f" || fail "$f differs"; done
grep -q 'GET /zips/SEED-Bench-image.zip range=bytes=-' log || fail "the archive's tail was not asked by range"
grep -E 'GET /zips/SEED-Bench-image.zip range=- ' log && fail "the whole archive was asked for"
jq -e --arg s "$S/zips/SEED-Bench-image.zip!SEED-Bench-image/1005_5.jpg" \
	'.files["seed/images/1005_5.jpg"] | .source == $s and .dataset == "seed-images"' \
	data/.vsrbench-manifest.json >/dev/null || fail "record of 1005_5.jpg"
expect_exit 0 "$V" data verify seed --data data
expect_out "seed/images: 5 of 5 images match the sha256 recorded"
# Again: nothing extracted.
expect_exit 0 "$V" data pull seed-spatial --data data --mirror "$S" --from-zip "$S/zips/SEED-Bench-image.zip"
expect_out "(0 extracted from the --from-zip archives, 5 already present)"
# The suite finds them without --images: the 6 spatial questions asked.
expect_exit 0 "$V" run -s seed-spatial -m builtin:yes --data data -o seed_run
[ "$(jq -s length seed_run/samples.jsonl)" = 6 ] || fail "seed-spatial samples: $(jq -s length seed_run/samples.jsonl)"
# A missing image: exit 3 and the command that fetches it.
rm data/seed/images/1002_2.jpg
expect_exit 3 "$V" run -s seed-spatial -m builtin:yes --data data -o seed_run2
expect_err "error: 1 of the images of seed-spatial are not under data/seed/images or data/seed/SEED-Bench-image (first: 1002_2.jpg); vsrbench data pull seed-spatial --from-zip SEED-Bench-image.zip fetches them"
# (the other lines are warnings: a 3-question file is not SEED-Bench-1's 657 + 978)
[ "$(grep -c "error:" "$T/err")" = 1 ] || fail "one error line: $(cat "$T/err")"
# By hand: the question file and the archive unpacked beside it (its
# SEED-Bench-image/ folder) are found without --images, and --images naming
# the folder the archive was unpacked in finds them too.
mkdir -p hand/seed && cp ov/seed/SEED-Bench.json hand/seed/
python3 -S -c 'import zipfile; zipfile.ZipFile("ov/zips/SEED-Bench-image.zip").extractall("hand/seed")'
[ -f hand/seed/SEED-Bench-image/1002_2.jpg ] || fail "the archive did not unpack to SEED-Bench-image/"
expect_exit 0 "$V" run -s seed-spatial -m builtin:yes --data hand -o seed_hand
[ "$(jq -s length seed_hand/samples.jsonl)" = 6 ] || fail "seed-spatial by hand: $(jq -s length seed_hand/samples.jsonl)"
expect_exit 0 "$V" run -s seed-spatial -m builtin:yes --data hand --images hand/seed -o seed_hand2
[ "$(jq -s length seed_hand2/samples.jsonl)" = 6 ] || fail "seed-spatial --images hand/seed: $(jq -s length seed_hand2/samples.jsonl)"

# --- MME: position's images from the release archive on disk -------------------
N=$(wc -l <mme_names.txt)
expect_exit 0 "$V" data pull mme-position --data data --mirror "$S" --from-zip MME_Benchmark_release_version.zip
expect_out "mme-position: $N of $N images in data/mme/MME_Benchmark_release_version/position ($N extracted"
ls data/mme/MME_Benchmark_release_version/position | sort | cmp -s - mme_names.txt ||
	fail "mme images: $(ls data/mme/MME_Benchmark_release_version/position | head -3)"
for f in $(cat mme_names.txt); do
	cmp -s "mme_img/$f" "data/mme/MME_Benchmark_release_version/position/$f" || fail "$f differs (the count/ one taken?)"
done
[ -e data/mme/MME_Benchmark_release_version/count ] && fail "count/ was extracted"
expect_exit 0 "$V" data verify mme --data data
expect_out "mme/MME_Benchmark_release_version: $N of $N images match the sha256 recorded"
Q=$(grep -c . "$D/mme/eval_tool/Your_Results/position.txt")
expect_exit 0 "$V" run -s mme-position -m builtin:yes --data data -o mme_run
[ "$(jq -s length mme_run/samples.jsonl)" = "$Q" ] || fail "mme-position samples: $(jq -s length mme_run/samples.jsonl), want $Q"
rm "data/mme/MME_Benchmark_release_version/position/$(head -1 mme_names.txt)"
expect_exit 3 "$V" run -s mme-position -m builtin:yes --data data -o mme_run2
expect_err "1 of the $N images of mme-position are not under data/mme/MME_Benchmark_release_version/position (first: "
expect_err "vsrbench data pull mme-position --from-zip MME_Benchmark_release_version.zip (its PATH) fetches them"
expect_one_line_err
# By hand: the release archive unpacked and given as --images, no eval-tool
# lists anywhere: the release folder holds the questions (SUBTASK/*.txt beside
# the images; scene-like subtasks: images/ and questions_answers_YN/), so
# every question of each is asked.
mkdir -p mmehand nodata
python3 -S -c 'import zipfile; zipfile.ZipFile("MME_Benchmark_release_version.zip").extractall("mmehand")'
R=mmehand/MME_Benchmark_release_version
mkdir -p "$R/scene/images" "$R/scene/questions_answers_YN"
printf '%s\n' s1.jpg s2.jpg >scene_names.txt
"$VSR_BUILD/tests/mkimage" --names scene_names.txt "$R/scene/images" 64 48
for f in s1 s2; do printf 'Is it a beach?\tYes\nIs it a kitchen?\tNo\n' >"$R/scene/questions_answers_YN/$f.txt"; done
expect_exit 0 "$V" run -s mme-position -m builtin:yes --data nodata --images "$R" -o mme_hand
[ "$(jq -s length mme_hand/samples.jsonl)" = "$((2 * N))" ] || fail "mme-position by hand: $(jq -s length mme_hand/samples.jsonl), want $((2 * N))"
expect_exit 0 "$V" run -s mme-scene -m builtin:yes --data nodata --images "$R" -o mme_hand2
[ "$(jq -s length mme_hand2/samples.jsonl)" = 4 ] || fail "mme-scene by hand: $(jq -s length mme_hand2/samples.jsonl)"
# A subtask the release folder lacks: --images' folder is named too.
expect_exit 3 "$V" run -s mme-color -m builtin:yes --data nodata --images "$R" -o mme_hand3
expect_err "MME subtask color: found neither nodata/mme/eval_tool/Your_Results/color.txt nor a release folder nodata/mme/MME_Benchmark_release_version/color/ or $R/color/"
expect_one_line_err

# --- an archive without the images: named, exit 3 ------------------------------
rm -rf d2 && cp -r data d2 && rm -rf d2/seed/images
expect_exit 3 "$V" data pull seed-spatial --data d2 --mirror "$S" --from-zip MME_Benchmark_release_version.zip
expect_err "5 of the needed images are in none of the archives given with --from-zip (MME_Benchmark_release_version.zip; first: "
expect_err "give the archive that holds them (SEED-Bench's image archive, SEED-Bench-image.zip)"
echo ok

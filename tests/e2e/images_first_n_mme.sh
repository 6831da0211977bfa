#!/usr/bin/env bash
# -n N on an MME suite takes its first N questions, so the images of those
# are all a run needs (as e2e/images_first_n for VSR): a user who fetched
# some of the images runs -n over them (exit 0), not "35 of the 50 images of
# mme-position are not under ..." (exit 3).  A missing image among the first
# N is still exit 3 naming it; --skip-missing-images -n N takes the first N
# questions that have their image and counts the skipped ones among the
# questions it looked at.  The suite's digest and data (run.json, part of
# the run's identity) stay those of a full run, so a run directory made
# before stays resumable, and a -n run resumes.
. "$(dirname "$0")/lib.bash"
V=$VSRBENCH
cd "$T"

# The eval tool's list (data/mme/eval_tool/Your_Results/position.txt): 50
# images, two questions each (Yes then No), 100 lines; the images where
# `data pull mme-position --from-zip` puts them, the release folder.
lists() {
	mkdir -p "$1/mme/eval_tool/Your_Results" "$1/mme/MME_Benchmark_release_version/position"
	python3 - "$1/mme/eval_tool/Your_Results/position.txt" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for k in range(1, 51):
        name = "%012d.jpg" % k
        f.write("%s\tIs the cat on the left of the dog %d? Please answer yes or no.\tYes\n" % (name, k))
        f.write("%s\tIs the cat on the right of the dog %d? Please answer yes or no.\tNo\n" % (name, k))
PY
}
# images DATA FIRST LAST...: the images of pairs FIRST..LAST in DATA's release folder.
images() {
	local d=$1
	shift
	: >"$T/names.txt"
	while [ $# -gt 0 ]; do
		seq -f '%012g.jpg' "$1" "$2" >>"$T/names.txt"
		shift 2
	done
	"$VSR_BUILD/tests/mkimage" --names "$T/names.txt" "$d/mme/MME_Benchmark_release_version/position" 32 24
}
# The question ids a run asked, in the list's order (mme_item_id: subtask/image#nth).
asked() { jq -r .item "$1/samples.jsonl" | sort -t'#' -k1,1 -k2n; }
# The ids of pairs FIRST..LAST, both questions.
ids() { for k in $(seq "$1" "$2"); do printf 'position/%012d.jpg#1\nposition/%012d.jpg#2\n' "$k" "$k"; done; }

# --- the images of the first 15 pairs only --------------------------------------
lists d15
images d15 1 15
expect_exit 0 "$V" run -s mme-position --data d15 -m builtin:yes -n 30 -q -o first30
diff <(asked first30) <(ids 1 15) >/dev/null || fail "-n 30 asked other questions: $(asked first30 | tail -2)"
# The 31st question is about the 16th image, which is not there: exit 3, named.
# It looks on for one it can take (none): images 16-50 of the 50 are missing.
expect_exit 3 "$V" run -s mme-position --data d15 -m builtin:yes -n 31 -q -o first31
expect_err "35 of the 50 images of mme-position are not under d15/mme/MME_Benchmark_release_version/position (first: 000000000016.jpg, 000000000017.jpg, 000000000018.jpg)"

# --- the images of pairs 1-15 and 26-50 ---------------------------------------
lists d2
images d2 1 15 26 50
# -n 31: questions 31-50 (images 16-25) have no image; the 31st it can take is
# question 51 (image 26), so it looked at images 1-26, of which 10 are missing.
expect_exit 3 "$V" run -s mme-position --data d2 -m builtin:yes -n 31 -q -o gap31
expect_err "10 of the 26 images of mme-position are not under d2/mme/MME_Benchmark_release_version/position (first: 000000000016.jpg, "
# --skip-missing-images -n 40: questions 1-30 and 51-60 (pairs 1-15, 26-30); it
# looked at 60 questions and skipped 20 (10 images).
expect_exit 0 "$V" run -s mme-position --data d2 -m builtin:yes -n 40 --skip-missing-images -q -o skip40
diff <(asked skip40) <(ids 1 15; ids 26 30) >/dev/null || fail "skip -n 40 asked: $(asked skip40 | tr '\n' ' ')"
expect_err "warning: mme-position: --skip-missing-images skipped 20 of 60 items: 10 images are missing; the numbers are over the other 40"
jq -e '.suites[0].data.skipped_missing_images == 20' skip40/run.json >/dev/null ||
	fail "run.json: $(jq -c .suites[0].data skip40/run.json)"
# -n 41: the first question of pair 31 is the 41st, its pair's second is not asked.
expect_exit 0 "$V" run -s mme-position --data d2 -m builtin:yes -n 41 --skip-missing-images -q -o skip41
diff <(asked skip41) <(ids 1 15; ids 26 30; echo position/000000000031.jpg#1) >/dev/null ||
	fail "skip -n 41 asked: $(asked skip41 | tail -3 | tr '\n' ' ')"
expect_err "skipped 20 of 61 items: 10 images are missing; the numbers are over the other 41"
# A -n run resumes: cut to its first 10 answers, the same command asks the other 30.
head -n 10 skip40/samples.jsonl >cut && mv cut skip40/samples.jsonl
expect_exit 0 "$V" run -s mme-position --data d2 -m builtin:yes -n 40 --skip-missing-images -q -o skip40
[ "$(jq -r .key skip40/samples.jsonl | sort -u | wc -l)" = 40 ] || fail "resumed -n 40: $(wc -l <skip40/samples.jsonl) lines"
[ "$(wc -l <skip40/samples.jsonl)" = 40 ] || fail "resumed -n 40 asked again what it had"

# --- every image: -n and a full run have one identity -----------------------------
lists dall
images dall 1 50
expect_exit 0 "$V" run -s mme-position --data dall -m builtin:yes -q -o full
expect_exit 0 "$V" run -s mme-position --data dall -m builtin:yes -n 40 -q -o all40
# The suite's digest and data as vsrbench wrote them before -n stopped at N
# (b77e7ff, for this list): a run directory made then still resumes.
jq -e '.suites[0] | .digest == "6e77a05d53c03ba6" and .data.questions == 100 and .data.images == 50
	and .data.skipped_missing_images == 0' full/run.json >/dev/null ||
	fail "full run: $(jq -c '.suites[0] | {digest, data}' full/run.json)"
[ "$(jq -c '.suites[0] | {digest, data}' all40/run.json)" = "$(jq -c '.suites[0] | {digest, data}' full/run.json)" ] ||
	fail "-n 40 is another suite than the full run: $(jq -c '.suites[0] | {digest, data}' all40/run.json)"

# --- a release folder alone (question file and image side by side) -----------------
mkdir -p rel/mme/MME_Benchmark_release_version/position
for k in $(seq 1 10); do
	printf 'Is the cup left of the plate %d? Please answer yes or no.\tYes\nIs the cup right of the plate %d? Please answer yes or no.\tNo\n' "$k" "$k" \
		>"rel/mme/MME_Benchmark_release_version/position/r$k.txt"
done
printf 'r1.jpg\nr10.jpg\nr2.jpg\n' >names.txt # the first three in name order
"$VSR_BUILD/tests/mkimage" --names names.txt rel/mme/MME_Benchmark_release_version/position 32 24
expect_exit 0 "$V" run -s mme-position --data rel -m builtin:yes -n 6 -q -o rel6
[ "$(jq -r .item rel6/samples.jsonl | sed 's/#.*//' | sort -u | tr '\n' ' ')" = "position/r1.jpg position/r10.jpg position/r2.jpg " ] ||
	fail "release -n 6 asked: $(jq -r .item rel6/samples.jsonl | tr '\n' ' ')"
expect_exit 3 "$V" run -s mme-position --data rel -m builtin:yes -n 7 -q -o rel7
# Named where it looked: the release folder (--images is for the lists' images).
expect_err "7 of the 10 images of mme-position are not under rel/mme/MME_Benchmark_release_version/position (first: r3.jpg, r4.jpg, r5.jpg)"
echo ok

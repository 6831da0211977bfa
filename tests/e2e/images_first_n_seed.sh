#!/usr/bin/env bash
# -n N on a SEED-Bench suite takes its first N questions, so the images of
# those are all a run needs (as e2e/images_first_n for VSR): a user who
# fetched some of the images runs -n over them (exit 0), not "70 of the
# images of seed-spatial are not under ..." (exit 3).  A missing image among
# the first N is still exit 3 naming it; --skip-missing-images -n N takes
# the first N questions that have their image and counts the skipped ones
# among the questions it looked at.  The suite's digest (over the questions
# it can ask) and data in run.json, the run's identity, stay those of a full
# run when the images are there: a run directory made before resumes, and a
# -n run resumes.
. "$(dirname "$0")/lib.bash"
V=$VSRBENCH
cd "$T"

# SEED-Bench-1's question file (DATA/seed/SEED-Bench.json): 100 questions of
# the two spatial dimensions, Spatial Relation and Instance Location in turn,
# each about its own CC3M-style image, and between them questions of another
# dimension (seed-spatial does not load those); the images where `data pull
# seed-spatial --from-zip` puts them, DATA/seed/images/<data_id>.
questions() {
	mkdir -p "$1/seed/images"
	python3 - "$1/seed/SEED-Bench.json" <<'PY'
import json, sys
qs = []
for k in range(1, 101):
    qs.append({"answer": "ABCD"[k % 4], "choice_a": "left", "choice_b": "right", "choice_c": "above",
               "choice_d": "below", "data_id": "%d_%d.jpg" % (1454000 + k, 2591111000 + k),
               "data_type": "image", "question": "Where is the cup relative to the plate (%d)?" % k,
               "question_id": str(100000 + k), "question_type_id": 6 if k % 2 else 4})
    if k % 10 == 0:
        qs.append({"answer": "A", "choice_a": "a", "choice_b": "b", "choice_c": "c", "choice_d": "d",
                   "data_id": "9%d_1.jpg" % k, "data_type": "image", "question": "What scene?",
                   "question_id": str(200000 + k), "question_type_id": 1})
json.dump({"questions": qs, "question_type": {"Scene Understanding": 1, "Instance Identity": 2,
           "Instance Attributes": 3, "Instance Location": 4, "Instances Counting": 5,
           "Spatial Relation": 6}}, open(sys.argv[1], "w"), indent=1)
PY
}
# data_id of question K.
did() { printf '%d_%d.jpg' $((1454000 + $1)) $((2591111000 + $1)); }
# images DATA FIRST LAST...: the images of questions FIRST..LAST.
images() {
	local d=$1 k
	shift
	: >"$T/names.txt"
	while [ $# -gt 0 ]; do
		for k in $(seq "$1" "$2"); do did "$k" >>"$T/names.txt"; echo >>"$T/names.txt"; done
		shift 2
	done
	"$VSR_BUILD/tests/mkimage" --names "$T/names.txt" "$d/seed/images" 32 24
}
asked() { jq -r .item "$1/samples.jsonl" | sort -n; }
ids() { seq $((100000 + $1)) $((100000 + $2)); }

# --- the images of the first 30 questions only -----------------------------------
questions d30
images d30 1 30
expect_exit 0 "$V" run -s seed-spatial --data d30 -m builtin:yes -n 30 -q -o first30
diff <(asked first30) <(ids 1 30) >/dev/null || fail "-n 30 asked other questions: $(asked first30 | tail -2)"
# The 31st question's image is not there: exit 3, named.  It looks on for one
# it can take (none): the images of questions 31-100 are missing.
expect_exit 3 "$V" run -s seed-spatial --data d30 -m builtin:yes -n 31 -q -o first31
expect_err "70 of the images of seed-spatial are not under d30/seed/images or d30/seed/SEED-Bench-image (first: $(did 31), $(did 32), $(did 33))"

# --- the images of questions 1-30 and 51-100 ---------------------------------------
questions d2
images d2 1 30 51 100
# --skip-missing-images -n 40: questions 1-30 and 51-60; it looked at 60 and
# skipped 20.
expect_exit 0 "$V" run -s seed-spatial --data d2 -m builtin:yes -n 40 --skip-missing-images -q -o skip40
diff <(asked skip40) <(ids 1 30; ids 51 60) >/dev/null || fail "skip -n 40 asked: $(asked skip40 | tr '\n' ' ')"
expect_err "warning: seed-spatial: --skip-missing-images skipped 20 of 60 items: 20 images are missing; the numbers are over the other 40"
jq -e '.suites[0].data.skipped_missing_images == 20' skip40/run.json >/dev/null ||
	fail "run.json: $(jq -c .suites[0].data skip40/run.json)"
# A -n run resumes: cut to its first 10 answers, the same command asks the other 30.
head -n 10 skip40/samples.jsonl >cut && mv cut skip40/samples.jsonl
expect_exit 0 "$V" run -s seed-spatial --data d2 -m builtin:yes -n 40 --skip-missing-images -q -o skip40
[ "$(jq -r .key skip40/samples.jsonl | sort -u | wc -l)" = 40 ] || fail "resumed -n 40: $(wc -l <skip40/samples.jsonl) lines"
[ "$(wc -l <skip40/samples.jsonl)" = 40 ] || fail "resumed -n 40 asked again what it had"

# --- every image: -n and a full run have one identity -------------------------------
questions dall
images dall 1 100
expect_exit 0 "$V" run -s seed-spatial --data dall -m builtin:yes -q -o full
expect_exit 0 "$V" run -s seed-spatial --data dall -m builtin:yes -n 40 -q -o all40
# The suite's digest and data as vsrbench wrote them before -n stopped at N
# (b77e7ff, for this file): a run directory made then still resumes.
jq -e '.suites[0] | .digest == "73060f4b1ab76c68" and .data.items == 100 and .data.skipped_missing_images == 0' \
	full/run.json >/dev/null || fail "full run: $(jq -c '.suites[0] | {digest, data}' full/run.json)"
[ "$(jq -c '.suites[0] | {digest, data}' all40/run.json)" = "$(jq -c '.suites[0] | {digest, data}' full/run.json)" ] ||
	fail "-n 40 is another suite than the full run: $(jq -c '.suites[0] | {digest, data}' all40/run.json)"
echo ok

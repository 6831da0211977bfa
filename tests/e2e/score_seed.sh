#!/usr/bin/env bash
# SEED-Bench: `vsrbench score` on the published GPT-4V result files (one object
# per line, trailing commas) against jq computing the same accuracies; a
# question file with swapped dimension ids; the seed-spatial suite through a
# real plug-in; bad lines are FILE:LINE errors.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
if [ ! -f "$D/seed/evaluate_result/SEED-Bench-2/GPT-4V.json" ]; then
	echo "no \$VSRBENCH_SHARED_DATA/seed (the shared data folder): skipped"
	exit 77
fi
cd "$T"
V=$VSRBENCH
R2=$D/seed/evaluate_result/SEED-Bench-2/GPT-4V.json
R1=$D/seed/evaluate_result/SEED-Bench-1/GPT-4V.json

# jq reads a result file: a trailing ',' cut, the first answer of an id kept
# (group_by is stable), right when prediction == gt_answer (spaces ignored).
reference() {
	jq -R -s '
		split("\n") | map(sub("^\\s+"; "") | sub(",?\\s*$"; ""))
		| map(select(length > 0 and . != "[" and . != "]") | fromjson)
		| group_by(.question_id) | map(.[0])
		| map({dim: (.question_id | split("_")[0]),
		       ok: ((.prediction | gsub(" "; "")) == (.gt_answer | gsub(" "; "")))})
		| {n: length, right: (map(select(.ok)) | length),
		   loc: (map(select(.dim == "4")) | {n: length, right: (map(select(.ok)) | length)}),
		   spa: (map(select(.dim == "6")) | {n: length, right: (map(select(.ok)) | length)})}' "$1"
}

# ---- SEED-Bench-2: dimensions from the ids ("<dimension>_<n>") -------------------
expect_exit 0 "$V" score -q --data "$T/nodata" -o s2 "$R2"
expect_err "8 question ids appear more than once (3 with another prediction); the first answer counts"
# Ground truths with spaces around the letter ("A "), first answer of an id only, by jq.
ntrim=$(jq -R -s 'split("\n") | map(sub("^\\s+"; "") | sub(",?\\s*$"; ""))
	| map(select(length > 0 and . != "[" and . != "]") | fromjson)
	| group_by(.question_id) | map(.[0]) | map(select(.gt_answer | test("^ | $"))) | length' "$R2")
[ "$ntrim" -gt 0 ] || fail "the SEED-2 file was expected to have ground truths with spaces"
expect_err "$R2: $ntrim ground-truth answers have spaces around the letter; read trimmed"
grep -qF "\`$R2\`: 8 question ids appear more than once (3 of them with another prediction); the first answer counts." s2/report.md ||
	fail "report.md lacks the duplicate ids: $(grep -n 'more than once' s2/report.md)"
grep -qF "\`$R2\`: $ntrim ground-truth answers have spaces around the letter" s2/report.md ||
	fail "report.md lacks the trimmed ground truths"
ref=$(reference "$R2")
# The video dimensions (19-22, DATASET.md's "Video" data_type) go to seed-video.
refv=$(jq -R -s 'split("\n") | map(sub("^\\s+"; "") | sub(",?\\s*$"; ""))
	| map(select(length > 0 and . != "[" and . != "]") | fromjson)
	| group_by(.question_id) | map(.[0])
	| map(select(.question_id | split("_")[0] | tonumber | . >= 19 and . <= 22))
	| {n: length, right: (map(select((.prediction | gsub(" "; "")) == (.gt_answer | gsub(" "; "")))) | length)}' "$R2")
got=$(jq -c '.suites.seed.official.templates.recorded
	| {n: .overall.questions, right: .overall.right,
	   loc: {n: .by_dimension["Instance Location"].questions, right: .by_dimension["Instance Location"].right},
	   spa: {n: .by_dimension["Spatial Relation"].questions, right: .by_dimension["Spatial Relation"].right}}' s2/report.json)
want=$(jq -c --argjson v "$refv" '.n -= $v.n | .right -= $v.right' <<<"$ref")
[ "$want" = "$got" ] || fail "SEED-2: jq says $want (video apart: $refv), vsrbench $got"
jq -e --argjson v "$refv" '.suites["seed-video"].official.templates.recorded.overall
	| .questions == $v.n and .right == $v.right' s2/report.json >/dev/null ||
	fail "SEED-2 video: jq says $refv, vsrbench $(jq -c '.suites["seed-video"].official' s2/report.json)"
# The derived table's counts: Instance Location 978, Spatial Relation 657; 5341 video questions.
jq -e '.loc.n == 978 and .spa.n == 657 and .n + 5341 == 23184' <<<"$got" >/dev/null || fail "SEED-2 counts: $got"
jq -e '.n == 5341' <<<"$refv" >/dev/null || fail "SEED-2 video count: $refv"
# run.json's source counts the video answers it routed to seed-video (dimensions 19-22 here).
jq -e --argjson v "$refv" '.source[0].video_answers == $v.n' s2/run.json >/dev/null ||
	fail "SEED-2 run.json video_answers: $(jq -c '.source[0]' s2/run.json), jq says $refv"
expect_exit 0 "$V" score --data "$T/nodata" -s seed-spatial -o s2s "$R2"
expect_out "official SEED-Bench [recorded]: "
jq -e --argjson r "$ref" '.suites["seed-spatial"].official.templates.recorded.overall
	| .questions == ($r.loc.n + $r.spa.n) and .right == ($r.loc.right + $r.spa.right)' \
	s2s/report.json >/dev/null || fail "seed-spatial: $(jq -c .suites s2s/report.json)"

# ---- SEED-Bench-1: overall without a question file ------------------------------
# Image questions (numeric ids) under seed, video ones ("v...") apart under seed-video.
expect_exit 0 "$V" score -q --data "$T/nodata" -o s1 "$R1"
ref=$(reference "$R1")
refv=$(jq -R -s 'split("\n") | map(sub("^\\s+"; "") | sub(",?\\s*$"; ""))
	| map(select(length > 0 and . != "[" and . != "]") | fromjson)
	| group_by(.question_id) | map(.[0]) | map(select(.question_id | startswith("v")))
	| {n: length, right: (map(select(.prediction == .gt_answer)) | length)}' "$R1")
jq -e --argjson r "$ref" --argjson v "$refv" '
	(.suites.seed.official.templates.recorded.overall
	 | .questions == $r.n - $v.n and .right == $r.right - $v.right) and
	(.suites["seed-video"].official.templates.recorded.overall
	 | .questions == $v.n and .right == $v.right) and $r.n == 17989 and $v.n == 3757' \
	s1/report.json >/dev/null ||
	fail "SEED-1: jq says $ref (video $refv), vsrbench $(jq -c '[.suites.seed, .suites["seed-video"]] | map(.official.templates.recorded.overall)' s1/report.json)"
jq -e --argjson v "$refv" '.source[0].video_answers == $v.n' s1/run.json >/dev/null ||
	fail "SEED-1 run.json video_answers: $(jq -c '.source[0]' s1/run.json), jq says $refv"

# ---- a question file whose release swapped Instance Location's id to 3 -----------
# Six SEED-1 ids from the result file: two Location (type 3 here), two Attributes
# (type 4 here), two Spatial Relation; answers from the results' gt_answer.
grep -m 6 -o '"question_id": "[0-9]*"[^}]*' "$R1" >six
jq -R -s '
	split("\n") | map(select(length > 0) | "{" + . + "}" | fromjson)
	| to_entries
	| map({question_id: .value.question_id, answer: .value.gt_answer,
	       question_type_id: ([3, 3, 4, 4, 6, 6][.key]), data_id: ("img_" + .value.question_id),
	       data_type: "image", question: "q?", choice_a: "a", choice_b: "b", choice_c: "c", choice_d: "d"})
	| {questions: ., question_type: {"Instance Attributes": 4, "Instance Location": 3, "Spatial Relation": 6}}' \
	six >q.json
expect_exit 0 "$V" score -q --questions q.json -s seed-spatial -o swapped "$R1"
want=$(jq -R -s 'split("\n") | map(select(length > 0) | "{" + . + "}" | fromjson)
	| [.[0,1,4,5] | select(.prediction == .gt_answer)] | length' six)
jq -e --argjson w "$want" '.suites["seed-spatial"].official.templates.recorded
	| .overall.questions == 4 and .overall.right == $w
	  and .by_dimension["Instance Location"].questions == 2
	  and .by_dimension["Spatial Relation"].questions == 2' swapped/report.json >/dev/null ||
	fail "swapped ids: $(jq -c '.suites["seed-spatial"].official' swapped/report.json)"

# eval.py's own results.json (true JSONL, no gt_answer), wrapped in [ ] with commas.
{
	echo "["
	jq -r '.questions | map({question_id, prediction: "B"} | tojson) | join(",\n")' q.json
	echo "]"
} >results.json
expect_exit 0 "$V" score -q --questions q.json -o evalpy results.json
want=$(jq '[.questions[] | select(.answer == "B")] | length' q.json)
jq -e --argjson w "$want" '.suites.seed.official.templates.recorded.overall | .questions == 6 and .right == $w' \
	evalpy/report.json >/dev/null || fail "eval.py results: $(jq -c .suites evalpy/report.json)"

# ---- bad lines ---------------------------------------------------------------------
printf '{"question_id": "1", "prediction": "A", "gt_answer": "A"},\n\n{"question_id": "2", "prediction": \n' >bad.json
expect_exit 3 "$V" score -o x bad.json
expect_err "bad.json:3: expected one JSON object per line"
expect_one_line_err
printf '{"question_id": "1", "prediction": "A"}\n' >nogt.json
expect_exit 3 "$V" score --data "$T/nodata" -o x nogt.json
expect_err "nogt.json:1: question 1: no ground truth"

# ---- the seed-spatial suite, through a real plug-in ----------------------------------
mkdir -p data/seed imgs
cat >data/seed/SEED-Bench.json <<'EOF'
{"questions": [
 {"answer": "A", "choice_a": "ok left", "choice_b": "b", "choice_c": "c", "choice_d": "d", "data_id": "s1", "data_type": "image", "question": "Where?", "question_id": "s1", "question_type_id": 6},
 {"answer": "C", "choice_a": "a", "choice_b": "b", "choice_c": "ok up", "choice_d": "d", "data_id": "s2", "data_type": "image", "question": "Where?", "question_id": "s2", "question_type_id": 6},
 {"answer": "B", "choice_a": "trap", "choice_b": "ok", "choice_c": "c", "choice_d": "d", "data_id": "s3", "data_type": "image", "question": "Where?", "question_id": "s3", "question_type_id": 4},
 {"answer": "B", "choice_a": "ok", "choice_b": "b", "choice_c": "c", "choice_d": "d", "data_id": "s4", "data_type": "image", "question": "Where?", "question_id": "s4", "question_type_id": 4},
 {"answer": "A", "choice_a": "ok", "choice_b": "b", "choice_c": "c", "choice_d": "d", "data_id": "s5", "data_type": "image", "question": "What?", "question_id": "s5", "question_type_id": 3}
],
"question_type": {"Instance Attributes": 3, "Instance Location": 4, "Spatial Relation": 6}}
EOF
for i in 1 2 3 4 5; do "$VSR_BUILD/tests/mkimage" imgs/s$i.jpg 16 16 $i; done
# mcq_pick answers the option starting "ok" unless the first one is "trap":
# s1 right, s2 right, s3 wrong (the trap), s4 wrong; s5 is not spatial.
expect_exit 0 "$V" run -s seed-spatial --data data --images imgs -m "lib:$VSR_BUILD/tests/adapters/mcq_pick.so" -o run1
expect_out "official SEED-Bench [mc01]: 50.00% (2/4); Instance Location 0.0%; Spatial Relation 100.0%"
expect_err "\"Spatial Relation\" (id 6) has 2 questions, SEED-Bench-1 has 657"
[ "$(jq -r .templates run1/run.json)" = mc01 ] || fail "SEED's default template is mc01"
jq -e -s 'map(select(.item == "s1") | .prompt) | .[0] == "Where?\nA. ok left\nB. b\nC. c\nD. d\nAnswer with the option'"'"'s letter from the given choices directly."' \
	run1/samples.jsonl >/dev/null || fail "mc01 prompt: $(jq -s '.[0].prompt' run1/samples.jsonl)"
echo ok

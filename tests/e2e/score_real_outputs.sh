#!/usr/bin/env bash
# Issue 20: `vsrbench score` reads every real prediction file in
# $VSRBENCH_SHARED_DATA/real_outputs as it is, one command each, and its official
# numbers equal an independent computation over the raw file
# (score_real_outputs.py: plain Python, the benchmarks' own rules) and, where the
# authors published one, their number.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
R=$D/real_outputs
if [ ! -d "$R" ] || [ ! -d "$D/mme/eval_tool/Your_Results" ]; then
	echo "no \$VSRBENCH_SHARED_DATA/real_outputs (the shared data folder): skipped"
	exit 77
fi
command -v python3 >/dev/null || { echo "no python3: skipped"; exit 77; }
cd "$T"
V=$VSRBENCH
PY="python3 $VSR_SRC/tests/e2e/score_real_outputs.py"
LL=$R/llava-pr1199/playground/data/eval
VK=$R/vlmevalkit-pr320/assets/benchmarks
HM=$R/haoming-vlm-benchmarks/playground/data/eval/MME/eval_tool/answers/llava-v1.5-7b
export VSRBENCH_DATA=$D

# Every subtask score and both totals equal Python's, to 1e-4.
mme_check() { # RUN_DIR PYTHON_JSON
	jq -e --argjson p "$2" '.official.mme.q01 as $o
		| ([$p.subtasks | to_entries[] | (($o.subtask_scores[.key] - .value) | fabs) < 1e-4] | all)
		and (($o.perception.score - $p.perception) | fabs) < 1e-4
		and (($o.cognition.score - $p.cognition) | fabs) < 1e-4' "$1/report.json" >/dev/null ||
		fail "$1: python says $2, vsrbench $(jq -c .official.mme.q01 "$1/report.json")"
}

# ---- LLaVA-1.5-13B's own MME answers (LLaVA answer JSONL) ---------------------------
expect_exit 0 "$V" score -q -o llava_mme "$LL/MME/answers/llava-v1.5-13b.jsonl"
p=$($PY llava-mme "$LL/MME/answers/llava-v1.5-13b.jsonl" "$D")
mme_check llava_mme "$p"
# LLaVA's MODEL_ZOO.md: LLaVA-1.5-13B MME 1531.3 (perception).
jq -e '(.official.mme.q01.perception.score * 10 | round) == 15313' llava_mme/report.json >/dev/null ||
	fail "LLaVA-1.5-13B MME perception is not the published 1531.3"
# Every line matched; 7 only by the two-space variant (Your_Results has 7 questions
# with "?  Please answer": 5 in color, 1 in count, 1 in position; SOURCE.md says "one").
jq -e --argjson p "$p" '.source[0] | .matched == 2374 and .missing == 0 and .unmatched == 0 and
	.two_space_matches == $p.two_space and $p.two_space == 7 and .format == "llava-mme-jsonl"' \
	llava_mme/run.json >/dev/null || fail "LLaVA MME source: $(jq -c .source llava_mme/run.json), python $p"
grep -qF "Rule: MME's calculation.py" llava_mme/report.md || fail "report.md names no MME rule"

# ---- a third party's incomplete 4-column lists -------------------------------------
expect_exit 0 "$V" score -q -o haoming "$HM"
expect_err "scene.txt: 22 questions of the MME lists have no answer in it"
expect_err "landmark.txt: 2 questions of the MME lists have no answer in it"
mme_check haoming "$($PY mme-lists "$HM")"
# Missing lines are counted, not scored: 2,374 - 24 answers, and run.json says which.
[ "$(wc -l <haoming/samples.jsonl)" = 2350 ] || fail "haoming journal lines"
jq -e '[.source[] | {(.suite): .missing}] | add | .["mme-scene"] == 22 and .["mme-landmark"] == 2
	and ([.[]] | add) == 24' haoming/run.json >/dev/null || fail "missing: $(jq -c .source haoming/run.json)"

# ---- VILA through VLMEvalKit: MME xlsx (shared strings) -----------------------------
for m in vila_13b vila_8b; do
	expect_exit 0 "$V" score -q -o ${m}_mme "$VK/$m/${m}_MME.xlsx"
	mme_check ${m}_mme "$($PY vlmeval-mme "$VK/$m/${m}_MME.xlsx")"
	jq -e '.source[0] | .matched == 2374 and .label_differs == 0 and .missing == 0' \
		${m}_mme/run.json >/dev/null || fail "$m MME source: $(jq -c .source ${m}_mme/run.json)"
done

# ---- LLaVA-1.5-13B's MMBench dev submission xlsx (inline strings) -------------------
F=$LL/mmbench/answers_upload/mmbench_dev_20230712/llava-v1.5-13b.xlsx
expect_exit 0 "$V" score -q -o mmb "$F"
p=$($PY mmbench "$F")
jq -e --argjson p "$p" '.suites.mmbench.official.templates.recorded.overall
	| .questions == $p.questions and .right == $p.right' mmb/report.json >/dev/null ||
	fail "MMBench: python $p, vsrbench $(jq -c .suites.mmbench.official mmb/report.json)"
# LLaVA's MODEL_ZOO.md: LLaVA-1.5-13B MMBench 67.7.
jq -e '(.suites.mmbench.official.templates.recorded.overall.accuracy * 1000 | round) == 677' \
	mmb/report.json >/dev/null || fail "MMBench is not the published 67.7"
[ "$(wc -l <mmb/samples.jsonl)" = 4377 ] || fail "MMBench rows"

# ---- VILA SEEDBench_IMG xlsx: dimensions from the sheet; the extractor's letters ----
for m in vila_13b vila_8b; do
	F=$VK/$m/${m}_SEEDBench_IMG.xlsx
	expect_exit 0 "$V" score -q -o ${m}_seed "$F"
	# (a file, not an argument: the letters are more than an argument may hold)
	$PY seed-sheet "$F" >${m}_seed.py.json
	jq -e --slurpfile p ${m}_seed.py.json '.suites.seed.official.templates.recorded.by_dimension as $b
		| [$p[0].dims | to_entries[] | (.key as $k | .value as $v | $b[$k].questions == $v)] | all' \
		${m}_seed/report.json >/dev/null ||
		fail "$m SEED dimensions: python $(jq -c .[0].dims ${m}_seed.py.json), vsrbench $(jq -c '.suites.seed.official' ${m}_seed/report.json)"
	# Where the reply's letter is certain ("B", "B.", "B. text"), the extractor reads it.
	bad=$(jq -r -s --slurpfile p ${m}_seed.py.json '[.[] | select($p[0].letters[.item] != null)
		| select(.answer != $p[0].letters[.item])] | length' ${m}_seed/samples.jsonl)
	[ "$bad" = 0 ] || fail "$m: $bad replies with a certain letter read otherwise"
done

# ---- LLaVA-1.5-13B's SEED-1 results: truth from a SEEDBench_IMG sheet ----------------
F=$LL/seed_bench/answers_upload/llava-v1.5-13b.jsonl
expect_exit 0 "$V" score -q -o llava_seed --questions "$VK/vila_13b/vila_13b_SEEDBench_IMG.xlsx" "$F"
expect_err "5009 answers have no ground truth"
p=$($PY llava-seed "$F" "$VK/vila_13b/vila_13b_SEEDBench_IMG.xlsx")
jq -e --argjson p "$p" '.suites.seed.official.templates.recorded as $o
	| $o.overall.questions == $p.questions and $o.overall.right == $p.right
	and ([$p.by_dim | to_entries[] | $o.by_dimension[.key].right == .value[1]] | all)' \
	llava_seed/report.json >/dev/null ||
	fail "LLaVA SEED: python $p, vsrbench $(jq -c .suites.seed.official llava_seed/report.json)"
# LLaVA's LLaVA-1.6 blog: LLaVA-1.5-13B SEED-IMG 68.2.
jq -e '(.suites.seed.official.templates.recorded.overall.accuracy * 1000 | round) == 682' \
	llava_seed/report.json >/dev/null || fail "SEED-IMG is not the published 68.2"
jq -e '.source[0].no_ground_truth == 5009 and .source[0].duplicate_ids == 1' llava_seed/run.json \
	>/dev/null || fail "LLaVA SEED source: $(jq -c .source llava_seed/run.json)"
# Without any question file the ids have no truth: an error naming the line, exit 3.
expect_exit 3 "$V" score -q --data "$T/nodata" -o llava_seed2 "$F"
expect_one_line_err
expect_err "llava-v1.5-13b.jsonl:1: question"
exit 0

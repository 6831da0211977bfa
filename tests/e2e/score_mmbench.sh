#!/usr/bin/env bash
# MMBench: a TSV written here in the upstream format (quoted multi-line hint
# with a TAB and doubled quotes, two- and three-option rows with empty C/D,
# circular copies whose image is their original's index, base64 PNGs) run
# through a real plug-in: CircularEval where one rotation fails, worked out by
# hand; the same from a file with only the originals; the journal re-scored;
# malformed rows are FILE:LINE errors.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH
PICK="lib:$VSR_BUILD/tests/adapters/mcq_pick.so"
for i in 1 2 3; do "$VSR_BUILD/tests/mkimage" "img$i.png" 16 16 "$i"; done
I1=$(base64 -w0 img1.png)
I2=$(base64 -w0 img2.png)
I3=$(base64 -w0 img3.png)
FPC="finegrained_perception (cross-instance)"
FPI="finegrained_perception (instance-level)"
HINT='"Look ""closely"":	the dog
is small"'
mkdir -p data/mmbench orig/mmbench
{
	printf 'index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n'
	printf '241\tWhere is the dog?\t%s\tok left\ttrap right\t\t\tA\tspatial_relationship\t%s\tscienceqa\t%s\t\tdev\n' "$HINT" "$I1" "$FPC"
	printf '242\tWhich is on top?\t\tok lamp\ttable\trug\t\tA\tobject_localization\t%s\tcoco\t%s\t\tdev\n' "$I2" "$FPI"
	printf '243\tIs it left?\t\tno\tok yes\t\t\tB\tspatial_relationship\t%s\tcoco\t%s\t\tdev\n' "$I3" "$FPC"
	printf '244\tHow does it feel?\t\thappy\tsad\tok calm\tangry\tC\timage_emotion\t241\tweb\tcoarse_perception\t\tdev\n'
} >orig/mmbench/MMBench_DEV_EN.tsv
{
	head -1 orig/mmbench/MMBench_DEV_EN.tsv
	printf '241\tWhere is the dog?\t%s\tok left\ttrap right\t\t\tA\tspatial_relationship\t%s\tscienceqa\t%s\t\tdev\n' "$HINT" "$I1" "$FPC"
	printf '1000241\tWhere is the dog?\t%s\ttrap right\tok left\t\t\tB\tspatial_relationship\t241\tscienceqa\t%s\t\tdev\n' "$HINT" "$FPC"
	printf '242\tWhich is on top?\t\tok lamp\ttable\trug\t\tA\tobject_localization\t%s\tcoco\t%s\t\tdev\n' "$I2" "$FPI"
	printf '1000242\tWhich is on top?\t\ttable\trug\tok lamp\t\tC\tobject_localization\t242\tcoco\t%s\t\tdev\n' "$FPI"
	printf '2000242\tWhich is on top?\t\trug\tok lamp\ttable\t\tB\tobject_localization\t242\tcoco\t%s\t\tdev\n' "$FPI"
	printf '243\tIs it left?\t\tno\tok yes\t\t\tB\tspatial_relationship\t%s\tcoco\t%s\t\tdev\n' "$I3" "$FPC"
	printf '1000243\tIs it left?\t\tok yes\tno\t\t\tA\tspatial_relationship\t243\tcoco\t%s\t\tdev\n' "$FPC"
	printf '244\tHow does it feel?\t\thappy\tsad\tok calm\tangry\tC\timage_emotion\t241\tweb\tcoarse_perception\t\tdev\n'
} >data/mmbench/MMBench_DEV_EN.tsv

# By hand: mcq_pick answers the option that starts with "ok", unless the first
# option is a "trap", then A.  241: right as is, wrong in its rotation (the trap
# comes first) -> wrong under CircularEval; 242 and 243 right in every rotation.
# CircularEval 2/3; spatial_relationship 1/2, object_localization 1/1; originals 3/3.
check() {
	jq -e '.suites["mmbench-spatial"].official.templates.mc01
		| .overall.right == 2 and .overall.questions == 3
		  and .by_category.spatial_relationship.right == 1 and .by_category.spatial_relationship.questions == 2
		  and .by_category.object_localization.right == 1 and .by_category.object_localization.questions == 1
		  and .by_l2["finegrained_perception (cross-instance)"].questions == 2
		  and .vanilla.right == 3 and .vanilla.questions == 3 and .incomplete == 0' "$1/report.json" \
		>/dev/null || fail "$1: $(jq -c '.suites["mmbench-spatial"].official' "$1/report.json")"
}
expect_exit 0 "$V" run -s mmbench-spatial --data data -m "$PICK" -o baked
expect_out "official MMBench [mc01]: CircularEval 66.67% (2/3), vanilla 100.00%"
check baked
[ "$(jq -r .templates baked/run.json)" = mc01 ] || fail "MMBench's default template is mc01"
[ "$(wc -l <baked/samples.jsonl)" = 7 ] || fail "7 tasks (2 + 3 + 2 rotations)"
jq -e -s 'map(select(.item == "1000241"))[0]
	| .prompt == "Look \"closely\":\tthe dog\nis small\nWhere is the dog?\nA. trap right\nB. ok left\nAnswer with the option'"'"'s letter from the given choices directly."
	  and .group == "241" and .label == "B" and .answer == "A"' baked/samples.jsonl >/dev/null ||
	fail "the rotation's prompt: $(jq -s 'map(select(.item == "1000241"))[0]' baked/samples.jsonl)"

# The originals only: the rotations are made by vsrbench, with the same result.
expect_exit 0 "$V" run -q -s mmbench-spatial --data orig -m "$PICK" -o generated
check generated
[ "$(jq -r '.suites[0].data.circular' generated/run.json)" = generated ] || fail "run.json says generated"
# Every category, rotations from the file: 244 (image_emotion, 4 rotations of a
# 4-option question whose image is 241's) is right in all of them.
expect_exit 0 "$V" run -q -s mmbench -S file="$T/orig/mmbench/MMBench_DEV_EN.tsv" -m "$PICK" -o all
jq -e '.suites.mmbench.official.templates.mc01 | .overall.questions == 4 and .overall.right == 3
	and .by_category.image_emotion.right == 1
	and .by_l2.coarse_perception.questions == 1' all/report.json >/dev/null ||
	fail "all categories: $(jq -c .suites.mmbench.official all/report.json)"
[ "$(wc -l <all/samples.jsonl)" = 11 ] || fail "11 tasks"
# VanillaEval only.
expect_exit 0 "$V" run -q -s mmbench-spatial --data data -S circular=off -m "$PICK" -o vanilla
[ "$(wc -l <vanilla/samples.jsonl)" = 3 ] || fail "circular=off asks the originals"

# The journal scored again: the same official numbers.
expect_exit 0 "$V" score -q -o rescored baked
check rescored

# ---- bad input -------------------------------------------------------------------
mkdir -p bad/mmbench
{
	head -1 data/mmbench/MMBench_DEV_EN.tsv
	printf '241\tq\t"an unclosed hint\tok\tno\t\t\tA\tspatial_relationship\t%s\ts\t%s\t\tdev\n' "$I1" "$FPC"
} >bad/mmbench/MMBench_DEV_EN.tsv
expect_exit 3 "$V" run -s mmbench-spatial --data bad -m "$PICK" -o x
expect_err "bad/mmbench/MMBench_DEV_EN.tsv:2: field 3 opens a quote that is never closed"
expect_one_line_err
{
	head -1 data/mmbench/MMBench_DEV_EN.tsv
	printf '241\tq\t\tok\tno\t\t\tA\tspatial_relationship\t%s\ts\t%s\t\tdev\n' "$I1" "$FPC"
	printf '242\tq\t\tok\tno\tand a stray\ttab\t\tA\tspatial_relationship\t%s\ts\t%s\t\tdev\n' "$I1" "$FPC"
} >bad/mmbench/MMBench_DEV_EN.tsv
expect_exit 3 "$V" run -s mmbench-spatial --data bad -m "$PICK" -o x
expect_err "MMBench_DEV_EN.tsv:3: 15 fields, the header has 14"
expect_exit 2 "$V" run -s mmbench --data data -S category=spatial -m "$PICK" -o x
expect_err "no question in category 'spatial'"
expect_exit 3 "$V" run -s mmbench-spatial --data data -S file=MMBench_DEV_EN_V11.tsv -m "$PICK" -o x
expect_err "data/mmbench/MMBench_DEV_EN_V11.tsv"
expect_one_line_err
[ -e x/samples.jsonl ] && fail "a failed run asked the model"
echo ok

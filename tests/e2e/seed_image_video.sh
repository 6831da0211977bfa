#!/usr/bin/env bash
# SEED-Bench's image and video questions apart (issue 14 §5): the image
# figure is the headline of `seed`, video and the mix beside it.  A small
# result file and a small question file, with the figures worked out by hand
# in the comments; then GPT-4V's recorded SEED-1 file against the published
# 69.08% (image) and 67.29% (all questions) when the shared data is there.
. "$(dirname "$0")/lib.bash"

V=$VSRBENCH
cd "$T"

# ---- vsrbench score of a result file ---------------------------------------------
# image: 101 right, 102 wrong, 103 right, 104 wrong, 105 right  -> 3/5 = 60.00%
# video: v1 right, v2 wrong, v3 wrong                           -> 1/3 = 33.33%
# all:   4/8 = 50.00% (SEED-Bench-1's own "overall" would be this mix)
cat >res.json <<'EOF'
{"question_id": "101", "prediction": "A", "gt_answer": "A"},
{"question_id": "102", "prediction": "B", "gt_answer": "C"},
{"question_id": "v1", "prediction": "A", "gt_answer": "A"},
{"question_id": "103", "prediction": "D", "gt_answer": "D"},
{"question_id": "104", "prediction": "A", "gt_answer": "B"},
{"question_id": "v2", "prediction": "B", "gt_answer": "A"},
{"question_id": "105", "prediction": "C", "gt_answer": "C"},
{"question_id": "v3", "prediction": "C", "gt_answer": "D"}
EOF
expect_exit 0 "$V" score --data "$T/nodata" -o s res.json
expect_out "official SEED-Bench [recorded]: image 60.00% (the headline), video 33.33%, all questions 50.00%"
jq -e '.official.seed.recorded
	| .headline == "image"
	  and .image.right == 3 and .image.questions == 5
	  and .video.right == 1 and .video.questions == 3
	  and .all.right == 4 and .all.questions == 8' s/report.json >/dev/null ||
	fail "report.json official.seed: $(jq -c .official s/report.json)"
jq -e '.suites.seed.accuracy.k == 3 and .suites.seed.accuracy.n == 5' s/report.json >/dev/null ||
	fail "the seed suite's headline is not the image questions: $(jq -c .suites.seed.accuracy s/report.json)"
grep -qF '## Official SEED-Bench: image and video questions apart (template recorded)' s/report.md ||
	fail "report.md lacks the image/video section"
for row in '| image | 5 | 3 | 60.00% |' '| video | 3 | 1 | 33.33% |' '| all | 8 | 4 | 50.00% |'; do
	grep -qF "$row" s/report.md || fail "report.md lacks '$row'"
done
grep -qF '<div class="big">60.00% <span class="unit">image questions</span>' s/report.html ||
	fail "report.html: the SEED card does not lead with the image figure"
# Image answers alone: no video, so no image/video section.
grep -v '"v' res.json | sed '$ s/,$//' >img.json
expect_exit 0 "$V" score --data "$T/nodata" -o si img.json
grep -q 'image and video questions apart' si/report.md && fail "an image-only file got the image/video section"

# ---- a run: the native suite asks the image questions only -----------------------
# s1 and s3 have an option starting "ok" (mcq_pick picks it: right), s2 a "trap"
# first (wrong): 2/3 = 66.67%; the two video questions are not asked, and said so.
mkdir -p data/seed imgs
cat >data/seed/SEED-Bench.json <<'EOF'
{"questions": [
 {"answer": "A", "choice_a": "ok", "choice_b": "b", "choice_c": "c", "choice_d": "d", "data_id": "s1", "data_type": "image", "question": "What?", "question_id": "s1", "question_type_id": 1},
 {"answer": "B", "choice_a": "trap", "choice_b": "ok", "choice_c": "c", "choice_d": "d", "data_id": "s2", "data_type": "image", "question": "What?", "question_id": "s2", "question_type_id": 1},
 {"answer": "C", "choice_a": "a", "choice_b": "b", "choice_c": "ok", "choice_d": "d", "data_id": "s3", "data_type": "image", "question": "What?", "question_id": "s3", "question_type_id": 1},
 {"answer": "A", "choice_a": "ok", "choice_b": "b", "choice_c": "c", "choice_d": "d", "data_id": "v1.mp4", "data_type": "video", "question": "Doing?", "question_id": "v1", "question_type_id": 10},
 {"answer": "A", "choice_a": "ok", "choice_b": "b", "choice_c": "c", "choice_d": "d", "data_id": "v2.mp4", "data_type": "video", "question": "Doing?", "question_id": "v2", "question_type_id": 10}
],
"question_type": {"Scene Understanding": 1, "Action Recognition": 10}}
EOF
for i in 1 2 3; do "$VSR_BUILD/tests/mkimage" imgs/s$i.jpg 16 16 $i; done
expect_exit 0 "$V" run -s seed --data data --images imgs -m "lib:$VSR_BUILD/tests/adapters/mcq_pick.so" -o run1
expect_out "official SEED-Bench [mc01]: 66.67% (2/3)"
jq -e '.suites.seed.accuracy.k == 2 and .suites.seed.accuracy.n == 3' run1/report.json >/dev/null ||
	fail "run: $(jq -c .suites.seed.accuracy run1/report.json)"
[ "$(jq '.suites[0].data.skipped_not_single_image' run1/run.json)" = 2 ] || fail "run.json: video questions not counted"
grep -qF "2 questions about videos or several images were not asked" run1/report.md ||
	fail "report.md does not say the video questions were left out"

# ---- GPT-4V's recorded SEED-Bench-1 file: the published figures -------------------
D=${VSRBENCH_SHARED_DATA:-}
R1=$D/seed/evaluate_result/SEED-Bench-1/GPT-4V.json
if [ ! -f "$R1" ]; then
	echo "no \$VSRBENCH_SHARED_DATA/seed: GPT-4V's SEED-1 file not checked (the rest passed)"
	exit 0
fi
# SEED-Bench's leaderboard: GPT-4V 69.08 on SEED-Bench-1's image questions; 67.29
# over the whole recorded file (image and video mixed).
expect_exit 0 "$V" score --data "$T/nodata" -o g "$R1"
expect_out "official SEED-Bench [recorded]: image 69.08% (the headline), video 60.50%, all questions 67.29%"
jq -e '.official.seed.recorded | (.image.accuracy * 10000 | round) == 6908
	and (.all.accuracy * 10000 | round) == 6729' g/report.json >/dev/null ||
	fail "GPT-4V SEED-1: $(jq -c .official g/report.json)"
grep -qF "| image | 14232 | 9832 | 69.08% |" g/report.md || fail "report.md image row: $(grep '^| image' g/report.md)"
grep -qF "| all | 17989 | 12105 | 67.29% |" g/report.md || fail "report.md all row"
echo ok

#!/usr/bin/env bash
# The diagnosis end to end: perturbations, variants in the journal, the
# sensitivity figures of a model that perceives (builtin:geometry) and of
# models that ignore the image (builtin:yes, a test plug-in).
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH

# geometry reads the pixels: wording never moves it, mirroring always does.
expect_exit 0 "$V" run -S count=40 -p instr,converse,hflip -o geo
r=geo/report.json
jq -e '.suites.synth.sensitivity | .language.value == 0 and .consistency.value == 1
	and .visual_flip.value == 1 and .visual_flip_pair_accuracy.value == 1
	and .visual_keep.value == 1' $r >/dev/null || fail "geometry sensitivity: $(jq -c .suites.synth.sensitivity $r)"
# Variants and templates as asked: 36 templates x {base, converse} x {orig, hflip}.
ntpl=$(jq '.template_ids | length' geo/run.json)
[ "$(wc -l <geo/samples.jsonl)" = $((40 * ntpl * 4)) ] || fail "task count"
[ "$(jq -r .variant geo/samples.jsonl | sort -u | tr '\n' ' ')" = "base converse converse+hflip hflip " ] ||
	fail "variants"
jq -e '.perturbations == "instr,converse,hflip"' geo/run.json >/dev/null || fail "run.json perturbations"
# The converse caption is really restated (subject and object swapped).
jq -r 'select(.variant == "converse" and .relation == "left of" and .template == "yn01") | .prompt' \
	geo/samples.jsonl | head -1 | grep -q ' is right of the ' || fail "converse caption"
# Mirrored left/right items expect the other answer; the others keep theirs.
jq -s -e '[group_by(.item + .template)[] | (map(select(.variant == "base"))[0]) as $b
	| (map(select(.variant == "hflip"))[0]) as $h
	| if ($b.relation == "left of" or $b.relation == "right of") then $b.label != $h.label
	  else $b.label == $h.label end] | all' geo/samples.jsonl >/dev/null || fail "hflip labels"
# Diagnosis in the summary (within 100 columns) and in report.md.
# The intervals are never narrower than Wilson's with each image one trial
# (synth: one image per item): 0 of 40 is [0, z^2 / (40 + z^2)] = [0, 8.76%].
grep -q "language: answers move with the wording on 0% \[0, 9\]" "$T/out" || fail "summary diagnosis"
grep -q "vision: mirroring changes 100% \[" "$T/out" || fail "summary vision"
# All of the left/right images flipped: Wilson's k of k starts at k / (k + z^2).
jq -e '.suites.synth.sensitivity.visual_flip | .images > 0 and
	((.ci_low - .images / (.images + 3.841459)) | fabs) < 1e-6 and .ci_high == 1' $r >/dev/null ||
	fail "geometry visual_flip interval: $(jq -c .suites.synth.sensitivity.visual_flip $r)"
awk 'length > 100 { exit 1 }' "$T/out" || fail "summary wider than 100 columns"
grep -q "### Diagnosis" geo/report.md || fail "report.md diagnosis"
jq -e '.suites.synth.by_format | has("yesno") and has("truefalse") and has("letter")' $r >/dev/null ||
	fail "by_format"

# builtin:yes ignores the image: no visual sensitivity and no blind gap.  Its
# answers never change without the image (gain = loss = 0 of 80 images), so
# the gap's interval is +- Wilson's upper end of 0 of 80: z^2 / (80 + z^2) = 4.58%.
expect_exit 0 "$V" run -m builtin:yes -S count=80 -p hflip,blind -o yes
jq -e '.suites.synth.sensitivity | .visual_flip.value == 0 and .visual_keep.value == 1
	and .blind_gap.value == 0 and ((.blind_gap.ci_low + 0.045818) | fabs) < 1e-6
	and ((.blind_gap.ci_high - 0.045818) | fabs) < 1e-6' \
	yes/report.json >/dev/null || fail "builtin:yes sensitivity: $(jq -c .suites.synth.sensitivity yes/report.json)"
# And the geometry model loses everything without the image.
expect_exit 0 "$V" run -S count=40 -p blind -q -o geoblind
jq -e '.suites.synth.sensitivity.blind_gap.value == 1' geoblind/report.json >/dev/null || fail "geometry blind gap"

# A blind task carries no image to the adapter (a plug-in that demands one fails it).
expect_exit 4 "$V" run -m "lib:$ADAPTERS/scripted.so" -M need_image=1 -S count=10 -p blind -q -o needimg
[ "$(jq -r 'select(.error == "no image") | .variant' needimg/samples.jsonl | sort -u)" = blind ] ||
	fail "blind tasks must reach the adapter without an image"
[ "$(jq -r 'select(.error == null) | .variant' needimg/samples.jsonl | sort -u)" = base ] ||
	fail "base tasks must carry the image"

# The intervals are reproducible from the journal; another seed may move them.
cp geo/report.json before.json
expect_exit 0 "$V" report geo -q
cmp before.json geo/report.json || fail "report not reproducible"
expect_exit 0 "$V" report yes -q --bootstrap 50 --bootstrap-seed 9
jq -e '.suites.synth.sensitivity.bootstrap | .resamples == 50 and .seed == 9 and .unit == "image"' \
	yes/report.json >/dev/null || fail "bootstrap options"

# -p format asks the canonical wording in every answer format.
expect_exit 0 "$V" run -S count=10 -p format -q -o fmt
[ "$(jq -r .template fmt/samples.jsonl | sort -u | tr '\n' ' ')" = "ab01 ab07 tf01 yn01 " ] ||
	fail "format family"
expect_exit 2 "$V" run -p colour -o x
expect_err "unknown perturbation 'colour'"

# hflip on real JPEG files (VSR with placeholder images): left/right labels flip.
D=${VSRBENCH_SHARED_DATA:-}
if [ -d "$D/vsr/data/splits" ]; then
	jq -r .image "$D/vsr/data/splits/zeroshot/test.jsonl" | sort -u >names.txt
	mkdir img && "$VSR_BUILD/tests/mkimage" --names names.txt img 48 32
	expect_exit 0 "$V" run -s vsr-unified --data "$D" --images img -m builtin:yes -p hflip,converse -q -o vsr
	jq -s -e '[.[] | select(.variant == "hflip" and (.relation == "left of" or .relation == "right of"))]
		| length > 0' vsr/samples.jsonl >/dev/null || fail "no left/right hflip tasks"
	jq -s -e '[group_by(.item)[] | (map(select(.variant == "base"))[0]) as $b
		| (map(select(.variant == "hflip"))[0]) as $h
		| if ($b.relation | test("^(at the )?(left|right)( side)? of$")) then $b.label != $h.label
		  else $b.label == $h.label end] | all' vsr/samples.jsonl >/dev/null || fail "VSR hflip labels"
	# Relations without a converse are counted, not silently dropped.
	expect_err "items have no converse variant"
fi
# -p circular on a multiple-choice suite: every rotation asked, the prompt's
# options rotated like the request's, answers mapped back to the dataset's
# letters.  mcq_pick answers the option starting with "ok" unless the first
# option is a "trap" (then A).  By hand: item 1's rotation puts the trap
# first -> answers differ between its 2 rotations (share 1); items 2 and 3
# are right in every rotation (share 0) -> language 1/3, consistency 2/3.
for i in 1 2 3; do "$VSR_BUILD/tests/mkimage" "m$i.png" 16 16 "$i"; done
mkdir -p mm/mmbench
{
	printf 'index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n'
	printf '1\tWhere?\t\tok left\ttrap right\t\t\tA\tspatial_relationship\t%s\tx\tl2\t\tdev\n' "$(base64 -w0 m1.png)"
	printf '2\tWhich?\t\tok lamp\ttable\trug\t\tA\tspatial_relationship\t%s\tx\tl2\t\tdev\n' "$(base64 -w0 m2.png)"
	printf '3\tLeft?\t\tno\tok yes\t\t\tB\tspatial_relationship\t%s\tx\tl2\t\tdev\n' "$(base64 -w0 m3.png)"
} >mm/mmbench/MMBench_DEV_EN.tsv
expect_exit 0 "$V" run -s mmbench -S category=spatial_relationship -S circular=off --data mm -m "lib:$ADAPTERS/mcq_pick.so" -p circular -q -o circ
[ "$(wc -l <circ/samples.jsonl)" = 7 ] || fail "circular: 2 + 3 + 2 rotations expected"
jq -e -s 'map(select(.item == "2" and .variant == "rot1"))[0].prompt | test("A. table\nB. rug\nC. ok lamp")' \
	circ/samples.jsonl >/dev/null || fail "circular: the prompt's options are not rotated"
jq -e -s 'map(select(.item == "2")) | all(.answer == "A" and .correct)' circ/samples.jsonl >/dev/null ||
	fail "circular: answers not mapped back to the dataset's letters"
jq -e '.suites.mmbench.sensitivity | (.language.value * 3 | round) == 1
	and (.consistency.value * 3 | round) == 2' circ/report.json >/dev/null ||
	fail "circular sensitivity: $(jq -c '.suites.mmbench.sensitivity' circ/report.json)"

# -p hflip over relations a mirror never changes: every mirrored pair should
# keep its answer (10 items, above and near: none is left of or right of), so
# the figure the verdict reads is missing; the summary and report.md say why.
expect_exit 0 "$V" run -S count=10 -S relations=above,near -p hflip -o still
[ "$(jq -s '[.[] | select(.variant == "hflip" and (.relation == "left of" or .relation == "right of"))] | length' \
	still/samples.jsonl)" = 0 ] || fail "still: a left/right item"
jq -e '.suites.synth.sensitivity | has("visual_flip") | not' still/report.json >/dev/null || fail "still: visual_flip"
why="vision: mirroring changes: not measured, no mirrored pair should change"
expect_out "  $why"
expect_out "    only a left of / right of item does (synth: -S relations=left_of,right_of)"
grep -qxF -- "- $why" still/report.md || fail "report.md: $(grep vision still/report.md)"

# The blind gap counts a reply without an answer as wrong: builtin:geometry
# cannot see without pixels and says "I cannot tell.", so its gap is a model
# declining to guess, not a language prior; the reports say how many.
expect_exit 0 "$V" run -S count=10 -p blind -o dark
n=$(jq -s '[.[] | select(.variant == "blind")] | length' dark/samples.jsonl)
u=$(jq -s '[.[] | select(.variant == "blind" and .answer == "invalid")] | length' dark/samples.jsonl)
[ "$n" = 10 ] && [ "$u" = 10 ] || fail "dark: $u of $n blind replies unread, want 10 of 10"
note="$u of $n replies without the image held no answer vsrbench reads (counted wrong)"
expect_out "    $note"
grep -qxF -- "-   $note" dark/report.md || fail "report.md: $(grep -A1 'blind gap' dark/report.md)"
# A model that answers without the image (builtin:yes): no such line.
expect_exit 0 "$V" run -m builtin:yes -S count=10 -p blind -o guess
grep -q "blind gap" "$T/out" || fail "guess: no blind gap"
grep -q "without the image held no answer" "$T/out" && fail "guess: a note on replies it answered"
echo ok

#!/usr/bin/env bash
# The diagnosis' verdict (docs/diagnosis.md) for four kinds of model: one
# that reads the image (builtin:geometry), one that ignores everything
# (builtin:yes), one that answers from the wording alone (an exec child
# below) and a coin flip (builtin:random).  The figures behind each sentence
# are recomputed from the journal with jq: valid pairs only, the repeat
# perturbation as the noise floor.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH

# Language sensitivity by hand: per item, over base-variant replies that parsed,
# the share of pairs whose answers differ; averaged over items with a pair.
lang_jq='[.[] | select(.variant == "base" and .answer != "invalid")] | group_by(.item)
	| map([group_by(.answer)[] | length] as $c | ($c | add) as $n
	      | select($n >= 2) | ($n * ($n - 1) / 2) as $p
	      | ($p - ([$c[] | . * (. - 1) / 2] | add)) / $p)
	| add / length'
# Repeat disagreement: base and repeat of the same item and template, both parsed.
rep_jq='group_by(.item + "\u0000" + .template)
	| map((map(select(.variant == "base"))[0]) as $b | (map(select(.variant == "repeat"))[0]) as $r
	      | select($b.answer != "invalid" and $r.answer != "invalid") | ($b.answer != $r.answer))
	| (map(select(.)) | length) / length'
check() { # DIR SUITE: report.json's figures equal the journal's
	local d=$1 lang rep
	lang=$(jq -s "$lang_jq" $d/samples.jsonl)
	rep=$(jq -s "$rep_jq" $d/samples.jsonl)
	jq -e --argjson l "$lang" --argjson r "$rep" '.suites.synth.sensitivity
		| ((.language.value - $l) | fabs) < 1e-6 and ((.repeat.value - $r) | fabs) < 1e-6' \
		$d/report.json >/dev/null ||
		fail "$d: language $lang repeat $rep vs $(jq -c '.suites.synth.sensitivity' $d/report.json)"
}
verdict() { jq -r '.suites.synth.verdict' "$1/report.json"; }

# Enough images for the verdict's intervals (each image counts once: docs/diagnosis.md):
# 0 of 80 moved wordings is at most 4.6%, 20-odd left/right images all flipped at least 84%.
expect_exit 0 "$V" run -m builtin:geometry -S count=80 -p instr,hflip,repeat -o geo
check geo
want="steady under rewording, follows the image: answers differ on 0% of wording pairs (noise alone: 0%), mirroring flips 100% of the left/right answers that should flip (a model that ignores the image: 0%)."
[ "$(verdict geo)" = "$want" ] || fail "geometry verdict: $(verdict geo)"
# First in the terminal summary, and within 100 columns; first section of report.md; in the HTML.
head -1 "$T/out" | grep -q '^verdict (synth): steady under rewording, follows the image' || fail "summary: $(head -3 "$T/out")"
awk 'length > 100 { exit 1 }' "$T/out" || fail "summary wider than 100 columns"
[ "$(grep -m1 '^## ' geo/report.md)" = "## Verdict" ] || fail "report.md: verdict not first"
grep -qF -- "- \`synth\`: $want" geo/report.md || fail "report.md verdict"
expect_exit 0 "$V" report geo --format html -q
grep -q '<p class="says"><b>Verdict:</b> steady under rewording' geo/report.html || fail "HTML verdict"
# The diagnosis bars carry their reference points: where a model that ignores the
# image stands (flips: x at 0%, keeps: x at 100%) and where a perfect one does (5 bars).
# The plot runs from x=230 (0%) to x=750 (100%) in the wide chart, then from 0 to
# 360 in the same chart's narrow form (a phone's).
[ "$(grep -o '<path class="ref-blind" d="M[0-9.]* ' geo/report.html | tr '\n' ' ')" = \
	'<path class="ref-blind" d="M230.0  <path class="ref-blind" d="M750.0  <path class="ref-blind" d="M0.0  <path class="ref-blind" d="M360.0  ' ] ||
	fail "HTML reference marks: $(grep -o '<path class="ref-[a-z]*" d="[^"]*"' geo/report.html)"
[ "$(grep -o '<path class="ref-perfect"' geo/report.html | wc -l)" = 10 ] || fail "HTML perfect marks"

expect_exit 0 "$V" run -m builtin:yes -S count=40 -p instr,hflip,repeat -q -o yes
check yes
want="steady under rewording, under-sensitive to the image: answers differ on 0% of wording pairs (noise alone: 0%), mirroring flips 0% of the left/right answers that should flip (a model that ignores the image: 0%)."
[ "$(verdict yes)" = "$want" ] || fail "builtin:yes verdict: $(verdict yes)"

# A deterministic model that answers from the prompt's length: wording moves it, noise does not.
cat >wording.py <<'PY'
import json, sys
for line in sys.stdin:
    q = json.loads(line)
    ch = q.get("choices") or ["yes", "no"]
    print(json.dumps({"id": q["id"], "text": ch[len(q["prompt"]) % len(ch)]}), flush=True)
PY
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/wording.py" -S count=20 -p instr,hflip,repeat -q -o word
check word
lang=$(jq -s "$lang_jq" word/samples.jsonl)
pct=$(python3 -c "print('%.0f' % (100 * $lang))")
want="over-sensitive to wording, under-sensitive to the image: answers differ on $pct% of wording pairs (noise alone: 0%), mirroring flips 0% of the left/right answers that should flip (a model that ignores the image: 0%)."
[ "$(verdict word)" = "$want" ] || fail "wording model verdict: $(verdict word)"

# A coin flip (builtin:random: a fresh draw per request) moves with the wording
# as often as a wording-driven model, and as often on a plain repeat: noise, not
# sensitivity; and its mirrored answers flip as often as its repeats disagree.
expect_exit 0 "$V" run -m builtin:random -S count=30 -p instr,hflip,repeat -q -o coin
check coin
# visual_flip by hand: base/hflip pairs of one item and template whose label differs, both parsed.
flip_jq='group_by(.item + "\u0000" + .template)
	| map((map(select(.variant == "base"))[0]) as $b | (map(select(.variant == "hflip"))[0]) as $h
	      | select($b.label != $h.label and $b.answer != "invalid" and $h.answer != "invalid")
	      | ($b.answer != $h.answer))
	| (map(select(.)) | length) / length'
pc() { python3 -c "print('%.0f' % (100 * $1))"; }
l=$(pc "$(jq -s "$lang_jq" coin/samples.jsonl)")
r=$(pc "$(jq -s "$rep_jq" coin/samples.jsonl)")
f=$(pc "$(jq -s "$flip_jq" coin/samples.jsonl)")
want="noisy rather than wording-driven, under-sensitive to the image: answers differ on $l% of wording pairs (noise alone: $r%), mirroring flips $f% of the left/right answers that should flip (a model that ignores the image: 0%; one as noisy as this: $r%)."
[ "$(verdict coin)" = "$want" ] || fail "coin-flip verdict: $(verdict coin)"

# Without -p repeat the noise is said to be unmeasured, not zero.
expect_exit 0 "$V" run -m builtin:yes -S count=10 -p instr -q -o norep
verdict norep | grep -qF '(noise not measured: add -p repeat)' || fail "no-repeat verdict: $(verdict norep)"
# A plain run has nothing to judge: no verdict.
expect_exit 0 "$V" run -S count=5 -q -o plain
jq -e '.suites.synth | has("verdict") | not' plain/report.json >/dev/null || fail "plain run verdict"

#!/usr/bin/env bash
# Scored runs compare like runs: a suite's content digest in run.json means
# "the same questions" (item, variant, template, prompt, label), whatever the
# order of the lines and whichever model answered.  The same LLaVA-1.5-13B MME
# answers read backwards, and VILA1.5-13B's VLMEvalKit sheet of the same MME
# questions, compare with LLaVA's (they were refused as "different content");
# the pairs and the discordant counts are recomputed here from the journals (jq).
# A changed label or prompt still changes the digest.
. "$(dirname "$0")/lib.bash"

D=${VSRBENCH_SHARED_DATA:-}
R=$D/real_outputs
LL=$R/llava-pr1199/playground/data/eval/MME/answers/llava-v1.5-13b.jsonl
VILA=$R/vlmevalkit-pr320/assets/benchmarks/vila_13b/vila_13b_MME.xlsx
if [ ! -f "$LL" ] || [ ! -f "$VILA" ] || [ ! -d "$D/mme/eval_tool/Your_Results" ]; then
	echo "no \$VSRBENCH_SHARED_DATA/real_outputs (the shared data folder): skipped"
	exit 77
fi
cd "$T"
V=$VSRBENCH
export VSRBENCH_DATA=$D

digests() { jq -cS '[.suites[] | {(.name): .digest}] | add' "$1/run.json"; }

# ---- 1. the same answers in reverse line order: the same content -----------
expect_exit 0 "$V" score -q -o fwd "$LL"
tac "$LL" >rev.jsonl
expect_exit 0 "$V" score -q -o rev rev.jsonl
[ "$(digests fwd)" = "$(digests rev)" ] || fail "line order changed the digests: $(digests fwd) vs $(digests rev)"
n=$(grep -c . "$LL")
expect_exit 0 "$V" compare fwd rev --max-drop 2 --json fr.json
jq -e --argjson n "$n" '.overall.pairs == $n and .overall.right_to_wrong == 0 and
	.overall.wrong_to_right == 0 and .gate.passed and .warnings == []' fr.json >/dev/null ||
	fail "fwd vs rev: $(jq -c '{o: .overall, w: .warnings}' fr.json)"

# ---- 2. another model's answers to the same questions ----------------------
expect_exit 0 "$V" score -q -o vila "$VILA"
[ "$(digests fwd)" = "$(digests vila)" ] || fail "LLaVA and VILA: digests differ: $(digests fwd) vs $(digests vila)"
read -r b c pairs <<<"$(discordant fwd vila)"
[ "$pairs" = "$n" ] || fail "jq pairs $pairs of $n lines"
expect_exit 0 "$V" compare fwd vila --json fv.json
jq -e --argjson b "$b" --argjson c "$c" --argjson p "$pairs" '.overall.pairs == $p and
	.overall.right_to_wrong == $b and .overall.wrong_to_right == $c and .warnings == []' \
	fv.json >/dev/null || fail "LLaVA vs VILA (jq: $b $c $pairs): $(jq -c .overall fv.json)"
[ "$b" -gt 0 ] && [ "$c" -gt 0 ] || fail "LLaVA vs VILA: no discordant pairs ($b $c)"

# ---- 3. a journal scored again: its task keys (the model's) do not count ----
# The same lines under other keys, as another model's run would have them.
jq -c '.key = (.key | explode | reverse | implode)' fwd/samples.jsonl >other.jsonl
expect_exit 0 "$V" score -q -o j1 fwd/samples.jsonl
expect_exit 0 "$V" score -q -o j2 other.jsonl
[ "$(digests j1)" = "$(digests j2)" ] || fail "task keys changed the digests: $(digests j1) vs $(digests j2)"
[ "$(digests j1)" = "$(digests fwd)" ] || fail "a journal scored again: $(digests j1) vs $(digests fwd)"
# A failed line asks the same question: the same content.
jq -c 'if .item == "code_reasoning/0020.png#1" then del(.response, .answer, .correct, .ms) +
	{error: "HTTP 500", attempts: 4} else . end' fwd/samples.jsonl >failed.jsonl
expect_exit 0 "$V" score -q -o j3 failed.jsonl
[ "$(digests j3)" = "$(digests fwd)" ] || fail "a failed line changed the digest"

# ---- 4. what the digest is for: another label or prompt is other content ----
jq -c 'if .item == "code_reasoning/0020.png#1" then .label = "no" | .correct = (.answer == "no") else . end' fwd/samples.jsonl >label.jsonl
jq -c 'if .item == "code_reasoning/0020.png#1" then .prompt += " " else . end' fwd/samples.jsonl >prompt.jsonl
expect_exit 0 "$V" score -q -o lab label.jsonl
expect_exit 0 "$V" score -q -o pro prompt.jsonl
for d in lab pro; do
	[ "$(jq -r '.suites[] | select(.name == "mme-code_reasoning") | .digest' $d/run.json)" != \
		"$(jq -r '.suites[] | select(.name == "mme-code_reasoning") | .digest' fwd/run.json)" ] ||
		fail "$d: a changed question kept its suite's digest"
	[ "$(jq -r '.suites[] | select(.name == "mme-color") | .digest' $d/run.json)" = \
		"$(jq -r '.suites[] | select(.name == "mme-color") | .digest' fwd/run.json)" ] ||
		fail "$d: an unchanged suite's digest moved"
done
expect_exit 2 "$V" compare fwd lab
expect_err "suite mme-code_reasoning has different content in fwd and lab"
echo ok

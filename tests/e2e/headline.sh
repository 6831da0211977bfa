#!/usr/bin/env bash
# The headline rule (docs/report-json.md): a suite's headline is its base
# variant; perturbation variants are reported beside it, never folded in.
# Expected values are computed with jq from the journal, not from our code.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH

expect_exit 0 "$V" run -S count=20 -p instr,hflip,blind -o geo
j=geo/samples.jsonl r=geo/report.json
# By hand: geometry is right on every task with an image and wrong blind.
base=$(jq -s '[.[] | select(.variant == "base")] | (map(select(.correct)) | length) / length' $j)
blind=$(jq -s '[.[] | select(.variant == "blind")] | (map(select(.correct)) | length) / length' $j)
nbase=$(jq -s '[.[] | select(.variant == "base")] | length' $j)
[ "$base" = 1 ] || fail "journal: geometry base accuracy $base"
[ "$blind" != 1 ] || fail "journal: the blind variant should not be perfect"
jq -e --argjson b "$base" --argjson n "$nbase" \
	'.overall.accuracy.value == $b and .overall.tasks == $n
	 and .suites.synth.accuracy.value == $b and .suites.synth.tasks == $n' $r >/dev/null ||
	fail "report.json headline: $(jq -c '.overall.accuracy' $r)"
jq -e --argjson x "$blind" '.suites.synth.by_variant.blind.accuracy.value == $x
	and .suites.synth.by_variant.base.accuracy.value == 1' $r >/dev/null ||
	fail "by_variant: $(jq -c '.suites.synth.by_variant | map_values(.accuracy.value)' $r)"
# Per-relation, -category, -template and -format tables: base only, so 100% and base counts.
jq -e --argjson n "$nbase" '.suites.synth | [.by_relation, .by_category, .by_template, .by_format]
	| map([.[] | .accuracy.value == 1] | all) | all' $r >/dev/null || fail "group tables fold variants in"
jq -e --argjson n "$nbase" '.suites.synth.by_template | [.[].tasks] | add == $n' $r >/dev/null ||
	fail "by_template counts other variants"
# The terminal, report.md and the HTML card say 100%.
grep -E '^  synth +'"$nbase"' +0 +100\.0% +100\.0%' "$T/out" >/dev/null || fail "summary headline: $(head -3 "$T/out")"
grep -E '^\| synth \| '"$nbase"' \| 0 \| 100\.0% \| 100\.0%' geo/report.md >/dev/null || fail "report.md Overall"
grep -q 'never folded in' geo/report.md || fail "report.md states the rule"
expect_exit 0 "$V" report geo --format html -q
grep -q '<div class="name">synth</div><div class="big">100.0%</div>' geo/report.html || fail "HTML card"

# No silent no-op: a perturbation that does not apply (circular on yes/no
# questions) is named with its count in the summary, report.md and report.json.
expect_exit 0 "$V" run -S count=10 -p instr,circular -o noop
nb=$(jq -s '[.[] | select(.variant == "base")] | length' noop/samples.jsonl)
nr=$(jq -s '[.[] | select(.variant | test("rot"))] | length' noop/samples.jsonl)
[ "$nr" = 0 ] || fail "circular applied to yes/no questions"
msg="not applied: -p circular skipped $nb of $nb base tasks (multiple-choice questions only)"
expect_out "  $msg"
grep -qxF "$msg" noop/report.md || fail "report.md lacks: $msg"
jq -e --argjson n "$nb" '.suites.synth.not_applied == {"circular": $n}' noop/report.json >/dev/null ||
	fail "report.json not_applied: $(jq -c .suites.synth.not_applied noop/report.json)"
# -p instr and -p format widen the templates; with one template (-t yn01, or a
# suite's own like MME's q01) in one format they did nothing, and say so.
expect_exit 0 "$V" run -S count=10 -p instr,format,converse -t yn01 -o one
nb=$(jq -s '[.[] | select(.variant == "base")] | length' one/samples.jsonl)
[ "$(jq -s '[.[].template] | unique | length' one/samples.jsonl)" = 1 ] || fail "-t yn01 asked other templates"
# Each says why, and -p instr how to get its pairs.
expect_out "  not applied: -p instr skipped $nb of $nb base tasks (one template was asked; -p instr compares several: -t pool)"
expect_out "  not applied: -p format skipped $nb of $nb base tasks (one answer format was asked; -p format compares several)"
jq -e --argjson n "$nb" '.suites.synth.not_applied == {"instr": $n, "format": $n}' one/report.json >/dev/null ||
	fail "report.json not_applied: $(jq -c .suites.synth.not_applied one/report.json)"
# -t single names one template: -p instr widens it to the pool (36 templates,
# README's count: 14 yes/no, 10 true/false, 12 letters), as it widens a
# suite's own single template, and -p format to its four; nothing skipped.
expect_exit 0 "$V" run -S count=3 -p instr -t single -o widened
[ "$(jq -s '[.[].template] | unique | length' widened/samples.jsonl)" = 36 ] ||
	fail "-p instr -t single asked $(jq -s '[.[].template] | unique | length' widened/samples.jsonl) templates"
grep -q "not applied" "$T/out" && fail "-p instr -t single: $(grep 'not applied' "$T/out")"
expect_exit 0 "$V" run -S count=3 -p format -t single -o formats
[ "$(jq -s -r '[.[].template] | unique | join(",")' formats/samples.jsonl)" = "ab01,ab07,tf01,yn01" ] ||
	fail "-p format -t single asked $(jq -s -c '[.[].template] | unique' formats/samples.jsonl)"
# Applied everywhere: nothing said.
jq -e '.suites.synth | has("not_applied") | not' geo/report.json >/dev/null || fail "geo not_applied"

# compare and the gate: the same rule, base-variant pairs only, variants counted apart.
expect_exit 0 "$V" run -m builtin:yes -S count=20 -p instr,hflip,blind -q -o yes
nvar=$(jq -s '[.[] | select(.variant != "base")] | length' $j)
ybase=$(printf '%.1f' "$(jq -s '[.[] | select(.variant == "base")] | (map(select(.correct)) | length) / length * 100' yes/samples.jsonl)")
expect_exit 0 "$V" compare yes geo --json cmp.json
expect_out "): $nbase paired tasks; $nvar tasks of perturbation variants left out"
grep -E "^\| synth \| $nbase \| $ybase% \| 100\.0% \|" "$T/out" >/dev/null || fail "compare row: $(grep '^| synth' "$T/out")"
jq -e --argjson n "$nbase" --argjson v "$nvar" '.overall.pairs == $n and .overall.variant_tasks_left_out == $v' cmp.json >/dev/null ||
	fail "compare.json: $(jq -c .overall cmp.json)"

#!/usr/bin/env bash
# `vsrbench run` with no options: synth + builtin:geometry, summary, run directory.
. "$(dirname "$0")/lib.bash"

cd "$T"
expect_exit 0 "$VSRBENCH" run
expect_out "synth"
expect_out "run directory: runs/synth-geometry-"
dir=$(sed -n 's/^run directory: \([^ ]*\).*/\1/p' "$T/out")
for f in run.json samples.jsonl report.json report.md; do
	[ -s "$dir/$f" ] || fail "missing $dir/$f"
done
ls "$dir" | grep -q 'tmp' && fail "temporary file left in $dir"
# The summary ends with the time taken, the rate and where the HTML report is.
tail -1 "$T/out" | grep -qE "^200 tasks in [0-9]+\.[0-9]s \([0-9]+\.[0-9] tasks/s\); report: $dir/report.html\$" ||
	fail "last line: $(tail -1 "$T/out")"
[ -s "$dir/report.html" ] || fail "the report named is missing"

# 200 items x 1 template by default, every line a complete JSON object.
[ "$(wc -l <"$dir/samples.jsonl")" = 200 ] || fail "expected 200 journal lines"
jq -e . "$dir/samples.jsonl" >/dev/null || fail "journal is not JSON lines"

# The report's numbers, recomputed independently from the journal with jq.
correct=$(jq -s '[.[] | select(.correct)] | length' "$dir/samples.jsonl")
answered=$(jq -s '[.[] | select(.answer != "invalid")] | length' "$dir/samples.jsonl")
pos=$(jq -s '[.[] | select(.label == "yes")] | length' "$dir/samples.jsonl")
r=$dir/report.json
[ "$(jq -r .schema "$r")" = "vsrbench.report/1" ] || fail "schema"
[ "$(jq '.suites.synth.accuracy.k' "$r")" = "$correct" ] || fail "accuracy k != $correct"
[ "$(jq '.suites.synth.accuracy.n' "$r")" = 200 ] || fail "accuracy n"
[ "$(jq '.suites.synth.answered.k' "$r")" = "$answered" ] || fail "answered"
[ "$(jq '.suites.synth.accuracy_true_label.n' "$r")" = "$pos" ] || fail "true-label count"
# About half the labels are true.
[ "$pos" -ge 80 ] && [ "$pos" -le 120 ] || fail "label balance: $pos of 200 true"
# The reference model perceives the scenes: near-perfect accuracy.
jq -e '.suites.synth.accuracy.value >= 0.95' "$r" >/dev/null || fail "geometry accuracy too low"
# Interval brackets the value.
jq -e '.suites.synth.accuracy | .ci_low <= .value and .value <= .ci_high' "$r" >/dev/null ||
	fail "interval does not bracket the value"
# Every relation of the default suite is broken down.
[ "$(jq '.suites.synth.by_relation | length' "$r")" = 8 ] || fail "by_relation"
jq -e '.run.model.spec == "builtin:geometry"' "$r" >/dev/null || fail "model in report"
grep -q '^## Suite `synth`' "$dir/report.md" || fail "markdown suite section"

# Not a terminal: no progress line (no carriage returns) on stderr.
grep -q $'\r' "$T/err" && fail "progress drawn although stdout is not a terminal"

# The summary fits 100 columns.
awk 'length > 100 { exit 1 }' "$T/out" || fail "summary wider than 100 columns"

# Determinism: the same seed gives the same items, prompts, answers.
expect_exit 0 "$VSRBENCH" run -q -o again
diff <(jq -c '[.item,.prompt,.label,.answer]' "$dir/samples.jsonl" | sort) \
	<(jq -c '[.item,.prompt,.label,.answer]' again/samples.jsonl | sort) >/dev/null ||
	fail "two runs with the same seed differ"
cmp "$dir/report.json" again/report.json || fail "reports of identical runs differ"
echo ok

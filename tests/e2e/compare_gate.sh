#!/usr/bin/env bash
# vsrbench compare and the CI gate.  Two runs of the same deterministic model
# pass; a model made worse on purpose fails; a small drop that is not
# significant passes.  The counts and p-values are recomputed here from the
# journals (jq) and with exact integer arithmetic (python3), and junit.xml is
# validated against the JUnit schema.
. "$(dirname "$0")/lib.bash"

command -v xmllint >/dev/null ||
	fail "xmllint is not installed: run 'make -f Makefile.ci deps' (libxml2-utils; CI installs it)"
XSD="$VSR_SRC/tests/junit/junit.xsd"
WORSE="$ADAPTERS/worse.so"
[ -f "$WORSE" ] || fail "missing $WORSE"
N=100

# Exact two-sided McNemar p for b, c: min(1, 2 P(X <= min(b, c))), X ~ Bin(b + c, 1/2).
mcnemar() {
	python3 -c 'import sys
from math import comb
from fractions import Fraction as F
b, c = int(sys.argv[1]), int(sys.argv[2])
n = b + c
print(1.0 if n == 0 else float(min(F(1), F(2 * sum(comb(n, i) for i in range(min(b, c) + 1)), 2 ** n))))' "$1" "$2"
}
# A truth file for worse.so from a journal: the first K right answers flipped.
truth() {
	jq -r --argjson k "$2" -s '
		(map(select(.correct)) | .[:$k] | map(.key)) as $flip |
		.[] | "\(.label)\t\(if (.key | IN($flip[])) then 1 else 0 end)\t\(.prompt)"' \
		"$1/samples.jsonl"
}
close_to() { python3 -c 'import sys; a, b = float(sys.argv[1]), float(sys.argv[2]); sys.exit(abs(a - b) > 1e-9 * max(abs(b), 1e-300))' "$1" "$2"; }

cd "$T"
expect_exit 0 "$VSRBENCH" run -q -n $N -o base
expect_exit 0 "$VSRBENCH" run -q -n $N -o same

# ---- the same deterministic model: no change, the gate passes ----------------
expect_exit 0 "$VSRBENCH" compare base same --max-drop 1 --json same.json --junit same.xml
expect_out "**Gate: passed** (1 check)"
jq -e ".overall.pairs == $N and .overall.change == 0 and .overall.mcnemar_p == 1 and
	.overall.right_to_wrong == 0 and .gate.passed" same.json >/dev/null ||
	fail "identical runs: $(jq -c .overall same.json)"
xmllint --noout --schema "$XSD" same.xml 2>xmllint.err || fail "junit: $(cat xmllint.err)"

# ---- a small drop: 3 tasks, more than 1 point but not significant ------------
truth base 3 >small.tsv
expect_exit 0 "$VSRBENCH" run -q -n $N -m "lib:$WORSE" -M truth="$T/small.tsv" -o small
read -r b c pairs <<<"$(discordant base small)"
[ "$pairs" = $N ] && [ "$b" -ge 3 ] || fail "small: b=$b c=$c pairs=$pairs"
p=$(mcnemar "$b" "$c")
expect_exit 0 "$VSRBENCH" compare base small --max-drop 1 --json small.json
expect_out "**Gate: passed**"
# More than the limit but not significant: it passes, and says so.
expect_err "not significant, so the check passes: the drop may be noise"
jq -e '.gate.checks[0].warning' small.json >/dev/null || fail "small: no warning in compare.json"
jq -e --argjson b "$b" --argjson c "$c" \
	'.overall.right_to_wrong == $b and .overall.wrong_to_right == $c and .overall.change < -0.01' \
	small.json >/dev/null || fail "small: $(jq -c .overall small.json)"
close_to "$(jq .overall.mcnemar_p small.json)" "$p" || fail "small: p $(jq .overall.mcnemar_p small.json) != $p"
# The same drop with a looser alpha than its p is a failure: both conditions count.
expect_exit 1 "$VSRBENCH" compare -q base small --max-drop 1 --alpha 0.5

# ---- a model made worse on purpose: 20 tasks flipped --------------------------
truth base 20 >big.tsv
expect_exit 0 "$VSRBENCH" run -q -n $N -m "lib:$WORSE" -M truth="$T/big.tsv" -o big
read -r b c pairs <<<"$(discordant base big)"
p=$(mcnemar "$b" "$c")
expect_exit 1 "$VSRBENCH" compare base big --max-drop 5 --json big.json --junit big.xml
# The failure names what went from right to wrong (a GitLab or Jenkins page shows the
# JUnit failure and the log, not compare.md): the items big.tsv flipped, by item id,
# the first 10, each with the candidate's answer (the other one: yes/no) and its prompt.
jq -r -s --slurpfile flip <(cut -f2,3 big.tsv | jq -R -s '[split("\n")[] | select(startswith("1\t")) | .[2:]]') '
	map(select(.prompt | IN($flip[0][]))) | sort_by(.item) | .[] |
	"\(.item)\t\(.label)\t\(if .label == "yes" then "no" else "yes" end)\t\(.prompt)"' base/samples.jsonl |
	python3 -c 'import sys
rows = [l.rstrip("\n").split("\t") for l in sys.stdin]
print("  right->wrong: %d tasks in %d items; the first 10 (compare.json, from --json, lists up to 1000 tasks):" % (len(rows), len(rows)))
for item, label, other, prompt in rows[:10]:
    b = prompt.encode()
    shown = b.decode() if len(b) <= 100 else b[:100].decode(errors="ignore") + "..."
    print("    %s (expected %s): yn01 %s; %s" % (item, label, other, shown))' >flips.want
[ "$(wc -l <flips.want)" = 11 ] || fail "precondition: 20 flipped items expected: $(cat flips.want)"
tail -n +2 err >flips.got
cmp -s flips.want flips.got || fail "the failure's items: $(diff flips.want flips.got)"
xmllint --xpath 'string(//failure[@type="max-drop"])' big.xml | tail -n +2 >flips.junit
cmp -s flips.want flips.junit || fail "junit: the failure's items: $(diff flips.want flips.junit)"
expect_err "gate failed: synth: accuracy dropped"
expect_err "$b right->wrong, $c wrong->right"
expect_err "McNemar p = $(python3 -c "import sys; print('%.2g' % float(sys.argv[1]))" "$p") ("
expect_err ") < alpha 0.05"
expect_out "**Gate: failed** (1 of 1 check)"
expect_out "### Right → wrong: $b tasks in $b items"
close_to "$(jq .overall.mcnemar_p big.json)" "$p" || fail "big: p"
jq -e '.gate.passed == false and (.right_to_wrong.tasks | length) == .right_to_wrong.total' \
	big.json >/dev/null || fail "big: gate or task list"
xmllint --noout --schema "$XSD" big.xml 2>xmllint.err || fail "junit: $(cat xmllint.err)"
[ "$(xmllint --xpath 'count(//testsuite[@name="synth"]/testcase/failure[@type="max-drop"])' big.xml)" = 1 ] ||
	fail "junit: no max-drop failure"
xmllint --xpath 'string(//failure/@message)' big.xml | grep -qF "McNemar p =" ||
	fail "junit: the failure lacks its numbers"

# builtin:no on the same items is worse still.
expect_exit 0 "$VSRBENCH" run -q -n $N -m builtin:no -o no
expect_exit 1 "$VSRBENCH" compare -q base no --max-drop 5
[ "$(grep -c '^gate failed: ' err)" = 1 ] || fail "one failed check expected: $(cat err)"

# ---- the gate on `run`: --baseline, floors, sensitivity ----------------------
# Resuming a finished run adds no task; the gate runs on its reports.
expect_exit 1 "$VSRBENCH" run -q -n $N -m "lib:$WORSE" -M truth="$T/big.tsv" -o big \
	--baseline base --max-drop 5 --min-accuracy synth=0.5
[ "$(grep -c '^gate failed: ' err)" = 1 ] || fail "one failed check expected: $(cat err)"
tail -n +2 err | cmp -s flips.want - || fail "run --baseline: the failure's items: $(cat err)"
expect_err "gate failed: synth: accuracy dropped"
[ -s big/compare.md ] && [ -s big/compare.json ] || fail "run --baseline wrote no comparison"
xmllint --noout --schema "$XSD" big/junit.xml 2>xmllint.err || fail "junit: $(cat xmllint.err)"
[ "$(xmllint --xpath 'string(//testsuite[@name="synth"]/@tests)' big/junit.xml)" = 3 ] ||
	fail "junit: expected accuracy + two checks"
[ "$(xmllint --xpath 'string(//testsuite[@name="synth"]/@failures)' big/junit.xml)" = 1 ] ||
	fail "junit: expected one failure"
expect_exit 0 "$VSRBENCH" run -q -n $N -o same --baseline base --max-drop 1
expect_out "gate passed: 1 check"
expect_exit 1 "$VSRBENCH" run -q -n $N -m builtin:no -o no --min-accuracy synth=0.6
no_k=$(jq -s 'map(select(.correct)) | length' no/samples.jsonl)
expect_err "gate failed: synth: accuracy $(python3 -c "print('%.1f' % ($no_k / $N * 100))")%"
expect_err "is below the floor 60.0%"
expect_exit 1 "$VSRBENCH" compare -q base same --min-accuracy nosuch=0.5
expect_err "nosuch: no answered task in the run"
# Single template, no -p: there is no language-sensitivity figure, and the gate says so.
expect_exit 1 "$VSRBENCH" compare -q base same --max-language-sensitivity 0.2
expect_one_line_err
expect_err "no language-sensitivity figure"
expect_err "-p instr, format or converse"

# ---- failed tasks are not answers: dropped from both sides, counted ----------
cp -r same failed
jq -c 'if .item == "synth-000001" then del(.response, .answer, .correct, .ms) +
	{error: "HTTP 500", attempts: 4} else . end' same/samples.jsonl >failed/samples.jsonl
expect_exit 0 "$VSRBENCH" compare base failed --json failed.json
jq -e ".overall.pairs == $N - 1 and .overall.pairs_dropped_failed == 1" failed.json >/dev/null ||
	fail "failed: $(jq -c .overall failed.json)"
expect_out "1 pairs dropped because a request failed"

# ---- usage and data errors ---------------------------------------------------
expect_exit 2 "$VSRBENCH" compare base
expect_one_line_err
expect_exit 2 "$VSRBENCH" compare base same --max-drop lots
expect_one_line_err
expect_exit 2 "$VSRBENCH" compare base same --alpha 0.1
expect_err "--alpha applies to --max-drop"
expect_exit 3 "$VSRBENCH" compare base nosuchdir
expect_one_line_err
expect_err "nosuchdir"
cp -r same renamed
jq -c '.item = "z" + .item' same/samples.jsonl >renamed/samples.jsonl
expect_exit 3 "$VSRBENCH" compare base renamed --max-drop 1
expect_one_line_err
expect_err "no answered task in common"
expect_exit 2 "$VSRBENCH" run -q -n 1 -o x --max-drop 2
expect_err "--max-drop needs --baseline"
expect_exit 3 "$VSRBENCH" run -q -n 1 -o x --baseline nosuchdir --max-drop 2
expect_one_line_err
# Another seed: same ids, different items: refused (exit 2, naming the suite and
# both digests from run.json), compared with a warning when allowed.
expect_exit 0 "$VSRBENCH" run -q -n $N --seed 2 -o seed2
bd=$(jq -r '.suites[0].digest' base/run.json)
cd_=$(jq -r '.suites[0].digest' seed2/run.json)
[ "$bd" != "$cd_" ] || fail "another seed, the same digest"
expect_exit 2 "$VSRBENCH" compare base seed2 --max-drop 2
expect_one_line_err
expect_err "suite synth has different content in base and seed2 (digest $bd vs $cd_: another seed, options or data version), so an item id may name different items; compare runs of the same data, or pass --allow-different-content"
expect_exit 0 "$VSRBENCH" compare -q base seed2 --allow-different-content
expect_err "suite synth has different content in the two runs"
echo ok

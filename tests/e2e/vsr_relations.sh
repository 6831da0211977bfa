#!/usr/bin/env bash
# Issue 18, finding 4: a VSR item whose relation VSR does not have (a typo,
# another dataset) is a data error naming file:line (exit 3), unless
# --allow-unknown-relations, which runs it and counts it in run.json and
# report.md.  "congruent" (in VSR's data, in no meta-category) is known.
# On today's main the typo runs silently, in no category.
. "$(dirname "$0")/lib.bash"
cd "$T"
V=$VSRBENCH
S=data/vsr/data/splits/zeroshot
mkdir -p "$S" img
for n in 1 2 3; do "$VSR_BUILD/tests/mkimage" "img/00000000000$n.jpg" 64 48 "$n"; done
line() { printf '{"image": "00000000000%s.jpg", "caption": "The %s is %s the %s.", "label": %s, "relation": "%s", "subj": "%s", "obj": "%s"}\n' \
	"$1" "$2" "$3" "$4" "$5" "$3" "$2" "$4"; }
{
	line 1 cat "left of" dog 1
	line 2 cup congruent plate 0
	line 3 car "lefty of" bus 1
} >"$S/test.jsonl"

expect_exit 3 "$V" run -s vsr-zeroshot-test --data data --images img -t yn01 -q -o r1
expect_err "$S/test.jsonl:3: unknown VSR relation \"lefty of\""
expect_err "--allow-unknown-relations"
expect_one_line_err
[ -e r1/samples.jsonl ] && fail "a refused suite left a journal"

expect_exit 0 "$V" run -s vsr-zeroshot-test --data data --images img -t yn01 -q \
	--allow-unknown-relations -o r2
[ "$(wc -l <r2/samples.jsonl)" = 3 ] || fail "expected 3 tasks: $(cat r2/samples.jsonl)"
jq -e '[.suites[] | .data.unknown_relations] == [1]' r2/run.json >/dev/null ||
	fail "run.json does not count the unknown relation: $(jq -c '.suites' r2/run.json)"
grep -F '**1 items have a relation VSR does not have**' r2/report.md >/dev/null ||
	fail "report.md does not say so"
echo ok

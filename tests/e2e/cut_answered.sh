#!/usr/bin/env bash
# A reply cut by the token limit from which an answer is read anyway: a
# thinking model whose chat template put <think> into the prompt, cut before
# its </think>, sends only its thought ("Okay, so ... so yes"), which reads
# as an answer.  vsrbench cannot tell it from an answer cut while it
# explained itself, so it is scored, but marked in the journal
# ("cut_answered": true) and counted on the terminal, in report.md and in
# report.json, with the hint to raise --max-tokens.  Expected counts: the
# child's cut replies, counted from the journal's responses with jq.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH
cat >child.py <<'PY'
import json, sys, zlib
for line in sys.stdin:
    q = json.loads(line)
    if zlib.crc32(q["prompt"].encode()) % 2:
        r = {"text": "Okay, so the cat seems to be on the left of the dog, so yes", "finish_reason": "length"}
    else:
        r = {"text": "No"}
    r["id"] = q["id"]
    print(json.dumps(r), flush=True)
PY
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/child.py" -S count=30 -o r
j=r/samples.jsonl
cut=$(jq -s '[.[] | select(.response | startswith("Okay, so"))] | length' $j)
[ "$cut" -gt 0 ] && [ "$cut" -lt "$(wc -l <$j)" ] || fail "the child's modes: $cut"
jq -s -e 'map(select(.response | startswith("Okay, so")) | .answer == "yes" and .cut_answered == true
	and (has("outcome") | not)) | all' $j >/dev/null || fail "cut lines: $(head -1 $j)"
jq -s -e 'map(select(.response == "No") | .answer == "no" and (has("cut_answered") | not)) | all' $j >/dev/null ||
	fail "whole lines"
jq -e --argjson c "$cut" '.suites.synth | .cut_answered == $c and .cut_short == 0 and .tasks == 30' \
	r/report.json >/dev/null || fail "report.json: $(jq -c '.suites.synth | {tasks, cut_short, cut_answered}' r/report.json)"
expect_out "cut short, read anyway: $cut replies hit the token limit after an answer was read from them (counted;"
expect_out "raise --max-tokens)"
grep -qF "cut short, read anyway: $cut replies" r/report.md || fail "report.md"
# report rebuilds the same from the journal.
expect_exit 0 "$V" report r --format json
jq -e --argjson c "$cut" '.suites.synth.cut_answered == $c' r/report.json >/dev/null || fail "report rebuilt"
echo ok

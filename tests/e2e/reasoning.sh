#!/usr/bin/env bash
# Reasoning models through the exec adapter: think tags removed before the
# answer is read (--think-tags), their length journaled (the text with
# --keep-reasoning), replies cut by the token limit ("finish_reason":"length")
# and refusals ("refusal":true) counted apart, out of every accuracy.
# Expected counts come from the journal with jq.
. "$(dirname "$0")/lib.bash"

cd "$T"
V=$VSRBENCH
cat >child.py <<'PY'
import json, sys, zlib
for line in sys.stdin:
    q = json.loads(line)
    mode = zlib.crc32(q["prompt"].encode()) % 3
    if mode == 0:
        r = {"text": "<think>hmm, no</think>Yes"}
    elif mode == 1:
        r = {"text": "<think>I am still thinking", "finish_reason": "length"}
    else:
        r = {"text": "I can't help with that.", "refusal": True}
    r["id"] = q["id"]
    print(json.dumps(r), flush=True)
PY
M=(-m exec -M cmd="python3 $T/child.py")
expect_exit 0 "$V" run "${M[@]}" -S count=30 -o r
j=r/samples.jsonl
n=$(wc -l <$j)
cut=$(jq -s '[.[] | select(.response | startswith("<think>I am still"))] | length' $j)
ref=$(jq -s '[.[] | select(.response | startswith("I can"))] | length' $j)
[ "$cut" -gt 0 ] && [ "$ref" -gt 0 ] && [ $((n - cut - ref)) -gt 0 ] || fail "the child's modes: $n $cut $ref"
jq -s -e 'map(select(.response | startswith("<think>I am still")) | .outcome == "cut_short" and .answer == "invalid") | all' $j >/dev/null || fail "cut_short lines"
jq -s -e 'map(select(.response | startswith("I can")) | .outcome == "refused") | all' $j >/dev/null || fail "refused lines"
# The final answer decides: "<think>hmm, no</think>Yes" is yes, 7 reasoning characters.
jq -s -e 'map(select(.response | startswith("<think>hmm")) | .answer == "yes" and .reasoning_chars == 7
	and (has("outcome") | not) and (has("reasoning") | not)) | all' $j >/dev/null || fail "think lines"
# Counted apart: out of tasks (and every accuracy), reported with the flag that fixes them.
jq -e --argjson n $n --argjson c $cut --argjson r $ref '.suites.synth
	| .tasks == ($n - $c - $r) and .cut_short == $c and .refused == $r and .answered.value == 1' \
	r/report.json >/dev/null || fail "report.json: $(jq -c '.suites.synth | {tasks, cut_short, refused}' r/report.json)"
expect_out "cut short: $cut replies hit the token limit before an answer (not counted; raise --max-tokens"
expect_out "refused: $ref replies were refusals or safety blocks (not counted)"
grep -qF "cut short: $cut replies" r/report.md || fail "report.md cut short"
jq -e '.extractor_version == 4' r/run.json >/dev/null || fail "run.json extractor_version"
# Resume: a cut-short task is done for this --max-tokens (its task key holds the
# limit); a run with a larger --max-tokens is another configuration, with new keys.
expect_exit 0 "$V" run "${M[@]}" -S count=30 -o r
expect_out "(0 new tasks, $n already done)"

# --keep-reasoning journals the text; --think-tags none reads it as part of the reply.
expect_exit 0 "$V" run "${M[@]}" -S count=30 --keep-reasoning -q -o k
jq -s -e 'map(select(.response | startswith("<think>hmm")) | .reasoning == "hmm, no") | all' k/samples.jsonl >/dev/null ||
	fail "--keep-reasoning"
expect_exit 0 "$V" run "${M[@]}" -S count=30 --think-tags none -q -o none
jq -s -e 'map(select(.response | startswith("<think>hmm")) | .answer == "invalid" and (has("reasoning_chars") | not)) | all' \
	none/samples.jsonl >/dev/null || fail "--think-tags none: 'no' and 'yes' conflict"
expect_exit 0 "$V" run "${M[@]}" -S count=30 --think-tags '[R],[/R]' -q -o other
jq -s -e 'map(select(.response | startswith("<think>hmm")) | .answer == "invalid") | all' other/samples.jsonl >/dev/null ||
	fail "--think-tags [R],[/R]"
expect_exit 2 "$V" run "${M[@]}" --think-tags '<think>' -o bad
expect_err "--think-tags '<think>': expected OPEN,CLOSE or none"
# -M think_tags=... is the same option, read by the harness (not sent to the model).
expect_exit 0 "$V" run "${M[@]}" -S count=30 -M 'think_tags=[R],[/R]' -q -o mtags
jq -s -e 'map(select(.response | startswith("<think>hmm")) | .answer == "invalid") | all' mtags/samples.jsonl >/dev/null ||
	fail "-M think_tags=[R],[/R]"
expect_exit 0 "$V" run "${M[@]}" -S count=30 -M think_tags=none -q -o mnone
jq -s -e 'map(select(.response | startswith("<think>hmm")) | .answer == "invalid" and (has("reasoning_chars") | not)) | all' \
	mnone/samples.jsonl >/dev/null || fail "-M think_tags=none"
expect_exit 2 "$V" run "${M[@]}" -M 'think_tags=<think>' -o bad
expect_err "-M think_tags='<think>': expected OPEN,CLOSE or none"

# A child may keep its thought apart ("reasoning"): never read for the answer
# (it says yes, the answer says no), journaled with --keep-reasoning.
cat >apart.py <<'PY'
import json, sys
for line in sys.stdin:
    q = json.loads(line)
    print(json.dumps({"id": q["id"], "text": "No", "reasoning": "The cat is on the left, so yes."}), flush=True)
PY
expect_exit 0 "$V" run -m exec -M cmd="python3 $T/apart.py" -S count=6 --keep-reasoning -q -o apart
jq -s -e 'length == 6 and all(.[]; .answer == "no" and .reasoning == "The cat is on the left, so yes.")' \
	apart/samples.jsonl >/dev/null || fail "exec reasoning apart: $(head -1 apart/samples.jsonl)"

# compare warns, naming both versions, when the extractors differ.
cp -r r old
jq '.extractor_version = 1' r/run.json >old/run.json
expect_exit 0 "$V" compare old r
expect_err "different extractors (base: version 1, candidate: version 4)"
expect_exit 0 "$V" compare -q r k
! grep -q "different extractors" "$T/err" || fail "same extractor warned"

#!/usr/bin/env bash
# A judge that stops answering mid-run (issue 15): the loopback judge
# (tests/server/fake_judge.py --answer-first N) answers N requests by its rule,
# then closes every connection unanswered.  The model's run still ends (exit 0,
# a warning); the judge's N readings count, every other invalid reply stays
# invalid and is counted (judge failed / not asked), never guessed; resumed
# once the judge answers again, the run asks it about the unjudged replies
# only (the server's log: no reply asked twice), and ends with the figures an
# uninterrupted judge gives (recomputed by python from the journal and the rule).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
CHILD="python3 $SERVER_DIR/verbose_child.py"
FIRST=10

start_judge judge --answer-first $FIRST
# give_up=1: the endpoint that answers nothing for a second is given up on (not 5 minutes).
RUN=(run -m exec -M cmd="$CHILD" -S count=40 -q --judge openai -J "base_url=http://127.0.0.1:$PORT/v1"
	-J model=judge-1 -J retries=0 -J give_up=1 -o r)

expect_exit 0 "$V" "${RUN[@]}"
expect_err "the judge stopped"
expect_err "the replies it did not judge stay invalid"
log1=$(server_log "$PORT")
[ "$(jq '[.[] | select(.status == 200)] | length' <<<"$log1")" = $FIRST ] || fail "server log: $log1"
[ "$(jq '[.[] | select(.status == 0)] | length' <<<"$log1")" -ge 1 ] || fail "the judge never stopped"

# The figures from the journals and the rule: the judge's answer lines are the
# first N it answered (each reading = the rule's verdict on its reply), every
# other invalid reply counts as invalid.
figures() {
	python3 - "$1" <<'PY'
import json, re, sys
d = sys.argv[1]
judge = {}
for line in open(d + "/judge.jsonl"):
    s = json.loads(line)
    if "error" in s:
        continue
    r = s["prompt"][s["prompt"].rfind("Reply:\n<<<\n") + 11:s["prompt"].rfind("\n>>>")]
    m = re.search(r"leans to (\w+)", r)
    want = m.group(1) if m and m.group(1) in ("yes", "no") else "invalid"
    assert s["answer"] == want, (s["answer"], r)  # the rule's verdict, never a guess
    judge[s["item"]] = s
seen, tasks, correct, invalid, judged, rescued, right = set(), 0, 0, 0, 0, 0, 0
for line in open(d + "/samples.jsonl"):
    s = json.loads(line)
    if "error" in s or s["key"] in seen:
        continue
    seen.add(s["key"])
    tasks += 1
    correct += s["correct"]
    if s["answer"] != "invalid":
        continue
    invalid += 1
    j = judge.get(s["item"])
    if j:
        judged += 1
        if j["answer"] != "invalid":
            rescued += 1
            right += j["answer"] == s["label"]
print(json.dumps({"tasks": tasks, "invalid": invalid, "judged": judged, "rescued": rescued,
                  "rescued_correct": right, "accuracy_exact": round(correct / tasks, 6),
                  "accuracy_with_judge": round((correct + right) / tasks, 6)},
                 sort_keys=True, separators=(",", ":")))
PY
}
got() { jq -cS '.judge.suites.synth | del(.failed, .not_asked)' r/report.json; }
want=$(figures r) || fail "a judge reading is not the judge's"
[ "$want" = "$(got)" ] || fail "after the judge stopped: want $want, got $(got)"
jq -e --argjson n $FIRST '.judge.suites.synth | .judged == $n and .invalid > .judged
	and .judged + .failed + .not_asked == .invalid and .failed + .not_asked > 0' r/report.json \
	>/dev/null || fail "unjudged replies not counted: $(jq -c .judge.suites.synth r/report.json)"
# The judge's lines: the N answers, error lines for the failed calls only.
[ "$(jq -s '[.[] | select(.error == null)] | length' r/judge.jsonl)" = $FIRST ] ||
	fail "judge answer lines"
[ "$(jq -s '[.[] | select(.error != null)] | length' r/judge.jsonl)" = \
	"$(jq .judge.suites.synth.failed r/report.json)" ] || fail "judge error lines vs failed"
grep -q "| not asked |" r/report.md || fail "report.md has no 'not asked' column"
grep -q "<th>not asked</th>" r/report.html || fail "report.html has no 'not asked' column"

# The judge answers again; the resumed run asks it about the unjudged replies only.
curl -fsS "http://127.0.0.1:$PORT/_revive" >/dev/null || fail "cannot revive the judge"
invalid=$(jq .judge.suites.synth.invalid r/report.json)
expect_exit 0 "$V" "${RUN[@]}"
log2=$(server_log "$PORT")
new=$(($(jq length <<<"$log2") - $(jq length <<<"$log1")))
[ "$new" = $((invalid - FIRST)) ] || fail "resume asked the judge $new times, not $((invalid - FIRST))"
# No reply the judge answered was asked again: the answered requests are one per invalid task.
[ "$(jq '[.[] | select(.status == 200)] | length' <<<"$log2")" = "$invalid" ] ||
	fail "a judged reply was asked again: $(jq -c '[.[] | .status] | group_by(.) | map(length)' <<<"$log2")"
want=$(figures r) || fail "a judge reading is not the judge's"
[ "$want" = "$(got)" ] || fail "after resume: want $want, got $(got)"
jq -e '.judge.suites.synth | .judged == .invalid and .failed == 0 and .not_asked == 0' \
	r/report.json >/dev/null || fail "after resume: $(jq -c .judge.suites.synth r/report.json)"
echo ok

#!/usr/bin/env bash
# merge of judged shards (issue 15): shards run with --shard I/N and one
# judge (a loopback OpenAI-compatible server, tests/server/fake_judge.py,
# answering by a rule this test knows) merge into a run whose report --
# with-judge numbers included -- equals the single machine's; the judge's
# figures are recomputed by python from the merged journal and the rule;
# the merged run resumes without asking the judge again (by the server's
# log); shards judged by different judges, or judged and not, are refused
# naming both.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
CHILD="python3 $SERVER_DIR/verbose_child.py --log $T/child.log"
COMMON=(-S count=60 -p instr -q)


start_judge one
ONE=$PORT
J=(--judge openai -J "base_url=http://127.0.0.1:$ONE/v1" -J model=judge-1)

expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" -o single
single_calls=$(judge_calls $ONE)
for i in 0 1 2; do
	expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" --shard "$i/3" -o "s$i"
	[ -s "s$i/judge.jsonl" ] || fail "shard $i has no judge journal"
done
# The shards asked the judge exactly what the single run did, once each.
[ "$(judge_calls $ONE)" = "$((2 * single_calls))" ] ||
	fail "judge calls: single $single_calls, all $(judge_calls $ONE)"

expect_exit 0 "$V" merge merged s2 s0 s1
[ -s merged/judge.jsonl ] || fail "merge wrote no judge.jsonl"
cmp single/report.json merged/report.json ||
	fail "merged report differs from the single run's: $(diff <(jq -S . single/report.json) <(jq -S . merged/report.json) | head -20)"
# The same judge lines, each once.
diff <(jq -r .key single/judge.jsonl | sort) <(jq -r .key merged/judge.jsonl | sort) >/dev/null ||
	fail "the merged judge journal is not the single run's"
[ "$(jq -r .key merged/judge.jsonl | sort | uniq -d | wc -l)" = 0 ] || fail "a judge line twice"
jq -e '.judge.config.model == "judge-1" and has("shard") == false' merged/run.json >/dev/null ||
	fail "merged run.json: $(jq -c '{judge, shard}' merged/run.json)"

# The with-judge figures, from the merged journal and the judge's rule alone.
want=$(python3 - merged <<'PY'
import json, re, sys
d = sys.argv[1]
seen, tasks, correct, invalid, rescued, right = set(), 0, 0, 0, 0, 0
for line in open(d + "/samples.jsonl"):
    s = json.loads(line)
    if "error" in s or s["key"] in seen or s["variant"] != "base":
        continue
    seen.add(s["key"])
    tasks += 1
    correct += s["correct"]
    if s["answer"] != "invalid":
        continue
    invalid += 1
    m = re.search(r"leans to (\w+)", s["response"])
    # The judge is asked for yes or no where the label is one (a letter-yes/no
    # question too): the rule's letter there is no allowed answer.
    yn = s["label"] in ("yes", "no")
    if m and (m.group(1) in ("yes", "no")) == yn:
        rescued += 1
        right += m.group(1) == s["label"]
print(json.dumps({"tasks": tasks, "invalid": invalid, "judged": invalid, "rescued": rescued,
                  "rescued_correct": right, "failed": 0, "not_asked": 0,
                  "accuracy_exact": round(correct / tasks, 6),
                  "accuracy_with_judge": round((correct + right) / tasks, 6)},
                 sort_keys=True, separators=(",", ":")))
PY
)
got=$(jq -cS '.judge.suites.synth' merged/report.json)
[ "$want" = "$got" ] || fail "merged judge figures: want $want, got $got"
jq -e '.rescued > 0 and .accuracy_with_judge > .accuracy_exact' <<<"$want" >/dev/null ||
	fail "the fixture should rescue replies: $want"

# The merged run resumes with its judge: the model and the judge are asked nothing.
calls=$(judge_calls $ONE)
lines=$(wc -l <child.log)
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" -o merged
[ "$(judge_calls $ONE)" = "$calls" ] || fail "the judge was asked again after merge"
[ "$(wc -l <child.log)" = "$lines" ] || fail "the model was asked again after merge"
cmp single/report.json merged/report.json || fail "resumed merged report changed"

# Shards judged by another judge, or by none, are refused, naming both.
start_judge two
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" --judge openai \
	-J "base_url=http://127.0.0.1:$PORT/v1" -J model=judge-2 --shard 1/3 -o other1
expect_exit 2 "$V" merge x1 s0 other1 s2
expect_one_line_err
expect_err "s0 was judged by openai judge-1, prompt v1, other1 by openai judge-2, prompt v1"
[ ! -e x1/samples.jsonl ] || fail "a refused merge wrote a journal"
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" --shard 2/3 -o plain2
expect_exit 2 "$V" merge x2 s0 s1 plain2
expect_err "plain2 by no judge"
expect_exit 2 "$V" merge x3 plain2 s0 s1
expect_err "plain2 was judged by no judge, s0 by openai judge-1"
# Judged alike after the fact (resumed with the same --judge), the shard merges.
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" --shard 2/3 -o plain2
expect_exit 0 "$V" merge x4 s0 s1 plain2
cmp single/report.json x4/report.json || fail "a shard judged on resume merges differently"

# A shard whose judge had nothing to judge (no judge.jsonl) merges: it adds nothing.
rm s1/judge.jsonl
expect_exit 0 "$V" merge x5 s0 s1 s2
[ "$(wc -l <x5/judge.jsonl)" = "$(($(wc -l <s0/judge.jsonl) + $(wc -l <s2/judge.jsonl)))" ] ||
	fail "judge lines after a shard without judge.jsonl"
echo ok

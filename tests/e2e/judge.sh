#!/usr/bin/env bash
# --judge: the replies the extractor reads as invalid go to a judge model (a
# loopback OpenAI-compatible server, tests/server/fake_judge.py, answering by
# a rule this test knows), the model under test being an exec child that
# answers verbosely (tests/server/verbose_child.py).  The counts and both
# accuracies are recomputed by python from the journal and the rule; a judge
# that answers garbage or 500s leaves the replies invalid (never a guess); a
# missing judge key exits 2 before any request; a resumed run asks the judge
# nothing again; score --judge judges recorded answers.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
CHILD="python3 $SERVER_DIR/verbose_child.py --log $T/child.log"
COMMON=(-S count=40 -q)


# The expected figures, from the journal and the judge's rule alone.
expect_py() {
	python3 - "$1" <<'PY'
import json, re, sys
d = sys.argv[1]
seen, tasks, correct, invalid, rescued, rescued_right = set(), 0, 0, 0, 0, 0
want = {}
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
    m = re.search(r"leans to (\w+)", s["response"])
    verdict = m.group(1) if m else "invalid"
    want[s["item"]] = verdict
    if verdict != "invalid":
        rescued += 1
        rescued_right += verdict == s["label"]
print(json.dumps({"tasks": tasks, "invalid": invalid, "judged": invalid, "rescued": rescued,
                  "rescued_correct": rescued_right, "failed": 0, "not_asked": 0,
                  "accuracy_exact": round(correct / tasks, 6),
                  "accuracy_with_judge": round((correct + rescued_right) / tasks, 6)},
                 sort_keys=True, separators=(",", ":")))
json.dump(want, open(d + "/want_verdicts.json", "w"))
PY
}
got_judge() { jq -cS '.judge.suites.synth' "$1/report.json"; }

start_judge rule
J=(--judge openai -J "base_url=http://127.0.0.1:$PORT/v1" -J model=judge-1)
rule=$PORT

# A missing key: exit 2 naming the variable, before the model or the judge is asked anything.
expect_exit 2 env -u VSR_NO_SUCH_KEY "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" \
	-J api_key_env=VSR_NO_SUCH_KEY -o nokey
expect_one_line_err
expect_err "--judge openai: -J api_key_env=VSR_NO_SUCH_KEY: that environment variable is not set"
[ ! -e child.log ] || fail "the model was asked before the judge's key was checked"
[ ! -e nokey/samples.jsonl ] || fail "a journal was started before the judge's key was checked"
[ "$(judge_calls $rule)" = 0 ] || fail "the judge was called"
expect_exit 2 env -u ANTHROPIC_API_KEY "$V" run "${COMMON[@]}" --judge anthropic -J model=claude-x -o nokey2
expect_err "ANTHROPIC_API_KEY"
expect_exit 2 "$V" run "${COMMON[@]}" -J model=x -o nojudge
expect_err "-J without --judge KIND"

# The judge rescues what the rule says, and only that.
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" -o r1
want=$(expect_py r1)
got=$(got_judge r1)
[ "$want" = "$got" ] || fail "judge figures: want $want, got $got"
jq -e '.rescued > 0 and .invalid > .rescued' <<<"$want" >/dev/null ||
	fail "the fixture should have rescued and unrescued replies: $want"
[ "$(judge_calls $rule)" = "$(jq .invalid <<<"$want")" ] || fail "judge calls: $(judge_calls $rule)"
# The journal keeps the judge's raw reply and reading per task.
python3 - r1 <<'PY' || fail "judge.jsonl readings differ from the rule"
import json, sys
d = sys.argv[1]
want = json.load(open(d + "/want_verdicts.json"))
got = {}
for line in open(d + "/judge.jsonl"):
    s = json.loads(line)
    got[s["item"]] = s["answer"]
    assert s["template"] == "judge1" and "Reply:\n<<<\n" in s["prompt"], s
sys.exit(0 if got == want else 1)
PY
jq -e '.judge.prompt_version == 1 and .judge.config.model == "judge-1" and
	(.judge.fingerprint_hash | test("^[0-9a-f]{16}$"))' r1/run.json >/dev/null || fail "run.json judge"
grep -q "^## Judge" r1/report.md || fail "report.md has no judge section"
# The exact accuracy's interval in the judge's table is the headline's (one
# definition: clustered by image, docs/report-json.md).
head_ci=$(grep -m1 '^| synth |' r1/report.md | grep -oE '[0-9.]+% \[[0-9.]+, [0-9.]+\]' | head -1)
grep -A12 '^## Judge' r1/report.md | grep -m1 '^| synth |' | grep -qF "$head_ci" ||
	fail "judge table's exact accuracy differs from the headline's $head_ci: $(grep -A6 '^## Judge' r1/report.md | grep '^| synth')"
grep -q "<h2>Judge</h2>" r1/report.html || fail "report.html has no judge section"

# Resumed: neither the model nor the judge is asked again.
calls=$(judge_calls $rule)
lines=$(wc -l <child.log)
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" "${J[@]}" -o r1
[ "$(judge_calls $rule)" = "$calls" ] || fail "the judge was asked again on resume"
[ "$(wc -l <child.log)" = "$lines" ] || fail "the model was asked again on resume"
[ "$(got_judge r1)" = "$want" ] || fail "figures changed on resume"
# report rebuilds the same figures from the two journals.
expect_exit 0 "$V" report r1
[ "$(got_judge r1)" = "$want" ] || fail "report: figures changed"

# --judge-all asks about every reply; only the invalid ones change the score.
start_judge all
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" --judge openai \
	-J "base_url=http://127.0.0.1:$PORT/v1" -J model=judge-1 --judge-all -o all
[ "$(judge_calls $PORT)" = "$(jq .tasks <<<"$want")" ] || fail "--judge-all: $(judge_calls $PORT) calls"
[ "$(got_judge all)" = "$(expect_py all)" ] || fail "--judge-all figures: $(got_judge all)"

# A judge answering garbage, or failing, rescues nothing: the replies stay invalid.
for mode in garbage 500; do
	start_judge "$mode" --mode "$mode"
	expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" --judge openai \
		-J "base_url=http://127.0.0.1:$PORT/v1" -J model=judge-1 -J retries=0 -o "$mode"
	jq -e '.judge.suites.synth | .rescued == 0 and .rescued_correct == 0 and
		.accuracy_with_judge == .accuracy_exact and .invalid > 0' "$mode/report.json" >/dev/null ||
		fail "$mode judge: $(jq -c .judge.suites.synth "$mode/report.json")"
	jq -e 'select(.answer != null and .answer != "invalid")' "$mode/judge.jsonl" >/dev/null &&
		fail "$mode judge: a judge line has an answer"
	[ "$(judge_calls "$PORT")" -ge 1 ] || fail "$mode judge was not asked"
done
jq -e '.judge.suites.synth.failed == .judge.suites.synth.invalid' 500/report.json >/dev/null ||
	fail "500 judge: failed calls not counted: $(jq -c .judge.suites.synth 500/report.json)"
jq -e '.judge.suites.synth.judged == .judge.suites.synth.invalid' garbage/report.json >/dev/null ||
	fail "garbage judge: judged: $(jq -c .judge.suites.synth garbage/report.json)"

# Multiple choice with rotated options (-p circular): the judge's letter is read in
# the order the model was shown and journaled in the dataset's order, as the
# model's own letters are (option k of rotation r shows original (k + r) % n).
for i in 1 2 3; do "$VSR_BUILD/tests/mkimage" "img$i.png" 16 16 "$i"; done
mkdir -p data/mmbench
{
	printf 'index\tquestion\thint\tA\tB\tC\tD\tanswer\tcategory\timage\tsource\tl2-category\tcomment\tsplit\n'
	for i in 1 2 3; do
		printf '%s\tWhere is thing %s?\t\tleft\tright\tabove\t\t%s\tspatial_relationship\t%s\tcoco\tx\t\tdev\n' \
			"$((240 + i))" "$i" "$(echo ABC | cut -c"$i")" "$(base64 -w0 "img$i.png")"
	done
} >data/mmbench/MMBench_DEV_EN.tsv
expect_exit 0 "$V" run -q -s mmbench-spatial -S category=spatial_relationship --data data -p circular -m exec -M cmd="$CHILD" \
	"${J[@]}" -o mc
python3 - mc <<'PY' || fail "multiple-choice judge readings differ from the rule"
import json, re, sys
d = sys.argv[1]
want, seen = {}, set()
for line in open(d + "/samples.jsonl"):
    s = json.loads(line)
    if s["key"] in seen or s["answer"] != "invalid":
        continue
    seen.add(s["key"])
    n = len(re.findall(r"(?m)^[A-Z]\. ", s["prompt"]))
    rot = int(s["variant"][3:]) if s["variant"].startswith("rot") else 0
    m = re.search(r"leans to ([A-Z])\b", s["response"])
    k = "ABCDEFGH".index(m.group(1)) if m else None
    want[(s["item"], s["variant"])] = "ABCDEFGH"[(k + rot) % n] if k is not None and k < n else "invalid"
got = {}
for line in open(d + "/judge.jsonl"):
    s = json.loads(line)
    got[(s["item"], s["variant"])] = s["answer"]
print(len(want), sum(v != "invalid" for v in want.values()), file=sys.stderr)
sys.exit(0 if got == want and any(k[1] != "base" and v != "invalid" for k, v in want.items()) else 1)
PY

# compare refuses a judged run against an unjudged one, or two judges, unless told.
expect_exit 0 "$V" run -m exec -M cmd="$CHILD" "${COMMON[@]}" -o plain
expect_exit 2 "$V" compare -q plain r1
expect_one_line_err
expect_err "plain was judged by no judge, r1 by openai judge-1, prompt v1"
expect_exit 2 "$V" compare -q r1 garbage
expect_err "another judge model, endpoint, options or prompt version"
expect_exit 0 "$V" compare -q --allow-judge-mismatch plain r1
expect_exit 0 "$V" compare -q r1 r1

# score --judge: the judge added after the fact to recorded answers.
start_judge score
expect_exit 0 "$V" score --judge openai -J "base_url=http://127.0.0.1:$PORT/v1" -J model=judge-1 \
	-q -o s1 garbage/samples.jsonl
[ "$(got_judge s1)" = "$(expect_py s1)" ] || fail "score --judge: $(got_judge s1) vs $(expect_py s1)"
[ "$(judge_calls "$PORT")" = "$(jq .invalid <<<"$want")" ] || fail "score --judge calls"
echo ok

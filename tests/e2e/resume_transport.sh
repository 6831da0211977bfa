#!/usr/bin/env bash
# A run stopped by timeouts resumes with a longer -M timeout (and other
# options of how requests travel: retries, rpm, stream, concurrency ...):
# before, every -M option was part of the run's configuration, so the
# resume was refused ("another -o") and the answers already paid for were
# stranded.  Options that change answers (-M system) are still refused.
# -m exec: its -M timeout, retries and procs likewise.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_server llm
OA=(-m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m -S count=6 -t yn01 -j 1 -q)

# The first two requests take 3 s; with -M timeout=1 and no retries they fail.
queue_faults "$PORT" slow:3 slow:3
expect_exit 4 "$V" run "${OA[@]}" -M timeout=1 -M retries=0 -o r
[ "$(jq -s 'map(select(.error)) | length' r/samples.jsonl)" = 2 ] || fail "first run: $(jq -c '{item, error}' r/samples.jsonl)"
[ "$(jq -s 'map(select(.error == null)) | length' r/samples.jsonl)" = 4 ] || fail "first run's answers"
h=$(jq -r .config_hash r/run.json)
# A longer timeout, more retries, a rate, streaming: the same run, its two failed tasks asked again.
expect_exit 0 "$V" run "${OA[@]}" -M timeout=30 -M retries=3 -M rpm=6000 -M stream=on -M concurrency=fixed -o r
expect_out "(2 new tasks, 4 already done)"
[ "$(jq -r .config_hash r/run.json)" = "$h" ] || fail "the configuration's hash changed"
[ "$(jq -s 'map(select(.error == null)) | length' r/samples.jsonl)" = 6 ] || fail "the resume's answers"
jq -e '.model.config | has("timeout") or has("retries") or has("rpm") or has("stream") | not' r/run.json \
	>/dev/null || fail "run.json's model config holds transport options: $(jq -c .model.config r/run.json)"
# run.json keeps the first command and adds the resume's: how the run was finished.
jq -e '(.command | index("timeout=1")) and .resumes_total == 1 and
	(.resumes[0].command | index("timeout=30")) and (.resumes[0].at | test("^[0-9-]+T[0-9:]+Z$"))' \
	r/run.json >/dev/null || fail "run.json's commands: $(jq -c '{command, resumes, resumes_total}' r/run.json)"
# An option that changes answers is still another run.
expect_exit 2 "$V" run "${OA[@]}" -M system="Answer briefly." -o r
expect_err "-o"

# -m exec: -M timeout, retries, procs.
cat >child.py <<'PY'
import json, sys
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "text": "Yes"}), flush=True)
PY
EX=(-m exec -M cmd="python3 $T/child.py" -S count=4 -q)
expect_exit 0 "$V" run "${EX[@]}" -M timeout=5 -o x
expect_exit 0 "$V" run "${EX[@]}" -M timeout=50 -M retries=4 -M procs=2 -o x
expect_out "(0 new tasks, 4 already done)"
expect_exit 2 "$V" run "${EX[@]}" -M image=path -o x

#!/usr/bin/env bash
# One preemption, two SIGTERMs: timeout(1) signals the command and then its
# process group, a batch system may signal every process of a job and its
# step too.  The second SIGTERM used to kill the run at once (exit 143): no
# final status.json (it still read as running, "stopped_by" absent), no
# reports.  Now the run stops as after one: exit 5, status.json says
# interrupted, the reports are written, and a resume finishes every task once.
# A second Ctrl-C still kills at once (e2e/sigint covers the first).
. "$(dirname "$0")/lib.bash"
cd "$T"
cat >slow.py <<'PY'
import json, os, sys, time
pause = float(os.environ.get("SLOW", "0.01"))
for line in sys.stdin:
    r = json.loads(line)
    time.sleep(pause)
    print(json.dumps({"id": r["id"], "text": "yes"}), flush=True)
PY
# started DIR N: until DIR's journal holds N tasks.
started() {
	for _ in $(seq 1 200); do
		[ -s "$1/samples.jsonl" ] && [ "$(wc -l <"$1/samples.jsonl")" -ge "$2" ] && return 0
		sleep 0.05
	done
	fail "$1: no task journaled"
}
# stopped DIR RC: exit 5, status.json interrupted, the reports there, a resume finishes.
stopped() {
	[ "$2" = 5 ] || fail "$1: exit $2, want 5: $(cat "$1.err")"
	jq -e '.complete == false and .stopped_by == "interrupted"' "$1/status.json" >/dev/null ||
		fail "$1: status.json: $(jq -c . "$1/status.json")"
	for f in report.json report.md report.html junit.xml; do
		[ -s "$1/$f" ] || fail "$1: no $f after the stop"
	done
	[ "$(jq .tasks_done_now "$1/status.json")" = "$(wc -l <"$1/samples.jsonl")" ] ||
		fail "$1: status.json counts $(jq .tasks_done_now "$1/status.json"), the journal $(wc -l <"$1/samples.jsonl")"
	expect_exit 0 "$VSRBENCH" run -m exec -M cmd="python3 slow.py" -j 1 -S count=400 -q -o "$1"
	[ "$(jq -r .key "$1/samples.jsonl" | sort -u | wc -l)" = 400 ] && [ "$(wc -l <"$1/samples.jsonl")" = 400 ] ||
		fail "$1: the resume did not finish every task once"
}

# Two SIGTERMs 0.1 s apart, while the run waits for its task in flight
# (the model takes 0.5 s a task until the resume).
set +e
SLOW=0.5 "$VSRBENCH" run -m exec -M cmd="python3 slow.py" -j 1 -S count=400 -q -o twice >twice.out 2>twice.err &
pid=$!
started twice 2
sleep 0.1
kill -TERM $pid
sleep 0.1
kill -TERM $pid
wait $pid
rc=$?
set -e
stopped twice $rc

# timeout(1) as a job script uses it: the command, then its process group.
set +e
timeout --preserve-status -s TERM 2 "$VSRBENCH" run -m exec -M cmd="python3 slow.py" -j 1 -S count=400 -q \
	-o timeout >timeout.out 2>timeout.err
rc=$?
set -e
[ "$(wc -l <timeout/samples.jsonl)" -lt 400 ] || fail "timeout: the run ended before the signal"
stopped timeout $rc
echo ok

#!/usr/bin/env bash
# Preemption: SIGTERM (what Slurm and Kubernetes send) and SIGHUP stop a run
# as Ctrl-C does: exit 5 with the resume hint, the exec child reaped (not
# left running under PID 1), and a second run finishes every task exactly once;
# also when the exec child is killed by the signal first.
. "$(dirname "$0")/lib.bash"
cd "$T"
cat >slow.py <<'PY'
import json, os, sys, time
open(sys.argv[1], "w").write(str(os.getpid()))
for line in sys.stdin:
    r = json.loads(line)
    time.sleep(0.01)
    print(json.dumps({"id": r["id"], "text": "yes"}), flush=True)
PY
for sig in TERM HUP; do
	set +e
	"$VSRBENCH" run -m exec -M cmd="python3 slow.py child-$sig.pid" -j 1 -S count=400 -q \
		-o "run-$sig" >"out-$sig" 2>"err-$sig" &
	pid=$!
	# Until a few tasks are journaled.
	for _ in $(seq 1 200); do
		[ -s "run-$sig/samples.jsonl" ] && [ "$(wc -l <"run-$sig/samples.jsonl")" -ge 5 ] && break
		sleep 0.05
	done
	kill -$sig $pid
	wait $pid
	rc=$?
	set -e
	[ $rc = 5 ] || fail "SIG$sig: exit $rc, want 5: $(cat "err-$sig")"
	grep -q "interrupted after .* new tasks; resume with: vsrbench run ... -o run-$sig" "out-$sig" ||
		fail "SIG$sig: no resume hint: $(cat "out-$sig")"
	child=$(cat "child-$sig.pid")
	sleep 0.2
	kill -0 "$child" 2>/dev/null && fail "SIG$sig: the exec child $child still runs"
	done1=$(wc -l <"run-$sig/samples.jsonl")
	[ "$done1" -lt 400 ] || fail "SIG$sig: the run was not stopped early"
	expect_exit 0 "$VSRBENCH" run -m exec -M cmd="python3 slow.py child-$sig.pid" -j 1 -S count=400 -q -o "run-$sig"
	[ "$(wc -l <"run-$sig/samples.jsonl")" = 400 ] || fail "SIG$sig: resume did not finish"
	[ "$(jq -r .key "run-$sig/samples.jsonl" | sort -u | wc -l)" = 400 ] || fail "SIG$sig: a task twice"
done
# Ctrl-C reaches the whole process group and Slurm signals every process of a
# job: the exec child may die of the signal before ours arrives.  Still an
# interruption (exit 5), not a model failure (exit 4).
set +e
"$VSRBENCH" run -m exec -M cmd="python3 slow.py child-first.pid" -j 1 -S count=400 -q \
	-o run-first >out-first 2>err-first &
pid=$!
for _ in $(seq 1 200); do
	[ -s run-first/samples.jsonl ] && [ "$(wc -l <run-first/samples.jsonl)" -ge 5 ] && break
	sleep 0.05
done
kill -TERM "$(cat child-first.pid)"
sleep 0.1
kill -TERM $pid
wait $pid
rc=$?
set -e
[ $rc = 5 ] || fail "the child killed first: exit $rc, want 5: $(cat err-first)"
grep -q "interrupted after .* new tasks" out-first || fail "the child killed first: no resume hint: $(cat out-first)"

# SIGKILL after the grace period (a CI job cancelled, a node lost) can land between
# a report's NAME.tmp.PID and its rename: the next run in the directory removes what
# a process that is gone left, keeps a live process's file and files not its own.
expect_exit 0 "$VSRBENCH" run -q -S count=20 -o killed
sleep 0 &
dead=$!
wait $dead
for f in status.json report.md junit.xml; do echo partial >"killed/$f.tmp.$dead"; done
echo live >"killed/report.json.tmp.$$"
echo mine >killed/notes.tmp.$dead
expect_exit 0 "$VSRBENCH" run -q -S count=20 -o killed
for f in status.json report.md junit.xml; do
	[ ! -e "killed/$f.tmp.$dead" ] || fail "killed/$f.tmp.$dead (a dead writer's) is still there"
done
[ -e "killed/report.json.tmp.$$" ] || fail "a live process's temporary file was removed"
[ -e killed/notes.tmp.$dead ] || fail "a file that is not the run directory's was removed"
echo ok

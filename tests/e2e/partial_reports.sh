#!/usr/bin/env bash
# The reports of a run that did not go through its tasks say so, with the
# counts, wherever a number can be quoted from: report.md's title and first
# paragraph, report.html's title and the line above the headline cards,
# report.json ("complete": false, "tasks_done", "tasks_planned"), junit.xml
# (a failing testcase "complete" in a testsuite "run", so CI shows it) and
# the terminal summary; `vsrbench report` on the directory says the same
# (it reads status.json); a resume that finishes the run takes the mark away.
# Here a run interrupted by Ctrl-C against a slow loopback server (exit 5);
# e2e/fatal_stop_reports the runs a fatal error stops.
# The counts come from the journal by jq, the plan by hand (N items x one
# template, yn01, no perturbation).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH

. "$(dirname "$0")/partial.bash"

# ---- 1. interrupted ---------------------------------------------------------
# Every request waits 0.5 s the first time its body arrives: 4 in flight, 8 tasks/s.
start_server slow --plan '{"every":1,"faults":["slow:0.5"]}'
RUN=(run -m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m -n 60 -j 4 --fixed -o int)
interrupt_run int 8 out1 err1
[ $rc = 5 ] || fail "interrupted: exit $rc, want 5: $(cat err1)"
done1=$(done_in int)
[ "$done1" -ge 8 ] && [ "$done1" -lt 60 ] || fail "interrupted: $done1 tasks done, want 8..59"
[ "$(failed_in int)" = 0 ] || fail "interrupted: failed tasks"
s1="partial run: $done1 of 60 planned tasks done (interrupted); every figure is over the tasks done only."
check_partial int "$s1" "$done1" 60
jq -e '.complete == false and .stopped_by == "interrupted" and .tasks_planned == 60' int/status.json >/dev/null ||
	fail "int/status.json: $(cat int/status.json)"
grep -qF "$s1" out1 || fail "the summary lacks '$s1': $(head -5 out1)"
grep -qF "vsrbench run ... -o int" out1 || fail "the summary names no resume command: $(head -5 out1)"

# Rebuilt by `vsrbench report`: the same, from the directory.
cp -r int int-copy
rm int-copy/report.* int-copy/junit.xml
expect_exit 0 "$V" report int-copy
expect_out "$s1"
expect_out "vsrbench run ... -o int-copy"
check_partial int-copy "$s1" "$done1" 60
cmp -s int/report.md int-copy/report.md || fail "report.md rebuilt differs: $(diff int/report.md int-copy/report.md | head)"

# Resumed to the end: the mark is gone.
expect_exit 0 "$V" "${RUN[@]}"
[ "$(done_in int)" = 60 ] || fail "resume: $(done_in int) of 60 tasks done"
check_complete int
! grep -qF "partial run" "$T/out" || fail "resume: the summary still says partial"
expect_exit 0 "$V" report -q int
check_complete int

# ---- 2. an interrupted shard --------------------------------------------------
# A shard's plan is its own items, known once it has read them all (its 60 -n
# items are read at once here, far fewer than the scheduler holds): an
# interrupted shard says "N of M planned", M = its items x one template, the
# items its journal holds once the same shard has finished (e.g. in CI, a
# shard that a preemption stopped).
# A server of its own: the first one has seen these bodies and would not be slow again.
start_server slow2 --plan '{"every":1,"faults":["slow:0.5"]}'
RUN=(run -m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m -n 60 -j 4 --fixed --shard 1/2 -o sh1)
interrupt_run sh1 4 out2 err2
[ $rc = 5 ] || fail "interrupted shard: exit $rc, want 5: $(cat err2)"
expect_exit 0 "$V" run -n 60 -t yn01 --shard 1/2 -q -o sh1-whole
mine=$(jq -s 'map(.item) | unique | length' sh1-whole/samples.jsonl)
[ "$mine" -gt 4 ] && [ "$mine" -lt 60 ] || fail "shard 1/2 holds $mine of 60 items"
jq -e --argjson m "$mine" '.complete == false and .stopped_by == "interrupted" and .tasks_planned == $m' \
	sh1/status.json >/dev/null || fail "sh1/status.json (plan $mine): $(cat sh1/status.json)"
done2=$(done_in sh1)
check_partial sh1 "partial run: $done2 of $mine planned tasks done (interrupted)" "$done2" "$mine"

echo ok

#!/usr/bin/env bash
# A fatal stop writes the final status.json and the reports of what was
# answered, marked partial as an interrupted run's are (e2e/partial_reports),
# and keeps its exit code (4) and message:
#   1. mid-run: the server starts answering every request HTTP 400 with the
#      same body, and the fourth identical reply stops the run;
#   2. the same from the first request (nothing answered).
# The counts come from the journal by jq, the plan by hand (N items x one
# template, yn01, no perturbation).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH

. "$(dirname "$0")/partial.bash"

# ---- 1. a fatal stop mid-run --------------------------------------------------
# -j 1: one request at a time; once a few are answered every request gets
# the same HTTP 400, and the fourth identical one stops the run.
start_server refuse --plan '{"every":1,"faults":["slow:0.1"]}'
set +e
"$V" run -m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m -n 40 -j 1 -o fatal >out2 2>err2 &
pid=$!
wait_lines fatal 5 $pid
queue_faults "$PORT" 400 400 400 400 400 400 400 400 400 400
wait $pid
rc=$?
set -e
[ $rc = 4 ] || fail "fatal stop: exit $rc, want 4: $(cat err2)"
grep -qF "error: stopped after 4 identical HTTP 400 replies" err2 || fail "fatal stop: the message changed: $(cat err2)"
done2=$(done_in fatal)
failed2=$(failed_in fatal)
[ "$done2" -ge 5 ] && [ "$failed2" = 4 ] || fail "fatal stop: $done2 done, $failed2 failed"
jq -e --argjson n "$(lines_in fatal)" --argjson e "$failed2" \
	'.complete == false and .stopped_by == "error" and .tasks_planned == 40 and .tasks_done_now == $n and .errors_now == $e' \
	fatal/status.json >/dev/null || fail "fatal/status.json is not the final one: $(cat fatal/status.json)"
s2="partial run: $done2 of 40 planned tasks done, 4 failed (stopped by an error);"
check_partial fatal "$s2" "$done2" 40
# The line to quote the number by carries the same caveat first.
q=$(jq -r '.suites.synth.quote' fatal/report.json)
case $q in "${s2%;}; synth (1 template), at most the first 40 items (-n 40): acc_t "*) ;; *) fail "fatal stop: the quote lacks the caveat: $q" ;; esac
grep -qF -- "- \`${s2%;}; synth (1 template), at most the first 40 items (-n 40): acc_t " fatal/report.md || fail "fatal stop: report.md's quote: $(grep -A3 'To quote' fatal/report.md)"
grep -qF "$s2" out2 || fail "fatal stop: the summary lacks '$s2': $(head -5 out2)"
grep -qF "the reports of the tasks done, marked partial: fatal/report.md" out2 || fail "fatal stop: $(cat out2)"
# The reports hold what was answered: the journal's answered tasks.
jq -e --argjson d "$done2" '.overall.tasks == $d and .overall.errors == 4' fatal/report.json >/dev/null ||
	fail "fatal stop: report.json overall $(jq -c .overall fatal/report.json)"

# ---- 2. every request refused from the first ---------------------------------
start_server refuse-all --plan '{"every":1,"faults":["400"]}'
expect_exit 4 "$V" run -m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m -n 20 -j 1 -q -o none
expect_err "error: stopped after 4 identical HTTP 400 replies"
[ -s none/status.json ] && [ -s none/report.md ] || fail "no status.json or report.md after a fatal stop"
jq -e '.complete == false and .stopped_by == "error" and .tasks_done_now == 4 and .errors_now == 4' none/status.json >/dev/null ||
	fail "none/status.json: $(cat none/status.json)"
[ "$(done_in none)" = 0 ] && [ "$(failed_in none)" = 4 ] || fail "refused from the first: journal $(cat none/samples.jsonl)"
check_partial none "partial run: 0 of 20 planned tasks done, 4 failed (stopped by an error);" 0 20
# No task answered: no share to show, "-", not "0.0% [0.0, 100.0]".
[ "$(jq -r .suites.synth.quote none/report.json)" = "partial run: 0 of 20 planned tasks done, 4 failed (stopped by an error); synth (1 template), at most the first 20 items (-n 20): acc_t - (no task answered), model openai model m at 127.0.0.1:$PORT; vsrbench $(jq -r .harness_version none/run.json), run $(jq -r .config_hash none/run.json)" ] ||
	fail "refused from the first: quote $(jq -r .suites.synth.quote none/report.json)"
grep -qxF "| synth | 0 | 4 | - | - | - | - | - | - |" none/report.md ||
	fail "refused from the first: report.md row $(grep '^| synth' none/report.md)"
expect_exit 0 "$V" report none
grep -qE '^  synth +0 +4 +- +- +- +-$' "$T/out" || fail "refused from the first: summary row $(grep '^  synth' "$T/out")"
echo ok

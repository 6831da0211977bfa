#!/usr/bin/env bash
# The gate looks at the runs it compares, not only at their paired tasks:
# a run that stopped partway (status.json "complete": false) fails it, named
# with its tasks done of planned and why it stopped, unless --allow-partial
# (then a warning); a run with more failed tasks than --max-error-rate (run's
# meaning and default, 0.05) fails it, fewer is a warning.  The exit code,
# the terminal, compare.md, compare.json and the JUnit file say the same;
# `run --baseline` does as `compare` does.  A base newer than its candidate
# (runs given the wrong way round?) is a warning.  Counts come from the journals
# (jq) and from the plan by hand (-S count=N, one template).
. "$(dirname "$0")/lib.bash"
. "$(dirname "$0")/partial.bash"
command -v xmllint >/dev/null ||
	fail "xmllint is not installed: run 'make -f Makefile.ci deps' (libxml2-utils; CI installs it)"
XSD="$VSR_SRC/tests/junit/junit.xsd"
cd "$T"
V=$VSRBENCH
N=200

valid() { xmllint --noout --schema "$XSD" "$1" 2>xmllint.err || fail "$1: $(cat xmllint.err)"; }
xp() { xmllint --xpath "$1" "$2"; }
# agree EXIT MD JSON JUNIT: the four say the same about the gate.
agree() {
	local passed=true failures=0
	if [ "$1" = 1 ]; then passed=false; fi
	grep -qF "**Gate: $([ "$1" = 1 ] && echo failed || echo passed)**" "$2" || fail "$2: $(sed -n 3p "$2")"
	[ "$(jq .gate.passed "$3")" = $passed ] || fail "$3: gate.passed $(jq .gate.passed "$3"), exit $1"
	failures=$(xp 'string(/testsuites/@failures)' "$4")
	if [ "$1" = 1 ]; then [ "$failures" -ge 1 ]; else [ "$failures" = 0 ]; fi ||
		fail "$4: $failures failures with exit $1"
	[ "$(xp 'string(/testsuites/@errors)' "$4")" = 0 ] || fail "$4: an <error> the gate did not decide"
	valid "$4"
}

expect_exit 0 "$V" run -q -S count=$N -o base

# ---- 1. a candidate whose model stopped after 5 answers ----------------------
# It hangs (a child that exits is started again and goes on): -M timeout stops
# the run, with no task failed.
cat >die5.py <<'PY'
import json, sys, time
for n, line in enumerate(sys.stdin, 1):
    print(json.dumps({"id": json.loads(line)["id"], "text": "Yes"}), flush=True)
    if n == 5:
        time.sleep(3600)
PY
expect_exit 4 "$V" run -q -S count=$N -m exec -M cmd="python3 die5.py" -M timeout=1 -j 1 -o cand
done5=$(done_in cand)
[ "$done5" = 5 ] || fail "cand: $done5 tasks done, want 5"
[ "$(jq -r .stopped_by cand/status.json)" = error ] || fail "cand/status.json: $(cat cand/status.json)"
line="candidate cand is a partial run (status.json): 5 of $N planned tasks done (stopped by an error)"
expect_exit 1 "$V" compare base cand --max-drop 2 --markdown c.md --json c.json --junit c.xml
expect_err "gate failed: $line; a comparison with it covers the tasks it did only. Finish it (vsrbench run ... -o cand) or pass --allow-partial"
grep -qF -- "- ❌ $line" c.md || fail "compare.md: $(head -6 c.md)"
agree 1 c.md c.json c.xml
jq -e --arg l "$line" '.candidate.complete == false and .candidate.tasks_done == 5 and
	.candidate.tasks_planned == '$N' and .candidate.stopped_by == "error" and .base.complete == true and
	(.gate.checks[0] | .type == "partial-run" and .passed == false and (.message | startswith($l)))' \
	c.json >/dev/null || fail "compare.json: $(jq -c '{candidate, c: .gate.checks[0]}' c.json)"
[ "$(xp 'string(//testsuite[@name="run"]/testcase/failure/@type)' c.xml)" = partial-run ] ||
	fail "junit: no partial-run failure in testsuite run"
[ "$(xp 'string(//testsuite[@name="run"]//property[@name="tasks_done"]/@value)' c.xml)" = 5 ] ||
	fail "junit: tasks_done"
# Without any check asked for, the same: the JUnit file fails, so does the exit code.
expect_exit 1 "$V" compare -q base cand --json c0.json --junit c0.xml
[ "$(jq .gate.passed c0.json)" = false ] || fail "no options: gate.passed $(jq .gate.passed c0.json)"
# A partial base fails the same way.
expect_exit 1 "$V" compare -q cand base --max-drop 2
expect_err "gate failed: base cand is a partial run (status.json): 5 of $N planned tasks done (stopped by an error)"

# A candidate that died before its first answer shares no task: exit 3, saying why.
cat >die0.py <<'PY'
import sys, time
sys.stdin.readline()
time.sleep(3600)
PY
expect_exit 4 "$V" run -q -S count=$N -m exec -M cmd="python3 die0.py" -M timeout=1 -j 1 -o none
expect_exit 3 "$V" compare -q base none --max-drop 2
expect_one_line_err
expect_err "have no answered task in common"
expect_err "; none is a partial run: 0 of $N planned tasks done (stopped by an error). Finish it (vsrbench run ... -o none, once the model answers) and compare again"
# A candidate that went through its tasks, every one failed (a model that could not
# load, a server down for the whole run): the same, with how to retry them.
cat >oom.py <<'PY'
import json, sys
for line in sys.stdin:
    print(json.dumps({"id": json.loads(line)["id"], "error": "CUDA out of memory"}), flush=True)
PY
expect_exit 4 "$V" run -q -S count=$N -m exec -M cmd="python3 oom.py" -j 1 -o "oom run"
expect_exit 3 "$V" compare -q base "oom run" --max-drop 2
expect_one_line_err
expect_err "have no answered task in common (matched on suite, item, template and variant: 0 only in the first, 0 only in the second, $N failed in either); every task of oom run failed ($N): retry them (vsrbench run ... -o 'oom run', once the model answers) and compare again"

# ---- 2. --allow-partial: a warning, in every output --------------------------
expect_exit 0 "$V" compare base cand --max-drop 2 --allow-partial --markdown a.md --json a.json --junit a.xml
expect_err "vsrbench: warning: $line; accepted by --allow-partial"
grep -qF -- "- ⚠️ $line; accepted by --allow-partial" a.md || fail "a.md: $(head -6 a.md)"
agree 0 a.md a.json a.xml
jq -e --arg l "$line" '(.warnings | map(startswith($l)) | any) and
	(.gate.checks[0] | .passed and .warning)' a.json >/dev/null || fail "a.json: $(jq -c '{warnings, gate}' a.json)"
xp 'string(//testsuite[@name="run"]/testcase[@name="candidate run complete"]/system-out)' a.xml |
	grep -qF "$line; accepted by --allow-partial" || fail "a.xml: the warning is not in the run's testcase"

# ---- 3. run --baseline: the same gate ----------------------------------------
expect_exit 1 "$V" run -q -S count=$N -o again --baseline cand --max-drop 2
expect_err "gate failed: base cand is a partial run (status.json): 5 of $N planned tasks done (stopped by an error)"
agree 1 again/compare.md again/compare.json again/junit.xml
expect_exit 0 "$V" run -q -S count=$N -o again --baseline cand --max-drop 2 --allow-partial
expect_err "vsrbench: warning: base cand is a partial run"
agree 0 again/compare.md again/compare.json again/junit.xml
expect_exit 2 "$V" run -q -S count=$N -o nobase --allow-partial
expect_err "--allow-partial applies to --baseline"

# ---- 4. failed tasks: above --max-error-rate fail, below warn ----------------
# The same answers as base, with 6 of every 10 items failed: 120 of 200.
failed_copy() { # DIR SHARE_TENTHS
	mkdir -p "$1" && cp base/run.json base/status.json "$1"/
	jq -c --argjson k "$2" 'if (.item | ltrimstr("synth-") | tonumber) % 10 < $k then
		del(.response, .answer, .correct, .ms) + {error: "HTTP 503", attempts: 1} else . end' \
		base/samples.jsonl >"$1/samples.jsonl"
}
failed_copy f60 6
nf=$(jq -s 'map(select(has("error"))) | length' f60/samples.jsonl)
[ "$nf" = 120 ] || fail "f60: $nf failed lines, want 120"
expect_exit 1 "$V" compare base f60 --max-drop 2 --markdown f.md --json f.json --junit f.xml
eline="candidate f60: 120 of $N tasks failed (60.0%), more than --max-error-rate 0.05"
expect_err "gate failed: $eline; a failed request is no answer"
expect_one_line_err # the accuracy of the rest did not drop: this check alone fails
grep -qF -- "- ❌ $eline" f.md || fail "f.md: $(head -6 f.md)"
agree 1 f.md f.json f.xml
jq -e '.candidate.tasks == '$N' and .candidate.tasks_failed == 120 and
	(.gate.checks[0] | .type == "task-errors" and (.passed | not))' f.json >/dev/null ||
	fail "f.json: $(jq -c '{candidate, c: .gate.checks[0]}' f.json)"
[ "$(xp 'string(//testsuite[@name="run"]/testcase/failure/@type)' f.xml)" = task-errors ] || fail "f.xml: no task-errors failure"
expect_exit 0 "$V" compare -q base f60 --max-drop 2 --max-error-rate 0.6
expect_err "vsrbench: warning: candidate f60: 120 of $N tasks failed (60.0%), within --max-error-rate 0.6"
# 1 of every 10 items: 20 of 200 (10%); the first 10 items only: 1 of 200 (0.5%).
failed_copy f10 1
expect_exit 1 "$V" compare -q base f10 --max-error-rate 0.09
expect_exit 0 "$V" compare -q base f10 --max-error-rate 0.1
mkdir -p f1 && cp base/run.json base/status.json f1/
jq -c 'if .item == "synth-000003" then del(.response, .answer, .correct, .ms) +
	{error: "HTTP 503", attempts: 1} else . end' base/samples.jsonl >f1/samples.jsonl
expect_exit 0 "$V" compare base f1 --max-drop 2 --markdown w.md --json w.json --junit w.xml
wline="candidate f1: 1 of $N tasks failed (0.5%), within --max-error-rate 0.05; their pairs are left out of the comparison"
expect_err "vsrbench: warning: $wline"
grep -qF -- "- ⚠️ $wline" w.md || fail "w.md: $(head -6 w.md)"
agree 0 w.md w.json w.xml
jq -e --arg l "$wline" '.warnings | index($l)' w.json >/dev/null || fail "w.json: $(jq -c .warnings w.json)"
# The base is held to it too, and `run --baseline` reads run's own --max-error-rate.
expect_exit 1 "$V" compare -q f60 base
expect_err "gate failed: base f60: 120 of $N tasks failed (60.0%)"
expect_exit 1 "$V" run -q -S count=$N -o again --baseline f60 --max-drop 2
expect_err "gate failed: base f60: 120 of $N tasks failed (60.0%), more than --max-error-rate 0.05"
expect_exit 0 "$V" run -q -S count=$N -o again --baseline f60 --max-drop 2 --max-error-rate 0.6

# ---- 5. an exec model that fails 6 requests in 10 ----------------------------
cat >err60.py <<'PY'
import json, sys
for n, line in enumerate(sys.stdin):
    r = {"id": json.loads(line)["id"]}
    r.update({"error": "HTTP 503"} if n % 10 < 6 else {"text": "Yes"})
    print(json.dumps(r), flush=True)
PY
expect_exit 0 "$V" run -q -S count=$N -m exec -M cmd="python3 err60.py" -j 8 -o e60 --max-error-rate 1
[ "$(failed_in e60)" = 120 ] || fail "e60: $(failed_in e60) failed, want 120"
expect_exit 1 "$V" compare -q base e60 --json e.json --junit e.xml
expect_err "gate failed: candidate e60: 120 of $N tasks failed (60.0%)"
jq -e '.gate.checks | map(select(.type == "task-errors" and (.passed | not))) | length == 1' e.json >/dev/null ||
	fail "e.json: $(jq -c .gate e.json)"
valid e.xml

# ---- 6. runs given the wrong way round --------------------------------------
# The change is candidate minus base: a newer run given first reads a drop as a
# rise and passes the gate.  run.json's "created" says which is newer: a
# warning in every output (not a failure: a baseline may be made again later).
expect_exit 0 "$V" run -q -S count=$N -m builtin:no -o newer
tb=$(jq -r .created base/run.json) tn=$(jq -r .created newer/run.json)
[[ "$tn" > "$tb" ]] || fail "newer ($tn) was not created after base ($tb)"
expect_exit 0 "$V" compare newer base --max-drop 2 --markdown s.md --json s.json
sline="the base newer (given first) is newer than the candidate base: run.json created $tn vs $tb. The change is candidate minus base, so with the two swapped a drop reads as a rise; if base is the older reference, give it first: vsrbench compare base newer"
expect_err "vsrbench: warning: $sline"
grep -qF -- "> ⚠ $sline" s.md || fail "s.md: $(head -12 s.md)"
jq -e --arg l "$sline" '.warnings | index($l)' s.json >/dev/null || fail "s.json: $(jq -c .warnings s.json)"
# Given the right way round: the drop fails the gate, and no word of the order.
expect_exit 1 "$V" compare -q base newer --max-drop 2
! grep -qF "is newer than" "$T/err" || fail "a warning on the right order: $(cat "$T/err")"
echo ok

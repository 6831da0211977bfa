#!/usr/bin/env bash
# junit.xml's time is how long the run's requests took (status.json's
# request_seconds), not the sum of the tasks' latencies: with -j 8 an exec
# child that takes 0.05 s a line serves 20 tasks in about 1 s, while each
# task, queued behind 7 others, waits about 0.4 s (a sum of about 8 s).  A
# resume adds its own request phase; a merged run's is its longest shard's.
# Bounds come from the child's sleeps and the commands' own wall time
# measured here, the merged figure from the shards' status.json (jq).
. "$(dirname "$0")/lib.bash"
command -v xmllint >/dev/null ||
	fail "xmllint is not installed: run 'make -f Makefile.ci deps' (libxml2-utils; CI installs it)"
XSD="$VSR_SRC/tests/junit/junit.xsd"
cd "$T"
V=$VSRBENCH

# The child answers one line at a time; with DIE set it exits after that
# many answers the first time (a marker file says it did).
cat >slow.py <<'PY'
import json, os, sys, time
die = int(os.environ.get("DIE", "0"))
if die and os.path.exists("died") and not os.path.exists("revive"):
    sys.exit(0)  # dead for good until revived: a restarted child dies at once
n = 0
for line in sys.stdin:
    time.sleep(0.05 if not die else 0.1)
    print(json.dumps({"id": json.loads(line)["id"], "text": "yes"}), flush=True)
    n += 1
    if die and n == die and not os.path.exists("died"):
        open("died", "w").close()
        sys.exit(0)
PY
now() { date +%s.%N; }
le() { python3 -c 'import sys; sys.exit(not float(sys.argv[1]) <= float(sys.argv[2]))' "$1" "$2"; }
valid() { xmllint --noout --schema "$XSD" "$1" 2>xmllint.err || fail "$1: $(cat xmllint.err)"; }
suites_time() { xmllint --xpath 'string(/testsuites/@time)' "$1"; }

# ---- 1. one run: the request phase, not the latencies' sum -----------------
t0=$(now)
expect_exit 0 "$V" run -q -S count=20 -m exec -M cmd="python3 slow.py" -j 8 -o one
t1=$(now)
secs=$(jq .request_seconds one/status.json)
wall=$(python3 -c "print($t1 - $t0)")
# 20 answers, one at a time, 0.05 s each: at least 1 s; at most the command's own time.
le 1.0 "$secs" && le "$secs" "$wall" || fail "request_seconds $secs, want 1.0..$wall"
sum=$(jq -s 'map(.ms) | add / 1000' one/samples.jsonl)
le "$(python3 -c "print(2 * $wall)")" "$sum" || fail "the latencies' sum $sum is not above the wall time $wall: the test shows nothing"
valid one/junit.xml
want=$(printf '%.3f' "$secs")
[ "$(suites_time one/junit.xml)" = "$want" ] || fail "testsuites time $(suites_time one/junit.xml), want $want (sum $sum)"
[ "$(xmllint --xpath 'string(//testsuite[@name="synth"]/@time)' one/junit.xml)" = "$want" ] ||
	fail "the one suite's time: $(grep '<testsuite ' one/junit.xml)"
[ "$(xmllint --xpath 'string(//testcase[@name="accuracy"]/@time)' one/junit.xml)" = "$want" ] ||
	fail "the accuracy testcase's time: $(grep 'name="accuracy"' one/junit.xml)"
# `vsrbench report` rebuilds the same from status.json.
cp one/junit.xml one.xml
expect_exit 0 "$V" report -q one
cmp -s one.xml one/junit.xml || fail "report rebuilt another junit.xml: $(diff one.xml one/junit.xml | head -4)"

# ---- 2. a resume adds its request phase ------------------------------------
# 10 answers 0.1 s apart, the child exits (exit 4), then the other 5: at least 1.5 s in all.
t0=$(now)
DIE=10 expect_exit 4 "$V" run -q -S count=15 -m exec -M cmd="python3 slow.py" -j 4 -o res
t1=$(now)
[ -e died ] || fail "the child did not stop"
first=$(jq .request_seconds res/status.json)
touch revive
DIE=10 expect_exit 0 "$V" run -q -S count=15 -m exec -M cmd="python3 slow.py" -j 4 -o res
t2=$(now)
total=$(jq .request_seconds res/status.json)
le 1.5 "$total" && le "$total" "$(python3 -c "print($t2 - $t0)")" ||
	fail "resumed: request_seconds $total, want 1.5..$(python3 -c "print($t2 - $t0)")"
le "$(python3 -c "print($first + 0.5)")" "$total" || fail "resumed: $total is not the first phase ($first) and the second"
le "$(python3 -c "print($t2 - $t1)")" "$total" || fail "resumed: $total is only the second invocation's"
[ "$(suites_time res/junit.xml)" = "$(printf '%.3f' "$total")" ] || fail "resumed: junit time $(suites_time res/junit.xml)"
valid res/junit.xml

# ---- 3. merged shards: the longest shard's ---------------------------------
for i in 0 1; do
	expect_exit 0 "$V" run -q -S count=12 -m exec -M cmd="python3 slow.py" -j 2 --shard $i/2 -o sh$i
done
longest=$(jq -s 'map(.request_seconds) | max' sh0/status.json sh1/status.json)
expect_exit 0 "$V" merge merged sh0 sh1
[ "$(jq .request_seconds merged/status.json)" = "$longest" ] ||
	fail "merged: $(jq .request_seconds merged/status.json), want the longest shard's $longest"
[ "$(suites_time merged/junit.xml)" = "$(printf '%.3f' "$longest")" ] || fail "merged: junit time $(suites_time merged/junit.xml)"
valid merged/junit.xml

# ---- 4. no request phase recorded: no time ---------------------------------
jq 'del(.request_seconds)' one/status.json >st.json && mv st.json one/status.json
expect_exit 0 "$V" report -q one
! grep -q 'time="[1-9]' one/junit.xml || fail "a time without request_seconds: $(grep time= one/junit.xml)"
[ -z "$(suites_time one/junit.xml)" ] || fail "testsuites time without request_seconds"
valid one/junit.xml
echo ok

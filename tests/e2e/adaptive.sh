#!/usr/bin/env bash
# Adaptive concurrency (issue 16) against loopback servers, asserted on
# counts and on the servers' own statistics, never on timings:
#  0. while a run goes on (tests/server/fake_llm.py answers the first 4
#     requests and holds every later one): status.json and the progress line
#     show the limit, 4 (the start), as many as the server has in flight;
#     run.json gets its min/median/max when the run ends (here interrupted);
# and against the simulated servers of tests/server/sim_server.py:
#  1. a continuous-batching server (best at 48 in flight): the limit goes up
#     from its start of 8 per loop, and never past -j;
#  2. --fixed keeps exactly -j in flight, as before;
#  3. a rate-limited API (80 requests/s, 0.05 s each: 4 in flight is the most
#     it allows): far fewer 429s than a fixed -j 64, and the limit comes down;
#  4. a server whose batch shrinks from 48 to 4 after 1200 answers: the limit
#     comes down with it, with no error at all;
#  5. -M concurrency takes fixed or adaptive only.
# Request counts and service times are small (about 35 s in all on a busy
# machine): each assertion needs only the direction of a change.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
run_sim() { # PORT OUT ARGS...
	local port=$1 out=$2
	shift 2
	expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$port/v1" -M model=sim \
		-S size=64 -t yn01,tf01,ab01,ab07 -q --progress off -o "$out" "$@"
}
# The simulated servers start together at once (a python start is slow on a
# busy machine); each section waits for its own.  They keep no state between
# starting and their first request but their clock (the rate-limited ones'
# token buckets start full either way).
# launch NAME ARGS...: starts sim_server.py NAME in the background.
launch() { launch_py "$1" sim_server.py "${@:2}"; }
# use NAME: waits until server NAME listens; sets PORT.
use() { wait_port "$1"; }
launch batch --t0 0.05 --per-seq 0.0005 --max-batch 48
launch batch2 --t0 0.05 --per-seq 0.0005 --max-batch 48
launch rl --rate 80 --burst 40 --t0 0.05
launch rlf --rate 80 --burst 40 --t0 0.05
launch slow --t0 0.02 --per-seq 0.0005 --max-batch 48 --slow-after 1200 --slow-batch 4 --late 2300

# 0. While the run goes on.  No window can be judged (4 answers, then
#    nothing), so the limit stays at its start: 8 in flight at the server
#    (adapters/remote_conc.h, CONC_START).
start_server live
# shellcheck disable=SC2046
queue_faults "$PORT" ok ok ok ok $(for i in $(seq 40); do echo slow:120; done)
"$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=fake -S count=20 -t yn01 \
	--progress lines --progress-interval 0.1 -o live >live.out 2>live.err &
pid=$!
# status.json is rewritten every 5 s: wait for the one written after the 4
# answers (a wait, not an assertion on time).
for i in $(seq 600); do
	jq -e '.tasks_done_now == 4' live/status.json >/dev/null 2>&1 && break
	kill -0 "$pid" 2>/dev/null || fail "the live run ended early: $(cat live.err)"
	sleep 0.1
done
jq -e '.complete == false and .tasks_done_now == 4 and
	.concurrency == {mode: "adaptive", last: 8, min: 8, median: 8, max: 8}' live/status.json \
	>/dev/null || fail "status.json while running: $(jq -c . live/status.json)"
sim_stats "$PORT" >live.stats
jq -e '.in_flight == 8 and .max_in_flight == 8' live.stats >/dev/null ||
	fail "the server's in flight: $(cat live.stats)"
grep -q ', in flight up to 8$' live.err || fail "progress line: $(tail -3 live.err)"
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" = 5 ] || fail "interrupted run: exit $rc: $(tail -3 live.err)"
jq -e '.concurrency == {mode: "adaptive", min: 8, median: 8, max: 8}' live/run.json >/dev/null ||
	fail "run.json after the run: $(jq -c .concurrency live/run.json)"

# 1. Batching: 0.05 s + 0.5 ms per sequence, at most 48 at once.
use batch
run_sim "$PORT" b1 -S count=200 -j 64
# The summary says what run.json says, and that no queue was shown (no --metrics).
expect_out "in flight: adaptive, $(jq -r '.concurrency | "\(.min) to \(.max), median \(.median)"' b1/run.json) over the run's time; learned from throughput alone"
sim_stats "$PORT" >b1.stats
jq -e '.answered == 800 and .refused == 0' b1.stats >/dev/null || fail "batch run: $(cat b1.stats)"
jq -e '.max_in_flight <= 64 and .max_in_flight >= 24' b1.stats >/dev/null ||
	fail "the limit did not go up to the batch, or passed -j 64: $(jq -c 'del(.in_flight_hist)' b1.stats)"
jq -e '.concurrency.mode == "adaptive" and .concurrency.max <= 64 and .concurrency.max >= 24 and
	.concurrency.min >= 1 and .concurrency.min <= .concurrency.median and
	.concurrency.median <= .concurrency.max' b1/status.json >/dev/null ||
	fail "status.json concurrency: $(jq -c .concurrency b1/status.json)"
# run.json keeps the summary (the last value is status.json's alone).
[ "$(jq -c '.concurrency' b1/run.json)" = "$(jq -c '.concurrency | del(.last)' b1/status.json)" ] ||
	fail "run.json concurrency: $(jq -c .concurrency b1/run.json), status.json: $(jq -c .concurrency b1/status.json)"

# 2. --fixed: exactly -j in flight, never adapted.
use batch2
run_sim "$PORT" f1 -S count=25 -j 5 --fixed
expect_out "in flight: 5 (fixed)"
sim_stats "$PORT" >f1.stats
jq -e '.max_in_flight == 5' f1.stats >/dev/null || fail "--fixed -j 5: $(jq -c 'del(.in_flight_hist)' f1.stats)"
jq -e '.concurrency == {mode: "fixed", last: 5, min: 5, median: 5, max: 5}' \
	f1/status.json >/dev/null || fail "--fixed status.json: $(jq -c .concurrency f1/status.json)"
jq -e '.concurrency == {mode: "fixed", min: 5, median: 5, max: 5}' f1/run.json >/dev/null ||
	fail "--fixed run.json: $(jq -c .concurrency f1/run.json)"

# 3. A rate limit of 80/s (bucket of 40), 0.05 s per request: adaptive against fixed -j 64.
use rl
run_sim "$PORT" r1 -S count=50 -j 64
sim_stats "$PORT" >r1.stats
use rlf
# (With 64 in flight racing for 80 tokens a second, a task can lose a
# hundred races in a second: it waits on, within -M give_up.)
run_sim "$PORT" r2 -S count=50 -j 64 --fixed
sim_stats "$PORT" >r2.stats
a=$(jq .refused r1.stats) f=$(jq .refused r2.stats)
[ "$((a * 3))" -lt "$f" ] || fail "adaptive met $a 429s, fixed -j 64 $f: no backing off"
jq -e '.concurrency.median < 64 and .concurrency.last < 64' r1/status.json >/dev/null ||
	fail "the limit did not come down on 429s: $(jq -c .concurrency r1/status.json)"

# 4. The batch shrinks from 48 to 4 after 1200 answers: latency grows, throughput does not.
# "late": the last 500 of 2800 answers (1100 after the change: the limit has
# at least 6 s of windows to come down, on a machine busy with other tests).
use slow
run_sim "$PORT" s1 -S count=700 -j 64
sim_stats "$PORT" >s1.stats
jq -e '.refused == 0 and .max_in_flight >= 24 and .late_max_in_flight < .max_in_flight' \
	s1.stats >/dev/null || fail "no backing off from a slowed server: $(jq -c 'del(.in_flight_hist)' s1.stats)"
jq -e '.concurrency.last < .concurrency.max' s1/status.json >/dev/null ||
	fail "slowed server: $(jq -c .concurrency s1/status.json)"
[ "$(jq -s 'map(select(.error)) | length' s1/samples.jsonl)" = 0 ] || fail "errors against the slowed server"

# 5. The option's values.
expect_exit 2 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M concurrency=sometimes -S count=1 -q -o bad
expect_err "-M concurrency: expected fixed or adaptive, got 'sometimes'"
echo ok

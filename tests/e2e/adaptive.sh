#!/usr/bin/env bash
# Adaptive concurrency (issue 16) against simulated servers
# (tests/server/sim_server.py), asserted on counts and on the servers' own
# statistics, never on timings:
#  - a continuous-batching server (best at 48 in flight): the limit goes up
#    from its start of 4 per loop, and never past -j;
#  - --fixed keeps exactly -j in flight, as before;
#  - a rate-limited API (40 requests/s, 0.1 s each: 4 in flight is the most
#    it allows): far fewer 429s than a fixed -j 64, and the limit comes down;
#  - a server whose batch shrinks from 48 to 4 after 1500 answers: the limit
#    comes down with it, with no error at all;
#  - -M concurrency takes fixed or adaptive only.
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

# 1. Batching: 0.05 s + 0.5 ms per sequence, at most 48 at once.
start_sim batch --t0 0.05 --per-seq 0.0005 --max-batch 48
run_sim "$PORT" b1 -S count=500 -j 64
sim_stats "$PORT" >b1.stats
jq -e '.answered == 2000 and .refused == 0' b1.stats >/dev/null || fail "batch run: $(cat b1.stats)"
jq -e '.max_in_flight <= 64 and .max_in_flight >= 24' b1.stats >/dev/null ||
	fail "the limit did not go up to the batch, or passed -j 64: $(jq -c 'del(.in_flight_hist)' b1.stats)"
jq -e '.concurrency.mode == "adaptive" and .concurrency.max <= 64 and .concurrency.max >= 24 and
	.concurrency.min >= 1 and .concurrency.min <= .concurrency.median and
	.concurrency.median <= .concurrency.max' b1/status.json >/dev/null ||
	fail "status.json concurrency: $(jq -c .concurrency b1/status.json)"
jq -e '.concurrency.max >= 24 and .concurrency.max <= 64' b1/run.json >/dev/null ||
	fail "run.json concurrency: $(jq -c .concurrency b1/run.json)"

# 2. --fixed: exactly -j in flight, never adapted.
start_sim batch2 --t0 0.05 --per-seq 0.0005 --max-batch 48
run_sim "$PORT" f1 -S count=100 -j 5 --fixed
sim_stats "$PORT" >f1.stats
jq -e '.max_in_flight == 5' f1.stats >/dev/null || fail "--fixed -j 5: $(jq -c 'del(.in_flight_hist)' f1.stats)"
jq -e '.concurrency.mode == "fixed" and .concurrency.min == 5 and .concurrency.max == 5' \
	f1/status.json >/dev/null || fail "--fixed status.json: $(jq -c .concurrency f1/status.json)"

# 3. A rate limit of 40/s (bucket of 20), 0.1 s per request: adaptive against fixed -j 64.
start_sim rl --rate 40 --burst 20 --t0 0.1
run_sim "$PORT" r1 -S count=100 -j 64
sim_stats "$PORT" >r1.stats
start_sim rlf --rate 40 --burst 20 --t0 0.1
run_sim "$PORT" r2 -S count=100 -j 64 --fixed
sim_stats "$PORT" >r2.stats
a=$(jq .refused r1.stats) f=$(jq .refused r2.stats)
[ "$((a * 3))" -lt "$f" ] || fail "adaptive met $a 429s, fixed -j 64 $f: no backing off"
jq -e '.concurrency.median < 64 and .concurrency.last < 64' r1/status.json >/dev/null ||
	fail "the limit did not come down on 429s: $(jq -c .concurrency r1/status.json)"

# 4. The batch shrinks from 48 to 4 after 1500 answers: latency grows, throughput does not.
start_sim slow --t0 0.02 --per-seq 0.0005 --max-batch 48 --slow-after 1500 --slow-batch 4 --late 2500
run_sim "$PORT" s1 -S count=1000 -j 64
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

#!/usr/bin/env bash
# The server's own queue, read from its /metrics as vLLM serves it (issue 16;
# adapters/remote_metrics.c), asserted on the simulated server's own counts
# (tests/server/sim_server.py), never on timings:
#  1. a batching server (at most 24 at once, the rest wait) that shows its
#     queue: vsrbench asks /metrics while it runs, run.json says the limit
#     read it, and over the second half of the run the server never had more
#     than 26 in flight: the limit sits at the batch, probing one request past
#     it at most twice before the queue pulls it back; the same with the
#     queue shown as llama.cpp's llama-server shows it (requests "deferred"
#     for want of a free slot);
#  2. -M server_metrics=off: /metrics is never asked, nothing said in run.json;
#  3. a server without /metrics (404): asked once, never again;
#  4. --fixed: never asked (the limit does not move);
#  5. -M server_metrics takes auto or off only.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
run_sim() { # OUT ARGS...
	local out=$1
	shift
	expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=sim \
		-S size=64 -t yn01,tf01,ab01,ab07 -q --progress off -o "$out" "$@"
}
launch() { launch_py "$1" sim_server.py "${@:2}"; }
use() { wait_port "$1"; }
# 1200 tasks; "late": the last 600.
launch q --t0 0.05 --per-seq 0.0005 --max-batch 24 --metrics --late 600
launch qc --t0 0.05 --per-seq 0.0005 --max-batch 24 --metrics llamacpp --late 600
launch off --t0 0.05 --per-seq 0.0005 --max-batch 24 --metrics
launch none --t0 0.02 --max-batch 24
launch fixed --t0 0.02 --max-batch 24 --metrics

# 1. The queue shown, as vLLM and as llama-server show it.
queue_read() { # NAME
	local n=$1
	run_sim "$n" -S count=300
	expect_out "median $(jq -r .concurrency.median "$n"/run.json) over the run's time; it read the server's queue at /metrics"
	sim_stats "$PORT" >"$n".stats
	jq -e '.answered == 1200 and .metrics_polls >= 2' "$n".stats >/dev/null ||
		fail "$n: the queue was not read: $(jq -c 'del(.in_flight_hist)' "$n".stats)"
	jq -e '.late_max_in_flight <= 26 and .late_max_in_flight >= 20' "$n".stats >/dev/null ||
		fail "$n: the limit did not settle at the batch of 24: $(jq -c 'del(.in_flight_hist)' "$n".stats)"
	jq -e '.concurrency.mode == "adaptive" and .concurrency.server_queue == true' "$n"/run.json >/dev/null ||
		fail "$n: run.json: $(jq -c .concurrency "$n"/run.json)"
	jq -e '.concurrency.server_queue == true' "$n"/status.json >/dev/null ||
		fail "$n: status.json: $(jq -c .concurrency "$n"/status.json)"
}
use q
queue_read q1
use qc
queue_read qc1

# 2. Off: never asked.
use off
run_sim o1 -S count=50 -M server_metrics=off
sim_stats "$PORT" >o1.stats
jq -e '.answered == 200 and .metrics_polls == 0' o1.stats >/dev/null ||
	fail "-M server_metrics=off asked: $(jq -c 'del(.in_flight_hist)' o1.stats)"
jq -e '.concurrency | has("server_queue") | not' o1/run.json >/dev/null ||
	fail "run.json says server_queue: $(jq -c .concurrency o1/run.json)"

# 3. No /metrics: one 404, then never again.
use none
run_sim n1 -S count=100
sim_stats "$PORT" >n1.stats
jq -e '.answered == 400 and .metrics_polls == 1' n1.stats >/dev/null ||
	fail "a server without /metrics: $(jq -c 'del(.in_flight_hist)' n1.stats)"
jq -e '.concurrency | has("server_queue") | not' n1/run.json >/dev/null ||
	fail "run.json says server_queue: $(jq -c .concurrency n1/run.json)"

# 4. --fixed: the limit does not move, so nothing to read.
use fixed
run_sim f1 -S count=25 -j 8 --fixed
sim_stats "$PORT" >f1.stats
jq -e '.answered == 100 and .metrics_polls == 0 and .max_in_flight == 8' f1.stats >/dev/null ||
	fail "--fixed: $(jq -c 'del(.in_flight_hist)' f1.stats)"

# 5. The option's values.
expect_exit 2 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M server_metrics=always -S count=1 -q -o bad
expect_err "-M server_metrics: expected auto or off, got 'always'"
echo ok

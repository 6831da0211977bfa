#!/usr/bin/env bash
# Servers that fail every request the same way, or load their model first,
# in the words real ones use (tests/server/fake_llm.py's 500oom, 500litellm,
# sse, error200, finisherror, 503loading ...), and replies that are no
# answer or a whole one:
#  - the same 5xx, or the same 200 without an answer, again and again with no
#    answer in between stops the run (exit 4) once 16 have come and the first
#    came -M give_up (here 1 or 2 s; by default 10 s) before, quoting the
#    server and naming the fix; advising to run again only when the failure
#    may pass (not for a model too large for the memory);
#  - a run too short for that stop whose every task failed alike ends as it does;
#  - llama.cpp's 503 "Loading model" is waited for without using up the
#    tasks' retries, said once on stderr, up to -M give_up, and does not
#    cut the concurrency limit (the answers after it go 8 at a time);
#  - finish_reason "error" is a task error, never scored nor cached;
#  - content null with finish_reason "stop" is the empty reply, scored;
#  - a NUL in a reply ("\u0000") keeps the text after it, as U+FFFD, counted;
#  - -M max_tokens=N and the like name the option of vsrbench run.
# Request counts come from the server's own log.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_server llm --plugin "$GEOMETRY"
B=http://127.0.0.1:$PORT
clear_faults() {
	python3 -c 'import sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_faults" % sys.argv[1], b"{\"clear\": true}")).read()' "$PORT"
}
no_retry_advice() {
	! grep -F "run the same command again" "$T/err" >/dev/null || fail "$1: advised a retry: $(cat "$T/err")"
}
OA=(-m openai -M "base_url=$B/v1" -M model=m)

# 1. Ollama out of memory on every request (its native API): the run stops
# after 2 s (-M give_up=2) instead of trying each of 200 tasks four times
# (800 requests), with the memory fix and no advice to run it again.
n0=$(requests_sent)
sticky_fault "$PORT" 500oom
expect_exit 4 "$V" run -m ollama -M "base_url=$B" -M model=m -M backoff=0.05 -M give_up=2 \
	-S count=200 -t yn01 -j 4 --fixed -q -o oom
# The log before the fault is cleared: a request the run had in flight when it
# stopped may reach the server later, and be answered 200 once it is cleared.
server_log "$PORT" | jq --argjson n "$n0" '.[$n:]' >oom.log
clear_faults
expect_err "identical HTTP 500 replies from $B/api/chat (\"model requires more system memory (9.8 GiB) than is available (5.2 GiB)\") over "
expect_err "s, with no answer in between; the model does not fit in the server's memory: serve a smaller model or a smaller quantisation (e.g. 4-bit), or free GPU and system memory (other models the server holds: ollama ps)"
no_retry_advice oom
# At least 16 of them, the first and the last 1.5 s apart or more (the stop
# waits for 2 s from the first reply; what was in flight then came back after,
# or was abandoned by the stopping run before its reply: status -1).
jq -e 'map(select(.status == 500)) | length >= 16 and length < 400' oom.log >/dev/null &&
jq -e 'all(.[]; .status == 500 or .status == -1) and (.[-1].t_recv - .[0].t_recv) >= 1.5' \
	oom.log >/dev/null ||
	fail "oom: $(jq -c '[length, (.[-1].t_recv - .[0].t_recv), (map(.status) | unique)]' oom.log) (requests, seconds, statuses)"

# 2. The same stop for LiteLLM's 500 (its server gone: that may pass), a
# 200 streamed as events to a kind that reads none, a 200 with an error
# object, finish_reason "error".
stop_case() { # NAME FAULT: every request gets FAULT; 100 tasks, -M give_up=1
	sticky_fault "$PORT" "$2"
	expect_exit 4 "$V" run "${OA[@]}" -M backoff=0.05 -M give_up=1 -S count=100 -t yn01 -j 4 \
		--fixed -q -o "$1"
	clear_faults
	expect_err "s, with no answer in between; "
}
stop_case litellm 500litellm
expect_err "identical HTTP 500 replies from $B/v1/chat/completions (\"litellm.APIConnectionError: OpenAIException - Connection error. Received Model Group=qwen-vl Available Model Group Fallbacks=None\") over"
expect_err "the proxy cannot reach the model server behind it: check that server, then run the same command again (the run resumes)"
# A stream of events -m ollama cannot read (-m openai reads one: e2e/http_stream).
sticky_fault "$PORT" sse
expect_exit 4 "$V" run -m ollama -M "base_url=$B" -M model=m -M backoff=0.05 -M give_up=1 -S count=100 \
	-t yn01 -j 4 --fixed -q -o sse
clear_faults
expect_err "s, with no answer in between; "
expect_err "identical HTTP 200 replies from $B/api/chat without an answer (a body that is not JSON: data: {"
expect_err "the server streams its replies (text/event-stream) where -m ollama asks for whole ones (only -m openai reads a stream): switch streaming off in the server or in the proxy before it"
no_retry_advice sse
stop_case error200 error200
expect_err "identical HTTP 200 replies from $B/v1/chat/completions without an answer (error in a 200 response: upstream error) over"
expect_err "the server fails every request the same way: its log says why; once it is fixed, run the same command again (the run resumes)"
stop_case finisherror finisherror
expect_err "identical HTTP 200 replies from $B/v1/chat/completions without an answer (finish_reason \"error\": Generation failed: Model.__call__() missing 1 required positional argument: 'pixel_values') over"
expect_err "the server fails to generate: its log says why"

# 3. A run shorter than the stop (3 tasks, 2 attempts each), all failing alike.
sticky_fault "$PORT" 500oom
expect_exit 4 "$V" run -m ollama -M "base_url=$B" -M model=m -M backoff=0.01 --retries 1 -S count=3 \
	-t yn01 -j 1 -q -o short
clear_faults
expect_err "all 3 tasks of the run failed on identical HTTP 500 replies from $B/api/chat (\"model requires more system memory (9.8 GiB) than is available (5.2 GiB)\") (6 of them over "
expect_err "the model does not fit in the server's memory"
no_retry_advice short

# 4. llama.cpp loading its model (503 "Loading model" for 2 s): every task
# waits and is answered, though each may try twice only (--retries 1, a
# backoff of 0.1 s: the old way, all 20 failed within 0.2 s); said once.
n0=$(requests_sent)
sticky_fault "$PORT" 503loading 2
expect_exit 0 "$V" run "${OA[@]}" -M backoff=0.1 --retries 1 -S count=20 -t yn01 -j 4 --fixed -q -o load
clear_faults
expect_err "HTTP 503 from $B/v1: Loading model: the server is loading the model or is unavailable; vsrbench waits for it"
[ "$(grep -c "is loading the model" "$T/err")" = 1 ] || fail "load: said $(grep -c "is loading the model" "$T/err") times: $(cat "$T/err")"
jq -e -s 'length == 20 and all(.[]; .error == null and .answer != null)' load/samples.jsonl >/dev/null ||
	fail "load: $(jq -c -s 'map(.error)' load/samples.jsonl)"
server_log "$PORT" | jq -e --argjson n "$n0" '.[$n:] | any(.[]; .status == 503) and
	([.[] | select(.status == 200)] | length) == 20' >/dev/null || fail "load: $(server_log "$PORT" | jq -c --argjson n "$n0" '.[$n:] | map(.status)')"
# Loading is not overload: the concurrency limit is not cut by it, so once
# the model is up the answers (0.2 s each here) go 8 at a time, not one by one.
start_server slowload --plan '{"every":1,"faults":["slow:0.2"]}'
sticky_fault "$PORT" 503loading 1.5
expect_exit 0 "$V" run -m openai -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m -M backoff=0.1 \
	-S count=24 -t yn01 -j 8 -q -o slowload
server_log "$PORT" | python3 -c '
import json, sys
ok = [r for r in json.load(sys.stdin) if r["status"] == 200]
# the most answers the server was working on at once
most = max(sum(1 for o in ok if o["t_recv"] <= r["t_recv"] < o["t_sent"]) for r in ok)
sys.exit(0 if len(ok) == 24 and most >= 6 else "%d answers, at most %d at once" % (len(ok), most))' ||
	fail "slowload: the limit crawled after the load"
PORT=${B##*:}
# A server that never finishes loading: the run stops after -M give_up.
sticky_fault "$PORT" 503loading
expect_exit 4 "$V" run "${OA[@]}" -M backoff=0.1 -M give_up=1 -S count=20 -t yn01 -j 4 --fixed -q -o noload
clear_faults
expect_err "unavailable (loading its model?) for "
expect_err "s with no answer in between, longer than -M give_up=1s: HTTP 503 from $B/v1: Loading model"
[ ! -s noload/samples.jsonl ] || [ "$(jq -s 'map(select(.error != null)) | length' noload/samples.jsonl)" = 0 ] ||
	fail "noload: tasks used up their retries on 503s: $(jq -c .error noload/samples.jsonl)"

# 5. finish_reason "error": a task error (not scored), and not cached: a
# new run with the same cache asks those two again (and only those).
queue_faults "$PORT" finisherror finisherror
expect_exit 0 env VSRBENCH_CACHE=on "$V" run "${OA[@]}" --retries 0 -S count=4 -t yn01 -j 1 -q \
	--max-error-rate 1 --cache "$T/cache" -o fe1
[ "$(jq -s 'map(select(.error != null and (.error | contains("finish_reason \"error\": Generation failed")))) | length' fe1/samples.jsonl)" = 2 ] ||
	fail "finish_reason error: $(jq -c '[.response, .answer, .error]' fe1/samples.jsonl)"
[ "$(jq -s 'map(select(.answer != null)) | length' fe1/samples.jsonl)" = 2 ] || fail "fe1: answers"
n0=$(requests_sent)
expect_exit 0 env VSRBENCH_CACHE=on "$V" run "${OA[@]}" -S count=4 -t yn01 -j 1 -q --cache "$T/cache" -o fe2
[ "$(($(requests_sent) - n0))" = 2 ] || fail "fe2: $(($(requests_sent) - n0)) requests, not the 2 that failed"
jq -e -s 'length == 4 and all(.[]; .error == null and (.response | test("Generation failed") | not))' \
	fe2/samples.jsonl >/dev/null || fail "fe2: $(jq -c '[.response, .error]' fe2/samples.jsonl)"

# 6. content null, finish_reason "stop": the empty reply, scored invalid (as "").
queue_faults "$PORT" nullstop nullstop
expect_exit 0 "$V" run "${OA[@]}" -S count=4 -t yn01 -j 1 -q --max-error-rate 0 -o null
[ "$(jq -s 'map(select(.error == null and .response == "" and .answer == "invalid" and .meta.finish_reason == "stop")) | length' null/samples.jsonl)" = 2 ] ||
	fail "content null: $(jq -c '[.response, .answer, .error]' null/samples.jsonl)"

# 7. A NUL in the reply: the text after it is kept, the NUL is U+FFFD, counted.
queue_faults "$PORT" nul
expect_exit 0 "$V" run "${OA[@]}" -S count=1 -t yn01 -j 1 -q -o nul
jq -e '(.response | endswith("\ufffd after the NUL")) and .meta.nul_chars == 1' nul/samples.jsonl >/dev/null ||
	fail "NUL: $(jq -c '[.response, .meta]' nul/samples.jsonl)"

# 8. -M keys that are options of vsrbench run.
expect_exit 2 "$V" run "${OA[@]}" -M max_tokens=512 -S count=1 -o mt
expect_err "-m openai: -M max_tokens is no option of the adapter: use --max-tokens 512"
expect_exit 2 "$V" run -m ollama -M model=m -M temperature=0.5 -S count=1 -o mt
expect_err "-m ollama: -M temperature is no option of the adapter: use --temperature 0.5"
expect_exit 2 "$V" run "${OA[@]}" -M seed=7 -S count=1 -o mt
expect_err "-M seed is no option of the adapter: use --seed 7"
echo ok

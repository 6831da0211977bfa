#!/usr/bin/env bash
# Retry-After is waited for, never less, checked with the server's own
# timestamps (not this script's clock): the retry of a request answered with
# "429, Retry-After: 2" arrives >= 2 s after that answer was sent.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH

# In seconds, as an HTTP-date (whole
# seconds, so >= 2 s for "3 s from now"), and as x-ratelimit-reset-requests.
start_server ra --plugin "$GEOMETRY"
queue_faults "$PORT" 429:2 429date:3 429reset:1
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=fake \
	-S count=1 -q -j 1 -o ra
server_log "$PORT" >ra.log
jq -e 'length == 4 and .[3].status == 200' ra.log >/dev/null || fail "Retry-After run: $(cat ra.log)"
jq -e '(.[1].t_recv - .[0].t_sent) >= 2.0 and (.[2].t_recv - .[1].t_sent) >= 2.0 and
	(.[3].t_recv - .[2].t_sent) >= 1.0' ra.log >/dev/null ||
	fail "a Retry-After was not honoured: $(jq -c 'map([.fault, .t_recv, .t_sent])' ra.log)"

# A task waits through any number of 429s while they last no longer than
# -M give_up: 120 in a row (naming no wait; -M backoff=0 retries at once),
# then the answer.  A server that answers nothing but 429s for longer than
# give_up stops the run (exit 4) with its words: give_up=0.001 stops it at the
# second 429 (the first starts the count; a few more may be in flight).
start_server rl --plugin "$GEOMETRY"
# shellcheck disable=SC2046
queue_faults "$PORT" $(printf '429bare %.0s' $(seq 120))
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=fake \
	-S count=1 -q -j 1 -M backoff=0 -o rl
server_log "$PORT" >rl.log
jq -e 'length == 121 and ([.[] | select(.status == 429)] | length) == 120 and .[120].status == 200' \
	rl.log >/dev/null || fail "120 429s: $(jq -c 'map(.status) | group_by(.) | map([.[0], length])' rl.log)"
start_server rl2 --plugin "$GEOMETRY"
# shellcheck disable=SC2046
queue_faults "$PORT" $(printf '429bare %.0s' $(seq 120))
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=fake \
	-S count=1 -q -j 1 -M backoff=0 -M give_up=0.001 -o rl2
server_log "$PORT" >rl2.log
jq -e 'length >= 2 and length <= 5' rl2.log >/dev/null || fail "give_up=0.001: $(jq length rl2.log) requests, expected 2 to 5"
expect_err "rate limited for 0s with no answer in between, longer than -M give_up=0.001s: HTTP 429 from"
[ -s rl2/samples.jsonl ] && fail "the stopped run journaled its task: $(cat rl2/samples.jsonl)"

echo ok

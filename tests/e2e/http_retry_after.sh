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

echo ok

#!/usr/bin/env bash
# Issue 18, findings 3 and 11: a pause a server asks for never outlasts a
# task's -M deadline (counted from when the task is queued) or -M give_up,
# and every pause is shown once, with its reason and length.  Messages say
# what the server did: a 1 MiB header is not "Out of memory", a server that
# is sending is not "cannot reach the server".
# The assertions are on exit codes, messages and the server's own log;
# `timeout` is only a safety net (today's main waits an hour in A and C).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
COMMON=(-m openai -M model=fake -M backoff=0.01 -t yn01 -q)
LIMITS=(-M deadline=15 -M give_up=20)
many() { local i; for i in $(seq "$2"); do echo "$1"; done; }
# One server for every case (it starts slowly on a busy machine); since N:
# its log from request N on.
start_server llm --plugin "$GEOMETRY"
URL="http://127.0.0.1:$PORT/v1"
since() { server_log "$PORT" | jq --argjson n "$1" '.[$n:]'; }
# faults F...: the next requests get these, and no fault left from a case before.
faults() {
	python3 -c 'import json, sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_faults" % sys.argv[1], json.dumps({"clear": True, "next": sys.argv[2:]}).encode())).read()' "$PORT" "$@"
}

# A. Retry-After: 999999999 on every request: longer than give_up, so the
# run stops at once (exit 4), saying why; no "waiting ... as asked" first.
# shellcheck disable=SC2046
faults $(many 429:999999999 60)
expect_exit 4 timeout 60 "$V" run "${COMMON[@]}" -M base_url="$URL" \
	"${LIMITS[@]}" -S count=20 -j 4 -o a
expect_err "rate limited by http://127.0.0.1:$PORT/v1 (HTTP 429, Retry-After): it asks for a pause of at least 3600s, longer than -M give_up=20s"
err=$(cat "$T/err")
case $err in *"as asked"*) fail "a pause longer than give_up was announced as waited for: $err" ;; esac

# B. Retry-After: 18 on every request: within give_up but past every task's
# deadline of 15 s: the pause is shown once, each task fails at once with
# the deadline and the pause as its reason, no request is sent after it.
# shellcheck disable=SC2046
n0=$(since 0 | jq length)
faults $(many 429:18 60)
expect_exit 4 timeout 60 "$V" run "${COMMON[@]}" -M base_url="$URL" \
	"${LIMITS[@]}" -S count=20 -j 4 -o b
n=$(grep -c 'no requests to it for 18s, as asked' "$T/err" || true)
[ "$n" = 1 ] || fail "the 18 s pause was shown $n times: $(cat "$T/err")"
jq -e -s 'length == 20 and all(.[]; .error != null and
	(.error | test("deadline of 15s would pass")))' b/samples.jsonl >/dev/null ||
	fail "not every task failed on its deadline: $(jq -c .error b/samples.jsonl | sort | uniq -c)"
nreq=$(since "$n0" | jq length)
[ "$nreq" -le 4 ] || fail "$nreq requests sent; at most the first -j 4 before the pause"

# C. A 200 with x-ratelimit-remaining-requests: 0 and a reset of 999999 s:
# today's main pauses an hour and prints nothing; now the run stops (exit 4)
# because the pause is longer than give_up, and says which header.
faults okreset:999999
expect_exit 4 timeout 60 "$V" run "${COMMON[@]}" -M base_url="$URL" \
	"${LIMITS[@]}" -S count=5 -j 1 -o c
expect_err "rate limit of http://127.0.0.1:$PORT/v1 used up (x-ratelimit-remaining-requests: 0): it takes no requests for at least 3600s, longer than -M give_up=20s"

# D. The same with a reset of 2 s: waited for (the server's clock says the
# next request came >= 2 s after that reply) and shown exactly once.
n0=$(since 0 | jq length)
faults okreset:2
expect_exit 0 timeout 60 "$V" run "${COMMON[@]}" -M base_url="$URL" \
	-S count=3 -j 1 -o d
n=$(grep -c 'x-ratelimit-remaining-requests: 0): no requests to it for 2s, as asked' "$T/err" || true)
[ "$n" = 1 ] || fail "the 2 s pause was shown $n times: $(cat "$T/err")"
since "$n0" >d.log
jq -e 'length == 3 and (.[1].t_recv - .[0].t_sent) >= 2.0' d.log >/dev/null ||
	fail "the used-up limit was not waited for: $(jq -c 'map([.fault, .t_recv, .t_sent])' d.log)"

# E. A server that answers and then drips its body past the timeout is slow,
# not unreachable: the task fails saying so, never "cannot reach the server".
# shellcheck disable=SC2046
faults $(many drip:1 8)
expect_exit 4 timeout 60 "$V" run "${COMMON[@]}" -M base_url="$URL" \
	-M timeout=0.3 -S count=1 -j 1 -o e
err=$(cat "$T/err")
case $err in *"cannot reach"*) fail "a sending server reported as unreachable: $err" ;; esac
jq -e -s 'length == 1 and (.[0].error | test("HTTP 200, still sending after the timeout"))' \
	e/samples.jsonl >/dev/null || fail "drip: $(cat e/samples.jsonl)"

# F. A 1 MiB response header: said as such, not "Out of memory".
faults bighead
expect_exit 4 timeout 60 "$V" run "${COMMON[@]}" -M base_url="$URL" \
	-S count=1 -j 1 -o f
expect_err "the server sent a response header larger than libcurl accepts"

echo ok

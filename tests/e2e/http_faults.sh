#!/usr/bin/env bash
# Faults are errors or retries, never answers: under a scripted mix of server
# faults the final report equals the fault-free one; a 4xx is an error with its reason,
# shown once, retried by the next run; several base URLs fail over; an
# interrupted run abandons what is in flight and resumes.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
COMMON=(-S count=12 -t yn01,yn07,tf01,tf06 -q)
FAST=(-M model=fake -M backoff=0.01)

expect_exit 0 "$V" run -m builtin:geometry "${COMMON[@]}" -o ref
answers ref >ref.answers

# 1. A mix: half the tasks meet 503, a dropped connection, a body that is not
# JSON, a truncated body, 502, 500 and a reply slower than the timeout, in turn.
start_server mix --plugin "$GEOMETRY" \
	--plan '{"every":2,"faults":["503","drop","notjson","truncate","502","500","slow:2"]}'
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	-M timeout=0.5 --retries 8 "${COMMON[@]}" -o mix
diff <(report_body ref) <(report_body mix) >/dev/null || fail "report under faults differs"
diff ref.answers <(answers mix) >/dev/null || fail "answers under faults differ"
server_log "$PORT" | jq -e '[.[] | .fault] | (map(select(. == "drop")) | length) > 5 and
	(map(select(. == "slow:2")) | length) > 5' >/dev/null || fail "the faults were not served"
jq -e -s 'any(.[]; .meta.attempts >= 8)' mix/samples.jsonl >/dev/null ||
	fail "no task records its 8 attempts in meta"

# 1b. Idle keep-alive connections closed by the server after every reply:
# the client notices while idle or on reuse, reconnects, loses nothing.
start_server hangup --plugin "$GEOMETRY" --plan '{"every":1,"faults":["hangup"]}'
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	-j 2 "${COMMON[@]}" -o hangup
diff <(report_body ref) <(report_body hangup) >/dev/null || fail "report with server hang-ups differs"
diff ref.answers <(answers hangup) >/dev/null || fail "answers with server hang-ups differ"
server_log "$PORT" | jq -e '([.[] | select(.fault == "hangup")] | length) >= 48 and
	([.[] | .peer] | unique | length) > 10' >/dev/null ||
	fail "the server did not hang up on more than 10 connections"

# 2. Rate limits and conflicts: 429 (Retry-After 1), 408, 409.
start_server rl --plugin "$GEOMETRY" --plan '{"every":5,"faults":["429:1","408","409"]}'
expect_exit 0 "$V" run -m anthropic -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	"${COMMON[@]}" -o rl
diff <(report_body ref) <(report_body rl) >/dev/null || fail "report under 429/408/409 differs"
server_log "$PORT" | jq -e '[.[] | .status] | index(408) and index(409) and index(429)' >/dev/null ||
	fail "408, 409 and 429 were not all served"
expect_err "rate limited by http://127.0.0.1:$PORT/v1 (HTTP 429, Retry-After)"

# 3. A 400 is not retried: an error with the server's reason, shown once, not a
# wrong answer; above --max-error-rate the run exits 4; the next run retries it.
start_server bad --plugin "$GEOMETRY" --plan '{"every":3,"faults":["400"]}'
expect_exit 4 "$V" run -m gemini -M base_url="http://127.0.0.1:$PORT/v1beta" "${FAST[@]}" \
	"${COMMON[@]}" -o bad
[ "$(grep -c 'HTTP 400' "$T/err")" = 1 ] || fail "the 400 body should be shown once: $(cat "$T/err")"
expect_err "Invalid image: fake rejection"
expect_err "tasks failed"
n400=$(server_log "$PORT" | jq '[.[] | select(.status == 400)] | length')
[ "$n400" -gt 0 ] || fail "no 400 was served"
jq -e --argjson n "$n400" '.overall.errors == $n' bad/report.json >/dev/null ||
	fail "report errors != $n400: $(jq -c .overall bad/report.json)"
[ "$(jq -s --argjson n "$n400" '[.[] | select(.error != null and (.error | test("HTTP 400.*fake rejection")) and .attempts == 1)] | length' bad/samples.jsonl)" = "$n400" ] ||
	fail "the errors are not journaled with their reason"
jq -e -s 'all(.[]; .error == null or (.answer == null and .correct == null))' bad/samples.jsonl \
	>/dev/null || fail "an error was journaled as an answer"
expect_exit 0 "$V" run -m gemini -M base_url="http://127.0.0.1:$PORT/v1beta" "${FAST[@]}" \
	"${COMMON[@]}" -o bad
diff <(report_body ref) <(report_body bad) >/dev/null || fail "the resumed run did not heal"
# Below the threshold: exit 0 and a warning with the count.
start_server bad2 --plugin "$GEOMETRY" --plan '{"every":3,"faults":["400"]}'
expect_exit 0 "$V" run -m gemini -M base_url="http://127.0.0.1:$PORT/v1beta" "${FAST[@]}" \
	"${COMMON[@]}" --max-error-rate 0.6 -o bad2
expect_err "$n400 of 48 tasks failed (below --max-error-rate 0.6"

# 4. Failover: a dead port and a server that drops every connection, next to a
# good one; and no server at all is a quick, clear exit 4.
start_server good --plugin "$GEOMETRY"
good=$PORT
start_server dropper --plan '{"every":1,"faults":["drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop","drop"]}'
dead=$(dead_port)
expect_exit 0 "$V" run -m ollama -M model=m -M backoff=0.02 \
	-M base_url="http://127.0.0.1:$dead,http://127.0.0.1:$PORT,http://127.0.0.1:$good" \
	-j 4 "${COMMON[@]}" -o failover
diff <(report_body ref) <(report_body failover) >/dev/null || fail "failover report differs"
expect_exit 4 "$V" run -m ollama -M model=m -M base_url="http://127.0.0.1:$dead" "${COMMON[@]}" -o none
expect_err "cannot reach the server: http://127.0.0.1:$dead"
expect_one_line_err

# 5. Ctrl-C while requests hang: exit 5 promptly, nothing half-written, resumable.
start_server slow --plugin "$GEOMETRY" --plan '{"every":1,"faults":["slow:30"]}'
"$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -M model=fake "${COMMON[@]}" \
	-o intr >intr.out 2>intr.err &
pid=$!
for i in $(seq 200); do
	[ "$(server_log "$PORT" | jq length)" -gt 0 ] && break
	sleep 0.05
done
kill -INT "$pid"
set +e
wait "$pid"
rc=$?
set -e
[ "$rc" = 5 ] || fail "interrupted run exited $rc: $(cat intr.err)"
[ -s intr/samples.jsonl ] && fail "abandoned requests were journaled"
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$good/v1" -M model=fake \
	"${COMMON[@]}" -o intr2
diff ref.answers <(answers intr2) >/dev/null || fail "answers after the interrupted run differ"
echo ok

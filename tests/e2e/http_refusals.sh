#!/usr/bin/env bash
# Refusals that no retry can mend stop the run at once with the server's own
# words and the fix (a used-up quota, a wrong Gemini key, a redirect); a 429
# that never ends stops after -M give_up; a slow model is "slow", not
# "unreachable"; a server error's body is shown; a compressed answer is read;
# a base URL that never answered is named.  Servers: tests/server/fake_llm.py.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
SMALL=(-S count=12 -t yn01 -q)
FAST=(-M model=fake -M backoff=0.01)

# 1. OpenAI's 429 insufficient_quota: no wait helps; exit 4 before a second round.
start_server quota --plan '{"every":1,"faults":["429quota","429quota","429quota","429quota"]}'
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" -j 2 --fixed \
	"${SMALL[@]}" -o quota
expect_err "You exceeded your current quota"
expect_err "the account's quota, credit or spend limit is used up"
n=$(server_log "$PORT" | jq length)
# At most the two in flight when the first refusal came back, and the next one or two sent meanwhile.
[ "$n" -le 4 ] || fail "a used-up quota was asked $n times"

# 1b. Spend limits, each API's way, stop at once too.  Anthropic's tier cap
# is a 429 rate_limit_error with no retry-after (details.error_code
# enforced_spend_limit_reached): before, it was backed off as a rate limit
# until -M give_up (300 s by default) and then called "rate limited".  A limit
# the user set is Anthropic's 400; OpenAI's hard spend limit a 429 with its
# code.  -M give_up=30: the old wait would outlast the test's patience.
for f in 429spend:anthropic 400spend:anthropic 429spendopenai:openai; do
	kind=${f#*:} f=${f%%:*}
	start_server "$f" --plan "{\"every\":1,\"faults\":[\"$f\",\"$f\",\"$f\",\"$f\",\"$f\",\"$f\"]}"
	url="http://127.0.0.1:$PORT/v1"
	SECONDS=0
	ANTHROPIC_API_KEY=k expect_exit 4 "$V" run -m "$kind" -M base_url="$url" "${FAST[@]}" -M give_up=30 \
		-j 2 --fixed "${SMALL[@]}" -o "$f"
	[ "$SECONDS" -le 10 ] || fail "$f: stopped after ${SECONDS}s"
	expect_err "the account's quota, credit or spend limit is used up"
	n=$(server_log "$PORT" | jq length)
	[ "$n" -le 4 ] || fail "$f: a used-up spend limit was asked $n times"
done
expect_err "hard spend limit has been reached"

# 2. A 429 naming no wait, every time: the run stops once -M give_up (1.5 s) has
# passed without an answer, rather than each task waiting out its deadline (its
# own backoff reaches 2.56 s only after 2.55 s of waits).
start_server rl --plan '{"every":1,"faults":["429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare","429bare"]}'
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	-M give_up=1.5 -j 2 --fixed "${SMALL[@]}" -o rl
expect_err "with no answer in between, longer than -M give_up=1.5s"
expect_err "Too many requests (fake)"

# 3. The Gemini API answers a wrong key with 400 API_KEY_INVALID: the key is named.
start_server badkey --plan '{"every":1,"faults":["400badkey"]}'
GEMINI_API_KEY=wrong expect_exit 4 "$V" run -m gemini -M base_url="http://127.0.0.1:$PORT/v1beta" \
	"${FAST[@]}" "${SMALL[@]}" -o badkey
expect_err "API key not valid"
expect_err "check GEMINI_API_KEY"

# 4. A redirect is not followed, and the message names where it points.
start_server moved --plan '{"every":1,"faults":["redirect:https://api.example.invalid/v1/chat/completions"]}'
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	"${SMALL[@]}" -o moved
expect_err "HTTP 307, a redirect to https://api.example.invalid/v1/chat/completions, which vsrbench does not follow"

# 5. A model slower than -M timeout after it took the request: retried, and the
# journal says "slow", never "cannot reach"; the run does not stop as if the
# server were down.
start_server slow --plan '{"every":1,"faults":["slow:3","slow:3","slow:3"]}'
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	-M timeout=0.5 --retries 1 -S count=2 -t yn01 -q -o slow
grep -q "cannot reach\|is the server running" "$T/err" && fail "a slow server was called unreachable: $(cat "$T/err")"
expect_err "2 of 2 tasks failed"
jq -e -s 'length == 2 and all(.[]; .error | test("no answer within -M timeout=0.5s \\(the request was sent; a slow model\\? raise -M timeout\\)"))' \
	slow/samples.jsonl >/dev/null || fail "slow errors: $(jq -c .error slow/samples.jsonl)"
[ "$(server_log "$PORT" | jq length)" = 4 ] || fail "two attempts of each task were expected: $(server_log "$PORT" | jq length)"

# 6. A server error every time: its body is on stderr once, not only in the journal.
start_server oom --plan '{"every":1,"faults":["500","500","500"]}'
expect_exit 4 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	--retries 2 -S count=2 -t yn01 -q -o oom
expect_err "fake 500 (retried; later HTTP 500 errors are only in the journal)"
[ "$(grep -c 'warning: .*fake 500' "$T/err")" = 1 ] || fail "the 500 body should be shown once: $(cat "$T/err")"

# 7. A gzip-compressed answer (a proxy compressing unasked) reads as the plain one
# (libcurl decodes it by its Content-Encoding).
expect_exit 0 "$V" run -m builtin:geometry "${SMALL[@]}" -o ref
start_server zip --plugin "$GEOMETRY" --plan '{"every":1,"faults":["gzip"]}'
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	"${SMALL[@]}" -o zip
diff <(report_body ref) <(report_body zip) >/dev/null || fail "the gzip-compressed answers read differently"
server_log "$PORT" | jq -e '[.[] | select(.fault == "gzip")] | length == 12' >/dev/null ||
	fail "the answers were not compressed"

# 8. Of two base URLs, one never answered: the run ends well and says so.
dead=$(dead_port)
start_server good --plugin "$GEOMETRY"
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$dead/v1,http://127.0.0.1:$PORT/v1" \
	"${FAST[@]}" "${SMALL[@]}" -o two
expect_err "http://127.0.0.1:$dead/v1 never answered during the run"
grep -q "127.0.0.1:$PORT/v1 never answered" "$T/err" && fail "the good server was named silent"
# 9. Every reply cut short by the token limit: nothing was scored, and every
# report leads with that rather than with an accuracy over no task.
start_server cut --plan '{"every":1,"faults":["cut"]}'
expect_exit 0 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" "${FAST[@]}" \
	-S count=4 -t yn01 -o cut
want="no reply was scored: 4 were cut short by the token limit before an answer (raise --max-tokens)"
expect_out "$want"
grep -qF "**$want" cut/report.md || fail "report.md: $(head -5 cut/report.md)"
grep -qF "$want" cut/report.html || fail "report.html lacks the sentence"
jq -e --arg w "$want" '.none_scored | startswith($w)' cut/report.json >/dev/null ||
	fail "report.json: $(jq -c '{none_scored, overall}' cut/report.json)"
jq -e '.none_scored == null' ref/report.json >/dev/null || fail "a scored run says none_scored"
echo ok

#!/usr/bin/env bash
# Issue 16 §5: the usage the servers report, summed per suite and per run,
# priced with -M price_in/price_out, and --budget-tokens / --budget-usd
# stopping a run (exit 4, resumable) before it passes the budget.
# The loopback server reports 100 prompt and 1 completion token for every
# request, in each API's own words (fake_llm.py): the totals expected below
# are those constants times the requests its log counts.  Its plain replies
# report no reasoning tokens (none of the four APIs' shapes has the field
# then; Anthropic's and Ollama's never do): every total says "not reported",
# never 0.  Its think replies report 7 (OpenAI, Gemini; fake_llm.py outcome()).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_fake_apis
export OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY"
sent() { server_log "$PORT" | jq length; }

# --- each API's usage shape, summed -----------------------------------------------
for kind in openai ollama anthropic gemini; do
	n0=$(sent)
	expect_exit 0 "$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl \
		-S count=3 -t yn01,yn02 -o "$kind"
	n=$(($(sent) - n0))
	[ "$n" = 6 ] || fail "$kind: $n requests"
	jq -e --argjson n "$n" '.usage == {answers_reported: $n, tokens_in: (100 * $n),
		tokens_out: $n, answers_reasoning_reported: 0, answers_cached: 0}
		and .suites.synth.usage.tokens_in == 100 * $n' "$kind/report.json" >/dev/null ||
		fail "$kind report.json usage: $(jq -c .usage "$kind/report.json")"
	jq -e --argjson n "$n" '.tokens_now == {in: (100 * $n), out: $n}' \
		"$kind/status.json" >/dev/null || fail "$kind status.json: $(jq -c .tokens_now "$kind/status.json")"
	expect_out "  tokens: $((100 * n)) in, $n out (reasoning not reported) over $n answers; 0 answers from the cache"
	# said once: a fresh run's own totals are the summary's
	[ "$(grep -c 'tokens: ' "$T/out")" = 1 ] || fail "$kind: the tokens said twice: $(grep 'tokens: ' "$T/out")"
	grep -qF "| synth | $n | $((100 * n)) | $n | not reported | 0 |" "$kind/report.md" ||
		fail "$kind report.md: $(grep -A4 '## Tokens' "$kind/report.md")"
	jq -e -s 'all(.[]; has("tokens_reasoning") | not)' "$kind/samples.jsonl" >/dev/null ||
		fail "$kind journal: tokens_reasoning without a count from the server"
	# The journal keeps each answer's count: the sum is the report's.
	[ "$(jq -s 'map(.tokens_in) | add' "$kind/samples.jsonl")" = $((100 * n)) ] ||
		fail "$kind journal tokens_in"
done

# -q, no summary: the tokens line after the run alone says them.
expect_exit 0 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=2 -t yn01 -q -o quiet
grep -qx 'tokens: 200 in, 2 out (reasoning not reported) over 2 answers' "$T/out" ||
	fail "-q: the tokens line: $(cat "$T/out")"

# --- reasoning reported by some answers only: summed over those, and said so ------
# OpenAI, 6 requests, the first 2 think (7 reasoning tokens, 8 out each), the
# other 4 plain (1 out, no reasoning count): in 600, out 2*8 + 4*1 = 20,
# reasoning 2*7 = 14 from 2 answers.  Gemini, 2 requests, both think:
# out (1 + 7) * 2 = 16 (thoughts beside the candidates'), reasoning 14 from all.
queue_faults "$PORT" think think
expect_exit 0 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=6 -t yn01 \
	-j 1 -o mixed
jq -e '.usage == {answers_reported: 6, tokens_in: 600, tokens_out: 20, answers_reasoning_reported: 2,
	tokens_reasoning: 14, answers_cached: 0}' mixed/report.json >/dev/null ||
	fail "mixed report.json usage: $(jq -c .usage mixed/report.json)"
jq -e '.tokens_now == {in: 600, out: 20, reasoning: 14}' mixed/status.json >/dev/null ||
	fail "mixed status.json: $(jq -c .tokens_now mixed/status.json)"
expect_out "  tokens: 600 in, 20 out (14 reasoning, reported by 2 answers) over 6 answers; 0 answers from the cache"
grep -qF "| synth | 6 | 600 | 20 | 14 (reported by 2) | 0 |" mixed/report.md ||
	fail "mixed report.md: $(grep -A4 '## Tokens' mixed/report.md)"
# vsrbench report rebuilds the same from the journal alone.
expect_exit 0 "$V" report mixed
expect_out "  tokens: 600 in, 20 out (14 reasoning, reported by 2 answers) over 6 answers; 0 answers from the cache"
queue_faults "$PORT" think think
expect_exit 0 "$V" run -m gemini -M "base_url=${URL[gemini]}" -M model=fake-vl -S count=2 -t yn01 \
	-j 1 -o allthink
jq -e '.usage == {answers_reported: 2, tokens_in: 200, tokens_out: 16, answers_reasoning_reported: 2,
	tokens_reasoning: 14, answers_cached: 0}' allthink/report.json >/dev/null ||
	fail "allthink report.json usage: $(jq -c .usage allthink/report.json)"
expect_out "  tokens: 200 in, 16 out (14 reasoning) over 2 answers; 0 answers from the cache"
grep -qF "| synth | 2 | 200 | 16 | 14 | 0 |" allthink/report.md ||
	fail "allthink report.md: $(grep -A4 '## Tokens' allthink/report.md)"

# --- prices: in 2 USD, out 10 USD per million tokens ---------------------------
expect_exit 0 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=2 \
	-M price_out=10 -S count=10 -t yn01 -q -o priced
# 10 requests: 1000 tokens in at 2/M + 10 out at 10/M = 0.0021 USD.
jq -e '.tokens_now.cost_usd == 0.0021' priced/status.json >/dev/null ||
	fail "cost: $(jq -c .tokens_now priced/status.json)"
expect_out "cost 0.0021 USD at 2/10 USD per million"
# The prices are not model options: neither sent nor in the fingerprint.
jq -e '.model.config | has("price_in") | not' priced/run.json >/dev/null || fail "price_in in run.json"
expect_exit 2 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=cheap -o x
expect_one_line_err
# One price alone: the other's tokens would be free (before, --budget-usd 1 -M
# price_in=3 ran, its output tokens counted at 0).
expect_exit 2 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=3 --budget-usd 1 -o x
expect_one_line_err
expect_err "-M price_in without -M price_out: give both prices"
expect_exit 2 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_out=15 -o x
expect_err "-M price_out without -M price_in"
expect_exit 2 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl --budget-usd 1 -o x
expect_one_line_err
expect_err "needs the prices"

# --- --budget-tokens: stops before passing it, exit 4, then resumes -------------
# 101 tokens a request: a budget of 505 allows at most 5 requests.
n0=$(sent)
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=12 -t yn01 \
	-j 1 -q -o budget --budget-tokens 505
n=$(($(sent) - n0))
[ "$n" -ge 1 ] && [ "$n" -le 5 ] || fail "--budget-tokens 505 let $n requests through"
expect_one_line_err
expect_err "stopped before the budget of 505 tokens: $((101 * n)) used by $n new tasks"
[ "$(jq -s 'map(select(.error == null)) | length' budget/samples.jsonl)" = "$n" ] ||
	fail "journal: $(wc -l <budget/samples.jsonl) lines for $n requests"
jq -e '.complete == false and .stopped_by == "budget"' budget/status.json >/dev/null ||
	fail "status.json: $(cat budget/status.json)"
# Resumed without a budget: only the rest is asked.  The summary counts the
# whole run (12 answers), the line after it this invocation's 12 - n.
expect_exit 0 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=12 -t yn01 \
	-j 1 -o budget
expect_out "  tokens: 1200 in, 12 out (reasoning not reported) over 12 answers; 0 answers from the cache"
grep -qx "tokens: $((100 * (12 - n))) in, $((12 - n)) out (reasoning not reported) over $((12 - n)) answers" "$T/out" ||
	fail "resume: this invocation's tokens: $(grep 'tokens: ' "$T/out")"
[ "$(($(sent) - n0))" = 12 ] || fail "after the resume, $(($(sent) - n0)) requests in all, not 12"
[ "$(jq -s length budget/samples.jsonl)" = 12 ] || fail "resumed journal: $(jq -s length budget/samples.jsonl) lines"

# --- the budget holds over resumes: the same command after a stop or Ctrl-C -----
# 101 tokens a request, one in flight: a budget of 505 is 5 requests in all,
# whichever invocations ask them (before, each resume had the whole budget
# again: a user who resumed with the same command paid it twice).
n0=$(sent)
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=12 -t yn01 \
	-j 1 -q -o held --budget-tokens 505
[ "$(($(sent) - n0))" = 5 ] || fail "--budget-tokens 505: $(($(sent) - n0)) requests, not 5"
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=12 -t yn01 \
	-j 1 -q -o held --budget-tokens 505
[ "$(($(sent) - n0))" = 5 ] || fail "the same budget again asked $(($(sent) - n0 - 5)) more requests"
expect_one_line_err
expect_err "stopped before the budget of 505 tokens: 505 in all: 0 by 0 new tasks, 505 by the earlier runs into the directory"
# 808 is 8 requests in all: 3 more, not the 7 that 808 tokens of its own allowed.
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=12 -t yn01 \
	-j 1 -q -o held --budget-tokens 808
[ "$(($(sent) - n0))" = 8 ] || fail "--budget-tokens 808 after 505: $(($(sent) - n0)) requests in all, not 8"
expect_err "808 in all: 303 by 3 new tasks, 505 by the earlier runs into the directory"
# In dollars, with answers from the response cache (paid by another run, not
# this directory): 1000 USD per million in, 0 out, 0.1 USD a request.  The
# cache holds the first 4 answers (asked into another directory); a budget
# of 0.45 USD then pays for 4 more requests, and after a stop the same
# command asks none.
expect_exit 0 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -S count=4 -t yn01 \
	-j 1 -q -o warm --cache "$T/cache"
n0=$(sent)
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=1000 \
	-M price_out=0 -S count=12 -t yn01 -j 1 -q -o heldusd --cache "$T/cache" --budget-usd 0.45
[ "$(($(sent) - n0))" = 4 ] || fail "--budget-usd 0.45: $(($(sent) - n0)) requests, not 4"
[ "$(jq -s 'map(select(.cached)) | length' heldusd/samples.jsonl)" = 4 ] || fail "heldusd: not 4 cached answers"
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=1000 \
	-M price_out=0 -S count=12 -t yn01 -j 1 -q -o heldusd --cache "$T/cache" --budget-usd 0.45
[ "$(($(sent) - n0))" = 4 ] || fail "the same --budget-usd again asked $(($(sent) - n0 - 4)) more requests"
expect_err "stopped before the budget of 0.45 USD: 0.4000 USD in all: 0.0000 by 0 new tasks, 0.4000 by the earlier runs"
# Without a budget the last 4 are asked; the cost line adds the directory's 0.4 before.
expect_exit 0 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=1000 \
	-M price_out=0 -S count=12 -t yn01 -j 1 -q -o heldusd --cache "$T/cache"
expect_out "cost 0.4000 USD at 1000/0 USD per million (0.8000 USD with the earlier runs into the directory)"

# --- --budget-usd with many requests in flight -----------------------------------
# 1000 USD per million in, 0 out: 0.1 USD a request; 0.35 USD allows at most 3.
n0=$(sent)
expect_exit 4 "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl -M price_in=1000 \
	-M price_out=0 -S count=30 -t yn01 -j 8 -q -o usd --budget-usd 0.35
n=$(($(sent) - n0))
[ "$n" -ge 1 ] && [ "$n" -le 3 ] || fail "--budget-usd 0.35 let $n requests through"
expect_err "stopped before the budget of 0.35 USD"
echo ok

#!/usr/bin/env bash
# The same suite through each HTTP adapter gives the same answers and the same
# report as the in-process model it wraps: the loopback server answers every
# request by calling the real builtin-geometry.so plug-in on the prompt and
# image bytes it received (tests/server/plugin.py), after checking the
# request's shape, headers and key for its protocol.  Letter templates are left
# out: over HTTP the options travel inside the prompt only, and the plug-in
# needs them as a list (the exec test covers them).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
TPL=yn01,yn04,yn07,yn12,tf01,tf06,tf09
COMMON=(-S count=16 -t "$TPL" -q)
KEY="sk-test-$RANDOM$RANDOM-marker"

expect_exit 0 "$V" run -m builtin:geometry "${COMMON[@]}" -o ref
answers ref >ref.answers
[ "$(wc -l <ref.answers)" = 112 ] || fail "reference run has $(wc -l <ref.answers) tasks"

FAKE_LLM_KEY=$KEY start_server llm --plugin "$GEOMETRY"
llm=$PORT
declare -A URL=([openai]="http://127.0.0.1:$PORT/v1" [ollama]="http://127.0.0.1:$PORT"
	[anthropic]="http://127.0.0.1:$PORT/v1" [gemini]="http://127.0.0.1:$PORT/v1beta")
# Ollama takes no key; the others read theirs from the usual variable.
for kind in openai ollama anthropic gemini; do
	expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl "${COMMON[@]}" -o "$kind"
	answers "$kind" >"$kind.answers"
	diff ref.answers "$kind.answers" >/dev/null || fail "$kind answers differ from builtin:geometry:
$(diff ref.answers "$kind.answers" | head)"
	diff <(report_body ref) <(report_body "$kind") >/dev/null || fail "$kind report differs"
	jq -e --arg k "$kind" '.model.name == $k and .model.config.base_url != null' "$kind/run.json" \
		>/dev/null || fail "$kind: run.json model"
	jq -e 'select(.meta.usage == null or .meta.model == null)' "$kind/samples.jsonl" >/dev/null &&
		fail "$kind: a journal line lacks meta.usage or meta.model"
done
# OpenAI's extras are journaled as "meta".
jq -e -s 'all(.[]; .meta.system_fingerprint == "fp_fake1" and .meta.usage.total_tokens == 101
	and .meta.model == "fake-vl")' openai/samples.jsonl >/dev/null || fail "openai meta"
# Connections are kept alive: 4 x 112 requests came over no more connections than
# the most requests each run allowed in flight (its adaptive limit, run.json).
most=$(jq -s 'map(.concurrency.max) | add' openai/run.json ollama/run.json anthropic/run.json gemini/run.json)
[ "$most" -ge 4 ] && [ "$most" -le 4096 ] || fail "run.json concurrency.max: $most"
server_log "$llm" | jq -e --argjson most "$most" 'map(.peer) | unique | length <= $most' >/dev/null ||
	fail "connections were not reused: $(server_log "$llm" | jq 'map(.peer) | unique | length') ports"
# A preset with its URL overridden, detail=low, max_completion_tokens, -j 2 on each of two
# base URLs (the same server by two names), the server slowed down: same answers, and never
# more than 2 x 2 requests in flight.
FAKE_LLM_KEY=$KEY start_server slow --plugin "$GEOMETRY" \
	--plan '{"every":1,"faults":["slow:0.05","slow:0.05","slow:0.05","slow:0.05"]}'
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M preset=vllm -M model=fake-vl \
	-M base_url="http://127.0.0.1:$PORT/v1,http://localhost:$PORT/v1" -M detail=low \
	-M max_tokens_field=max_completion_tokens -j 2 "${COMMON[@]}" -o opts
diff ref.answers <(answers opts) >/dev/null || fail "openai with options: answers differ"
python3 -c 'import sys, urllib.request as u; print(u.urlopen("http://127.0.0.1:%s/_stats" % sys.argv[1]).read().decode())' \
	"$PORT" | jq -e '.max_in_flight >= 2 and .max_in_flight <= 4' >/dev/null || fail "-j 2 per endpoint not kept"

# The key is sent (the server demands it) but stored nowhere.
for d in openai ollama anthropic gemini opts; do
	grep -rqF -- "$KEY" "$d" && fail "the API key is in $d"
done
grep -qF -- "$KEY" "$T/out" "$T/err" && fail "the API key was printed"
# Every request was well-formed for its protocol: the server never refused one.
server_log "$llm" | jq -e 'length == 4 * 112 and all(.[]; .status == 200)' >/dev/null ||
	fail "the server refused requests: $(server_log "$llm" | jq -c 'map(.status) | group_by(.) | map([.[0], length])') $(cat "$T/llm.log")"

# Image variants travel as such: a mirrored image is mirrored, a blind task has
# none.  Through the server (which runs builtin:geometry on what it receives)
# the answers equal the in-process model's, variant by variant.
expect_exit 0 "$V" run -m builtin:geometry -S count=16 -p hflip,blind -q -o vref
FAKE_LLM_KEY=$KEY start_server var --plugin "$GEOMETRY"
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" \
	-M model=fake -S count=16 -p hflip,blind -q -o vhttp
diff <(jq -r '[.item, .variant, .answer] | @tsv' vref/samples.jsonl | sort) \
	<(jq -r '[.item, .variant, .answer] | @tsv' vhttp/samples.jsonl | sort) >/dev/null ||
	fail "variants over HTTP differ from the in-process model"
jq -e '.suites.synth.sensitivity | .visual_flip.value == 1 and .blind_gap.value == 1' vhttp/report.json \
	>/dev/null || fail "HTTP variants: $(jq -c .suites.synth.sensitivity vhttp/report.json)"

# Bad configurations: one line, exit 2, before any file is written.
expect_exit 2 "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" -o bad
expect_err "needs -M model=NAME"
expect_one_line_err
expect_exit 2 "$V" run -m openai -M base_url=ftp://x/v1 -M model=m -o bad
expect_err "only http:// and https://"
# An empty port is not port 80 (libcurl's reading of "host:/").
expect_exit 2 "$V" run -m openai -M base_url=http://127.0.0.1:/v1 -M model=m -o bad
expect_err "the port after '127.0.0.1:' is missing (e.g. http://127.0.0.1:8000)"
# No scheme, or an IPv6 address without brackets: the error says so, with the URL
# to give when it can be told (before, only "is not a URL" and an IPv4 example).
expect_exit 2 "$V" run -m openai -M base_url=localhost:8000/v1 -M model=m -o bad
expect_err "-M base_url 'localhost:8000/v1' is not a URL: it names no scheme: -M base_url=http://localhost:8000/v1"
expect_one_line_err
expect_exit 2 "$V" run -m openai -M base_url=htp//gpu-box:8000/v1 -M model=m -o bad
expect_err "is not a URL: it names no scheme (e.g. http://127.0.0.1:8000/v1)"
expect_exit 2 "$V" run -m openai -M base_url=http://::1:8000/v1 -M model=m -o bad
expect_err "is not a URL: an IPv6 address goes in brackets (e.g. http://[::1]:8000/v1)"
# One slash after the scheme (libcurl takes it): no port check reads past the URL.
expect_exit 4 "$V" run -m openai -M base_url=http:/127.0.0.1:$(dead_port)/v1 -M model=m -S count=1 -t yn01 -q -o bad1
expect_err "cannot reach the server"
rm -rf bad1
expect_exit 2 "$V" run -m gemini -M base_url=http://x -M model=m -M frobs=1 -o bad
expect_err "unknown option -M frobs"
expect_exit 2 "$V" run -m openai -M preset=nope -M model=m -o bad
expect_err "-M preset=nope: unknown"
expect_exit 2 env -u ANTHROPIC_API_KEY "$V" run -m anthropic -M model=claude -o bad
expect_err "no API key: ANTHROPIC_API_KEY is not set (export the key in it"
expect_exit 2 "$V" run -m ollama -M model=m -M api_key_env=VSR_NOT_SET_ANYWHERE -o bad
expect_err "VSR_NOT_SET_ANYWHERE: that environment variable is not set"
[ -e bad ] && fail "a refused configuration left a run directory"
"$V" list models >models.txt
grep -q "openai" models.txt && grep -q "exec" models.txt || fail "list models lacks the served kinds"
echo ok

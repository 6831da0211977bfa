#!/usr/bin/env bash
# Issue 21 §3: the generation settings each API is sent, read from the bodies
# the loopback server captured.  OpenAI's own endpoint (preset openai) gets
# max_completion_tokens, a compatible server (any other preset, a bare
# base_url) max_tokens; --temperature default sends no temperature to any
# of the four APIs; a number is sent as given.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_fake_apis
run() { # run NAME ARGS...: 2 tasks; prints the params of the requests it caused
	local name=$1 n
	shift
	n=$(server_log "$PORT" | jq length)
	expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -M model=fake-vl -S count=2 -t yn01 -q -o "$name" "$@"
	server_log "$PORT" | jq -c --argjson n "$n" '.[$n:] | map(.params)'
}
p=$(run oa -m openai -M preset=openai -M "base_url=${URL[openai]}" --max-tokens 700)
jq -e 'length == 2 and all(.[]; .max_completion_tokens == 700 and (has("max_tokens") | not)
	and .temperature == 0)' <<<"$p" >/dev/null || fail "preset openai: $p"
p=$(run vl -m openai -M preset=vllm -M "base_url=${URL[openai]}" --max-tokens 700 --temperature 0.5)
jq -e 'all(.[]; .max_tokens == 700 and (has("max_completion_tokens") | not) and .temperature == 0.5)' \
	<<<"$p" >/dev/null || fail "preset vllm: $p"
p=$(run bare -m openai -M "base_url=${URL[openai]}")
jq -e 'all(.[]; .max_tokens == 32)' <<<"$p" >/dev/null || fail "bare base_url: $p"
for kind in openai ollama anthropic gemini; do
	p=$(run "d$kind" -m "$kind" -M "base_url=${URL[$kind]}" --temperature default)
	jq -e 'length == 2 and all(.[]; (has("temperature") | not) and
		((.options // .generationConfig // {}) | has("temperature") | not))' <<<"$p" >/dev/null ||
		fail "$kind --temperature default sent one: $p"
	jq -e '.generation.temperature == null' "d$kind/run.json" >/dev/null || fail "$kind run.json"
done
# Ollama's keep_alive: a number travels as a number, a duration as a string.
p=$(run ka -m ollama -M "base_url=${URL[ollama]}" -M keep_alive=-1)
jq -e 'all(.[]; .keep_alive == -1)' <<<"$p" >/dev/null || fail "keep_alive=-1: $p"
p=$(run ka5 -m ollama -M "base_url=${URL[ollama]}" -M keep_alive=5m)
jq -e 'all(.[]; .keep_alive == "5m")' <<<"$p" >/dev/null || fail "keep_alive=5m: $p"
expect_exit 2 "$V" run -m builtin:geometry --temperature warm -o bad
expect_err "expected 0..10 or default"
echo ok

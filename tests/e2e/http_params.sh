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
# Issue 14: without --max-tokens a served chat model gets 1024 (docs/models.md).
p=$(run bare -m openai -M "base_url=${URL[openai]}")
jq -e 'all(.[]; .max_tokens == 1024)' <<<"$p" >/dev/null || fail "bare base_url: $p"
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

# Issue 14: the default --max-tokens by kind, in each API's own field (by hand,
# from the rule in docs/models.md): a served chat model 1024, plus the
# thinking budget with --reasoning (low 1024, medium 4096, high 16384, N),
# so openai low 1024+1024, ollama high 1024+16384, anthropic 2048 1024+2048,
# gemini medium 1024+4096, off 1024+0; an explicit --max-tokens as given.
tokens() { # tokens KIND PARAMS: the limit each request sent, one per line
	case $1 in
	openai | anthropic) jq -r '.[].max_tokens' <<<"$2" ;;
	ollama) jq -r '.[].options.num_predict' <<<"$2" ;;
	gemini) jq -r '.[].generationConfig.maxOutputTokens' <<<"$2" ;;
	esac
}
maxtok() { # maxtok KIND EXPECTED [ARGS]: a run's requests and its run.json
	local kind=$1 want=$2 name got
	shift 2
	name=mt_${kind}_$#_$want
	p=$(run "$name" -m "$kind" -M "base_url=${URL[$kind]}" "$@")
	got=$(tokens "$kind" "$p" | sort -u | paste -sd,)
	[ "$got" = "$want" ] || fail "$kind $*: sent $got, expected $want: $p"
	[ "$(jq '.generation.max_tokens' "$name/run.json")" = "$want" ] || fail "$kind $*: run.json"
}
maxtok openai 1024
maxtok ollama 1024
maxtok anthropic 1024
maxtok gemini 1024
maxtok openai 1024 --reasoning off
maxtok gemini 1024 --reasoning off
maxtok openai 2048 --reasoning low
maxtok ollama 17408 --reasoning high
maxtok anthropic 3072 --reasoning 2048
maxtok gemini 5120 --reasoning medium
maxtok openai 32 --max-tokens 32
maxtok ollama 7 --max-tokens 7
maxtok anthropic 4096 --reasoning 2048 --max-tokens 4096
maxtok gemini 100 --reasoning medium --max-tokens 100
# An in-process model answers in a word: 32 (the exec kind: e2e/exec_adapter).
expect_exit 0 "$V" run -m builtin:geometry -S count=2 -t yn01 -q -o mt_builtin
[ "$(jq '.generation.max_tokens' mt_builtin/run.json)" = 32 ] || fail "builtin run.json max_tokens"
# A run directory made with another limit (the old default 32 for every kind):
# without --max-tokens the resume is refused, naming the field and the number
# that resumes it; with it, the run resumes.
expect_exit 2 env OPENAI_API_KEY="$KEY" "$V" run -M model=fake-vl -S count=2 -t yn01 -q \
	-m openai -M "base_url=${URL[openai]}" -o mt_openai_2_32
expect_err "generation.max_tokens was 32, now 1024;"
expect_err "(without --max-tokens, -m openai sends 1024: add --max-tokens 32)"
expect_one_line_err
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -M model=fake-vl -S count=2 -t yn01 -q \
	-m openai -M "base_url=${URL[openai]}" --max-tokens 32 -o mt_openai_2_32
expect_exit 2 "$V" run -m builtin:geometry --temperature warm -o bad
expect_err "expected 0..10 or default"
echo ok

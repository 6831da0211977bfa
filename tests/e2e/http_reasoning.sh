#!/usr/bin/env bash
# Issue 21 §2: --reasoning off|low|medium|high|N mapped to each API's own
# control, read from the request bodies the loopback server captured, and
# -M extra_body=JSON merged into them.  The expected fields are the
# providers' documented ones, written here by hand:
#   OpenAI's endpoint   reasoning_effort ("none" for off)
#   vLLM/SGLang/llama   reasoning_effort; off: chat_template_kwargs.enable_thinking false
#   Anthropic           thinking {type enabled, budget_tokens >= 1024 < max_tokens}, temperature
#                       then 1 or absent; off: {type disabled}
#   Gemini              generationConfig.thinkingConfig.thinkingBudget (off: 0)
#   Ollama              think (off: false; levels as strings)
# Levels as budgets: low 1024, medium 4096, high 16384 (docs/models.md).
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
		"$V" run -M "model=${MODEL:-fake-vl}" -S count=2 -t yn01 -q -o "$name" "$@"
	server_log "$PORT" | jq -c --argjson n "$n" '.[$n:] | map(.params)'
}
check() { # check WHAT JQ PARAMS: every request of the run passes JQ
	jq -e "length == 2 and all(.[]; $2)" <<<"$3" >/dev/null || fail "$1: $3"
}
OA=(-m openai -M "base_url=${URL[openai]}")
p=$(run oa_off "${OA[@]}" -M preset=openai --reasoning off)
check "openai off" '.reasoning_effort == "none" and (has("chat_template_kwargs") | not)' "$p"
p=$(run oa_low "${OA[@]}" -M preset=openai --reasoning low)
check "openai low" '.reasoning_effort == "low"' "$p"
p=$(run vl_off "${OA[@]}" -M preset=vllm --reasoning off)
check "vllm off" '.chat_template_kwargs == {"enable_thinking": false} and (has("reasoning_effort") | not)' "$p"
p=$(run vl_high "${OA[@]}" -M preset=vllm --reasoning high)
check "vllm high" '.reasoning_effort == "high" and (has("chat_template_kwargs") | not)' "$p"
p=$(run none "${OA[@]}")
check "no --reasoning" '(has("reasoning_effort") or has("chat_template_kwargs")) | not' "$p"
# The setting is part of the model's fingerprint (a resume with another one is another run).
jq -e '.model.fingerprint | contains("reasoning=\"high\"")' vl_high/run.json >/dev/null ||
	fail "fingerprint: $(jq .model.fingerprint vl_high/run.json)"
jq -e '.model.fingerprint | contains("reasoning") | not' none/run.json >/dev/null || fail "none fingerprint"
expect_exit 2 "$V" run "${OA[@]}" -M model=m --reasoning 2048 -o x
expect_err "takes no thinking budget in tokens"

AN=(-m anthropic -M "base_url=${URL[anthropic]}")
p=$(run an_n "${AN[@]}" --reasoning 2048 --max-tokens 4096)
check "anthropic 2048" '.thinking == {"type": "enabled", "budget_tokens": 2048} and
	.max_tokens == 4096 and (has("temperature") | not)' "$p"
jq -e '.generation.temperature == null' an_n/run.json >/dev/null || fail "anthropic run.json temperature"
p=$(run an_low "${AN[@]}" --reasoning low --max-tokens 2000 --temperature 1)
check "anthropic low" '.thinking.budget_tokens == 1024 and .temperature == 1' "$p"
p=$(run an_off "${AN[@]}" --reasoning off)
check "anthropic off" '.thinking == {"type": "disabled"} and .temperature == 0' "$p"
n=$(server_log "$PORT" | jq length)
ANTHROPIC_API_KEY=$KEY
export ANTHROPIC_API_KEY
# (without --max-tokens the default is above the budget: e2e/http_params)
expect_exit 2 "$V" run "${AN[@]}" -M model=m --reasoning 2048 --max-tokens 32 -o x
expect_err "thinking budget (2048 tokens) must be below --max-tokens (32): use --max-tokens 3072 or more"
expect_one_line_err
expect_exit 2 "$V" run "${AN[@]}" -M model=m --reasoning 500 --max-tokens 4096 -o x
expect_err "Anthropic's thinking budget is at least 1024 tokens"
expect_exit 2 "$V" run "${AN[@]}" -M model=m --reasoning 2048 --max-tokens 4096 --temperature 0.5 -o x
expect_err "takes only temperature 1"
# §3: Anthropic's range is 0 to 1: a usage error before any request.
expect_exit 2 "$V" run "${AN[@]}" -M model=m --temperature 1.5 -o x
expect_err "--temperature 1.5: Anthropic's temperature is 0 to 1"
expect_one_line_err
[ "$(server_log "$PORT" | jq length)" = "$n" ] || fail "a refused setting still sent requests"
[ ! -e x/samples.jsonl ] || fail "a usage error left a journal"

GE=(-m gemini -M "base_url=${URL[gemini]}")
p=$(run ge_off "${GE[@]}" --reasoning off)
check "gemini off" '.generationConfig.thinkingConfig == {"thinkingBudget": 0}' "$p"
p=$(run ge_n "${GE[@]}" --reasoning 512)
check "gemini 512" '.generationConfig.thinkingConfig.thinkingBudget == 512' "$p"
p=$(run ge_med "${GE[@]}" --reasoning medium)
check "gemini medium" '.generationConfig.thinkingConfig.thinkingBudget == 4096' "$p"
# Gemini 3 takes a level as thinkingLevel (Google's Gemini 3 guide: thinkingBudget
# only for backward compatibility there); a budget and off stay thinkingBudget.
p=$(MODEL=gemini-3-flash-preview run ge3_low "${GE[@]}" --reasoning low)
check "gemini-3 low" '.generationConfig.thinkingConfig == {"thinkingLevel": "low"}' "$p"
p=$(MODEL=models/gemini-3.1-pro-preview run ge3_high "${GE[@]}" --reasoning high)
check "gemini-3.1 high" '.generationConfig.thinkingConfig == {"thinkingLevel": "high"}' "$p"
p=$(MODEL=gemini-3-flash-preview run ge3_n "${GE[@]}" --reasoning 2048)
check "gemini-3 2048" '.generationConfig.thinkingConfig == {"thinkingBudget": 2048}' "$p"
p=$(MODEL=gemini-3-flash-preview run ge3_off "${GE[@]}" --reasoning off)
check "gemini-3 off" '.generationConfig.thinkingConfig == {"thinkingBudget": 0}' "$p"
p=$(MODEL=gemini-30-x run ge30 "${GE[@]}" --reasoning low)
check "not gemini-3" '.generationConfig.thinkingConfig == {"thinkingBudget": 1024}' "$p"

OL=(-m ollama -M "base_url=${URL[ollama]}")
p=$(run ol_off "${OL[@]}" --reasoning off)
check "ollama off" '.think == false' "$p"
p=$(run ol_high "${OL[@]}" --reasoning high)
check "ollama high" '.think == "high"' "$p"
expect_exit 2 "$V" run "${OL[@]}" -M model=m --reasoning 100 -o x
expect_err "Ollama's think takes no budget"

expect_exit 2 "$V" run -m builtin:geometry --reasoning high -o x
expect_err "--reasoning is for a served model"
expect_exit 2 "$V" run "${OL[@]}" -M model=m --reasoning lots -o x
expect_err "--reasoning lots: expected off, low, medium, high or a thinking budget"

# -M extra_body: merged into every body, fingerprinted.
p=$(run xb "${OA[@]}" -M preset=vllm -M 'extra_body={"top_k":20,"chat_template_kwargs":{"enable_thinking":true}}')
check "extra_body" '.top_k == 20 and .chat_template_kwargs.enable_thinking == true' "$p"
jq -e '.model.fingerprint | contains("extra_body=")' xb/run.json >/dev/null || fail "extra_body fingerprint"
p=$(run xg "${GE[@]}" -M 'extra_body={"safetySettings":[{"category":"HARM_CATEGORY_HARASSMENT","threshold":"BLOCK_NONE"}]}')
check "gemini extra_body" '.safetySettings[0].threshold == "BLOCK_NONE" and .generationConfig.maxOutputTokens == 1024' "$p"
p=$(run xa "${AN[@]}" -M 'extra_body={"top_k":5}')
check "anthropic extra_body" '.top_k == 5' "$p"
p=$(run xo "${OL[@]}" -M 'extra_body={"format":"json"}')
check "ollama extra_body" '.format == "json" and .stream == false' "$p"
bad() { # bad EXTRA_BODY MESSAGE [ARGS]: refused before any request
	local x=$1 msg=$2
	shift 2
	expect_exit 2 env OPENAI_API_KEY="$KEY" "$V" run "${OA[@]}" -M model=m -M "extra_body=$x" "$@" -o x
	expect_err "$msg"
	expect_one_line_err
}
bad '[1,2]' "-M extra_body: expected a JSON object"
bad '{"top_k":' "-M extra_body: expected a JSON object"
bad '{"api_key":"sk-1"}' 'member "api_key" would carry a credential'
bad '{"extra_headers":{"Authorization":"Bearer x"}}' 'member "Authorization" would carry a credential'
bad "{\"note\":\"$KEY\"}" "-M extra_body quotes the API key"
bad '{"temperature":1}' '"temperature" is written by vsrbench itself (--temperature)'
bad '{"messages":[]}' '"messages" is written by vsrbench itself'
bad '{"reasoning_effort":"low"}' '"reasoning_effort" is written by vsrbench itself (--reasoning)' --reasoning high
! grep -F -- "$KEY" "$T/err" >/dev/null || fail "the key reached stderr"
# Without --reasoning a reasoning field may come through extra_body.
p=$(run xr "${OA[@]}" -M preset=openai -M 'extra_body={"reasoning_effort":"minimal"}')
check "extra_body reasoning_effort" '.reasoning_effort == "minimal"' "$p"
echo ok

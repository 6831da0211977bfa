#!/usr/bin/env bash
# Issue 21 §3/§5 and issue 17 item 9: a refusal no retry can help stops the
# run (exit 4) with the server's message, the full URL that failed and the
# likely fix, and never with "run the same command again"; a refusal that
# is not every request's does not stop it.  Request counts come from the
# loopback server's own log; -j 1 makes them exact.
#   wrong base URL (no /v1): 404 from .../chat/completions -> "does base_url need /v1?"
#   400 unsupported_parameter 'max_tokens' -> -M max_tokens_field=max_completion_tokens
#   Anthropic 400 "`temperature` is deprecated" with a new request_id each time -> --temperature default
#   Ollama 400 "does not support thinking" -> --reasoning
#   llama.cpp without --mmproj: 500 "image input is not supported" -> fatal at once, --mmproj
#   LiteLLM's 400 "Invalid model name" ("param": "None", no parameter) and
#   vLLM's 404 "The model `m` does not exist." ("param": "model") -> -M model
#   OpenAI's 400 "image_url is only supported by certain models" -> fatal at once
#   a request over the model's context (vLLM's, SGLang's, llama.cpp's words)
#   -> --max-tokens (now N) and the numbers, also when each prompt's count differs
# and the Gemini 429 whose wait is only in its body (RetryInfo.retryDelay
# "2s"): the retry arrives >= 2 s after the 429 was sent (the server's
# timestamps), and "as asked" is printed only for a wait the server named.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_server llm --plugin "$GEOMETRY"
B=http://127.0.0.1:$PORT

# A base URL without /v1: every request 404s.
n0=$(requests_sent)
expect_exit 4 "$V" run -m openai -M "base_url=$B" -M model=m -S count=20 -t yn01 -j 1 -q -o nov1
expect_err "stopped after 4 identical HTTP 404 replies from $B/chat/completions (\"no route /chat/completions\"); does base_url need /v1? (try -M base_url=$B/v1)"
! grep -F "run the same command again" "$T/err" >/dev/null || fail "advised a retry: $(cat "$T/err")"
[ "$(($(requests_sent) - n0))" = 4 ] || fail "sent $(($(requests_sent) - n0)) requests, not 4"

# A parameter the model rejects: the option that changes it.
for p in max_tokens temperature; do
	n0=$(requests_sent)
	queue_faults "$PORT" "400param:$p" "400param:$p" "400param:$p" "400param:$p"
	expect_exit 4 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=20 -t yn01 -j 1 -q -o "p$p"
	expect_err "stopped after 4 identical HTTP 400 replies from $B/v1/chat/completions (\"Unsupported parameter: '$p' is not supported with this model.\")"
	case $p in
	max_tokens) expect_err "the option that changes 'max_tokens': -M max_tokens_field=max_completion_tokens" ;;
	temperature) expect_err "the option that changes 'temperature': --temperature default (not sent) or --temperature 1" ;;
	esac
	! grep -F "run the same command again" "$T/err" >/dev/null || fail "advised a retry"
	[ "$(($(requests_sent) - n0))" = 4 ] || fail "$p: sent $(($(requests_sent) - n0)) requests, not 4"
done

# Anthropic's refusal carries a request id of its own each time (the bodies
# differ, the refusal does not), Ollama's names the parameter in words only.
n0=$(requests_sent)
f='400anthropic:`temperature` is deprecated for this model.'
queue_faults "$PORT" "$f" "$f" "$f" "$f"
expect_exit 4 env ANTHROPIC_API_KEY=k "$V" run -m anthropic -M "base_url=$B/v1" -M model=m -S count=20 \
	-t yn01 -j 1 -q -o anthropic
expect_err "stopped after 4 identical HTTP 400 replies from $B/v1/messages (\"\`temperature\` is deprecated for this model.\")"
expect_err "the option that changes 'temperature': --temperature default (not sent) or --temperature 1"
! grep -F "run the same command again" "$T/err" >/dev/null || fail "anthropic: advised a retry"
[ "$(($(requests_sent) - n0))" = 4 ] || fail "anthropic: sent $(($(requests_sent) - n0)) requests, not 4"
n0=$(requests_sent)
f='400ollama:"m" does not support thinking'
queue_faults "$PORT" "$f" "$f" "$f" "$f"
expect_exit 4 "$V" run -m ollama -M "base_url=$B" -M model=m -S count=20 -t yn01 -j 1 -q -o ollama
expect_err "stopped after 4 identical HTTP 400 replies from $B/api/chat"
expect_err "the option that changes 'think': --reasoning (leave it out, or another level)"
! grep -F "run the same command again" "$T/err" >/dev/null || fail "ollama: advised a retry"
[ "$(($(requests_sent) - n0))" = 4 ] || fail "ollama: sent $(($(requests_sent) - n0)) requests, not 4"

# A run shorter than the stop (3 tasks), every one refused the same way: it
# ends as the stop does, never with "run the same command again".
n0=$(requests_sent)
queue_faults "$PORT" 400param:max_tokens 400param:max_tokens 400param:max_tokens
expect_exit 4 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=3 -t yn01 -j 1 -q -o short
expect_err "all 3 requests of the run got identical HTTP 400 replies from $B/v1/chat/completions"
expect_err "the option that changes 'max_tokens': -M max_tokens_field=max_completion_tokens"
! grep -F "run the same command again" "$T/err" >/dev/null || fail "short: advised a retry: $(cat "$T/err")"
[ "$(($(requests_sent) - n0))" = 3 ] || fail "short: sent $(($(requests_sent) - n0)) requests, not 3"
queue_faults "$PORT" 400param:max_tokens
expect_exit 4 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=1 -t yn01 -j 1 -q -o one
expect_err "the run's only request was refused: HTTP 400 replies from"
! grep -F "run the same command again" "$T/err" >/dev/null || fail "one: advised a retry: $(cat "$T/err")"

# Refusals with answers between them are the tasks' own: the run goes on.
n0=$(requests_sent)
queue_faults "$PORT" 400 slow:0 400 slow:0 400 slow:0 400 slow:0 400
expect_exit 0 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=12 -t yn01 -j 1 -q \
	--max-error-rate 1 -o mixed
! grep -F "stopped after" "$T/err" >/dev/null || fail "stopped on refusals between answers: $(cat "$T/err")"
[ "$(($(requests_sent) - n0))" = 12 ] || fail "mixed: $(($(requests_sent) - n0)) requests"
[ "$(jq -s 'map(select(.error != null)) | length' mixed/samples.jsonl)" = 5 ] || fail "mixed: errors"

# Refusals come back faster than answers: with 8 requests in flight, the
# first 4 refused at once and the other 4 answered 0.3 s later, the
# refusals arrive in a row, yet the answers in flight with them show they
# are the tasks' own.  (Stopped here before the rule waited for those.)
n0=$(requests_sent)
queue_faults "$PORT" 400 400 400 400 slow:0.3 slow:0.3 slow:0.3 slow:0.3
expect_exit 0 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=12 -t yn01 -j 8 --fixed -q \
	--max-error-rate 1 -o bunched
! grep -F "stopped after" "$T/err" >/dev/null || fail "stopped on refusals sent with answers: $(cat "$T/err")"
[ "$(($(requests_sent) - n0))" = 12 ] || fail "bunched: $(($(requests_sent) - n0)) requests"
[ "$(jq -s 'map(select(.error != null)) | length' bunched/samples.jsonl)" = 4 ] || fail "bunched: errors"

# Issue 17 item 9: a warning printed while the terminal's progress line is
# drawn starts on a fresh line (the line has no newline of its own).
n0=$(requests_sent)
# (the first refusal after a few answers: the line is drawn by then)
queue_faults "$PORT" slow:0.3 slow:0.3 slow:0.3 400 slow:0 slow:0 400
expect_exit 0 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=30 -t yn01 -j 1 \
	--progress tty --max-error-rate 1 -o tty
python3 - "$T/err" <<'PY' || fail "a message did not start on a fresh line: $(cat -A "$T/err" | head -c 2000)"
import sys
err = open(sys.argv[1], encoding="utf-8", errors="replace", newline="").read()
assert "\r" in err, "no progress line was drawn"
assert "vsrbench: warning" in err, "no warning"
for line in err.split("\n"):
    assert line.find("vsrbench:") in (-1, 0), repr(line)
PY

# A model that takes no images: the first reply stops the run, with the fix.
n0=$(requests_sent)
queue_faults "$PORT" noimage
expect_exit 4 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=10 -t yn01 -j 1 -q -o noimg
expect_err "HTTP 500 from $B/v1: image input is not supported"
expect_err "llama.cpp's server needs --mmproj FILE"
[ "$(($(requests_sent) - n0))" = 1 ] || fail "noimage: $(($(requests_sent) - n0)) requests (retried?)"

# Gemini's 429: the wait is in the body only.
n0=$(requests_sent)
queue_faults "$PORT" 429body:2
expect_exit 0 "$V" run -m gemini -M "base_url=$B/v1beta" -M model=g -S count=1 -t yn01 -j 1 -o gem
expect_err "rate limited by $B/v1beta (HTTP 429, RetryInfo in the body): no requests to it for 2"
expect_err "s, as asked"
server_log "$PORT" | jq --argjson n "$n0" '.[$n:]' >gem.log
jq -e 'length == 2 and .[0].status == 429 and .[1].status == 200 and
	(.[1].t_recv - .[0].t_sent) >= 2.0' gem.log >/dev/null ||
	fail "the body's RetryInfo was not honoured: $(jq -c 'map([.fault, .status, .t_recv, .t_sent])' gem.log)"
# A 429 that names no wait: no "as asked".
queue_faults "$PORT" 429bare
expect_exit 0 "$V" run -m openai -M "base_url=$B/v1" -M model=m -S count=1 -t yn01 -j 1 -o bare
expect_err "(a backoff of ours: the server named no wait)"
! grep -F "as asked" "$T/err" >/dev/null || fail "'as asked' for a wait nobody asked: $(cat "$T/err")"
# A model name the server does not serve, in LiteLLM's words ("param":
# "None" is Python's None, no parameter) and vLLM's ("param": "model" is
# -M model): the model hint, never "rejects 'None'" or "'model'".
OA=(-m openai -M "base_url=$B/v1" -M model=m -S count=20 -t yn01 -j 1 -q)
queue_faults "$PORT" 400litellm 400litellm 400litellm 400litellm
expect_exit 4 "$V" run "${OA[@]}" -o litellm
expect_err "stopped after 4 identical HTTP 400 replies from $B/v1/chat/completions (\"{'error': '/chat/completions: Invalid model name passed in model=m. Call \`/v1/models\` to view available models for your key.'}\"); is -M model the name the server serves? (e.g. GET $B/v1/models)"
queue_faults "$PORT" 404model 404model 404model 404model
expect_exit 4 "$V" run "${OA[@]}" -o vllm404
expect_err "stopped after 4 identical HTTP 404 replies from $B/v1/chat/completions (\"The model \`m\` does not exist.\"); is -M model the name the server serves? (e.g. GET $B/v1/models)"

# OpenAI's words for a model without vision: the first reply stops the run.
n0=$(requests_sent)
queue_faults "$PORT" 400imageurl
expect_exit 4 "$V" run "${OA[@]}" -o imageurl
expect_err "HTTP 400 from $B/v1: Invalid content type. image_url is only supported by certain models. (the served model takes no images"
[ "$(($(requests_sent) - n0))" = 1 ] || fail "imageurl: $(($(requests_sent) - n0)) requests"

# Over the model's context (4096): the prompt's own count and the fix,
# --max-tokens with its value when the prompt leaves room, else a longer
# context.  The count differs with each prompt: still the same refusal.
queue_faults "$PORT" 400ctx:vllm:3500 400ctx:vllm:3500 400ctx:vllm:3500 400ctx:vllm:3500
expect_exit 4 "$V" run "${OA[@]}" -o ctx
expect_err "the prompt and image take 3500 tokens of the model's context of 4096: lower --max-tokens (now 1024) to at most 596, or serve the model with a longer context (vLLM --max-model-len, llama.cpp -c) or send fewer image tokens (-M detail=low where the server reads it, or smaller images)"
n0=$(requests_sent)
queue_faults "$PORT" 400ctx:vllm:4115 400ctx:vllm:4160 400ctx:vllm:4203 400ctx:vllm:4300
expect_exit 4 "$V" run "${OA[@]}" -o ctx2
expect_err "stopped after 4 identical HTTP 400 replies"
expect_err "the prompt and image alone take 4115 tokens of the model's context of 4096, so no --max-tokens (now 1024) can fit: serve the model with a longer context"
[ "$(($(requests_sent) - n0))" = 4 ] || fail "ctx2: $(($(requests_sent) - n0)) requests, not 4"
queue_faults "$PORT" 400ctx:sglang:3000 400ctx:sglang:3000 400ctx:sglang:3000 400ctx:sglang:3000
expect_exit 4 "$V" run "${OA[@]}" --max-tokens 512 -o sglang
expect_err "the prompt and image take 3000 tokens of the model's context of 4096: lower --max-tokens (now 512) to at most 1096"
queue_faults "$PORT" 400ctx:llamacpp:5000 400ctx:llamacpp:5000 400ctx:llamacpp:5000 400ctx:llamacpp:5000
expect_exit 4 "$V" run "${OA[@]}" -o llamacpp
expect_err "(\"the request exceeds the available context size, try increasing it\"); the prompt and image alone take 5000 tokens of the model's context of 4096, so no --max-tokens (now 1024) can fit"
echo ok

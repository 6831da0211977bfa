#!/usr/bin/env bash
# Issue 21 (tests): every OpenAI request body vsrbench sends in the shapes
# the tests exercise (plain, blind, a system prompt, detail, the presets'
# max-token fields, --temperature default, --reasoning levels, extra_body,
# -M stream=on) is valid against CreateChatCompletionRequest of OpenAI's own
# published OpenAPI description, and every reply of the loopback fake server
# (answers, cut short, thinking, refusal, content filter) against
# CreateChatCompletionResponse, each chunk of its streamed replies against
# CreateChatCompletionStreamResponse, so the fake cannot drift from the real API.
# Checked by python3-jsonschema (tests/server/openai_schema.py).
. "$(dirname "$0")/lib.bash"
SPEC=${VSRBENCH_SHARED_DATA:-}/api/openai/openapi.json
if [ ! -f "$SPEC" ]; then
	echo "skipped: OpenAI's OpenAPI description is not at \$VSRBENCH_SHARED_DATA/api/openai/openapi.json"
	exit 77
fi
python3 -c 'import jsonschema' 2>/dev/null ||
	{ echo "skipped: python3-jsonschema is not installed (make -f Makefile.ci test-deps)"; exit 77; }
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
mkdir dump
start_server llm --plugin "$GEOMETRY" --dump "$T/dump"
B=http://127.0.0.1:$PORT/v1
i=0
run() { # run ARGS...: a small run against the fake server
	i=$((i + 1))
	expect_exit 0 env OPENAI_API_KEY=sk-none "$V" run -m openai -M "base_url=$B" -M model=fake-vl \
		-S count=2 -t yn01 -q -o "r$i" "$@"
}
run
run -p blind
run -M 'system=You answer yes or no.' -M detail=high
run -M preset=openai --max-tokens 500 --temperature default
run -M preset=vllm --temperature 0.7 --seed 9
run -M preset=openai --reasoning off
run -M preset=openai --reasoning high
run -M preset=vllm --reasoning low -M send_seed=0
run -M preset=sglang --reasoning off
run -M preset=lmstudio -M 'extra_body={"top_p":0.9,"stop":["\n"]}'
queue_faults "$PORT" cut think thinkcut refuse safety
run -j 1 -S count=5
# Streamed (-M stream=on: stream_options in the body; each chunk of the fake's
# stream against CreateChatCompletionStreamResponse), also cut, refused, filtered.
run -M stream=on
queue_faults "$PORT" cut think refuse safety
run -M stream=on -j 1 -S count=4
n=$(ls dump | grep -c 'req.json$' || true)
[ "$n" -ge 31 ] || fail "only $n request bodies captured"
n=$(ls dump | grep -c 'chunk[0-9]*.json$' || true)
[ "$n" -ge 18 ] || fail "only $n streamed chunks captured"
python3 "$VSR_SRC/tests/server/openai_schema.py" "$SPEC" dump >schema.out ||
	fail "schema errors: $(head -c 3000 schema.out)"
cat schema.out
echo ok

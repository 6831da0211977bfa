#!/usr/bin/env bash
# A key a server quotes bare (no header name before it, so only the key
# itself can be matched) is masked whole even where a message's length limit
# cuts through it: no part of it reaches the journal or stderr.  The offsets
# put the key across the cuts: the 200 body's reason (256 bytes, then the
# 256-byte task error), the error body's excerpt (307 bytes, shown on stderr).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
KEY="sk-cut-$(head -c 600 /dev/urandom | tr -dc 'a-zA-Z0-9' | head -c 93)"
[ ${#KEY} = 100 ] || fail "key of ${#KEY} bytes"
PART=${KEY:0:10}
COMMON=(-S count=2 -t yn01 -q -M model=fake -M backoff=0.01 -M retries=0)

# "unexpected openai response: error in a 200 response: " is 53 bytes: the
# key starts at byte 200 of the reason.
FAKE_LLM_KEY=$KEY start_server ok200 --plan '{"every":1,"faults":["leak:146"]}'
expect_exit 4 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" \
	"${COMMON[@]}" -o ok200
cp "$T/err" ok200.err
jq -e -s 'length == 2 and all(.[]; .error | test("error in a 200 response: x+ [*]+$"))' \
	ok200/samples.jsonl >/dev/null || fail "200: $(jq -r .error ok200/samples.jsonl | head -1)"

# The excerpt of the error body is cut at 307 bytes; the key starts at byte 280.
FAKE_LLM_KEY=$KEY start_server bad400 --plan '{"every":1,"faults":["leak400:279"]}'
expect_exit 4 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M base_url="http://127.0.0.1:$PORT/v1" \
	"${COMMON[@]}" -o bad400
cp "$T/err" bad400.err
grep -q 'x [*]\{27\} (not retried' bad400.err || fail "400: $(cat bad400.err)"

for f in $(find ok200 bad400 -type f) ok200.err bad400.err; do
	grep -qF -- "$PART" "$f" && fail "a part of the API key is in $f: $(grep -oF -- "$PART" "$f" | head -1)"
done
echo ok

#!/usr/bin/env bash
# Reasoning inline in the reply's text (a served thinking model without a
# reasoning parser: "<think>...</think>answer"), through the loopback fake
# server for each API kind.  The think block holds both answers ("No. Yes.
# The answer is no."), so a reply whose reasoning reached the extractor would
# read invalid (a conflict); stripped, the answer after it decides.
# Expected values: the word after the block, by jq; the block's length by hand
# (26 characters between the tags).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_fake_apis
think="No. Yes. The answer is no."
[ ${#think} = 26 ] || fail "the think text's length"
for kind in openai ollama anthropic gemini; do
	queue_faults "$PORT" thinktag thinktag thinktag thinktag
	expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl -S count=4 -t yn01 \
		-j 1 -q -o "$kind"
	jq -e -s --arg t "<think>$think</think>" 'length == 4 and all(.[]; (.response | startswith($t))
		and .answer == (.response | ltrimstr($t) | gsub("\\s"; "") | ascii_downcase)
		and (.answer == "yes" or .answer == "no") and .reasoning_chars == 26)' \
		"$kind/samples.jsonl" >/dev/null ||
		fail "$kind: $(jq -c -s 'map([.response, .answer, .correct, .reasoning_chars])' "$kind/samples.jsonl")"
done
# --think-tags none: the block is read as part of the reply, and its two answers conflict.
queue_faults "$PORT" thinktag thinktag thinktag thinktag
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl \
	-S count=4 -t yn01 -j 1 -q --think-tags none -o none
jq -e -s 'length == 4 and all(.[]; .answer == "invalid")' none/samples.jsonl >/dev/null ||
	fail "--think-tags none: $(jq -c -s 'map(.answer)' none/samples.jsonl)"
echo ok

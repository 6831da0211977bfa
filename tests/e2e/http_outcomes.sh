#!/usr/bin/env bash
# Issue 21 §1/§4: each provider's own shapes of a reply cut by the token limit
# (empty text, vLLM's content null + reasoning), of thinking kept
# apart, of a refusal and of a safety block reach the journal as a reply (no
# task error) flagged meta.cut_short / meta.refused, with the provider's stop
# reason in meta.finish_reason.  The fake server reshapes its 200 replies as
# each API documents them (tests/server/fake_llm.py outcome()); the expected
# counts are read off that table by hand:
#   cut, thinkcut         -> cut_short (all four APIs)
#   refuse, safety, block -> refused (OpenAI refusal / content_filter,
#                            Anthropic stop_reason refusal, Gemini SAFETY and
#                            promptFeedback.blockReason); Ollama has no such
#                            shape: answered as usual
#   think                 -> the answer, with meta.reasoning_chars
# and with --keep-reasoning the thinking's own text, exactly as the server
# sent it, as the journal's "reasoning" (without it: no such field):
#   OpenAI reasoning_content (think) / reasoning (thinkcut), Anthropic a
#   thinking block, Gemini a part with "thought": true, Ollama message.thinking
# and the accounting: of the 6 tasks only those that are neither (6 - 2 - refused)
# are in report.json's tasks (and so in every accuracy); cut_short and refused
# are counted apart, and the summary names them with the flag that fixes them.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_fake_apis
declare -A FIN_CUT=([openai]=length [ollama]=length [anthropic]=max_tokens [gemini]=MAX_TOKENS)
declare -A REFUSED=([openai]=3 [ollama]=0 [anthropic]=3 [gemini]=3)
for kind in openai ollama anthropic gemini; do
	# -j 1 and 6 tasks: the six queued shapes meet the six requests in order.
	queue_faults "$PORT" cut think thinkcut refuse safety block
	expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl -S count=6 -t yn01 \
		-j 1 -o "$kind"
	[ "$(wc -l <"$kind/samples.jsonl")" = 6 ] || fail "$kind: $(wc -l <"$kind/samples.jsonl") journal lines"
	jq -e -s 'all(.[]; .error == null)' "$kind/samples.jsonl" >/dev/null ||
		fail "$kind: an outcome became a task error: $(jq -c -s 'map(.error)' "$kind/samples.jsonl")"
	got=$(jq -r -s '[(map(select(.meta.cut_short == true)) | length),
		(map(select(.meta.refused == true)) | length),
		(map(select(.meta.reasoning_chars > 0)) | length)] | @csv' "$kind/samples.jsonl")
	[ "$got" = "2,${REFUSED[$kind]},2" ] || fail "$kind: cut_short,refused,reasoning = $got"
	jq -e -s 'all(.[]; has("reasoning") | not)' "$kind/samples.jsonl" >/dev/null ||
		fail "$kind: reasoning's text journaled without --keep-reasoning"
	jq -e -s --arg f "${FIN_CUT[$kind]}" 'map(select(.meta.cut_short == true)) |
		all(.[]; .meta.finish_reason == $f and .response == "")' "$kind/samples.jsonl" >/dev/null ||
		fail "$kind: cut_short lines: $(jq -c -s 'map(.meta)' "$kind/samples.jsonl")"
	got=$(jq -r -s '[(map(select(.outcome == "cut_short")) | length),
		(map(select(.outcome == "refused")) | length)] | @csv' "$kind/samples.jsonl")
	[ "$got" = "2,${REFUSED[$kind]}" ] || fail "$kind: journal outcomes cut_short,refused = $got"
	want=$((6 - 2 - ${REFUSED[$kind]}))
	jq -e --argjson t "$want" --argjson r "${REFUSED[$kind]}" \
		'.suites.synth | .tasks == $t and .cut_short == 2 and .refused == $r' "$kind/report.json" >/dev/null ||
		fail "$kind: report.json $(jq -c '.suites.synth | {tasks, cut_short, refused}' "$kind/report.json")"
	expect_out "cut short: 2 replies hit the token limit before an answer (not counted; raise --max-tokens"
	if [ "${REFUSED[$kind]}" -gt 0 ]; then
		expect_out "refused: ${REFUSED[$kind]} replies were refusals or safety blocks (not counted)"
	else
		! grep -q 'refused:' "$T/out" || fail "$kind: a refused line: $(cat "$T/out")"
	fi
done
# --keep-reasoning: the text the server sent apart (fake_llm.py outcome(); the
# lengths counted by hand), journaled as "reasoning", the reply its content alone.
declare -A THOUGHT=([openai]="Let me look at the image first." [ollama]="Let me look."
	[anthropic]="Let me look." [gemini]="Let me look.")
declare -A CHARS=([openai]=31 [ollama]=12 [anthropic]=12 [gemini]=12)
for kind in openai ollama anthropic gemini; do
	queue_faults "$PORT" think thinkcut
	expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl -S count=2 -t yn01 \
		-j 1 -q --keep-reasoning -o "keep-$kind"
	jq -e -s --arg t "${THOUGHT[$kind]}" --argjson n "${CHARS[$kind]}" 'length == 2 and all(.[];
		.reasoning == $t and .meta.reasoning_chars == $n and (.response | contains($t) | not)
		and (has("reasoning_chars") | not)) and
		(map(select(.outcome == "cut_short")) | length == 1 and .[0].response == "") and
		(map(select(.outcome == null)) | length == 1 and (.[0].answer == "yes" or .[0].answer == "no"))' \
		"keep-$kind/samples.jsonl" >/dev/null ||
		fail "$kind --keep-reasoning: $(jq -c -s 'map([.response, .answer, .outcome, .reasoning, .meta.reasoning_chars])' "keep-$kind/samples.jsonl")"
done
# A task that was only cut short is not an error: a resume sends nothing again.
n=$(server_log "$PORT" | jq length)
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M "base_url=${URL[openai]}" \
	-M model=fake-vl -S count=6 -t yn01 -j 1 -q -o openai
[ "$(server_log "$PORT" | jq length)" = "$n" ] || fail "the resume resent tasks"
echo ok

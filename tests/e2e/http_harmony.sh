#!/usr/bin/env bash
# gpt-oss's harmony format reaching vsrbench unparsed (a server without its
# reasoning parser), and the <think> block whose open tag was in the prompt,
# through the loopback fake server for each API kind:
#  - harmony: "<|channel|>analysis<|message|>No. Yes. The answer is
#    no.<|end|><|start|>assistant<|channel|>final<|message|>ANSWER<|return|>";
#  - harmonybare: the same without the special tokens, as servers that skip
#    them send it: "analysisNo. Yes. The answer is no.assistantfinalANSWER";
#  - thinkclose: "No. Yes. The answer is no.</think>\n\nANSWER";
#  - thinkkimi: Kimi-VL's tags, "◁think▷No. Yes. The answer is no.◁/think▷ANSWER";
#  - thinkbracket: Magistral's, "[THINK]No. Yes. The answer is no.[/THINK]ANSWER".
# The thought holds both answers, so a reply whose thought reached the
# extractor reads invalid (a conflict).  Expected: the answer is the word
# after the final marker (by jq from the journaled response), the reasoning
# 26 characters (the thought's length, counted by hand), its text with
# --keep-reasoning.  harmonycut (an analysis that says yes, cut by the token
# limit before any final channel) is a reply cut short: no answer, counted
# apart, with the hint to raise --max-tokens.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_fake_apis
thought="No. Yes. The answer is no."
[ ${#thought} = 26 ] || fail "the thought's length"
final='<|channel|>final<|message|>'
for kind in openai ollama anthropic gemini; do
	for shape in harmony harmonybare thinkclose thinkkimi thinkbracket; do
		case $shape in
		harmony) sep=$final ;;
		harmonybare) sep=assistantfinal ;;
		thinkclose) sep='</think>' ;;
		thinkkimi) sep='◁/think▷' ;;
		thinkbracket) sep='[/THINK]' ;;
		esac
		queue_faults "$PORT" $shape $shape $shape $shape
		expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
			"$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl -S count=4 -t yn01 \
			-j 1 -q --keep-reasoning -o "$kind-$shape"
		jq -e -s --arg sep "$sep" --arg t "$thought" 'length == 4 and all(.[];
			(.response | contains($sep)) and (.response | contains($t))
			and .answer == (.response | split($sep) | last | sub("<\\|return\\|>$"; "")
				| gsub("\\s"; "") | ascii_downcase)
			and (.answer == "yes" or .answer == "no")
			and .reasoning_chars == 26 and .reasoning == $t and (has("outcome") | not))' \
			"$kind-$shape/samples.jsonl" >/dev/null ||
			fail "$kind $shape: $(jq -c -s 'map([.response, .answer, .reasoning_chars, .reasoning])' \
				"$kind-$shape/samples.jsonl")"
	done
	# Cut while thinking: the analysis's "yes" is no answer.
	queue_faults "$PORT" harmonycut harmonycut harmonycut harmonycut
	expect_exit 0 env OPENAI_API_KEY="$KEY" ANTHROPIC_API_KEY="$KEY" GEMINI_API_KEY="$KEY" \
		"$V" run -m "$kind" -M "base_url=${URL[$kind]}" -M model=fake-vl -S count=4 -t yn01 \
		-j 1 -o "$kind-cut"
	jq -e -s 'length == 4 and all(.[]; (.response | startswith("<|channel|>analysis<|message|>"))
		and .answer == "invalid" and .outcome == "cut_short")' "$kind-cut/samples.jsonl" >/dev/null ||
		fail "$kind harmonycut: $(jq -c -s 'map([.answer, .outcome])' "$kind-cut/samples.jsonl")"
	expect_out "cut short: 4 replies hit the token limit before an answer (not counted; raise --max-tokens"
done

# Reasoning apart in other shapes (OpenAI kind): OpenRouter's reasoning_details
# (reasoning null; a summary item, whose text is the thought, and an encrypted
# one), and Mistral's content array (a thinking part, then the text part).
# Expected: the answer is the text part's word; the thought (26 characters)
# journaled as the reasoning sent apart.
for shape in thinkrouter thinkparts; do
	queue_faults "$PORT" $shape $shape $shape $shape
	expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl \
		-S count=4 -t yn01 -j 1 -q --keep-reasoning -o $shape
	jq -e -s --arg t "$thought" 'length == 4 and all(.[]; (.response == "Yes" or .response == "No")
		and .answer == (.response | ascii_downcase) and .reasoning == $t
		and .meta.reasoning_chars == 26)' $shape/samples.jsonl >/dev/null ||
		fail "$shape: $(jq -c -s 'map([.response, .answer, .reasoning, .meta.reasoning_chars])' $shape/samples.jsonl)"
done

# --reasoning off, and the server's reasoning parser files the whole reply as
# reasoning_content (content null, finish_reason "stop"; vLLM's deepseek_r1
# parser with Qwen3): nothing was thought, so that text is the reply.  Without
# --reasoning off vsrbench cannot tell it from thinking and reads no answer.
# Expected: the answer is the text the server sent (by jq).
queue_faults "$PORT" misfiled misfiled misfiled misfiled
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl \
	-S count=4 -t yn01 -j 1 -q --reasoning off -o misfiled
jq -e -s 'length == 4 and all(.[]; (.response == "Yes" or .response == "No")
	and .answer == (.response | ascii_downcase) and .meta.reasoning_as_content == true
	and (has("reasoning_chars") | not))' misfiled/samples.jsonl >/dev/null ||
	fail "misfiled, --reasoning off: $(jq -c -s 'map([.response, .answer, .meta])' misfiled/samples.jsonl)"
queue_faults "$PORT" misfiled misfiled misfiled misfiled
expect_exit 0 env OPENAI_API_KEY="$KEY" "$V" run -m openai -M "base_url=${URL[openai]}" -M model=fake-vl \
	-S count=4 -t yn01 -j 1 -q -o misfiled-on
jq -e -s 'length == 4 and all(.[]; .response == "" and .answer == "invalid" and .meta.reasoning_chars > 0)' \
	misfiled-on/samples.jsonl >/dev/null ||
	fail "misfiled, thinking on: $(jq -c -s 'map([.response, .answer, .meta])' misfiled-on/samples.jsonl)"
echo ok

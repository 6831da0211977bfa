#!/usr/bin/env bash
# -m openai and replies streamed as server-sent events (text/event-stream,
# "data: {chat.completion.chunk}" ... "data: [DONE]"), against the loopback
# server streaming as vLLM does (tests/server/fake_sse.py: the headers at
# once, chunked transfer encoding, one write per event with a pause between,
# each stream opened by OpenRouter's keep-alive comment ": OPENROUTER
# PROCESSING"):
#  - a stream no one asked for (a gateway that streams every reply; with
#    "\n" or "\r\n" line ends) is read: the journal's response, answer and
#    tokens are those of the same request answered whole, meta.streamed;
#  - -M stream=on sends "stream": true and "stream_options":
#    {"include_usage": true}, and the usage of the closing chunk is read;
#  - reasoning streamed apart (delta.reasoning_content; delta.reasoning with
#    finish_reason "length") stays apart from the reply; think tags in the
#    streamed text are read as in a whole one;
#  - an error event mid-stream is no answer: retried, then answered;
#  - a stream cut before its end (no finish_reason, no [DONE]) is no
#    answer: retried, and failing so every time, an error saying so, never
#    the piece that came scored;
#  - streamed or not, the request is the same: the fingerprint and the
#    configuration's hash are the same (a run resumes with -M stream=on), and
#    every answer of a streamed run comes from the response cache a whole
#    run filled;
#  - "stream" stays refused in -M extra_body, naming -M stream.
# The expected texts are the fake's (fake_llm.py: THINKTAG, the think
# outcome's "Let me look at the image first.", 31 characters; usage 100 in,
# 1 out, or 8 out with 7 of reasoning for think), written here by hand.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
start_server llm
B=http://127.0.0.1:$PORT
OA=(-m openai -M "base_url=$B/v1" -M model=m -S count=6 -t yn01 -q)
clear_faults() {
	python3 -c 'import sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_faults" % sys.argv[1], b"{\"clear\": true}")).read()' "$PORT"
}
since() { server_log "$PORT" | jq -c --argjson n "$1" '.[$n:]'; }
# item -> response, answer, tokens in, tokens out (sorted)
rows() { jq -r '[.item, .response, .answer, .tokens_in, .tokens_out] | @tsv' "$1/samples.jsonl" | sort; }

# 0. The same requests answered whole: what every streamed run must equal.
expect_exit 0 "$V" run "${OA[@]}" -o whole
[ "$(jq -s 'map(select(.tokens_in == 100 and .tokens_out == 1 and (.meta | has("streamed") | not))) | length' whole/samples.jsonl)" = 6 ] ||
	fail "whole: $(head -2 whole/samples.jsonl)"

# 1. Streamed unasked, "\n" and "\r\n" line ends.
for f in stream streamcrlf; do
	n=$(requests_sent)
	sticky_fault "$PORT" "$f"
	expect_exit 0 "$V" run "${OA[@]}" -o "$f"
	clear_faults
	[ "$(rows "$f")" = "$(rows whole)" ] || fail "$f: $(diff <(rows whole) <(rows "$f"))"
	jq -e -s 'length == 6 and all(.[]; .meta.streamed == true and .meta.finish_reason == "stop" and
		.meta.usage.total_tokens == 101)' "$f/samples.jsonl" >/dev/null || fail "$f meta: $(head -1 "$f/samples.jsonl")"
	since "$n" | jq -e 'length == 6 and all(.[]; .fault == "'"$f"'" and (.params | has("stream") | not))' >/dev/null ||
		fail "$f requests: $(since "$n")"
done

# 2. -M stream=on: asked for, with the usage chunk.
n=$(requests_sent)
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -o on
[ "$(rows on)" = "$(rows whole)" ] || fail "stream=on: $(diff <(rows whole) <(rows on))"
since "$n" | jq -e 'length == 6 and all(.[]; .params.stream == true and .params.stream_options == {"include_usage": true} and .status == 200)' >/dev/null ||
	fail "stream=on requests: $(since "$n")"
jq -e -s 'all(.[]; .meta.streamed == true)' on/samples.jsonl >/dev/null || fail "stream=on meta"
# Off is the default and says so.
n=$(requests_sent)
expect_exit 0 "$V" run "${OA[@]}" -M stream=off -S count=1 -o off
since "$n" | jq -e 'length == 1 and (.[0].params | has("stream") or has("stream_options") | not)' >/dev/null ||
	fail "stream=off requests: $(since "$n")"

# 3. Reasoning apart: the reply is its content alone, the reasoning counted
# (and kept with --keep-reasoning) as the server sent it.
sticky_fault "$PORT" think
expect_exit 0 "$V" run "${OA[@]}" -M stream=on --keep-reasoning -o think
clear_faults
jq -e -s 'length == 6 and all(.[]; (.response == "Yes" or .response == "No") and
	.reasoning == "Let me look at the image first." and .meta.reasoning_chars == 31 and
	.tokens_out == 8 and .tokens_reasoning == 7)' think/samples.jsonl >/dev/null ||
	fail "think: $(head -1 think/samples.jsonl)"
[ "$(jq -r '[.item, .answer] | @tsv' think/samples.jsonl | sort)" = "$(jq -r '[.item, .answer] | @tsv' whole/samples.jsonl | sort)" ] ||
	fail "think answers differ from the whole run's"
sticky_fault "$PORT" thinkcut
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -o thinkcut
clear_faults
jq -e -s 'length == 6 and all(.[]; .response == "" and .meta.cut_short == true and
	.meta.finish_reason == "length" and .meta.reasoning_chars == 31)' thinkcut/samples.jsonl >/dev/null ||
	fail "thinkcut: $(head -1 thinkcut/samples.jsonl)"
sticky_fault "$PORT" thinktag
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -o thinktag
clear_faults
# The text streamed in 2-character pieces, whole again; the answer after the tags.
jq -e -s 'all(.[]; .response == "<think>No. Yes. The answer is no.</think>\n\n" + (if .answer == "yes" then "Yes" else "No" end))' \
	thinktag/samples.jsonl >/dev/null || fail "thinktag: $(head -1 thinktag/samples.jsonl)"
[ "$(jq -r '[.item, .answer] | @tsv' thinktag/samples.jsonl | sort)" = "$(jq -r '[.item, .answer] | @tsv' whole/samples.jsonl | sort)" ] ||
	fail "thinktag answers differ from the whole run's"

# 4. An error event mid-stream: retried, the answer from the next attempt.
n=$(requests_sent)
queue_faults "$PORT" streamerror
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -S count=1 -M backoff=0.01 -o errev
since "$n" | jq -e 'length == 2 and .[0].fault == "streamerror" and .[0].body_sha == .[1].body_sha' >/dev/null ||
	fail "streamerror requests: $(since "$n")"
jq -e -s 'length == 1 and .[0].meta.attempts == 2 and (.[0] | has("error") | not)' errev/samples.jsonl >/dev/null ||
	fail "streamerror journal: $(cat errev/samples.jsonl)"
[ "$(rows errev)" = "$(rows whole | head -1)" ] || fail "streamerror answer: $(rows errev)"

# 5. A stream cut short: retried; always cut, the task fails saying so.
n=$(requests_sent)
queue_faults "$PORT" streamcut
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -S count=1 -M backoff=0.01 -o cut1
since "$n" | jq -e 'length == 2 and .[0].fault == "streamcut"' >/dev/null || fail "streamcut requests: $(since "$n")"
[ "$(rows cut1)" = "$(rows whole | head -1)" ] || fail "streamcut answer: $(rows cut1)"
n=$(requests_sent)
sticky_fault "$PORT" streamcut
expect_exit 4 "$V" run "${OA[@]}" -M stream=on -S count=2 --retries 1 -M backoff=0.01 -o cut
clear_faults
expect_err "all 2 tasks of the run failed on identical HTTP 200 replies from $B/v1/chat/completions without an answer (a stream of events cut short: it ended with neither a finish_reason nor data: [DONE])"
expect_err "something cuts the streamed replies before their end: a proxy's timeout"
[ "$(since "$n" | jq length)" = 4 ] || fail "streamcut: $(since "$n" | jq length) requests, not 2 per task"
jq -e -s 'length == 2 and all(.[]; (has("response") | not) and (has("answer") | not) and
	(.error | contains("a stream of events cut short: it ended with neither a finish_reason nor data: [DONE]")))' \
	cut/samples.jsonl >/dev/null || fail "streamcut journal: $(cat cut/samples.jsonl)"

# 6. The same request, streamed or not: one fingerprint, one configuration,
# one cache key.
[ "$(jq -c '[.model.fingerprint, .config_hash]' on/run.json)" = "$(jq -c '[.model.fingerprint, .config_hash]' whole/run.json)" ] ||
	fail "stream=on changed the fingerprint or the configuration: $(jq -c '[.model.fingerprint, .config_hash, .model.config]' on/run.json whole/run.json)"
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -o whole
expect_out "(0 new tasks, 6 already done)"
expect_exit 0 "$V" run "${OA[@]}" -o c1 --cache "$T/c"
n=$(requests_sent)
expect_exit 0 "$V" run "${OA[@]}" -M stream=on -o c2 --cache "$T/c"
expect_out "cache: 6 of 6 answers from the response cache, 0 asked"
[ "$(requests_sent)" = "$n" ] || fail "the streamed run asked the server: $(since "$n")"
jq -e -s 'length == 6 and all(.[]; .cached == true)' c2/samples.jsonl >/dev/null || fail "c2 not cached"
[ "$(rows c2)" = "$(rows whole)" ] || fail "cached answers differ"

# 7. extra_body may not set stream; -M stream takes on or off.
expect_exit 2 "$V" run "${OA[@]}" -M 'extra_body={"stream":true}' -o x
expect_err '-M extra_body: "stream" is written by vsrbench itself (-M stream=on|off)'
expect_exit 2 "$V" run "${OA[@]}" -M stream=yes -o x
expect_err "-M stream=yes: expected on or off"
expect_one_line_err

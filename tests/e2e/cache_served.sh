#!/usr/bin/env bash
# One URL, one model name, other weights: SGLang serves every checkpoint as
# "default", llama.cpp answers to any name, so a run of checkpoint B after one
# of A looked the same to the response cache, which served A's answers as B's
# (and a resume mixed the two models in one journal).  The server's own
# listing names the weights (vLLM's and SGLang's GET /v1/models "root",
# Ollama's /api/tags "digest"; tests/server/fake_llm.py POST /_served sets it,
# "created" and "permission" new on every call as vLLM's are): it is now part
# of the cache key and recorded in run.json.  Counted on the server's log.
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
unset VSRBENCH_CACHE
start_server llm
served() { python3 -c 'import json, sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_served" % sys.argv[1], sys.argv[2].encode())).read()' "$PORT" "$1"; }
run() { # run KIND DIR ARGS...: 10 synth tasks against the fake server, the cache in $T/c
	local kind=$1 d=$2 base=http://127.0.0.1:$PORT/v1
	shift 2
	[ "$kind" = ollama ] && base=http://127.0.0.1:$PORT
	"$V" run -m "$kind" -M "base_url=$base" -M model=default -S count=10 -t yn01 -q --cache "$T/c" -o "$d" "$@"
}

served '{"id": "default", "root": "/models/ckpt-a"}'
expect_exit 0 run openai a1
[ "$(requests_sent)" = 10 ] || fail "a1 sent $(requests_sent)"
jq -e '.served_model | fromjson | .root == "/models/ckpt-a" and (has("created") | not) and (has("permission") | not) and (has("max_model_len") | not)' \
	a1/run.json >/dev/null || fail "run.json served_model: $(jq -c .served_model a1/run.json)"
# The same weights again: the listing's changing fields change nothing.
expect_exit 0 run openai a2
[ "$(requests_sent)" = 10 ] || fail "the same weights asked again: $(($(requests_sent) - 10)) requests"
expect_out "cache: 10 of 10 answers from the response cache"
# Other weights under the same name: asked, not served from A's answers.
served '{"id": "default", "root": "/models/ckpt-b"}'
expect_exit 0 run openai b1
[ "$(requests_sent)" = 20 ] || fail "checkpoint B was answered from A's cache: $(($(requests_sent) - 10)) requests, not 10"
expect_exit 0 run openai b2
[ "$(requests_sent)" = 20 ] || fail "B again: $(($(requests_sent) - 20)) requests"
# Resuming A's run directory against B is refused; nothing is asked.
expect_exit 2 run openai a1
expect_err "a1 holds answers of another model: under the same name the server now serves"
expect_err "/models/ckpt-b"
expect_one_line_err
[ "$(requests_sent)" = 20 ] || fail "the refused resume sent requests"
# A server that lists nothing: the name alone, as before (and no refusal to resume).
served '{}'
expect_exit 0 run openai a1
jq -e 'has("served_model")' a1/run.json >/dev/null || fail "a1 lost its served_model"

# Ollama: the digest of the weights.
served '{"id": "default", "root": "sha256:aaaa"}'
n=$(requests_sent)
expect_exit 0 run ollama o1
[ "$(requests_sent)" = $((n + 10)) ] || fail "o1 sent $(($(requests_sent) - n))"
[ "$(jq -r '.served_model | fromjson | .digest' o1/run.json)" = sha256:aaaa ] || fail "ollama served_model: $(jq -c .served_model o1/run.json)"
served '{"id": "default", "root": "sha256:bbbb"}'
expect_exit 0 run ollama o2
[ "$(requests_sent)" = $((n + 20)) ] || fail "another Ollama digest was answered from the cache"
echo ok

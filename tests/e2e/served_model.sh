#!/usr/bin/env bash
# No -M model against a server of one's own: vLLM, SGLang, llama.cpp's server
# and Ollama list what they serve (GET /v1/models, /api/tags), and a server
# with one model needs no name.  vsrbench takes the one model listed, says so,
# and records it as -M model (a resume with or without the option is the same
# run).  Several models, none, or no listing: a usage error (exit 2) naming
# what the server said, before any task.  A hosted API (no -M base_url) is
# never asked for its catalogue.  The fake server's listing is vLLM's and
# Ollama's shape (tests/server/fake_llm.py POST /_served).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
export VSRBENCH_CACHE=off
start_server llm
served() { python3 -c 'import json, sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_served" % sys.argv[1], sys.argv[2].encode())).read()' "$PORT" "$1"; }
chats() { server_log "$PORT" | jq '[.[] | select(.path == "/v1/chat/completions")] | length'; }
B=http://127.0.0.1:$PORT/v1

# One model listed: taken, said on stderr, sent in every request, in run.json.
served '{"id": "Qwen/Qwen2-VL-7B-Instruct", "root": "/models/qwen2-vl-7b"}'
expect_exit 0 "$V" run -m openai -M base_url="$B" -S count=6 -q -o one
expect_err "no -M model: using 'Qwen/Qwen2-VL-7B-Instruct', the one model $B/models lists"
[ "$(jq -r .model.config.model one/run.json)" = Qwen/Qwen2-VL-7B-Instruct ] ||
	fail "run.json model.config: $(jq -c .model.config one/run.json)"
jq -e '.model.fingerprint | contains("model=\"Qwen/Qwen2-VL-7B-Instruct\"")' one/run.json >/dev/null ||
	fail "the fingerprint lacks the model: $(jq -r .model.fingerprint one/run.json)"
# Each request named it: the fake server answers with the model it was asked
# for, which the journal keeps in each line's meta.
[ "$(jq -r .meta.model one/samples.jsonl | sort -u)" = Qwen/Qwen2-VL-7B-Instruct ] ||
	fail "the requests asked for: $(jq -r .meta.model one/samples.jsonl | sort -u)"
[ "$(chats)" = 6 ] || fail "$(chats) chat requests, not 6"

# The same run resumed with the name given: the same configuration, nothing asked.
expect_exit 0 "$V" run -m openai -M base_url="$B" -M model=Qwen/Qwen2-VL-7B-Instruct -S count=6 -q -o one
[ "$(chats)" = 6 ] || fail "the resume with -M model asked $(($(chats) - 6)) more"
# ... and without it again: the same.
expect_exit 0 "$V" run -m openai -M base_url="$B" -S count=6 -q -o one
[ "$(chats)" = 6 ] || fail "the resume without -M model asked $(($(chats) - 6)) more"
# With another name it is another configuration: refused.
expect_exit 2 "$V" run -m openai -M base_url="$B" -M model=other -S count=6 -q -o one
expect_err "different configuration"

# Ollama's listing: its one model's name as Ollama gives it.
expect_exit 0 "$V" run -m ollama -M base_url="http://127.0.0.1:$PORT" -S count=2 -q -o oll
expect_err "no -M model: using 'Qwen/Qwen2-VL-7B-Instruct:latest', the one model http://127.0.0.1:$PORT/api/tags lists"

# Several: exit 2 before any task, naming them.
served '[{"id": "llava-1.5-7b", "root": "/m/a"}, {"id": "qwen2-vl-7b", "root": "/m/b"}]'
expect_exit 2 "$V" run -m openai -M base_url="$B" -S count=2 -q -o two
expect_one_line_err
expect_err "-m openai needs -M model=NAME, the served model's name (GET $B/models lists 2 models: llava-1.5-7b, qwen2-vl-7b)"
[ ! -e two/samples.jsonl ] || fail "a run began without a model"
# None.
served '[]'
expect_exit 2 "$V" run -m openai -M base_url="$B" -S count=2 -q -o none
expect_err "(GET $B/models lists 0 models)"
# No listing (a server without GET /models: 404).
served '{}'
expect_exit 2 "$V" run -m openai -M base_url="$B" -S count=2 -q -o nolist
expect_err "(GET $B/models answered HTTP 404)"
# Nothing listening.
dead=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
expect_exit 2 "$V" run -m openai -M base_url="http://127.0.0.1:$dead/v1" -S count=2 -q -o dead
expect_err "(GET http://127.0.0.1:$dead/v1/models: "
# A hosted API (no base_url) is not asked: the option is needed, as before.
OPENAI_API_KEY=sk-test expect_exit 2 "$V" run -m openai -S count=2 -q -o hosted
expect_err "-m openai needs -M model=NAME (the served model's name, e.g. the one vLLM was started with)"
echo ok

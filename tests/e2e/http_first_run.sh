#!/usr/bin/env bash
# A user's first run against a served or hosted model: the configuration
# mistakes that used to end in a misleading error, a crash of the request
# framing or a stopped run, each through the real binary and a loopback
# server (tests/server/fake_llm.py).
#   1. An API key with a line end or blanks around it (read from a file):
#      the blanks are not sent (before: "\r" or "\n" ended the header line,
#      the server read the body as garbage, "Received HTTP/0.9"); one inside
#      the key is refused before any request, naming its position; a blank
#      variable is said to be empty, not "not set"; a hosted API's missing
#      key is named as unset, empty or blank (before: "export
#      OPENAI_API_KEY=***", the message's own "=..." masked as a secret).
#   2. A proxy in the environment (http_proxy, HTTPS_PROXY, ALL_PROXY) is
#      not used for a server on this machine (127.0.0.1, localhost, the
#      0.0.0.0 vLLM prints): before, the request went to the proxy, whose
#      403 read as a bad key.  The proxy here is a second fake server that
#      counts what it is sent.
#   3. Anthropic's 529 overloaded_error is a wait, as a 503 is: the
#      endpoint pauses and the tasks' retries are not used up (before: each
#      529 spent a retry, and 16 alike in 10 s stopped the run with "the
#      server fails every request the same way").
#   4. A base URL with the API's own path (a full endpoint URL pasted from
#      a server's docs) is refused before any request with the base URL to
#      give (before: ".../v1/chat/completions/chat/completions" 404'd and the
#      hint said "try -M base_url=.../v1/chat/completions/v1"); so is
#      -m ollama at Ollama's OpenAI-compatible /v1.
#   5. https:// to a server that speaks plain HTTP stops at once saying so,
#      with the http:// URL (before: retried until "cannot reach the server
#      ... is the server running?", of a server that was running).
#   6. A model name the server does not serve (vLLM's 404 "The model `X`
#      does not exist.", Ollama's "try pulling it first"): the stop names
#      what the server's own listing (GET /v1/models, /api/tags) holds.
#   7. An Azure OpenAI URL given without -M preset=azure is Azure's: the
#      key from AZURE_OPENAI_API_KEY in an api-key header, ?api-version= on
#      a deployment's URL (none on the v1 API's), no -M model needed for a
#      deployment (before: OPENAI_API_KEY as a Bearer token, no api-version,
#      and "needs -M model").  The fake server stands in as an HTTP proxy,
#      so the request for the Azure host reaches it with its full URL.
#   8. A 401 with another provider's key in the variable (an Anthropic key
#      in OPENAI_API_KEY ...) says so by its public prefix, never the key.
#   9. A server that cannot be reached: a host name that does not resolve
#      asks about the host name, not "is the server running?"; through a
#      proxy that cannot be reached, the stop names the proxy's variable
#      (curl's error names the proxy's address, not the server's).
. "$(dirname "$0")/lib.bash"
. "$VSR_SRC/tests/server/lib.bash"
cd "$T"
V=$VSRBENCH
KEY=sk-first-run-0123456789
SMALL=(-S count=6 -t yn01 -j 2 -q)
count() { server_log "$1" | jq length; }

# ---- 1. the key's blanks ----------------------------------------------------
FAKE_LLM_KEY=$KEY start_server keyed --plugin "$GEOMETRY"
KP=$PORT
for k in $'\n' $'\r\n' ' '; do
	rm -rf key
	expect_exit 0 env OPENAI_API_KEY="$KEY$k" "$V" run -m openai -M "base_url=http://127.0.0.1:$KP/v1" \
		-M model=m "${SMALL[@]}" -o key
	[ "$(jq -s 'map(select(.error == null)) | length' key/samples.jsonl)" = 6 ] ||
		fail "key + $(printf %q "$k"): not every task answered"
	case $k in
	$'\n') expect_err "OPENAI_API_KEY has a line end after the key" ;;
	$'\r\n') expect_err "OPENAI_API_KEY has a carriage return after the key" ;;
	' ') expect_err "OPENAI_API_KEY has blanks after the key" ;;
	esac
	! grep -F "$KEY" "$T/err" key/* >/dev/null || fail "the key was written out"
done
n0=$(count "$KP")
expect_exit 2 env OPENAI_API_KEY="${KEY:0:7}"$'\n'"${KEY:7}" "$V" run -m openai \
	-M "base_url=http://127.0.0.1:$KP/v1" -M model=m "${SMALL[@]}" -o inner
expect_err "OPENAI_API_KEY holds a byte 0x0a at position 8 of $((${#KEY} + 1))"
expect_one_line_err
[ "$(count "$KP")" = "$n0" ] || fail "a key with a line end inside was sent"
expect_exit 4 env OPENAI_API_KEY='  ' "$V" run -m openai -M "base_url=http://127.0.0.1:$KP/v1" \
	-M model=m "${SMALL[@]}" -o blank
expect_err "(check OPENAI_API_KEY, which is empty or blank)"
expect_exit 2 env -u OPENAI_API_KEY "$V" run -m openai -M model=m "${SMALL[@]}" -o unset
expect_err "-m openai: no API key: OPENAI_API_KEY is not set (export the key in it, or name another variable with -M api_key_env=NAME)"
expect_exit 2 env ANTHROPIC_API_KEY=$' \r\n' "$V" run -m anthropic -M model=m "${SMALL[@]}" -o blank2
expect_err "-m anthropic: no API key: ANTHROPIC_API_KEY is blank (white space only)"
! grep -F '***' "$T/err" >/dev/null || fail "a mask in the message of a missing key: $(cat "$T/err")"

# ---- 2. no proxy to a local server ----------------------------------------
start_server proxy
PX=$PORT
start_server plain --plugin "$GEOMETRY"
for h in 127.0.0.1 localhost 0.0.0.0; do
	rm -rf px
	expect_exit 0 env http_proxy="http://127.0.0.1:$PX" HTTPS_PROXY="http://127.0.0.1:$PX" \
		ALL_PROXY="http://127.0.0.1:$PX" "$V" run -m openai -M "base_url=http://$h:$PORT/v1" -M model=m \
		"${SMALL[@]}" -o px
	[ "$(jq -s 'map(select(.error == null)) | length' px/samples.jsonl)" = 6 ] || fail "$h: not every task answered"
done
[ "$(count "$PX")" = 0 ] || fail "the proxy was sent $(count "$PX") requests for a local server"

# ---- 3. Anthropic's 529 overloaded ------------------------------------------
# Overloaded for 2 s; -M retries=1 with -M backoff=0.2: a task that spent its
# retries on 529s would fail within 0.6 s.
sticky_fault "$PORT" 529overloaded 2
expect_exit 0 env ANTHROPIC_API_KEY=k "$V" run -m anthropic -M "base_url=http://127.0.0.1:$PORT/v1" -M model=m \
	-M retries=1 -M backoff=0.2 "${SMALL[@]}" -o overloaded
[ "$(jq -s 'map(select(.error == null)) | length' overloaded/samples.jsonl)" = 6 ] ||
	fail "529: not every task answered: $(cat "$T/err")"
expect_err "HTTP 529 from http://127.0.0.1:$PORT/v1: Overloaded"
expect_err "HTTP 529 from http://127.0.0.1:$PORT/v1: Overloaded: the server is overloaded; vsrbench waits for it"
[ "$(server_log "$PORT" | jq '[.[] | select(.status == 529)] | length')" -ge 2 ] || fail "no 529 was met"

# ---- 4. a base URL ending with the API's path -------------------------------
B=http://127.0.0.1:$PORT
n0=$(count "$PORT")
while IFS='|' read -r kind url tail base; do
	expect_exit 2 env ANTHROPIC_API_KEY=k GEMINI_API_KEY=k "$V" run -m "$kind" -M "base_url=$url" -M model=m \
		"${SMALL[@]}" -o "tail-$kind"
	expect_err "-M base_url '$url' ends with $tail"
	expect_err ": use -M base_url=$base"
	expect_one_line_err
done <<END
openai|$B/v1/chat/completions|/chat/completions|$B/v1
openai|$B/v1/chat/completions/|/chat/completions|$B/v1
openai|$B/v1/responses|/responses|$B/v1
anthropic|$B/v1/messages|/messages|$B/v1
ollama|$B/api/chat|/api/chat|$B
ollama|$B/v1|/v1|$B
gemini|$B/v1beta/models/gemini-2.5-flash:generateContent|/models/gemini-2.5-flash:generateContent|$B/v1beta
END
[ "$(count "$PORT")" = "$n0" ] || fail "a request went to a base URL with the API's path"

# ---- 5. https:// to a plain HTTP port ---------------------------------------
expect_exit 4 "$V" run -m openai -M "base_url=https://127.0.0.1:$PORT/v1" -M model=m "${SMALL[@]}" -o tls
expect_err "(the server on this port speaks plain HTTP, not TLS: use -M base_url=http://127.0.0.1:$PORT/v1)"
! grep -F "is the server running" "$T/err" >/dev/null || fail "https to http: asked whether the server runs"

# ---- 6. a model the server does not serve: what it lists --------------------
python3 -c 'import json, sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_served" % sys.argv[1],
json.dumps({"id": "Qwen/Qwen2-VL-7B-Instruct", "root": "/models/qwen2-vl"}).encode())).read()' "$PORT"
queue_faults "$PORT" 404model 404model 404model 404model
expect_exit 4 "$V" run -m openai -M "base_url=$B/v1" -M model=qwen2-vl -S count=20 -t yn01 -j 1 -q -o nomodel
expect_err "(\"The model \`qwen2-vl\` does not exist.\"); is -M model the name the server serves?"
expect_err "; the server lists: Qwen/Qwen2-VL-7B-Instruct"
f='400ollama:model "llava" not found, try pulling it first'
queue_faults "$PORT" "$f" "$f" "$f" "$f"
expect_exit 4 "$V" run -m ollama -M "base_url=$B" -M model=llava -S count=20 -t yn01 -j 1 -q -o notpulled
expect_err "is the model pulled? (ollama pull NAME; see 'ollama list'); the server lists: Qwen/Qwen2-VL-7B-Instruct:latest"

# ---- 7. an Azure URL without the preset -----------------------------------
last_path() { server_log "$PORT" | jq -r '.[-1].path'; }
for u in http://res.openai.azure.com/openai/deployments/dep http://res.openai.azure.com/openai/v1; do
	queue_faults "$PORT" 400echo 400echo 400echo 400echo
	model=(); [ "${u##*/}" = v1 ] && model=(-M model=dep)
	expect_exit 4 env -u OPENAI_API_KEY AZURE_OPENAI_API_KEY=azure-key-0123456789 http_proxy="http://127.0.0.1:$PORT" \
		"$V" run -m openai -M "base_url=$u" "${model[@]}" -S count=20 -t yn01 -j 1 -q -o "az-${u##*/}"
	expect_err "bad request; you sent api-key: ****"
	case $u in
	*/dep) [ "$(last_path)" = "$u/chat/completions?api-version=2024-10-21" ] || fail "azure: sent to $(last_path)" ;;
	*) [ "$(last_path)" = "$u/chat/completions" ] || fail "azure v1: sent to $(last_path)" ;;
	esac
done
expect_exit 2 env AZURE_OPENAI_API_KEY=k "$V" run -m openai -M base_url=https://res.openai.azure.com/openai/v1 \
	"${SMALL[@]}" -o az-nomodel
expect_err "-m openai needs -M model=NAME (with Azure's v1 API, .../openai/v1: the deployment's name)"

# ---- 8. another provider's key ----------------------------------------------
expect_exit 4 env OPENAI_API_KEY=sk-ant-api03-0123456789abcdef "$V" run -m openai -M "base_url=http://127.0.0.1:$KP/v1" \
	-M model=m "${SMALL[@]}" -o key-ant
expect_err "(check OPENAI_API_KEY, which looks like an Anthropic key (sk-ant-...; -m anthropic reads ANTHROPIC_API_KEY))"
expect_exit 4 env ANTHROPIC_API_KEY=sk-proj-0123456789abcdef "$V" run -m anthropic -M "base_url=http://127.0.0.1:$KP/v1" \
	-M model=m "${SMALL[@]}" -o key-oai
expect_err "(check ANTHROPIC_API_KEY, which looks like an OpenAI key (sk-...; -m openai reads OPENAI_API_KEY))"
expect_exit 4 env GEMINI_API_KEY=sk-ant-api03-0123456789abcdef "$V" run -m gemini -M "base_url=http://127.0.0.1:$KP/v1beta" \
	-M model=m "${SMALL[@]}" -o key-gem
expect_err "(check GEMINI_API_KEY, which looks like an Anthropic key"
! grep -F "0123456789abcdef" "$T/err" >/dev/null || fail "the key was quoted"

# ---- 9. unreachable: the host name, the proxy --------------------------------
expect_exit 4 env -u http_proxy -u all_proxy -u ALL_PROXY "$V" run -m openai -M base_url=http://vsrbench-no-such-host.invalid/v1 \
	-M model=m "${SMALL[@]}" -o nohost
expect_err "(-m openai; is the host name in -M base_url right?)"
expect_exit 4 env -u all_proxy -u ALL_PROXY http_proxy="http://127.0.0.1:$(dead_port)" "$V" run -m openai \
	-M base_url=http://vsrbench-no-such-host.invalid/v1 -M model=m "${SMALL[@]}" -o deadproxy
expect_err "is the server running? The requests go through the proxy in \$http_proxy (NO_PROXY=HOST bypasses it): is the proxy reachable?"

echo "ok"

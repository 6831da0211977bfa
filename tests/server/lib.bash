# Sourced by the HTTP and exec end-to-end tests after tests/e2e/lib.bash:
# starts loopback model servers (tests/server/fake_llm.py) on ephemeral
# ports and stops them on exit.
command -v python3 >/dev/null || { echo "SKIP: python3 is not installed"; exit 77; }
SERVER_DIR="$VSR_SRC/tests/server"
GEOMETRY="$VSR_BUILD/adapters/builtin-geometry.so"
SERVER_PIDS=()
trap 'for p in "${SERVER_PIDS[@]}"; do kill "$p" 2>/dev/null; done; rm -rf "$T"' EXIT

# A sanitizer-built plug-in needs its runtime preloaded into python.
plugin_env() {
	local libs
	# ':'-separated: the caller splits this line into words for env.  The
	# caller's ASAN_OPTIONS (make asan's log_path) are kept; python leaks by design.
	libs=$(ldd "$GEOMETRY" 2>/dev/null | awk '/lib(asan|ubsan)\.so/ {print $3}' | paste -sd:)
	if [ -n "$libs" ]; then
		echo "LD_PRELOAD=$libs ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0:verify_asan_link_order=0"
	fi
}

# launch_py NAME SCRIPT [options]: starts tests/server/SCRIPT (a server that
# prints "PORT n" once it listens) in the background; its stderr is $T/NAME.log.
launch_py() {
	local name=$1 script=$2
	shift 2
	# shellcheck disable=SC2046
	env $(plugin_env) python3 "$SERVER_DIR/$script" "$@" >"$T/$name.port" 2>"$T/$name.log" &
	SERVER_PIDS+=("$!")
	LAUNCHED[$name]=$!
}
declare -A LAUNCHED=()
# wait_port NAME: waits until the server launched as NAME listens; sets PORT.
wait_port() {
	local name=$1 i
	for i in $(seq 1200); do
		grep -q '^PORT ' "$T/$name.port" 2>/dev/null && break
		kill -0 "${LAUNCHED[$name]}" 2>/dev/null || fail "server $name did not start: $(cat "$T/$name.log")"
		sleep 0.05
	done
	PORT=$(awk '/^PORT /{print $2}' "$T/$name.port")
	[ -n "$PORT" ] || fail "server $name printed no port"
}
# start_py NAME SCRIPT [options]: launch_py, then wait_port.
start_py() { launch_py "$@" && wait_port "$1"; }
# start_server NAME [fake_llm.py options]: sets PORT; the log is $T/NAME.log.
start_server() { start_py "$1" fake_llm.py "${@:2}"; }

# start_judge NAME [fake_judge.py options]: a loopback judge; sets PORT.
start_judge() { start_py "$1" fake_judge.py "${@:2}"; }
# judge_calls PORT: how many requests the judge was sent.
judge_calls() { requests_sent "$1"; }
# requests_sent [PORT]: how many requests the server on PORT (default $PORT) has logged.
requests_sent() { server_log "${1:-$PORT}" | jq length; }

# server_log PORT: the server's request log (JSON array).  (python, not the
# curl tool, which the build does not need.)
server_log() {
	python3 -c 'import sys, urllib.request as u; sys.stdout.write(u.urlopen("http://127.0.0.1:%s/_log" % sys.argv[1]).read().decode())' "$1"
}
# queue_faults PORT F...: the next requests to that server get these faults.
queue_faults() {
	python3 -c 'import json, sys, urllib.request as u; u.urlopen(u.Request("http://127.0.0.1:%s/_faults" % sys.argv[1], json.dumps({"next": sys.argv[2:]}).encode())).read()' "$@"
}

# sticky_fault PORT F [SECONDS]: every request after the queued ones gets F
# (for SECONDS from now; without: until a "clear").
sticky_fault() {
	python3 -c 'import json, sys, urllib.request as u; r = {"sticky": sys.argv[2]}
if len(sys.argv) > 3: r["seconds"] = float(sys.argv[3])
u.urlopen(u.Request("http://127.0.0.1:%s/_faults" % sys.argv[1], json.dumps(r).encode())).read()' "$@"
}

# A port nothing listens on (bound, then closed).
dead_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# answers DIR: "item template -> response answer" per task, sorted (keys differ between models).
answers() { jq -r '[.item, .template, .response, .answer] | @tsv' "$1/samples.jsonl" | sort; }
# The report without the run description (which names the model), the
# journal line counts (a healed run keeps its old error lines) and the token
# usage (a served model reports it, an in-process one does not).
report_body() { jq -S 'del(.run, .journal_lines, .duplicate_lines, .usage, .suites[].usage, .suites[].quote)' "$1/report.json"; }

# start_fake_apis: the fake server with a fresh key in $KEY (also its
# FAKE_LLM_KEY) and ${URL[kind]}, the base URL of each of the four API kinds.
start_fake_apis() {
	KEY="sk-test-$RANDOM$RANDOM-marker"
	FAKE_LLM_KEY=$KEY start_server llm
	declare -gA URL=([openai]="http://127.0.0.1:$PORT/v1" [ollama]="http://127.0.0.1:$PORT"
		[anthropic]="http://127.0.0.1:$PORT/v1" [gemini]="http://127.0.0.1:$PORT/v1beta")
}

# sim_stats PORT: the server's own counts (GET /_stats: sim_server.py's or
# fake_llm.py's JSON), through bash's /dev/tcp: a python start costs seconds
# on a busy machine.  The connection stays open (keep-alive) until the body,
# Content-Length bytes of it, has been read.
sim_stats() {
	local line len=0
	exec 3<>"/dev/tcp/127.0.0.1/$1"
	printf 'GET /_stats HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n' >&3
	while IFS= read -r line <&3 && [ "$line" != $'\r' ] && [ -n "$line" ]; do
		case ${line,,} in
		content-length:*) len=${line#*:} len=${len//[!0-9]/} ;;
		esac
	done
	[ "$len" -gt 0 ] || fail "GET /_stats on port $1: no body"
	head -c "$len" <&3
	exec 3<&-
}
